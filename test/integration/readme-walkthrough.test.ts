import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readEnv } from '../../src/config/env.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/ops/logger.js';
import { projectRoot } from '../../src/util/paths.js';

const run = promisify(execFile);
const README = readFileSync(join(projectRoot(), 'README.md'), 'utf8');

/** Every `curl` command in the README's ```sh blocks, in order, continuation lines joined as the shell would. */
export function readmeCurls(text: string): string[] {
  const out: string[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const lines = block[1]!.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.trimStart().startsWith('curl')) continue;
      let cmd = lines[i]!;
      // Join backslash continuations and a quote left open across lines.
      while ((/\\\s*$/.test(cmd) || (cmd.split("'").length - 1) % 2 === 1) && i + 1 < lines.length) cmd += '\n' + lines[++i]!;
      out.push(cmd);
    }
  }
  return out;
}

/**
 * The README's walkthroughs, literally: each curl example runs in the order printed against a fresh
 * gateway on the example configuration, only with the gateway's address for localhost:8080 and, for
 * `<item id>`/`<id>`, the id of the first item the previous answer listed. Examples that are templates
 * for the reader's own key (`<key>`, `<party id>`) are not runnable and are listed as such.
 */
describe('README walkthroughs work as written', () => {
  let gateway: Gateway;
  let base: string;
  let configCopy: string | undefined;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knooppunt-readme-'));
    // The example configuration points its demo source and zaaksysteem at localhost:8080 (this
    // gateway, /demo/v1); the test gateway listens on a free port, so a copy names that port.
    const probe = await createGateway(readEnv({ PORT: '0', HOST: '127.0.0.1', KNOOPPUNT_DATA_DIR: join(dir, 'probe'), LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
    const port = (await probe.listen()).port;
    await probe.close();
    const config = readFileSync(join(projectRoot(), 'config', 'knooppunt.yaml'), 'utf8').replaceAll('localhost:8080', `127.0.0.1:${port}`);
    // Beside the original: the configuration names files relative to its own folder.
    configCopy = join(projectRoot(), 'config', `.readme-test-${process.pid}.yaml`);
    writeFileSync(configCopy, config);
    const env = readEnv({ PORT: String(port), HOST: '127.0.0.1', KNOOPPUNT_DATA_DIR: join(dir, 'data'), KNOOPPUNT_CONFIG: configCopy, LOG_LEVEL: 'silent', KNOOPPUNT_RECONCILE_MS: '300' });
    gateway = await createGateway(env, { logger: createLogger('silent') });
    await gateway.listen();
    base = `http://127.0.0.1:${port}`;
    // Two gateway starts; the first compiles the full StUF schemas (seconds, more on a loaded machine).
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    if (configCopy) rmSync(configCopy, { force: true });
  });

  it('finds the walkthroughs: REST, iStandaarden, StUF, SUWI', () => {
    const all = readmeCurls(README).join('\n');
    for (const part of ['/api/v1/messages', '/istandaarden/v1/berichten', '/stuf/zds/OntvangAsynchroon', '/api/v1/bevragingen']) expect(all).toContain(part);
  });

  it('runs every curl example in order and each gets a successful answer', async () => {
    const results: Array<{ example: string; status: number; body: string }> = [];
    let lastIds: string[] = [];
    for (const example of readmeCurls(README)) {
      if (/<key>|<party id>/.test(example)) continue;
      let cmd = example.replaceAll('http://localhost:8080', base);
      if (/<item id>|<id>/.test(cmd)) {
        expect([example, lastIds.length > 0]).toEqual([example, true]);
        cmd = cmd.replaceAll('<item id>', lastIds[0]!).replaceAll('<id>', lastIds[0]!);
      }
      const { stdout } = await run('bash', ['-c', `${cmd.replace(/\s+#[^\n'"]*$/, '')} -w '\\n%{http_code}'`], { cwd: projectRoot(), maxBuffer: 16 * 1024 * 1024 });
      const status = Number(stdout.slice(stdout.lastIndexOf('\n') + 1));
      const body = stdout.slice(0, stdout.lastIndexOf('\n'));
      results.push({ example: example.split('\n')[0]!, status, body });
      try {
        const json = JSON.parse(body) as { items?: Array<{ id: string }> };
        if (Array.isArray(json.items) && json.items.length > 0) lastIds = json.items.map((i) => i.id);
      } catch {
        // XML or CSV answers
      }
    }
    const failed = results.filter((r) => r.status < 200 || r.status >= 300).map((r) => `${r.status} ${r.example} ${r.body.slice(0, 300)}`);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(10);
    // The answers the README promises.
    const by = (part: string) => results.filter((r) => r.example.includes(part));
    expect(by('/istandaarden/v1/berichten')[0]!.body).toContain('0200');
    expect(by('/stuf/zds/OntvangAsynchroon')[1]!.body).toContain('Bv03Bericht');
    expect(JSON.parse(by('/api/v1/bevragingen')[0]!.body)).toMatchObject({ uitkomst: 'gevonden' });
  }, 180_000);

  it('the zaaksysteem destination receives the zaak: the StUF delivery to the demo zaaksysteem is delivered', async () => {
    const deadline = Date.now() + 60_000;
    let rows: Array<{ status: string }> = [];
    while (Date.now() < deadline) {
      rows = (await gateway.db.query<{ status: string }>("SELECT status FROM deliveries WHERE destination_id = 'zds-enschede'")).rows;
      if (rows.length > 0 && rows.every((r) => r.status === 'delivered')) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'delivered'));
  }, 90_000);
});
