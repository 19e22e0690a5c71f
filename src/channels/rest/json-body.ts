import type { Request } from 'express';
import type { Pipeline } from '../../core/pipeline.js';
import { HttpProblem, type ProblemLanguage } from './problem.js';
import { safePath } from '../../ops/redact.js';

/**
 * The body of a REST request as JSON: refused (logged, then problem+json) when it is not sent as
 * JSON or is not valid UTF-8 JSON. `req.body` is the raw Buffer of express.raw.
 */
export async function readJsonBody(req: Request, pipeline: Pipeline, partyId: string, what: string, lang: ProblemLanguage = 'en'): Promise<{ raw: Buffer; body: unknown }> {
  if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(req.get('content-type') ?? '')) {
    await pipeline.logRefusedRequest('rest', 'unsupported-media-type', { path: safePath(req.path) }, partyId);
    throw new HttpProblem(415, 'unsupported-media-type', lang === 'nl' ? `Stuur de ${what} als application/json` : `Send the ${what} as application/json`, undefined, {}, lang);
  }
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  try {
    return { raw, body: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) };
  } catch {
    await pipeline.logRefusedRequest('rest', 'malformed-json', { path: safePath(req.path), size: raw.length }, partyId);
    throw new HttpProblem(400, 'malformed-json', lang === 'nl' ? 'De inhoud van het verzoek is geen geldige UTF-8 JSON' : 'The request body is not valid UTF-8 JSON', undefined, {}, lang);
  }
}
