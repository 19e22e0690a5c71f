/**
 * The two mappings routes name for iStandaarden traffic. They reuse what inspection already built
 * and checked; the JSON follows the structure model (json.ts), so it carries every value.
 * - `istandaarden-naar-json`: a bericht from a provider → the JSON a gemeente back office receives.
 * - `istandaarden-xml`: the bericht as XML (built from a back office's JSON, or as received).
 */
import type { MappingContext, MappingResult, RouteMapping } from '../../mapping/index.js';
import { MappingRunError } from '../../mapping/index.js';
import { naarJsonWaarde } from './gemeente-json.js';
import type { GroteBerichten } from './grote-berichten.js';
import type { IstandaardenPrepared } from './standard.js';

function prepared(mapping: string, context: MappingContext | undefined): IstandaardenPrepared {
  const p = context?.prepared as IstandaardenPrepared | undefined;
  if (!p || typeof p !== 'object' || !('root' in p)) throw new MappingRunError(mapping, '', 'unexpected-root', 'this mapping only runs on an iJw/iWmo bericht');
  return p;
}

function jsonResult(output: unknown): MappingResult {
  return { output, serialized: Buffer.from(JSON.stringify(output), 'utf8'), contentType: 'application/json' };
}

/** `grote`: large berichten are translated in the document worker pool instead of on the event loop. */
export function istandaardenRouteMappings(grote?: GroteBerichten): RouteMapping[] {
  // iJw/iWmo bericht → JSON for the gemeente.
  const naarJson: RouteMapping = {
    name: 'istandaarden-naar-json',
    version: 1,
    // A 323 goes to the gemeente and to the region: one translation of a 10,000-line declaratie, not two.
    samePerMessage: true,
    async run(_input, context) {
      const p = prepared('istandaarden-naar-json', context);
      if (grote && p.raw && grote.isGroot(p.raw.length)) {
        const serialized = await grote.naarJson(p.raw, p.standaard, p.nummer);
        // Nothing in the pipeline reads the value of a large one; whoever does gets it parsed on demand.
        return { get output() { return JSON.parse(serialized.toString('utf8')) as unknown; }, serialized, contentType: 'application/json' };
      }
      return jsonResult(naarJsonWaarde(p));
    },
  };
  // The bericht as XML, exactly as checked on arrival (or as built from the back office's JSON).
  const alsXml: RouteMapping = {
    name: 'istandaarden-xml',
    version: 1,
    samePerMessage: true,
    run(_input, context) {
      const p = prepared('istandaarden-xml', context);
      return { output: p.root, serialized: p.raw ?? Buffer.from(p.xml ?? '', 'utf8'), contentType: 'application/xml' };
    },
  };
  return [naarJson, alsXml];
}
