/**
 * The transport foutbericht: how knooppunt refuses an iStandaarden delivery that it cannot read as
 * a message (schema: schemas/istandaarden/transport/foutbericht.xsd). Codes after the IB-codes of
 * the Fo01 foutcodelijst used by the GGk and VECOZO. Texts never quote the refused content.
 */
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';

export const TRANSPORT_NS = 'urn:knooppunt:istandaarden:transport';

export type Foutcode = 'IB001' | 'IB002' | 'IB004' | 'IB007' | 'IB009' | 'IB102' | 'IB103' | 'IB900';

/**
 * The transport foutcodes knooppunt answers with, with the meaning the GGk/ISD chain gives the
 * same code (docs/istandaarden/regels.md lists them). IB004 is knooppunt's own use for an
 * unsupported release or an unknown bericht; IB900 is knooppunt's own for "temporarily not possible
 * on our side" (the store is unavailable, an item cannot be decrypted), for which the chain's list
 * has no code; the others follow the chain.
 */
export const FOUTCODES: Readonly<Record<Foutcode, { omschrijving: string; httpStatus: number }>> = {
  IB001: { omschrijving: 'Bericht voldoet niet aan de XSD of is geen goedgevormde XML.', httpStatus: 400 },
  IB002: { omschrijving: 'Niet geautoriseerd: de verzendende partij mag dit bericht niet (namens deze afzender) versturen.', httpStatus: 403 },
  IB004: { omschrijving: 'De functie wordt niet ondersteund: onbekend bericht of niet ondersteunde release.', httpStatus: 422 },
  IB007: { omschrijving: 'Het ontvangen bericht is groter dan de maximaal toegestane omvang (25 MB).', httpStatus: 413 },
  IB009: { omschrijving: 'Referentie- of crossRefnummer is geen UUID v4.', httpStatus: 400 },
  IB102: { omschrijving: 'Geen routering mogelijk: de ontvanger is niet aangesloten op dit knooppunt.', httpStatus: 422 },
  IB103: { omschrijving: 'Dit berichttype is tijdelijk geblokkeerd.', httpStatus: 503 },
  IB900: { omschrijving: 'Tijdelijk niet mogelijk aan de kant van het knooppunt; er is niets bevestigd. Probeer het later opnieuw.', httpStatus: 503 },
};

export interface Fout {
  code: Foutcode;
  details?: Array<{ plek?: string; melding: string }>;
  /** knooppunt's message id, when the delivery was stored. */
  referentie?: string;
}

function el(name: string, children: XmlElement[] = [], text?: string): XmlElement {
  return { ns: TRANSPORT_NS, name, prefix: '', attrs: {}, children, ...(text !== undefined ? { text } : {}) };
}

const MAX_DETAILS = 50;

export function bouwFoutbericht(fout: Fout, now = new Date()): string {
  const children = [el('Foutcode', [], fout.code), el('Omschrijving', [], FOUTCODES[fout.code].omschrijving)];
  // The transport XSD allows 50 Details: 49 and, when there are more, one that counts the rest.
  const all = fout.details ?? [];
  const details = all.length <= MAX_DETAILS ? all : [...all.slice(0, MAX_DETAILS - 1), { melding: `en ten minste ${all.length - MAX_DETAILS + 1} meldingen meer, niet vermeld` }];
  if (details.length > 0) {
    children.push(
      el(
        'Details',
        details.map((d) => el('Detail', [...(d.plek ? [el('Plek', [], d.plek.slice(0, 300))] : []), el('Melding', [], d.melding.slice(0, 500))])),
      ),
    );
  }
  if (fout.referentie) children.push(el('Referentie', [], fout.referentie));
  children.push(el('Tijdstip', [], now.toISOString()));
  return serializeXml(el('Foutbericht', children), { namespaces: { '': TRANSPORT_NS } });
}
