/**
 * Besluiten (ZDS 1.2 voegBesluitToe_Di01, updateBesluit_BslLk01) and overdragenZaak_Di01: the
 * checks against the zaak register, what they change in it, and the JSON a JSON back office
 * receives when a route sends them there (`stuf-naar-json`); a StUF destination gets the message
 * as received (`stuf-xml`). Used by the StUF channel (logged only, when no route names the
 * message type) and by the StUF standard (routed like the zaak kennisgevingen).
 *
 * The JSON: `{ operatie: 'voegBesluitToe' | 'updateBesluit', zaak?, besluit }` with the besluit
 * from the declarative mapping `stuf-besluit-naar-json`, or `{ operatie: 'overdragenZaak', zaak,
 * melding? }`.
 */
import type { CompiledMapping } from '../../mapping/index.js';
import type { Queryable } from '../../store/db.js';
import { serializeXml } from '../../xml/build.js';
import type { XmlElement } from '../../xml/parse.js';
import type { ZaakRegister } from '../../zaken/zaak-register.js';
import type { StufFoutcode } from './foutcodes.js';
import { STUF_NS } from './namespaces.js';

export const BESLUIT_OPERATIES: Readonly<Record<string, 'voegBesluitToe' | 'updateBesluit' | 'overdragenZaak'>> = {
  voegBesluitToe_Di01: 'voegBesluitToe',
  updateBesluit_BslLk01: 'updateBesluit',
  overdragenZaak_Di01: 'overdragenZaak',
  overdragenZaak_Du01: 'overdragenZaak',
};

export const BESLUIT_MAPPING = 'stuf-besluit-naar-json';

export interface JsonBesluitBericht {
  operatie: 'voegBesluitToe' | 'updateBesluit' | 'overdragenZaak';
  zaak?: string;
  besluit?: Record<string, unknown>;
  melding?: string;
  /** overdragenZaak_Du01: the receiving zaaksysteem's answer ('Overdracht geaccepteerd' or 'Overdracht geweigerd'). */
  antwoord?: string;
}

/** A refusal, in the StUF foutcode the client gets. */
export class BesluitFout extends Error {
  constructor(
    readonly code: StufFoutcode,
    readonly plek: string,
    readonly melding: string,
  ) {
    super(code);
  }
}

export interface BesluitVerwerking {
  bericht: JsonBesluitBericht;
  /** The zaak it concerns, when it names one. */
  zaak?: string;
  /** What the message changes in the zaak register, in the transaction that logs it. */
  schrijf(tx: Queryable, messageId: string): Promise<void>;
}

const PREFIXEN = { ZKN: STUF_NS.ZKN, StUF: STUF_NS.StUF, BG: STUF_NS.BG, xsi: STUF_NS.xsi };

