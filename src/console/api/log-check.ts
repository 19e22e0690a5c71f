/**
 * GET /console/api/log/verify: the integrity check of the exchange log, run by the gateway that
 * owns the store. This is how `knooppunt verify-log --gateway <url>` checks an embedded (PGlite)
 * store while the gateway runs: a second process may not open that data directory.
 */
import { existsSync } from 'node:fs';
import express from 'express';
import { formatAnchorResult, readAnchorFile, verifyAgainstAnchors, type AnchorResult } from '../../log/anchor.js';
import type { ExchangeLog } from '../../log/exchange-log.js';
import type { KeyRing } from '../../log/keys.js';
import { formatVerifyResult, verifyLog } from '../../log/verify.js';
import type { Db } from '../../store/db.js';
import type { consoleGuard } from '../auth/guard.js';
import { signedIn } from '../auth/guard.js';
import { logAdminAction } from './audit.js';

export function logCheckRouter(deps: { db: Db; log: ExchangeLog; ring: KeyRing; guard: ReturnType<typeof consoleGuard>; checkpointFile?: string }): express.Router {
  const router = express.Router();
  router.get('/log/verify', deps.guard.requirePermission('verifyLog'), async (_req, res) => {
    const result = await verifyLog(deps.db);
    let anchors: AnchorResult | undefined;
    if (deps.checkpointFile && existsSync(deps.checkpointFile)) {
      anchors = await verifyAgainstAnchors(deps.db, deps.ring, await readAnchorFile(deps.checkpointFile));
    }
    const ok = result.ok && (anchors?.ok ?? true);
    await logAdminAction(deps.log, 'log_verified', signedIn(res).user, 'exchange-log', { ok, checked: result.checked, headSeq: result.headSeq, anchored: anchors !== undefined });
    const text = [formatVerifyResult(result), ...(anchors ? [formatAnchorResult(anchors)] : [])].join('\n');
    res.json({ ok, chain: result, ...(anchors ? { anchors } : {}), text });
  });
  return router;
}
