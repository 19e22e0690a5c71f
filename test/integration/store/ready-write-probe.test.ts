/**
 * A full disk must show in readiness. Reads keep working on a full disk, so /health/ready commits a
 * real one-row write. The failure is real on both stores: a trigger on the probe table raises
 * PostgreSQL's own disk_full (SQLSTATE 53100) through the real driver, as a full data volume does.
 * Readiness turns 503 with the reason, and 200 again as soon as writes work.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testConfig, testEnv, startGateway, writeConfig } from '../../helpers/gateway.js';
import type { Gateway } from '../../../src/gateway.js';

const DISK_FULL = `
CREATE OR REPLACE FUNCTION probe_disk_full() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'could not extend file "base/16384/2619": No space left on device' USING ERRCODE = '53100';
END;
$$ LANGUAGE plpgsql`;

describe.each(['pglite', 'postgres'] as const)('readiness sees that the %s store cannot write', (store) => {
  let gateway: Gateway;
  let baseUrl: string;

  beforeAll(async () => {
    const env = await testEnv(store, 'in-process', writeConfig(testConfig('http://127.0.0.1:9')), { KNOOPPUNT_READY_WRITE_PROBE_MS: '0' });
    ({ gateway, baseUrl } = await startGateway(env));
  });
  afterAll(async () => {
    await gateway.close();
  });

  const ready = async () => {
    const res = await fetch(`${baseUrl}/health/ready`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, string>; reasons?: Record<string, string> } };
  };

  it('200 while writes work, 503 disk-full while they fail, 200 again after', async () => {
    expect((await ready()).status).toBe(200);

    await gateway.db.query(DISK_FULL);
    await gateway.db.query('CREATE TRIGGER probe_disk_full BEFORE INSERT OR UPDATE ON store_write_probe FOR EACH ROW EXECUTE FUNCTION probe_disk_full()');
    // Reads still work: the old check (SELECT 1) would have said ready.
    await expect(gateway.db.ping()).resolves.toBeUndefined();
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.checks.store).toBe('down');
    expect(down.body.reasons).toEqual({ store: 'disk-full' });
    expect(down.body.checks.queue).toBe('up');

    await gateway.db.query('DROP TRIGGER probe_disk_full ON store_write_probe');
    const up = await ready();
    expect(up.status).toBe(200);
    expect(up.body.reasons).toBeUndefined();
    const row = await gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM store_write_probe');
    expect(row.rows[0]!.n).toBe(1);
  });
});
