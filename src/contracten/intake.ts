/**
 * The declaration intake: a small provider that sends no iStandaarden uploads its declarations as
 * CSV or JSON (authenticated with its own API key), so that no product stays invisible to the
 * ceiling monitor. The upload is a message like any other: it goes through the pipeline (stored
 * encrypted, logged, routed to the region's mailbox), is validated as a whole (every error by line
 * and field, nothing kept when one fails) and is mapped into the same model as a 323.
 *
 * Rows (CSV columns, or JSON objects with the same names in a list `prestaties`):
 *   gemeente; bsn; referentie; categorie; code; begindatum; einddatum; volume; eenheid; tarief; bedrag
 * The wet (ijw/iwmo) follows from the contract; tarief and bedrag in euros ("78,50") in CSV, in
 * cents (integers) in JSON. Every check a 323 gets from the register applies here as a hard rule:
 * the product must be contracted for this provider and gemeente on the begindatum, at that tariff.
 */
import { createHash } from 'node:crypto';
import express from 'express';
import type { InboundMessage, Inspection, Problem, Standard } from '../core/message.js';
import type { Pipeline } from '../core/pipeline.js';
import { HttpProblem } from '../channels/rest/problem.js';
import { subjectHash } from '../log/crypto.js';
import type { KeyRing } from '../log/keys.js';
import type { MappingResult, RouteMapping } from '../mapping/index.js';
import type { PartyRegistry } from '../parties/registry.js';
import type { Queryable } from '../store/db.js';
import { isValidBsn } from '../standards/common/bsn.js';
import { codelijstVoor } from '../standards/istandaarden/codelists.js';
import { geldigeDatum } from './bestand.js';
import { euroNaarCenten, leesCsv, MAX_FOUTEN, type FoutRegel } from './csv.js';
import type { Wet } from './model.js';
import type { CeilingMonitor, MonitorPrestatie } from './monitor.js';
import { partij } from './register-api.js';
import type { ContractVersies } from './versies.js';

export const INTAKE_STANDARD = 'contracten-intake';
export const INTAKE_TYPE = 'declaratie-intake';
export const INTAKE_MAPPING = 'contracten-intake-json';

const KOLOMMEN = ['gemeente', 'bsn', 'referentie', 'categorie', 'code', 'begindatum', 'einddatum', 'volume', 'eenheid', 'tarief', 'bedrag'] as const;
const MAX_RIJEN = 50_000;

export interface IntakeRij extends MonitorPrestatie {
  regel: number;
  gemeente: string;
  wet: Wet;
  contract: string;
}

/** What inspection leaves for recordAccepted and the mapping. */
export interface IntakePrepared {
  intake: true;
  aanbieder: string;
  nummer: string;
  rijen: IntakeRij[];
}

type Ruw = { regel: number; velden: Record<string, string | number | undefined> };

function ruweRijen(body: { tekst: string; json: boolean }, fouten: FoutRegel[]): Ruw[] {
  if (!body.json) return leesCsv(body.tekst, KOLOMMEN, fouten);
  let data: unknown;
  try {
    data = JSON.parse(body.tekst);
  } catch {
    fouten.push({ regel: 0, veld: '', melding: 'de inhoud is geen geldige JSON' });
    return [];
  }
  const lijst = (data as { prestaties?: unknown }).prestaties;
  if (!Array.isArray(lijst)) {
    fouten.push({ regel: 0, veld: '/prestaties', melding: 'moet een lijst zijn' });
    return [];
  }
  return lijst.map((x, i) => ({ regel: i + 1, velden: typeof x === 'object' && x !== null ? (x as Record<string, string | number>) : {} }));
}

/**
 * The referenties of an intake this provider delivered before (at most 20 named). Served by the
 * partial index contract_prestaties_intake_ref_idx (migration 191): without it this was a scan of
 * every prestatie of the region, 10,000 more with each big declaratie.
 */
export const EERDER_AANGELEVERD = "SELECT referentie FROM contract_prestaties WHERE bron = 'intake' AND aanbieder = $1 AND referentie = ANY($2::text[]) LIMIT 20";

export class IntakeStandard implements Standard {
  readonly name = INTAKE_STANDARD;

  constructor(private readonly deps: { versies: ContractVersies; monitor: CeilingMonitor; parties: PartyRegistry; db: Queryable }) {}

