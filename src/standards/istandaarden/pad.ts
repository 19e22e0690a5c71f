/**
 * Walking a bericht by local element names, within the namespaces that belong to it (the bericht's
 * own and its basisschema). One set of helpers for the rules, the retourbericht and the register.
 */
import type { XmlElement } from '../../xml/parse.js';

/** Which elements count: those in the bericht's own or its basisschema namespace. */
export type Eigen = (el: XmlElement) => boolean;

export function eigenVan(...namespaces: string[]): Eigen {
  const set = new Set(namespaces);
  return (el) => set.has(el.ns);
}

/** The first child with this local name, following a path of names. */
export function kind(el: XmlElement | undefined, eigen: Eigen, ...pad: string[]): XmlElement | undefined {
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

/** The trimmed text at a path below `el`; undefined when absent or empty. */
export function tekst(el: XmlElement | undefined, eigen: Eigen, ...pad: string[]): string | undefined {
  const t = kind(el, eigen, ...pad)?.text?.trim();
  return t === undefined || t === '' ? undefined : t;
}

/** Every element reached by following the path of local names (all matches at every step). */
export function alle(el: XmlElement | undefined, eigen: Eigen, ...pad: string[]): XmlElement[] {
  if (!el) return [];
  let huidige = [el];
  for (const naam of pad) huidige = huidige.flatMap((e) => e.children.filter((c) => c.name === naam && eigen(c)));
  return huidige;
}

/** The distinct trimmed texts of every element with this local name, anywhere below `el` (e.g. every Bsn). */
export function teksten(el: XmlElement, naam: string, uit = new Set<string>()): Set<string> {
  if (el.name === naam && el.text) uit.add(el.text.trim());
  for (const c of el.children) teksten(c, naam, uit);
  return uit;
}
