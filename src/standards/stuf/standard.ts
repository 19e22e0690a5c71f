/**
 * StUF-ZKN kennisgevingen as a knooppunt standard (`stuf-zkn`). Two ways in:
 * - a zakLk01/edcLk01 from the SOAP channel: XSD, StUF semantics (mutatiesoort, verwerkingssoort,
 *   oud/nieuw, noValue), the zaak register (a new zaak must be new, a change must concern a known
 *   zaak of the zender's organisatie); answered with a Bv03, or refused with a Fo02;
 * - a JSON kennisgeving from a back office (REST message type `zaak-kennisgeving`): JSON Schema,
 *   the same semantics, the same register checks.
 * Accepted kennisgevingen update the zaak register in the accepting transaction.
 */
import type { InboundMessage, Inspection, InspectionContext, Problem, Standard } from '../../core/message.js';
import type { CompiledMapping } from '../../mapping/index.js';
import type { PartyRegistry } from '../../parties/registry.js';
import type { Queryable } from '../../store/db.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';
import type { ZaakRegister, Zaak } from '../../zaken/zaak-register.js';
import type { JsonMessageTypes } from '../json/message-types.js';
import { MappingRunError } from '../../mapping/index.js';
import { bouwBv03, bouwFo02, bouwFo03 } from './berichten.js';
import { BESLUIT_OPERATIES, BesluitFout, verwerkBesluit, type BesluitVerwerking } from './besluiten.js';
import { alsZds11, type Vorm } from './operaties.js';
import { STUF_NS } from './namespaces.js';
import { fout, type StufFoutcode } from './foutcodes.js';
import { KennisgevingError, kennisgevingNaarJson, type JsonKennisgeving, type JsonZaak, type Operatie } from './kennisgeving.js';
import { leesStuurgegevens, StuurgegevensFout, stufTijdstip, type Stuurgegevens } from './stuurgegevens.js';
import type { StufValidator as StufSchemas } from './validator.js';
import { valideerStufBericht, type GroteStufBerichten } from './grote-berichten.js';

export const STUF_STANDARD = 'stuf-zkn';
/** The REST message type of a JSON back office's kennisgeving. */
export const JSON_KENNISGEVING = 'zaak-kennisgeving';

/** The ZDS operation names of the kennisgevingen, and the operatie each one is. */
export const KENNISGEVING_OPERATIES: Readonly<Record<string, Operatie>> = {
  creeerZaak_ZakLk01: 'creeerZaak',
  updateZaak_ZakLk01: 'updateZaak',
  actualiseerZaakstatus_ZakLk01: 'actualiseerZaakstatus',
  voegZaakdocumentToe_EdcLk01: 'voegZaakdocumentToe',
  // maakZaakdocument creates a document as voegZaakdocumentToe does (ZDS 1.2 §4: without content, to be edited by check-out).
  maakZaakdocument_EdcLk01: 'voegZaakdocumentToe',
};

export interface StufPrepared {
  /** A zaak or document kennisgeving (absent for a besluit or overdracht). */
  kennisgeving?: JsonKennisgeving;
  /** A besluit or overdracht (besluiten.ts): its JSON and what it changes in the register. */
  besluit?: BesluitVerwerking;
  /** The message element as received (SOAP channel), for a StUF destination. */
  xml?: string;
  stuurgegevens?: Stuurgegevens;
  /** The ZDS operation and wire form it arrived in (SOAP channel): a StUF destination gets it in that form, with that operation's SOAPAction. */
  bericht?: { operatie: string; vorm: Vorm };
}

const XML = 'text/xml; charset=utf-8';

function fo02(code: StufFoutcode, details?: string) {
  return { contentType: XML, content: Buffer.from(bouwFo02(undefined, fout(code, details)), 'utf8'), detail: { foutcode: code } };
}

function probleem(code: StufFoutcode, location: string, message: string): Problem {
  return { code, location, message };
}

/** Every BSN of an initiator in a kennisgeving (for the subject index; never logged as such). */
export function initiatorBsns(k: JsonKennisgeving): string[] {
  const zaken = 'zaak' in k ? [k.zaak] : 'oud' in k ? [k.oud, k.nieuw] : [];
  return [...new Set(zaken.map((z) => (z.initiator as { bsn?: unknown } | undefined)?.bsn).filter((b): b is string => typeof b === 'string'))];
}

