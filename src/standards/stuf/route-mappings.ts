/**
 * The mappings routes name for StUF-ZKN traffic: codecs around the declarative files in
 * mappings/stuf/ (which do the field work) and src/standards/stuf/kennisgeving.ts (StUF semantics).
 * - `stuf-naar-json`: a StUF kennisgeving → the JSON kennisgeving a back office receives;
 * - `stuf-xml`: a StUF kennisgeving as received → a StUF zaaksysteem (delivered with its SOAPAction);
 * - `stuf-uit-json`: a JSON back office's kennisgeving → a zakLk01/edcLk01 for a StUF zaaksysteem;
 * - `istandaarden-315-naar-creeerzaak`: a JW315/WMO315 verzoek om toewijzing → creeerZaak_ZakLk01
 *   with a new zaaknummer, kept with the exchange.
 */
import type { CompiledMapping, MappingContext, MappingResult, RouteMapping } from '../../mapping/index.js';
import { MappingRunError } from '../../mapping/index.js';
import type { PartyRegistry } from '../../parties/registry.js';
import type { DestinationRegistry } from '../../routing/destinations.js';
import type { Queryable } from '../../store/db.js';
import { serializeXml } from '../../xml/build.js';
import type { Zaak, ZaakRegister } from '../../zaken/zaak-register.js';
import { naarNeutraal } from '../istandaarden/codec.js';
import type { IstandaardenPrepared } from '../istandaarden/standard.js';
import { jsonNaarKennisgeving, OPERATIES, type JsonKennisgeving, type JsonZaak } from './kennisgeving.js';
import { STUF_NS } from './namespaces.js';
import { actieVan } from './operaties.js';
import { pasToe, zaakIdentificatieVan, type StufPrepared } from './standard.js';
import { bouwStuurgegevens, stufTijdstip, type Systeem } from './stuurgegevens.js';
import type { StufValidator as StufSchemas } from './validator.js';

/** The names routes can use for these codecs (checked at start, before the store is opened). */
export const STUF_ROUTE_MAPPINGS: readonly string[] = ['stuf-naar-json', 'stuf-xml', 'stuf-uit-json', 'istandaarden-315-naar-creeerzaak'];

const ACTION = 'http://www.egem.nl/StUF/sector/zkn/0310/';
const SOAP_ACTIONS: Readonly<Record<JsonKennisgeving['operatie'], string>> = {
  creeerZaak: `${ACTION}creeerZaak_Lk01`,
  updateZaak: `${ACTION}updateZaak_Lk01`,
  actualiseerZaakstatus: `${ACTION}actualiseerZaakstatus_Lk01`,
  voegZaakdocumentToe: `${ACTION}voegZaakdocumentToe_Lk01`,
};

/** What a gemeente's zaak for a verzoek om toewijzing is, per standard. */
const ZAAKTYPE_VERZOEK = {
  ijw: { omschrijving: 'Verzoek om toewijzing jeugdhulp', zaaktype: { code: 'JW-VOT', omschrijving: 'Verzoek om toewijzing jeugdhulp (iJw)' } },
  iwmo: { omschrijving: 'Verzoek om toewijzing Wmo-ondersteuning', zaaktype: { code: 'WMO-VOT', omschrijving: 'Verzoek om toewijzing Wmo-ondersteuning (iWmo)' } },
} as const;

/** The message with the ontvanger of its stuurgegevens replaced (the first ontvanger element: the stuurgegevens come first). */
function metOntvanger(xml: string, ontvanger: Systeem): string {
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return xml.replace(
    /<((?:[A-Za-z_][\w.-]*:)?)ontvanger\b[^>]*?(?:\/>|>[\s\S]*?<\/\1ontvanger>)/,
    (_m, prefix: string) =>
      `<${prefix}ontvanger><${prefix}organisatie>${esc(ontvanger.organisatie)}</${prefix}organisatie><${prefix}applicatie>${esc(ontvanger.applicatie)}</${prefix}applicatie>` +
      (ontvanger.administratie ? `<${prefix}administratie>${esc(ontvanger.administratie)}</${prefix}administratie>` : '') +
      `</${prefix}ontvanger>`,
  );
}

function stufResult(xml: string, operatie: JsonKennisgeving['operatie']): MappingResult {
  // The SOAPAction travels in the content type, so the delivery knows which operation to call.
  return { output: xml, serialized: Buffer.from(xml, 'utf8'), contentType: `text/xml; charset=utf-8; action="${SOAP_ACTIONS[operatie]}"` };
}

