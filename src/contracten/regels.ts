/**
 * The contract checks on the message traffic, as rules of the iStandaarden rule runner
 * (src/standards/istandaarden/rules/): they are handed to it through `extraRegels`, run after
 * its own rules, and report through the same `fout`, so their retourcodes land on the record
 * in the retourbericht or the rejecting 325 like every other rule's.
 *
 * Whether a rule rejects (`afkeuren`) or only warns (`waarschuwen`) is configured per rule: the
 * knooppunt does not take substantive decisions itself. A warning does not reject the bericht; it
 * is kept with the bericht and written to the log (`contract_check` event) when it is accepted.
 * Was-wordt translations are recorded the same way. The checks apply only to gemeenten that buy
 * the wet through the register, so a gemeente outside it is not affected.
 *
 * The rules and their codes are listed in docs/istandaarden/regels.md ("Contractregels").
 */
import type { XmlElement } from '../xml/parse.js';
import type { Bericht } from '../standards/istandaarden/rules/bericht.js';
import type { Regel } from '../standards/istandaarden/rules/types.js';
import { leesbaar, leesPrestaties323Vooraf, prestaties323, toewijzingProducten, type Leesbaar, type ProductVerwijzing } from './bericht.js';
import type { ContractIndex, Dekking } from './register.js';
import type { Wet } from './model.js';

export type Afhandeling = 'afkeuren' | 'waarschuwen';
export const CONTRACTREGEL_IDS = ['TR418', 'KP-C01', 'KP-C02', 'KP-C03'] as const;
export type ContractregelId = (typeof CONTRACTREGEL_IDS)[number];

/** TR418 is a rule of the standard (retourcode 0611): it rejects by default; the region's own rules warn. */
export const STANDAARD_AFHANDELING: Readonly<Record<ContractregelId, Afhandeling>> = { TR418: 'afkeuren', 'KP-C01': 'waarschuwen', 'KP-C02': 'waarschuwen', 'KP-C03': 'waarschuwen' };

export interface ContractBevinding {
  regel: string;
  retourcode: string;
  location: string;
}

export interface WasWordtVertaling {
  location: string;
  oud: string;
  nieuw: string;
  omzetdatum: string;
  naOmzet: boolean;
}

/** What the contract rules noted on one bericht beyond the failures they reported to the runner. */
export interface ContractNotities {
  waarschuwingen: ContractBevinding[];
  vertalingen: WasWordtVertaling[];
  registerVersie: number;
}

/** Per parsed bericht (its root element): the register version it was checked against and the notes. */
const perBericht = new WeakMap<XmlElement, { index: Promise<ContractIndex>; notities: ContractNotities; vertaald: Set<XmlElement> }>();

export function notitiesVan(root: XmlElement): ContractNotities | undefined {
  return perBericht.get(root)?.notities;
}

/** The register the contract rules checked this bericht against (undefined when they did not run on it). */
export function registerVan(root: XmlElement): Promise<ContractIndex> | undefined {
  return perBericht.get(root)?.index;
}

interface Context {
  b: Bericht;
  l: Leesbaar;
  index: ContractIndex;
  wet: Wet;
  melden(regel: Regel, record: XmlElement, plek?: XmlElement): void;
  /** The product code to check, after was-wordt (records the translation once per element). */
  effectief(p: ProductVerwijzing, datum: string): ProductVerwijzing;
}

