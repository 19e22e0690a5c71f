/**
 * The code lists knooppunt checks values against, as data files (codelijsten/ by default,
 * another folder with KNOOPPUNT_CODELIJSTEN_DIR): a yearly herindeling or a new code is a data
 * update, not a code release.
 *
 * - gemeentecodes.json: the CBS gemeentecodes with their validity dates and the herindelingen.
 * - istandaarden.json: the waardenlijsten of the iJw/iWmo basisschema (the XSD enumerations),
 *   the code lists with their meanings, and which list each coded element uses.
 *
 * The files are read and checked once, at start (the gateway calls {@link laadCodelijsten}); a
 * malformed or inconsistent file throws a {@link CodelijstFout} naming the file and the entry, and
 * the gateway does not start. Code that needs a list before or without a gateway (tests, scripts)
 * gets the default folder, or the one the environment names, on first use.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../util/paths.js';

export type Wet = 'ijw' | 'iwmo';
const WETTEN: readonly Wet[] = ['ijw', 'iwmo'];

export interface Gemeente {
  code: string;
  naam: string;
  /** First day the code is in force; absent: in force before the list's herindelingenVanaf. */
  geldigVanaf?: string;
  /** First day the code is no longer in force (exclusive); absent: still in force. */
  geldigTot?: string;
}

export interface Herindeling {
  datum: string;
  /** The codes that end on `datum`. */
  opgeheven: readonly string[];
  /** The gemeenten that take over their area (one for a merger, several for a split). */
  naar: readonly string[];
  omschrijving?: string;
}

export interface Gemeentecodes {
  gemeenten: ReadonlyMap<string, Gemeente>;
  herindelingen: readonly Herindeling[];
  /** The list holds every herindeling from this date on; before it, codes are judged by the oldest indeling it knows. */
  herindelingenVanaf: string;
}

export interface Codelijst {
  /** The list's id in the informatiemodel: WJ756, JZ020, WMO020, COD327, ... */
  id: string;
  naam: string;
  /** Code → Dutch meaning, in the order of the file. */
  codes: ReadonlyMap<string, string>;
}

export interface IstandaardenCodelijsten {
  /** Basisschema type (LDT_…) → its enumerated values per standaard, in the order of the publication. */
  waardenlijsten: ReadonlyMap<string, Readonly<Record<Wet, readonly string[]>>>;
  codelijsten: ReadonlyMap<string, Codelijst>;
  /** Per standaard: element (Categorie, Eenheid, …) → id of its code list. */
  elementen: Readonly<Record<Wet, ReadonlyMap<string, string>>>;
}

export interface Codelijsten {
  /** The folder the lists came from. */
  map: string;
  gemeentecodes: Gemeentecodes;
  istandaarden: IstandaardenCodelijsten;
}

/** A code-list file that cannot be used: which file (its path), which entry, what is wrong. */
export class CodelijstFout extends Error {
  constructor(
    readonly bestand: string,
    readonly plek: string,
    probleem: string,
  ) {
    super(`code list ${bestand}${plek ? ` at ${plek}` : ''}: ${probleem}`);
    this.name = 'CodelijstFout';
  }
}

export const GEMEENTECODES_BESTAND = 'gemeentecodes.json';
export const ISTANDAARDEN_BESTAND = 'istandaarden.json';

/** The folder of the environment (KNOOPPUNT_CODELIJSTEN_DIR, relative to the working directory) or the project's codelijsten. */
export function codelijstenMap(env: NodeJS.ProcessEnv = process.env): string {
  return env.KNOOPPUNT_CODELIJSTEN_DIR ? resolve(process.cwd(), env.KNOOPPUNT_CODELIJSTEN_DIR) : join(projectRoot(), 'codelijsten');
}

// ---------------------------------------------------------------------------------------------
// Reading and checking

const DATUM = /^\d{4}-\d{2}-\d{2}$/;
const isDatum = (v: unknown): v is string => typeof v === 'string' && DATUM.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

