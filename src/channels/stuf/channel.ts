/**
 * The StUF-ZKN channel: the three ZDS endpoints under /stuf/zds, each serving both wire forms
 * (ZDS 1.1: ZKN: roots and zkn0310 actions; ZDS 1.2: ZDS: roots and zds0120 actions, see
 * src/standards/stuf/operaties.ts) over SOAP 1.1 and 1.2, answering in the form and SOAP version
 * of the request.
 *
 * - Zaak and document kennisgevingen (Lk01) go through the pipeline like every message and are
 *   answered with a Bv03 (refused: a Fo03, as OntvangAsynchroon declares).
 * - Besluiten (voegBesluitToe Di01, updateBesluit Lk01) and overdragenZaak (Di01) update the zaak
 *   register and are logged as one exchange with their Bv03.
 * - Questions (Lv01) are answered with a La01 from the zaak register; vrije berichten (Di02) with a
 *   Du02 or Bv02 (new identificaties, the check-out / check-in cycle of a document, ontkoppelen).
 * - A retry (same zender and referentienummer, same content) gets the first answer again; the same
 *   referentienummer with other content is refused with StUF016.
 * Every refusal is a Fault carrying a StUF foutbericht (Fo03 on OntvangAsynchroon, Fo02 elsewhere), logged.
 */
import { randomUUID } from 'node:crypto';
import { LogThrottle } from '../../ops/rate-limit.js';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RequestHandler } from 'express';
import type { ExchangeEventInput, InboundMessage, Problem } from '../../core/message.js';
import { isSenderIdConflict, recordReceiverOutcome, type Pipeline } from '../../core/pipeline.js';
import type { CompiledMapping } from '../../mapping/index.js';
import { MappingRunError } from '../../mapping/index.js';
import type { Party, PartyRegistry } from '../../parties/registry.js';
import { bouwBv02, bouwBv03, bouwFo02, bouwIdentificatieDu02, soapFaultcode } from '../../standards/stuf/berichten.js';
import { fout, FOUTCODES, type StufFoutcode } from '../../standards/stuf/foutcodes.js';
import { documentNaarLa01Antwoord, la01AntwoordNaarJson, zaakNaarLa01Antwoord, type JsonZaak, type JsonZaakdocument } from '../../standards/stuf/kennisgeving.js';
import { STUF_NS } from '../../standards/stuf/namespaces.js';
import { actieVan, alsZds11, operatieVoorActie, rootVan, ZDS_OPERATIES, type Aanroep, type Vorm, type ZdsEndpoint } from '../../standards/stuf/operaties.js';
import { wsdlOperaties, ZDS_WSDL_FILES } from '../../standards/stuf/zds-wsdl.js';
import { BesluitFout, verwerkBesluit } from '../../standards/stuf/besluiten.js';
import { alsDocument, fo03Antwoord, KENNISGEVING_OPERATIES, STUF_STANDARD } from '../../standards/stuf/standard.js';
import { antwoordStuurgegevens, bouwStuurgegevens, leesStuurgegevens, StuurgegevensFout, type Stuurgegevens } from '../../standards/stuf/stuurgegevens.js';
import type { StufValidator } from '../../standards/stuf/validator.js';
import type { Queryable } from '../../store/db.js';
import { serializeXml } from '../../xml/build.js';
import { parseXml, type XmlElement, type XmlLimits } from '../../xml/parse.js';
import type { ZaakRegister } from '../../zaken/zaak-register.js';
import type { PasswordGate } from '../rest/auth.js';
import { PoolBusyError } from '../../util/worker-pool.js';
import { valideerStufBericht, type GroteStufBerichten } from '../../standards/stuf/grote-berichten.js';
import { soapEndpoint, type SoapAnswer, type SoapCall, type SoapEndpointRouter } from './soap-server.js';

const ACTION = 'http://www.egem.nl/StUF/sector/zkn/0310/';

/** The most zaken one zakLv01 search answers, whatever maximumAantal asks. */
export const ZAKEN_ZOEK_MAX = 50;

/** The most besluiten one geefLijstBesluiten answers, whatever maximumAantal asks. */
export const BESLUITEN_LIJST_MAX = 50;

/**
 * The ZDS endpoints, as in docs/stuf/zds.md: each serves its ZDS 1.1 WSDL at `?wsdl` (or
 * `?wsdl=1.1`) and its ZDS 1.2 WSDL at `?wsdl=1.2`, both written from the operation table
 * (src/standards/stuf/zds-wsdl.ts); at start-up every operation of the table is checked in them.
 */
export const ZDS_ENDPOINTS: ReadonlyArray<{ path: string; endpoint: ZdsEndpoint }> = (['VerwerkSynchroonVrijBericht', 'OntvangAsynchroon', 'BeantwoordVraag'] as const).map((endpoint) => ({
  path: `/stuf/zds/${endpoint}`,
  endpoint,
}));

/** The WSDL of an endpoint in a form, and the SOAPAction → operation table to check in it. */
function zdsWsdlVan(schemasDir: string, vorm: Vorm, endpoint: ZdsEndpoint): { wsdlPath: string; operations: Record<string, string> } {
  const { dir, files } = ZDS_WSDL_FILES[vorm];
  const operations: Record<string, string> = {};
  for (const o of wsdlOperaties(vorm, endpoint)) operations[actieVan(o.naam, vorm)!] = vorm === 'zds11' ? o.zds11!.action : o.zds12!.action;
  return { wsdlPath: join(schemasDir, dir, files[endpoint]), operations };
}

/** The SOAPAction (ZDS 1.1 form) of a kennisgeving operation, for outbound deliveries. */
export function soapActionVoor(operation: string): string | undefined {
  const o = ZDS_OPERATIES.find((x) => x.naam === operation);
  return o?.zds11 ? ACTION + o.zds11.action : undefined;
}

class Weigering extends Error {
  constructor(
    readonly code: StufFoutcode,
    readonly plek: string,
    readonly melding: string,
  ) {
    super(code);
  }
}

const XML = 'text/xml; charset=utf-8';