  async inspect(msg: InboundMessage, ctx: { messageId: string }): Promise<Inspection> {
    if (msg.messageType !== INTAKE_TYPE) return { known: false, problems: [], subjects: [] };
    const aanbieder = this.deps.parties.get(msg.sender);
    if (aanbieder?.kind !== 'aanbieder' || !aanbieder.code) return { known: true, problems: [{ location: 'sender', message: 'alleen een aanbieder (AGB-code) levert declaraties aan' }], subjects: [] };
    const body = msg.body as { tekst: string; json: boolean };
    const fouten: FoutRegel[] = [];
    const ruw = ruweRijen(body, fouten);
    if (ruw.length === 0 && fouten.length === 0) fouten.push({ regel: 0, veld: '', melding: 'geen prestaties' });
    if (ruw.length > MAX_RIJEN) fouten.push({ regel: 0, veld: '', melding: `meer dan ${MAX_RIJEN} prestaties in één aanlevering` });
    const index = await this.deps.versies.actueel();
    const rijen: IntakeRij[] = [];
    const referenties = new Map<string, number>();
    for (const { regel, velden } of ruw.slice(0, MAX_RIJEN)) {
      if (fouten.length >= MAX_FOUTEN) break;
      const fout = (veld: string, melding: string) => fouten.push({ regel, veld, melding });
      const t = (k: string) => (velden[k] === undefined ? '' : String(velden[k]).trim());
      const centen = (k: string) => {
        const v = velden[k];
        const c = body.json ? (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined) : euroNaarCenten(t(k));
        if (c === undefined || c < 0) fout(k, body.json ? 'moet een geheel, niet-negatief bedrag in centen zijn' : "moet een bedrag in euro's zijn, bijvoorbeeld 78,50");
        return c ?? Number.NaN;
      };
      const gemeente = t('gemeente');
      const bsn = t('bsn');
      const referentie = t('referentie');
      const [categorie, code, begindatum, einddatum, eenheid] = [t('categorie'), t('code'), t('begindatum'), t('einddatum'), t('eenheid')];
      if (!/^\d{4}$/.test(gemeente)) fout('gemeente', 'moet een CBS-gemeentecode van 4 cijfers zijn');
      if (!isValidBsn(bsn)) fout('bsn', 'moet een geldig burgerservicenummer zijn (elfproef)');
      if (!/^[A-Za-z0-9-]{1,30}$/.test(referentie)) fout('referentie', 'moet 1 tot 30 letters, cijfers of - zijn');
      else if (referenties.has(referentie)) fout('referentie', `komt ook voor op regel ${referenties.get(referentie)}`);
      referenties.set(referentie, regel);
      if (!geldigeDatum(begindatum)) fout('begindatum', 'moet een datum JJJJ-MM-DD zijn');
      if (!geldigeDatum(einddatum)) fout('einddatum', 'moet een datum JJJJ-MM-DD zijn');
      else if (geldigeDatum(begindatum) && (einddatum < begindatum || einddatum.slice(0, 7) !== begindatum.slice(0, 7))) fout('einddatum', 'moet op of na de begindatum in dezelfde kalendermaand liggen');
      const volume = /^\d{1,9}$/.test(t('volume')) ? Number(t('volume')) : Number.NaN;
      if (!(volume > 0)) fout('volume', 'moet een geheel getal groter dan 0 zijn');
      if (!codelijstVoor('ijw', 'Eenheid').codes.has(eenheid)) fout('eenheid', 'onbekende eenheid (WJ756)');
      const tarief = centen('tarief');
      const bedrag = centen('bedrag');
      if (Number.isFinite(tarief) && Number.isFinite(bedrag) && volume > 0) {
        if (eenheid === '83' ? bedrag !== volume : bedrag !== volume * tarief) fout('bedrag', eenheid === '83' ? "moet bij eenheid 83 (euro's) gelijk zijn aan het volume" : 'moet gelijk zijn aan volume × tarief');
      }
      // The contract: the same lookup as for a 323, as a hard rule here.
      const wet = (['ijw', 'iwmo'] as const).find((w) => index.dekkingOp(w, aanbieder.code!, gemeente, categorie, code, begindatum));
      const dekking = wet ? index.dekkingOp(wet, aanbieder.code, gemeente, categorie, code, begindatum) : undefined;
      if (geldigeDatum(begindatum) && !dekking) fout('code', 'dit product is op de begindatum niet gecontracteerd voor deze aanbieder en gemeente');
      else if (dekking && Number.isFinite(tarief) && dekking.tarief?.tarief !== tarief) fout('tarief', 'wijkt af van het contracttarief op de begindatum (TR418)');
      if (wet && dekking) rijen.push({ regel, gemeente, wet, contract: dekking.contract.id, bsn, referentie, categorie, code, begindatum, volume, eenheid, bedrag });
    }
    if (fouten.length === 0 && rijen.length > 0) {
      // A referentie is delivered once per provider (as TR314 for a 323).
      const r = await this.deps.db.query<{ referentie: string }>(EERDER_AANGELEVERD, [aanbieder.code, rijen.map((x) => x.referentie)]);
      for (const x of r.rows) fouten.push({ regel: rijen.find((y) => y.referentie === x.referentie)!.regel, veld: 'referentie', melding: 'deze referentie is al eerder aangeleverd' });
    }
    const problems: Problem[] = fouten.slice(0, MAX_FOUTEN).map((f) => ({ location: `regel ${f.regel}/${f.veld}`, message: f.melding }));
    const prepared: IntakePrepared = { intake: true, aanbieder: aanbieder.code, nummer: `INT-${ctx.messageId.replace(/-/g, '').slice(0, 11).toUpperCase()}`, rijen };
    return { known: true, problems, subjects: [...new Set(rijen.map((x) => x.bsn))], prepared };
  }

