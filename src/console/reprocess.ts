import type { AcceptResult } from '../core/pipeline.js';
import { ReprocessConflict } from '../core/pipeline.js';
import type { InboundMessage } from '../core/message.js';
import type { ExchangeLog } from '../log/exchange-log.js';
import type { Db } from '../store/db.js';
import { parseXml, XmlRejectedError } from '../xml/parse.js';

export type ReprocessOutcome =
  | { outcome: 'not-found' }
  | { outcome: 'not-rejected'; status: string }
  | { outcome: 'not-reprocessable'; reason: string }
  | { outcome: 'done'; result: AcceptResult };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
const XML_TYPE = /\bxml\b/i;
/** The channels whose stored raw payload is the whole message as the pipeline took it. */
const CHANNELS = new Set(['rest', 'istandaarden', 'stuf']);

/**
 * Puts a rejected inbound message through the current configuration again (parties, routes,
 * mappings, code lists, rules): the same id, the raw payload stored when it arrived, and its trail,
 * which gets a `reprocessed` event followed by the new outcome. The message is read back from the
 * encrypted store the way its channel handed it to the pipeline.
 */
export async function reprocessRejected(
  deps: { db: Db; log: ExchangeLog; pipeline: { accept(msg: InboundMessage): Promise<AcceptResult> } },
  messageId: string,
  by: string,
): Promise<ReprocessOutcome> {
  const r = await deps.db.query<{
    id: string; sender_message_id: string; correlation_id: string; channel: string; standard: string; message_type: string;
    version: string | null; sender: string; receiver: string | null; status: string; error: { code?: string } | string | null;
  }>('SELECT id, sender_message_id, correlation_id, channel, standard, message_type, version, sender, receiver, status, error FROM messages WHERE id = $1', [messageId]);
  const row = r.rows[0];
  if (!row) return { outcome: 'not-found' };
  if (row.status !== 'rejected') return { outcome: 'not-rejected', status: row.status };
  if (!CHANNELS.has(row.channel)) return { outcome: 'not-reprocessable', reason: `messages of channel '${row.channel}' are not reprocessed` };
  const info = (await deps.log.payloadsForMessage(messageId)).find((p) => p.kind === 'raw');
  if (!info) return { outcome: 'not-reprocessable', reason: 'the message has no stored content' };
  if (info.purgedAt !== null) return { outcome: 'not-reprocessable', reason: 'the content was removed under the retention policy' };
  const stored = await deps.log.readPayload(info.id);
  if (!stored?.content) return { outcome: 'not-reprocessable', reason: 'the content was removed under the retention policy' };

  let body: unknown;
  try {
    if (JSON_TYPE.test(stored.contentType)) {
      const parsed = JSON.parse(stored.content.toString('utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { outcome: 'not-reprocessable', reason: 'the stored content is not a message envelope' };
      // As the REST channel hands it over: the authenticated sender in the envelope.
      body = row.channel === 'rest' ? { ...parsed, sender: row.sender } : parsed;
    } else if (XML_TYPE.test(stored.contentType)) {
      // It was read once within the channel's limits; the same bytes again, within limits as wide as the widest channel's.
      body = parseXml(stored.content, { maxBytes: stored.content.length + 1, maxDepth: 64, maxElements: 2_000_000 });
    } else return { outcome: 'not-reprocessable', reason: `content of type ${stored.contentType} is not reprocessed` };
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof XmlRejectedError) return { outcome: 'not-reprocessable', reason: 'the stored content cannot be read as a message' };
    throw err;
  }
  const error = typeof row.error === 'string' ? (JSON.parse(row.error) as { code?: string }) : row.error;
  const msg: InboundMessage = {
    channel: row.channel,
    standard: row.standard,
    messageType: row.message_type,
    ...(row.version ? { version: row.version } : {}),
    sender: row.sender,
    ...(row.receiver ? { receiver: row.receiver } : {}),
    senderMessageId: row.sender_message_id,
    correlationId: row.correlation_id,
    reprocessOf: { messageId: row.id, correlationId: row.correlation_id, rawPayloadId: info.id, by, previousCode: error?.code ?? null },
    contentType: stored.contentType,
    raw: stored.content,
    body,
  };
  try {
    return { outcome: 'done', result: await deps.pipeline.accept(msg) };
  } catch (err) {
    if (err instanceof ReprocessConflict) return { outcome: 'not-rejected', status: 'being reprocessed' };
    throw err;
  }
}
