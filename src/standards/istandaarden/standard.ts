/**
 * iJw / iWmo 3.2 as a knooppunt standard. Two ways in:
 * - XML from the provider channel: XSD, then the rules, then the retourbericht (or, for a 323 that
 *   fails, a rejecting 325) as the answer. An XSD failure is answered with a transport foutbericht.
 * - JSON from a gemeente back office (REST, message types `ijw-toewijzing`, `iwmo-antwoord`, ...):
 *   JSON Schema, then translated to the bericht XML, which must pass the same XSD and rules before
 *   it is sent to the provider.
 */
import type { InboundMessage, Inspection, InspectionContext, Problem, Standard } from '../../core/message.js';
import type { PartyRegistry } from '../../parties/registry.js';
import type { Queryable } from '../../store/db.js';
import type { CompiledMapping } from '../../mapping/index.js';
import type { XmlElement } from '../../xml/parse.js';
import type { JsonMessageTypes } from '../json/message-types.js';
import { BERICHTSOORTEN, RETOURBERICHTEN, berichtType, parseBerichtNamespace, RELEASE, XSD_VERSIE, type BerichtNummer, type Standaard } from './catalog.js';
import { jsonNaarBerichtBoom } from './codec.js';
import { readHeader, type BerichtHeader } from './header.js';
import { bouwFoutbericht } from './foutbericht.js';
import { teksten } from './pad.js';
import { registreerGeaccepteerd } from './register-db.js';
import type { IstandaardenRegister } from './register.js';
import { beoordeel, type Beoordeling, type Regel } from './rules/index.js';
import { bouwDeclaratieAntwoord, bouwRetour } from './retour.js';
import type { XsdIssue, XsdValidators } from './schema/validator.js';
import type { GroteBerichten } from './grote-berichten.js';
import { volgendeBeurt } from '../../util/beurt.js';
import { vandaagInNederland } from '../../util/vandaag.js';

/** A register that can prepare itself for one bericht (the database one fetches what the bericht names at once). */
interface VoorBericht {
  voorBericht?(standaard: Standaard, root: XmlElement, gemeente: string, aanbieder: string): Promise<IstandaardenRegister>;
}

/** What inspection leaves for the route's mapping and for the register. */
export interface IstandaardenPrepared {
  standaard: Standaard;
  nummer: BerichtNummer;
  header: BerichtHeader;
  root: XmlElement;
  /**
   * The bericht as XML: the received bytes when it came in as XML (not decoded to a string: a big
   * declaratie is 6 MB, and nothing reads it as text), else the XML built from a back office's JSON.
   */
  raw?: Buffer;
  xml?: string;
}

const XML = 'application/xml';

/** The berichten a gemeente back office sends as JSON: toewijzing, antwoord, declaratie-antwoord. */
export const GEMEENTE_JSON: readonly BerichtNummer[] = ['301', '319', '325'];

/** The JSON message types a gemeente back office sends, and the bericht each becomes. */
export function jsonBerichtType(messageType: string): { standaard: Standaard; nummer: BerichtNummer } | undefined {
  const m = /^(ijw|iwmo)-([a-z-]+)$/.exec(messageType);
  if (!m) return undefined;
  const soort = [...BERICHTSOORTEN.values()].find((s) => s.slug === m[2]);
  if (!soort || !GEMEENTE_JSON.includes(soort.nummer)) return undefined;
  return { standaard: m[1] as Standaard, nummer: soort.nummer };
}

/** Channels that bring the bericht as XML: the provider channel, and the GGk envelope (src/channels/ggk) that unwraps it. */
const XML_CHANNELS: ReadonlySet<string> = new Set(['istandaarden', 'ggk']);

