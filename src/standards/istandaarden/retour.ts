/**
 * The answers knooppunt gives on a heenbericht after the rules (rules/index.ts) have judged it:
 *
 * - {@link bouwRetour}: the retourbericht 302/306/308/316/318/320 for a 301/305/307/315/317/319.
 *   Retour header as the official retour XSDs define it: the retour's BerichtCode, then the
 *   heenbericht's Afzender, Ontvanger, BerichtIdentificatie and XsdVersie, then the retour's own
 *   IdentificatieRetour, DagtekeningRetour, XsltVersie and XsdVersieRetour and the header
 *   RetourCodes; then (unless the header is rejected) the body of the heenbericht echoed in the retour namespace
 *   (basisschema elements keep the basisschema namespace), every record with `RetourCodes` as its
 *   last child: its codes from the beoordeling, 0200 when it has none.
 * - {@link bouwDeclaratieAntwoord}: the 325 with which knooppunt rejects a 323 that failed the
 *   rules. TotaalToegekendBedrag is 0. When the declaratie is rejected at Header or Declaratie
 *   level, no prestaties are listed (TR342: the prestaties are then not assessed). When it is
 *   rejected because of clients or prestaties, every prestatie is listed, because every one is
 *   rejected with the declaratie as a whole: the failing ones with their own codes, the others with
 *   0001; so the listed amounts add up to TotaalIngediendBedrag − 0, as TR342 requires.
 *
 * The XML is written with `serializeXml` and the conventional prefixes (`wmo306`, `iwmo`, ...).
 */
import type { XmlElement } from '../../xml/parse.js';
import { eigenVan, kindLangs } from './pad.js';
import { serializeXml } from '../../xml/build.js';
import { basisschemaNamespace, BERICHTSOORTEN, berichtNamespace, berichtPrefix, RELEASE, XSD_VERSIE, type BerichtNummer, type Standaard } from './catalog.js';
import { isRecordPath } from './records.js';
import type { Beoordeling } from './rules/index.js';

export interface RetourMeta {
  /** The answer's own BerichtIdentificatie/Identificatie: 1–12 characters. */
  identificatie: string;
  /** The answer's Dagtekening, YYYY-MM-DD. */
  dagtekening: string;
}

export const XSLT_VERSIE = '1.0.0';

interface Namen {
  heenNs: string;
  antwoordNs: string;
  basisNs: string;
}

function el(ns: string, name: string, children: XmlElement[] = [], text?: string): XmlElement {
  return { ns, name, prefix: '', attrs: {}, children, ...(text !== undefined ? { text } : {}) };
}

/** A child by local name in the heenbericht's or the basisschema namespace. */
function kind(parent: XmlElement | undefined, n: Namen, ...pad: string[]): XmlElement | undefined {
  return kindLangs(parent, eigenVan(n.heenNs, n.basisNs), pad);
}

function tekst(parent: XmlElement | undefined, n: Namen, ...pad: string[]): string {
  return kind(parent, n, ...pad)?.text?.trim() ?? '';
}

function retourCodes(n: Namen, codes: readonly string[]): XmlElement {
  // RetourCode is in the bericht's own namespace (RetourCodes/RetourCode+ of the retour XSDs).
  const lijst = codes.length > 0 ? [...new Set(codes)] : ['0200'];
  return el(n.antwoordNs, 'RetourCodes', lijst.map((c) => el(n.antwoordNs, 'RetourCode', [], c)));
}

function checkMeta(meta: RetourMeta): void {
  if (meta.identificatie.length < 1 || meta.identificatie.length > 12) throw new Error('identificatie of an answer must be 1 to 12 characters');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(meta.dagtekening)) throw new Error('dagtekening of an answer must be YYYY-MM-DD');
}

/** The header fields every answer starts with: BerichtCode … XsdVersie, Afzender and Ontvanger swapped. */
function kopVelden(heenHeader: XmlElement | undefined, n: Namen, standaard: Standaard, antwoord: BerichtNummer, meta: RetourMeta): XmlElement[] {
  const soort = BERICHTSOORTEN.get(antwoord)!;
  return [
    el(n.antwoordNs, 'BerichtCode', [], String(soort.berichtCode[standaard])),
    el(n.antwoordNs, 'BerichtVersie', [], String(RELEASE.versie)),
    el(n.antwoordNs, 'BerichtSubversie', [], String(RELEASE.subversie)),
    el(n.antwoordNs, 'Afzender', [], tekst(heenHeader, n, 'Ontvanger')),
    el(n.antwoordNs, 'Ontvanger', [], tekst(heenHeader, n, 'Afzender')),
    el(n.antwoordNs, 'BerichtIdentificatie', [el(n.basisNs, 'Identificatie', [], meta.identificatie), el(n.basisNs, 'Dagtekening', [], meta.dagtekening)]),
    el(n.antwoordNs, 'XsdVersie', [el(n.basisNs, 'BasisschemaXsdVersie', [], XSD_VERSIE.basisschema), el(n.basisNs, 'BerichtXsdVersie', [], XSD_VERSIE.bericht)]),
  ];
}

