import express from 'express';
import { HttpProblem } from '../../channels/rest/problem.js';
import type { ExchangeLog } from '../../log/exchange-log.js';
import type { PurgeResult } from '../../retention/purge.js';
import { signedIn, type consoleGuard } from '../auth/guard.js';
import { may, type ConsolePermission } from '../auth/roles.js';
import type { ConsoleJobs, JobKind } from '../jobs.js';
import { logAdminAction } from './audit.js';
import { UUID_RE } from './params.js';

/** Who may see a job: whoever may start one of its kind. */
const PERMISSION: Record<JobKind, ConsolePermission> = { redeliver: 'deadLetters', hold: 'deadLetters', release: 'deadLetters', purge: 'purge' };

export function jobsRouter(deps: { jobs: ConsoleJobs; log: ExchangeLog; guard: ReturnType<typeof consoleGuard>; purge: (trigger: string) => Promise<PurgeResult> }): express.Router {
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

  // The retention purge as a job (one transaction: its progress is "running" until the counts are known).
  router.post('/retention/purge-jobs', guard.requirePermission('purge'), async (_req, res) => {
    const { user } = signedIn(res);
    const job = await jobs.start('purge', user, {}, async (progress) => {
      const result = await deps.purge(user.id);
      progress.setTotal(1);
      await progress.step('succeeded');
      return { purgedPayloads: result.purgedPayloads, purgedSubjectLinks: result.purgedSubjectLinks, before: result.before };
    }, async (finished) => {
      await logAdminAction(log, 'purge', user, 'retention', { job: finished.id, status: finished.status, ...(finished.result ?? {}) });
    });
    res.status(202).setHeader('Location', `/console/api/jobs/${job.id}`);
    res.json(job);
  });

  return router;
}
