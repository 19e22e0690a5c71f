/**
 * Large StUF messages off the event loop. From a size threshold (KNOOPPUNT_LARGE_DOCUMENT_BYTES,
 * default 256 KiB, as for iJw/iWmo) the XSD validation runs in a bounded worker pool
 * (document-worker.ts, pool sizing as the iStandaarden pool); below it, it stays on the main thread,
 * where a small message costs less than a worker round trip. A full pool rejects with
 * PoolBusyError, which the StUF channel answers with a StUF058 foutbericht, 503 and Retry-After.
 */
import { DocumentPool } from '../../util/document-pool.js';
import type { WorkerPoolOptions } from '../../util/worker-pool.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';
import type { StufDocumentWorkerData } from './document-worker.js';
import type { StufValidator, XsdIssue } from './validator.js';

export const DEFAULT_STUF_GROOT_VANAF = 256 * 1024;

export class GroteStufBerichten extends DocumentPool<StufDocumentWorkerData> {
  constructor(workerData: StufDocumentWorkerData, vanaf: number = DEFAULT_STUF_GROOT_VANAF, opts: WorkerPoolOptions = {}) {
    super(new URL('./document-worker.js', import.meta.url), workerData, vanaf, opts);
  }

  /** Validates one message document in a worker (the same issues as StufValidator.validate). */
  async valideer(document: string | Uint8Array): Promise<XsdIssue[]> {
    const raw = typeof document === 'string' ? Buffer.from(document, 'utf8') : document;
    return this.pool.run<XsdIssue[]>('xsd', { raw });
  }
}

/**
 * A parsed message (the SOAP Body's child, in whichever wire form it came) as the document its
 * schemas validate. Here, not in the validator: the document workers get bytes and never build XML.
 */
export function stufDocument(el: XmlElement): string {
  return serializeXml(el, { declaration: true });
}

/**
 * Validates a parsed message (the SOAP Body's child): in the worker pool when `bytes` (the size it
 * arrived in) reaches the threshold, else synchronously with `schemas`. Both judge the same text.
 */
export async function valideerStufBericht(schemas: StufValidator, grote: GroteStufBerichten | undefined, el: XmlElement, bytes: number): Promise<XsdIssue[]> {
  const document = stufDocument(el);
  return !grote || !grote.isGroot(bytes) ? schemas.validate(document) : grote.valideer(document);
}
