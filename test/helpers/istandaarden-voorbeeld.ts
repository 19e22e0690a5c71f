/**
 * Builds a bericht payload from the structure model: with every optional element filled ('vol') or
 * with only the mandatory ones ('kaal'), each value valid for its basisschema type (the first value
 * of an enumeration, otherwise a sample that meets the type's facets). For the suites that check
 * that everything knooppunt emits validates against the official XSDs.
 */
import { GEMEENSCHAPPELIJKE_HEADER, jsonSleutel, kinderenVan, lijstKind } from '../../src/standards/istandaarden/json.js';
import { basisschemaTypes, berichtElement, type ElementDef } from '../../src/standards/istandaarden/schema/model.js';
import type { BerichtNummer, Standaard } from '../../src/standards/istandaarden/catalog.js';

const VOORBEELDEN: Readonly<Record<string, string | number>> = {
  LDT_AgbCode: '12345678',
  LDT_Bedrag: 1500,
  LDT_Budget: 50000,
  LDT_BurgerServicenummer: '999993653',
  LDT_Commentaar: 'Toelichting bij de toewijzing.',
  LDT_Datum: '2026-01-15',
  LDT_Emailadres: 'contact@example.nl',
  LDT_Gemeente: '0153',
  LDT_Huisletter: 'A',
  LDT_Huisnummer: 12,
  LDT_HuisnummerToevoeging: 'bis',
  LDT_IdentificatieBericht: 'ID0001',
  LDT_IdentificatieDeclaratie: 'DEC0001',
  LDT_Landnummer: '0031',
  LDT_Naam: 'Jansen',
  LDT_NaamVerwijzer: 'Huisartsenpraktijk Visser',
  LDT_Nummer: 123456789,
  LDT_Organisatienaam: 'Zorg Twente BV',
  LDT_Persoonsid: 'RELATIE-1',
  LDT_Plaatsnaam: 'Enschede',
  LDT_Postcode: '7511AA',
  LDT_ProductCode: '45A11',
  LDT_Referentie: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  LDT_ReferentieNummer: 'REF00000000000000001',
  LDT_RelatieVolgorde: 1,
  LDT_Straatnaam: 'Oude Markt',
  LDT_Taal: 'Nederlands',
  LDT_Telefoonnummer: '0612345678',
  LDT_Tijd: '10:15:00',
  LDT_TotaalBedrag: 1500,
  LDT_Versie: '1.0.0',
  LDT_Volume: 4,
  LDT_Voorletters: 'HM',
  LDT_Voorvoegsel: 'van',
};

export type Vulling = 'vol' | 'kaal';

function waarde(def: ElementDef, standaard: Standaard): unknown {
  if (def.pattern !== undefined) return def.type === 'LDT_IdentificatieDeclaratie' ? 'DEC0001' : def.pattern;
  const t = basisschemaTypes(standaard).simple.find((x) => x.name === def.type);
  if (t?.enumeration?.length) return t.enumeration[0];
  const v = VOORBEELDEN[def.type ?? ''];
  if (v === undefined) throw new Error(`no sample value for ${def.type ?? def.name}`);
  return v;
}

function element(def: ElementDef, standaard: Standaard, vulling: Vulling): unknown {
  const k = kinderenVan(def);
  if (!k) return waarde(def, standaard);
  const lijst = lijstKind(def);
  if (lijst) return [element(lijst, standaard, vulling)];
  return groep(k.children, standaard, vulling);
}

function groep(defs: readonly ElementDef[], standaard: Standaard, vulling: Vulling): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of defs) {
    if (d.min === 0 && vulling === 'kaal') continue;
    const v = element(d, standaard, vulling);
    out[jsonSleutel(d.name)] = d.max === 'unbounded' || d.max > 1 ? [v] : v;
  }
  return out;
}

/** A payload of bericht `nummer` (header extras and body), in the JSON of json.ts. */
export function voorbeeldPayload(nummer: BerichtNummer, standaard: Standaard, vulling: Vulling): Record<string, unknown> {
  const [header, ...body] = berichtElement(nummer, standaard).children!;
  const extra = header!.children!.filter((d) => !(GEMEENSCHAPPELIJKE_HEADER as readonly string[]).includes(d.name));
  return groep([...extra, ...body], standaard, vulling);
}
