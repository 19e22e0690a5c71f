import { HttpProblem } from '../../channels/rest/problem.js';
import { lastPage, LIST_COUNT_CAP } from '../../core/message-view.js';

export const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** One query value as text; a repeated parameter (?a=1&a=2) is refused rather than guessed at. */
export function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 200) throw new HttpProblem(400, 'bad-request', `${name} must be one short text value`, [{ name, reason: 'not a single value' }]);
  return value;
}

export function optionalDate(value: unknown, name: string): Date | undefined {
  const text = optionalText(value, name);
  if (text === undefined) return undefined;
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new HttpProblem(400, 'bad-request', `${name} must be an ISO 8601 date or date-time`, [{ name, reason: 'not a date' }]);
  return d;
}

export function int(value: unknown, name: string, min: number, max: number, fallback?: number): number {
  if ((value === undefined || value === '') && fallback !== undefined) return fallback;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new HttpProblem(400, 'bad-request', `${name} must be a whole number from ${min} to ${max}`, [{ name, reason: 'out of range' }]);
  }
  return n;
}

/**
 * page (1-based) and pageSize (default 25, at most 200), reaching the first LIST_COUNT_CAP rows of
 * a list: a deeper page would make the database read every row up to it (OFFSET), so it is a 400
 * that tells the reader to narrow the list (`narrow`: by what).
 */
export function pageOf(q: Record<string, unknown>, what: string, narrow: string): { page: number; pageSize: number } {
  const pageSize = int(q.pageSize, 'pageSize', 1, 200, 25);
  const page = int(q.page, 'page', 1, LIST_COUNT_CAP, 1);
  if (page > lastPage(pageSize)) {
    throw new HttpProblem(400, 'bad-request', `Pages reach the first ${LIST_COUNT_CAP} ${what}; narrow the list (${narrow})`, [{ name: 'page', reason: `beyond the first ${LIST_COUNT_CAP.toLocaleString('en-US')}` }]);
  }
  return { page, pageSize };
}