function kind(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

function tekst(el: XmlElement | undefined): string {
  return el && el.children.length === 0 ? (el.text ?? '').trim() : '';
}

/** '.' → '_' in the local names below the object, as the mapping files write them. */
function metUnderscores(el: XmlElement): XmlElement {
  return { ...el, name: el.name.replace(/\./g, '_'), children: el.children.map(metUnderscores) };
}

function besluitJson(el: XmlElement, mappings: ReadonlyMap<string, CompiledMapping>): Record<string, unknown> {
  const mapping = mappings.get(BESLUIT_MAPPING);
  if (!mapping) throw new Error(`StUF: mapping '${BESLUIT_MAPPING}' is not loaded (mappings/stuf/${BESLUIT_MAPPING}.yaml)`);
  return mapping.run({ ...metUnderscores(el), name: 'besluit', ns: STUF_NS.ZKN }).output as Record<string, unknown>;
}

/**
 * Checks a besluit or overdracht of `organisatie` against the register and says what it changes.
 * A zaak or besluit of another organisation is StUF064, as an unknown one; a besluit identificatie
 * already used for another zaak is StUF067. Throws BesluitFout.
 */
export async function verwerkBesluit(operatie: string, body: XmlElement, organisatie: string, zaken: ZaakRegister, mappings: ReadonlyMap<string, CompiledMapping>): Promise<BesluitVerwerking> {
  const objecten = body.children.filter((c) => c.name === 'object');
  const eigenZaak = async (id: string, plek: string): Promise<void> => {
    const org = id === '' ? undefined : await zaken.organisatieVanZaak(id);
    if (org === undefined || (org !== '' && org !== organisatie)) throw new BesluitFout('StUF064', plek, 'zaak niet gevonden');
  };
  switch (operatie) {
    case 'voegBesluitToe_Di01': {
      const besluitEl = kind(objecten[0], 'besluit');
      const zaakId = tekst(kind(kind(objecten[0], 'zaak'), 'identificatie'));
      const id = tekst(kind(besluitEl, 'identificatie'));
      await eigenZaak(zaakId, 'object/zaak/identificatie');
      const bestaand = await zaken.besluit(id);
      if (bestaand && bestaand.zaak !== zaakId) throw new BesluitFout('StUF067', 'object/besluit/identificatie', 'er bestaat al een besluit met deze identificatie');
      const besluit = { identificatie: id, zaak: zaakId, bronorganisatie: organisatie, stuf: serializeXml(besluitEl!, { namespaces: PREFIXEN }) };
      return {
        bericht: { operatie: 'voegBesluitToe', zaak: zaakId, besluit: besluitJson(besluitEl!, mappings) },
        zaak: zaakId,
        schrijf: async (tx, messageId) => {
          await zaken.bewaarBesluit(tx, besluit, messageId);
          await zaken.koppel(tx, messageId, zaakId, 'gewijzigd');
        },
      };
    }
    case 'updateBesluit_BslLk01': {
      const nieuw = objecten.at(-1);
      const id = tekst(kind(nieuw, 'identificatie'));
      const bestaand = await zaken.besluit(id);
      if (!bestaand || (bestaand.bronorganisatie && bestaand.bronorganisatie !== organisatie)) throw new BesluitFout('StUF064', 'object/identificatie', 'besluit niet gevonden');
      const besluit = { ...bestaand, stuf: serializeXml(nieuw!, { namespaces: PREFIXEN }) };
      const zaakId = typeof bestaand.zaak === 'string' ? bestaand.zaak : undefined;
      return {
        bericht: { operatie: 'updateBesluit', ...(zaakId ? { zaak: zaakId } : {}), besluit: besluitJson(nieuw!, mappings) },
        ...(zaakId ? { zaak: zaakId } : {}),
        schrijf: (tx, messageId) => zaken.bewaarBesluit(tx, besluit, messageId),
      };
    }
    case 'overdragenZaak_Di01': {
      const zaakId = tekst(kind(objecten[0], 'identificatie'));
      await eigenZaak(zaakId, 'object/identificatie');
      const melding = tekst(kind(body, 'melding'));
      return {
        bericht: { operatie: 'overdragenZaak', zaak: zaakId, ...(melding ? { melding } : {}) },
        zaak: zaakId,
        schrijf: (tx, messageId) => zaken.koppel(tx, messageId, zaakId, 'gewijzigd'),
      };
    }
    case 'overdragenZaak_Du01': {
      // The answer of the zaaksysteem the overdracht went to: the zaak is the sender's, not the
      // zaaksysteem's; the channel authorises it by the delivery it answers (crossRefnummer).
      const zaakId = tekst(kind(objecten[0], 'identificatie'));
      const antwoord = tekst(kind(objecten[0], 'antwoord'));
      const melding = tekst(kind(body, 'melding'));
      return {
        bericht: { operatie: 'overdragenZaak', zaak: zaakId, antwoord, ...(melding ? { melding } : {}) },
        zaak: zaakId,
        schrijf: (tx, messageId) => (zaakId ? zaken.koppel(tx, messageId, zaakId, 'gewijzigd') : Promise.resolve()),
      };
    }
    default:
      throw new BesluitFout('StUF040', 'operatie', 'niet ondersteund');
  }
}
