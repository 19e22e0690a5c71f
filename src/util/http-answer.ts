/**
 * Reading what another system answers: never more than a bounded prefix. A destination that streams
 * a large (or endless) body must not cost memory per delivery; only the status matters to most
 * callers, and a little of the body at most.
 */

/** Answers that are only acknowledged: this much is read (so a short answer keeps the connection reusable), then the rest is cancelled. */
export const ACK_PREFIX_BYTES = 64 * 1024;

/**
 * At most `max` bytes of the body; the rest is cancelled, not read. `truncated` says there was
 * more (by Content-Length or by reading past the limit).
 */
export async function readPrefix(res: Response, max: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (!res.body) return { bytes: Buffer.alloc(0), truncated: false };
  if (declared > max && max === 0) {
    await res.body.cancel().catch(() => undefined);
    return { bytes: Buffer.alloc(0), truncated: true };
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: Buffer.concat(chunks), truncated: false };
      const room = max - size;
      if (value.byteLength > room) {
        if (room > 0) chunks.push(value.subarray(0, room));
        await reader.cancel().catch(() => undefined);
        return { bytes: Buffer.concat(chunks), truncated: true };
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    await reader.cancel().catch(() => undefined);
    return { bytes: Buffer.concat(chunks), truncated: true };
  }
}

/** Reads a short acknowledgement body and drops it; a long one is cut off after ACK_PREFIX_BYTES. */
export async function discardAnswer(res: Response): Promise<void> {
  await readPrefix(res, ACK_PREFIX_BYTES);
}
