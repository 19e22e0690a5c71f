/**
 * The keys of the stored data, checked at start. A gateway started with a new encryption key but
 * without the old one listed would otherwise run: one undecryptable payload then breaks a page or
 * a delivery, and a citizen report silently finds nothing (the subject hashes were made with the
 * old key). So every master key that ever encrypted or hashed something here is recorded by id in
 * log_keys, and a start without one of them is refused, naming it.
 */
import type { Queryable } from '../store/db.js';
import type { KeyRing } from './keys.js';

export class MissingKeyError extends Error {
  override readonly name = 'MissingKeyError';
  constructor(readonly keyIds: string[]) {
    super(
      `the store holds data encrypted or hashed with key id(s) ${keyIds.join(', ')}, which this gateway does not have. ` +
        'Start it with that key: as KNOOPPUNT_ENCRYPTION_KEY, or, after a rotation, in KNOOPPUNT_PREVIOUS_ENCRYPTION_KEYS ' +
        '(`knooppunt key-id` prints the id of a key). Without it those payloads cannot be read and those citizens not found.',
    );
  }
}

/** Refuses (MissingKeyError) when stored data needs a key the ring lacks; then records the current key as in use. */
export async function checkStoredKeys(db: Queryable, ring: KeyRing): Promise<void> {
  const r = await db.query<{ key_id: string }>('SELECT key_id FROM log_keys ORDER BY first_used_at, key_id');
  const missing = r.rows.map((k) => k.key_id).filter((id) => !ring.byId.has(id));
  if (missing.length > 0) throw new MissingKeyError(missing);
  // Recorded before anything is written with it.
  await db.query('INSERT INTO log_keys (key_id) VALUES ($1) ON CONFLICT DO NOTHING', [ring.current.id]);
}
