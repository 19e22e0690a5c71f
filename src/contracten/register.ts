/**
 * The contract register as the checks and the monitor use it: one version of the register
 * content, indexed for the lookups made per prestatie (which contract covers this provider,
 * gemeente and product on this date, at what tariff; the provider's status; was-wordt).
 */
import { binnen, type Contract, type ContractProduct, type ContractStatus, type RegisterInhoud, type Tarief, type WasWordt, type Wet } from './model.js';

export interface Dekking {
  contract: Contract;
  product: ContractProduct;
  /** The tariff in force on the date; undefined when the date falls between tariff periods. */
  tarief?: Tarief;
}

export interface Vertaling {
  regel: WasWordt;
  /** True when the date is on or after the switch date: the old code is no longer valid. */
  naOmzet: boolean;
}

const k = (...d: string[]) => d.join('\u0000');

export class ContractIndex {
  /** wet/aanbieder/gemeente/categorie/code → the contracts (with their product) that cover it. */
  private readonly dekking = new Map<string, Array<{ contract: Contract; product: ContractProduct }>>();
  private readonly gemeenten = new Set<string>();
  private readonly wasWordt = new Map<string, WasWordt>();

  constructor(readonly inhoud: RegisterInhoud, readonly versie = 0) {
    for (const c of inhoud.contracten) {
      for (const g of c.gemeenten) this.gemeenten.add(k(c.wet, g));
      for (const a of [c.hoofdaannemer, ...c.onderaannemers]) {
        for (const g of c.gemeenten) {
          for (const p of c.producten) {
            const key = k(c.wet, a, g, p.categorie, p.code);
            const lijst = this.dekking.get(key) ?? [];
            lijst.push({ contract: c, product: p });
            this.dekking.set(key, lijst);
          }
        }
      }
    }
    for (const w of inhoud.wasWordt) this.wasWordt.set(k(w.wet, w.oud.categorie, w.oud.code), w);
  }

  /** Whether the gemeente buys this wet through the register: only then do the checks apply to it. */
  gemeenteInRegister(wet: Wet, gemeente: string): boolean {
    return this.gemeenten.has(k(wet, gemeente));
  }

  /** The contract covering this provider (main contractor or subcontractor), gemeente and product on this date. */
  dekkingOp(wet: Wet, aanbieder: string, gemeente: string, categorie: string, code: string, datum: string): Dekking | undefined {
    const kandidaten = this.dekking.get(k(wet, aanbieder, gemeente, categorie, code)) ?? [];
    const hit = kandidaten.find((x) => binnen(x.contract.geldig, datum));
    if (!hit) return undefined;
    const tarief = hit.product.tarieven.find((t) => binnen(t, datum));
    return { ...hit, ...(tarief ? { tarief } : {}) };
  }

  /** Whether any product of this categorie is contracted (a toewijzing without a product code names only the categorie). */
  categorieGedekt(wet: Wet, aanbieder: string, gemeente: string, categorie: string, datum: string): boolean {
    return this.inhoud.contracten.some(
      (c) => c.wet === wet && binnen(c.geldig, datum) && c.gemeenten.includes(gemeente) && (c.hoofdaannemer === aanbieder || c.onderaannemers.includes(aanbieder)) && c.producten.some((p) => p.categorie === categorie),
    );
  }

  /** The provider's status under a contract on a date: actief unless a status period says otherwise. */
  status(contract: Contract, aanbieder: string, datum: string): ContractStatus {
    return contract.status.find((s) => s.aanbieder === aanbieder && binnen(s, datum))?.status ?? 'actief';
  }

  /** The contracts covering this provider and gemeente on a date under which it has this status. */
  contractenMetStatus(wet: Wet, aanbieder: string, gemeente: string, datum: string, status: ContractStatus): Contract[] {
    return this.inhoud.contracten.filter(
      (c) => c.wet === wet && binnen(c.geldig, datum) && c.gemeenten.includes(gemeente) && (c.hoofdaannemer === aanbieder || c.onderaannemers.includes(aanbieder)) && this.status(c, aanbieder, datum) === status,
    );
  }

  /** The was-wordt entry for an old code, with whether the date is past its switch date. */
  vertaling(wet: Wet, categorie: string, code: string, datum: string): Vertaling | undefined {
    const regel = this.wasWordt.get(k(wet, categorie, code));
    return regel ? { regel, naOmzet: datum >= regel.omzetdatum } : undefined;
  }

  contract(id: string): Contract | undefined {
    return this.inhoud.contracten.find((c) => c.id === id);
  }
}
