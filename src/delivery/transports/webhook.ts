import { createHmac } from 'node:crypto';
import { Agent, request, type Dispatcher } from 'undici';
import { ACK_PREFIX_BYTES } from '../../util/http-answer.js';
import type { WebhookDestinationConfig } from '../../config/types.js';
import { clientTlsDispatcher } from './client-tls.js';

export interface TransportOutcome {
  ok: boolean;
  /** A failure that no retry will mend (e.g. 400 or 404): dead-letter at once. */
  permanent: boolean;
  statusCode?: number;
  error?: string;
}

export interface WebhookRequest {
  messageId: string;
  deliveryId: string;
  correlationId: string;
  messageType: string;
  sender: string;
  contentType: string;
  body: Buffer;
  /** Extra headers set by knooppunt itself (trace context). */
  headers?: Record<string, string>;
}

// Worth retrying: the receiver is overloaded, timing out or temporarily broken.
const RETRYABLE = new Set([408, 425, 429]);

/**
 * The Standard Webhooks headers (standardwebhooks.com), so a receiver can use the verifier that
 * exists for its language: webhook-id (the same for every retry of one delivery, like
 * Idempotency-Key), webhook-timestamp (unix seconds) and, with a signing secret,
 * webhook-signature `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. A secret written as
 * `whsec_<base64>` is used as the spec says (its decoded bytes); any other secret as its UTF-8
 * bytes, which the receiver's library takes as `whsec_` + base64(secret).
 */
export function standardWebhookHeaders(id: string, timestamp: number, body: Buffer, secret?: string): Record<string, string> {
  const headers: Record<string, string> = { 'webhook-id': id, 'webhook-timestamp': String(timestamp) };
  if (secret) {
    const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
    const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
    headers['webhook-signature'] = `v1,${mac}`;
  }
  return headers;
}

/** POSTs one payload. The Idempotency-Key lets a receiver drop the duplicate that at-least-once delivery can cause after a crash. */
export async function sendWebhook(dest: WebhookDestinationConfig, req: WebhookRequest, env: NodeJS.ProcessEnv = process.env): Promise<TransportOutcome> {
  const headers: Record<string, string> = {
    ...(dest.headers ?? {}),
    ...(req.headers ?? {}),
    'content-type': req.contentType,
    'idempotency-key': req.deliveryId,
    'x-knooppunt-message-id': req.messageId,
    'x-knooppunt-correlation-id': req.correlationId,
    'x-knooppunt-message-type': req.messageType,
    'x-knooppunt-sender': req.sender,
  };
  const secret = dest.signingSecretEnv ? env[dest.signingSecretEnv] : undefined;
  const t = Math.floor(Date.now() / 1000);
  Object.assign(headers, standardWebhookHeaders(req.deliveryId, t, req.body, secret));
  if (secret) {
    const mac = createHmac('sha256', secret).update(`${t}.`).update(req.body).digest('hex');
    headers['x-knooppunt-signature'] = `t=${t},v1=${mac}`;
  }
  const signal = AbortSignal.timeout(dest.timeoutMs ?? 10000);
  try {
    // undici's request on a pooled keep-alive client: fetch's WHATWG streams cost more CPU than the rest
    // of a delivery. A destination with a client certificate keeps its own pool (client-tls.ts).
    const res = await request(dest.url, {
      method: 'POST',
      headers,
      body: req.body,
      signal,
      dispatcher: clientTlsDispatcher(dest.tls) ?? webhookPool(),
    });
    // A short body is read (the connection stays reusable), a long one cut off: its content is not kept (it may hold personal data).
    await discardBody(res.body);
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, permanent: false, statusCode: res.statusCode };
    const permanent = res.statusCode >= 300 && res.statusCode < 500 && !RETRYABLE.has(res.statusCode);
    return { ok: false, permanent, statusCode: res.statusCode, error: `HTTP ${res.statusCode}` };
  } catch (err) {
    const e = err as Error & { code?: string; cause?: { code?: string } };
    const reason = signal.aborted || e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.code ?? e.name ?? 'network error');
    return { ok: false, permanent: false, error: reason };
  }
}

let pool: Agent | undefined;

/** One keep-alive connection pool for every webhook without a client certificate, made at first use. */
function webhookPool(): Agent {
  pool ??= new Agent({ keepAliveTimeout: 4_000, connections: 128 });
  return pool;
}

/** Reads at most ACK_PREFIX_BYTES of an answer and drops it; the rest is not read (the socket is closed). */
async function discardBody(body: Dispatcher.ResponseData['body']): Promise<void> {
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > ACK_PREFIX_BYTES) {
        body.destroy();
        return;
      }
    }
  } catch {
    body.destroy();
  }
}
