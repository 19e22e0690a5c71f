/** What a source answers to a bevraging, and how asking it can fail. */
export type BronAntwoord = { gevonden: false } | { gevonden: true; gegevens: Record<string, unknown> };

/** The source did not answer in time, or could not answer: the requester gets a fault, nothing hangs. */
export class BronFout extends Error {
  constructor(readonly soort: 'time-out' | 'niet-beschikbaar' | 'ongeldig-antwoord') {
    super(`bron: ${soort}`);
    this.name = 'BronFout';
  }
}
