import type { Db } from '../store/db.js';

/** What the resend check needs of an accepted message. */
export interface AcceptedRow {
  sender: string;
  sender_message_id: string;
  id: string;
  correlation_id: string;
  status: string;
  n: number;
  raw_id: number | string | null;
  raw_digest: string | null;
  answer_id: number | string | null;
}

interface Waiting {
  sender: string;
  senderMessageId: string;
  resolve(row: AcceptedRow | undefined): void;
  reject(err: unknown): void;
}

const MAX_KEYS = 500;

/**
 * The resend check ("was this sender id accepted before?") for many requests in one statement:
 * lookups that arrive while one is running are answered together by the next. An idle lookup
 * goes out at once, so a lone request waits for nothing.
 */
export class DuplicateLookup {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly db: Db) {}

  find(sender: string, senderMessageId: string): Promise<AcceptedRow | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ sender, senderMessageId, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.waiting.splice(0, MAX_KEYS);
        try {
          const rows = await this.lookup(batch);
          const byKey = new Map(rows.map((r) => [`${r.sender}\u0000${r.sender_message_id}`, r]));
          for (const w of batch) w.resolve(byKey.get(`${w.sender}\u0000${w.senderMessageId}`));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async lookup(batch: Waiting[]): Promise<AcceptedRow[]> {
    const r = await this.db.query<AcceptedRow>(
      `SELECT m.sender, m.sender_message_id, m.id, m.correlation_id, m.status,
              (SELECT count(*)::int FROM deliveries d WHERE d.message_id = m.id) AS n,
              (SELECT p.id FROM payloads p WHERE p.message_id = m.id AND p.kind = 'raw' ORDER BY p.id LIMIT 1) AS raw_id,
              (SELECT p.digest FROM payloads p WHERE p.message_id = m.id AND p.kind = 'raw' ORDER BY p.id LIMIT 1) AS raw_digest,
              (SELECT p.id FROM payloads p WHERE p.message_id = m.id AND p.kind = 'answer' ORDER BY p.id LIMIT 1) AS answer_id
         FROM messages m
         JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS k(sender, smid)) k
           ON m.sender = k.sender AND m.sender_message_id = k.smid
        WHERE NOT m.refused`,
      [batch.map((w) => w.sender), batch.map((w) => w.senderMessageId)],
    );
    return r.rows;
  }
}
