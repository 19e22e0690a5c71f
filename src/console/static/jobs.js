// Long work (bulk redeliver, hold, release; purge) runs as a job on the gateway; this shows its
// progress by polling GET /console/api/jobs/:id until it ends.
import { api } from './api.js';
import { h } from './dom.js';

const KIND_NL = { redeliver: 'Opnieuw bezorgen', hold: 'Vasthouden', release: 'Vrijgeven', purge: 'Verlopen inhoud verwijderen' };
const STATUS_NL = { running: 'bezig', done: 'klaar', failed: 'mislukt', interrupted: 'onderbroken' };

function describe(job) {
  const total = job.total === null || job.total === undefined ? null : Number(job.total);
  const base = `${KIND_NL[job.kind] ?? job.kind}: ${STATUS_NL[job.status] ?? job.status}`;
  if (total === null) return `${base}…`;
  const skipped = Number(job.skipped) ? `, ${job.skipped} overgeslagen` : '';
  return `${base}, ${job.done} van ${total} verwerkt (${job.succeeded} gelukt${skipped})`;
}

/**
 * A progress block for one job: a <progress> bar and a live text. Resolves with the finished job.
 * `onUpdate` is called after every poll.
 */
export function followJob(job, { intervalMs = 500, onUpdate } = {}) {
  const bar = h('progress', { max: '1', 'aria-label': 'Voortgang' });
  const text = h('p', { className: 'job-text', role: 'status', 'aria-live': 'polite' });
  const el = h('div', { className: 'job card', 'data-job': job.id }, text, bar);
  const paint = (j) => {
    el.dataset.status = j.status;
    text.textContent = describe(j);
    if (j.total === null || j.total === undefined) bar.removeAttribute('value');
    else {
      bar.max = Math.max(1, Number(j.total));
      bar.value = Number(j.done);
    }
    if (j.status !== 'running' && (j.total === null || j.total === undefined)) {
      bar.max = 1;
      bar.value = 1;
    }
  };
  paint(job);
  const done = new Promise((resolve) => {
    const tick = async () => {
      let j = job;
      try {
        j = await api('GET', `/jobs/${encodeURIComponent(job.id)}`);
      } catch {
        /* try again at the next tick */
      }
      paint(j);
      onUpdate?.(j);
      if (j.status === 'running') setTimeout(tick, intervalMs);
      else resolve(j);
    };
    setTimeout(tick, job.status === 'running' ? intervalMs : 0);
  });
  return { el, done };
}