/** The zaak a kennisgeving is about. */
export function zaakIdentificatieVan(k: JsonKennisgeving): string {
  return 'zaak' in k ? k.zaak.identificatie : 'nieuw' in k ? k.nieuw.identificatie : k.document.zaak;
}

export class StufStandard implements Standard {
  readonly name = STUF_STANDARD;

  constructor(
    private readonly deps: {
      schemas: StufSchemas;
      parties: PartyRegistry;
      zaken: ZaakRegister;
      jsonTypes: JsonMessageTypes;
      mappings: ReadonlyMap<string, CompiledMapping>;
      /** The applicatie name knooppunt uses in stuurgegevens. */
      eigenApplicatie?: string;
      /** Large messages are validated in its worker pool; a full pool rejects (PoolBusyError), which the channel answers. */
      grote?: GroteStufBerichten;
    },
  ) {}

  async inspect(msg: InboundMessage, _ctx: InspectionContext): Promise<Inspection> {
    if (msg.channel === 'stuf') return this.inspectXml(msg);
    return this.inspectJson(msg);
  }

  private async inspectXml(msg: InboundMessage): Promise<Inspection> {
    const operatie = KENNISGEVING_OPERATIES[msg.messageType];
    if (!operatie && BESLUIT_OPERATIES[msg.messageType]) return this.inspectBesluit(msg);
    if (!operatie) return { known: false, problems: [], subjects: [], answer: fo02('StUF040') };
    const received = msg.body as XmlElement;
    // The ZDS 1.2 form carries the ZDS 1.1 content under another root.
    const root = alsZds11(received);
    const sender = this.deps.parties.get(msg.sender);
    const aanvulling = { ...(sender?.stuf ? { zender: sender.stuf } : {}), ontvanger: { organisatie: sender?.stuf?.organisatie ?? sender?.code ?? '', applicatie: this.deps.eigenApplicatie ?? 'knooppunt' }, referentienummer: () => msg.senderMessageId.slice(-40) };
    let vraagSg: Stuurgegevens | undefined;
    try {
      vraagSg = leesStuurgegevens(received, aanvulling);
    } catch {
      vraagSg = undefined;
    }
    const fo03 = (code: StufFoutcode, details?: string) => fo03Antwoord(vraagSg, code, details, this.deps.eigenApplicatie);
    const refused = (problem: Problem): Inspection => ({ known: true, problems: [problem], subjects: [], answer: fo03(problem.code as StufFoutcode, `${problem.location}: ${problem.message}`) });
    const issues = await valideerStufBericht(this.deps.schemas, this.deps.grote, received, msg.raw.byteLength);
    if (issues.length > 0) {
      const problems = issues.slice(0, 20).map((i) => probleem('StUF055', i.element ?? '/', i.message));
      return { known: true, problems, subjects: [], answer: fo03('StUF055', problems.map((p) => `${p.location}: ${p.message}`).join('; ')) };
    }
    let stuurgegevens: Stuurgegevens;
    let kennisgeving: JsonKennisgeving;
    try {
      stuurgegevens = leesStuurgegevens(received, aanvulling);
      kennisgeving = kennisgevingNaarJson(root, operatie, this.deps.mappings);
    } catch (err) {
      if (err instanceof StuurgegevensFout) return refused(probleem(err.foutcode, `stuurgegevens/${err.element}`, err.message));
      if (err instanceof KennisgevingError) return refused(probleem('StUF055', err.locatie, err.message));
      if (err instanceof MappingRunError) return refused(probleem('StUF055', err.field || '/', `${err.field}: ${err.message}`));
      throw err;
    }
    const problem = await this.registerCheck(kennisgeving, sender?.stuf?.organisatie ?? sender?.code ?? '');
    if (problem) return refused(problem);
    const prepared: StufPrepared = { kennisgeving, xml: msg.raw.toString('utf8'), stuurgegevens, bericht: { operatie: msg.messageType, vorm: received.ns === STUF_NS.ZDS ? 'zds12' : 'zds11' } };
    return {
      known: true,
      problems: [],
      subjects: initiatorBsns(kennisgeving),
      prepared,
      answer: { contentType: XML, content: Buffer.from(bouwBv03(stuurgegevens), 'utf8'), detail: { bericht: 'Bv03' } },
    };
  }

