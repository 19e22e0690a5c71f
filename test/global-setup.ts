/**
 * Before any test: are the local PostgreSQL and Redis the integration tests need reachable? When
 * not, stop at once with what to start or set, instead of a bare ECONNREFUSED in fifty suites.
 * KNOOPPUNT_TEST_SKIP_SERVICES_CHECK=1 skips the check (for running only unit tests without them).
 */
import net from 'node:net';
import pg from 'pg';

function reachable(url: string, defaultPort: number): Promise<string | undefined> {
  let host = '127.0.0.1';
  let port = defaultPort;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, '') || host;
    port = u.port ? Number(u.port) : defaultPort;
  } catch {
    return Promise.resolve(`cannot read the URL ${url}`);
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (problem?: string) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(3000, () => done(`nothing answers on ${host}:${port} (timeout)`));
    socket.once('connect', () => done());
    socket.once('error', (err: NodeJS.ErrnoException) => done(`nothing answers on ${host}:${port} (${err.code ?? err.message})`));
  });
}

export default async function globalSetup(): Promise<void> {
  if (process.env.KNOOPPUNT_TEST_SKIP_SERVICES_CHECK === '1') return;
  const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const problems: string[] = [];
  const pgDown = await reachable(pgUrl, 5432);
  if (pgDown)
    problems.push(
      `PostgreSQL: ${pgDown}.\n` +
        `  The integration tests need a PostgreSQL with a database "test" that user postgres may use without a password.\n` +
        `  Start one:   docker compose up -d postgres     (docker-compose.yml in this folder)\n` +
        `  or point at yours:   TEST_DATABASE_URL=postgres://user@host:5432/test npm test`,
    );
  else {
    const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch (err) {
      const e = err as { code?: string; message?: string };
      problems.push(
        e.code === '3D000'
          ? `PostgreSQL answers, but the test database does not exist: create it with   createdb -h 127.0.0.1 -U postgres test`
          : `PostgreSQL answers, but refuses the test connection (${e.code ?? e.message}): the tests connect as ${new URL(pgUrl).username || 'postgres'} without a password; set TEST_DATABASE_URL to a database they may use`,
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  const redis = await reachable(redisUrl, 6379);
  if (redis)
    problems.push(
      `Redis: ${redis}.\n` +
        `  The BullMQ delivery tests need a Redis.\n` +
        `  Start one:   docker compose up -d redis\n` +
        `  or point at yours:   TEST_REDIS_URL=redis://host:6379 npm test`,
    );
  if (problems.length === 0) return;
  const text =
    `\nnpm test cannot start: a service the tests need is not running.\n\n${problems.join('\n\n')}\n\n` +
    `Unit tests alone, without these services:   KNOOPPUNT_TEST_SKIP_SERVICES_CHECK=1 npm run test:unit\n`;
  process.stderr.write(text);
  throw new Error('PostgreSQL or Redis for the tests is not reachable (see above)');
}
