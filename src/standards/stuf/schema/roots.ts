/**
 * The message roots of ZDS 1.1 and ZDS 1.2: every request, answer and fault element the official
 * WSDLs name (zkn0310 zs-dms for ZDS 1.1, zds0120 for ZDS 1.2). For ZDS 1.2 also the ZKN 03.10
 * kennisgevingen and vragen of its own ZKN patch, which ZDS 1.1 clients send as well. knooppunt's
 * model holds exactly what these reach; the conformance test compares that closure.
 */
import type { StufSet } from './model.js';

const STUF = 'http://www.egem.nl/StUF/StUF0301';
const ZKN = 'http://www.egem.nl/StUF/sector/zkn/0310';
const ZDS = 'http://www.stufstandaarden.nl/koppelvlak/zds0120';

/** The answers and faults of both versions. */
const STUF_BERICHTEN = ['Bv01Bericht', 'Bv02Bericht', 'Bv03Bericht', 'Fo01Bericht', 'Fo02Bericht', 'Fo03Bericht'];

/** ZKN kennisgevingen and vragen (both versions). */
const ZKN_ENTITEITBERICHTEN = ['zakLk01', 'zakLv01', 'zakLa01', 'edcLk01', 'edcLv01', 'edcLa01'];

/** The ZDS 1.1 vrije berichten (zkn0310_vrijeBerichten_zs-dms.wsdl). */
const ZDS11_VRIJ = [
  'genereerZaakIdentificatie_Di02',
  'genereerZaakIdentificatie_Du02',
  'genereerDocumentIdentificatie_Di02',
  'genereerDocumentIdentificatie_Du02',
  'geefZaakdocumentbewerken_Di02',
  'geefZaakdocumentbewerken_Du02',
  'updateZaakdocument_Di02',
  'cancelCheckout_Di02',
];

/** The ZDS 1.2 messages (zds0120_*_zs-dms.wsdl). */
const ZDS12 = [
  'creeerZaak_ZakLk01',
  'updateZaak_ZakLk01',
  'actualiseerZaakstatus_ZakLk01',
  'voegZaakdocumentToe_EdcLk01',
  'maakZaakdocument_EdcLk01',
  'updateBesluit_BslLk01',
  'geefZaakdetails_ZakLv01',
  'geefZaakdetails_ZakLa01',
  'geefZaakstatus_ZakLv01',
  'geefZaakstatus_ZakLa01',
  'geefLijstZaakdocumenten_ZakLv01',
  'geefLijstZaakdocumenten_ZakLa01',
  'geefLijstBesluiten_ZakLv01',
  'geefLijstBesluiten_ZakLa01',
  'geefBesluitdetails_BslLv01',
  'geefBesluitdetails_BslLa01',
  'geefZaakdocumentLezen_EdcLv01',
  'geefZaakdocumentLezen_EdcLa01',
  'genereerZaakIdentificatie_Di02',
  'genereerZaakIdentificatie_Du02',
  'genereerDocumentIdentificatie_Di02',
  'genereerDocumentIdentificatie_Du02',
  'genereerBesluitIdentificatie_Di02',
  'genereerBesluitIdentificatie_Du02',
  'geefZaakdocumentBewerken_Di02',
  'geefZaakdocumentBewerken_Du02',
  'updateZaakdocument_Di02',
  'cancelCheckout_Di02',
  'ontkoppelZaakdocument_Di02',
  'voegBesluitToe_Di01',
  'overdragenZaak_Di01',
  'overdragenZaak_Du01',
];

/** The roots of one set as `{namespace}name`. */
export function stufRoots(set: StufSet): string[] {
  const stuf = STUF_BERICHTEN.map((n) => `{${STUF}}${n}`);
  const zkn = ZKN_ENTITEITBERICHTEN.map((n) => `{${ZKN}}${n}`);
  if (set === 'zds-1.1') return [...stuf, ...zkn, ...ZDS11_VRIJ.map((n) => `{${ZKN}}${n}`)];
  return [...stuf, ...zkn, ...ZDS12.map((n) => `{${ZDS}}${n}`)];
}
