/**
 * The two mappings routes name for iStandaarden traffic. They are codecs around the declarative
 * mapping files in mappings/istandaarden/ (which do the field work): they add the header and the
 * real namespaces, and reuse what inspection already built and checked.
 * - `istandaarden-naar-json`: a bericht from a provider → the JSON a gemeente back office receives.
 * - `istandaarden-xml`: the bericht as XML (built from a back office's JSON, or as received).
 */
import type { CompiledMapping, MappingContext, MappingResult, RouteMapping } from '../../mapping/index.js';
import { MappingRunError } from '../../mapping/index.js';
import type { XmlElement } from '../../xml/parse.js';
import { BERICHTSOORTEN, RETOURBERICHTEN, berichtType } from './catalog.js';
import { berichtNaarJson } from './codec.js';
import type { IstandaardenPrepared } from './standard.js';

function prepared(mapping: string, context: MappingContext | undefined): IstandaardenPrepared {
  const p = context?.prepared as IstandaardenPrepared | undefined;
  if (!p || typeof p !== 'object' || !('root' in p)) throw new MappingRunError(mapping, '', 'unexpected-root', 'this mapping only runs on an iJw/iWmo bericht');
  return p;
}

function jsonResult(output: unknown): MappingResult {
  return { output, serialized: Buffer.from(JSON.stringify(output), 'utf8'), contentType: 'application/json' };
}

/** A retourbericht has no mapping file: its echo is read generically, with the retourcodes per record. */
function retourNaarJson(el: XmlElement): unknown {
  if (el.children.length === 0) return el.text ?? '';
  const out: Record<string, unknown> = {};
  for (const c of el.children) {
    const key = c.name.charAt(0).toLowerCase() + c.name.slice(1);
    const value = c.name === 'RetourCodes' ? c.children.map((rc) => rc.text ?? '') : retourNaarJson(c);
    const repeats = el.children.filter((x) => x.name === c.name).length > 1 || /(en|s)$/.test(el.name);
    if (repeats && c.name !== 'RetourCodes') ((out[key] ??= []) as unknown[]).push(value);
    else out[key] = value;
  }
  return out;
}

export function istandaardenRouteMappings(mappings: ReadonlyMap<string, CompiledMapping>): RouteMapping[] {
  // iJw/iWmo bericht → JSON for the gemeente (header fields + payload through mappings/istandaarden).
  const naarJson: RouteMapping = {
    name: 'istandaarden-naar-json',
    version: 1,
    run(_input, context) {
      const p = prepared('istandaarden-naar-json', context);
      const soort = BERICHTSOORTEN.get(p.nummer)!;
      const base = {
        standaard: p.standaard,
        bericht: berichtType(p.standaard, p.nummer),
        berichtsoort: soort.slug,
        afzender: p.header.afzender,
        ontvanger: p.header.ontvanger,
        identificatie: p.header.identificatie,
        dagtekening: p.header.dagtekening,
      };
      if (RETOURBERICHTEN.includes(p.nummer)) {
        const [, ...body] = p.root.children; // skip the Header: its fields are above
        const header = retourNaarJson(p.root.children[0]!) as Record<string, unknown>;
        return jsonResult({ ...base, retourCodes: header.retourCodes ?? [], identificatieRetour: header.identificatieRetour, payload: Object.fromEntries(body.map((b) => [b.name.charAt(0).toLowerCase() + b.name.slice(1), retourNaarJson(b)])) });
      }
      return jsonResult({ ...base, payload: berichtNaarJson(p.root, p.standaard, p.nummer, mappings).payload });
    },
  };
  // The bericht as XML, exactly as checked on arrival (or as built from the back office's JSON).
  const alsXml: RouteMapping = {
    name: 'istandaarden-xml',
    version: 1,
    run(_input, context) {
      const p = prepared('istandaarden-xml', context);
      return { output: p.root, serialized: Buffer.from(p.xml, 'utf8'), contentType: 'application/xml' };
    },
  };
  return [naarJson, alsXml];
}
