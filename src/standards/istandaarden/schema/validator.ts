/**
 * In-process XSD validation of iJw 3.2 / iWmo 3.2 berichten with libxml2 (WebAssembly).
 *
 * The generic part (schemas from memory only, hardened parsing of instance documents, libxml2
 * messages rewritten so that no value from the document is ever repeated) lives in
 * src/xml/xsd.ts and is shared with StUF. This module compiles one {@link XsdSchemaSet} per
 * (standaard, bericht) and adds what only the iStandaarden know:
 * - a root element in the wrong namespace is named with its berichttype (`WMO301`);
 * - the list of missing required children comes from the structure model (model.ts);
 * - an element that exists in the other standaard is named as such (`Verwijzer: element is part of
 *   iJw, not of iWmo`).
 *
 * Memory: every parsed document is disposed in a `finally` (see src/xml/xsd.ts for how the
 * wasm heap was measured flat over 40,000 validations).
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../../util/paths.js';
import { XsdSchemaSet, type ChildDecl, type XsdIssue, type XsdIssueHooks } from '../../../xml/xsd.js';
import { berichtNamespace, berichtType, RELEASE, STANDAARDEN, type BerichtNummer, type Standaard } from '../catalog.js';
import { BASISSCHEMA_BESTAND, BERICHTNUMMERS, berichtXsdBestand, generateBasisschema, generateBerichtXsd, releaseMap } from './generate-xsd.js';
import { berichtElement, COMPLEX_TYPES, type ElementDef } from './model.js';

export { MAX_ISSUES, type XsdIssue } from '../../../xml/xsd.js';

/** The default folder with `<ijw|iwmo>/3_2/*.xsd`. */
export function defaultSchemasDir(): string {
  return join(projectRoot(), 'schemas', 'istandaarden');
}

function key(standaard: Standaard, nummer: BerichtNummer): string {
  return `${standaard}/${nummer}`;
}

export interface XsdOptions {
  /**
   * Compile each bericht's schema set when it is first needed, not all 30 up front: a document
   * worker, which sees mostly one kind (the 323), starts in a fraction of the time and holds one
   * set in its wasm heap. The gateway's own validators stay eager, so a schema that does not
   * compile stops the start.
   */
  lazy?: boolean;
}

/** The compiled XSDs of iJw 3.2 and iWmo 3.2: one schema set per (standaard, bericht). */
export class XsdValidators {
  private readonly models = new Map<string, ElementDef>();
  private disposed = false;

  private constructor(
    private readonly compiled: Map<string, XsdSchemaSet>,
    /** Lazy: compiles one bericht's schema set when it is first needed (XsdOptions.lazy). */
    private readonly compile?: (standaard: Standaard, nummer: BerichtNummer) => XsdSchemaSet,
  ) {}

  /**
   * Reads `<schemasDir>/<ijw|iwmo>/3_2/*.xsd` and compiles every message schema. This is the only
   * file access; afterwards validation works from memory.
   */
  static async load(schemasDir: string = defaultSchemasDir()): Promise<XsdValidators> {
    const compiled = new Map<string, XsdSchemaSet>();
    // The model lookups of the hooks need the instance; it is created first and filled below.
    const validators = new XsdValidators(compiled);
    try {
      for (const standaard of STANDAARDEN) {
        const map = releaseMap(standaard);
        const basisschema = await readFile(join(schemasDir, ...map.split('/'), BASISSCHEMA_BESTAND));
        const berichten = await Promise.all(BERICHTNUMMERS.map((nummer) => readFile(join(schemasDir, ...map.split('/'), berichtXsdBestand(standaard, nummer)))));
        BERICHTNUMMERS.forEach((nummer, i) => {
          const bestand = berichtXsdBestand(standaard, nummer);
          const files = { [`${map}/${BASISSCHEMA_BESTAND}`]: basisschema, [`${map}/${bestand}`]: berichten[i]! };
          compiled.set(key(standaard, nummer), XsdSchemaSet.loadSync(files, `${map}/${bestand}`, { hooks: validators.hooks(standaard, nummer) }));
        });
      }
    } catch (err) {
      validators.dispose();
      throw err;
    }
    return validators;
  }

  /**
   * Compiles the XSDs generated in memory from the structure model and the code lists in use
   * (src/codelijsten/): what the gateway runs with, so that a code-list update needs no
   * regenerated schema files. With the default code lists the text equals the committed
   * schemas/istandaarden/ files (a unit test checks that).
   */
  static fromModel(opts: XsdOptions = {}): XsdValidators {
    const compiled = new Map<string, XsdSchemaSet>();
    const basisschemas = new Map<Standaard, string>();
    const compile = (standaard: Standaard, nummer: BerichtNummer): XsdSchemaSet => {
      const map = releaseMap(standaard);
      const basisschema = basisschemas.get(standaard) ?? generateBasisschema(standaard);
      basisschemas.set(standaard, basisschema);
      const bestand = berichtXsdBestand(standaard, nummer);
      const files = { [`${map}/${BASISSCHEMA_BESTAND}`]: basisschema, [`${map}/${bestand}`]: generateBerichtXsd(standaard, nummer) };
      return XsdSchemaSet.loadSync(files, `${map}/${bestand}`, { hooks: validators.hooks(standaard, nummer) });
    };
    const validators = new XsdValidators(compiled, opts.lazy ? compile : undefined);
    if (opts.lazy) return validators;
    try {
      for (const standaard of STANDAARDEN) for (const nummer of BERICHTNUMMERS) compiled.set(key(standaard, nummer), compile(standaard, nummer));
    } catch (err) {
      validators.dispose();
      throw err;
    }
    return validators;
  }

