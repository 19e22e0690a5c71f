/**
 * Ciphertext columns are stored out of line without compression (STORAGE EXTERNAL) on both
 * stores: encrypted bytes do not compress, so PostgreSQL's attempt at it is CPU for nothing, and
 * large payloads are written that much faster. A payload stored after the migration reads back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { ExchangeLog } from '../../../src/log/exchange-log.js';
import type { Db } from '../../../src/store/db.js';
import { STORE_CASES } from '../../helpers/stores.js';
import { testRing } from '../log/fixtures.js';

describe.each(STORE_CASES)('encrypted columns on $name', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => db.close());

  it('are EXTERNAL (out of line, uncompressed), and a large payload reads back', async () => {
    const r = await db.query<{ tabel: string; storage: string }>(
      `SELECT c.relname AS tabel, a.attstorage AS storage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE a.attname = 'ciphertext' AND c.relname IN ('payloads', 'zaken', 'zaakdocumenten', 'besluiten') AND pg_table_is_visible(c.oid) ORDER BY c.relname`,
    );
    expect(r.rows).toEqual(['besluiten', 'payloads', 'zaakdocumenten', 'zaken'].map((tabel) => ({ tabel, storage: 'e' })));

    const log = new ExchangeLog(db, testRing());
    const messageId = randomUUID();
    const content = randomBytes(512 * 1024);
    const stored = await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO messages (id, sender_message_id, correlation_id, channel, standard, message_type, sender, status, received_at, updated_at)
         VALUES ($1::uuid, $1::text, $1::text, 'rest', 'json', 't', 's', 'routed', now(), now())`,
        [messageId],
      );
      return log.storePayload(tx, { messageId, kind: 'raw', contentType: 'application/octet-stream', content });
    });
    expect((await log.readPayload(Number(stored.id)))?.content?.equals(content)).toBe(true);
  });
});