function kind(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/**
 * The zaakidentificatie a zaak vraag asks about (gelijk) or a zaak kennisgeving is about (object),
 * for the console's search; only for zaak messages (zakLv01, zakLk01), never a person's data.
 */
function zaakReferenties(body: XmlElement): Array<{ kind: string; value: string }> {
  if (!/^zak/.test(body.name)) return [];
  const ids = [kind(kind(body, 'gelijk'), 'identificatie'), ...body.children.filter((c) => c.name === 'object').map((o) => kind(o, 'identificatie'))]
    .map((el) => el?.text?.trim())
    .filter((t): t is string => !!t && t.length <= 40);
  return [...new Set(ids)].map((value) => ({ kind: 'zaakidentificatie', value }));
}

function tekstVan(el: XmlElement | undefined): string {
  return el && el.children.length === 0 ? (el.text ?? '').trim() : '';
}

function zkn(name: string, children: XmlElement[] = [], text?: string, attrs: Record<string, string> = {}): XmlElement {
  return { ns: STUF_NS.ZKN, name, prefix: 'ZKN', attrs, children, ...(text !== undefined ? { text } : {}) };
}

const PREFIXEN = { ZKN: STUF_NS.ZKN, StUF: STUF_NS.StUF, BG: STUF_NS.BG, ZDS: STUF_NS.ZDS, xsi: STUF_NS.xsi, xmime: STUF_NS.xmime };

export function stufChannel(deps: {
  schemasDir: string;
  /** Authenticates by header (API key, HTTP Basic, certificate) and applies the per-party rate limit. */
  authenticate: RequestHandler;
  /** The per-party rate limit alone, for a party authenticated by its WS-Security UsernameToken. */
  rateLimit: RequestHandler;
  /** Before a WS-Security password is hashed (see src/channels/rest/auth.ts PasswordGate). */
  passwordGate?: PasswordGate;
  pipeline: Pipeline;
  parties: PartyRegistry;
  zaken: ZaakRegister;
  schemas: StufValidator;
  /** Large messages are validated in its worker pool (the same as the StUF standard's). */
  grote?: GroteStufBerichten;
  mappings: ReadonlyMap<string, CompiledMapping>;
  maxBodyBytes: number;
  xmlLimits: XmlLimits;
  logger: Logger;
  /** Organisatie + applicatie that name knooppunt itself as ontvanger. */
  eigenApplicatie: string;
  /** Whether a route names this message type itself (besluiten and overdragenZaak are routed only then). */
  heeftRoute?(m: { standard: string; messageType: string; sender: string; receiver?: string; body: unknown }): boolean;
  /** The party a destination delivers to (a StUF destination's zaaksysteem), for answers about a delivery. */
  partijVanBestemming?(destinationId: string): string | undefined;
}): Array<{ path: string; router: SoapEndpointRouter }> {
  /** The organisatie whose zaken a party may read: its StUF organisatie, else its gemeentecode. */
  const organisatieVan = (p: Party): string => p.stuf?.organisatie ?? p.code ?? '';

  /** What StUF leaves optional, filled in as the receiver: the caller as zender, knooppunt as ontvanger. */
  const aanvulling = (party: Party) => ({
    ...(party.stuf ? { zender: party.stuf } : {}),
    ontvanger: { organisatie: organisatieVan(party), applicatie: deps.eigenApplicatie },
    referentienummer: () => `kp-${randomUUID()}`.slice(0, 40),
  });

  /** Who sends (must be the authenticated party) and to whom (knooppunt itself, or a configured party). */
  const partijen = (sg: Stuurgegevens, caller: Party): { zender: Party; ontvanger?: Party } => {
    const zender = deps.parties.byStuf(sg.zender.organisatie, sg.zender.applicatie);
    if (!zender) throw new Weigering('StUF013', 'stuurgegevens/zender', 'zender is niet bekend bij dit knooppunt');
    if (zender.id !== caller.id) throw new Weigering('StUF013', 'stuurgegevens/zender', 'zender is niet de geauthenticeerde partij');
    if (sg.ontvanger.applicatie === deps.eigenApplicatie) return { zender };
    const ontvanger = deps.parties.byStuf(sg.ontvanger.organisatie, sg.ontvanger.applicatie);
    if (!ontvanger) throw new Weigering('StUF010', 'stuurgegevens/ontvanger', 'ontvanger is niet bekend bij dit knooppunt');
    return { zender, ontvanger };
  };

  const inbound = (call: SoapCall, a: Aanroep, zender: Party, ontvanger: Party | undefined, sg: Stuurgegevens, body: string): InboundMessage => ({
    channel: 'stuf',
    standard: STUF_STANDARD,
    messageType: call.operation,
    version: a.vorm === 'zds12' ? 'ZDS 1.2' : 'ZDS 1.1',
    sender: zender.id,
    ...(ontvanger ? { receiver: ontvanger.id } : {}),
    senderMessageId: `${sg.zender.organisatie}/${sg.zender.applicatie}/${sg.referentienummer}`,
    references: [{ kind: 'referentienummer', value: sg.referentienummer }, ...zaakReferenties(call.body)],
    contentType: XML,
    raw: Buffer.from(body, 'utf8'),
    body: call.body,
  });

  /** A refusal in the foutbericht the endpoint declares: Fo03 on OntvangAsynchroon, Fo02 elsewhere. */
  const weigering = (endpoint: ZdsEndpoint, code: StufFoutcode, details: string, sg?: Stuurgegevens): SoapAnswer => {
    const f = fout(code, details);
    const detailXml = endpoint === 'OntvangAsynchroon' ? fo03Antwoord(sg, code, details, deps.eigenApplicatie).content.toString('utf8') : bouwFo02(sg, f);
    return { fault: { code: soapFaultcode(f.plek), string: FOUTCODES[code].omschrijving, detailXml } };
  };

  /** A zaak the zender may see: known, and of its organisatie (else, as for an unknown zaak, StUF064). */
  const eigenZaak = async (id: string, zender: Party, plek: string): Promise<void> => {
    const org = id === '' ? undefined : await deps.zaken.organisatieVanZaak(id);
    if (org === undefined || (org !== '' && org !== organisatieVan(zender))) throw new Weigering('StUF064', plek, 'zaak niet gevonden');
  };

  const valideer = async (call: SoapCall): Promise<void> => {
    const issues = await valideerStufBericht(deps.schemas, deps.grote, call.body, call.raw.byteLength);
    if (issues.length > 0) throw new Weigering('StUF055', issues[0]!.element ?? '/', issues.slice(0, 10).map((i) => `${i.element ?? ''} ${i.message}`.trim()).join('; '));
  };

  /** Logs a question or vrij bericht with its answer (and, in the same transaction, what it changes). */
  const beantwoord = async (
    call: SoapCall, a: Aanroep, p: { zender: Party; ontvanger?: Party }, sg: Stuurgegevens, body: string, xml: string,
    detail: Record<string, unknown>,
    opts: { subjects?: string[]; onCommit?: (tx: Queryable, messageId: string) => Promise<void>; relatedEvents?: (messageId: string) => ExchangeEventInput[]; bericht?: InboundMessage } = {},
  ): Promise<SoapAnswer> => {
    const { bericht, ...rest } = opts;
    const msg = bericht ?? inbound(call, a, p.zender, p.ontvanger, sg, body);
    try {
      await deps.pipeline.answerExchange(msg, { contentType: XML, content: Buffer.from(xml, 'utf8'), detail }, rest);
    } catch (err) {
      if (!isSenderIdConflict(err)) throw err;
      // A concurrent request under the same referentienummer committed first (its changes stand,
      // ours were rolled back): answered as a later resend would be, the first answer or StUF016.
      const eerder = await deps.pipeline.previous(msg.sender, msg.senderMessageId, msg.raw);
      if (eerder?.sameContent && eerder.answer) return { xml: eerder.answer.content.toString('utf8') };
      throw new Weigering('StUF016', 'stuurgegevens/referentienummer', 'dit referentienummer is al gebruikt voor een ander bericht');
    }
    return { xml };
  };

  /** The root of an answer in the request's form, with stuurgegevens, parameters and antwoord in ZKN. */
  const la01 = (a: Aanroep, sg: Stuurgegevens, antwoord: XmlElement | undefined, vervolgvraag = false): string => {
    const naam = a.vorm === 'zds12' ? a.operatie.antwoord!.zds12 : a.operatie.antwoord!.zds11;
    const root: XmlElement = {
      ns: a.vorm === 'zds12' ? STUF_NS.ZDS : STUF_NS.ZKN, name: naam, prefix: a.vorm === 'zds12' ? 'ZDS' : 'ZKN', attrs: {},
      children: [
        bouwStuurgegevens({ ...antwoordStuurgegevens(sg, 'La01'), entiteittype: a.operatie.entiteittype ?? 'ZAK' }, STUF_NS.ZKN),
        zkn('parameters', [{ ns: STUF_NS.StUF, name: 'indicatorVervolgvraag', prefix: 'StUF', attrs: {}, children: [], text: String(vervolgvraag) }]),
        ...(antwoord ? [antwoord] : []),
      ],
    };
    return serializeXml(root, { namespaces: PREFIXEN });
  };

  // --- questions -------------------------------------------------------------------------------

  /**
   * A citizen's zaken (zakLv01, or geefZaakdetails in the ZDS 1.1 form, with gelijk on
   * heeftAlsInitiator/gerelateerde[BTR]/identificatie, the BSN): only the zaken of the caller's
   * organisatie, newest first, at most maximumAantal and never more than ZAKEN_ZOEK_MAX
   * (indicatorVervolgvraag tells there are more); none is StUF064, as for an unknown zaak. Logged
   * as a processing of that citizen: the exchange's subject is the keyed hash of the BSN.
   */
  const zoekZaken = async (call: SoapCall, a: Aanroep, sg: Stuurgegevens, p: { zender: Party; ontvanger?: Party }, body: string, bsn: string, parameters: XmlElement | undefined): Promise<SoapAnswer> => {
    const gevraagd = Number.parseInt(tekstVan(parameters?.children.find((c) => c.ns === STUF_NS.StUF && c.name === 'maximumAantal')), 10);
    const max = Number.isInteger(gevraagd) && gevraagd > 0 ? Math.min(gevraagd, ZAKEN_ZOEK_MAX) : ZAKEN_ZOEK_MAX;
    // knooppunt finds zaken by the BSN of a natuurlijk persoon as initiator, nothing else.
    if (!/^\d{8,9}$/.test(bsn)) throw new Weigering('StUF064', 'gelijk/heeftAlsInitiator/gerelateerde/identificatie', 'alleen te zoeken op het BSN van een natuurlijk persoon');
    const gevonden = await deps.zaken.zakenVanBurger(bsn, organisatieVan(p.zender), max);
    if (gevonden.zaken.length === 0) throw new Weigering('StUF064', 'gelijk/heeftAlsInitiator', 'geen zaken gevonden');
    const objecten = gevonden.zaken.flatMap((z) => zaakNaarLa01Antwoord(z as JsonZaak, undefined, deps.mappings).children);
    const xml = la01(a, sg, zkn('antwoord', objecten), gevonden.meer);
    return beantwoord(call, a, p, sg, body, xml, { bericht: 'La01', zaken: objecten.length, vervolgvraag: gevonden.meer }, { subjects: [bsn] });
  };

  const vraag = async (call: SoapCall, a: Aanroep, sg: Stuurgegevens, p: { zender: Party; ontvanger?: Party }, body: string): Promise<SoapAnswer> => {
    await valideer(call);
    const zkn11 = alsZds11(call.body);
    const id = tekstVan(kind(kind(zkn11, 'gelijk'), 'identificatie'));
    const initiator = kind(kind(kind(zkn11, 'gelijk'), 'heeftAlsInitiator'), 'gerelateerde');
    if (id === '' && initiator && (a.operatie.naam === 'zakLv01' || a.operatie.naam === 'geefZaakdetails_ZakLv01')) {
      // StUF-ZKN 03.10 selects a betrokkene as BTR by its identificatie (for a natuurlijk persoon its
      // BSN); natuurlijkPersoon/inp.bsn, as some clients write it, is read too.
      const persoon = kind(initiator, 'natuurlijkPersoon');
      const bsn = tekstVan(kind(initiator, 'identificatie')) || tekstVan(persoon?.children.find((c) => c.ns === STUF_NS.BG && c.name === 'inp.bsn'));
      return zoekZaken(call, a, sg, p, body, bsn, kind(zkn11, 'parameters'));
    }
    let antwoord: XmlElement | undefined;
    let subjects: string[] = [];
    switch (a.operatie.naam) {
      case 'geefZaakdocumentLezen_EdcLv01': {
        const document = await deps.zaken.document(id);
        if (!document) throw new Weigering('StUF064', 'gelijk/identificatie', 'document niet gevonden');
        await eigenZaak(document.zaak, p.zender, 'gelijk/identificatie');
        antwoord = documentNaarLa01Antwoord(document, deps.mappings);
        break;
      }
      case 'geefBesluitdetails_BslLv01': {
        const besluit = await deps.zaken.besluit(id);
        if (!besluit || (besluit.bronorganisatie && besluit.bronorganisatie !== organisatieVan(p.zender))) throw new Weigering('StUF064', 'gelijk/identificatie', 'besluit niet gevonden');
        antwoord = zkn('antwoord', [besluitObject(besluit)]);
        break;
      }
      case 'geefLijstBesluiten_ZakLv01': {
        // The besluiten knooppunt stored for the zaak (voegBesluitToe, updateBesluit), bounded like zakLv01.
        await eigenZaak(id, p.zender, 'gelijk/identificatie');
        const gevraagd = Number.parseInt(tekstVan(kind(zkn11, 'parameters')?.children.find((c) => c.ns === STUF_NS.StUF && c.name === 'maximumAantal')), 10);
        const max = Number.isInteger(gevraagd) && gevraagd > 0 ? Math.min(gevraagd, BESLUITEN_LIJST_MAX) : BESLUITEN_LIJST_MAX;
        const { besluiten, meer } = await deps.zaken.besluitenVanZaak(id, max);
        const zaak = await deps.zaken.zaak(id);
        const bsn = (zaak?.initiator as { bsn?: unknown } | undefined)?.bsn;
        const ent = (t: string) => ({ [`{${STUF_NS.StUF}}entiteittype`]: t });
        const object = zkn('object', [zkn('identificatie', [], id), ...besluiten.map((b) => zkn('leidtTot', [besluitInLijst(b)], undefined, ent('ZAKBSL')))], undefined, ent('ZAK'));
        const xml = la01(a, sg, zkn('antwoord', [object]), meer);
        return beantwoord(call, a, p, sg, body, xml, { bericht: 'La01', besluiten: besluiten.length, vervolgvraag: meer }, { subjects: typeof bsn === 'string' ? [bsn] : [] });
      }
      default: {
        if (a.operatie.entiteittype !== 'ZAK') throw new Weigering('StUF040', 'operatie', 'niet ondersteund');
        await eigenZaak(id, p.zender, 'gelijk/identificatie');
        const zaak = (await deps.zaken.zaak(id))!;
        const documenten = a.operatie.naam === 'geefLijstZaakdocumenten_ZakLv01' ? await deps.zaken.documentenVanZaak(id) : undefined;
        if (a.operatie.naam === 'geefZaakstatus_ZakLv01') {
          antwoord = zaakstatusAntwoord(zaak as JsonZaak);
        } else {
          // The list of documents names them; their content is read one by one with geefZaakdocumentLezen.
          antwoord = zaakNaarLa01Antwoord(zaak as JsonZaak, documenten?.map(({ inhoud: _inhoud, ...rest }) => rest), deps.mappings);
          if (documenten) antwoord = alleenDocumenten(antwoord, documenten);
        }
        const bsn = (zaak.initiator as { bsn?: unknown } | undefined)?.bsn;
        if (typeof bsn === 'string') subjects = [bsn];
      }
    }
    const xml = la01(a, sg, antwoord);
    return beantwoord(call, a, p, sg, body, xml, { bericht: 'La01' }, { subjects });
  };

  // --- vrije berichten (Di02) ------------------------------------------------------------------

  const du02Root = (a: Aanroep): { rootNs: string; root: string } =>
    a.vorm === 'zds12' ? { rootNs: STUF_NS.ZDS, root: a.operatie.antwoord!.zds12 } : { rootNs: STUF_NS.ZKN, root: a.operatie.antwoord!.zds11 };

  const vrijBericht = async (call: SoapCall, a: Aanroep, sg: Stuurgegevens, p: { zender: Party; ontvanger?: Party }, body: string): Promise<SoapAnswer> => {
    await valideer(call);
    const org = organisatieVan(p.zender);
    const parameters = kind(call.body, 'parameters');
    const checkedOutId = tekstVan(kind(parameters, 'checkedOutId'));
    switch (a.operatie.naam) {
      case 'genereerZaakIdentificatie_Di02':
      case 'genereerDocumentIdentificatie_Di02':
      case 'genereerBesluitIdentificatie_Di02': {
        const soort = a.operatie.naam === 'genereerZaakIdentificatie_Di02' ? 'zaak' : a.operatie.naam === 'genereerDocumentIdentificatie_Di02' ? 'document' : 'besluit';
        const nummer = soort === 'zaak' ? await deps.zaken.nieuwZaaknummer(org) : await deps.zaken.nieuwNummer(soort, org);
        const xml = bouwIdentificatieDu02({
          vraag: sg, ...du02Root(a), object: soort, entiteittype: soort === 'zaak' ? 'ZAK' : soort === 'document' ? 'EDC' : 'BSL', identificatie: nummer,
          functie: soort === 'zaak' ? 'genereerZaakidentificatie' : soort === 'document' ? 'genereerDocumentidentificatie' : 'genereerBesluitidentificatie',
        });
        return beantwoord(call, a, p, sg, body, xml, { bericht: 'Du02', [soort]: nummer });
      }
      case 'geefZaakdocumentbewerken_Di02': {
        const vraagEl = kind(call.body, 'edcLv01');
        const id = tekstVan(kind(kind(vraagEl, 'gelijk'), 'identificatie'));
        const document = await deps.zaken.document(id);
        if (!document) throw new Weigering('StUF064', 'edcLv01/gelijk/identificatie', 'document niet gevonden');
        await eigenZaak(document.zaak, p.zender, 'edcLv01/gelijk/identificatie');
        // The checkedOutId is the document's identificatie, as the StUF Testplatform's ZDS 1.2 suite
        // expects (its updateZaakdocument sends that back); the lock itself is bound to the party
        // that took it, so another party cannot update or cancel it with a known id.
        const { genomen, checkout } = await deps.zaken.checkOut(id, p.zender.id, id);
        if (!genomen) throw new Weigering('StUF058', 'edcLv01/gelijk/identificatie', 'het document is al uitgecheckt');
        const xml = bewerkenDu02(a, sg, document, checkout.checkedOutId, deps.mappings);
        return beantwoord(call, a, p, sg, body, xml, { bericht: 'Du02', checkout: 'genomen' });
      }
      case 'updateZaakdocument_Di02':
      case 'cancelCheckout_Di02': {
        const object = a.operatie.naam === 'cancelCheckout_Di02' ? kind(call.body, 'document') : kind(call.body, 'edcLk02')?.children.filter((c) => c.name === 'object').at(-1);
        const id = tekstVan(kind(object, 'identificatie'));
        const document = await deps.zaken.document(id);
        if (!document) throw new Weigering('StUF064', 'identificatie', 'document niet gevonden');
        await eigenZaak(document.zaak, p.zender, 'identificatie');
        const lock = await deps.zaken.checkout(id);
        if (!lock || lock.checkedOutId !== checkedOutId || lock.party !== p.zender.id) throw new Weigering('StUF058', 'parameters/checkedOutId', 'het document is niet met dit checkedOutId uitgecheckt');
        let nieuw: JsonZaakdocument | undefined;
        if (a.operatie.naam === 'updateZaakdocument_Di02' && object) {
          const gelezen = la01AntwoordNaarJson(zkn('antwoord', [{ ...object, attrs: { ...object.attrs } }]), 'EDC', deps.mappings)[0] as JsonZaakdocument | undefined;
          nieuw = { ...document, ...(gelezen ?? {}), identificatie: document.identificatie, zaak: document.zaak } as JsonZaakdocument;
        }
        const xml = bouwBv02(sg);
        return beantwoord(call, a, p, sg, body, xml, { bericht: 'Bv02', checkout: 'vrijgegeven' }, {
          onCommit: async (tx, messageId) => {
            if (!(await deps.zaken.checkIn(tx, id, checkedOutId))) throw new Weigering('StUF058', 'parameters/checkedOutId', 'het document is niet met dit checkedOutId uitgecheckt');
            if (nieuw) await deps.zaken.bewaarDocument(tx, nieuw, messageId);
          },
        });
      }
      case 'ontkoppelZaakdocument_Di02': {
        const object = kind(call.body, 'edcLk02')?.children.filter((c) => c.name === 'object').at(-1);
        const id = tekstVan(kind(object, 'identificatie'));
        const document = await deps.zaken.document(id);
        if (!document) throw new Weigering('StUF064', 'edcLk02/object/identificatie', 'document niet gevonden');
        await eigenZaak(document.zaak, p.zender, 'edcLk02/object/identificatie');
        const lock = await deps.zaken.checkout(id);
        if (lock && lock.checkedOutId !== checkedOutId) throw new Weigering('StUF058', 'parameters/checkedOutId', 'het document is uitgecheckt');
        const xml = bouwBv02(sg);
        return beantwoord(call, a, p, sg, body, xml, { bericht: 'Bv02', ontkoppeld: true }, { onCommit: (tx) => deps.zaken.verwijderDocument(tx, id) });
      }
      default:
        throw new Weigering('StUF037', 'stuurgegevens/functie', 'functie niet ondersteund');
    }
  };

  // --- besluiten and overdragen (Bv03, logged as one exchange) ---------------------------------

  const besluitOfOverdracht = async (call: SoapCall, a: Aanroep, sg: Stuurgegevens, p: { zender: Party; ontvanger?: Party }, body: string): Promise<SoapAnswer> => {
    const msg = inbound(call, a, p.zender, p.ontvanger, sg, body);
    // Routed like the zaak kennisgevingen where a route names the message type (the StUF standard
    // checks it and changes the register); otherwise only logged with its Bv03, as before.
    if (deps.heeftRoute?.({ standard: msg.standard, messageType: msg.messageType, sender: msg.sender, ...(msg.receiver ? { receiver: msg.receiver } : {}), body: msg.body })) return viaPipeline(msg, 'OntvangAsynchroon', sg);
    await valideer(call);
    let verwerking;
    try {
      verwerking = await verwerkBesluit(a.operatie.naam, call.body, organisatieVan(p.zender), deps.zaken, deps.mappings);
    } catch (err) {
      if (err instanceof BesluitFout) throw new Weigering(err.code, err.plek, err.melding);
      throw err;
    }
    return beantwoord(call, a, p, sg, body, bouwBv03(sg), { bericht: 'Bv03', ...(verwerking.zaak ? { zaak: verwerking.zaak } : {}) }, { onCommit: verwerking.schrijf });
  };

  // --- what a zaaksysteem answers later about a bericht knooppunt delivered to it --------------

  type Bezorging = Awaited<ReturnType<Pipeline['deliveriesReferredTo']>>[number];

  /**
   * The delivery a receiver's own answer is about: its crossRefnummer is the referentienummer of
   * the bericht knooppunt delivered (the sender's, passed on unchanged, or knooppunt's message id
   * where it built the bericht). Only the party that delivery went to may answer about it (StUF052);
   * a crossRefnummer that names no delivered bericht is StUF064.
   */
  const bezorgingVan = async (sg: Stuurgegevens, caller: Party, soort?: string): Promise<Bezorging> => {
    const ref = sg.crossRefnummer ?? '';
    if (ref === '') throw new Weigering('StUF055', 'stuurgegevens/crossRefnummer', 'ontbreekt');
    const kandidaten = (await deps.pipeline.deliveriesReferredTo('referentienummer', ref)).filter((d) => !soort || d.messageType === soort);
    // The value is named only when it looks like a referentienummer (never a number that could be a BSN).
    const genoemd = /^[A-Za-z0-9._:/-]{1,40}$/.test(ref) && !/^\d{8,9}$/.test(ref) ? ` ${ref}` : '';
    if (kandidaten.length === 0) throw new Weigering('StUF064', 'stuurgegevens/crossRefnummer', `crossRefnummer${genoemd} verwijst niet naar een bericht dat knooppunt bezorgde`);
    const eigen = kandidaten.filter((d) => (deps.partijVanBestemming?.(d.destinationId) ?? d.receiver) === caller.id);
    if (eigen.length === 0) throw new Weigering('StUF052', 'stuurgegevens/crossRefnummer', 'het bericht is niet aan deze partij bezorgd');
    // A referentienummer is unique per zender only: where two senders' berichten share it, the
    // answer's ontvanger (the bericht's zender) tells which one it is about; else the latest.
    const vanOntvanger = eigen.filter((d) => {
      const s = deps.parties.get(d.sender)?.stuf;
      return s?.organisatie === sg.ontvanger.organisatie && s.applicatie === sg.ontvanger.applicatie;
    });
    return (vanOntvanger.length > 0 ? vanOntvanger : eigen).at(-1)!;
  };

  /** The event on the delivered message and the delivery's receiver outcome, written with the answer's own message. */
  const overBezorging = (b: Bezorging, caller: Party, bericht: string, uitkomst: 'accepted' | 'refused', reden: Record<string, string> | null) => ({
    events: (messageId: string): ExchangeEventInput[] => [{
      messageId: b.messageId, correlationId: b.correlationId, eventType: 'receiver_answered', channel: 'stuf', standard: STUF_STANDARD,
      messageType: b.messageType, sender: b.sender, receiver: caller.id,
      detail: { delivery: b.id, destination: b.destinationId, bericht, outcome: uitkomst, ...(reden ?? {}), answerMessage: messageId },
    }],
    onCommit: (tx: Queryable) => recordReceiverOutcome(tx, b.id, uitkomst, reden),
  });

  /**
   * A Bv01/Bv03 (accepted) or Fo01/Fo03 (refused: the foutcode and plek are kept) a zaaksysteem sends
   * about a bericht delivered to it: logged as its own exchange with knooppunt's Bv03, and on the
   * delivered message; the delivery keeps its status and payload, its receiver outcome says refused.
   */
  const ontvangstbericht = async (call: SoapCall, a: Aanroep, sg: Stuurgegevens, p: { zender: Party; ontvanger?: Party }, body: string): Promise<SoapAnswer> => {
    await valideer(call);
    const b = await bezorgingVan(sg, call.party);
    const geweigerd = a.operatie.naam === 'Fo01' || a.operatie.naam === 'Fo03';
    const fb = kind(call.body, 'body');
    const code = tekstVan(kind(fb, 'code'));
    const plek = tekstVan(kind(fb, 'plek'));
    // Codes only: the omschrijving and details are the receiver's free text and stay in the stored payload.
    const reden = geweigerd ? { ...(/^[A-Za-z0-9]{1,12}$/.test(code) ? { foutcode: code } : {}), ...(plek === 'client' || plek === 'server' ? { plek } : {}) } : null;
    const o = overBezorging(b, call.party, a.operatie.naam, geweigerd ? 'refused' : 'accepted', reden);
    const bericht = { ...inbound(call, a, p.zender, p.ontvanger, sg, body), correlationId: b.correlationId };
    return beantwoord(call, a, p, sg, body, bouwBv03(sg), { bericht: 'Bv03', over: b.id, outcome: geweigerd ? 'refused' : 'accepted' }, {
      bericht, relatedEvents: o.events, onCommit: (tx) => o.onCommit(tx),
    });
  };

  /**
   * overdragenZaak_Du01: the receiving zaaksysteem accepts or refuses an overdracht knooppunt
   * forwarded to it. Recorded on the overdracht's delivery, and addressed to the party that sent the
   * overdracht: routed to it where a route names overdragenZaak_Du01 (as overdragenZaak_Di01 is),
   * otherwise logged with its Bv03.
   */
  const overdrachtBevestiging = async (call: SoapCall, a: Aanroep, sg: Stuurgegevens, p: { zender: Party; ontvanger?: Party }, body: string): Promise<SoapAnswer> => {
    await valideer(call);
    const b = await bezorgingVan(sg, call.party, 'overdragenZaak_Di01');
    const object = kind(call.body, 'object');
    const antwoord = tekstVan(kind(object, 'antwoord'));
    const zaakId = tekstVan(kind(object, 'identificatie'));
    const geweigerd = antwoord === 'Overdracht geweigerd';
    const o = overBezorging(b, call.party, a.operatie.naam, geweigerd ? 'refused' : 'accepted', geweigerd ? { antwoord } : null);
    const afzender = deps.parties.get(b.sender);
    const msg: InboundMessage = { ...inbound(call, a, p.zender, afzender ?? p.ontvanger, sg, body), correlationId: b.correlationId };
    if (deps.heeftRoute?.({ standard: msg.standard, messageType: msg.messageType, sender: msg.sender, ...(msg.receiver ? { receiver: msg.receiver } : {}), body: msg.body })) {
      return viaPipeline({ ...msg, answers: o }, 'OntvangAsynchroon', sg);
    }
    return beantwoord(call, a, p, sg, body, bouwBv03(sg), { bericht: 'Bv03', over: b.id, overdracht: geweigerd ? 'geweigerd' : 'geaccepteerd' }, {
      bericht: msg, relatedEvents: o.events,
      onCommit: async (tx, messageId) => {
        await o.onCommit(tx);
        if (zaakId) await deps.zaken.koppel(tx, messageId, zaakId, 'gewijzigd');
      },
    });
  };

  /** Through the pipeline: validated and checked by the StUF standard, routed, answered with its Bv03 or Fo03. */
  const viaPipeline = async (msg: InboundMessage, endpoint: ZdsEndpoint, sg: Stuurgegevens): Promise<SoapAnswer> => {
    const result = await deps.pipeline.accept(msg);
    if (result.outcome === 'accepted') {
      if (result.answer) return { xml: result.answer.content.toString('utf8') };
      throw new Error('accepted kennisgeving without Bv03');
    }
    if (result.answer) {
      const code = (result.problems[0]?.code ?? 'StUF058') as StufFoutcode;
      const f = FOUTCODES[code] ?? FOUTCODES.StUF058;
      return { fault: { code: soapFaultcode(f.plek), string: f.omschrijving, detailXml: result.answer.content.toString('utf8') } };
    }
    // A concurrent submission under the same referentienummer that lost the race is answered as a
    // later resend would be: other content is StUF016 (the check before the pipeline missed it).
    if (result.code === 'reused-id') return weigering(endpoint, 'StUF016', 'stuurgegevens/referentienummer: dit referentienummer is al gebruikt voor een ander bericht', sg);
    return weigering(endpoint, result.code === 'no-route' || result.code === 'not-allowed' ? 'StUF052' : 'StUF058', meldingen(result.problems), sg);
  };

  // --- the dispatch ----------------------------------------------------------------------------

  const handle = (endpoint: ZdsEndpoint) => async (call: SoapCall): Promise<SoapAnswer> => {
    const a = operatieVoorActie(endpoint, call.soapAction)!;
    const body = alsDocument(call.body);
    let sg: Stuurgegevens;
    try {
      sg = leesStuurgegevens(call.body, aanvulling(call.party));
    } catch (err) {
      if (err instanceof StuurgegevensFout) {
        await deps.pipeline.logRefusedRequest('stuf', 'stuurgegevens', { operation: call.operation, element: err.element, foutcode: err.foutcode }, call.party.id);
        return weigering(endpoint, err.foutcode, err.message);
      }
      throw err;
    }
    try {
      const p = partijen(sg, call.party);
      // A retry gets the first answer; the same referentienummer with other content is StUF016.
      const eerder = await deps.pipeline.previous(p.zender.id, `${sg.zender.organisatie}/${sg.zender.applicatie}/${sg.referentienummer}`, Buffer.from(body, 'utf8'));
      if (eerder && !eerder.sameContent) throw new Weigering('StUF016', 'stuurgegevens/referentienummer', 'dit referentienummer is al gebruikt voor een ander bericht');
      if (eerder?.answer) return { xml: eerder.answer.content.toString('utf8') };

      switch (a.operatie.soort) {
        case 'vraag':
          return await vraag(call, a, sg, p, body);
        case 'du02':
        case 'bv02':
          return await vrijBericht(call, a, sg, p, body);
        case 'di01':
          return await besluitOfOverdracht(call, a, sg, p, body);
        case 'ontvangstbericht':
          return await ontvangstbericht(call, a, sg, p, body);
        case 'du01':
          return await overdrachtBevestiging(call, a, sg, p, body);
        case 'kennisgeving':
          if (!KENNISGEVING_OPERATIES[call.operation]) return await besluitOfOverdracht(call, a, sg, p, body);
      }
      return await viaPipeline(inbound(call, a, p.zender, p.ontvanger, sg, body), endpoint, sg);
    } catch (err) {
      // The document workers and their queue are full: a logged "try again shortly" in the endpoint's foutbericht, nothing half-done.
      if (err instanceof PoolBusyError) {
        await deps.pipeline.logRefusedRequest('stuf', 'documents-busy', { operation: call.operation, foutcode: 'StUF058', size: call.raw.byteLength }, call.party.id);
        const answer = weigering(endpoint, 'StUF058', 'documenten: knooppunt verwerkt nu te veel grote berichten; probeer het over enkele seconden opnieuw', sg);
        return 'fault' in answer ? { fault: { ...answer.fault, status: 503, retryAfterSeconds: 5 } } : answer;
      }
      const w = err instanceof Weigering ? err : err instanceof MappingRunError ? new Weigering('StUF055', err.field || '/', `${err.field}: ${err.message}`) : undefined;
      if (w) {
        await deps.pipeline.logRefusedRequest('stuf', 'refused', { operation: call.operation, foutcode: w.code, plek: w.plek }, call.party.id);
        // A zender that is not the caller is not echoed: the fault goes to the party that really called.
        const aan = w.code === 'StUF013' ? { ...sg, zender: call.party.stuf ?? { organisatie: organisatieVan(call.party), applicatie: '' } } : sg;
        return weigering(endpoint, w.code, `${w.plek}: ${w.melding}`, aan);
      }
      throw err;
    }
  };

  /** Envelope-level refusals (before the message could be read) carry a foutbericht too. */
  const refusalDetail = (endpoint: ZdsEndpoint) => (reason: string, _code: string, message: string): string => {
    const code: StufFoutcode = reason === 'unknown-soapaction' || reason === 'soapaction-element-mismatch' || reason === 'method-not-allowed' || reason === 'trailing-slash' || reason === 'not-found' ? 'StUF040' : reason === 'unauthenticated' || reason === 'forbidden' ? 'StUF052' : reason === 'handle-error' || reason === 'unavailable' || reason === 'request-error' ? 'StUF058' : 'StUF055';
    const f = fout(code, message.slice(0, 500));
    return endpoint === 'OntvangAsynchroon' ? fo03Antwoord(undefined, code, f.details, deps.eigenApplicatie).content.toString('utf8') : bouwFo02(undefined, f);
  };

  const unauthenticatedLog = new LogThrottle();
  return ZDS_ENDPOINTS.map((e) => ({
    path: e.path,
    router: soapEndpoint({
      ...zdsWsdlVan(deps.schemasDir, 'zds11', e.endpoint),
      wsdlKey: '1.1',
      alternativeWsdls: { '1.2': zdsWsdlVan(deps.schemasDir, 'zds12', e.endpoint) },
      staticContract: true,
      soap12: true,
      resolve: (soapAction, payload) => {
        const a = operatieVoorActie(e.endpoint, soapAction);
        if (!a) return undefined;
        if (payload.ns !== a.rootNs || payload.name !== rootVan(a)) return { mismatch: rootVan(a) };
        return { operation: a.operatie.naam };
      },
      refusalDetail: refusalDetail(e.endpoint),
      usernameToken: {
        check: (username, password) => {
          const r = deps.parties.authenticatePassword(username, password);
          return r.ok ? { ok: true, party: r.party } : { ok: false, reason: r.reason };
        },
        rateLimit: deps.rateLimit,
        ...(deps.passwordGate ? { gate: deps.passwordGate } : {}),
      },
      maxBodyBytes: deps.maxBodyBytes,
      xmlLimits: deps.xmlLimits,
      authenticate: deps.authenticate,
      handle: handle(e.endpoint),
      onRefused: async (reason, detail, partyId) => {
        // A refusal with no party (a wrong UsernameToken) is logged at a bounded rate, as the other channels' authentication refusals.
        if (partyId === undefined) {
          const t = unauthenticatedLog.take(reason);
          if (!t.log) return;
          if (t.suppressed) detail = { ...detail, suppressed: t.suppressed };
        }
        await deps.pipeline.logRefusedRequest('stuf', reason, detail, partyId ?? null);
      },
      onError: (err, context) => deps.logger.error({ err: (err as Error).message, context }, 'StUF channel error'),
    }),
  }));
}

/**
 * The besluit as a La01 object: the besluit element as voegBesluitToe carried it (or the nieuw
 * object of the last updateBesluit), as an antwoord object: verwerkingssoort and the relations'
 * verwerkingssoort dropped, which an antwoord does not carry.
 */
function besluitObject(besluit: Record<string, unknown>): XmlElement {
  const stuf = typeof besluit.stuf === 'string' ? besluit.stuf : undefined;
  let el: XmlElement | undefined;
  try {
    el = stuf ? parseXml(stuf) : undefined;
  } catch {
    el = undefined;
  }
  const zonderVerwerking = (e: XmlElement): XmlElement => {
    const attrs = { ...e.attrs };
    delete attrs[`{${STUF_NS.StUF}}verwerkingssoort`];
    return { ...e, attrs, children: e.children.map(zonderVerwerking) };
  };
  const ontvangen = el ? zonderVerwerking(el).children : [zkn('identificatie', [], String(besluit.identificatie))];
  const onbekend = (ns: string, prefix: string, name: string): XmlElement => ({ ns, name, prefix, attrs: { [`{${STUF_NS.xsi}}nil`]: 'true', [`{${STUF_NS.StUF}}noValue`]: 'waardeOnbekend' }, children: [] });
  const ent = (t: string) => ({ [`{${STUF_NS.StUF}}entiteittype`]: t });
  // ZKN:GeefBesluitdetails-BSL-antwoord, in its order; what it requires and the besluit lacks is "waardeOnbekend".
  const volgorde = ['identificatie', 'bst.omschrijving', 'bst.omschrijvingGeneriek', 'bst.categorie', 'bst.reactietermijn', 'bst.publicatieIndicatie', 'bst.publicatieTekst', 'bst.publicatieTermijn',
    'datumBeslissing', 'toelichting', 'ingangsdatumWerking', 'einddatumWerking', 'vervalreden', 'datumPublicatie', 'datumVerzending', 'datumUiterlijkeReactie',
    'tijdvakGeldigheid', 'tijdstipRegistratie', 'extraElementen', 'historieMaterieel', 'historieFormeel', 'isUitkomstVan', 'isVastgelegdIn'];
  const children: XmlElement[] = [];
  for (const naam of volgorde) {
    const found = ontvangen.filter((c) => c.name === naam);
    if (found.length > 0) children.push(...found);
    else if (naam === 'datumBeslissing' || naam === 'ingangsdatumWerking') children.push(onbekend(STUF_NS.ZKN, 'ZKN', naam));
    else if (naam === 'tijdvakGeldigheid') children.push({ ns: STUF_NS.StUF, name: naam, prefix: 'StUF', attrs: {}, children: [onbekend(STUF_NS.StUF, 'StUF', 'beginGeldigheid')] });
    else if (naam === 'isUitkomstVan') {
      children.push(typeof besluit.zaak === 'string'
        ? zkn('isUitkomstVan', [zkn('gerelateerde', [zkn('identificatie', [], besluit.zaak)], undefined, ent('ZAK'))], undefined, ent('BSLZAK'))
        : { ...onbekend(STUF_NS.ZKN, 'ZKN', naam), attrs: { ...onbekend(STUF_NS.ZKN, 'ZKN', naam).attrs, ...ent('BSLZAK') } });
    }
  }
  return zkn('object', children, undefined, ent('BSL'));
}

/**
 * A besluit of a zaak as geefLijstBesluiten names it (ZKN:GeefLijstBesluiten-BSL-gerelateerdeAntwoord):
 * what voegBesluitToe or the last updateBesluit carried, in the schema's order; datumBeslissing and
 * ingangsdatumWerking, which it requires, "waardeOnbekend" when the besluit lacks them.
 */
function besluitInLijst(besluit: Record<string, unknown>): XmlElement {
  const volledig = besluitObject(besluit);
  const volgorde = ['identificatie', 'bst.omschrijving', 'datumBeslissing', 'toelichting', 'ingangsdatumWerking', 'einddatumWerking', 'vervalreden', 'datumPublicatie',
    'datumVerzending', 'datumUiterlijkeReactie', 'tijdvakGeldigheid', 'tijdstipRegistratie', 'extraElementen'];
  const children = volgorde.flatMap((naam) => volledig.children.filter((c) => c.name === naam));
  return zkn('gerelateerde', children, undefined, { [`{${STUF_NS.StUF}}entiteittype`]: 'BSL' });
}

/** The ZAK object of a geefZaakstatus answer (ZKN:GeefZaakStatus-ZAK-antwoord): the zaak, its zaaktype and its status. */
function zaakstatusAntwoord(zaak: JsonZaak): XmlElement {
  const ent = (t: string) => ({ [`{${STUF_NS.StUF}}entiteittype`]: t });
  const nil = (name: string): XmlElement => ({ ns: STUF_NS.ZKN, name, prefix: 'ZKN', attrs: { [`{${STUF_NS.xsi}}nil`]: 'true', [`{${STUF_NS.StUF}}noValue`]: 'geenWaarde' }, children: [] });
  const waarde = (name: string, v: unknown): XmlElement => (typeof v === 'string' && v !== '' ? zkn(name, [], v) : nil(name));
  const zaaktype = zaak.zaaktype as { code?: string; omschrijving?: string } | undefined | null;
  const status = zaak.status as { code?: string; omschrijving?: string; volgnummer?: number; datumStatusGezet?: string; toelichting?: string } | undefined | null;
  const children: XmlElement[] = [zkn('identificatie', [], zaak.identificatie)];
  if (typeof zaak.omschrijving === 'string') children.push(zkn('omschrijving', [], zaak.omschrijving));
  if (zaaktype) children.push(zkn('isVan', [zkn('gerelateerde', [...(zaaktype.omschrijving ? [zkn('omschrijving', [], zaaktype.omschrijving)] : []), zkn('code', [], String(zaaktype.code ?? ''))], undefined, ent('ZKT'))], undefined, ent('ZAKZKT')));
  if (status) {
    const gezet = (status.datumStatusGezet ?? '').replace(/[^0-9]/g, '');
    children.push(
      zkn('heeft', [
        zkn('gerelateerde', [
          ...(zaaktype?.code ? [zkn('zkt.code', [], zaaktype.code)] : []),
          waarde('zkt.omschrijving', zaaktype?.omschrijving),
          zkn('volgnummer', [], String(status.volgnummer ?? 1).padStart(4, '0')),
          zkn('code', [], String(status.code ?? '')),
          ...(status.omschrijving ? [zkn('omschrijving', [], status.omschrijving)] : []),
        ], undefined, ent('STT')),
        waarde('toelichting', status.toelichting),
        gezet.length >= 8 ? zkn('datumStatusGezet', [], gezet) : nil('datumStatusGezet'),
        zkn('indicatieLaatsteStatus', [], 'J'),
      ], undefined, ent('ZAKSTT')),
    );
  } else {
    children.push({ ...nil('heeft'), attrs: { ...nil('heeft').attrs, ...ent('ZAKSTT') } });
  }
  return zkn('antwoord', [zkn('object', children, undefined, ent('ZAK'))]);
}

/** geefLijstZaakdocumenten answers the zaak's identificatie and its documents only (ZKN:GeefLijstZaakDocumenten-ZAK-antwoord). */
function alleenDocumenten(antwoord: XmlElement, documenten: ReadonlyArray<Record<string, unknown>>): XmlElement {
  const object = antwoord.children[0]!;
  const keep = new Set(['identificatie', 'heeftRelevant']);
  // Each relation carries its registratiedatum (required there): the document's creatiedatum, else unknown.
  let i = 0;
  const children = object.children.filter((c) => keep.has(c.name)).map((c) => {
    if (c.name !== 'heeftRelevant') return c;
    const datum = String(documenten[i++]?.creatiedatum ?? '').replace(/-/g, '');
    const registratiedatum = /^[0-9]{8}$/.test(datum)
      ? zkn('registratiedatum', [], datum)
      : { ...zkn('registratiedatum'), attrs: { [`{${STUF_NS.xsi}}nil`]: 'true', [`{${STUF_NS.StUF}}noValue`]: 'waardeOnbekend' } };
    const at = c.children.findIndex((x) => x.name !== 'gerelateerde' && x.name !== 'titel' && x.name !== 'beschrijving');
    const rest = c.children.filter((x) => x.name !== 'registratiedatum');
    const pos = at < 0 ? rest.length : rest.findIndex((x) => x.name !== 'gerelateerde' && x.name !== 'titel' && x.name !== 'beschrijving');
    return { ...c, children: pos < 0 ? [...rest, registratiedatum] : [...rest.slice(0, pos), registratiedatum, ...rest.slice(pos)] };
  });
  return { ...antwoord, children: [{ ...object, children }] };
}

/** The Du02 of geefZaakdocumentbewerken: the checkedOutId, and the document as edcLa01. */
function bewerkenDu02(a: Aanroep, sg: Stuurgegevens, document: JsonZaakdocument, checkedOutId: string, mappings: ReadonlyMap<string, CompiledMapping>): string {
  const ns = a.vorm === 'zds12' ? STUF_NS.ZDS : STUF_NS.ZKN;
  const prefix = a.vorm === 'zds12' ? 'ZDS' : 'ZKN';
  const el = (name: string, children: XmlElement[] = [], text?: string, attrs: Record<string, string> = {}): XmlElement => ({ ns, name, prefix, attrs, children, ...(text !== undefined ? { text } : {}) });
  const gelezen = documentNaarLa01Antwoord(document, mappings);
  // The document to edit always names its link and inhoud (ZKN:EDC-antwoord-gzdb): empty when knooppunt has none.
  const object = gelezen.children[0]!;
  const link = object.children.find((c) => c.name === 'link') ?? zkn('link', [], '');
  const inhoud = object.children.find((c) => c.name === 'inhoud') ?? { ...zkn('inhoud', [], ''), attrs: { [`{${STUF_NS.StUF}}bestandsnaam`]: String(document.bestandsnaam ?? document.identificatie) } };
  const rest = object.children.filter((c) => c.name !== 'link' && c.name !== 'inhoud');
  const at = rest.findIndex((c) => c.name === 'isRelevantVoor' || c.name === 'tijdvakGeldigheid' || c.name === 'tijdstipRegistratie' || c.name === 'extraElementen');
  const children = at < 0 ? [...rest, link, inhoud] : [...rest.slice(0, at), link, inhoud, ...rest.slice(at)];
  const antwoord = { ...gelezen, children: [{ ...object, children }] };
  const edcLa01 = el('edcLa01', [zkn('parameters', [{ ns: STUF_NS.StUF, name: 'indicatorAfnemerIndicatie', prefix: 'StUF', attrs: {}, children: [], text: 'false' }]), antwoord], undefined, {
    [`{${STUF_NS.StUF}}entiteittype`]: 'EDC',
    [`{${STUF_NS.StUF}}functie`]: 'antwoord',
  });
  const root = el(a.vorm === 'zds12' ? a.operatie.antwoord!.zds12 : a.operatie.antwoord!.zds11, [
    bouwStuurgegevens({ ...antwoordStuurgegevens(sg, 'Du02'), functie: 'geefZaakdocumentbewerken' }, ns),
    el('parameters', [el('checkedOutId', [], checkedOutId)]),
    edcLa01,
  ]);
  return serializeXml(root, { namespaces: PREFIXEN });
}

function meldingen(problems: Problem[]): string {
  return problems.slice(0, 5).map((p) => `${p.location}: ${p.message}`).join('; ');
}
