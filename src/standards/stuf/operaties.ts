/**
 * Every ZDS operation knooppunt serves, in both wire forms (docs/stuf/zds.md, "Operations"):
 * - ZDS 1.1 (1.1.02, the zkn0310 zs-dms profile): `ZKN:` roots (`ZKN:zakLk01`, ...), SOAPActions
 *   `http://www.egem.nl/StUF/sector/zkn/0310/<x>`;
 * - ZDS 1.2 (zds0120): `ZDS:` roots named after the operation (`ZDS:creeerZaak_ZakLk01`),
 *   SOAPActions `http://www.stufstandaarden.nl/koppelvlak/zds0120/<x>`.
 * The action names and roots are those of the official WSDLs and message schemas of each version.
 * One table, read by the channel (dispatch), the WSDL writer and the tests.
 */
import type { XmlElement } from '../../xml/parse.js';
import { STUF_NS } from './namespaces.js';

export const ACTION_ZDS11 = 'http://www.egem.nl/StUF/sector/zkn/0310/';
export const ACTION_ZDS12 = 'http://www.stufstandaarden.nl/koppelvlak/zds0120/';
/** The StUF 03.01 berichten (Bv01, Bv03, Fo01, Fo03) have their SOAPAction in the StUF namespace, in both forms. */
export const ACTION_STUF = 'http://www.egem.nl/StUF/StUF0301/';

export type ZdsEndpoint = 'OntvangAsynchroon' | 'BeantwoordVraag' | 'VerwerkSynchroonVrijBericht';
export type Vorm = 'zds11' | 'zds12';

/** What the operation is, and so what it is answered with. */
export type Soort =
  /** an Lk01 kennisgeving of a zaak or document: through the pipeline, Bv03 */
  | 'kennisgeving'
  /** a Di01 (voegBesluitToe, overdragenZaak): Bv03 */
  | 'di01'
  /** a Lv01 question: La01 */
  | 'vraag'
  /** a Di02 vrij bericht answered with a Du02 */
  | 'du02'
  /** a Di02 vrij bericht answered with a Bv02 */
  | 'bv02'
  /**
   * a StUF Bv01/Bv03/Fo01/Fo03 a zaaksysteem sends asynchronously about a bericht knooppunt
   * delivered to it (crossRefnummer): recorded against that delivery, Bv03
   */
  | 'ontvangstbericht'
  /** the Du01 of an overdracht (overdragenZaak_Du01) knooppunt forwarded: recorded, routed back, Bv03 */
  | 'du01';

export interface ZdsOperatie {
  /** The operation name of the ZDS 1.2 WSDL, the name knooppunt logs (messageType). */
  naam: string;
  endpoint: ZdsEndpoint;
  soort: Soort;
  /** The entiteittype of the kennisgeving or question, when it has one. */
  entiteittype?: 'ZAK' | 'EDC' | 'BSL';
  /** ZDS 1.1: SOAPAction suffix and root (ZKN namespace); absent where ZDS 1.1 has no such operation. */
  zds11?: { action: string; root: string };
  /** ZDS 1.2: SOAPAction suffix and root (ZDS namespace); absent where ZDS 1.2 has no such operation. */
  zds12?: { action: string; root: string };
  /** A StUF 03.01 bericht: SOAPAction under ACTION_STUF, root `StUF:<x>Bericht`, the same in both forms. */
  stuf?: true;
  /** The answer's root in each form (Du02/La01); a Bv02/Bv03 is StUF:Bv0xBericht in both. */
  antwoord?: { zds11: string; zds12: string };
}

const op = (o: ZdsOperatie): ZdsOperatie => o;

