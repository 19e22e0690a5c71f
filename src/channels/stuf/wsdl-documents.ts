/**
 * The WSDL of a SOAP endpoint and every schema it imports, ready to be served at `?wsdl` and
 * `?xsd=<name>`.
 *
 * A WSDL that imports its XSDs by relative path (`schemaLocation="../zkn0310/…xsd"`) cannot be
 * served verbatim: a client resolves those paths against the WSDL's URL, where nothing lives.
 * So, as JAX-WS and CXF do, every import/include location that names a local file is rewritten to
 * `<endpoint>?xsd=<name>`, and `soap:address` to the URL the client used. Only the files in the
 * import closure can be fetched (by name, never by path). The files are trusted (they ship with
 * knooppunt); they are read once per process, at start-up, and a missing import fails the start.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';

type Segment = string | { ref: Doc } | { address: string };

/**
 * Each file's text, read once per process: the endpoints serve the same schemas (the ZDS closure
 * is about 2.5 MB), and their segments are slices of this one string instead of a copy each (four
 * copies, 10 MB, were held before).
 */
const texts = new Map<string, string>();
/** How often a file was read from disk (for a test). */
export const wsdlFileReads = { count: 0 };

function fileText(file: string): string {
  // Keyed by size and modification time too: a file changed on disk is read again.
  const { size, mtimeMs } = statSync(file);
  const key = `${file}\0${size}\0${mtimeMs}`;
  let text = texts.get(key);
  if (text === undefined) {
    wsdlFileReads.count++;
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    texts.set(key, text);
  }
  return text;
}

interface Doc {
  /** '' for a WSDL served at `?wsdl` (see `main`). */
  name: string;
  /** For a served WSDL: its `?wsdl=` value ('' for the default one). */
  main?: string;
  file: string;
  segments: Segment[];
}

export class WsdlDocuments {
  private constructor(
    private readonly mains: ReadonlyMap<string, Doc>,
    private readonly byName: ReadonlyMap<string, Doc>,
  ) {}

  /**
   * Reads the WSDL and, recursively, every local file it imports or includes. Throws when one is
   * missing. `alternatives` are further WSDLs of the same endpoint, served at `?wsdl=<key>` (e.g.
   * another version of the interface); their imports share one `?xsd=` namespace with the default's.
   */
  static load(wsdlPath: string, alternatives: Readonly<Record<string, string>> = {}): WsdlDocuments {
    const byFile = new Map<string, Doc>();
    const byName = new Map<string, Doc>();
    const visit = (file: string, name: string): Doc => {
      const known = byFile.get(file);
      if (known) return known;
      const doc: Doc = { name, file, segments: [] };
      byFile.set(file, doc);
      if (name !== '') byName.set(name, doc);
      doc.segments = split(fileText(file), (location) => {
        const target = resolve(dirname(file), location);
        if (!existsSync(target)) throw new Error(`${file} imports ${location}, which does not exist (${target})`);
        return byFile.get(target) ?? visit(target, uniqueName(target, byName));
      });
      return doc;
    };
    const mains = new Map<string, Doc>();
    for (const [key, path] of [['', wsdlPath], ...Object.entries(alternatives)] as Array<[string, string]>) {
      if (byFile.has(resolve(path))) throw new Error(`${path} is served twice, or is imported by another WSDL`);
      const doc = visit(resolve(path), '');
      doc.main = key;
      mains.set(key, doc);
    }
    return new WsdlDocuments(mains, byName);
  }

  /** The `?wsdl=` values besides the default. */
  get alternatives(): string[] {
    return [...this.mains.keys()].filter((k) => k !== '');
  }

  /** The names served at `?xsd=`. */
  get schemaNames(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * The WSDL as a client should see it at `endpointUrl` (absolute, or a path; `soap:address` is
   * only rewritten for an absolute URL).
   */
  wsdl(endpointUrl: string, key = ''): string | undefined {
    const doc = this.mains.get(key);
    return doc ? this.render(doc, endpointUrl) : undefined;
  }

  /** An imported schema by its served name, or undefined. */
  schema(name: string, endpointUrl: string): string | undefined {
    const doc = this.byName.get(name);
    return doc ? this.render(doc, endpointUrl) : undefined;
  }

  private render(doc: Doc, endpointUrl: string): string {
    const absolute = /^https?:\/\//i.test(endpointUrl);
    let out = '';
    for (const s of doc.segments) {
      if (typeof s === 'string') out += s;
      else if ('address' in s) out += absolute ? escapeAttr(endpointUrl) : s.address;
      else out += escapeAttr(s.ref.main !== undefined ? `${endpointUrl}?wsdl${s.ref.main === '' ? '' : `=${encodeURIComponent(s.ref.main)}`}` : `${endpointUrl}?xsd=${encodeURIComponent(s.ref.name)}`);
    }
    return out;
  }
}

/**
 * Cuts a document into literal text and the attribute values to fill in per request: the
 * location of each import/include/redefine that names a local file, and each `address` location.
 * Comments, CDATA sections and processing instructions are masked first, so a commented-out
 * import is left alone.
 */
function split(text: string, localRef: (location: string) => Doc): Segment[] {
  const masked = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, (m) => ' '.repeat(m.length));
  const segments: Segment[] = [];
  let done = 0;
  const tag = /<(?:[A-Za-z_][\w.-]*:)?(import|include|redefine|address)\b[^>]*>/g;
  for (let m = tag.exec(masked); m !== null; m = tag.exec(masked)) {
    const element = m[1]!;
    const attr = element === 'address' ? 'location' : element === 'import' ? '(?:schemaLocation|location)' : 'schemaLocation';
    const value = new RegExp(`\\s${attr}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(m[0]);
    if (!value) continue;
    const raw = value[1] ?? value[2] ?? '';
    const start = m.index + value.index + value[0].length - raw.length - 1;
    let segment: Segment;
    if (element === 'address') {
      segment = { address: raw };
    } else {
      const location = decodeAttr(raw);
      // An absolute URI (http:, urn:, …) is not ours to serve; it stays as written.
      if (location === '' || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(location)) continue;
      segment = { ref: localRef(location) };
    }
    segments.push(text.slice(done, start), segment);
    done = start + raw.length;
  }
  segments.push(text.slice(done));
  return segments;
}

function uniqueName(file: string, taken: ReadonlyMap<string, Doc>): string {
  const base = basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
  const ext = extname(base);
  const stem = base.slice(0, base.length - ext.length);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}${ext}`;
  return name;
}

function decodeAttr(raw: string): string {
  return raw.replace(/&(lt|gt|amp|apos|quot|#x[0-9a-fA-F]+|#[0-9]+);/g, (_m, ref: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
    if (ref[0] !== '#') return named[ref]!;
    return String.fromCodePoint(ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10));
  });
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
