/** What a source answers to a bevraging, and how asking it can fail (shared by the JSON and SOAP sources). */
export type BronAntwoord = { gevonden: false } | { gevonden: true; gegevens: Record<string, unknown> };

export type BronFoutSoort = 'time-out' | 'niet-beschikbaar' | 'ongeldig-antwoord';

/** The source did not answer in time, or could not answer: the requester gets a fault, nothing hangs. */
export class BronFout extends Error {
  constructor(
    readonly soort: BronFoutSoort,
    message: string = `bron: ${soort}`,
  ) {
    super(message);
    this.name = 'BronFout';
  }
}
