/**
 * The StUF-GGk berichtenvelop 2.1 (ggk0210), as the ISD chain uses it between gemeenten, the GGk and
 * VECOZO: an iWmo/iJw bericht travels base64-encoded in `parameters/bericht/xmlBestand`, routed only
 * on the stuurgegevens around it.
 * - `envelopHeenbericht-ggk_Di01` carries a heenbericht (315, 301, ...); `functie` is its code (JW315);
 * - `envelopRetourbericht-ggk_Du01` carries a retourbericht (316, 302, ...), `crossRefnummer` the Di01's
 *   referentienummer;
 * - a StUF `Fo01Bericht` refuses an envelope with one of the chain's foutcodes, a `Bv03Bericht`
 *   confirms one that needs no retourbericht.
 * Referentie- and crossRefnummers are UUID v4.
 */
import { randomUUID } from 'node:crypto';
import { stufTijdstip } from '../stuf/stuurgegevens.js';
import type { XmlElement } from '../../xml/parse.js';

export const GGK_NS = 'http://www.stufstandaarden.nl/koppelvlak/ggk0210';
export const STUF_NS = 'http://www.egem.nl/StUF/StUF0301';
export const DI01 = 'envelopHeenbericht-ggk_Di01';
export const DU01 = 'envelopRetourbericht-ggk_Du01';
export const SOAP_ACTION_DI01 = `${GGK_NS}/ggk_Di01`;
export const SOAP_ACTION_DU01 = `${GGK_NS}/ggk_Du01`;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuidV4(value: string | undefined): boolean {
  return value !== undefined && UUID_V4.test(value);
}

export interface Systeem {
  organisatie?: string;
  applicatie: string;
  administratie?: string;
  gebruiker?: string;
}

export interface Envelop {
  soort: 'Di01' | 'Du01';
  zender: Systeem;
  ontvanger: Systeem;
  referentienummer: string;
  tijdstipBericht: string;
  crossRefnummer?: string;
  functie: string;
  versies: { applicatieVersie: string; applicatieSubversie: string; functieVersie: string; functieSubversie: string };
  /** The base64 text as received (decoded by the caller, so a bad encoding can be answered). */
  xmlBestand: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function child(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.ns === ns && c.name === name);
}

function text(el: XmlElement | undefined, ns: string, name: string): string | undefined {
  const t = child(el, ns, name)?.text;
  return t === undefined ? undefined : t.trim();
}

function systeem(el: XmlElement | undefined): Systeem {
  return {
    ...(text(el, STUF_NS, 'organisatie') !== undefined ? { organisatie: text(el, STUF_NS, 'organisatie') } : {}),
    applicatie: text(el, STUF_NS, 'applicatie') ?? '',
    ...(text(el, STUF_NS, 'administratie') !== undefined ? { administratie: text(el, STUF_NS, 'administratie') } : {}),
    ...(text(el, STUF_NS, 'gebruiker') !== undefined ? { gebruiker: text(el, STUF_NS, 'gebruiker') } : {}),
  };
}

/** Reads an envelope already validated against the GGk XSD. */
export function readEnvelop(root: XmlElement): Envelop {
  const sg = child(root, GGK_NS, 'stuurgegevens');
  const par = child(root, GGK_NS, 'parameters');
  return {
    soort: root.name === DU01 ? 'Du01' : 'Di01',
    zender: systeem(child(sg, STUF_NS, 'zender')),
    ontvanger: systeem(child(sg, STUF_NS, 'ontvanger')),
    referentienummer: text(sg, STUF_NS, 'referentienummer') ?? '',
    tijdstipBericht: text(sg, STUF_NS, 'tijdstipBericht') ?? '',
    ...(text(sg, STUF_NS, 'crossRefnummer') !== undefined ? { crossRefnummer: text(sg, STUF_NS, 'crossRefnummer') } : {}),
    functie: text(sg, STUF_NS, 'functie') ?? '',
    versies: {
      applicatieVersie: text(par, GGK_NS, 'applicatieVersie') ?? '',
      applicatieSubversie: text(par, GGK_NS, 'applicatieSubversie') ?? '',
      functieVersie: text(par, GGK_NS, 'functieVersie') ?? '',
      functieSubversie: text(par, GGK_NS, 'functieSubversie') ?? '',
    },
    xmlBestand: text(child(par, GGK_NS, 'bericht'), GGK_NS, 'xmlBestand') ?? '',
  };
}

