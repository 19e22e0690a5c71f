/**
 * The region's contracts in the message traffic: one module, wired into the gateway by
 * {@link createContracten}. See docs/contracten.md.
 * - the register (versies.ts, register.ts), loaded from a file (bestand.ts) or the admin API (register-api.ts);
 * - the checks (regels.ts) registered into the iStandaarden rule runner as extra rules;
 * - the ceiling monitor (monitor.ts) fed inside the accepting transaction (standaard.ts), with its webhook (alarm-webhook.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import express, { type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/types.js';
import type { Standard } from '../core/message.js';
import type { ExchangeLog } from '../log/exchange-log.js';
import type { KeyRing } from '../log/keys.js';
import type { Regel } from '../standards/istandaarden/rules/types.js';
import type { Db } from '../store/db.js';
import { AlarmWebhook } from './alarm-webhook.js';
import { leesRegister } from './bestand.js';
import type { ContractenConfig } from './config.js';
import { CeilingMonitor, STANDAARD_DREMPELS } from './monitor.js';
import { registerRouter } from './register-api.js';
import { contractRegels } from './regels.js';
import { ContractStandard, type NaAcceptatie } from './standaard.js';
import { ContractVersies } from './versies.js';
import { Gesprekken } from './gesprekken.js';
import { Inzicht } from './inzicht.js';
import { inzichtRouter, type Kijker } from './inzicht-api.js';
import { partij } from './register-api.js';
import { HttpProblem } from '../channels/rest/problem.js';
import { consoleGuard, signedIn } from '../console/auth/guard.js';
import { ConsoleSessions } from '../console/auth/sessions.js';
import { vandaagInNederland } from '../util/vandaag.js';

export interface Contracten {
  config: ContractenConfig;
  versies: ContractVersies;
  monitor: CeilingMonitor;
  gesprekken: Gesprekken;
  inzicht: Inzicht;
  /** The console's contract pages' API, at /console/api/contracten (signed-in beheerder or auditor). */
  consoleRouter(): express.Router;
  /** The contract rules, for the iStandaarden standard's `extraRegels`. */
  regels: readonly Regel[];
  /** The standard with the monitor and the ledger hooked into its accepting transaction. */
  wrap(standard: Standard, na?: NaAcceptatie[]): Standard;
  /** The API-key routes at /contracten/v1. */
  router(authenticate: RequestHandler, more?: express.Router[]): express.Router;
  start(): void;
  stop(): Promise<void>;
}

/** Reads a register file named in the configuration; a file with errors stops the start, listing them. */
function leesBestand(file: string): ReturnType<typeof leesRegister> {
  return leesRegister(readFileSync(file, 'utf8'), file.endsWith('.json') ? 'application/json' : 'text/csv');
}

export async function createContracten(deps: { db: Db; log: ExchangeLog; ring: KeyRing; config: GatewayConfig; configPath: string; logger: Logger }): Promise<Contracten> {
  const config: ContractenConfig = (deps.config as GatewayConfig & { contracten?: ContractenConfig }).contracten ?? {};
  const versies = new ContractVersies(deps.db, deps.log);
  if (config.register && (await versies.actueel()).versie === 0) {
    const file = resolve(dirname(deps.configPath), config.register);
    const g = leesBestand(file);
    if (!g.ok) {
      const lijst = g.fouten.slice(0, 20).map((f) => `  regel ${f.regel} ${f.veld}: ${f.melding}`).join('\n');
      throw new Error(`${file}: the contract register has errors:\n${lijst}${g.fouten.length > 20 ? `\n  … and ${g.fouten.length - 20 + g.meer} more` : ''}`);
    }
    await versies.nieuweVersie(g.inhoud, 'config', 'config', 'register-geladen', { bestand: config.register });
  }
  const monitor = new CeilingMonitor(deps.log, deps.ring, config.drempels ?? STANDAARD_DREMPELS);
  const webhook = config.alarmWebhook ? new AlarmWebhook(deps.db, config.alarmWebhook, deps.logger) : undefined;
  const gesprekken = new Gesprekken(deps.db, deps.log, deps.ring, { ...(config.termijnen ? { termijnen: config.termijnen } : {}), ...(config.normStartDagen ? { normStartDagen: config.normStartDagen } : {}) });
  // The insight views' scopes: the configuration's regions (the same ones routes address) and any grouping of its own.
  const groeperingen = [...(deps.config.regios ?? []), ...(config.groeperingen ?? [])];
  const inzicht = new Inzicht(deps.db, gesprekken, groeperingen, config.normStartDagen ?? 42);
  const ledger: NaAcceptatie = (tx, p, messageId) => gesprekken.registreer(tx, p, messageId);
  let termijnTimer: NodeJS.Timeout | undefined;
  const controleerTermijnen = () =>
    gesprekken.alarmeer(vandaagInNederland(new Date())).then(
      (n) => (n > 0 ? webhook?.kick() : undefined),
      (err: Error) => deps.logger.warn({ err: err.message }, 'contracten: deadline check failed'),
    );
  const partijKijker = (_req: express.Request, res: express.Response): Kijker => {
    const p = partij(res);
    if (p.kind === 'regio') return {};
    if (p.kind === 'gemeente' && p.code) return { gemeenten: [p.code], eigen: p.code };
    throw new HttpProblem(403, 'forbidden', 'Insight is for the region and the gemeenten');
  };
  const users = deps.config.console?.users ?? [];
  const regels = contractRegels({ register: () => versies.actueel(), ...(config.regels ? { afhandeling: config.regels } : {}) });
  return {
    config,
    versies,
    monitor,
    gesprekken,
    inzicht,
    regels,
    wrap: (standard, na = []) => new ContractStandard(standard, { versies, monitor, log: deps.log, na: [ledger, ...na], ...(webhook ? { onAlarm: () => webhook.kick() } : {}) }),
    router(authenticate, more = []) {
      const r = express.Router();
      r.use(authenticate);
      r.use(registerRouter({ versies, maxBytes: 20 * 1024 * 1024 }));
      r.use(inzichtRouter({ inzicht, gesprekken, versies, db: deps.db, kijker: partijKijker }));
      for (const m of more) r.use(m);
      return r;
    },
    consoleRouter() {
      const guard = consoleGuard(new ConsoleSessions(deps.db), users);
      const r = express.Router();
      r.use((_req, res, next) => {
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        next();
      });
      r.use(guard.requireSession);
      const kijker = (_req: express.Request, res: express.Response): Kijker => {
        const { user } = signedIn(res);
        if (user.role !== 'beheerder' && user.role !== 'auditor') throw new HttpProblem(403, 'forbidden', `The role '${user.role}' does not see the contract pages`);
        return {};
      };
      r.use(inzichtRouter({ inzicht, gesprekken, versies, db: deps.db, kijker }));
      r.get('/register/versies', async (req, res) => {
        kijker(req, res);
        res.json({ items: await versies.lijst() });
      });
      r.get('/vertalingen', async (req, res) => {
        kijker(req, res);
        const events = await deps.log.events({ eventType: 'contract_check', limit: 200, newest: true });
        res.json({ items: events.map((e) => ({ messageId: e.messageId, bericht: e.messageType, afzender: e.sender, op: e.occurredAt.toISOString(), ...e.detail })) });
      });
      return r;
    },
    start: () => {
      webhook?.start();
      termijnTimer = setInterval(() => void controleerTermijnen(), 60_000);
      termijnTimer.unref();
      void controleerTermijnen();
    },
    stop: async () => {
      clearInterval(termijnTimer);
      await webhook?.stop();
    },
  };
}