  async recordAccepted(tx: Queryable, _msg: InboundMessage, inspection: Inspection, messageId: string): Promise<void> {
    const p = inspection.prepared as IntakePrepared;
    const index = await this.deps.versies.actueel(tx);
    const groepen = new Map<string, IntakeRij[]>();
    for (const r of p.rijen) groepen.set(`${r.wet}/${r.gemeente}`, [...(groepen.get(`${r.wet}/${r.gemeente}`) ?? []), r]);
    for (const rijen of groepen.values()) {
      await this.deps.monitor.registreer(tx, index, { bron: 'intake', wet: rijen[0]!.wet, aanbieder: p.aanbieder, gemeente: rijen[0]!.gemeente, declaratie: p.nummer, messageId }, rijen);
    }
  }
}

/** The route mapping of an intake: the rows for the region's mailbox, clients by keyed hash only. */
export function intakeMapping(ring: KeyRing): RouteMapping {
  return {
    name: INTAKE_MAPPING,
    version: 1,
    run(_input, context): MappingResult {
      const p = context?.prepared as IntakePrepared;
      const output = {
        aanlevering: p.nummer,
        aanbieder: p.aanbieder,
        prestaties: p.rijen.map((r) => ({ gemeente: r.gemeente, wet: r.wet, contract: r.contract, client: subjectHash(ring, r.bsn), referentie: r.referentie, categorie: r.categorie, code: r.code, begindatum: r.begindatum, volume: r.volume, eenheid: r.eenheid, bedrag: r.bedrag })),
      };
      return { output, serialized: Buffer.from(JSON.stringify(output), 'utf8'), contentType: 'application/json' };
    },
  };
}

/** POST /declaraties: the upload, answered 202 with the intake's number, or 422 with every error. */
export function intakeRouter(deps: { pipeline: Pipeline; maxBytes: number }): express.Router {
  const router = express.Router();
  router.post('/declaraties', express.text({ type: ['text/csv', 'text/plain', 'application/json'], limit: deps.maxBytes }), async (req, res) => {
    const p = partij(res);
    if (typeof req.body !== 'string' || req.body.length === 0) throw new HttpProblem(415, 'unsupported-media-type', 'Send the declarations as text/csv or application/json');
    const tekst = req.body;
    const raw = Buffer.from(tekst, 'utf8');
    const idHeader = req.get('idempotency-key');
    if (idHeader !== undefined && !/^[A-Za-z0-9._:-]{1,100}$/.test(idHeader)) throw new HttpProblem(400, 'bad-request', 'Idempotency-Key must be 1-100 letters, digits or ._:-');
    const result = await deps.pipeline.accept({
      channel: 'contracten',
      standard: INTAKE_STANDARD,
      messageType: INTAKE_TYPE,
      sender: p.id,
      senderMessageId: idHeader ?? createHash('sha256').update(raw).digest('hex').slice(0, 40),
      contentType: req.get('content-type') ?? 'text/csv',
      raw,
      body: { tekst, json: /json/i.test(req.get('content-type') ?? '') },
    });
    if (result.outcome === 'rejected') {
      const fouten = result.problems.map((x) => {
        const m = /^regel (\d+)\/(.*)$/.exec(x.location);
        return m ? { regel: Number(m[1]), veld: m[2], melding: x.message } : { regel: 0, veld: x.location, melding: x.message };
      });
      throw new HttpProblem(result.code === 'not-allowed' ? 403 : 422, result.code === 'validation-failed' ? 'intake-refused' : result.code, 'The declarations were refused as a whole; nothing was kept', undefined, { messageId: result.messageId, fouten });
    }
    res.status(202).json({ messageId: result.messageId, duplicate: result.duplicate, status: result.status });
  });
  return router;
}