export class IstandaardenStandard implements Standard {
  constructor(
    readonly name: Standaard,
    private readonly deps: {
      xsd: XsdValidators;
      register: IstandaardenRegister & VoorBericht;
      parties: PartyRegistry;
      jsonTypes: JsonMessageTypes;
      mappings: ReadonlyMap<string, CompiledMapping>;
      now?: () => Date;
      /** Extra rules registered from outside (the contract checks of src/contracten/). */
      extraRegels?: readonly Regel[];
      /** Large berichten: XSD in the document worker pool, rules that give the event loop back. */
      grote?: GroteBerichten;
    },
  ) {}

  async inspect(msg: InboundMessage, ctx: InspectionContext): Promise<Inspection> {
    return XML_CHANNELS.has(msg.channel) ? this.inspectXml(msg, ctx) : this.inspectJson(msg, ctx);
  }

  /** A heenbericht's reused Identificatie gets TR056's retourcode 9056; a retourbericht has no such rule. */
  refusesReusedId(msg: InboundMessage): boolean {
    if (!XML_CHANNELS.has(msg.channel)) return false;
    const nummer = /^(?:JW|WMO)(\d{3})$/.exec(msg.messageType)?.[1] as BerichtNummer | undefined;
    return nummer !== undefined && BERICHTSOORTEN.has(nummer) && !RETOURBERICHTEN.includes(nummer);
  }

  async recordAccepted(tx: Queryable, msg: InboundMessage, inspection: Inspection, messageId: string): Promise<void> {
    const prepared = inspection.prepared as IstandaardenPrepared | undefined;
    if (prepared) await registreerGeaccepteerd(tx, prepared, messageId);
  }

  private async registerVoor(root: XmlElement, header: BerichtHeader): Promise<IstandaardenRegister> {
    const { register } = this.deps;
    if (!register.voorBericht) return register;
    const vanGemeente = /^[0-9]{4}$/.test(header.afzender);
    return register.voorBericht(this.name, root, vanGemeente ? header.afzender : header.ontvanger, vanGemeente ? header.ontvanger : header.afzender);
  }

  private vandaag(): string {
    return vandaagInNederland(this.deps.now?.() ?? new Date());
  }

  private async inspectXml(msg: InboundMessage, ctx: InspectionContext): Promise<Inspection> {
    const root = msg.body as XmlElement;
    const ns = parseBerichtNamespace(root.ns);
    const nummer = ns?.nummer as BerichtNummer | undefined;
    if (!ns || ns.standaard !== this.name || ns.release !== RELEASE.pad || !nummer || !BERICHTSOORTEN.has(nummer)) {
      return { known: false, problems: [], subjects: [], answer: fout('IB004', ctx.messageId, [{ location: '/Bericht', message: 'onbekend bericht of release' }]) };
    }
    // A large bericht is validated in the document worker pool (a full pool rejects with
    // PoolBusyError, which the channel answers), and its rules run on the main thread meanwhile:
    // the two are independent, and the rules' verdict counts only once the XSD has passed.
    const { grote } = this.deps;
    const groot = grote?.isGroot(msg.raw.length) ?? false;
    // A full pool refuses at once: then the rules are not started for nothing.
    const refused = groot && grote!.pool.wouldRefuse();
    const xsd = groot ? grote!.valideer(msg.raw, this.name, nummer, true) : undefined;
    if (!xsd || refused) {
      const issues = xsd ? await xsd : this.deps.xsd.validate(msg.raw, this.name, nummer);
      if (issues.length > 0) return xsdFout(issues, ctx.messageId);
      return this.beoordeelXml(msg, root, nummer, ctx, groot ? {} : undefined);
    }
    // Rules on a bericht the XSD then refuses may throw on its shape: that verdict is not used.
    // When the XSD refuses, the rules stop at their next pause (nothing keeps running on a bericht
    // that has its answer), and are waited for, so a sender cannot pile up work it was refused.
    const stop = { gevraagd: false };
    const regels = this.beoordeelXml(msg, root, nummer, ctx, stop).then(
      (inspection) => ({ inspection }),
      (err: unknown) => ({ err }),
    );
    let issues: XsdIssue[];
    try {
      issues = await xsd;
    } catch (err) {
      stop.gevraagd = true;
      await regels;
      throw err;
    }
    if (issues.length > 0) stop.gevraagd = true;
    const uitkomst = await regels;
    if (issues.length > 0) return xsdFout(issues, ctx.messageId);
    if ('err' in uitkomst) throw uitkomst.err;
    return uitkomst.inspection;
  }

