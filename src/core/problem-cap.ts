import type { Problem } from './message.js';

/**
 * Problems shown in an answer (problem+json, retourbericht, foutbericht) and kept in the log event:
 * the first MAX_PROBLEMS, then one line with the count of the rest. A document with a million
 * errors gets an answer and an event of the same small size as one with a hundred and one.
 */
export const MAX_PROBLEMS = 100;
/** The code of the closing line that says how many more there were. */
export const PROBLEMS_CAPPED = 'problems-capped';
/** The code a validator puts last when it stopped counting (src/util/ajv.ts: the error budget). */
export const COUNTING_STOPPED = 'counting-stopped';

export function capProblems(problems: readonly Problem[], max = MAX_PROBLEMS): Problem[] {
  const stopped = problems.length > 0 && problems[problems.length - 1]!.code === COUNTING_STOPPED;
  const real = stopped ? problems.slice(0, -1) : problems;
  if (real.length <= max) return [...problems];
  const omitted = real.length - max;
  const message = stopped
    ? `and more than ${omitted} further problems, not listed (validation stopped counting after ${real.length})`
    : `and ${omitted} further problems, not listed`;
  return [...real.slice(0, max), { location: '/', message, code: PROBLEMS_CAPPED }];
}
