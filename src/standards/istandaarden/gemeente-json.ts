/**
 * iJw/iWmo bericht → the JSON a gemeente back office receives. Its own module, with no XML writer
 * and no mapping engine behind it: the document workers translate large berichten with it.
 */
import type { XmlElement } from '../../xml/parse.js';
import { BERICHTSOORTEN, RETOURBERICHTEN, berichtNamespace, berichtType, type BerichtNummer, type Standaard } from './catalog.js';
import { readHeader, type BerichtHeader } from './header.js';
import { berichtPayload } from './json.js';

/**
 * A parsed bericht (real namespaces) → its header and its JSON payload (json.ts: every value of
 * the body and of the Header's own extra fields). Throws when the root is not that bericht and
 * when the Header is incomplete (BerichtHeaderError, header.ts).
 */
export function berichtNaarJson(root: XmlElement, standaard: Standaard, nummer: BerichtNummer): { header: BerichtHeader; payload: Record<string, unknown> } {
  if (root.name !== 'Bericht' || root.ns !== berichtNamespace(standaard, nummer)) {
    throw new Error(`berichtNaarJson: expected a ${berichtType(standaard, nummer)} Bericht in ${berichtNamespace(standaard, nummer)}`);
  }
  return { header: readHeader(root), payload: berichtPayload(root, standaard, nummer) };
}

/** The JSON a gemeente back office receives for a bericht: the header fields, then every value of the bericht. */
export function naarJsonWaarde(p: { standaard: Standaard; nummer: BerichtNummer; header: BerichtHeader; root: XmlElement }): Record<string, unknown> {
  const soort = BERICHTSOORTEN.get(p.nummer)!;
  const base = {
    standaard: p.standaard,
    bericht: berichtType(p.standaard, p.nummer),
    berichtsoort: soort.slug,
    // A retourbericht carries its heenbericht's Afzender/Ontvanger; the envelope names who sent it.
    afzender: RETOURBERICHTEN.includes(p.nummer) ? p.header.ontvanger : p.header.afzender,
    ontvanger: RETOURBERICHTEN.includes(p.nummer) ? p.header.afzender : p.header.ontvanger,
    identificatie: p.header.identificatie,
    dagtekening: p.header.dagtekening,
  };
  const payload = berichtNaarJson(p.root, p.standaard, p.nummer).payload;
  // A retourbericht's own header fields are named beside the base, so a back office matches it to its heenbericht.
  if (RETOURBERICHTEN.includes(p.nummer)) return { ...base, retourCodes: payload.retourCodes ?? [], identificatieRetour: payload.identificatieRetour, payload };
  return { ...base, payload };
}
