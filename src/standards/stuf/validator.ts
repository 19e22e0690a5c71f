/**
 * XSD validation of StUF messages (docs/stuf/zds.md) with the shared libxml2 core (src/xml/xsd.ts).
 *
 * knooppunt's own schemas are two compiled sets, generated from its StUF model
 * (src/standards/stuf/schema): schemas/stuf/zds-1.1 (ZDS 1.1: the zkn0310 zs-dms messages, ZKN
 * 03.10 patch 22) and schemas/stuf/zds-1.2 (ZDS 1.2: the zds0120 messages, ZKN 03.10 patch 26), each
 * complete for what its message roots reach; test/conformance/stuf-xsd.test.ts proves them equal to
 * the official sets. As with the official folder, a `ZDS:` root is validated against 1.2, any other
 * against 1.1 and, failing that, 1.2 (ZDS 1.1 clients send either ZKN patch).
 *
 * Compiling the sets takes seconds (libxml2-wasm), so they are compiled once per process and folder
 * and shared by every gateway of the process; dispose() of a shared validator does not free them.
 * A document to validate is one message: the SOAP Body's child serialised as a document (not the
 * envelope). Issues never contain values from the document.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../util/paths.js';
import { XsdSchemaSet, type XsdIssue } from '../../xml/xsd.js';
import { OfficialStufSchemas } from './official-schemas.js';
import { STUF_SETS, type StufSet } from './schema/model.js';
import { stufRoots } from './schema/roots.js';
import { STUF_XSD_ENTRY } from './schema/generate-xsd.js';
import { STUF_NS } from './namespaces.js';

export type { XsdIssue } from '../../xml/xsd.js';

/** knooppunt's own sets (schemas/stuf/<set>/), generated from the model (npm run schemas:stuf). */
export const STUF_SCHEMA_SETS = STUF_SETS;

/** The message roots the schemas declare, per set: what may be validated. */
export const STUF_BERICHTEN: ReadonlyArray<{ ns: string; name: string }> = [
  ...new Map(
    STUF_SETS.flatMap((set) => stufRoots(set))
      .map((clark) => /^\{([^}]*)\}(.*)$/.exec(clark)!)
      .map((m) => [`${m[1]}|${m[2]}`, { ns: m[1]!, name: m[2]! }] as const),
  ).values(),
];

/** The default folder with the StUF schemas. */
export function defaultStufSchemasDir(): string {
  return join(projectRoot(), 'schemas', 'stuf');
}

/** What the channel validates StUF messages with: knooppunt's own schemas, or the official ones. */
export interface StufValidator {
  /** `knooppunt` (schemas/stuf) or `officieel` (KNOOPPUNT_STUF_XSD_DIR). */
  readonly bron: 'knooppunt' | 'officieel';
  /** Validates one message given as a document (a parsed one: stufDocument in grote-berichten.ts). */
  validate(xml: string | Uint8Array): XsdIssue[];
  dispose(): void;
}

/** The official sets behind the StufValidator interface. */
class OfficieleValidator implements StufValidator {
  readonly bron = 'officieel' as const;
  constructor(private readonly sets: OfficialStufSchemas) {}
  validate(xml: string | Uint8Array): XsdIssue[] {
    return this.sets.validate(xml);
  }
  dispose(): void {
    this.sets.dispose();
  }
}

/** Compiled validators of this process, by source and folder: compiled once, shared, never freed. */
const gedeeld = new Map<string, Promise<StufValidator>>();

function gedeeldeValidator(sleutel: string, maak: () => Promise<StufValidator>): Promise<StufValidator> {
  let p = gedeeld.get(sleutel);
  if (!p) {
    p = maak().then((v) => new GedeeldeValidator(v));
    // A failed compilation is not cached: the next start tries again (and reports again).
    p.catch(() => gedeeld.delete(sleutel));
    gedeeld.set(sleutel, p);
  }
  return p;
}

/** A process-wide validator: its users share it, so dispose() leaves it compiled. */
class GedeeldeValidator implements StufValidator {
  constructor(private readonly inner: StufValidator) {}
  get bron(): 'knooppunt' | 'officieel' {
    return this.inner.bron;
  }
  validate(xml: string | Uint8Array): XsdIssue[] {
    return this.inner.validate(xml);
  }
  dispose(): void {
    // Shared by the process (see gedeeldeValidator).
  }
}

/**
 * The validator the gateway runs with: the official schema folder when `officialDir` is set
 * (KNOOPPUNT_STUF_XSD_DIR; a folder that does not compile fails the start), else knooppunt's own.
 * Compiled once per process and folder.
 */
