/**
 * Reading a contract register file, CSV or JSON, as a regional Zorgportaal exports it, into a
 * {@link RegisterInhoud}. A file with any error is refused as a whole: the answer lists every
 * error (line and column for CSV, JSON pointer for JSON), and the running register is untouched.
 *
 * CSV: one row per record, its kind in column `soort` (docs/contracten.md has the full layout):
 * - `tarief`: a contract's product with one tariff period; the contract's own fields (raamovereenkomst,
 *   perceel, wet, contract_van, contract_tot, hoofdaannemer, onderaannemers, gemeenten,
 *   max_per_jaar, max_totaal) are repeated on each of its rows and must agree;
 * - `status`: a provider's contract status over a period;
 * - `waswordt`: an old→new product code with its switch date.
 * Amounts in euros ("78,50"); lists separated by `|`; max_per_jaar as `2025=1500000,00|2026=...`.
 */
import { codelijstVoor, gemeenteGeldigIn, isCbsGemeente } from '../standards/istandaarden/codelists.js';
import { euroNaarCenten, leesCsv, MAX_FOUTEN, type FoutRegel } from './csv.js';
import {
  BEKOSTIGINGSVORMEN, CONTRACT_STATUSSEN, overlappen,
  type Bekostigingsvorm, type Contract, type ContractStatus, type RegisterInhoud, type Wet,
} from './model.js';

export type Gelezen = { ok: true; inhoud: RegisterInhoud } | { ok: false; fouten: FoutRegel[]; meer: number };

const DATUM = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const AGB = /^\d{8}$/;
const PRODUCTCODE = /^[0-9A-Z]{5}$/;

