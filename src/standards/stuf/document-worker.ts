/**
 * The worker thread behind {@link GroteStufBerichten}: XSD validation of a large StUF message
 * (a zakLk01 or edcLk01 with megabytes of base64 inhoud) off the event loop. It compiles the same
 * schemas the main thread uses (knooppunt's own, or the official folder of KNOOPPUNT_STUF_XSD_DIR)
 * once per worker, knooppunt's own per set when first needed. Tasks arrive as { id, kind, input }
 * and are answered with a {@link WorkerReply}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerReply } from '../../util/worker-pool.js';
import { loadStufValidator, type StufValidator } from './validator.js';

export interface StufDocumentWorkerData {
  /** knooppunt's own StUF schema folder (schemas/stuf). */
  schemasDir: string;
  /** The official folder (KNOOPPUNT_STUF_XSD_DIR), which then takes precedence, as on the main thread. */
  officialDir?: string;
}

/** One message as a document (the SOAP Body's child serialised), as UTF-8 bytes. */
export type StufDocumentTask = { kind: 'xsd'; input: { raw: Uint8Array } };

const data = workerData as StufDocumentWorkerData;
let validator: Promise<StufValidator> | undefined;
// Knooppunt's own sets compile when a message first needs one (most large messages need only their
// own version's); the gateway compiled both at its start. The official folder compiles at once.
const schemas = () => (validator ??= loadStufValidator({ schemasDir: data.schemasDir, lazy: true, ...(data.officialDir ? { officialDir: data.officialDir } : {}) }));
// Read at start, not when the first message waits for it; a failure is the first task's answer.
schemas().catch(() => undefined);

parentPort!.on('message', (msg: { id: number } & StufDocumentTask) => {
  schemas().then(
    (v) => parentPort!.postMessage({ id: msg.id, ok: true, value: v.validate(msg.input.raw) } satisfies WorkerReply),
  ).catch(
    (err: unknown) => parentPort!.postMessage({ id: msg.id, ok: false, message: err instanceof Error ? err.message : 'task failed' } satisfies WorkerReply),
  );
});
