/**
 * ZDS client messages from ../shared/stuf-corpus for the channel tests: a message's SOAP Body
 * child with new identificaties and stuurgegevens, in either wire form.
 */
import { it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../../src/util/paths.js';
import { parseXml, type XmlElement } from '../../src/xml/parse.js';

export const SHARED = process.env.KNOOPPUNT_SHARED_DIR ?? resolve(projectRoot(), '..', 'shared');
export const CORPUS = join(SHARED, 'stuf-corpus');
export const OFFICIAL = join(SHARED, 'stuf-official');
export const corpusPresent = existsSync(join(CORPUS, 'README.md')) && existsSync(OFFICIAL);

export type Vorm = 'zds11' | 'zds12';

/** The ZDS 1.1 root of each ZDS 1.2 root used in the tests (same content; Di02 children move to ZKN). */
export const ZDS11_ROOT: Record<string, string> = {
  creeerZaak_ZakLk01: 'zakLk01', updateZaak_ZakLk01: 'zakLk01', voegZaakdocumentToe_EdcLk01: 'edcLk01', geefZaakdetails_ZakLv01: 'zakLv01', geefZaakdocumentLezen_EdcLv01: 'edcLv01',
  geefLijstZaakdocumenten_ZakLv01: 'zakLv01', geefZaakstatus_ZakLv01: 'zakLv01',
  geefZaakdocumentBewerken_Di02: 'geefZaakdocumentbewerken_Di02', updateZaakdocument_Di02: 'updateZaakdocument_Di02', cancelCheckout_Di02: 'cancelCheckout_Di02',
  genereerZaakIdentificatie_Di02: 'genereerZaakIdentificatie_Di02',
};

let volgnummer = 0;

/** A fresh referentienummer. */
export function referentie(): string {
  return `T${Date.now()}-${++volgnummer}`;
}

/** A corpus message's SOAP Body child, with new identificaties, zender `org`/JeugdBO, ontvanger knooppunt, a fresh referentienummer, in form `vorm`. */
export function bericht(file: string, vervang: Record<string, string>, org: string, vorm: Vorm, ref?: string): string {
  let xml = readFileSync(join(CORPUS, file), 'utf8');
  xml = xml.replace(/^[\s\S]*?<(?:\w+:)?Body>/, '').replace(/<\/(?:\w+:)?Body>[\s\S]*$/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
  for (const [van, naar] of Object.entries(vervang)) xml = xml.split(van).join(naar);
  xml = xml
    .replace(/<((?:\w+:)?)zender>[\s\S]*?<\/\1zender>/, `<StUF:zender><StUF:organisatie>${org}</StUF:organisatie><StUF:applicatie>JeugdBO</StUF:applicatie></StUF:zender>`)
    .replace(/<((?:\w+:)?)ontvanger>[\s\S]*?<\/\1ontvanger>/, '<StUF:ontvanger><StUF:organisatie>0153</StUF:organisatie><StUF:applicatie>knooppunt</StUF:applicatie></StUF:ontvanger>')
    .replace(/<StUF:referentienummer>[^<]*<\/StUF:referentienummer>/, `<StUF:referentienummer>${ref ?? referentie()}</StUF:referentienummer>`);
  return vorm === 'zds11' ? alsZds11Tekst(xml) : xml;
}

/** A ZDS 1.2 message (ZDS: root) rewritten to its ZDS 1.1 form (ZKN: root). */
export function alsZds11Tekst(xml: string): string {
  const root = /^<(?:ZDS|zds):(\w+)/.exec(xml)?.[1];
  if (!root) return xml;
  return xml.replace(new RegExp(`<(/?)(?:ZDS|zds):${root}\\b`, 'g'), `<$1ZKN:${ZDS11_ROOT[root]}`).replace(/<(\/?)(?:ZDS|zds):/g, '<$1ZKN:');
}

export function bodyChild(envelope: string): XmlElement {
  const root = parseXml(envelope);
  return root.children.find((c) => c.name === 'Body')!.children[0]!;
}

export function find(el: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let cur = el;
  for (const p of path) cur = cur?.children.find((c) => c.name === p);
  return cur;
}

/** The foutcode in a Fault's Fo02/Fo03. */
export function foutcode(fault: XmlElement): string | undefined {
  const fo = fault.children.find((c) => c.name === 'detail' || c.name === 'Detail')?.children[0];
  return find(fo, 'body', 'code')?.text;
}

/**
 * Defines a suite that needs ../shared/stuf-corpus and stuf-official: in CI their absence fails
 * the run; elsewhere it prints a visible skip notice (never a silent pass).
 */
export function withStufCorpus(what: string, define: () => void): void {
  if (!corpusPresent && process.env.CI) {
    it(`${what} needs ../shared/stuf-corpus and ../shared/stuf-official`, () => {
      throw new Error(`${CORPUS} or ${OFFICIAL} is missing (set KNOOPPUNT_SHARED_DIR)`);
    });
  } else if (!corpusPresent) {
    console.warn(`SKIPPED: ${what}: ${CORPUS} or ${OFFICIAL} is missing (set KNOOPPUNT_SHARED_DIR)`);
    it.skip(`${what} (../shared missing)`, () => undefined);
  } else {
    define();
  }
}
