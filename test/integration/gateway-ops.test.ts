import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger } from '../../src/ops/logger.js';
import { openStore } from '../../src/store/open.js';
import { projectRoot } from '../../src/util/paths.js';
import { KEYS, post, testConfig, testEnv, toewijzing, writeConfig } from '../helpers/gateway.js';
import { TestWebhook, waitFor } from '../helpers/webhook.js';

const run = promisify(execFile);
const BSN = '999993653';

/** Operations and start-up guarantees, on the embedded defaults. */
describe('gateway operations (PGlite + in-process)', () => {
  const webhook = new TestWebhook();
  const logLines: string[] = [];
  let gateway: Gateway;
  let baseUrl: string;
  let dataDir: string;
  let configPath: string;
  let key: string;

  beforeAll(async () => {
    const url = await webhook.start();
    configPath = writeConfig(testConfig(url));
    const env = await testEnv('pglite', 'in-process', configPath, { LOG_LEVEL: 'debug' });
    dataDir = env.dataDir;
    key = env.encryptionKey!;
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { logLines.push(chunk.toString()); cb(); } });
    gateway = await createGateway(env, { logger: createLogger('debug', sink) });
    const address = await gateway.listen();
    baseUrl = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await gateway?.close();
    await webhook.stop();
  });

  it('reports liveness, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(await ready.json()).toEqual({ status: 'up', checks: { store: 'up', queue: 'up' } });
    const res = await post(baseUrl, KEYS.enschede, toewijzing(`ops-${Date.now()}`, { bsn: BSN }));
    await waitFor(() => webhook.accepted().some((r) => r.headers['x-knooppunt-message-id'] === res.json.id));
    // The attempt is counted once its outcome is recorded, a moment after the webhook has the request.
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${baseUrl}/metrics`)).text();
      return /knooppunt_delivery_attempts_total\{destination="webhook-aanbieder-a",result="delivered"\} [1-9]/.test(text) && text;
    });
    expect(metrics).toMatch(/knooppunt_messages_total\{standard="json",message_type="toewijzing",outcome="accepted"\} [1-9]/);
    expect(metrics).toMatch(/knooppunt_delivery_attempts_total\{destination="webhook-aanbieder-a",result="delivered"\} [1-9]/);
    expect(metrics).toMatch(/knooppunt_outbox_deliveries\{status="pending"\} \d/);
  });

  it('publishes an OpenAPI 3 document with the message types and problem+json', async () => {
    const doc = (await (await fetch(`${baseUrl}/api/v1/openapi.json`)).json()) as Record<string, any>;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/messages', '/messages/{id}', '/mailbox', '/mailbox/{id}/acknowledgement']));
    expect(doc.components.schemas.ToewijzingPayload.properties.client).toBeDefined();
    expect(doc.components.responses.Problem400.content['application/problem+json']).toBeDefined();
  });

  it('never writes a BSN or payload content to the process log', async () => {
    await post(baseUrl, KEYS.enschede, toewijzing(`ops-bad-${Date.now()}`, { bsn: '123456789' }));
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(BSN);
    expect(all).not.toContain('123456789');
    expect(all).not.toContain('Jansen');
    expect(all).not.toContain(KEYS.enschede);
  });

  it('stores no BSN and no payload in plain text in the database', async () => {
    const tables = await gateway.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    for (const { table_name } of tables.rows) {
      const rows = await gateway.db.query<{ t: string }>(`SELECT t::text AS t FROM ${table_name} t`);
      const text = rows.rows.map((r) => r.t).join('\n');
      expect({ table_name, hasBsn: text.includes(BSN), hasName: text.includes('Jansen') }).toEqual({ table_name, hasBsn: false, hasName: false });
    }
  });

  it('verify-log (the CLI) passes an intact log and names the first edited event', async () => {
    await gateway.close();
    const env = { ...process.env, KNOOPPUNT_DATA_DIR: dataDir, KNOOPPUNT_ENCRYPTION_KEY: key, DATABASE_URL: '' };
    const cli = [ '--import', 'tsx', 'src/cli.ts', 'verify-log'];
    const ok = await run(process.execPath, cli, { cwd: projectRoot(), env });
    expect(ok.stdout).toMatch(/intact/);

    const db = await openStore({ dataDir });
    await db.query('ALTER TABLE exchange_events DISABLE TRIGGER exchange_events_no_update');
    await db.query(`UPDATE exchange_events SET sender = 'gemeente-0164' WHERE seq = 3`);
    await db.close();
    const broken = await run(process.execPath, cli, { cwd: projectRoot(), env }).then(
      () => { throw new Error('verify-log should exit 1'); },
      (err: { code: number; stdout: string }) => err,
    );
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/seq 3\b/);
    // Restart for afterAll.
    gateway = await createGateway({ ...(await testEnv('pglite', 'in-process', configPath)), dataDir, encryptionKey: key }, { logger: createLogger('silent') });
  });
});

describe('start-up refusals', () => {
  it('refuses production without an encryption key, or with demo keys', async () => {
    const configPath = join(projectRoot(), 'config', 'knooppunt.yaml');
    const env = await testEnv('pglite', 'in-process', configPath);
    await expect(createGateway({ ...env, production: true, encryptionKey: undefined }, { logger: createLogger('silent') })).rejects.toThrow(/KNOOPPUNT_ENCRYPTION_KEY is required/);
    await expect(createGateway({ ...env, production: true }, { logger: createLogger('silent') })).rejects.toThrow(/demo API keys are not allowed/);
  });

  it('refuses a broken mapping, naming its file, line and field', async () => {
    const mappingsDir = mkdtempSync(join(tmpdir(), 'knooppunt-mappings-'));
    cpSync(join(projectRoot(), 'mappings'), mappingsDir, { recursive: true });
    writeFileSync(join(mappingsDir, 'kapot.yaml'), 'mapping: kapot\nversion: 1\nsource: { format: json }\ntarget: { format: json }\nfields:\n  - target: a\n    source: b\n    transform: [{ datum: {} }]\n');
    const env = await testEnv('pglite', 'in-process', writeConfig(testConfig('http://127.0.0.1:9')));
    await expect(createGateway({ ...env, mappingsDir }, { logger: createLogger('silent') })).rejects.toThrow(/kapot\.yaml:8/);
  });

  it('refuses an inconsistent code-list folder (KNOOPPUNT_CODELIJSTEN_DIR), naming the file and the entry, before opening the store', async () => {
    const codelijsten = mkdtempSync(join(tmpdir(), 'knooppunt-codelijsten-'));
    cpSync(join(projectRoot(), 'codelijsten'), codelijsten, { recursive: true });
    const bestand = join(codelijsten, 'gemeentecodes.json');
    // Heerhugowaard still in force, while the herindeling of 2023 opheft it.
    writeFileSync(bestand, readFileSync(bestand, 'utf8').replace('{"code": "0398", "naam": "Heerhugowaard", "geldigTot": "2023-01-01"}', '{"code": "0398", "naam": "Heerhugowaard"}'));
    const env = await testEnv('pglite', 'in-process', writeConfig(testConfig('http://127.0.0.1:9')), { KNOOPPUNT_CODELIJSTEN_DIR: codelijsten });
    await expect(createGateway(env, { logger: createLogger('silent') })).rejects.toThrow(
      `code list ${bestand} at herindelingen[6].opgeheven: gemeente 0398 must have geldigTot 2023-01-01, the date of this herindeling`,
    );
    expect(existsSync(join(env.dataDir, 'pglite'))).toBe(false);
  });
});
