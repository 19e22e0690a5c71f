import express from 'express';
import type { GatewayConfig } from '../../config/types.js';
import type { consoleGuard } from '../auth/guard.js';

export interface ConsoleParty {
  id: string;
  name: string;
  kind: string;
  /** CBS gemeentecode or AGB code: what the beheerder sees beside the name. */
  code: string | null;
}

/** The parties of the configuration as the console shows them: by name, with their code beside it. */
export function consoleParties(config: GatewayConfig): ConsoleParty[] {
  return config.parties.map((p) => ({ id: p.id, name: p.name, kind: p.kind, code: p.code ?? null }));
}

/** Party ids whose id or code equals the text, or whose name contains it (case-insensitive). */
export function partiesMatcher(config: GatewayConfig): (text: string) => string[] {
  const parties = consoleParties(config);
  return (text) => {
    const t = text.trim().toLowerCase();
    if (!t) return [];
    const exact = parties.filter((p) => p.id.toLowerCase() === t || p.code === t);
    if (exact.length > 0) return exact.map((p) => p.id);
    return parties.filter((p) => p.name.toLowerCase().includes(t)).map((p) => p.id);
  };
}

export function partiesRouter(deps: { config: GatewayConfig; guard: ReturnType<typeof consoleGuard> }): express.Router {
  const router = express.Router();
  const items = consoleParties(deps.config);
  router.get('/parties', deps.guard.requirePermission('search'), (_req, res) => {
    res.json({ items });
  });
  return router;
}
