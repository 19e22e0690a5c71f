/**
 * The StUF 03.01 foutcodes the StUF channel answers with (in the body of a Fo02 / Fo03).
 *
 * Source: the foutcode tables of the StUF 03.01 specification (Stuf0301.pdf, VNG Realisatie,
 * repository VNG-Realisatie/StUF-onderlaag). The PDF could not be read here; codes, descriptions and
 * the client/server split were taken from VNG's reference zaaksysteem for ZDS 1.2, which transcribes
 * those tables (Haarlem/zaakregistratiecomponent, src/zaakmagazijn/api/stuf/choices.py), and they
 * agree with the codes seen in ZDS test-platform answers (StUF055 plek client for a schema error).
 * Verify against the PDF before relying on the exact wording.
 *
 * `berichten` is the transcription's note of which foutberichten may carry the code. Our reading
 * of that note: Fo03 (the synchronous answer to an asynchronous message) only reports problems
 * with the stuurgegevens; body problems belong in Fo01/Fo02. Unsure: the note is not explained in
 * the transcription.
 *
 * Omschrijvingen are fixed texts: a Fo02 never quotes a value from the message.
 */

export type Foutplek = 'client' | 'server';

export interface Foutcode {
  code: string;
  /** The description from the specification (at most 200 characters, StUF:Foutomschrijving). */
  omschrijving: string;
  plek: Foutplek;
  /** Which foutberichten may carry it, per the transcription (see the module comment). */
  berichten: ReadonlyArray<'Fo01' | 'Fo02' | 'Fo03'>;
  /** When knooppunt uses it. */
  gebruik: string;
}

const F = (code: string, plek: Foutplek, berichten: Foutcode['berichten'], omschrijving: string, gebruik: string): Foutcode => ({ code, omschrijving, plek, berichten, gebruik });

/** The codes the channel needs, by code. */
export const FOUTCODES = {
  // -- plek client: the sender can repair the message ------------------------------------------
  StUF010: F('StUF010', 'client', ['Fo02', 'Fo03'], 'Combinatie van ontvangende organisatie, applicatie en administratie onbekend', 'the ontvanger is not knooppunt nor a configured party, or is missing'),
  StUF013: F('StUF013', 'client', ['Fo02', 'Fo03'], 'Combinatie van zendende organisatie, applicatie en administratie onbekend', 'the zender is not a configured party, or is missing'),
  StUF016: F('StUF016', 'client', ['Fo02', 'Fo03'], 'Combinatie zender en referentienummer niet uniek', 'a message with this zender and referentienummer was already received (replay)'),
  StUF019: F('StUF019', 'client', ['Fo02', 'Fo03'], 'TijdstipBericht niet groter dan voorgaand TijdstipBericht van zender', 'not used by knooppunt today; listed for completeness'),
  StUF022: F('StUF022', 'client', ['Fo02', 'Fo03'], 'Berichtcode onbekend', 'the berichtcode is not a StUF berichtcode'),
  StUF028: F('StUF028', 'client', ['Fo02', 'Fo03'], 'Entiteittype onbekend binnen sectormodel', 'the entiteittype is not one of StUF-ZKN'),
  StUF034: F('StUF034', 'client', ['Fo02', 'Fo03'], 'Functie onbekend binnen sectormodel', 'the functie of a vrij bericht is not one of StUF-ZKN'),
  StUF052: F('StUF052', 'client', ['Fo01', 'Fo02'], 'Het zendende systeem is niet geautoriseerd voor de gevraagde combinatie van berichtcode, entiteittype en functie', 'the zender is known but may not use this operation'),
  StUF055: F('StUF055', 'client', ['Fo01', 'Fo02'], 'Berichtbody is niet conform schema in sectormodel', 'the message does not match the XSD (details: the issues, element names only)'),
  // -- plek server: the receiver cannot handle it now, or at all --------------------------------
  StUF025: F('StUF025', 'server', ['Fo02', 'Fo03'], 'Berichtcode niet ondersteund', 'a valid StUF berichtcode that this endpoint does not handle'),
  StUF031: F('StUF031', 'server', ['Fo02', 'Fo03'], 'Entiteittype niet ondersteund', 'a StUF-ZKN entiteittype outside the contract (ZAK, EDC)'),
  StUF037: F('StUF037', 'server', ['Fo02', 'Fo03'], 'Functie niet ondersteund', 'a vrij bericht other than genereerZaakidentificatie'),
  StUF040: F('StUF040', 'server', ['Fo02', 'Fo03'], 'Combinatie van berichtcode, entiteittype en functie niet ondersteund', 'the SOAPAction, berichtcode and entiteittype do not form an operation of the contract'),
  StUF046: F('StUF046', 'server', ['Fo03'], 'Opslaan bericht niet mogelijk', 'an asynchronous message could not be stored for delivery'),
  StUF049: F('StUF049', 'server', ['Fo02'], 'Proces voor afhandelen synchroon bericht niet beschikbaar', 'the back office for a synchronous question is not reachable'),
  StUF058: F('StUF058', 'server', ['Fo01', 'Fo02'], 'Proces voor afhandelen bericht geeft fout', 'any other processing error (no internal details in the answer)'),
  StUF064: F('StUF064', 'server', ['Fo02'], 'Object niet gevonden', 'geefZaakdetails / geefZaakdocumentLezen for an unknown zaak or document'),
  StUF067: F('StUF067', 'server', ['Fo02'], 'Dubbelen voor object gevonden', 'creeerZaak for a zaak identificatie that already exists'),
  StUF960: F('StUF960', 'server', ['Fo02'], 'Het antwoordende systeem is niet in staat het verzoek af te handelen binnen de connection time out', 'the back office did not answer a synchronous question in time'),
} as const satisfies Record<string, Foutcode>;

export type StufFoutcode = keyof typeof FOUTCODES;

/** What goes into the body of a Fo02/Fo03. */
export interface Fout {
  code: string;
  omschrijving: string;
  plek: Foutplek;
  /** Extra explanation, at most 1000 characters; never a value from the message. */
  details?: string;
}

/** The {@link Fout} for a code of the table, with optional details. */
export function fout(code: StufFoutcode, details?: string): Fout {
  const f = FOUTCODES[code];
  return { code: f.code, omschrijving: f.omschrijving, plek: f.plek, ...(details !== undefined ? { details } : {}) };
}
