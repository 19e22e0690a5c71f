/**
 * Two processes on one embedded data directory lose each other's commits. A running gateway holds
 * its directory: a second `serve` and a direct `verify-log` are refused with a message naming the
 * owner; `verify-log --gateway` asks the running gateway instead; after a crash (SIGKILL) the stale
 * lock is taken over.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { projectRoot } from '../../../src/util/paths.js';
import { openStore } from '../../../src/store/open.js';
import { DataDirInUseError } from '../../../src/store/lock.js';
import { ChildGateway } from '../../helpers/child-gateway.js';
import { testEnv } from '../../helpers/gateway.js';
import { CONFIG } from '../../helpers/istandaarden.js';

function cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: projectRoot(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`knooppunt ${args.join(' ')} did not end:\n${out}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('one process per embedded data directory', () => {
  let gateway: ChildGateway;
  let env: NodeJS.ProcessEnv;
  let baseUrl: string;

  beforeAll(async () => {
    env = ChildGateway.envFrom(await testEnv('pglite', 'in-process', CONFIG));
    gateway = new ChildGateway(env);
    baseUrl = await gateway.start();
  }, 120_000);
  let killed = false;
  afterAll(async () => {
    if (!killed) await gateway.kill('SIGTERM');
  });

  it('refuses a second serve and a direct verify-log on the directory, naming the owner', async () => {
    const second = await cli(['serve'], env);
    expect(second.code).not.toBe(0);
    expect(second.out).toMatch(/data directory .* is in use by process \d+/);
    const verify = await cli(['verify-log'], env);
    expect(verify.code).not.toBe(0);
    expect(verify.out).toMatch(/in use by process \d+ .*serve/);
    // The gateway itself is untouched by those attempts.
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);
  }, 200_000);

  it('verify-log --gateway runs the check inside the running gateway', async () => {
    const r = await cli(['verify-log', '--gateway', baseUrl], { ...env, KNOOPPUNT_CONSOLE_USER: 'demo-audit', KNOOPPUNT_CONSOLE_PASSWORD: 'demo-audit' });
    expect(r.out).toMatch(/log intact: \d+ events verified/);
    expect(r.out).toMatch(/head: chain 1 seq \d+ hash [0-9a-f]{64}/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('after a crash the stale lock is taken over', async () => {
    await gateway.kill('SIGKILL');
    killed = true;
    const r = await cli(['verify-log'], env);
    expect(r.out).toMatch(/log intact/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('in one process too: a second open of the directory is refused until the first closes', async () => {
    const dataDir = String(env.KNOOPPUNT_DATA_DIR);
    const db = await openStore({ dataDir });
    await expect(openStore({ dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
    await db.close();
    await (await openStore({ dataDir })).close();
  }, 60_000);
});