export function stufRouteMappings(deps: {
  mappings: ReadonlyMap<string, CompiledMapping>;
  parties: PartyRegistry;
  destinations: DestinationRegistry;
  zaken: ZaakRegister;
  schemas: StufSchemas;
  /** The applicatie name knooppunt uses in stuurgegevens. */
  eigenApplicatie: string;
}): RouteMapping[] {
  const stufPrepared = (mapping: string, ctx: MappingContext | undefined): StufPrepared => {
    const p = ctx?.prepared as StufPrepared | undefined;
    if (!p?.kennisgeving && !p?.besluit) throw new MappingRunError(mapping, '', 'unexpected-root', 'this mapping only runs on a StUF-ZKN kennisgeving');
    return p;
  };
  /** The zaak or document kennisgeving itself (stuf-uit-json writes only those). */
  const kennisgevingVan = (mapping: string, ctx: MappingContext | undefined): JsonKennisgeving => {
    const k = stufPrepared(mapping, ctx).kennisgeving;
    if (!k) throw new MappingRunError(mapping, '', 'unexpected-root', 'this mapping only runs on a zaak or document kennisgeving');
    return k;
  };

  /** The StUF identity of the zaaksysteem a route delivers to. */
  const ontvangerVan = (mapping: string, ctx: MappingContext | undefined): Systeem => {
    for (const id of ctx?.destinations ?? []) {
      const d = deps.destinations.get(id);
      const party = d && 'party' in d && d.party ? deps.parties.get(d.party) : undefined;
      if (party?.stuf) return party.stuf;
    }
    const receiver = ctx?.receiver ? deps.parties.get(ctx.receiver)?.stuf : undefined;
    if (receiver) return receiver;
    throw new MappingRunError(mapping, '', 'required-missing', 'the route has no destination with a StUF identity (party.stuf)');
  };

  const zenderVan = (senderId: string | undefined, organisatie?: string): Systeem => {
    const sender = senderId ? deps.parties.get(senderId) : undefined;
    return sender?.stuf ?? { organisatie: organisatie ?? sender?.code ?? 'knooppunt', applicatie: deps.eigenApplicatie };
  };

  /** A complete Lk01 for a zaaksysteem, checked against the StUF schemas before it is queued. */
  const bouwLk01 = (mapping: string, k: JsonKennisgeving, zender: Systeem, ontvanger: Systeem, messageId: string): string => {
    const stuurgegevens = bouwStuurgegevens({
      berichtcode: 'Lk01',
      zender,
      ontvanger,
      referentienummer: messageId,
      tijdstipBericht: stufTijdstip(new Date()),
      entiteittype: OPERATIES[k.operatie].entiteittype,
    });
    const xml = serializeXml(jsonNaarKennisgeving(k, stuurgegevens, deps.mappings), {
      namespaces: { ZKN: STUF_NS.ZKN, StUF: STUF_NS.StUF, BG: STUF_NS.BG, xsi: 'http://www.w3.org/2001/XMLSchema-instance' },
    });
    const issues = deps.schemas.validate(xml);
    if (issues.length > 0) throw new MappingRunError(mapping, issues[0]!.element ?? '', 'invalid-output', issues[0]!.message);
    return xml;
  };

  const naarJson: RouteMapping = {
    name: 'stuf-naar-json',
    version: 1,
    run(_input, ctx) {
      // A besluit or overdracht goes as its JSON bericht (besluiten.ts), a zaak kennisgeving as the JSON kennisgeving.
      const p = stufPrepared('stuf-naar-json', ctx);
      const output = p.kennisgeving ?? p.besluit!.bericht;
      return { output, serialized: Buffer.from(JSON.stringify(output), 'utf8'), contentType: 'application/json' };
    },
  };

  const alsXml: RouteMapping = {
    name: 'stuf-xml',
    version: 1,
    run(_input, ctx) {
      const p = stufPrepared('stuf-xml', ctx);
      if (!p.xml) throw new MappingRunError('stuf-xml', '', 'unexpected-root', 'only a kennisgeving received as StUF can be passed on as it is');
      // Everything the client sent is passed on unchanged, except the ontvanger: the zaaksysteem it now goes to.
      const xml = metOntvanger(p.xml, ontvangerVan('stuf-xml', ctx));
      const action = p.bericht ? actieVan(p.bericht.operatie, p.bericht.vorm) : undefined;
      if (action) return { output: xml, serialized: Buffer.from(xml, 'utf8'), contentType: `text/xml; charset=utf-8; action="${action}"` };
      return stufResult(xml, kennisgevingVan('stuf-xml', ctx).operatie);
    },
  };

  const uitJson: RouteMapping = {
    name: 'stuf-uit-json',
    version: 1,
    run(_input, ctx) {
      const kennisgeving = kennisgevingVan('stuf-uit-json', ctx);
      const xml = bouwLk01('stuf-uit-json', kennisgeving, zenderVan(ctx?.sender), ontvangerVan('stuf-uit-json', ctx), ctx!.messageId);
      return { ...stufResult(xml, kennisgeving.operatie), logDetail: { zaak: zaakIdentificatieVan(kennisgeving) } };
    },
  };

  const verzoekNaarZaak: RouteMapping = {
    name: 'istandaarden-315-naar-creeerzaak',
    version: 1,
    async run(_input, ctx) {
      const name = 'istandaarden-315-naar-creeerzaak';
      const p = ctx?.prepared as IstandaardenPrepared | undefined;
      if (!p?.root || p.nummer !== '315') throw new MappingRunError(name, '', 'unexpected-root', 'this mapping only runs on a JW315/WMO315');
      const velden = deps.mappings.get('istandaarden-315-naar-zaak')!.run(naarNeutraal(p.root, p.standaard)).output as Record<string, unknown>;
      const gemeente = p.header.ontvanger;
      const identificatie = await deps.zaken.nieuwZaaknummer(gemeente);
      const zaak: JsonZaak = { identificatie, bronorganisatie: gemeente, ...ZAAKTYPE_VERZOEK[p.standaard], ...velden };
      const kennisgeving: JsonKennisgeving = { operatie: 'creeerZaak', mutatiesoort: 'T', zaak };
      const xml = bouwLk01(name, kennisgeving, { organisatie: gemeente, applicatie: deps.eigenApplicatie }, ontvangerVan(name, ctx), ctx!.messageId);
      return {
        ...stufResult(xml, 'creeerZaak'),
        // The zaak is knooppunt's to answer questions about, and its identification stays with the exchange.
        onCommit: (tx: Queryable, messageId: string) => pasToe(deps.zaken, tx, { ...kennisgeving, zaak: zaak as Zaak & JsonZaak }, messageId),
        logDetail: { zaak: identificatie },
      };
    },
  };

  return [naarJson, alsXml, uitJson, verzoekNaarZaak];
}