export function geldigeDatum(d: unknown): d is string {
  if (typeof d !== 'string' || !DATUM.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return t.toISOString().slice(0, 10) === d;
}

/** Where an error is: a CSV line and column, or a JSON pointer. */
type Plek = (pad: Array<string | number>, veld: string) => { regel: number; veld: string };

function afsluiten(fouten: FoutRegel[], inhoud: RegisterInhoud): Gelezen {
  if (fouten.length === 0) return { ok: true, inhoud };
  fouten.sort((a, b) => a.regel - b.regel);
  return { ok: false, fouten: fouten.slice(0, MAX_FOUTEN), meer: Math.max(0, fouten.length - MAX_FOUTEN) };
}

// ---------------------------------------------------------------------------------------------
// JSON

export function leesRegisterJson(tekst: string): Gelezen {
  let data: unknown;
  try {
    data = JSON.parse(tekst.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, fouten: [{ regel: 0, veld: '', melding: 'het bestand is geen geldige JSON' }], meer: 0 };
  }
  const fouten: FoutRegel[] = [];
  const plek: Plek = (pad, veld) => ({ regel: 0, veld: '/' + [...pad, veld].filter((x) => x !== '').join('/') });
  const inhoud = vormJson(data, fouten, plek);
  if (inhoud) controleer(inhoud, fouten, plek);
  return afsluiten(fouten, inhoud ?? { contracten: [], wasWordt: [] });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the JSON's shape (types) and copies it into the model; content checks follow in `controleer`. */
function vormJson(data: unknown, fouten: FoutRegel[], plek: Plek): RegisterInhoud | undefined {
  const fout = (pad: Array<string | number>, veld: string, melding: string) => fouten.push({ ...plek(pad, veld), melding });
  if (!isObject(data) || !Array.isArray(data.contracten)) {
    fout([], 'contracten', 'het bestand moet een object met een lijst "contracten" zijn');
    return undefined;
  }
  const tekst = (o: Record<string, unknown>, pad: Array<string | number>, k: string, verplicht = true): string => {
    const v = o[k];
    if (v === undefined && !verplicht) return '';
    if (typeof v !== 'string') fout(pad, k, 'moet tekst zijn');
    return typeof v === 'string' ? v : '';
  };
  const lijst = (o: Record<string, unknown>, pad: Array<string | number>, k: string, verplicht = true): unknown[] => {
    const v = o[k];
    if (v === undefined && !verplicht) return [];
    if (!Array.isArray(v)) fout(pad, k, 'moet een lijst zijn');
    return Array.isArray(v) ? v : [];
  };
  const getal = (o: Record<string, unknown>, pad: Array<string | number>, k: string): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) fout(pad, k, 'moet een geheel bedrag in centen zijn');
    return typeof v === 'number' ? v : Number.NaN;
  };
  const periode = (o: unknown, pad: Array<string | number>) => {
    if (!isObject(o)) {
      fout(pad, '', 'moet een periode { van, tot } zijn');
      return { van: '' };
    }
    const tot = tekst(o, pad, 'tot', false);
    return { van: tekst(o, pad, 'van'), ...(tot ? { tot } : {}) };
  };
  const contracten: Contract[] = data.contracten.map((c, i): Contract => {
    const p = ['contracten', i];
    if (!isObject(c)) {
      fout(p, '', 'moet een object zijn');
      return leegContract();
    }
    const max = isObject(c.maximum) ? c.maximum : {};
    if (!isObject(c.maximum)) fout(p, 'maximum', 'moet een object { perJaar, totaal } zijn');
    const perJaar: Record<string, number> = {};
    if (isObject(max.perJaar)) for (const jaar of Object.keys(max.perJaar)) perJaar[jaar] = getal(max.perJaar, [...p, 'maximum', 'perJaar'], jaar);
    else fout([...p, 'maximum'], 'perJaar', 'moet een object jaar → bedrag in centen zijn');
    return {
      id: tekst(c, p, 'id'),
      raamovereenkomst: tekst(c, p, 'raamovereenkomst'),
      perceel: tekst(c, p, 'perceel'),
      wet: tekst(c, p, 'wet') as Wet,
      geldig: periode(c.geldig, [...p, 'geldig']),
      hoofdaannemer: tekst(c, p, 'hoofdaannemer'),
      onderaannemers: lijst(c, p, 'onderaannemers', false).map((x, j) => (typeof x === 'string' ? x : (fout([...p, 'onderaannemers'], String(j), 'moet tekst zijn'), ''))),
      gemeenten: lijst(c, p, 'gemeenten').map((x, j) => (typeof x === 'string' ? x : (fout([...p, 'gemeenten'], String(j), 'moet tekst zijn'), ''))),
      maximum: { perJaar, ...(max.totaal !== undefined ? { totaal: getal(max, [...p, 'maximum'], 'totaal') } : {}) },
      producten: lijst(c, p, 'producten').map((x, j) => {
        const pp = [...p, 'producten', j];
        if (!isObject(x)) return (fout(pp, '', 'moet een object zijn'), { categorie: '', code: '', bekostigingsvorm: 'inspanningsgericht' as Bekostigingsvorm, eenheid: '', frequentie: '', tarieven: [] });
        return {
          categorie: tekst(x, pp, 'categorie'),
          code: tekst(x, pp, 'code'),
          bekostigingsvorm: tekst(x, pp, 'bekostigingsvorm') as Bekostigingsvorm,
          eenheid: tekst(x, pp, 'eenheid'),
          frequentie: tekst(x, pp, 'frequentie'),
          tarieven: lijst(x, pp, 'tarieven').map((t, k) => {
            const tp = [...pp, 'tarieven', k];
            if (!isObject(t)) return (fout(tp, '', 'moet een object zijn'), { van: '', tarief: Number.NaN });
            return { ...periode(t, tp), tarief: getal(t, tp, 'tarief') };
          }),
        };
      }),
      status: lijst(c, p, 'status', false).map((s, j) => {
        const sp = [...p, 'status', j];
        if (!isObject(s)) return (fout(sp, '', 'moet een object zijn'), { aanbieder: '', status: 'actief' as ContractStatus, van: '' });
        return { aanbieder: tekst(s, sp, 'aanbieder'), status: tekst(s, sp, 'status') as ContractStatus, ...periode(s, sp) };
      }),
    };
  });
  const wasWordt = (Array.isArray(data.wasWordt) ? data.wasWordt : []).map((w, i) => {
    const p = ['wasWordt', i];
    if (!isObject(w) || !isObject(w.oud) || !isObject(w.nieuw)) {
      fout(p, '', 'moet een object { wet, oud, nieuw, omzetdatum } zijn');
      return { wet: 'ijw' as Wet, oud: { categorie: '', code: '' }, nieuw: { categorie: '', code: '' }, omzetdatum: '' };
    }
    return {
      wet: tekst(w, p, 'wet') as Wet,
      oud: { categorie: tekst(w.oud, [...p, 'oud'], 'categorie'), code: tekst(w.oud, [...p, 'oud'], 'code') },
      nieuw: { categorie: tekst(w.nieuw, [...p, 'nieuw'], 'categorie'), code: tekst(w.nieuw, [...p, 'nieuw'], 'code') },
      omzetdatum: tekst(w, p, 'omzetdatum'),
    };
  });
  if (data.wasWordt !== undefined && !Array.isArray(data.wasWordt)) fout([], 'wasWordt', 'moet een lijst zijn');
  return { contracten, wasWordt };
}

