/** POST /api/v1/bevragingen: the JSON form of a SUWI-style bevraging (docs/suwi/bevraging.md). */
import express, { type Response, type Router } from 'express';
import type { ValidateFunction } from 'ajv';
import type { BevragingService } from '../../bevragingen/service.js';
import type { BevragingFoutcode } from '../../bevragingen/types.js';
import type { Pipeline } from '../../core/pipeline.js';
import type { Party } from '../../parties/registry.js';
import { readJsonBody } from './json-body.js';
import { HttpProblem } from './problem.js';

const STATUS: Record<BevragingFoutcode, number> = {
  'ongeldig-verzoek': 400,
  'doel-niet-toegestaan': 403,
  'ongeldig-bsn': 422,
  'doel-ontbreekt': 422,
  'bron-niet-beschikbaar': 502,
  'bron-time-out': 504,
};

/** Why a field of a bevraging is refused, in Dutch like the rest of this answer (ajv's messages are English). */
const REDEN: Record<string, string> = {
  pattern: 'heeft niet de juiste vorm',
  required: 'ontbreekt',
  additionalProperties: 'is geen bekend veld',
  type: 'heeft het verkeerde type',
  minLength: 'is te kort',
  maxLength: 'is te lang',
};

export function bevragingenRouter(deps: { service: BevragingService; validate: ValidateFunction; pipeline: Pipeline; maxBodyBytes: number }): Router {
  const r = express.Router();
  r.post('/bevragingen', express.raw({ type: () => true, limit: deps.maxBodyBytes }), async (req, res: Response) => {
    const party = (res.locals as { party: Party }).party;
    const { raw, body } = await readJsonBody(req, deps.pipeline, party.id, 'bevraging', 'nl');
    if (!deps.validate(body)) {
      await deps.pipeline.logRefusedRequest('rest', 'invalid-bevraging', { size: raw.length }, party.id);
      // Names the fields, never their values (a BSN must not come back in an error).
      throw new HttpProblem(400, 'ongeldig-verzoek', 'De bevraging is onvolledig of bevat onbekende velden',
        (deps.validate.errors ?? []).map((e) => ({ name: e.instancePath || '/', reason: REDEN[e.keyword] ?? 'is ongeldig' })), {}, 'nl');
    }
    const v = body as { dienst: string; bsn: string; doel?: string; zaakreferentie?: string };
    const uitkomst = await deps.service.vraag({ party, dienst: v.dienst, bsn: v.bsn, doel: v.doel, zaakreferentie: v.zaakreferentie, raw, contentType: 'application/json', channel: 'rest', ...(req.get('x-gebruiker') ? { gebruiker: req.get('x-gebruiker')!.slice(0, 200) } : {}) });
    if (!uitkomst.ok) {
      throw new HttpProblem(STATUS[uitkomst.foutcode], uitkomst.foutcode, uitkomst.omschrijving, undefined, uitkomst.id ? { messageId: uitkomst.id } : {}, 'nl');
    }
    const { ok: _ok, ...answer } = uitkomst;
    res.status(200).json(answer);
  });
  return r;
}
