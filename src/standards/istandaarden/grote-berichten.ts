/**
 * Large iJw/iWmo berichten off the event loop. Above a size threshold (default 256 KiB) the XSD
 * validation and the translation to the gemeente's JSON run in the document worker pool
 * (document-worker.ts); the parse runs in slices on the event loop (src/xml/parse.ts,
 * parseXmlInSlices) and the rules give it back between rules. Below the threshold everything
 * stays in-process: a worker round trip costs more than a small bericht takes.
 */
import type { XsdIssue } from '../../xml/xsd.js';
import { DocumentPool } from '../../util/document-pool.js';
import type { WorkerPoolOptions } from '../../util/worker-pool.js';
import type { BerichtNummer, Standaard } from './catalog.js';
import type { DocumentWorkerData } from './document-worker.js';

export const DEFAULT_GROOT_VANAF = 256 * 1024;

export class GroteBerichten extends DocumentPool<DocumentWorkerData> {
  constructor(workerData: DocumentWorkerData, vanaf: number = DEFAULT_GROOT_VANAF, opts: WorkerPoolOptions = {}) {
    super(new URL('./document-worker.js', import.meta.url), workerData, vanaf, opts);
  }

  /** The JSON a worker made beside a validation, until the route mapping takes it (once). */
  private readonly vertaald = new WeakMap<Uint8Array, Uint8Array>();

  /**
   * XSD validation in a worker; rejects with PoolBusyError when the pool and its queue are full.
   * `metJson`: a valid bericht is also translated to the gemeente's JSON in the same task, kept for
   * {@link naarJson}, so the document is parsed once more in the worker instead of twice.
   */
  async valideer(raw: Uint8Array, standaard: Standaard, nummer: BerichtNummer, metJson = false): Promise<XsdIssue[]> {
    const { issues, json } = await this.pool.run<{ issues: XsdIssue[]; json?: Uint8Array }>('xsd', { raw, standaard, nummer, metJson });
    if (json) this.vertaald.set(raw, json);
    return issues;
  }

  /** The bericht's JSON for the gemeente (route mapping istandaarden-naar-json), serialised, from a worker. */
  async naarJson(raw: Uint8Array, standaard: Standaard, nummer: BerichtNummer): Promise<Buffer> {
    const klaar = this.vertaald.get(raw);
    this.vertaald.delete(raw);
    const out = klaar ?? (await this.pool.run<Uint8Array>('json', { raw, standaard, nummer }));
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }
}
