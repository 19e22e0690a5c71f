import express from 'express';
import { HttpProblem } from '../../channels/rest/problem.js';
import type { ExchangeLog } from '../../log/exchange-log.js';
import type { PurgeProgress, PurgeResult } from '../../retention/purge.js';
import { signedIn, type consoleGuard } from '../auth/guard.js';
import { may, type ConsolePermission } from '../auth/roles.js';
import type { ConsoleJobs, JobKind } from '../jobs.js';
import { logAdminAction } from './audit.js';
import { UUID_RE } from './params.js';

/** Who may see a job: whoever may start one of its kind. */
const PERMISSION: Record<JobKind, ConsolePermission> = { redeliver: 'deadLetters', hold: 'deadLetters', release: 'deadLetters', purge: 'purge' };

export function jobsRouter(deps: { jobs: ConsoleJobs; log: ExchangeLog; guard: ReturnType<typeof consoleGuard>; purge: (trigger: string, progress?: PurgeProgress) => Promise<PurgeResult> }): express.Router {
  const { jobs, log, guard } = deps;
  const router = express.Router();

  router.get('/jobs', async (_req, res) => {
    const { user } = signedIn(res);
    const kinds = (Object.keys(PERMISSION) as JobKind[]).filter((k) => may(user.role, PERMISSION[k]));
    if (kinds.length === 0) throw new HttpProblem(403, 'forbidden', `The role '${user.role}' may not do this`);
    res.json({ items: await jobs.recent(kinds) });
  });

  router.get('/jobs/:id', async (req, res) => {
    const id = String(req.params.id);
    const job = UUID_RE.test(id) ? await jobs.get(id.toLowerCase()) : undefined;
    if (!job) throw new HttpProblem(404, 'not-found', 'No job with this id');
    if (!may(signedIn(res).user.role, PERMISSION[job.kind])) throw new HttpProblem(403, 'forbidden', `The role '${signedIn(res).user.role}' may not do this`);
    res.json(job);
  });

  // The retention purge as a job, in batches: total = expired messages that still hold a payload or
  // a subject link; each committed batch advances done (succeeded: something purged; skipped: only
  // payloads an open delivery still needs, kept until it ends).
  router.post('/retention/purge-jobs', guard.requirePermission('purge'), async (_req, res) => {
    const { user } = signedIn(res);
    const job = await jobs.start('purge', user, {}, async (progress) => {
      const result = await deps.purge(user.id, {
        total: (n) => progress.setTotal(n),
        batch: async ({ purged, kept }) => {
          for (let i = 0; i < purged; i++) await progress.step('succeeded');
          for (let i = 0; i < kept; i++) await progress.step('skipped');
          await progress.flush();
        },
      });
      return { purgedPayloads: result.purgedPayloads, purgedSubjectLinks: result.purgedSubjectLinks, before: result.before };
    }, async (finished) => {
      await logAdminAction(log, 'purge', user, 'retention', { job: finished.id, status: finished.status, ...(finished.result ?? {}) });
    });
    res.status(202).setHeader('Location', `/console/api/jobs/${job.id}`);
    res.json(job);
  });

  return router;
}
