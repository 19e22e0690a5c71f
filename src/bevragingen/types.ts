/**
 * The outcome of one bevraging (docs/suwi/bevraging.md), shared by the service and its channels
 * (REST, SOAP). A refusal carries one of the contract's foutcodes and a fixed description: never
 * a value from the request or the source.
 */

/** The foutcodes of the contract: the REST problem codes and the SOAP FWI Foutcode. */
export type BevragingFoutcode =
  | 'ongeldig-bsn'
  | 'doel-ontbreekt'
  | 'doel-niet-toegestaan'
  | 'bron-time-out'
  | 'bron-niet-beschikbaar'
  | 'ongeldig-verzoek';

export type BevragingUitkomst =
  | {
      ok: true;
      /** The exchange in the log (set by the service). */
      id?: string;
      uitkomst: 'gevonden' | 'niet-gevonden';
      /** The minimised data (only when found). */
      gegevens?: Record<string, unknown>;
      doel: string;
      grondslag: string;
      /** The source's id. */
      bron: string;
    }
  | {
      ok: false;
      /** The exchange in the log (set by the service). */
      id?: string;
      foutcode: BevragingFoutcode;
      /** A fixed description, never a value from the request or the source. */
      omschrijving: string;
    };