class Lezer {
  constructor(
    readonly map: string,
    readonly bestand: string,
  ) {}
  fout(plek: string, probleem: string): never {
    throw new CodelijstFout(join(this.map, this.bestand), plek, probleem);
  }
  object(v: unknown, plek: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fout(plek, 'must be an object');
    return v as Record<string, unknown>;
  }
  lijst(v: unknown, plek: string): unknown[] {
    if (!Array.isArray(v)) this.fout(plek, 'must be a list');
    return v;
  }
  tekst(v: unknown, plek: string, patroon?: RegExp, uitleg?: string): string {
    if (typeof v !== 'string' || v.trim() === '') this.fout(plek, 'must be a non-empty string');
    if (patroon && !patroon.test(v)) this.fout(plek, uitleg ?? `must match ${patroon.source}`);
    return v;
  }
  datum(v: unknown, plek: string): string {
    if (!isDatum(v)) this.fout(plek, 'must be a date YYYY-MM-DD');
    return v;
  }
  alleen(o: Record<string, unknown>, plek: string, velden: readonly string[]): void {
    for (const k of Object.keys(o)) if (!velden.includes(k)) this.fout(plek ? `${plek}.${k}` : k, `unknown field (known: ${velden.join(', ')})`);
  }
  lees(): unknown {
    let tekst: string;
    try {
      tekst = readFileSync(join(this.map, this.bestand), 'utf8');
    } catch (err) {
      this.fout('', `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      return JSON.parse(tekst);
    } catch (err) {
      this.fout('', `is not valid JSON (${(err as Error).message})`);
    }
  }
}

const TOELICHTING = ['lijst', 'bron', 'toelichting'];

/** Reads and checks gemeentecodes.json: well-formed entries, unique codes, and herindelingen that agree with the validity dates. */
export function leesGemeentecodes(map: string): Gemeentecodes {
  const l = new Lezer(map, GEMEENTECODES_BESTAND);
  const doc = l.object(l.lees(), '');
  l.alleen(doc, '', [...TOELICHTING, 'herindelingenVanaf', 'gemeenten', 'herindelingen']);
  const vanaf = l.datum(doc.herindelingenVanaf, 'herindelingenVanaf');
  const gemeenten = new Map<string, Gemeente>();
  l.lijst(doc.gemeenten, 'gemeenten').forEach((v, i) => {
    const plek = `gemeenten[${i}]`;
    const g = l.object(v, plek);
    l.alleen(g, plek, ['code', 'naam', 'geldigVanaf', 'geldigTot']);
    const code = l.tekst(g.code, `${plek}.code`, /^\d{4}$/, 'must be a CBS gemeentecode of four digits');
    if (gemeenten.has(code)) l.fout(`${plek}.code`, `gemeentecode ${code} occurs twice`);
    const gemeente: Gemeente = { code, naam: l.tekst(g.naam, `${plek}.naam`) };
    if (g.geldigVanaf !== undefined) gemeente.geldigVanaf = l.datum(g.geldigVanaf, `${plek}.geldigVanaf`);
    if (g.geldigTot !== undefined) gemeente.geldigTot = l.datum(g.geldigTot, `${plek}.geldigTot`);
    if (gemeente.geldigVanaf && gemeente.geldigTot && gemeente.geldigTot <= gemeente.geldigVanaf) l.fout(`${plek}.geldigTot`, 'must be after geldigVanaf');
    gemeenten.set(code, gemeente);
  });
  if (gemeenten.size === 0) l.fout('gemeenten', 'must not be empty');

  const herindelingen: Herindeling[] = [];
  const opgeheven = new Map<string, string>();
  l.lijst(doc.herindelingen, 'herindelingen').forEach((v, i) => {
    const plek = `herindelingen[${i}]`;
    const h = l.object(v, plek);
    l.alleen(h, plek, ['datum', 'opgeheven', 'naar', 'omschrijving']);
    const datum = l.datum(h.datum, `${plek}.datum`);
    if (datum < vanaf) l.fout(`${plek}.datum`, 'lies before herindelingenVanaf');
    const codes = (veld: 'opgeheven' | 'naar') => {
      const lijst = l.lijst(h[veld], `${plek}.${veld}`).map((c, j) => l.tekst(c, `${plek}.${veld}[${j}]`, /^\d{4}$/, 'must be a gemeentecode of four digits'));
      if (lijst.length === 0) l.fout(`${plek}.${veld}`, 'must not be empty');
      for (const c of lijst) if (!gemeenten.has(c)) l.fout(`${plek}.${veld}`, `gemeentecode ${c} is not in gemeenten`);
      return lijst;
    };
    const weg = codes('opgeheven');
    const naar = codes('naar');
    for (const c of weg) {
      if (gemeenten.get(c)!.geldigTot !== datum) l.fout(`${plek}.opgeheven`, `gemeente ${c} must have geldigTot ${datum}, the date of this herindeling`);
      if (opgeheven.has(c)) l.fout(`${plek}.opgeheven`, `gemeente ${c} is already opgeheven in ${opgeheven.get(c)}`);
      if (naar.includes(c)) l.fout(`${plek}.naar`, `gemeente ${c} cannot take over its own area`);
      opgeheven.set(c, plek);
    }
    for (const c of naar) if (!geldigOp(gemeenten.get(c)!, datum)) l.fout(`${plek}.naar`, `gemeente ${c} is not in force on ${datum}`);
    herindelingen.push({ datum, opgeheven: weg, naar, ...(typeof h.omschrijving === 'string' ? { omschrijving: h.omschrijving } : {}) });
  });
  // Every code that ends, ends by a herindeling; every code that starts after the list's start, starts by one.
  for (const [i, g] of [...gemeenten.values()].entries()) {
    if (g.geldigTot && !opgeheven.has(g.code)) l.fout(`gemeenten[${i}].geldigTot`, `gemeente ${g.code} ends without a herindeling that opheft it`);
    if (g.geldigVanaf && g.geldigVanaf > vanaf && !herindelingen.some((h) => h.datum === g.geldigVanaf && h.naar.includes(g.code))) {
      l.fout(`gemeenten[${i}].geldigVanaf`, `gemeente ${g.code} starts without a herindeling that names it in naar`);
    }
  }
  return { gemeenten, herindelingen, herindelingenVanaf: vanaf };
}

/** Reads and checks istandaarden.json: unique values, code lists that exist, an element list for every element in both standaarden. */
export function leesIstandaardenCodelijsten(map: string): IstandaardenCodelijsten {
  const l = new Lezer(map, ISTANDAARDEN_BESTAND);
  const doc = l.object(l.lees(), '');
  l.alleen(doc, '', [...TOELICHTING, 'waardenlijsten', 'codelijsten', 'elementen']);
  const waarden = (v: unknown, plek: string): string[] => {
    const lijst = l.lijst(v, plek).map((w, j) => l.tekst(w, `${plek}[${j}]`, /^\S+$/, 'must be a value without spaces'));
    if (lijst.length === 0) l.fout(plek, 'must not be empty');
    const dubbel = lijst.find((w, j) => lijst.indexOf(w) !== j);
    if (dubbel !== undefined) l.fout(plek, `value ${dubbel} occurs twice`);
    return lijst;
  };

  const waardenlijsten = new Map<string, Record<Wet, string[]>>();
  for (const [type, v] of Object.entries(l.object(doc.waardenlijsten, 'waardenlijsten'))) {
    const plek = `waardenlijsten.${type}`;
    if (!/^LDT_[A-Za-z]+$/.test(type)) l.fout(plek, 'must name a basisschema type LDT_…');
    if (Array.isArray(v)) {
      const w = waarden(v, plek);
      waardenlijsten.set(type, { ijw: w, iwmo: w });
    } else {
      const o = l.object(v, plek);
      l.alleen(o, plek, WETTEN);
      waardenlijsten.set(type, { ijw: waarden(o.ijw, `${plek}.ijw`), iwmo: waarden(o.iwmo, `${plek}.iwmo`) });
    }
  }

  const codelijsten = new Map<string, Codelijst>();
  for (const [id, v] of Object.entries(l.object(doc.codelijsten, 'codelijsten'))) {
    const plek = `codelijsten.${id}`;
    if (!/^(COD|WJ|JZ|WMO)\d{3}$/.test(id)) l.fout(plek, 'must be a code list id of the informatiemodel (COD…, WJ…, JZ…, WMO…)');
    const o = l.object(v, plek);
    l.alleen(o, plek, ['naam', 'codes']);
    const codes = new Map<string, string>();
    l.lijst(o.codes, `${plek}.codes`).forEach((c, j) => {
      const cp = `${plek}.codes[${j}]`;
      const co = l.object(c, cp);
      l.alleen(co, cp, ['code', 'betekenis']);
      const code = l.tekst(co.code, `${cp}.code`, /^\S+$/, 'must be a code without spaces');
      if (codes.has(code)) l.fout(`${cp}.code`, `code ${code} occurs twice`);
      codes.set(code, l.tekst(co.betekenis, `${cp}.betekenis`));
    });
    if (codes.size === 0) l.fout(`${plek}.codes`, 'must not be empty');
    codelijsten.set(id, { id, naam: l.tekst(o.naam, `${plek}.naam`), codes });
  }

  const el = l.object(doc.elementen, 'elementen');
  l.alleen(el, 'elementen', WETTEN);
  const elementen = {} as Record<Wet, Map<string, string>>;
  for (const wet of WETTEN) {
    const m = new Map<string, string>();
    for (const [element, id] of Object.entries(l.object(el[wet], `elementen.${wet}`))) {
      const lijst = l.tekst(id, `elementen.${wet}.${element}`);
      if (!codelijsten.has(lijst)) l.fout(`elementen.${wet}.${element}`, `code list ${lijst} is not in codelijsten`);
      m.set(element, lijst);
    }
    elementen[wet] = m;
  }
  return { waardenlijsten, codelijsten, elementen };
}

/** Reads and checks every code-list file of a folder. Throws a {@link CodelijstFout} on the first problem. */
export function leesCodelijsten(map: string): Codelijsten {
  return { map, gemeentecodes: leesGemeentecodes(map), istandaarden: leesIstandaardenCodelijsten(map) };
}

// ---------------------------------------------------------------------------------------------
// The lists in use

let actief: Codelijsten | undefined;

/** Makes these lists the ones in use (the gateway, at start, after reading and checking them). */
export function gebruikCodelijsten(c: Codelijsten): void {
  actief = c;
}

/** The lists in use; on first use without a gateway, those of {@link codelijstenMap}. */
export function codelijsten(): Codelijsten {
  actief ??= leesCodelijsten(codelijstenMap());
  return actief;
}

/** In force on `datum`: started on or before it (or before the list's start) and not yet ended. */
export function geldigOp(g: Gemeente, datum: string): boolean {
  return (g.geldigVanaf === undefined || g.geldigVanaf <= datum) && (g.geldigTot === undefined || datum < g.geldigTot);
}
