/**
 * The transport foutbericht: how knooppunt refuses an iStandaarden delivery that it cannot read as
 * a message (schema: schemas/istandaarden/transport/foutbericht.xsd). Codes after the IB-codes of
 * the Fo01 foutcodelijst used by the GGk and VECOZO. Texts never quote the refused content.
 */
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';

export const TRANSPORT_NS = 'urn:knooppunt:istandaarden:transport';

export type Foutcode = 'IB001' | 'IB002' | 'IB003' | 'IB004' | 'IB005' | 'IB008';

export const FOUTCODES: Readonly<Record<Foutcode, { omschrijving: string; httpStatus: number }>> = {
  IB001: { omschrijving: 'Bericht voldoet niet aan de XSD of is geen goedgevormde XML.', httpStatus: 400 },
  IB002: { omschrijving: 'De verzendende organisatie is niet geautoriseerd om gebruik te maken van dit knooppunt.', httpStatus: 403 },
  IB003: { omschrijving: 'Het ontvangen bericht overschrijdt de maximaal toegestane bestandsgrootte.', httpStatus: 413 },
  IB004: { omschrijving: 'De functie wordt niet ondersteund: onbekend bericht of niet ondersteunde release.', httpStatus: 422 },
  IB005: { omschrijving: 'Gemeentecode is niet bekend bij dit knooppunt.', httpStatus: 422 },
  IB008: { omschrijving: 'Indienende partij beschikt niet over de juiste rol voor dit bericht.', httpStatus: 403 },
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

export function bouwFoutbericht(fout: Fout, now = new Date()): string {
  const children = [el('Foutcode', [], fout.code), el('Omschrijving', [], FOUTCODES[fout.code].omschrijving)];
  const details = (fout.details ?? []).slice(0, 50);
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
