/**
 * The official StUF 03.01 / ZKN 03.10 / BG 03.10 / ZDS 1.1.02 and 1.2 schema sets, compiled from an
 * operator-supplied folder (KNOOPPUNT_STUF_XSD_DIR, e.g. ../shared/stuf-official) instead of
 * knooppunt's own schemas, and used by the conformance tests as the authority.
 *
 * The sets do not compile as published: each namespace is spread over several files that other
 * files import from different schemaLocations, and libxml2 honours only the first import of a
 * namespace. As the folder's README describes, one wrapper per namespace `include`s every file of
 * that namespace, every import of those namespaces is pointed at the wrapper, and a driver imports
 * the wrappers. All of that happens in memory: the operator's files are read, never changed.
 *
 * ZDS: roots are validated against the ZDS 1.2 set; ZKN: roots against ZDS 1.1.02 and, failing
 * that, the ZKN 03.10 patch inside ZDS 1.2 (real ZDS 1.1 clients use either); StUF: roots
 * (Bv02/Bv03/Fo02/Fo03) against both, accepted by either.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { XsdSchemaSet, type XsdIssue } from '../../xml/xsd.js';
import { STUF_NS } from './namespaces.js';

const NS_STUF = STUF_NS.StUF;
const NS_ZKN = STUF_NS.ZKN;
const NS_BG = STUF_NS.BG;
const NS_ZDS = STUF_NS.ZDS;

/** Wrapper contents per namespace, relative to the version folder (from the folder's README). */
const SETS = {
  'zds-1.1.02': {
    [NS_STUF]: [
      '0301/stuf0301mtom.xsd',
      'zkn0310/zs-dms/zkn0310_msg_stuf_zs-dms.xsd',
      'zkn0310/mutatie/zkn0310_msg_stuf_mutatie.xsd',
      'zkn0310/vraagAntwoord/zkn0310_msg_stuf_vraagAntwoord.xsd',
      'zkn0310/entiteiten/zkn0310_stuf_simpleTypes.xsd',
      'bg0310/entiteiten/bg0310_stuf_simpleTypes.xsd',
    ],
    [NS_BG]: ['zkn0310/entiteiten/zkn0310_bg0310_ent.xsd', 'zkn0310/zs-dms/zkn0310_bg0310_simpleTypes_zs-dms.xsd'],
    [NS_ZKN]: ['zkn0310/mutatie/zkn0310_msg_mutatie.xsd', 'zkn0310/vraagAntwoord/zkn0310_msg_vraagAntwoord.xsd', 'zkn0310/zs-dms/zkn0310_msg_zs-dms.xsd'],
  },
  'zds-1.2': {
    [NS_STUF]: [
      '0301/stuf0301mtom.xsd',
      'zkn0310/mutatie/zkn0310_msg_stuf_mutatie.xsd',
      'zkn0310/vraagAntwoord/zkn0310_msg_stuf_vraagAntwoord.xsd',
      'zkn0310/entiteiten/zkn0310_stuf_simpleTypes.xsd',
      'bg0310/entiteiten/bg0310_stuf_simpleTypes.xsd',
      'zds0120/berichten/zds0120_msg_stuf_zs-dms.xsd',
    ],
    [NS_BG]: ['zkn0310/entiteiten/zkn0310_bg0310_ent.xsd', 'zds0120/entiteiten/zds0120_ent_bg0310.xsd', 'zds0120/entiteiten/zds0120_simpleTypes_bg0310.xsd'],
    [NS_ZKN]: [
      'zkn0310/mutatie/zkn0310_msg_mutatie.xsd',
      'zkn0310/vraagAntwoord/zkn0310_msg_vraagAntwoord.xsd',
      'zds0120/entiteiten/zds0120_ent_zs-dms.xsd',
      'zds0120/entiteiten/zds0120_simpleTypes_zkn0310.xsd',
    ],
    [NS_ZDS]: ['zds0120/berichten/zds0120_msg_zs-dms.xsd', 'zds0120/entiteiten/zds0120_simpletypes_zs-dms.xsd'],
  },
} as const satisfies Record<string, Record<string, readonly string[]>>;

type Versie = keyof typeof SETS;

const WRAPPER: Record<string, string> = { [NS_STUF]: '_wrapper_stuf.xsd', [NS_BG]: '_wrapper_bg.xsd', [NS_ZKN]: '_wrapper_zkn.xsd', [NS_ZDS]: '_wrapper_zds.xsd' };
const DRIVER = '_driver.xsd';

function xsdFiles(dir: string, root = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) xsdFiles(full, root, out);
    else if (name.endsWith('.xsd')) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