function leegContract(): Contract {
  return { id: '', raamovereenkomst: '', perceel: '', wet: 'ijw', geldig: { van: '' }, hoofdaannemer: '', onderaannemers: [], gemeenten: [], producten: [], maximum: { perJaar: {} }, status: [] };
}

// ---------------------------------------------------------------------------------------------
// CSV

const CONTRACT_KOLOMMEN = ['raamovereenkomst', 'perceel', 'wet', 'contract_van', 'contract_tot', 'hoofdaannemer', 'onderaannemers', 'gemeenten', 'max_per_jaar', 'max_totaal'] as const;
export const REGISTER_CSV_KOLOMMEN = ['soort', 'contract', ...CONTRACT_KOLOMMEN, 'categorie', 'code', 'bekostigingsvorm', 'eenheid', 'frequentie', 'van', 'tot', 'tarief', 'aanbieder', 'status', 'oud_categorie', 'oud_code', 'omzetdatum'] as const;

export function leesRegisterCsv(tekst: string): Gelezen {
  const fouten: FoutRegel[] = [];
  const rijen = leesCsv(tekst, ['soort', 'contract'], fouten);
  const contracten = new Map<string, { contract: Contract; regel: number; velden: Record<string, string> }>();
  // Where each part came from, for the content checks' error locations.
  const regels = new Map<string, number>();
  const sleutel = (pad: Array<string | number>) => pad.join('/');
  const wasWordt: RegisterInhoud['wasWordt'] = [];
  const statussen: Array<{ contract: string; regel: number; s: Contract['status'][number] }> = [];
  const fout = (regel: number, veld: string, melding: string) => fouten.push({ regel, veld, melding });

  for (const { regel, velden: v } of rijen) {
    const soort = v.soort ?? '';
    const bedrag = (k: string): number => {
      const c = euroNaarCenten(v[k] ?? '');
      if (c === undefined) fout(regel, k, 'moet een bedrag in euro\'s zijn, bijvoorbeeld 78,50');
      return c ?? Number.NaN;
    };
    if (soort === 'tarief') {
      const id = v.contract ?? '';
      let entry = contracten.get(id);
      if (!entry) {
        const perJaar: Record<string, number> = {};
        for (const deel of (v.max_per_jaar ?? '').split('|').filter(Boolean)) {
          const [jaar, euro] = deel.split('=');
          const c = euroNaarCenten(euro ?? '');
          if (!jaar || c === undefined) fout(regel, 'max_per_jaar', 'moet jaar=bedrag zijn, gescheiden door |, bijvoorbeeld 2025=1500000,00');
          else perJaar[jaar.trim()] = c;
        }
        const contract: Contract = {
          id,
          raamovereenkomst: v.raamovereenkomst ?? '',
          perceel: v.perceel ?? '',
          wet: (v.wet ?? '') as Wet,
          geldig: { van: v.contract_van ?? '', ...(v.contract_tot ? { tot: v.contract_tot } : {}) },
          hoofdaannemer: v.hoofdaannemer ?? '',
          onderaannemers: (v.onderaannemers ?? '').split('|').map((s) => s.trim()).filter(Boolean),
          gemeenten: (v.gemeenten ?? '').split('|').map((s) => s.trim()).filter(Boolean),
          producten: [],
          maximum: { perJaar, ...(v.max_totaal ? { totaal: bedrag('max_totaal') } : {}) },
          status: [],
        };
        entry = { contract, regel, velden: v };
        contracten.set(id, entry);
        regels.set(sleutel(['contracten', id]), regel);
      } else {
        for (const k of CONTRACT_KOLOMMEN) {
          if ((v[k] ?? '') !== (entry.velden[k] ?? '')) fout(regel, k, `wijkt af van regel ${entry.regel} van hetzelfde contract`);
        }
      }
      const c = entry.contract;
      let product = c.producten.find((p) => p.categorie === v.categorie && p.code === v.code);
      if (!product) {
        product = { categorie: v.categorie ?? '', code: v.code ?? '', bekostigingsvorm: (v.bekostigingsvorm ?? '') as Bekostigingsvorm, eenheid: v.eenheid ?? '', frequentie: v.frequentie ?? '', tarieven: [] };
        c.producten.push(product);
        regels.set(sleutel(['contracten', id, 'producten', c.producten.length - 1]), regel);
      } else {
        for (const k of ['bekostigingsvorm', 'eenheid', 'frequentie'] as const) if ((v[k] ?? '') !== product[k]) fout(regel, k, 'wijkt af van een eerdere regel van hetzelfde product');
      }
      product.tarieven.push({ van: v.van ?? '', ...(v.tot ? { tot: v.tot } : {}), tarief: bedrag('tarief') });
      regels.set(sleutel(['contracten', id, 'producten', c.producten.indexOf(product), 'tarieven', product.tarieven.length - 1]), regel);
    } else if (soort === 'status') {
      statussen.push({ contract: v.contract ?? '', regel, s: { aanbieder: v.aanbieder ?? '', status: (v.status ?? '') as ContractStatus, van: v.van ?? '', ...(v.tot ? { tot: v.tot } : {}) } });
    } else if (soort === 'waswordt') {
      wasWordt.push({ wet: (v.wet ?? '') as Wet, oud: { categorie: v.oud_categorie ?? '', code: v.oud_code ?? '' }, nieuw: { categorie: v.categorie ?? '', code: v.code ?? '' }, omzetdatum: v.omzetdatum ?? '' });
      regels.set(sleutel(['wasWordt', wasWordt.length - 1]), regel);
    } else {
      fout(regel, 'soort', 'moet tarief, status of waswordt zijn');
    }
  }
  for (const { contract, regel, s } of statussen) {
    const entry = contracten.get(contract);
    if (!entry) {
      fout(regel, 'contract', 'dit contract heeft geen tariefregels in het bestand');
      continue;
    }
    entry.contract.status.push(s);
    regels.set(sleutel(['contracten', contract, 'status', entry.contract.status.length - 1]), regel);
  }
  const inhoud: RegisterInhoud = { contracten: [...contracten.values()].map((e) => e.contract), wasWordt };
  // Content errors point at the CSV line the part came from, and at the CSV column of the field.
  const kolom: Record<string, string> = { van: 'van', tot: 'tot', 'geldig.van': 'contract_van', 'geldig.tot': 'contract_tot', 'oud.code': 'oud_code', 'oud.categorie': 'oud_categorie', 'nieuw.code': 'code', 'nieuw.categorie': 'categorie' };
  const plek: Plek = (pad, veld) => {
    const idPad = pad.map((p, i) => (pad[i - 1] === 'contracten' && typeof p === 'number' ? inhoud.contracten[p]?.id ?? p : p));
    for (let n = idPad.length; n >= 0; n--) {
      const r = regels.get(sleutel(idPad.slice(0, n)));
      if (r !== undefined) return { regel: r, veld: kolom[veld] ?? veld.replace(/^maximum\./, 'max_').replace('perJaar', 'per_jaar') };
    }
    return { regel: 0, veld };
  };
  controleer(inhoud, fouten, plek);
  return afsluiten(fouten, inhoud);
}

