/**
 * The authenticated admin API of the contract register, at /contracten/v1 (API key, like every
 * channel). The regional purchasing organisation (party kind `regio`) loads and changes it; a
 * gemeente and a provider read the contracts that concern them.
 *
 *   GET  /register                 the current version (meta + content); ?versie=N or ?op=<ISO time>
 *   GET  /register/versies         every version, newest first (meta only)
 *   PUT  /register                 a whole register file, text/csv or application/json: refused as a
 *                                  whole (422, every error by line and field) or made the new version
 *   PUT  /register/contracten/:id  one contract (JSON) added or replaced: a new version
 *   POST /register/contracten/:id/status  { aanbieder, status, van, tot? }: a status period; an open
 *                                  period of the same provider that it overlaps is closed the day before
 */
import express, { type Request, type Response } from 'express';
import { HttpProblem } from '../channels/rest/problem.js';
import type { Party } from '../parties/registry.js';
import { geldigeDatum, leesRegister, leesRegisterJson, type Gelezen } from './bestand.js';
import type { Contract, ContractStatus, RegisterInhoud } from './model.js';
import type { ContractIndex } from './register.js';
import type { ContractVersies } from './versies.js';

export function partij(res: Response): Party {
  const p = (res.locals as { party?: Party }).party;
  if (!p) throw new HttpProblem(401, 'unauthenticated', 'A valid API key is required (Authorization: Bearer <key>)');
  return p;
}

export function vereisRegio(p: Party): void {
  if (p.kind !== 'regio') throw new HttpProblem(403, 'forbidden', 'Only the regional purchasing organisation (a party of kind regio) changes the contract register');
}

/** What a party may see of the register: the region all of it, a gemeente the contracts covering it, a provider its own. */
export function zichtbaar(p: Party, inhoud: RegisterInhoud): RegisterInhoud {
  if (p.kind === 'regio') return inhoud;
  const code = p.code ?? '';
  const contracten = inhoud.contracten.filter((c) =>
    p.kind === 'gemeente' ? c.gemeenten.includes(code) : p.kind === 'aanbieder' ? c.hoofdaannemer === code || c.onderaannemers.includes(code) : false,
  );
  return { contracten, wasWordt: contracten.length > 0 ? inhoud.wasWordt : [] };
}

function weiger(g: Extract<Gelezen, { ok: false }>): never {
  throw new HttpProblem(422, 'register-refused', `The register file has ${g.fouten.length + g.meer} error(s); nothing was changed`, undefined, { fouten: g.fouten, ...(g.meer > 0 ? { meerFouten: g.meer } : {}) });
}

function dagErvoor(datum: string): string {
  const d = new Date(`${datum}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function registerRouter(deps: { versies: ContractVersies; maxBytes: number }): express.Router {
  const { versies } = deps;
  const router = express.Router();
  const tekst = express.text({ type: ['text/csv', 'text/plain', 'application/json'], limit: deps.maxBytes });

  const laden = async (req: Request): Promise<ContractIndex> => {
    const v = typeof req.query.versie === 'string' ? req.query.versie : undefined;
    const op = typeof req.query.op === 'string' ? req.query.op : undefined;
    if (v !== undefined) {
      if (!/^\d{1,9}$/.test(v)) throw new HttpProblem(400, 'bad-request', 'versie must be a number', [{ name: 'versie', reason: 'not a number' }]);
      const idx = await versies.versie(Number(v));
      if (!idx) throw new HttpProblem(404, 'not-found', 'No such register version');
      return idx;
    }
    if (op !== undefined) {
      const t = new Date(op);
      if (!/^\d{4}-\d{2}-\d{2}/.test(op) || Number.isNaN(t.getTime())) throw new HttpProblem(400, 'bad-request', 'op must be an ISO date or time', [{ name: 'op', reason: 'not a date' }]);
      return versies.op(t);
    }
    return versies.actueel();
  };

  router.get('/register', async (req, res) => {
    const p = partij(res);
    const idx = await laden(req);
    res.json({ versie: idx.versie, ...zichtbaar(p, idx.inhoud) });
  });

  router.get('/register/versies', async (_req, res) => {
    partij(res);
    res.json({ items: await versies.lijst() });
  });

  router.put('/register', tekst, async (req, res) => {
    const p = partij(res);
    vereisRegio(p);
    if (typeof req.body !== 'string' || req.body.length === 0) throw new HttpProblem(415, 'unsupported-media-type', 'Send the register as text/csv or application/json');
    const g = leesRegister(req.body, req.get('content-type') ?? '');
    if (!g.ok) weiger(g);
    const meta = await versies.nieuweVersie(g.inhoud, p.id, /json/i.test(req.get('content-type') ?? '') ? 'json' : 'csv', 'register-geladen');
    res.status(200).json(meta);
  });

  router.put('/register/contracten/:id', express.json({ limit: '1mb' }), async (req, res) => {
    const p = partij(res);
    vereisRegio(p);
    const id = String(req.params.id);
    const body = req.body as Partial<Contract> | undefined;
    if (!body || typeof body !== 'object' || body.id !== id) throw new HttpProblem(400, 'bad-request', 'Send the contract as JSON, with its id equal to the path', [{ name: 'id', reason: 'must equal the path' }]);
    const huidig = (await versies.actueel()).inhoud;
    const contracten = huidig.contracten.filter((c) => c.id !== id);
    const nieuw = { ...huidig, contracten: [...contracten, body as Contract] };
    const g = leesRegisterJson(JSON.stringify(nieuw));
    if (!g.ok) weiger(g);
    res.json(await versies.nieuweVersie(g.inhoud, p.id, 'api', 'contract-gewijzigd', { contract: id, nieuw: contracten.length === huidig.contracten.length }));
  });

  router.post('/register/contracten/:id/status', express.json({ limit: '16kb' }), async (req, res) => {
    const p = partij(res);
    vereisRegio(p);
    const id = String(req.params.id);
    const body = (req.body ?? {}) as { aanbieder?: unknown; status?: unknown; van?: unknown; tot?: unknown };
    if (typeof body.aanbieder !== 'string' || typeof body.status !== 'string' || !geldigeDatum(body.van) || (body.tot !== undefined && !geldigeDatum(body.tot))) {
      throw new HttpProblem(400, 'bad-request', 'Send { "aanbieder": "<AGB>", "status": "...", "van": "JJJJ-MM-DD", "tot"?: "JJJJ-MM-DD" }');
    }
    const huidig = structuredClone((await versies.actueel()).inhoud);
    const contract = huidig.contracten.find((c) => c.id === id);
    if (!contract) throw new HttpProblem(404, 'not-found', 'No contract with this id in the current register');
    const van = body.van;
    for (const s of contract.status) {
      if (s.aanbieder === body.aanbieder && s.tot === undefined && s.van < van) s.tot = dagErvoor(van);
    }
    contract.status.push({ aanbieder: body.aanbieder, status: body.status as ContractStatus, van, ...(typeof body.tot === 'string' ? { tot: body.tot } : {}) });
    const g = leesRegisterJson(JSON.stringify(huidig));
    if (!g.ok) weiger(g);
    res.json(await versies.nieuweVersie(g.inhoud, p.id, 'api', 'status-gewijzigd', { contract: id, aanbieder: body.aanbieder, status: body.status, van }));
  });

  return router;
}
