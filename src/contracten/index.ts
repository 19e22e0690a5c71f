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

export interface Contracten {
  config: ContractenConfig;
  versies: ContractVersies;
  monitor: CeilingMonitor;
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
  const regels = contractRegels({ register: () => versies.actueel(), ...(config.regels ? { afhandeling: config.regels } : {}) });
  return {
    config,
    versies,
    monitor,
    regels,
    wrap: (standard, na) => new ContractStandard(standard, { versies, monitor, log: deps.log, ...(na ? { na } : {}), ...(webhook ? { onAlarm: () => webhook.kick() } : {}) }),
    router(authenticate, more = []) {
      const r = express.Router();
      r.use(authenticate);
      r.use(registerRouter({ versies, maxBytes: 20 * 1024 * 1024 }));
      for (const m of more) r.use(m);
      return r;
    },
    start: () => webhook?.start(),
    stop: async () => webhook?.stop(),
  };
}