export function contractRegels(opts: { register: () => Promise<ContractIndex>; afhandeling?: Partial<Record<ContractregelId, Afhandeling>> }): Regel[] {
  const afhandeling = { ...STANDAARD_AFHANDELING, ...(opts.afhandeling ?? {}) };

  async function context(b: Bericht, fout: (record: XmlElement, plek?: XmlElement) => void): Promise<Context | undefined> {
    let staat = perBericht.get(b.root);
    if (!staat) {
      const index = opts.register();
      staat = { index, notities: { waarschuwingen: [], vertalingen: [], registerVersie: 0 }, vertaald: new Set() };
      perBericht.set(b.root, staat);
    }
    const index = await staat.index;
    staat.notities.registerVersie = index.versie;
    const l = leesbaar(b.root, b.standaard, b.nummer);
    // A large declaratie's prestaties are read once, here, giving the event loop back as they are.
    if (b.nummer === '323' && b.ctx.pauze) await leesPrestaties323Vooraf(l, b.ctx.pauze);
    const wet = b.standaard;
    if (!index.gemeenteInRegister(wet, l.gemeente)) return undefined;
    const s = staat;
    return {
      b, l, index, wet,
      melden(r, record, plek) {
        if (afhandeling[r.id as ContractregelId] === 'afkeuren') fout(record, plek);
        else s.notities.waarschuwingen.push({ regel: r.id, retourcode: r.retourcode, location: b.pad(plek ?? record) });
      },
      effectief(p, datum) {
        if (!p.categorie || !p.code) return p;
        const v = index.vertaling(wet, p.categorie, p.code, datum);
        if (!v) return p;
        if (!s.vertaald.has(p.plek)) {
          s.vertaald.add(p.plek);
          s.notities.vertalingen.push({ location: b.pad(p.plek), oud: `${p.categorie}/${p.code}`, nieuw: `${v.regel.nieuw.categorie}/${v.regel.nieuw.code}`, omzetdatum: v.regel.omzetdatum, naOmzet: v.naOmzet });
        }
        return { categorie: v.regel.nieuw.categorie, code: v.regel.nieuw.code, plek: p.plek };
      },
    };
  }

  /** The contract covering a product on a date, unless the provider's status there has ended it. */
  function gedekt(c: Context, p: ProductVerwijzing, datum: string): Dekking | 'categorie' | undefined {
    if (!p.categorie) return undefined;
    if (!p.code) return c.index.categorieGedekt(c.wet, c.l.aanbieder, c.l.gemeente, p.categorie, datum) ? 'categorie' : undefined;
    const d = c.index.dekkingOp(c.wet, c.l.aanbieder, c.l.gemeente, p.categorie, p.code, datum);
    if (!d) return undefined;
    const status = c.index.status(d.contract, c.l.aanbieder, datum);
    return status === 'beeindigd' || status === 'overgenomen' ? undefined : d;
  }

  const tr418: Regel = {
    id: 'TR418',
    omschrijving: 'Als ProductTarief gevuld is, moet het gelijk zijn aan het contractuele tarief op de begindatum van de ProductPeriode.',
    berichten: ['323'],
    retourcode: '0611',
    niveau: 'record',
    async toets(b, fout) {
      const c = await context(b, fout);
      if (!c) return;
      for (const p of prestaties323(c.l)) {
        if (b.tijdVoorPauze()) await b.ctx.pauze!();
        if (p.tarief === undefined || !p.product) continue;
        const d = gedekt(c, c.effectief(p.product, p.begindatum), p.begindatum);
        if (!d || d === 'categorie') continue; // not contracted: KP-C01 says so
        if (d.tarief?.tarief !== p.tarief) c.melden(tr418, p.element, p.tariefElement);
      }
    },
  };

  /** The products a 301, 305 or 323 names, each with its element and the date it is judged on. */
  const productenVan = (l: Parameters<typeof prestaties323>[0], nummer: string) =>
    nummer === '323'
      ? prestaties323(l).map((p) => ({ element: p.element, product: p.product, datum: p.begindatum }))
      : toewijzingProducten(l, nummer as '301' | '305');

  const kpC01: Regel = {
    id: 'KP-C01',
    omschrijving: 'Het product moet op die datum gecontracteerd zijn voor deze aanbieder en gemeente (contractregister van de regio).',
    berichten: ['301', '305', '323'],
    retourcode: '0001',
    niveau: 'record',
    async toets(b, fout) {
      const c = await context(b, fout);
      if (!c) return;
      const items = productenVan(c.l, b.nummer);
      for (const it of items) {
        if (b.tijdVoorPauze()) await b.ctx.pauze!();
        if (!it.product) continue; // a toewijzing without a product (budget) names nothing to check
        if (!gedekt(c, c.effectief(it.product, it.datum), it.datum)) c.melden(kpC01, it.element, it.product.plek);
      }
    },
  };

  const kpC02: Regel = {
    id: 'KP-C02',
    omschrijving: 'Een nieuwe toewijzing mag niet naar een aanbieder met een cliëntenstop onder het contract.',
    berichten: ['301'],
    retourcode: '0001',
    niveau: 'record',
    async toets(b, fout) {
      const c = await context(b, fout);
      if (!c) return;
      const datum = c.l.dagtekening;
      const stops = c.index.contractenMetStatus(c.wet, c.l.aanbieder, c.l.gemeente, datum, 'clientenstop');
      if (stops.length === 0) return;
      for (const t of toewijzingProducten(c.l, '301')) {
        // A toewijzing knooppunt carried before is a change of an existing one, not a new client.
        if (await b.toewijzing(t.toewijzingNummer)) continue;
        const p = t.product ? c.effectief(t.product, t.datum) : undefined;
        const geraakt = stops.some((s) => !p?.categorie || s.producten.some((x) => x.categorie === p.categorie && (!p.code || x.code === p.code)));
        if (geraakt) c.melden(kpC02, t.element, t.product?.plek);
      }
    },
  };

  const kpC03: Regel = {
    id: 'KP-C03',
    omschrijving: 'Een oude productcode (was-wordt-tabel) is vanaf de omzetdatum niet meer geldig.',
    berichten: ['301', '305', '323'],
    retourcode: '0001',
    niveau: 'record',
    async toets(b, fout) {
      const c = await context(b, fout);
      if (!c) return;
      const items = productenVan(c.l, b.nummer);
      for (const it of items) {
        if (b.tijdVoorPauze()) await b.ctx.pauze!();
        if (!it.product?.categorie || !it.product.code) continue;
        const v = c.index.vertaling(c.wet, it.product.categorie, it.product.code, it.datum);
        c.effectief(it.product, it.datum);
        if (v?.naOmzet) c.melden(kpC03, it.element, it.product.plek);
      }
    },
  };

  return [tr418, kpC01, kpC02, kpC03];
}
