import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that hands each request, with its whole body, to `answer`: the one place the test
 * receivers (GGk, byte-exact webhook, …) get a port and close their connections.
 */
export class BodyReceiver {
  private server: Server | undefined;
  constructor(private readonly answer: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void) {}

  /** Starts on a free loopback port; the base URL, with `path` appended. */
  async start(path = ''): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/**
 * A real local destination. `respond` decides the status for each request (by its number, 1-based)
 * and may delay; a hung request can be simulated with a long delay.
 */
export class TestWebhook {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;
  respond: (n: number, req: { path: string; body: string; headers: IncomingHttpHeaders }) => { status: number; delayMs?: number } = () => ({ status: 200 });

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const n = this.requests.length + 1;
        const { status, delayMs } = this.respond(n, { path: req.url ?? '/', body, headers: req.headers });
        const entry: ReceivedRequest = { at: Date.now(), path: req.url ?? '/', headers: req.headers, body, answered: 0 };
        this.requests.push(entry);
        const answer = () => {
          entry.answered = status;
          if (!res.writableEnded && !res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        };
        if (delayMs) setTimeout(answer, delayMs).unref();
        else answer();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests that were answered with 2xx: what the destination actually accepted. */
  accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => r.answered >= 200 && r.answered < 300);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
