/**
 * The StUF-ZKN channel: the three ZDS 1.2 endpoints under /stuf/zds. Kennisgevingen (Lk01) go
 * through the pipeline like every message and are answered with a Bv03; questions (Lv01) are
 * answered from the zaak register and genereerZaakIdentificatie (Di02) from its zaaknummers, both
 * logged as one exchange. Every refusal is a Fo02 in a SOAP Fault, logged.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RequestHandler } from 'express';
import type { InboundMessage, Problem } from '../../core/message.js';
import type { Pipeline } from '../../core/pipeline.js';
import type { CompiledMapping } from '../../mapping/index.js';
import type { Party, PartyRegistry } from '../../parties/registry.js';
import { bouwDu02, bouwFo02, soapFaultcode } from '../../standards/stuf/berichten.js';
import { fout, FOUTCODES, type StufFoutcode } from '../../standards/stuf/foutcodes.js';
import { documentNaarLa01Antwoord, zaakNaarLa01Antwoord, type JsonZaak } from '../../standards/stuf/kennisgeving.js';
import { STUF_NS } from '../../standards/stuf/namespaces.js';
import { KENNISGEVING_OPERATIES, STUF_STANDARD, alsDocument } from '../../standards/stuf/standard.js';
import { antwoordStuurgegevens, bouwStuurgegevens, leesStuurgegevens, StuurgegevensFout, type Stuurgegevens } from '../../standards/stuf/stuurgegevens.js';
import type { StufSchemas } from '../../standards/stuf/validator.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlElement, XmlLimits } from '../../xml/parse.js';
import type { ZaakRegister } from '../../zaken/zaak-register.js';
import { soapEndpoint, type SoapAnswer, type SoapCall, type SoapEndpointRouter } from './soap-server.js';

const ACTION = 'http://www.egem.nl/StUF/sector/zkn/0310/';

/** The ZDS endpoints: path, WSDL and SOAPAction → operation, as in docs/stuf/zds.md. */
export const ZDS_ENDPOINTS: ReadonlyArray<{ path: string; wsdl: string; operations: Record<string, string> }> = [
  {
    path: '/stuf/zds/VerwerkSynchroonVrijBericht',
    wsdl: 'zds_VerwerkSynchroonVrijBericht.wsdl',
    operations: { [`${ACTION}genereerZaakIdentificatie_Di02`]: 'genereerZaakIdentificatie_Di02' },
  },
  {
    path: '/stuf/zds/OntvangAsynchroon',
    wsdl: 'zds_OntvangAsynchroon.wsdl',
    operations: {
      [`${ACTION}creeerZaak_Lk01`]: 'creeerZaak_ZakLk01',
      [`${ACTION}updateZaak_Lk01`]: 'updateZaak_ZakLk01',
      [`${ACTION}actualiseerZaakstatus_Lk01`]: 'actualiseerZaakstatus_ZakLk01',
      [`${ACTION}voegZaakdocumentToe_Lk01`]: 'voegZaakdocumentToe_EdcLk01',
    },
  },
  {
    path: '/stuf/zds/BeantwoordVraag',
    wsdl: 'zds_BeantwoordVraag.wsdl',
    operations: {
      [`${ACTION}geefZaakdetails_Lv01`]: 'geefZaakdetails_ZakLv01',
      [`${ACTION}geefLijstZaakdocumenten_Lv01`]: 'geefLijstZaakdocumenten_ZakLv01',
      [`${ACTION}geefZaakdocumentLezen_Lv01`]: 'geefZaakdocumentLezen_EdcLv01',
    },
  },
];

