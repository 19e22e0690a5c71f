/**
 * The client certificate knooppunt presents to one endpoint (mutual TLS toward a destination or a
 * source: Digikoppeling endpoints ask for the sender's PKIoverheid certificate). One connection pool
 * per configured certificate, made once: the key files are read at first use, not per request.
 */
import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';

export type { Dispatcher };

export interface ClientTlsConfig {
  certFile: string;
  keyFile: string;
  caFile?: string;
}

const agents = new Map<string, Agent>();

/** The `dispatcher` to give fetch for this endpoint; undefined when it needs no client certificate. */
export function clientTlsDispatcher(tls: ClientTlsConfig | undefined): Dispatcher | undefined {
  if (!tls) return undefined;
  const key = `${tls.certFile}\u0000${tls.keyFile}\u0000${tls.caFile ?? ''}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      connect: {
        cert: readFileSync(tls.certFile),
        key: readFileSync(tls.keyFile),
        ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
      },
    });
    agents.set(key, agent);
  }
  return agent;
}

/** fetch's init with the dispatcher (Node's fetch takes undici's `dispatcher`; the DOM type does not name it). */
export function withDispatcher(init: RequestInit, dispatcher: Dispatcher | undefined): RequestInit {
  return dispatcher ? ({ ...init, dispatcher } as RequestInit) : init;
}
