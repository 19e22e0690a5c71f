/** Helpers for the iStandaarden channel tests: the regional example configuration, fixtures, XML edits. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { projectRoot } from '../../src/util/paths.js';

export const CONFIG = join(projectRoot(), 'config', 'knooppunt.yaml');

/** The demo keys of config/knooppunt.yaml (the key is its id). */
export const DEMO = {
  enschede: 'demo-enschede',
  hengelo: 'demo-hengelo',
  almelo: 'demo-almelo',
  regio: 'demo-regio-twente',
  aanbiederA: 'demo-zorgaanbieder-a',
  aanbiederB: 'demo-zorgaanbieder-b',
} as const;

export function fixture(...path: string[]): string {
  return readFileSync(join(projectRoot(), 'fixtures', 'istandaarden', ...path), 'utf8');
}

export function jsonFixture(standaard: 'ijw' | 'iwmo', slug: string): Record<string, unknown> {
  return JSON.parse(fixture('json', `${standaard}-${slug}.json`)) as Record<string, unknown>;
}

/** Sets the text of every element with this local name (any prefix). */
export function setText(xml: string, local: string, value: string): string {
  return xml.replace(new RegExp(`(<(?:[A-Za-z0-9_]+:)?${local}>)[^<]*(</(?:[A-Za-z0-9_]+:)?${local}>)`, 'g'), `$1${value}$2`);
}

/** The text of the first element with this local name. */
export function getText(xml: string, local: string): string | undefined {
  return new RegExp(`<(?:[A-Za-z0-9_]+:)?${local}>([^<]*)</`).exec(xml)?.[1];
}

export async function postXml(baseUrl: string, key: string | undefined, body: string | Buffer, contentType = 'application/xml') {
  const res = await fetch(`${baseUrl}/istandaarden/v1/berichten`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

export async function getWith(baseUrl: string, key: string, path: string) {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

export async function putWith(baseUrl: string, key: string, path: string) {
  const res = await fetch(`${baseUrl}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text() };
}

/** Whether `xml` is a transport foutbericht valid against knooppunt's foutbericht.xsd. */
export function isValidFoutbericht(xml: string): boolean {
  const xsd = XmlDocument.fromString(readFileSync(join(projectRoot(), 'schemas', 'istandaarden', 'transport', 'foutbericht.xsd'), 'utf8'));
  const validator = XsdValidator.fromDoc(xsd);
  const doc = XmlDocument.fromString(xml);
  try {
    validator.validate(doc);
    return true;
  } catch {
    return false;
  } finally {
    doc.dispose();
    validator.dispose();
    xsd.dispose();
  }
}
