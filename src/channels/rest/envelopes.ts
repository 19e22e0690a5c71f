import { createHash } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import type { Pipeline } from '../../core/pipeline.js';
import type { Party } from '../../parties/registry.js';
import { SEALED_MESSAGE_TYPE, SEALED_STANDARD, type SealedMetadata } from '../../standards/sealed/standard.js';
import { sendAcceptResult } from './api-v1.js';
import { HttpProblem } from './problem.js';

const PARTY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ENVELOPE_TYPE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Visible ASCII, no spaces: an identifier, never text about a person. */
const REFERENCE = /^[\x21-\x7e]{1,200}$/;
const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(\s*;\s*[\w!#$&^.+-]+=("[^"\r\n]*"|[\w!#$&^.+-]+))*$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * POST /api/v1/envelopes — a sealed envelope (message type `verzegeld`): the body is the sender's
 * ciphertext, sent as it is (any content type, e.g. application/octet-stream or application/jose),
 * and the metadata travels in headers:
 *
 *   X-Knooppunt-Receiver          party id of the receiver (required)
 *   X-Knooppunt-Envelope-Type     what kind of envelope, for routing (required)
 *   X-Knooppunt-Sender-Reference  the sender's own id; a resend under it is idempotent (required)
 *   X-Knooppunt-Content-SHA256    hex SHA-256 of the body, checked on receipt (required)
 *   X-Knooppunt-Correlation-Id    optional
 *   Content-Type                  the ciphertext's own type, delivered unchanged (required)
 *
 * Answers as POST /messages does (202 / 200 duplicate / problem+json). The body is never parsed.
 */
export function envelopesRouter(deps: { pipeline: Pipeline; maxBodyBytes: number }): Router {
  const r = express.Router();
  const rawBody = express.raw({ type: () => true, limit: deps.maxBodyBytes });

  r.post('/envelopes', rawBody, async (req, res) => {
    const caller = (res.locals as { party: Party }).party;
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const problems: Array<{ name: string; reason: string }> = [];
    const receiver = header(req, 'x-knooppunt-receiver', PARTY_ID, problems, 'a party id');
    const envelopeType = header(req, 'x-knooppunt-envelope-type', ENVELOPE_TYPE, problems, 'letters, digits, dot, dash or underscore, at most 100');
    const senderReference = header(req, 'x-knooppunt-sender-reference', REFERENCE, problems, 'visible ASCII without spaces, at most 200');
    const sha256 = header(req, 'x-knooppunt-content-sha256', SHA256_HEX, problems, 'the hex SHA-256 of the body');
    const correlationId = req.headers['x-knooppunt-correlation-id'] === undefined
      ? undefined
      : header(req, 'x-knooppunt-correlation-id', REFERENCE, problems, 'visible ASCII without spaces, at most 200');
    const contentType = header(req, 'content-type', MEDIA_TYPE, problems, 'a media type', 200);
    if (raw.length === 0) problems.push({ name: 'body', reason: 'the sealed content is missing' });
    if (problems.length > 0) {
      await deps.pipeline.logRefusedRequest('rest', 'invalid-envelope', { size: raw.length, envelope: 'sealed' }, caller.id);
      throw new HttpProblem(400, 'invalid-envelope', 'The sealed envelope is incomplete', problems);
    }
    // Integrity, not inspection: the hash of the bytes is compared, the bytes are not read.
    const actual = createHash('sha256').update(raw).digest('hex');
    if (actual !== sha256!.toLowerCase()) {
      await deps.pipeline.logRefusedRequest('rest', 'digest-mismatch', { size: raw.length, envelope: 'sealed' }, caller.id);
      throw new HttpProblem(400, 'digest-mismatch', 'X-Knooppunt-Content-SHA256 does not match the body', [
        { name: 'x-knooppunt-content-sha256', reason: 'does not match the SHA-256 of the body' },
      ]);
    }
    const metadata: SealedMetadata = { envelopeType: envelopeType!, contentType: contentType!, size: raw.length, sha256: actual, senderReference: senderReference! };
    const result = await deps.pipeline.accept({
      channel: 'rest',
      standard: SEALED_STANDARD,
      messageType: SEALED_MESSAGE_TYPE,
      sender: caller.id,
      receiver,
      senderMessageId: senderReference!,
      correlationId,
      contentType: contentType!,
      raw,
      // The routing document is the metadata only: there is nothing else a route could look at.
      body: metadata,
    });
    sendAcceptResult(req, res, result);
  });
  return r;
}

function header(req: Request, name: string, pattern: RegExp, problems: Array<{ name: string; reason: string }>, expected: string, maxLength = 200): string | undefined {
  const v = req.headers[name];
  if (typeof v !== 'string' || v.length > maxLength || !pattern.test(v)) {
    problems.push({ name, reason: v === undefined ? 'is required' : `must be ${expected}` });
    return undefined;
  }
  return v;
}