/** A CDT_XsdVersie element of the answer holding the heenbericht's XsdVersie. */
function xsdVersieVan(heenHeader: XmlElement | undefined, n: Namen, naam: string): XmlElement {
  return el(n.antwoordNs, naam, [
    el(n.basisNs, 'BasisschemaXsdVersie', [], tekst(heenHeader, n, 'XsdVersie', 'BasisschemaXsdVersie')),
    el(n.basisNs, 'BerichtXsdVersie', [], tekst(heenHeader, n, 'XsdVersie', 'BerichtXsdVersie')),
  ]);
}

function serialiseer(root: XmlElement, standaard: Standaard, antwoord: BerichtNummer, n: Namen): string {
  return serializeXml(root, { namespaces: { [berichtPrefix(standaard, antwoord)]: n.antwoordNs, [standaard]: n.basisNs } });
}

/** Copies an element of the heenbericht into the answer's namespace; `record` decides which copies get RetourCodes appended. */
function kopie(src: XmlElement, n: Namen, pad: string[], metCodes: (src: XmlElement, pad: string[]) => string[] | undefined): XmlElement {
  const children = src.children.map((c) => kopie(c, n, [...pad, c.name], metCodes));
  const codes = src.ns === n.heenNs ? metCodes(src, pad) : undefined;
  if (codes) children.push(retourCodes(n, codes));
  return {
    ns: src.ns === n.heenNs ? n.antwoordNs : src.ns,
    name: src.name,
    prefix: '',
    attrs: { ...src.attrs },
    children,
    ...(src.text !== undefined ? { text: src.text } : {}),
  };
}

/** The retourbericht (302 … 320) on a 301, 305, 307, 315, 317 or 319. */
export function bouwRetour(root: XmlElement, standaard: Standaard, nummer: BerichtNummer, beoordeling: Beoordeling, meta: RetourMeta): string {
  const retour = BERICHTSOORTEN.get(nummer)?.retour;
  if (!retour || nummer === '323') throw new Error(`bericht ${nummer} has no retourbericht`);
  checkMeta(meta);
  const n: Namen = { heenNs: berichtNamespace(standaard, nummer), antwoordNs: berichtNamespace(standaard, retour), basisNs: basisschemaNamespace(standaard) };
  const heenHeader = kind(root, n, 'Header');

  // The retour copies the heenbericht's header (its Afzender, Ontvanger, BerichtIdentificatie and
  // XsdVersie), so a provider matches it to what it sent; its own id, date and XSD version follow.
  const soort = BERICHTSOORTEN.get(retour)!;
  const header = el(n.antwoordNs, 'Header', [
    el(n.antwoordNs, 'BerichtCode', [], String(soort.berichtCode[standaard])),
    el(n.antwoordNs, 'BerichtVersie', [], String(RELEASE.versie)),
    el(n.antwoordNs, 'BerichtSubversie', [], String(RELEASE.subversie)),
    el(n.antwoordNs, 'Afzender', [], tekst(heenHeader, n, 'Afzender')),
    el(n.antwoordNs, 'Ontvanger', [], tekst(heenHeader, n, 'Ontvanger')),
    el(n.antwoordNs, 'BerichtIdentificatie', [
      el(n.basisNs, 'Identificatie', [], tekst(heenHeader, n, 'BerichtIdentificatie', 'Identificatie')),
      el(n.basisNs, 'Dagtekening', [], tekst(heenHeader, n, 'BerichtIdentificatie', 'Dagtekening')),
    ]),
    xsdVersieVan(heenHeader, n, 'XsdVersie'),
    el(n.antwoordNs, 'IdentificatieRetour', [], meta.identificatie),
    el(n.antwoordNs, 'DagtekeningRetour', [], meta.dagtekening),
    el(n.antwoordNs, 'XsltVersie', [], XSLT_VERSIE),
    el(n.antwoordNs, 'XsdVersieRetour', [el(n.basisNs, 'BasisschemaXsdVersie', [], XSD_VERSIE.basisschema), el(n.basisNs, 'BerichtXsdVersie', [], XSD_VERSIE.bericht)]),
    retourCodes(n, beoordeling.header),
  ]);
  // A rejected header rejects the whole bericht: the records are then not assessed and not echoed.
  const headerAfgekeurd = beoordeling.bevindingen.some((b) => b.niveau === 'header');
  const codesVoor = (src: XmlElement, pad: string[]) => (isRecordPath(nummer, pad) ? (beoordeling.records.get(src) ?? ['0200']) : undefined);
  const body = headerAfgekeurd ? [] : root.children.filter((c) => c !== heenHeader).map((c) => kopie(c, n, [c.name], codesVoor));
  return serialiseer(el(n.antwoordNs, 'Bericht', [header, ...body]), standaard, retour, n);
}

