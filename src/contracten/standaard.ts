/**
 * The contract register's part in accepting an iJw/iWmo bericht. Wraps the standard (nothing in
 * it changes): inside the accepting transaction, after the standard's own recording, it feeds the
 * ceiling monitor (323, 325), the conversation ledger, and logs what the contract rules noted
 * (was-wordt translations, warnings: rule ids and element paths, never a value).
 */
import type { Inspection, InboundMessage, InspectionContext, Standard } from '../core/message.js';
import type { ExchangeLog } from '../log/exchange-log.js';
import type { Queryable } from '../store/db.js';
import type { IstandaardenPrepared } from '../standards/istandaarden/standard.js';
import { antwoord325, declaratieNummer, leesbaar, prestaties323 } from './bericht.js';
import { volgendeBeurt } from '../util/beurt.js';
import { PAUZE_NA, type CeilingMonitor, type MonitorBerekening, type MonitorPrestatie } from './monitor.js';
import type { ContractIndex } from './register.js';
import { notitiesVan, registerVan } from './regels.js';
import type { ContractVersies } from './versies.js';

export interface NaAcceptatie {
  (tx: Queryable, prepared: IstandaardenPrepared, messageId: string): Promise<void>;
}

export class ContractStandard implements Standard {
  readonly name: string;

  constructor(
    private readonly inner: Standard,
    private readonly deps: { versies: ContractVersies; monitor: CeilingMonitor; log: ExchangeLog; na?: NaAcceptatie[]; onAlarm?: () => void },
  ) {
    this.name = inner.name;
  }

  async inspect(msg: InboundMessage, ctx: InspectionContext): Promise<Inspection> {
    const inspection = await this.inner.inspect(msg, ctx);
    const p = inspection.prepared as IstandaardenPrepared | undefined;
    // An acceptable 323's monitor rows are worked out now, under the register its rules used, so
    // the accepting transaction only writes them (for 10,000 prestaties that was 100 ms or more
    // inside it, with the group commit's writer waiting).
    if (inspection.known && inspection.problems.length === 0 && p && 'root' in p && p.nummer === '323') {
      const index = await (registerVan(p.root) ?? this.deps.versies.actueel());
      this.berekend.set(p, await this.bereken323(p, index, ctx.messageId));
    }
    return inspection;
  }

  /** What bereken323 worked out for an inspected 323, until its transaction writes it. */
  private readonly berekend = new WeakMap<IstandaardenPrepared, MonitorBerekening>();

  private async bereken323(p: IstandaardenPrepared, index: ContractIndex, messageId: string): Promise<MonitorBerekening> {
    const l = leesbaar(p.root, p.standaard, p.nummer);
    const prestaties: MonitorPrestatie[] = [];
    for (const x of prestaties323(l)) {
      if (prestaties.length > 0 && prestaties.length % PAUZE_NA === 0) await volgendeBeurt();
      const code = x.product?.categorie && x.product.code ? index.vertaling(p.standaard, x.product.categorie, x.product.code, x.begindatum) : undefined;
      prestaties.push({
        bsn: x.bsn, referentie: x.referentie,
        categorie: code ? code.regel.nieuw.categorie : (x.product?.categorie ?? ''),
        code: code ? code.regel.nieuw.code : (x.product?.code ?? ''),
        begindatum: x.begindatum, volume: Number.isFinite(x.volume) ? x.volume : null, eenheid: x.eenheid || null, bedrag: Number.isFinite(x.bedrag) ? x.bedrag : 0,
      });
    }
    return this.deps.monitor.bereken(index, { bron: '323', wet: p.standaard, aanbieder: l.aanbieder, gemeente: l.gemeente, declaratie: declaratieNummer(l, 'Declaratie'), messageId }, prestaties);
  }

  // The wrapped standard's own answer to a reused Identificatie (TR056, 9056) must survive the wrapping.
  refusesReusedId(msg: InboundMessage): boolean {
    return this.inner.refusesReusedId?.(msg) ?? false;
  }

  async recordAccepted(tx: Queryable, msg: InboundMessage, inspection: Inspection, messageId: string): Promise<void> {
    await this.inner.recordAccepted?.(tx, msg, inspection, messageId);
    const p = inspection.prepared as IstandaardenPrepared | undefined;
    if (!p || !('root' in p)) return;
    for (const na of this.deps.na ?? []) await na(tx, p, messageId);
    if (p.nummer === '323') {
      // Worked out before the transaction; again here only if the register changed meanwhile.
      const index = await this.deps.versies.actueel(tx);
      const vooraf = this.berekend.get(p);
      this.berekend.delete(p);
      const berekening = vooraf && vooraf.versie === index.versie && vooraf.bron.messageId === messageId ? vooraf : await this.bereken323(p, index, messageId);
      const alarmen = await this.deps.monitor.schrijf(tx, berekening);
      if (alarmen.length > 0) this.deps.onAlarm?.();
    } else if (p.nummer === '325') {
      const l = leesbaar(p.root, p.standaard, p.nummer);
      const a = antwoord325(l);
      await this.deps.monitor.registreerAntwoord(tx, { wet: p.standaard, aanbieder: l.aanbieder, gemeente: l.gemeente, declaratie: a.declaratieNummer, messageId }, a.beoordeeld, a.afgewezen);
    }
    const notities = notitiesVan(p.root);
    if (notities && (notities.waarschuwingen.length > 0 || notities.vertalingen.length > 0)) {
      await this.deps.log.append(tx, {
        messageId,
        eventType: 'contract_check',
        channel: msg.channel,
        standard: msg.standard,
        messageType: msg.messageType,
        sender: msg.sender,
        receiver: msg.receiver ?? null,
        detail: { registerVersie: notities.registerVersie, waarschuwingen: notities.waarschuwingen, vertalingen: notities.vertalingen },
      });
    }
  }
}
