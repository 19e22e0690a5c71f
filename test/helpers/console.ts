/** Helpers for the console tests: a console API client with session cookie and CSRF token, and the demo configuration adjusted for tests. */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { GatewayConfig } from '../../src/config/types.js';
import { projectRoot } from '../../src/util/paths.js';

/** The demo users of config/knooppunt.yaml: the password is the id. */
export const DEMO_USERS = { beheer: 'demo-beheer', privacy: 'demo-privacy', audit: 'demo-audit' } as const;

export class ConsoleClient {
  cookie = '';
  csrf = '';
  constructor(private readonly baseUrl: string) {}

  async signIn(user: string, password = user): Promise<this> {
    const res = await fetch(`${this.baseUrl}/console/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }),
    });
    if (res.status !== 200) throw new Error(`sign-in as ${user}: ${res.status}`);
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    this.csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
    return this;
  }

  // `json` is any on purpose: the assertions are the type check of the answers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string; headers: Headers }> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}/console/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }
}

/**
 * config/knooppunt.yaml with Enschede's zaaksysteem at `zdsUrl` and short retries, so a StUF
 * kennisgeving of the back office goes to two destinations (the JSON mailbox and the zaaksysteem).
 */
export function demoConfig(zdsUrl: string): GatewayConfig {
  const config = parse(readFileSync(join(projectRoot(), 'config', 'knooppunt.yaml'), 'utf8')) as GatewayConfig;
  for (const d of config.destinations ?? []) if (d.id === 'zds-enschede') (d as { url: string }).url = zdsUrl;
  for (const r of config.routes) r.delivery = { ...(r.delivery ?? {}), maxAttempts: 2, backoffMs: 20 };
  // Files the configuration names relative to itself stay where they are.
  const c = config as { contracten?: { register?: string } };
  if (c.contracten?.register && !isAbsolute(c.contracten.register)) c.contracten.register = join(projectRoot(), 'config', c.contracten.register);
  return config;
}