/** The rejecting declaratie-antwoord (325) on a 323 that failed the rules. */
export function bouwDeclaratieAntwoord(root: XmlElement, standaard: Standaard, beoordeling: Beoordeling, meta: RetourMeta): string {
  if (!beoordeling.afgekeurd) throw new Error('bouwDeclaratieAntwoord only rejects: the gemeente answers an accepted declaratie itself');
  checkMeta(meta);
  const n: Namen = { heenNs: berichtNamespace(standaard, '323'), antwoordNs: berichtNamespace(standaard, '325'), basisNs: basisschemaNamespace(standaard) };
  const heenHeader = kind(root, n, 'Header');
  const declaratie = kind(root, n, 'Declaratie');

  const header = el(n.antwoordNs, 'Header', [
    ...kopVelden(heenHeader, n, standaard, '325', meta),
    el(n.antwoordNs, 'DeclaratieIdentificatie', [
      el(n.basisNs, 'Identificatie', [], tekst(heenHeader, n, 'BerichtIdentificatie', 'Identificatie')),
      el(n.basisNs, 'Dagtekening', [], tekst(heenHeader, n, 'BerichtIdentificatie', 'Dagtekening')),
    ]),
    el(n.antwoordNs, 'XsltVersie', [], XSLT_VERSIE),
    xsdVersieVan(heenHeader, n, 'XsdVersieDeclaratie'),
    retourCodes(n, beoordeling.header),
  ]);

  const opHeader = beoordeling.bevindingen.some((b) => b.niveau === 'header');
  const eigenCodes = declaratie ? beoordeling.records.get(declaratie) : undefined;
  const opDeclaratie = opHeader || eigenCodes !== undefined;

  const totaal = kind(declaratie, n, 'TotaalIngediendBedrag');
  const antwoord: XmlElement[] = [
    el(n.antwoordNs, 'DeclaratieNummer', [], tekst(declaratie, n, 'DeclaratieNummer')),
    el(n.antwoordNs, 'TotaalIngediendBedrag', [
      el(n.basisNs, 'TotaalBedrag', [], tekst(totaal, n, 'TotaalBedrag')),
      el(n.basisNs, 'DebetCredit', [], tekst(totaal, n, 'DebetCredit')),
    ]),
    el(n.antwoordNs, 'TotaalToegekendBedrag', [el(n.basisNs, 'TotaalBedrag', [], '0'), el(n.basisNs, 'DebetCredit', [], 'D')]),
  ];
  if (!opDeclaratie) {
    const clienten = (declaratie ? declaratie.children : [])
      .filter((c) => c.name === 'Clienten' && c.ns === n.heenNs)
      .flatMap((c) => c.children.filter((k) => k.name === 'Client' && k.ns === n.heenNs));
    const codesVoor = (src: XmlElement, pad: string[]): string[] | undefined => {
      if (!isRecordPath('325', ['DeclaratieAntwoord', ...pad])) return undefined;
      return beoordeling.records.get(src) ?? (src.name === 'Prestatie' ? ['0001'] : ['0200']);
    };
    if (clienten.length > 0) antwoord.push(el(n.antwoordNs, 'Clienten', clienten.map((c) => kopie(c, n, ['Clienten', 'Client'], codesVoor))));
  }
  antwoord.push(retourCodes(n, eigenCodes ?? (opHeader ? ['0001'] : ['0200'])));

  return serialiseer(el(n.antwoordNs, 'Bericht', [header, el(n.antwoordNs, 'DeclaratieAntwoord', antwoord)]), standaard, '325', n);
}