  /**
   * Validates one bericht against the XSD of (standaard, nummer). Returns the issues, empty when
   * the document is valid. A document that is not well-formed gives one issue with its line.
   */
  validate(xml: string | Uint8Array, standaard: Standaard, nummer: BerichtNummer): XsdIssue[] {
    if (this.disposed) throw new Error('XsdValidators: already disposed');
    const k = key(standaard, nummer);
    let set = this.compiled.get(k);
    if (!set && this.compile && STANDAARDEN.includes(standaard) && BERICHTNUMMERS.includes(nummer)) {
      set = this.compile(standaard, nummer);
      this.compiled.set(k, set);
    }
    if (!set) throw new Error(`no XSD for ${standaard} ${nummer}`);
    return set.validate(xml);
  }

  /**
   * Compiles the official XSDs as Zorginstituut publishes them, from a folder holding one
   * subfolder per standaard (`ijw-3.2`/`iwmo-3.2`, or `ijw`/`iwmo`) with `basisschema.xsd` (any
   * case) and the bericht XSDs `JW301.xsd` … / `WMO301.xsd` …. Throws naming the first file that
   * is missing or does not compile, so a gateway configured with it refuses to start.
   */
  static async loadOfficial(dir: string): Promise<XsdValidators> {
    const compiled = new Map<string, XsdSchemaSet>();
    const validators = new XsdValidators(compiled);
    try {
      for (const standaard of STANDAARDEN) {
        const sub = [`${standaard}-${RELEASE.versie}.${RELEASE.subversie}`, standaard].map((d) => join(dir, d)).find((d) => existsSync(d));
        if (!sub) throw new Error(`official XSDs: no folder ${standaard}-${RELEASE.versie}.${RELEASE.subversie} (or ${standaard}) in ${dir}`);
        const basisName = readdirSync(sub).find((f) => f.toLowerCase() === BASISSCHEMA_BESTAND);
        if (!basisName) throw new Error(`official XSDs: ${sub} has no basisschema.xsd`);
        const basisschema = await readFile(join(sub, basisName));
        for (const nummer of BERICHTNUMMERS) {
          const bestand = `${berichtType(standaard, nummer)}.xsd`;
          const path = join(sub, bestand);
          if (!existsSync(path)) throw new Error(`official XSDs: ${path} is missing`);
          // The bericht XSDs import schemaLocation="basisschema.xsd": the set is keyed so that resolves.
          const files = { [`${standaard}/${BASISSCHEMA_BESTAND}`]: basisschema, [`${standaard}/${bestand}`]: await readFile(path) };
          try {
            compiled.set(key(standaard, nummer), XsdSchemaSet.loadSync(files, `${standaard}/${bestand}`, { hooks: validators.hooks(standaard, nummer) }));
          } catch (err) {
            throw new Error(`official XSDs: ${path} does not compile: ${(err as Error).message}`);
          }
        }
      }
    } catch (err) {
      validators.dispose();
      throw err;
    }
    return validators;
  }

  /** How many bericht schema sets are compiled (all of them, unless lazy). */
  get compiledSets(): number {
    return this.compiled.size;
  }

  /** Frees the compiled schemas. The instance cannot validate afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const set of this.compiled.values()) set.dispose();
  }

  /** The iStandaarden wording for one message schema. */
  private hooks(standaard: Standaard, nummer: BerichtNummer): XsdIssueHooks {
    const own = berichtNamespace(standaard, nummer);
    const ander: Standaard = standaard === 'ijw' ? 'iwmo' : 'ijw';
    const label = (s: Standaard): string => (s === 'ijw' ? 'iJw' : 'iWmo');
    const asDecl = (defs: readonly ElementDef[] | undefined): ChildDecl[] | undefined => defs?.map((d) => ({ name: d.name, ns: '', min: d.min }));
    return {
      rootNotDeclared: ({ safeName }) =>
        safeName === 'Bericht'
          ? `Bericht: root element is not in the namespace of ${berichtType(standaard, nummer)} (expected ${own})`
          : `${safeName}: root element must be Bericht in namespace ${own}`,
      childrenOf: (names) => asDecl(this.childrenOf(names, standaard, nummer)),
      notDeclared: (names, safeName) => {
        const parent = names.slice(0, -1);
        if (!this.childrenOf(parent, standaard, nummer)) return undefined;
        return this.childrenOf(parent, ander, nummer)?.some((d) => d.name === names.at(-1))
          ? `${safeName}: element is part of ${label(ander)}, not of ${label(standaard)}`
          : undefined;
      },
    };
  }

  /** The child sequence the model declares for the element at this local-name path (from Bericht), if any. */
  private childrenOf(names: readonly string[], standaard: Standaard, nummer: BerichtNummer): readonly ElementDef[] | undefined {
    const k = key(standaard, nummer);
    let def = this.models.get(k);
    if (!def) {
      def = berichtElement(nummer, standaard);
      this.models.set(k, def);
    }
    if (names[0] !== def.name) return undefined;
    let children = kinderen(def, standaard);
    for (const name of names.slice(1)) {
      const child = children?.find((d) => d.name === name);
      if (!child) return undefined;
      children = kinderen(child, standaard);
    }
    return children;
  }
}

/** The children of an element: its own group, or those of its basisschema complex type. */
function kinderen(def: ElementDef, standaard: Standaard): readonly ElementDef[] | undefined {
  if (def.children) return def.children;
  const cdt = COMPLEX_TYPES.find((c) => c.name === def.type);
  return cdt?.children.filter((d) => d.only === undefined || d.only === standaard);
}
