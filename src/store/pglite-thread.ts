/**
 * The embedded database's own thread (see pglite-remote.ts): PGlite runs every statement
 * synchronously on the thread that calls it, so here, not on the gateway's event loop, it blocks
 * nobody. This module only relays: statements and transactions arrive by message, results and
 * errors go back the same way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PgliteDb } from './pglite.js';
import type { Queryable } from './db.js';
import type { PgliteThreadData, ThreadReply, ThreadRequest } from './pglite-protocol.js';
import { errorFields, transferablesOf } from './pglite-protocol.js';

const port = parentPort!;
const data = workerData as PgliteThreadData;

/** Ends a transaction's function so PGlite rolls back; never reaches the caller. */
class Rollback extends Error {}

interface OpenTx {
  tx: Queryable;
  end: (commit: boolean) => void;
  settled: Promise<void>;
}

const open = new Map<number, OpenTx>();
let nextTx = 1;

function reply(msg: ThreadReply): void {
  if (msg.ok && msg.rows) port.postMessage(msg, transferablesOf(msg.rows));
  else port.postMessage(msg);
}

function failed(id: number, err: unknown): void {
  reply({ id, ok: false, error: errorFields(err) });
}

/** Starts a transaction and holds it open until its `end` arrives; PGlite queues other statements meanwhile. */
async function begin(db: PgliteDb): Promise<number> {
  const txId = nextTx++;
  let began!: () => void;
  const ready = new Promise<void>((resolve) => (began = resolve));
  const settled = db.transaction(
    (tx) =>
      new Promise<void>((resolve, reject) => {
        open.set(txId, { tx, end: (commit) => (commit ? resolve() : reject(new Rollback())), settled });
        began();
      }),
  );
  // BEGIN itself may fail, before the function runs.
  await Promise.race([ready, settled]);
  return txId;
}

async function end(txId: number, commit: boolean): Promise<void> {
  const t = open.get(txId);
  if (!t) throw new Error(`no open transaction ${txId}`);
  open.delete(txId);
  t.end(commit);
  try {
    await t.settled;
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
}

async function main(): Promise<void> {
  const db = await PgliteDb.open(data.dataDir, {
    paced: false,
    ...(data.template !== undefined ? { template: data.template } : {}),
    ...(data.sharedBuffers !== undefined ? { sharedBuffers: data.sharedBuffers } : {}),
  });
  port.postMessage({ ready: true, started: db.started, sample: { object: {} } });
  port.on('message', (req: ThreadRequest) => {
    void (async () => {
      try {
        switch (req.op) {
          case 'query': {
            const q: Queryable = req.tx !== undefined ? open.get(req.tx)?.tx ?? missingTx(req.tx) : db;
            const res = await q.query(req.sql, req.params);
            reply({ id: req.id, ok: true, rows: res.rows as unknown[], rowCount: res.rowCount });
            break;
          }
          case 'begin':
            reply({ id: req.id, ok: true, tx: await begin(db) });
            break;
          case 'end':
            await end(req.tx, req.commit);
            reply({ id: req.id, ok: true });
            break;
          case 'close':
            await db.close();
            reply({ id: req.id, ok: true });
            port.close();
            break;
        }
      } catch (err) {
        failed(req.id, err);
      }
    })();
  });
}

function missingTx(txId: number): never {
  throw new Error(`no open transaction ${txId}`);
}

main().catch((err: unknown) => port.postMessage({ ready: false, error: errorFields(err) }));
