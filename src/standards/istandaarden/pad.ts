/**
 * Walking a bericht by local element names, within the namespaces that belong to it (the bericht's
 * own and its basisschema). One set of helpers for the rules, the retourbericht and the register.
 */
import type { XmlElement } from '../../xml/parse.js';

/** Which elements count: those in the bericht's own or its basisschema namespace. */
export type Eigen = (el: XmlElement) => boolean;

export function eigenVan(...namespaces: string[]): Eigen {
  // Two namespaces (bericht and basisschema) is the case on every lookup of the rules: compared
  // directly, which costs less than a Set lookup a few hundred thousand times per big declaratie.
  if (namespaces.length === 2) {
    const [a, b] = namespaces as [string, string];
    return (el) => el.ns === a || el.ns === b;
  }
  const set = new Set(namespaces);
  return (el) => set.has(el.ns);
}

/**
 * The first child with this local name, following a path of up to four names. Named parameters,
 * not a rest list: called for every field of every record, a list per call was garbage each time.
 */
export function kind(el: XmlElement | undefined, eigen: Eigen, a: string, b?: string, c?: string, d?: string): XmlElement | undefined {
  let cur = el === undefined ? undefined : eersteKind(el, eigen, a);
  if (b !== undefined && cur !== undefined) cur = eersteKind(cur, eigen, b);
  if (c !== undefined && cur !== undefined) cur = eersteKind(cur, eigen, c);
  if (d !== undefined && cur !== undefined) cur = eersteKind(cur, eigen, d);
  return cur;
}

/** kind() with the path as a list: callers that pass a path on need not spread it again. */
export function kindLangs(el: XmlElement | undefined, eigen: Eigen, pad: readonly string[]): XmlElement | undefined {
  let cur = el;
  // Plain loops: the rules and the contract checks call this a few hundred thousand times on a big
  // declaratie, and a closure per step was a third of their time there.
  for (let i = 0; i < pad.length && cur; i++) cur = eersteKind(cur, eigen, pad[i]!);
  return cur;
}

function eersteKind(el: XmlElement, eigen: Eigen, naam: string): XmlElement | undefined {
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.name === naam && eigen(c)) return c;
  }
  return undefined;
}

/** The trimmed text at a path of up to four names below `el`; undefined when absent or empty. */
export function tekst(el: XmlElement | undefined, eigen: Eigen, a: string, b?: string, c?: string, d?: string): string | undefined {
  return getrimd(kind(el, eigen, a, b, c, d));
}

/** tekst() with the path as a list. */
export function tekstLangs(el: XmlElement | undefined, eigen: Eigen, pad: readonly string[]): string | undefined {
  return getrimd(kindLangs(el, eigen, pad));
}

/** An element's trimmed text; undefined when there is no element or its text is empty. */
function getrimd(el: XmlElement | undefined): string | undefined {
  const t = el?.text?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** Every element reached by following the path of local names (all matches at every step). */
export function alle(el: XmlElement | undefined, eigen: Eigen, ...pad: string[]): XmlElement[] {
  if (!el) return [];
  let huidige = [el];
  for (const naam of pad) huidige = huidige.flatMap((e) => e.children.filter((c) => c.name === naam && eigen(c)));
  return huidige;
}

/**
 * Names whose texts are gathered in one walk of a bericht: the data subjects (Bsn) and what the
 * register looks up up front. Each of them was a walk of the whole tree of its own, four walks
 * of 300,000 elements for a big declaratie.
 */
const SAMEN: readonly string[] = ['Bsn', 'ToewijzingNummer', 'ReferentieNummer', 'RedenBeeindiging'];
const verzameld = new WeakMap<XmlElement, Map<string, Set<string>>>();

/**
 * The distinct trimmed texts of every element with this local name, anywhere below `el` (e.g.
 * every Bsn). Remembered per element: parsed berichten are not changed after parsing.
 */
export function teksten(el: XmlElement, naam: string): ReadonlySet<string> {
  let perNaam = verzameld.get(el);
  if (!perNaam) verzameld.set(el, (perNaam = new Map()));
  let uit = perNaam.get(naam);
  if (!uit) {
    const namen = SAMEN.includes(naam) ? SAMEN : [naam];
    for (const n of namen) perNaam.set(n, new Set());
    verzamel(el, perNaam, namen);
    uit = perNaam.get(naam)!;
  }
  return uit;
}

function verzamel(el: XmlElement, perNaam: Map<string, Set<string>>, namen: readonly string[]): void {
  // An explicit stack: a walk without a call per element.
  const stapel: XmlElement[] = [el];
  while (stapel.length > 0) {
    const cur = stapel.pop()!;
    if (cur.text && namen.includes(cur.name)) perNaam.get(cur.name)!.add(cur.text.trim());
    const children = cur.children;
    for (let i = children.length - 1; i >= 0; i--) stapel.push(children[i]!);
  }
}