export async function loadStufValidator(opts: { schemasDir?: string; officialDir?: string; lazy?: boolean }): Promise<StufValidator> {
  if (opts.officialDir) {
    const dir = opts.officialDir;
    return gedeeldeValidator(`officieel:${dir}`, async () => {
      try {
        return new OfficieleValidator(OfficialStufSchemas.load(dir));
      } catch (err) {
        throw new Error(`KNOOPPUNT_STUF_XSD_DIR ${dir}: the official StUF schemas do not load: ${(err as Error).message}`);
      }
    });
  }
  const dir = opts.schemasDir ?? defaultStufSchemasDir();
  const lazy = opts.lazy === true;
  return gedeeldeValidator(`knooppunt${lazy ? '-lazy' : ''}:${dir}`, () => StufSchemas.load(dir, { lazy }));
}

/** Reads one generated set (every XSD of schemas/stuf/<set>/): its files by name. */
async function leesSet(schemasDir: string, set: StufSet): Promise<Record<string, Uint8Array>> {
  const dir = join(schemasDir, set);
  const namen = (await readdir(dir)).filter((f) => f.endsWith('.xsd')).sort();
  const teksten = await Promise.all(namen.map((f) => readFile(join(dir, f))));
  return Object.fromEntries(namen.map((f, i) => [f, teksten[i]!]));
}

/** Compiles one set read by {@link leesSet}. */
function compileerSet(set: StufSet, files: Record<string, Uint8Array>): XsdSchemaSet {
  const berichten = [...new Set(stufRoots(set).map((r) => r.slice(r.indexOf('}') + 1)))].join(', ');
  return XsdSchemaSet.loadSync(files, STUF_XSD_ENTRY, {
    hooks: {
      rootNotDeclared: ({ name, ns, safeName }) => {
        if (name === 'Envelope' && (ns === STUF_NS.soapenv || ns === SOAP12_NS)) return `${safeName}: validate the message (the SOAP Body's child), not the envelope`;
        // A known message in another namespace: the generic text names the expected namespace.
        if (STUF_BERICHTEN.some((b) => b.name === name)) return undefined;
        return `${safeName}: root element is not a message of the StUF channel (expected one of ${berichten})`;
      },
    },
  });
}

const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';
const ZDS_NS_BYTES = Buffer.from(STUF_NS.ZDS, 'utf8');

/** One set, compiled when it is first asked for (at load, unless lazy). */
class ZdsSet {
  private compiled: XsdSchemaSet | undefined;
  constructor(
    private readonly set: StufSet,
    private files: Record<string, Uint8Array> | undefined,
  ) {}
  get schemas(): XsdSchemaSet {
    if (!this.compiled) {
      this.compiled = compileerSet(this.set, this.files!);
      this.files = undefined;
    }
    return this.compiled;
  }
  dispose(): void {
    this.compiled?.dispose();
  }
}

/** knooppunt's own compiled StUF schemas: the ZDS 1.1 and the ZDS 1.2 set. */
export class StufSchemas implements StufValidator {
  readonly bron = 'knooppunt' as const;

  private constructor(
    private readonly zds11: ZdsSet,
    private readonly zds12: ZdsSet,
  ) {}

  /**
   * Reads the XSDs under `schemasDir`/zds-1.1 and /zds-1.2 (the only file access) and compiles them.
   * `lazy`: each set is compiled when a message first needs it (a document worker, whose gateway
   * compiled both at its start, so that none fails here that did not fail there: most large
   * messages need only the set of their own version). Not cached: see {@link loadStufValidator}.
   */
  static async load(schemasDir: string = defaultStufSchemasDir(), opts: { lazy?: boolean } = {}): Promise<StufSchemas> {
    const [files11, files12] = await Promise.all([leesSet(schemasDir, 'zds-1.1'), leesSet(schemasDir, 'zds-1.2')]);
    const schemas = new StufSchemas(new ZdsSet('zds-1.1', files11), new ZdsSet('zds-1.2', files12));
    if (opts.lazy) return schemas;
    try {
      void schemas.zds11.schemas;
      void schemas.zds12.schemas;
    } catch (err) {
      schemas.dispose();
      throw err;
    }
    return schemas;
  }

  /** Validates one message. Returns the issues, empty when it is valid. */
  validate(xml: string | Uint8Array): XsdIssue[] {
    const zds = typeof xml === 'string' ? xml.includes(STUF_NS.ZDS) : Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength).includes(ZDS_NS_BYTES);
    const [eerst, dan] = zds ? [this.zds12, this.zds11] : [this.zds11, this.zds12];
    const issues = eerst.schemas.validate(xml);
    if (issues.length === 0) return issues;
    return dan.schemas.validate(xml).length === 0 ? [] : issues;
  }

  /** Frees the compiled schemas. */
  dispose(): void {
    this.zds11.dispose();
    this.zds12.dispose();
  }
}