  /** What the rules say of an XSD-valid bericht (header, Bsns, register, rules, the retour). */
  private async beoordeelXml(msg: InboundMessage, root: XmlElement, nummer: BerichtNummer, ctx: InspectionContext, groot?: { gevraagd?: boolean }): Promise<Inspection> {
    const header = readHeader(root);
    const subjects = bsns(root);
    const prepared: IstandaardenPrepared = { standaard: this.name, nummer, header, root, raw: msg.raw };
    if (RETOURBERICHTEN.includes(nummer)) {
      // A retourbericht (302, 320) answers our message: checked against its XSD, passed on, not answered.
      return { known: true, problems: [], subjects, prepared };
    }
    const sender = this.deps.parties.get(msg.sender);
    // A large bericht gives the event loop back between its walks and inside its rules; at a pause
    // the work ends when it is no longer wanted (the XSD refused the bericht meanwhile).
    const pauze = groot
      ? {
          pauze: async () => {
            await volgendeBeurt();
            if (groot.gevraagd) throw new RegelsGestopt();
          },
        }
      : {};
    // A large bericht: every walk over the whole tree (its Bsns, what the register prefetches) its own turn.
    if (pauze.pauze) await pauze.pauze();
    const register = await this.registerVoor(root, header);
    if (pauze.pauze) await pauze.pauze();
    const beoordeling = await beoordeel(root, this.name, nummer, { afzenderVerwacht: sender?.code ?? '', vandaag: this.vandaag(), register, ...(this.deps.extraRegels ? { extraRegels: this.deps.extraRegels } : {}), ...pauze });
    const problems = beoordeling.problems;
    const answer = this.answerFor(root, nummer, beoordeling, ctx.messageId);
    return { known: true, problems, subjects, prepared, ...(answer ? { answer } : {}) };
  }

  private answerFor(root: XmlElement, nummer: BerichtNummer, beoordeling: Beoordeling, messageId: string) {
    const meta = { identificatie: identificatieVoor(messageId), dagtekening: this.vandaag() };
    const codes = { header: beoordeling.header, afgekeurd: beoordeling.afgekeurd, regels: [...new Set(beoordeling.problems.map((p) => p.code ?? ''))].filter(Boolean) };
    if (nummer === '323') {
      if (!beoordeling.afgekeurd) return undefined; // the gemeente answers with its 325 later
      return { contentType: XML, content: Buffer.from(bouwDeclaratieAntwoord(root, this.name, beoordeling, meta), 'utf8'), detail: { bericht: berichtType(this.name, '325'), ...codes } };
    }
    const retour = BERICHTSOORTEN.get(nummer)?.retour;
    if (!retour) return undefined;
    // A gemeente's own 301 or 319 in XML is answered by the provider (302, 320); knooppunt only
    // answers it when its rules reject it, so the gemeente sees the codes.
    if (BERICHTSOORTEN.get(nummer)?.richting === 'gemeente-naar-aanbieder' && !beoordeling.afgekeurd) return undefined;
    return { contentType: XML, content: Buffer.from(bouwRetour(root, this.name, nummer, beoordeling, meta), 'utf8'), detail: { bericht: berichtType(this.name, retour), ...codes } };
  }