// ---------------------------------------------------------------------------------------------
// Content checks, the same for both formats

function controleer(inhoud: RegisterInhoud, fouten: FoutRegel[], plek: Plek): void {
  const fout = (pad: Array<string | number>, veld: string, melding: string) => fouten.push({ ...plek(pad, veld), melding });
  const datum = (pad: Array<string | number>, veld: string, v: string | undefined, verplicht: boolean) => {
    if (v === undefined || v === '') {
      if (verplicht) fout(pad, veld, 'datum ontbreekt');
      return;
    }
    if (!geldigeDatum(v)) fout(pad, veld, 'moet een datum JJJJ-MM-DD zijn');
  };
  const periode = (pad: Array<string | number>, prefix: string, p: { van: string; tot?: string }) => {
    datum(pad, `${prefix}van`, p.van, true);
    datum(pad, `${prefix}tot`, p.tot, false);
    if (geldigeDatum(p.van) && p.tot && geldigeDatum(p.tot) && p.tot < p.van) fout(pad, `${prefix}tot`, 'ligt voor de begindatum');
  };
  const ids = new Set<string>();
  inhoud.contracten.forEach((c, i) => {
    const p = ['contracten', i];
    if (!c.id) fout(p, 'id', 'contractnummer ontbreekt');
    else if (ids.has(c.id)) fout(p, 'id', 'contractnummer komt twee keer voor');
    ids.add(c.id);
    if (!c.raamovereenkomst) fout(p, 'raamovereenkomst', 'ontbreekt');
    if (!c.perceel) fout(p, 'perceel', 'ontbreekt');
    const wetOk = c.wet === 'ijw' || c.wet === 'iwmo';
    if (!wetOk) fout(p, 'wet', 'moet ijw of iwmo zijn');
    periode(p, 'geldig.', c.geldig);
    if (!AGB.test(c.hoofdaannemer)) fout(p, 'hoofdaannemer', 'moet een AGB-code van 8 cijfers zijn');
    c.onderaannemers.forEach((o) => {
      if (!AGB.test(o)) fout(p, 'onderaannemers', 'moet AGB-codes van 8 cijfers bevatten');
      else if (o === c.hoofdaannemer) fout(p, 'onderaannemers', 'de hoofdaannemer is geen onderaannemer van zichzelf');
    });
    if (c.gemeenten.length === 0) fout(p, 'gemeenten', 'het contract dekt geen enkele gemeente');
    for (const g of c.gemeenten) {
      if (!isCbsGemeente(g)) fout(p, 'gemeenten', `onbekende gemeentecode ${/^\d{4}$/.test(g) ? g : '(geen 4 cijfers)'}`);
      // A code the herindelingen ended before the contract starts (or that starts after it ends) cannot be party to it.
      else if (geldigeDatum(c.geldig.van) && (!c.geldig.tot || geldigeDatum(c.geldig.tot)) && !gemeenteGeldigIn(g, c.geldig.van, c.geldig.tot)) {
        fout(p, 'gemeenten', `gemeentecode ${g} gold niet tijdens de looptijd van het contract (gemeentelijke herindeling, codelijsten/gemeentecodes.json)`);
      }
    }
    if (new Set(c.gemeenten).size !== c.gemeenten.length) fout(p, 'gemeenten', 'een gemeente staat er twee keer in');
    for (const [jaar, v] of Object.entries(c.maximum.perJaar)) {
      if (!/^\d{4}$/.test(jaar)) fout(p, 'maximum.perJaar', 'jaar moet JJJJ zijn');
      if (!(v >= 0)) fout(p, 'maximum.perJaar', 'maximum mag niet negatief zijn');
    }
    if (c.maximum.totaal !== undefined && !(c.maximum.totaal >= 0)) fout(p, 'maximum.totaal', 'maximum mag niet negatief zijn');
    if (c.producten.length === 0) fout(p, 'producten', 'het contract heeft geen producten');
    const gezien = new Set<string>();
    c.producten.forEach((pr, j) => {
      const pp = [...p, 'producten', j];
      const lijst = wetOk ? codelijstVoor(c.wet, 'Categorie') : undefined;
      if (lijst && !lijst.codes.has(pr.categorie)) fout(pp, 'categorie', `onbekende productcategorie (${lijst.id})`);
      if (!PRODUCTCODE.test(pr.code)) fout(pp, 'code', 'productcode moet 5 tekens (cijfers of hoofdletters) zijn');
      else if (pr.code.slice(0, 2) !== pr.categorie) fout(pp, 'code', 'productcode hoort niet bij de productcategorie');
      if (gezien.has(`${pr.categorie}/${pr.code}`)) fout(pp, 'code', 'product staat twee keer in het contract');
      gezien.add(`${pr.categorie}/${pr.code}`);
      if (!BEKOSTIGINGSVORMEN.includes(pr.bekostigingsvorm)) fout(pp, 'bekostigingsvorm', `moet ${BEKOSTIGINGSVORMEN.join(', ')} zijn`);
      if (wetOk && !codelijstVoor(c.wet, 'Eenheid').codes.has(pr.eenheid)) fout(pp, 'eenheid', 'onbekende eenheid (WJ756)');
      if (wetOk && !codelijstVoor(c.wet, 'Frequentie').codes.has(pr.frequentie)) fout(pp, 'frequentie', 'onbekende frequentie (WJ757)');
      if (pr.tarieven.length === 0) fout(pp, 'tarieven', 'product zonder tarief');
      pr.tarieven.forEach((t, k) => {
        const tp = [...pp, 'tarieven', k];
        periode(tp, '', t);
        if (!Number.isSafeInteger(t.tarief)) fout(tp, 'tarief', 'tarief ontbreekt of is geen bedrag');
        else if (t.tarief < 0) fout(tp, 'tarief', 'tarief mag niet negatief zijn');
        if (geldigeDatum(t.van) && geldigeDatum(c.geldig.van) && (t.van < c.geldig.van || (c.geldig.tot !== undefined && (t.tot === undefined || t.tot > c.geldig.tot)))) {
          fout(tp, 'van', 'tariefperiode valt buiten de looptijd van het contract');
        }
        for (let m = 0; m < k; m++) if (overlappen(pr.tarieven[m]!, t)) fout(tp, 'van', `tariefperiode overlapt met tariefperiode ${m + 1} van dit product`);
      });
    });
    const rollen = new Set([c.hoofdaannemer, ...c.onderaannemers]);
    c.status.forEach((s, j) => {
      const sp = [...p, 'status', j];
      if (!rollen.has(s.aanbieder)) fout(sp, 'aanbieder', 'is geen hoofd- of onderaannemer van dit contract');
      if (!CONTRACT_STATUSSEN.includes(s.status)) fout(sp, 'status', `moet ${CONTRACT_STATUSSEN.join(', ')} zijn`);
      periode(sp, '', s);
      for (let m = 0; m < j; m++) {
        const o = c.status[m]!;
        if (o.aanbieder === s.aanbieder && overlappen(o, s)) fout(sp, 'van', `statusperiode overlapt met statusperiode ${m + 1} van deze aanbieder`);
      }
    });
  });
  // Two contracts may not both cover the same provider, gemeente and product at the same time:
  // the check on a declaratie must find exactly one contract tariff.
  const dekking = new Map<string, number[]>();
  inhoud.contracten.forEach((c, i) => {
    for (const pr of c.producten) for (const g of c.gemeenten) {
      const k = `${c.wet}/${c.hoofdaannemer}/${g}/${pr.categorie}/${pr.code}`;
      const eerder = dekking.get(k) ?? [];
      for (const e of eerder) {
        const o = inhoud.contracten[e]!;
        if (overlappen(o.geldig, c.geldig)) fout(['contracten', i], 'geldig.van', `looptijd overlapt met contract ${o.id} voor dezelfde aanbieder, gemeente ${g} en product ${pr.code}`);
      }
      dekking.set(k, [...eerder, i]);
    }
  });
  const oud = new Set<string>();
  inhoud.wasWordt.forEach((w, i) => {
    const p = ['wasWordt', i];
    const wetOk = w.wet === 'ijw' || w.wet === 'iwmo';
    if (!wetOk) fout(p, 'wet', 'moet ijw of iwmo zijn');
    for (const [k, v] of [['oud', w.oud], ['nieuw', w.nieuw]] as const) {
      if (wetOk && !codelijstVoor(w.wet, 'Categorie').codes.has(v.categorie)) fout(p, `${k}.categorie`, 'onbekende productcategorie');
      if (!PRODUCTCODE.test(v.code)) fout(p, `${k}.code`, 'productcode moet 5 tekens zijn');
    }
    if (w.oud.code === w.nieuw.code && w.oud.categorie === w.nieuw.categorie) fout(p, 'nieuw.code', 'nieuwe code is gelijk aan de oude');
    datum(p, 'omzetdatum', w.omzetdatum, true);
    const k = `${w.wet}/${w.oud.categorie}/${w.oud.code}`;
    if (oud.has(k)) fout(p, 'oud.code', 'oude code staat twee keer in de was-wordt-tabel');
    oud.add(k);
    const bekend = inhoud.contracten.some((c) => c.wet === w.wet && c.producten.some((pr) => pr.categorie === w.nieuw.categorie && pr.code === w.nieuw.code));
    if (!bekend) fout(p, 'nieuw.code', 'nieuwe productcode komt in geen enkel contract voor');
  });
}

/** Reads a register file by its content type or, failing that, its first character. */
export function leesRegister(tekst: string, contentType: string): Gelezen {
  const json = /json/i.test(contentType) || (!/csv|text\/plain/i.test(contentType) && /^\s*[{[]/.test(tekst.replace(/^\uFEFF/, '')));
  return json ? leesRegisterJson(tekst) : leesRegisterCsv(tekst);
}
