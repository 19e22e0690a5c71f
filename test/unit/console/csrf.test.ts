import { describe, expect, it } from '@jest/globals';
import { csrfMatches, needsCsrf, newCsrfToken } from '../../../src/console/auth/csrf.js';

describe('console CSRF tokens', () => {
  it('makes long random tokens', () => {
    const a = newCsrfToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newCsrfToken()).not.toBe(a);
  });

  it('matches only the exact token', () => {
    const t = newCsrfToken();
    expect(csrfMatches(t, t)).toBe(true);
    expect(csrfMatches(t, undefined)).toBe(false);
    expect(csrfMatches(t, '')).toBe(false);
    expect(csrfMatches(t, t.slice(1))).toBe(false);
    expect(csrfMatches(t, `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });

  it('is needed for every state-changing method', () => {
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) expect(needsCsrf(m)).toBe(true);
    for (const m of ['GET', 'HEAD', 'OPTIONS']) expect(needsCsrf(m)).toBe(false);
  });
});