  private async inspectJson(msg: InboundMessage, ctx: InspectionContext): Promise<Inspection> {
    const target = jsonBerichtType(msg.messageType);
    if (!target || target.standaard !== this.name) return { known: false, problems: [], subjects: [] };
    const soort = BERICHTSOORTEN.get(target.nummer)!;
    const type = this.deps.jsonTypes.get(soort.slug);
    if (!type) return { known: false, problems: [], subjects: [] };
    const payload = (msg.body as { payload?: unknown }).payload;
    const schemaProblems = this.deps.jsonTypes.check(type, payload).map((p) => ({ location: `/payload${p.pointer === '/' ? '' : p.pointer}`, message: p.message, ...(p.code ? { code: p.code } : {}) }));
    if (schemaProblems.length > 0) return { known: true, problems: schemaProblems, subjects: [] };

    const sender = this.deps.parties.get(msg.sender);
    const receiver = msg.receiver ? this.deps.parties.get(msg.receiver) : undefined;
    if (sender?.kind !== 'gemeente' || !sender.code) return { known: true, problems: [{ location: 'sender', message: 'alleen een gemeente verstuurt dit bericht' }], subjects: [] };
    if (receiver?.kind !== 'aanbieder' || !receiver.code) return { known: true, problems: [{ location: 'receiver', message: 'de ontvanger moet een aanbieder (AGB-code) zijn' }], subjects: [] };
    const header: BerichtHeader = {
      berichtCode: soort.berichtCode[this.name],
      versie: RELEASE.versie,
      subversie: RELEASE.subversie,
      afzender: sender.code,
      ontvanger: receiver.code,
      identificatie: identificatieVoor(ctx.messageId),
      dagtekening: this.vandaag(),
      xsdVersie: { basisschema: XSD_VERSIE.basisschema, bericht: XSD_VERSIE.bericht },
    };
    const { root, xml } = jsonNaarBerichtBoom(payload as Record<string, unknown>, header, this.name, target.nummer);
    const issues = this.deps.xsd.validate(xml, this.name, target.nummer);
    if (issues.length > 0) {
      return { known: true, problems: issues.map((i) => ({ location: i.element ?? '/payload', message: `${berichtType(this.name, target.nummer)}: ${i.message}` })), subjects: [] };
    }
    const register = await this.registerVoor(root, header);
    const beoordeling = await beoordeel(root, this.name, target.nummer, { afzenderVerwacht: sender.code, vandaag: header.dagtekening, register, ...(this.deps.extraRegels ? { extraRegels: this.deps.extraRegels } : {}) });
    const prepared: IstandaardenPrepared = { standaard: this.name, nummer: target.nummer, header, root, xml };
    return { known: true, problems: beoordeling.problems, subjects: bsns(root), prepared };
  }
}

/** A bericht identification of at most 12 characters, derived from knooppunt's message id. */
export function identificatieVoor(messageId: string): string {
  return messageId.replace(/-/g, '').slice(0, 12).toUpperCase();
}

function fout(code: 'IB001' | 'IB004', messageId: string, problems: Problem[]) {
  return {
    contentType: XML,
    content: Buffer.from(bouwFoutbericht({ code, referentie: messageId, details: problems.map((p) => ({ plek: p.location, melding: p.message })) }), 'utf8'),
    detail: { foutcode: code },
  };
}

/** Every Bsn element's text, anywhere in the bericht. */
function bsns(root: XmlElement): string[] {
  return [...teksten(root, 'Bsn')];
}

/** The rules of a large bericht stopped at a pause because their verdict is no longer wanted. */
class RegelsGestopt extends Error {
  override readonly name = 'RegelsGestopt';
}

/** The IB001 answer to a bericht its XSD refuses. */
function xsdFout(issues: readonly XsdIssue[], messageId: string): Inspection {
  const problems = issues.map((i) => ({ location: i.element ?? (i.line !== undefined ? `regel ${i.line}` : '/Bericht'), message: i.message, code: 'IB001' }));
  return { known: true, problems, subjects: [], answer: fout('IB001', messageId, problems) };
}