/** Every `<import namespace="one of ours" schemaLocation="…">` now points at that namespace's wrapper. */
function redirectImports(text: string, file: string, wrapped: ReadonlySet<string>): string {
  const depth = file.split('/').length - 1;
  const up = '../'.repeat(depth);
  return text.replace(/<((?:[A-Za-z_][\w.-]*:)?)import\b([^>]*?)(\/?)>/g, (whole, prefix: string, attrs: string, close: string) => {
    const ns = /\snamespace\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1];
    if (ns === undefined || !wrapped.has(ns)) return whole;
    const rest = attrs.replace(/\sschemaLocation\s*=\s*("[^"]*"|'[^']*')/, '');
    return `<${prefix}import${rest} schemaLocation="${up}${WRAPPER[ns]}"${close}>`;
  });
}

function compile(versionDir: string, versie: Versie): XsdSchemaSet {
  const spec = SETS[versie] as Record<string, readonly string[]>;
  const wrapped = new Set(Object.keys(spec));
  const files: Record<string, string> = {};
  for (const f of xsdFiles(versionDir)) files[f] = redirectImports(readFileSync(join(versionDir, ...f.split('/')), 'utf8'), f, wrapped);
  for (const [ns, includes] of Object.entries(spec)) {
    for (const inc of includes) if (!(inc in files)) throw new Error(`official StUF schemas: ${posix.join(versie, inc)} is missing`);
    files[WRAPPER[ns]!] =
      `<?xml version="1.0" encoding="UTF-8"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${ns}" elementFormDefault="qualified" attributeFormDefault="qualified">` +
      includes.map((i) => `<xs:include schemaLocation="${i}"/>`).join('') +
      '</xs:schema>';
  }
  files[DRIVER] =
    '<?xml version="1.0" encoding="UTF-8"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:knooppunt:stuf-official-driver">' +
    Object.keys(spec).map((ns) => `<xs:import namespace="${ns}" schemaLocation="${WRAPPER[ns]}"/>`).join('') +
    '</xs:schema>';
  return XsdSchemaSet.loadSync(files, DRIVER);
}

/**
 * The files that make up one official set, as the wrappers see them: every file the wrapper lists
 * include, and what those include or import outside the four StUF namespaces (xmlmime, gml, xlink),
 * by path relative to the version folder. For the structure reader (src/xml/xsd-structure.ts).
 */
export function officialSetFiles(dir: string, versie: Versie): Record<string, string> {
  const versionDir = join(dir, versie);
  const spec = SETS[versie] as Record<string, readonly string[]>;
  const wrapped = new Set(Object.keys(spec));
  const out: Record<string, string> = {};
  const todo = Object.values(spec).flat();
  while (todo.length) {
    const f = todo.pop()!;
    if (f in out) continue;
    const text = readFileSync(join(versionDir, ...f.split('/')), 'utf8');
    out[f] = text;
    for (const m of text.matchAll(/<(?:[A-Za-z_][\w.-]*:)?(import|include)\b([^>]*?)\/?>/g)) {
      const attrs = m[2]!;
      const ns = /\snamespace\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1];
      const loc = /\sschemaLocation\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1];
      if (!loc || (m[1] === 'import' && ns !== undefined && wrapped.has(ns))) continue;
      todo.push(posix.normalize(posix.join(posix.dirname(f), loc)));
    }
  }
  return out;
}

export type OfficialStufVersie = Versie;
export const OFFICIAL_STUF_VERSIES = Object.keys(SETS) as Versie[];

/** The official schema sets of one folder (holding `zds-1.1.02/` and `zds-1.2/`). */
export class OfficialStufSchemas {
  private constructor(
    private readonly zds11: XsdSchemaSet,
    private readonly zds12: XsdSchemaSet,
  ) {}

  /** Compiles both sets; throws (naming the file) when the folder does not hold them or they do not compile. */
  static load(dir: string): OfficialStufSchemas {
    return new OfficialStufSchemas(compile(join(dir, 'zds-1.1.02'), 'zds-1.1.02'), compile(join(dir, 'zds-1.2'), 'zds-1.2'));
  }

  /** Validates one message (the SOAP Body's child as a document). Empty when valid. */
  validate(xml: string | Uint8Array): XsdIssue[] {
    // Any root validates against the set that declares it: try the likely set first, then the other.
    const text = typeof xml === 'string' ? xml : Buffer.from(xml).toString('utf8');
    const [eerst, dan] = text.includes(NS_ZDS) ? [this.zds12, this.zds11] : [this.zds11, this.zds12];
    const issues = eerst.validate(xml);
    if (issues.length === 0) return issues;
    return dan.validate(xml).length === 0 ? [] : issues;
  }

  dispose(): void {
    this.zds11.dispose();
    this.zds12.dispose();
  }
}