  private async inspectJson(msg: InboundMessage): Promise<Inspection> {
    if (msg.messageType !== JSON_KENNISGEVING) return { known: false, problems: [], subjects: [] };
    const type = this.deps.jsonTypes.get(JSON_KENNISGEVING);
    if (!type) return { known: false, problems: [], subjects: [] };
    const payload = (msg.body as { payload?: unknown }).payload;
    const problems = this.deps.jsonTypes.check(type, payload).map((p) => ({ location: `/payload${p.pointer === '/' ? '' : p.pointer}`, message: p.message }));
    if (problems.length > 0) return { known: true, problems, subjects: [] };
    const kennisgeving = payload as JsonKennisgeving;
    const sender = this.deps.parties.get(msg.sender);
    const problem = await this.registerCheck(kennisgeving, sender?.stuf?.organisatie ?? sender?.code ?? '');
    if (problem) return { known: true, problems: [problem], subjects: [] };
    const prepared: StufPrepared = { kennisgeving };
    return { known: true, problems: [], subjects: initiatorBsns(kennisgeving), prepared };
  }

  /**
   * A new zaak must not exist yet (StUF067); a change, a status or a document must concern a zaak
   * knooppunt knows and that belongs to the sender's organisatie (otherwise, as for an unknown
   * zaak, StUF064: whether another organisation's zaak exists is not the sender's to learn).
   */
  private async registerCheck(k: JsonKennisgeving, organisatie: string): Promise<Problem | undefined> {
    const id = zaakIdentificatieVan(k);
    const eigenaar = await this.deps.zaken.organisatieVanZaak(id);
    if (k.operatie === 'creeerZaak') {
      return eigenaar !== undefined ? probleem('StUF067', '/zaak/identificatie', 'er bestaat al een zaak met deze identificatie') : undefined;
    }
    if (eigenaar === undefined || (eigenaar && organisatie && eigenaar !== organisatie)) {
      return probleem('StUF064', k.operatie === 'voegZaakdocumentToe' ? '/document/zaak' : '/zaak/identificatie', 'zaak niet gevonden');
    }
    return undefined;
  }

  /** A besluit or overdracht on its way to a route: the same checks and register changes as when it is only logged. */
  private async inspectBesluit(msg: InboundMessage): Promise<Inspection> {
    const received = msg.body as XmlElement;
    const sender = this.deps.parties.get(msg.sender);
    const organisatie = sender?.stuf?.organisatie ?? sender?.code ?? '';
    const aanvulling = { ...(sender?.stuf ? { zender: sender.stuf } : {}), ontvanger: { organisatie, applicatie: this.deps.eigenApplicatie ?? 'knooppunt' }, referentienummer: () => msg.senderMessageId.slice(-40) };
    let stuurgegevens: Stuurgegevens | undefined;
    try {
      stuurgegevens = leesStuurgegevens(received, aanvulling);
    } catch {
      stuurgegevens = undefined;
    }
    const refused = (code: StufFoutcode, location: string, message: string): Inspection => ({
      known: true, problems: [probleem(code, location, message)], subjects: [], answer: fo03Antwoord(stuurgegevens, code, `${location}: ${message}`, this.deps.eigenApplicatie),
    });
    const issues = await valideerStufBericht(this.deps.schemas, this.deps.grote, received, msg.raw.byteLength);
    if (issues.length > 0) return refused('StUF055', issues[0]!.element ?? '/', issues.slice(0, 10).map((i) => i.message).join('; '));
    if (!stuurgegevens) return refused('StUF055', 'stuurgegevens', 'onleesbaar');
    let besluit: BesluitVerwerking;
    try {
      besluit = await verwerkBesluit(msg.messageType, received, organisatie, this.deps.zaken, this.deps.mappings);
    } catch (err) {
      if (err instanceof BesluitFout) return refused(err.code, err.plek, err.melding);
      if (err instanceof MappingRunError) return refused('StUF055', err.field || '/', `${err.field}: ${err.message}`);
      throw err;
    }
    const prepared: StufPrepared = { besluit, xml: msg.raw.toString('utf8'), stuurgegevens, bericht: { operatie: msg.messageType, vorm: received.ns === STUF_NS.ZDS ? 'zds12' : 'zds11' } };
    return { known: true, problems: [], subjects: [], prepared, answer: { contentType: XML, content: Buffer.from(bouwBv03(stuurgegevens), 'utf8'), detail: { bericht: 'Bv03' } } };
  }

