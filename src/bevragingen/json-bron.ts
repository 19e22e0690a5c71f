/**
 * A JSON source: POST {"dienst","bsn","doel","grondslag","afnemer"}; 200 with a JSON object is the
 * data, 404 is "not found" (an answer, not an error), anything else is a fault. The whole call,
 * body included, is bounded by the source's timeout.
 */
import { discardAnswer, readPrefix } from '../util/http-answer.js';
import { BronFout, type BronAntwoord } from './bron.js';
import { clientTlsDispatcher, withDispatcher, type ClientTlsConfig } from '../delivery/transports/client-tls.js';

const MAX_ANTWOORD_BYTES = 1024 * 1024;

export async function vraagJsonBron(
  bron: { url: string; timeoutMs: number; headers?: Record<string, string>; tls?: ClientTlsConfig },
  vraag: { dienst: string; bsn: string; doel: string; grondslag: string; afnemer: string },
): Promise<BronAntwoord> {
  const signal = AbortSignal.timeout(bron.timeoutMs);
  try {
    const res = await fetch(bron.url, withDispatcher({
      method: 'POST',
      headers: { ...(bron.headers ?? {}), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(vraag),
      redirect: 'manual',
      signal,
    }, clientTlsDispatcher(bron.tls)));
    if (res.status === 404) {
      await discardAnswer(res);
      return { gevonden: false };
    }
    if (res.status !== 200) {
      await discardAnswer(res);
      throw new BronFout('niet-beschikbaar');
    }
    // Never more than the limit is read: a source that streams on is cut off.
    const { bytes: body, truncated } = await readPrefix(res, MAX_ANTWOORD_BYTES);
    if (truncated) throw new BronFout('ongeldig-antwoord');
    const data: unknown = JSON.parse(body.toString('utf8'));
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new BronFout('ongeldig-antwoord');
    return { gevonden: true, gegevens: data as Record<string, unknown> };
  } catch (err) {
    if (err instanceof BronFout) throw err;
    if ((err as Error).name === 'TimeoutError' || signal.aborted) throw new BronFout('time-out');
    if (err instanceof SyntaxError) throw new BronFout('ongeldig-antwoord');
    throw new BronFout('niet-beschikbaar');
  }
}
