import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../src/util/paths.js';
import type { GatewayEnv } from '../../src/config/env.js';

/** The gateway as its own OS process (`knooppunt serve`), so a test can SIGKILL it mid-delivery. */
export class ChildGateway {
  private child: ChildProcess | undefined;
  baseUrl = '';
  output = '';

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    /** `built`: run as `npm start` does (scripts/knooppunt.mjs: dist/, built first when src/ is newer), not src/ through tsx. */
    private readonly opts: { built?: boolean } = {},
  ) {}

  /** The gateway process's pid while it runs (for CPU accounting in the bench). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  static envFrom(e: GatewayEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      KNOOPPUNT_DATA_DIR: e.dataDir,
      KNOOPPUNT_CONFIG: e.configPath,
      KNOOPPUNT_ENCRYPTION_KEY: e.encryptionKey,
      KNOOPPUNT_RECONCILE_MS: String(e.reconcileIntervalMs),
      KNOOPPUNT_LEASE_MARGIN_MS: String(e.leaseMarginMs),
      KNOOPPUNT_QUEUE_PREFIX: e.queuePrefix,
      KNOOPPUNT_DOCUMENT_WORKERS_WARM: String(e.documents.warm),
      KNOOPPUNT_PGLITE_THREAD: e.pgliteThread,
      ...(e.pgliteSharedBuffers ? { KNOOPPUNT_PGLITE_SHARED_BUFFERS: e.pgliteSharedBuffers } : {}),
      LOG_LEVEL: 'info',
      ...(e.databaseUrl ? { DATABASE_URL: e.databaseUrl } : {}),
      ...(e.redisUrl ? { REDIS_URL: e.redisUrl } : {}),
      ...extra,
    };
  }

  async start(timeoutMs = 60000): Promise<string> {
    this.output = '';
    const args = this.opts.built ? ['scripts/knooppunt.mjs', 'serve'] : ['--import', 'tsx', 'src/cli.ts', 'serve'];
    const child = spawn(process.execPath, args, { cwd: projectRoot(), env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        const m = /"port":(\d+).*knooppunt gateway listening/.exec(this.output);
        if (m) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited with ${code}:\n${this.output}`));
      });
    });
    return this.baseUrl;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    const child = this.child;
    // Already gone: by an exit (exitCode) or by a signal (signalCode, exitCode stays null); waiting would hang.
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}
