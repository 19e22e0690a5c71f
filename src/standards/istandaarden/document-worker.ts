/**
 * The worker thread behind {@link GroteBerichten}: XSD validation (libxml2-wasm, loaded here once
 * per worker) and the translation of a large bericht to the gemeente's JSON, off the event loop.
 * Tasks arrive as { id, kind, input } and are answered with a {@link WorkerReply}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerReply } from '../../util/worker-pool.js';
import { parseXml } from '../../xml/parse.js';
import type { BerichtNummer, Standaard } from './catalog.js';
import { naarJsonWaarde } from './gemeente-json.js';
import { readHeader } from './header.js';
import { XsdValidators } from './schema/validator.js';
import { gebruikCodelijsten, leesCodelijsten } from '../../codelijsten/index.js';

export interface DocumentWorkerData {
  /** knooppunt's own XSD folder (schemas/istandaarden), or the official folder when `official`. */
  schemasDir: string;
  official: boolean;
  /** The code-list folder the main thread uses: own XSDs are generated with its values here too. */
  codelijstenDir: string;
}

export type DocumentTask =
  | { kind: 'xsd'; input: { raw: Uint8Array; standaard: Standaard; nummer: BerichtNummer; metJson?: boolean } }
  | { kind: 'json'; input: { raw: Uint8Array; standaard: Standaard; nummer: BerichtNummer } };

const data = workerData as DocumentWorkerData;
// Like the main thread, the code lists in use come first: the generated XSDs and the model the
// translation reads take their values, so a large bericht is judged and translated as a small one.
gebruikCodelijsten(leesCodelijsten(data.codelijstenDir));
let validators: Promise<XsdValidators> | undefined;
// Lazy: each bericht's schema is compiled when the first of its kind arrives (the gateway compiled
// them all at its start, so none fails here that did not fail there).
const xsd = () => (validators ??= data.official ? XsdValidators.loadOfficial(data.schemasDir) : Promise.resolve().then(() => XsdValidators.fromModel({ lazy: true })));
// Loaded at start, not when the first bericht waits for it; a failure is the first task's answer.
xsd().catch(() => undefined);

function alsJson(raw: Uint8Array, standaard: Standaard, nummer: BerichtNummer): Uint8Array {
  // The main thread parsed and checked this bericht already; the limits here only bound the work.
  const root = parseXml(raw, { maxBytes: raw.byteLength + 1, maxDepth: 64, maxElements: 10_000_000 });
  const bytes = Buffer.from(JSON.stringify(naarJsonWaarde({ standaard, nummer, header: readHeader(root), root })), 'utf8');
  // Handed over whole (transferred): a large text has an ArrayBuffer of its own already; a small
  // one may sit in Buffer's shared pool, and is copied out of it first.
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength) return bytes;
  const out = new Uint8Array(bytes.byteLength);
  out.set(bytes);
  return out;
}

async function handle(task: DocumentTask): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  const { raw, standaard, nummer } = task.input;
  if (task.kind === 'xsd') {
    const issues = (await xsd()).validate(raw, standaard, nummer);
    // A valid bericht is translated while the worker has it: the route mapping then needs no second trip.
    if (issues.length > 0 || !task.input.metJson) return { value: { issues }, transfer: [] };
    const json = alsJson(raw, standaard, nummer);
    return { value: { issues, json }, transfer: [json.buffer as ArrayBuffer] };
  }
  const json = alsJson(raw, standaard, nummer);
  return { value: json, transfer: [json.buffer as ArrayBuffer] };
}

parentPort!.on('message', (msg: { id: number } & DocumentTask) => {
  handle(msg).then(
    ({ value, transfer }) => parentPort!.postMessage({ id: msg.id, ok: true, value } satisfies WorkerReply, transfer),
    (err: unknown) => parentPort!.postMessage({ id: msg.id, ok: false, message: err instanceof Error ? err.message : 'task failed' } satisfies WorkerReply),
  );
});
