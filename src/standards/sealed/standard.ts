import type { Inspection, InboundMessage, Standard } from '../../core/message.js';

/**
 * Sealed envelopes (the Schuldenknooppunt "digital post office" model): the payload is end-to-end
 * encrypted between sender and receiver, and knooppunt may not open it. It carries the envelope:
 *
 * - it routes on the envelope's metadata only (type, sender, receiver, content type, size, sha256);
 * - it never decrypts, parses or maps the content: routes for this standard are `sealed: true` and
 *   have no mapping (or `passthrough`), enforced when the configuration is loaded;
 * - it logs metadata and digests only; the stored payload is the sender's ciphertext, encrypted once
 *   more at rest with knooppunt's own key like every payload;
 * - it delivers the bytes unchanged, under the content type they were sent with.
 *
 * Submitted as `POST /api/v1/envelopes` (src/channels/rest/envelopes.ts).
 */
export const SEALED_STANDARD = 'sealed';
export const SEALED_MESSAGE_TYPE = 'verzegeld';

/** What a sealed route may look at: the envelope's metadata, the routing document of a sealed message. */
export interface SealedMetadata {
  envelopeType: string;
  contentType: string;
  size: number;
  /** Hex SHA-256 of the ciphertext, as declared by the sender and checked on receipt. */
  sha256: string;
  senderReference: string;
}

export const SEALED_METADATA_FIELDS: ReadonlySet<string> = new Set<keyof SealedMetadata>([
  'envelopeType', 'contentType', 'size', 'sha256', 'senderReference',
]);

/** Knows one message type and never looks into the bytes: no problems, no subjects. */
export class SealedStandard implements Standard {
  readonly name = SEALED_STANDARD;

  inspect(msg: InboundMessage): Inspection {
    return { known: msg.messageType === SEALED_MESSAGE_TYPE, problems: [], subjects: [] };
  }
}