  async recordAccepted(tx: Queryable, msg: InboundMessage, inspection: Inspection, messageId: string): Promise<void> {
    const p = inspection.prepared as StufPrepared | undefined;
    const sender = this.deps.parties.get(msg.sender);
    if (p?.besluit) await p.besluit.schrijf(tx, messageId);
    if (p?.kennisgeving) await pasToe(this.deps.zaken, tx, p.kennisgeving, messageId, sender?.stuf?.organisatie ?? sender?.code);
  }
}

/**
 * The Fo03 answering a refused kennisgeving (OntvangAsynchroon declares StUF:Fo03 as its fault in
 * both ZDS versions): the answer's stuurgegevens from the question when they could be read, else
 * knooppunt as zender and `onbekend` where the question's values are missing.
 */
export function fo03Antwoord(vraag: Stuurgegevens | undefined, code: StufFoutcode, details: string | undefined, eigenApplicatie = 'knooppunt') {
  const sg: Stuurgegevens = vraag ?? {
    berichtcode: 'Lk01',
    zender: { organisatie: 'onbekend', applicatie: 'onbekend' },
    ontvanger: { organisatie: 'onbekend', applicatie: eigenApplicatie },
    referentienummer: 'onbekend',
    tijdstipBericht: stufTijdstip(new Date()),
  };
  return { contentType: XML, content: Buffer.from(bouwFo03(sg, fout(code, details)), 'utf8'), detail: { foutcode: code } };
}

/** Applies an accepted kennisgeving to the zaak register: what geefZaakdetails will answer. */
export async function pasToe(zaken: ZaakRegister, tx: Queryable, k: JsonKennisgeving, messageId: string, eigenaar?: string): Promise<void> {
  if (k.operatie === 'voegZaakdocumentToe') {
    await zaken.bewaarDocument(tx, k.document, messageId);
    await zaken.koppel(tx, messageId, k.document.zaak, 'document');
    return;
  }
  if ('zaak' in k) {
    await zaken.bewaarZaak(tx, k.zaak as Zaak, messageId, eigenaar);
    await zaken.koppel(tx, messageId, k.zaak.identificatie, k.operatie === 'creeerZaak' ? 'aangemaakt' : 'gewijzigd');
    return;
  }
  const huidig = (await zaken.zaak(k.nieuw.identificatie, tx)) ?? { identificatie: k.nieuw.identificatie };
  await zaken.bewaarZaak(tx, wijzig(huidig, k.nieuw), messageId, eigenaar);
  await zaken.koppel(tx, messageId, k.nieuw.identificatie, 'gewijzigd');
}

/** A W kennisgeving: what nieuw names replaces; what it leaves out stays; null (with its reason) clears. */
export function wijzig(huidig: JsonZaak, nieuw: JsonZaak): Zaak {
  const geenWaarde = { ...(huidig.geenWaarde ?? {}), ...(nieuw.geenWaarde ?? {}) };
  for (const [veld, waarde] of Object.entries(nieuw)) if (waarde !== null && veld !== 'geenWaarde') delete geenWaarde[veld];
  const uit: Zaak = { ...huidig, ...nieuw };
  if (Object.keys(geenWaarde).length > 0) uit.geenWaarde = geenWaarde;
  else delete uit.geenWaarde;
  return uit;
}

/** The message element as XML text, as a document of its own (for the XSD and for storing). */
export function alsDocument(body: XmlElement): string {
  return serializeXml(body, { declaration: true });
}