export const ZDS_OPERATIES: readonly ZdsOperatie[] = [
  // --- OntvangAsynchroon: kennisgevingen and Di01 -----------------------------------------------
  op({ naam: 'creeerZaak_ZakLk01', endpoint: 'OntvangAsynchroon', soort: 'kennisgeving', entiteittype: 'ZAK', zds11: { action: 'creeerZaak_Lk01', root: 'zakLk01' }, zds12: { action: 'creeerZaak_ZakLk01', root: 'creeerZaak_ZakLk01' } }),
  op({ naam: 'updateZaak_ZakLk01', endpoint: 'OntvangAsynchroon', soort: 'kennisgeving', entiteittype: 'ZAK', zds11: { action: 'updateZaak_Lk01', root: 'zakLk01' }, zds12: { action: 'updateZaak_ZakLk01', root: 'updateZaak_ZakLk01' } }),
  op({ naam: 'actualiseerZaakstatus_ZakLk01', endpoint: 'OntvangAsynchroon', soort: 'kennisgeving', entiteittype: 'ZAK', zds11: { action: 'actualiseerZaakstatus_Lk01', root: 'zakLk01' }, zds12: { action: 'actualiseerZaakstatus_ZakLk01', root: 'actualiseerZaakstatus_ZakLk01' } }),
  op({ naam: 'voegZaakdocumentToe_EdcLk01', endpoint: 'OntvangAsynchroon', soort: 'kennisgeving', entiteittype: 'EDC', zds11: { action: 'voegZaakdocumentToe_Lk01', root: 'edcLk01' }, zds12: { action: 'voegZaakdocumentToe_EdcLk01', root: 'voegZaakdocumentToe_EdcLk01' } }),
  op({ naam: 'maakZaakdocument_EdcLk01', endpoint: 'OntvangAsynchroon', soort: 'kennisgeving', entiteittype: 'EDC', zds11: { action: 'maakZaakdocument_Lk01', root: 'edcLk01' }, zds12: { action: 'maakZaakdocument_EdcLk01', root: 'maakZaakdocument_EdcLk01' } }),
  op({ naam: 'updateBesluit_BslLk01', endpoint: 'OntvangAsynchroon', soort: 'kennisgeving', entiteittype: 'BSL', zds12: { action: 'updateBesluit_BslLk01', root: 'updateBesluit_BslLk01' } }),
  op({ naam: 'voegBesluitToe_Di01', endpoint: 'OntvangAsynchroon', soort: 'di01', entiteittype: 'BSL', zds12: { action: 'voegBesluitToe_Di01', root: 'voegBesluitToe_Di01' } }),
  op({ naam: 'overdragenZaak_Di01', endpoint: 'OntvangAsynchroon', soort: 'di01', entiteittype: 'ZAK', zds12: { action: 'overdragenZaak_Di01', root: 'overdragenZaak_Di01' } }),
  op({ naam: 'overdragenZaak_Du01', endpoint: 'OntvangAsynchroon', soort: 'du01', entiteittype: 'ZAK', zds12: { action: 'overdragenZaak_Du01', root: 'overdragenZaak_Du01' } }),
  // What a zaaksysteem sends back asynchronously about a bericht it received (ZDS 1.2's mutatie
  // port has Bv01, its overdragen port Bv03; ZDS 1.1 has Bv03; both have Fo01 and Fo03).
  op({ naam: 'Bv01', endpoint: 'OntvangAsynchroon', soort: 'ontvangstbericht', stuf: true, zds12: { action: 'Bv01', root: 'Bv01Bericht' } }),
  op({ naam: 'Bv03', endpoint: 'OntvangAsynchroon', soort: 'ontvangstbericht', stuf: true, zds11: { action: 'Bv03', root: 'Bv03Bericht' }, zds12: { action: 'Bv03', root: 'Bv03Bericht' } }),
  op({ naam: 'Fo01', endpoint: 'OntvangAsynchroon', soort: 'ontvangstbericht', stuf: true, zds11: { action: 'Fo01', root: 'Fo01Bericht' }, zds12: { action: 'Fo01', root: 'Fo01Bericht' } }),
  op({ naam: 'Fo03', endpoint: 'OntvangAsynchroon', soort: 'ontvangstbericht', stuf: true, zds11: { action: 'Fo03', root: 'Fo03Bericht' }, zds12: { action: 'Fo03', root: 'Fo03Bericht' } }),
  // --- BeantwoordVraag --------------------------------------------------------------------------
  op({ naam: 'geefZaakdetails_ZakLv01', endpoint: 'BeantwoordVraag', soort: 'vraag', entiteittype: 'ZAK', zds11: { action: 'geefZaakdetails_Lv01', root: 'zakLv01' }, zds12: { action: 'geefZaakdetails_ZakLv01', root: 'geefZaakdetails_ZakLv01' }, antwoord: { zds11: 'zakLa01', zds12: 'geefZaakdetails_ZakLa01' } }),
  op({ naam: 'geefLijstZaakdocumenten_ZakLv01', endpoint: 'BeantwoordVraag', soort: 'vraag', entiteittype: 'ZAK', zds11: { action: 'geefLijstZaakdocumenten_Lv01', root: 'zakLv01' }, zds12: { action: 'geefLijstZaakdocumenten_ZakLv01', root: 'geefLijstZaakdocumenten_ZakLv01' }, antwoord: { zds11: 'zakLa01', zds12: 'geefLijstZaakdocumenten_ZakLa01' } }),
  op({ naam: 'geefZaakstatus_ZakLv01', endpoint: 'BeantwoordVraag', soort: 'vraag', entiteittype: 'ZAK', zds11: { action: 'geefZaakstatus_Lv01', root: 'zakLv01' }, zds12: { action: 'geefZaakstatus_ZakLv01', root: 'geefZaakstatus_ZakLv01' }, antwoord: { zds11: 'zakLa01', zds12: 'geefZaakstatus_ZakLa01' } }),
  op({ naam: 'geefZaakdocumentLezen_EdcLv01', endpoint: 'BeantwoordVraag', soort: 'vraag', entiteittype: 'EDC', zds11: { action: 'geefZaakdocumentLezen_Lv01', root: 'edcLv01' }, zds12: { action: 'geefZaakdocumentLezen_EdcLv01', root: 'geefZaakdocumentLezen_EdcLv01' }, antwoord: { zds11: 'edcLa01', zds12: 'geefZaakdocumentLezen_EdcLa01' } }),
  op({ naam: 'geefLijstBesluiten_ZakLv01', endpoint: 'BeantwoordVraag', soort: 'vraag', entiteittype: 'ZAK', zds12: { action: 'geefLijstBesluiten_ZakLv01', root: 'geefLijstBesluiten_ZakLv01' }, antwoord: { zds11: 'geefLijstBesluiten_ZakLa01', zds12: 'geefLijstBesluiten_ZakLa01' } }),
  op({ naam: 'geefBesluitdetails_BslLv01', endpoint: 'BeantwoordVraag', soort: 'vraag', entiteittype: 'BSL', zds12: { action: 'geefBesluitdetails_BslLv01', root: 'geefBesluitdetails_BslLv01' }, antwoord: { zds11: 'bslLa01', zds12: 'geefBesluitdetails_BslLa01' } }),
  // The StUF-ZKN 03.10 sectormodel's own question (zkn0310_beantwoordVraag.wsdl, operation zakLv01),
  // which portals send to find a citizen's zaken (gelijk/heeftAlsInitiator/gerelateerde/
  // natuurlijkPersoon/inp.bsn). ZDS 1.2 has no such question: each of its ZakLv01 requires gelijk/identificatie.
  op({ naam: 'zakLv01', endpoint: 'BeantwoordVraag', soort: 'vraag', entiteittype: 'ZAK', zds11: { action: 'zakLv01', root: 'zakLv01' }, antwoord: { zds11: 'zakLa01', zds12: 'zakLa01' } }),
  // --- VerwerkSynchroonVrijBericht --------------------------------------------------------------
  op({ naam: 'genereerZaakIdentificatie_Di02', endpoint: 'VerwerkSynchroonVrijBericht', soort: 'du02', zds11: { action: 'genereerZaakIdentificatie_Di02', root: 'genereerZaakIdentificatie_Di02' }, zds12: { action: 'genereerZaakIdentificatie_Di02', root: 'genereerZaakIdentificatie_Di02' }, antwoord: { zds11: 'genereerZaakIdentificatie_Du02', zds12: 'genereerZaakIdentificatie_Du02' } }),
  op({ naam: 'genereerDocumentIdentificatie_Di02', endpoint: 'VerwerkSynchroonVrijBericht', soort: 'du02', zds11: { action: 'genereerDocumentIdentificatie_Di02', root: 'genereerDocumentIdentificatie_Di02' }, zds12: { action: 'genereerDocumentIdentificatie_Di02', root: 'genereerDocumentIdentificatie_Di02' }, antwoord: { zds11: 'genereerDocumentIdentificatie_Du02', zds12: 'genereerDocumentIdentificatie_Du02' } }),
  op({ naam: 'genereerBesluitIdentificatie_Di02', endpoint: 'VerwerkSynchroonVrijBericht', soort: 'du02', zds12: { action: 'genereerBesluitIdentificatie_Di02', root: 'genereerBesluitIdentificatie_Di02' }, antwoord: { zds11: 'genereerBesluitIdentificatie_Du02', zds12: 'genereerBesluitIdentificatie_Du02' } }),
  op({ naam: 'geefZaakdocumentbewerken_Di02', endpoint: 'VerwerkSynchroonVrijBericht', soort: 'du02', entiteittype: 'EDC', zds11: { action: 'geefZaakdocumentbewerken_Di02', root: 'geefZaakdocumentbewerken_Di02' }, zds12: { action: 'geefZaakdocumentbewerken_Di02', root: 'geefZaakdocumentBewerken_Di02' }, antwoord: { zds11: 'geefZaakdocumentbewerken_Du02', zds12: 'geefZaakdocumentBewerken_Du02' } }),
  op({ naam: 'updateZaakdocument_Di02', endpoint: 'VerwerkSynchroonVrijBericht', soort: 'bv02', entiteittype: 'EDC', zds11: { action: 'updateZaakdocument_Di02', root: 'updateZaakdocument_Di02' }, zds12: { action: 'updateZaakdocument_Di02', root: 'updateZaakdocument_Di02' } }),
  op({ naam: 'cancelCheckout_Di02', endpoint: 'VerwerkSynchroonVrijBericht', soort: 'bv02', entiteittype: 'EDC', zds11: { action: 'cancelCheckout_Di02', root: 'cancelCheckout_Di02' }, zds12: { action: 'cancelCheckout_Di02', root: 'cancelCheckout_Di02' } }),
  op({ naam: 'ontkoppelZaakdocument_Di02', endpoint: 'VerwerkSynchroonVrijBericht', soort: 'bv02', entiteittype: 'EDC', zds12: { action: 'ontkoppelZaakdocument_Di02', root: 'ontkoppelZaakdocument_Di02' } }),
];