/** Strict base64 (whitespace allowed between groups): anything else is "does not decode". */
export function decodeXmlBestand(b64: string): Buffer | undefined {
  const compact = b64.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** yyyyMMddHHmmssSSS in Dutch local time, as StUF's tijdstipBericht is everywhere else in knooppunt (docs/dates.md). */
export function tijdstip(d = new Date()): string {
  return stufTijdstip(d);
}

function systeemXml(tag: 'zender' | 'ontvanger', s: Systeem): string {
  return (
    `<StUF:${tag}>` +
    (s.organisatie !== undefined ? `<StUF:organisatie>${esc(s.organisatie)}</StUF:organisatie>` : '') +
    `<StUF:applicatie>${esc(s.applicatie)}</StUF:applicatie>` +
    (s.administratie !== undefined ? `<StUF:administratie>${esc(s.administratie)}</StUF:administratie>` : '') +
    (s.gebruiker !== undefined ? `<StUF:gebruiker>${esc(s.gebruiker)}</StUF:gebruiker>` : '') +
    `</StUF:${tag}>`
  );
}

export const DEFAULT_VERSIES = { applicatieVersie: '0001', applicatieSubversie: '0001', functieVersie: '0003', functieSubversie: '0002' } as const;

/** A Di01 or Du01 around a bericht. */
export function buildEnvelop(e: {
  soort: 'Di01' | 'Du01';
  zender: Systeem;
  ontvanger: Systeem;
  referentienummer?: string;
  crossRefnummer?: string;
  functie: string;
  bericht: Buffer;
  versies?: Envelop['versies'];
  at?: Date;
}): string {
  const root = e.soort === 'Di01' ? DI01 : DU01;
  const v = e.versies ?? DEFAULT_VERSIES;
  return (
    `<GGK:${root} xmlns:GGK="${GGK_NS}" xmlns:StUF="${STUF_NS}">` +
    `<GGK:stuurgegevens><StUF:berichtcode>${e.soort}</StUF:berichtcode>` +
    systeemXml('zender', e.zender) +
    systeemXml('ontvanger', e.ontvanger) +
    `<StUF:referentienummer>${esc(e.referentienummer ?? randomUUID())}</StUF:referentienummer>` +
    `<StUF:tijdstipBericht>${tijdstip(e.at)}</StUF:tijdstipBericht>` +
    (e.crossRefnummer !== undefined ? `<StUF:crossRefnummer>${esc(e.crossRefnummer)}</StUF:crossRefnummer>` : '') +
    `<StUF:functie>${esc(e.functie)}</StUF:functie></GGK:stuurgegevens>` +
    `<GGK:parameters><GGK:applicatieVersie>${v.applicatieVersie}</GGK:applicatieVersie><GGK:applicatieSubversie>${v.applicatieSubversie}</GGK:applicatieSubversie>` +
    `<GGK:functieVersie>${v.functieVersie}</GGK:functieVersie><GGK:functieSubversie>${v.functieSubversie}</GGK:functieSubversie>` +
    `<GGK:bericht><GGK:xmlBestand>${e.bericht.toString('base64')}</GGK:xmlBestand></GGK:bericht></GGK:parameters>` +
    `</GGK:${root}>`
  );
}

function stuurgegevensKort(code: 'Fo01' | 'Bv03', zender: Systeem, ontvanger: Systeem, crossRefnummer: string): string {
  return (
    `<StUF:stuurgegevens><StUF:berichtcode>${code}</StUF:berichtcode>` +
    systeemXml('zender', zender) +
    systeemXml('ontvanger', ontvanger) +
    `<StUF:referentienummer>${randomUUID()}</StUF:referentienummer><StUF:tijdstipBericht>${tijdstip()}</StUF:tijdstipBericht>` +
    `<StUF:crossRefnummer>${esc(crossRefnummer)}</StUF:crossRefnummer></StUF:stuurgegevens>`
  );
}

export function buildFo01(f: { zender: Systeem; ontvanger: Systeem; crossRefnummer: string; code: string; plek: 'client' | 'server'; omschrijving: string; details?: string }): string {
  return (
    `<StUF:Fo01Bericht xmlns:StUF="${STUF_NS}">` +
    stuurgegevensKort('Fo01', f.zender, f.ontvanger, f.crossRefnummer) +
    `<StUF:body><StUF:code>${esc(f.code)}</StUF:code><StUF:plek>${f.plek}</StUF:plek><StUF:omschrijving>${esc(f.omschrijving.slice(0, 200))}</StUF:omschrijving>` +
    (f.details ? `<StUF:details>${esc(f.details.slice(0, 1000))}</StUF:details>` : '') +
    `</StUF:body></StUF:Fo01Bericht>`
  );
}

export function buildBv03(b: { zender: Systeem; ontvanger: Systeem; crossRefnummer: string }): string {
  return `<StUF:Bv03Bericht xmlns:StUF="${STUF_NS}">${stuurgegevensKort('Bv03', b.zender, b.ontvanger, b.crossRefnummer)}</StUF:Bv03Bericht>`;
}