/** The SOAPAction of a kennisgeving operation, for outbound deliveries. */
export function soapActionVoor(operation: string): string | undefined {
  for (const e of ZDS_ENDPOINTS) for (const [action, op] of Object.entries(e.operations)) if (op === operation) return action;
  return undefined;
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

function faultFor(code: StufFoutcode, details: string): SoapAnswer {
  const f = fout(code, details);
  return { fault: { code: soapFaultcode(f.plek), string: FOUTCODES[code].omschrijving, detailXml: bouwFo02(undefined, f) } };
}

function kind(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function stufChannel(deps: {
  schemasDir: string;
  authenticate: RequestHandler;
  pipeline: Pipeline;
  parties: PartyRegistry;
  zaken: ZaakRegister;
  schemas: StufSchemas;
  mappings: ReadonlyMap<string, CompiledMapping>;
  maxBodyBytes: number;
  xmlLimits: XmlLimits;
  logger: Logger;
  /** Organisatie + applicatie that name knooppunt itself as ontvanger. */
  eigenApplicatie: string;
}): Array<{ path: string; router: SoapEndpointRouter }> {
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

  const inbound = (call: SoapCall, zender: Party, ontvanger: Party | undefined, sg: Stuurgegevens, body: string): InboundMessage => ({
    channel: 'stuf',
    standard: STUF_STANDARD,
    messageType: call.operation,
    version: 'ZDS 1.2',
    sender: zender.id,
    ...(ontvanger ? { receiver: ontvanger.id } : {}),
    senderMessageId: `${sg.zender.organisatie}/${sg.zender.applicatie}/${sg.referentienummer}`,
    references: [{ kind: 'referentienummer', value: sg.referentienummer }],
    contentType: 'text/xml; charset=utf-8',
    raw: Buffer.from(body, 'utf8'),
    body: call.body,
  });

  /** The organisatie whose zaken a party may read: its StUF organisatie, else its gemeentecode. */
  const organisatieVan = (p: Party): string => p.stuf?.organisatie ?? p.code ?? '';

  const vraag = async (call: SoapCall, sg: Stuurgegevens, zender: Party, ontvanger: Party | undefined, body: string): Promise<SoapAnswer> => {
    const issues = deps.schemas.validate(body);
    if (issues.length > 0) throw new Weigering('StUF055', issues[0]!.element ?? '/', issues.slice(0, 10).map((i) => i.message).join('; '));
    const id = kind(kind(call.body, 'gelijk'), 'identificatie')?.text?.trim() ?? '';
    const eigen = (o: { bronorganisatie?: unknown } | undefined) => o !== undefined && (!o.bronorganisatie || o.bronorganisatie === organisatieVan(zender));
    let antwoord: XmlElement | undefined;
    let rootNaam: string;
    let subjects: string[] = [];
    if (call.operation === 'geefZaakdocumentLezen_EdcLv01') {
      rootNaam = 'edcLa01';
      const document = await deps.zaken.document(id);
      const zaak = document ? await deps.zaken.zaak(document.zaak) : undefined;
      if (!document || !eigen(zaak)) throw new Weigering('StUF064', 'gelijk/identificatie', 'document niet gevonden');
      antwoord = documentNaarLa01Antwoord(document, deps.mappings);
    } else {
      rootNaam = 'zakLa01';
      const zaak = await deps.zaken.zaak(id);
      if (!zaak || !eigen(zaak)) throw new Weigering('StUF064', 'gelijk/identificatie', 'zaak niet gevonden');
      const documenten = call.operation === 'geefLijstZaakdocumenten_ZakLv01' ? await deps.zaken.documentenVanZaak(id) : undefined;
      // The list of documents names them; their content is read one by one with geefZaakdocumentLezen.
      antwoord = zaakNaarLa01Antwoord(zaak as JsonZaak, documenten?.map(({ inhoud: _inhoud, ...rest }) => rest), deps.mappings);
      const bsn = (zaak.initiator as { bsn?: unknown } | undefined)?.bsn;
      if (typeof bsn === 'string') subjects = [bsn];
    }
    const sgAntwoord = antwoordStuurgegevens(sg, 'La01');
    const la01: XmlElement = {
      ns: STUF_NS.ZKN, name: rootNaam, prefix: 'ZKN', attrs: {},
      children: [
        bouwStuurgegevens(sgAntwoord, STUF_NS.ZKN),
        { ns: STUF_NS.ZKN, name: 'parameters', prefix: 'ZKN', attrs: {}, children: [{ ns: STUF_NS.StUF, name: 'indicatorVervolgvraag', prefix: 'StUF', attrs: {}, children: [], text: 'false' }] },
        antwoord,
      ],
    };
    const xml = serializeXml(la01, { namespaces: { ZKN: STUF_NS.ZKN, StUF: STUF_NS.StUF, BG: STUF_NS.BG, xsi: 'http://www.w3.org/2001/XMLSchema-instance' } });
    const messageId = await deps.pipeline.answerExchange(inbound(call, zender, ontvanger, sg, body), { contentType: 'text/xml; charset=utf-8', content: Buffer.from(xml, 'utf8'), detail: { bericht: 'La01' } }, {
      subjects,
    });
    deps.logger.debug({ messageId, operation: call.operation }, 'StUF question answered');
    return { xml };
  };

  const handle = async (call: SoapCall): Promise<SoapAnswer> => {
    const body = alsDocument(call.body);
    let sg: Stuurgegevens;
    try {
      sg = leesStuurgegevens(call.body);
    } catch (err) {
      if (err instanceof StuurgegevensFout) {
        await deps.pipeline.logRefusedRequest('stuf', 'stuurgegevens', { operation: call.operation, element: err.element, foutcode: err.foutcode }, call.party.id);
        return faultFor(err.foutcode, err.message);
      }
      throw err;
    }
    try {
      const { zender, ontvanger } = partijen(sg, call.party);
      if (call.operation === 'genereerZaakIdentificatie_Di02') {
        const issues = deps.schemas.validate(body);
        if (issues.length > 0) throw new Weigering('StUF055', issues[0]!.element ?? '/', issues.slice(0, 10).map((i) => i.message).join('; '));
        const nummer = await deps.zaken.nieuwZaaknummer(organisatieVan(zender));
        const xml = bouwDu02(sg, nummer);
        await deps.pipeline.answerExchange(inbound(call, zender, ontvanger, sg, body), { contentType: 'text/xml; charset=utf-8', content: Buffer.from(xml, 'utf8'), detail: { bericht: 'Du02', zaak: nummer } });
        return { xml };
      }
      if (!KENNISGEVING_OPERATIES[call.operation]) return await vraag(call, sg, zender, ontvanger, body);

      const result = await deps.pipeline.accept(inbound(call, zender, ontvanger, sg, body));
      if (result.outcome === 'accepted') {
        if (result.answer) return { xml: result.answer.content.toString('utf8') };
        throw new Error('accepted kennisgeving without Bv03');
      }
      if (result.answer) {
        const code = (result.problems[0]?.code ?? 'StUF058') as StufFoutcode;
        const f = FOUTCODES[code] ?? FOUTCODES.StUF058;
        return { fault: { code: soapFaultcode(f.plek), string: f.omschrijving, detailXml: result.answer.content.toString('utf8') } };
      }
      return faultFor(result.code === 'no-route' || result.code === 'not-allowed' ? 'StUF052' : 'StUF058', meldingen(result.problems));
    } catch (err) {
      if (err instanceof Weigering) {
        await deps.pipeline.logRefusedRequest('stuf', 'refused', { operation: call.operation, foutcode: err.code, plek: err.plek }, call.party.id);
        return faultFor(err.code, `${err.plek}: ${err.melding}`);
      }
      throw err;
    }
  };

  return ZDS_ENDPOINTS.map((e) => ({
    path: e.path,
    router: soapEndpoint({
      wsdlPath: join(deps.schemasDir, 'zds0120', e.wsdl),
      operations: e.operations,
      maxBodyBytes: deps.maxBodyBytes,
      xmlLimits: deps.xmlLimits,
      authenticate: deps.authenticate,
      handle,
      onRefused: (reason, detail, partyId) => deps.pipeline.logRefusedRequest('stuf', reason, detail, partyId ?? null),
      onError: (err, context) => deps.logger.error({ err: (err as Error).message, context }, 'StUF channel error'),
    }),
  }));
}

function meldingen(problems: Problem[]): string {
  return problems.slice(0, 5).map((p) => `${p.location}: ${p.message}`).join('; ');
}