export interface Aanroep {
  operatie: ZdsOperatie;
  vorm: Vorm;
  soapAction: string;
  /** The namespace the request's root is in (and the answer's root will be in). */
  rootNs: string;
}

const BY_ACTION: ReadonlyMap<string, Aanroep> = (() => {
  const m = new Map<string, Aanroep>();
  for (const o of ZDS_OPERATIES) {
    if (o.stuf) {
      // One SOAPAction and root for both forms, so the form cannot be told (nor does it matter: the answer is a StUF:Bv03Bericht).
      const action = ACTION_STUF + (o.zds11 ?? o.zds12)!.action;
      m.set(action, { operatie: o, vorm: o.zds11 ? 'zds11' : 'zds12', soapAction: action, rootNs: STUF_NS.StUF });
      continue;
    }
    if (o.zds11) m.set(ACTION_ZDS11 + o.zds11.action, { operatie: o, vorm: 'zds11', soapAction: ACTION_ZDS11 + o.zds11.action, rootNs: STUF_NS.ZKN });
    if (o.zds12) m.set(ACTION_ZDS12 + o.zds12.action, { operatie: o, vorm: 'zds12', soapAction: ACTION_ZDS12 + o.zds12.action, rootNs: STUF_NS.ZDS });
  }
  return m;
})();

