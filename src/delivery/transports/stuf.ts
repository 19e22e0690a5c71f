/**
 * Delivers a StUF kennisgeving to a zaaksysteem (its ZDS OntvangAsynchroon endpoint). The stored
 * payload is the message element (e.g. ZKN:zakLk01, stuurgegevens included, built once when the
 * message was accepted so a retry sends the same referentienummer); its content type carries the
 * SOAPAction as `action="…"`. A Bv03 answer is delivery; a Fo02 with plek=client will not get
 * better by retrying, a Fo02 with plek=server or a network problem will.
 */
import type { StufDestinationConfig } from '../../config/types.js';
import { callSoap } from '../../channels/stuf/soap-client.js';
import type { XmlElement } from '../../xml/parse.js';
import type { TransportOutcome } from './webhook.js';
import { clientTlsDispatcher } from './client-tls.js';

export function soapActionOf(contentType: string): string | undefined {
  return /;\s*action="([^"]+)"/i.exec(contentType)?.[1];
}

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** The Fo02's code and plek, from a fault detail (values are codes, safe to log). */
function fo02(detail: XmlElement | undefined): { code?: string; plek?: string } {
  const bericht = detail?.name === 'Fo02Bericht' ? detail : detail?.children.find((c) => c.name === 'Fo02Bericht');
  const body = child(bericht, 'body');
  return { code: child(body, 'code')?.text?.trim(), plek: child(body, 'plek')?.text?.trim() };
}

export async function sendStuf(dest: StufDestinationConfig, req: { contentType: string; body: Buffer; deliveryId: string; headers?: Record<string, string> }): Promise<TransportOutcome> {
  const action = soapActionOf(req.contentType);
  if (!action) return { ok: false, permanent: true, error: 'payload has no SOAPAction' };
  try {
    const res = await callSoap(dest.url, action, req.body.toString('utf8'), {
      timeoutMs: dest.timeoutMs ?? 10000,
      headers: { ...(dest.headers ?? {}), ...(req.headers ?? {}), 'idempotency-key': req.deliveryId },
      ...(dest.tls ? { dispatcher: clientTlsDispatcher(dest.tls)! } : {}),
    });
    if (res.fault) {
      const f = fo02(res.fault.detail);
      const permanent = f.plek ? f.plek === 'client' : /client/i.test(res.fault.code);
      return { ok: false, permanent, statusCode: res.status, error: `Fo02 ${f.code ?? res.fault.code}${f.plek ? ` (${f.plek})` : ''}` };
    }
    if (res.status >= 200 && res.status < 300 && res.body?.name === 'Bv03Bericht') return { ok: true, permanent: false, statusCode: res.status };
    if (res.status >= 200 && res.status < 300) return { ok: false, permanent: true, statusCode: res.status, error: 'answer is not a Bv03' };
    const permanent = res.status >= 400 && res.status < 500 && ![408, 425, 429].includes(res.status);
    return { ok: false, permanent, statusCode: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { ok: false, permanent: false, error: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.name ?? 'network error') };
  }
}
