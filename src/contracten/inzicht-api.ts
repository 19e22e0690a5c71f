/**
 * The insight routes, the same for the API (parties with an API key, at /contracten/v1/inzicht)
 * and the console (signed-in users, at /console/api/contracten/inzicht). Who sees what:
 * - the region (party kind regio) and console users (beheerder, auditor): any scope, aggregates;
 * - a gemeente: its own gemeente only, aggregates and its own clients' records (by keyed hash);
 * - anyone else: nothing.
 *
 *   GET /inzicht/bestedingen     volumes and spend per provider, product, gemeente, month (?scope=&van=JJJJ-MM&tot=JJJJ-MM)
 *   GET /inzicht/totalen         per month (for the chart) and in all, clients counted once
 *   GET /inzicht/standen         each contract against its maximum per year and in total
 *   GET /inzicht/zonder-verkeer  contracted products without traffic
 *   GET /inzicht/doorlooptijden  toewijzing → start against the norm, open requests and toewijzingen, trajectory length
 *   GET /inzicht/achterstanden   steps past their deadline (the conversation ledger)
 *   GET /inzicht/clienten        a gemeente's own clients' records, by keyed hash (gemeente only)
 *   GET /inzicht/export          ?format=csv|json: the spend table for a BI tool
 *   GET /alarmen                 ceiling and deadline alerts, newest first (the console banner)
 */
import express, { type Request, type Response } from 'express';
import { HttpProblem } from '../channels/rest/problem.js';
import { vandaagInNederland } from '../util/vandaag.js';
import type { Gesprekken } from './gesprekken.js';
import { bestedingenCsv, type Filter, type Inzicht } from './inzicht.js';
import type { ContractVersies } from './versies.js';
import type { Db } from '../store/db.js';

/** Who is asking: every gemeente (undefined) or only these; `eigen` is the gemeente whose clients' records may be shown. */
export interface Kijker {
  gemeenten?: readonly string[];
  eigen?: string;
}

export function inzichtRouter(deps: { inzicht: Inzicht; gesprekken: Gesprekken; versies: ContractVersies; db: Db; kijker: (req: Request, res: Response) => Kijker; now?: () => Date }): express.Router {
  const { inzicht } = deps;
  const router = express.Router();
  const vandaag = () => vandaagInNederland(deps.now?.() ?? new Date());

  const filter = (req: Request, res: Response): Filter => {
    const k = deps.kijker(req, res);
    const q = req.query;
    const scopeParam = typeof q.scope === 'string' ? q.scope : undefined;
    const gevraagd = inzicht.scope(scopeParam);
    if (gevraagd === null) throw new HttpProblem(400, 'bad-request', 'scope is a gemeentecode, a grouping id or alles', [{ name: 'scope', reason: 'unknown scope' }]);
    let gemeenten = gevraagd;
    if (k.gemeenten) {
      if (gevraagd && gevraagd.some((g) => !k.gemeenten!.includes(g))) throw new HttpProblem(403, 'forbidden', 'A gemeente sees its own gemeente only');
      gemeenten = gevraagd ?? k.gemeenten;
    }
    const maand = (name: 'van' | 'tot') => {
      const v = q[name];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) throw new HttpProblem(400, 'bad-request', `${name} is a month JJJJ-MM`, [{ name, reason: 'not a month' }]);
      return v;
    };
    const van = maand('van');
    const tot = maand('tot');
    return { ...(gemeenten ? { gemeenten } : {}), ...(van ? { vanMaand: van } : {}), ...(tot ? { totMaand: tot } : {}) };
  };

  router.get('/inzicht/bestedingen', async (req, res) => {
    res.json({ items: await inzicht.bestedingen(filter(req, res)) });
  });
  router.get('/inzicht/totalen', async (req, res) => {
    res.json(await inzicht.totalen(filter(req, res)));
  });
  router.get('/inzicht/standen', async (req, res) => {
    const f = filter(req, res);
    res.json({ items: await inzicht.standen(await deps.versies.actueel(), f.gemeenten) });
  });
  router.get('/inzicht/zonder-verkeer', async (req, res) => {
    res.json({ items: await inzicht.zonderVerkeer(await deps.versies.actueel(), filter(req, res)) });
  });
  router.get('/inzicht/doorlooptijden', async (req, res) => {
    res.json(await inzicht.doorlooptijden(filter(req, res), vandaag()));
  });
  router.get('/inzicht/achterstanden', async (req, res) => {
    res.json({ items: await deps.gesprekken.achterstanden(vandaag(), filter(req, res).gemeenten) });
  });
  router.get('/inzicht/groeperingen', (req, res) => {
    const k = deps.kijker(req, res);
    res.json({ items: inzicht.groeperingenLijst().filter((g) => !k.gemeenten || g.gemeenten.every((x) => k.gemeenten!.includes(x))) });
  });
  router.get('/inzicht/clienten', async (req, res) => {
    const k = deps.kijker(req, res);
    if (!k.eigen) throw new HttpProblem(403, 'forbidden', "Only a gemeente sees its own clients' records");
    res.json({ gemeente: k.eigen, items: await inzicht.clientRecords(k.eigen) });
  });
  router.get('/inzicht/export', async (req, res) => {
    const format = req.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new HttpProblem(400, 'bad-request', 'format is json or csv', [{ name: 'format', reason: 'json or csv' }]);
    const f = filter(req, res);
    const rijen = await inzicht.bestedingen(f, 100_000);
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="contracten-bestedingen.csv"');
      res.send(bestedingenCsv(rijen));
    } else res.json({ gemaaktOp: new Date().toISOString(), scope: f.gemeenten ?? 'alles', bedragen: 'centen', items: rijen });
  });
  router.get('/alarmen', async (req, res) => {
    const k = deps.kijker(req, res);
    const r = await deps.db.query<{ id: string; soort: string; detail: Record<string, unknown> | string; ontstaan_op: Date | string; webhook_bezorgd_op: Date | string | null }>(
      'SELECT id, soort, detail, ontstaan_op, webhook_bezorgd_op FROM contract_alarmen ORDER BY id DESC LIMIT 200',
    );
    const index = await deps.versies.actueel();
    const items = r.rows
      .map((a): Record<string, unknown> & { soort: string } => ({ id: Number(a.id), soort: a.soort, ontstaanOp: new Date(a.ontstaan_op).toISOString(), webhookBezorgd: a.webhook_bezorgd_op !== null, ...(typeof a.detail === 'string' ? (JSON.parse(a.detail) as Record<string, unknown>) : a.detail) }))
      .filter((a) => {
        if (!k.gemeenten) return true;
        if (a.soort === 'termijn') return k.gemeenten.includes(String(a.gemeente));
        return index.contract(String(a.contract))?.gemeenten.some((g) => k.gemeenten!.includes(g)) ?? false;
      });
    res.json({ items });
  });
  return router;
}