/** The operation a SOAPAction names on an endpoint, in its wire form; undefined when it names none there. */
export function operatieVoorActie(endpoint: ZdsEndpoint, soapAction: string): Aanroep | undefined {
  const a = BY_ACTION.get(soapAction);
  return a && a.operatie.endpoint === endpoint ? a : undefined;
}

/** The operation whose request root this is (for a request without a SOAPAction): only when the root names one operation. */
export function operatieVoorRoot(endpoint: ZdsEndpoint, ns: string, name: string): Aanroep | undefined {
  const found = [...BY_ACTION.values()].filter((a) => a.operatie.endpoint === endpoint && a.rootNs === ns && rootVan(a) === name);
  return found.length === 1 ? found[0] : undefined;
}

export function operatie(naam: string): ZdsOperatie | undefined {
  return ZDS_OPERATIES.find((o) => o.naam === naam);
}

/** The request root local name of an operation in a form. */
export function rootVan(a: Aanroep): string {
  return a.vorm === 'zds11' ? a.operatie.zds11!.root : a.operatie.zds12!.root;
}

/** The SOAPAction of an operation in a form, for outbound calls. */
export function actieVan(naam: string, vorm: Vorm = 'zds11'): string | undefined {
  const o = operatie(naam);
  if (!o) return undefined;
  if (o.stuf) return vorm === 'zds11' ? (o.zds11 ? ACTION_STUF + o.zds11.action : undefined) : o.zds12 ? ACTION_STUF + o.zds12.action : undefined;
  if (vorm === 'zds11') return o.zds11 ? ACTION_ZDS11 + o.zds11.action : undefined;
  return o.zds12 ? ACTION_ZDS12 + o.zds12.action : undefined;
}

/**
 * A ZDS 1.2 request in its ZDS 1.1 form, for the code that reads kennisgevingen and questions:
 * the ZDS roots of the Lk01/Lv01 operations carry the content of the ZKN message they restrict
 * (`ZDS:creeerZaak_ZakLk01` holds what `ZKN:zakLk01` holds), so only the root is renamed. A
 * request already in the ZDS 1.1 form, or of an operation without one, is returned as it is.
 */
export function alsZds11(el: XmlElement): XmlElement {
  if (el.ns !== STUF_NS.ZDS) return el;
  const o = ZDS_OPERATIES.find((x) => x.zds12?.root === el.name);
  if (!o?.zds11 || (o.soort !== 'kennisgeving' && o.soort !== 'vraag')) return el;
  return { ...el, ns: STUF_NS.ZKN, name: o.zds11.root, prefix: 'ZKN' };
}
