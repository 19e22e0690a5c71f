import type { Request } from 'express';

/**
 * Reads a request body of at most `limit` bytes. Past the limit nothing more is kept in memory: the
 * rest is drained so the sender can read the foutbericht, and a sender that keeps going beyond
 * four times the limit is cut off.
 */
export function readBody(req: Request, limit: number): Promise<{ tooLarge: false; body: Buffer } | { tooLarge: true; received: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        if (size > 4 * limit) {
          req.socket.destroy();
          resolve({ tooLarge: true, received: size });
        }
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(over ? { tooLarge: true, received: size } : { tooLarge: false, body: Buffer.concat(chunks, size) }));
    req.once('error', reject);
  });
}
