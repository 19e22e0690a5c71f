/**
 * The structure of the iJw 3.2 and iWmo 3.2 berichten as data: the basisschema types (LDT simple,
 * CDT complex), the headers and the body of every message, with the exact facets, cardinalities and
 * order of the publication of Zorginstituut Nederland. iJw and iWmo mirror each other, so one model
 * serves both; what only iJw has carries `only: 'ijw'`, and the two code lists that differ per
 * standaard come from the code-list data (waardenlijsten.ts).
 *
 * This is the single source for the XSDs (generate-xsd.ts), the validator's wording, the codec's
 * JSON and the JSON Schemas. The conformance test (test/conformance/istandaarden-xsd.test.ts) reads
 * the official XSDs in ../shared and proves the generated ones equal, element by element.
 * After a change: `npm run schemas:istandaarden`.
 */
import { BERICHTSOORTEN, RELEASE, RETOURBERICHTEN, type BerichtNummer, type Standaard } from '../catalog.js';
import { isRecordPath } from '../records.js';
import { waardenlijst } from './waardenlijsten.js';

/** One element declaration. A leaf has a basisschema `type`; a group has `children` (a sequence). */
export interface ElementDef {
  /** Local name. */
  name: string;
  /** Basisschema type of a leaf, e.g. 'LDT_Datum' or 'CDT_Product'. */
  type?: string;
  min: 0 | 1;
  max: number | 'unbounded';
  /** Present in this standaard only. */
  only?: Standaard;
  /** Child elements in order: the element is a group declared by the bericht schema itself. */
  children?: ElementDef[];
  /**
   * An extra pattern the bericht puts on the basisschema type (an anonymous restriction): the one
   * BerichtCode, BerichtVersie and BerichtSubversie of the message, the DeclaratieNummer's characters.
   */
  pattern?: string;
}

/** A basisschema simple type (LDT): an XSD built-in restricted by facets. */
export interface SimpleTypeDef {
  name: string;
  base: 'xs:string' | 'xs:integer' | 'xs:date' | 'xs:time';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minInclusive?: number;
  maxInclusive?: number;
  /** The allowed values (the code-list data, through waardenlijsten.ts), filled by {@link basisschemaTypes}. */
  enumeration?: readonly string[];
  /** The code list the values come from (COD046, WJ756, ...), for the documentation. */
  codelijst?: string;
  /** The type is restricted by a waardenlijst: its values are data (codelijsten/istandaarden.json). */
  gecodeerd?: true;
}

/** A basisschema complex type (CDT): a sequence of elements in the basisschema namespace. */
export interface ComplexTypeDef {
  name: string;
  children: readonly ElementDef[];
}

/**
 * Shorthand: `Name` once, `Name?` optional, `Name+` one or more. The second argument is a
 * basisschema type (leaf) or the children (group).
 */
function e(spec: string, typeOrChildren: string | ElementDef[], extra: Partial<Pick<ElementDef, 'only' | 'pattern'>> = {}): ElementDef {
  const m = /^([A-Za-z0-9]+)([?+*]?)$/.exec(spec);
  if (!m) throw new Error(`bad element spec ${spec}`);
  const suffix = m[2];
  const def: ElementDef = { name: m[1]!, min: suffix === '?' || suffix === '*' ? 0 : 1, max: suffix === '+' || suffix === '*' ? 'unbounded' : 1 };
  if (typeof typeOrChildren === 'string') def.type = typeOrChildren;
  else def.children = typeOrChildren;
  return { ...def, ...extra };
}

const IJW: Pick<ElementDef, 'only'> = { only: 'ijw' };

// ---------------------------------------------------------------------------------------------
// Basisschema

/** Free text: at least one non-space character. */
const TEKST = '.*[^\\s].*';
const tekst = (name: string, maxLength: number, codelijst?: string): SimpleTypeDef => ({ name, base: 'xs:string', minLength: 1, maxLength, pattern: TEKST, ...(codelijst ? { codelijst } : {}) });
const code = (name: string, maxLength: number, codelijst?: string): SimpleTypeDef => ({ name, base: 'xs:string', maxLength, gecodeerd: true, ...(codelijst ? { codelijst } : {}) });
const geheel = (name: string, maxInclusive: number): SimpleTypeDef => ({ name, base: 'xs:integer', minInclusive: 0, maxInclusive });

export const SIMPLE_TYPES: readonly SimpleTypeDef[] = [
  code('LDT_AanduidingWoonadres', 2),
  code('LDT_AdresSoort', 2),
  { name: 'LDT_AgbCode', base: 'xs:string', minLength: 1, maxLength: 8, pattern: '[0-9]{8}' },
  geheel('LDT_Bedrag', 99999999),
  { name: 'LDT_BerichtCode', base: 'xs:string', minLength: 1, maxLength: 3, codelijst: 'COD002-VEKT' },
  geheel('LDT_BerichtSubversie', 99),
  geheel('LDT_BerichtVersie', 99),
  geheel('LDT_Budget', 99999999),
  { name: 'LDT_BurgerServicenummer', base: 'xs:string', minLength: 1, maxLength: 9, pattern: '[0-9]{9}' },
  { name: 'LDT_Commentaar', base: 'xs:string', minLength: 1, pattern: '([.\\s]*\\S+[.\\s]*)+' },
  code('LDT_Communicatievorm', 1),
  { name: 'LDT_Datum', base: 'xs:date', pattern: '[^:Z]*' },
  code('LDT_DatumGebruik', 1, 'COD170'),
  code('LDT_DebetCredit', 1, 'COD043'),
  code('LDT_Eenheid', 2, 'WJ756'),
  tekst('LDT_Emailadres', 80),
  code('LDT_Frequentie', 1, 'WJ757 / WMO757'),
  { name: 'LDT_Gemeente', base: 'xs:string', minLength: 1, pattern: '[0-9]{4}' },
  code('LDT_Geslacht', 1, 'COD046'),
  tekst('LDT_Huisletter', 1),
  geheel('LDT_Huisnummer', 99999),
  tekst('LDT_HuisnummerToevoeging', 4),
  tekst('LDT_IdentificatieBericht', 12),
  { name: 'LDT_IdentificatieDeclaratie', base: 'xs:string', minLength: 1, maxLength: 12 },
  code('LDT_JaNee', 1),
  code('LDT_JuridischeStatus', 2),
  code('LDT_LandCode', 2, 'ISO 3166-1 alpha-2'),
  tekst('LDT_Landnummer', 4),
  tekst('LDT_Naam', 200),
  code('LDT_NaamGebruik', 1, 'COD700'),
  tekst('LDT_NaamVerwijzer', 64),
  geheel('LDT_Nummer', 999999999),
  tekst('LDT_Organisatienaam', 35),
  tekst('LDT_Persoonsid', 20),
  tekst('LDT_Plaatsnaam', 80),
  tekst('LDT_Postcode', 8),
  code('LDT_ProductCategorie', 2, 'JZ020 / WMO020'),
  tekst('LDT_ProductCode', 5),
  code('LDT_RedenAfwijzingVerzoek', 2, 'WJ759'),
  code('LDT_RedenBeeindiging', 2, 'JZ588 / WMO588'),
  code('LDT_RedenVerzoek', 1, 'WJ758'),
  code('LDT_RedenWijziging', 2, 'JZ002 / WMO002'),
  tekst('LDT_Referentie', 36),
  { name: 'LDT_ReferentieNummer', base: 'xs:string', minLength: 1, maxLength: 20 },
  geheel('LDT_RelatieVolgorde', 99),
  code('LDT_RetourCode', 4, 'WJ001'),
  code('LDT_SoortRelatie', 2),
  code('LDT_StatusAanlevering', 1, 'COD467'),
  tekst('LDT_Straatnaam', 24),
  tekst('LDT_Taal', 25),
  { name: 'LDT_Telefoonnummer', base: 'xs:string', minLength: 1, maxLength: 15, pattern: '[0-9]*' },
  { name: 'LDT_Tijd', base: 'xs:time', pattern: '[^Z+-]+' },
  geheel('LDT_TotaalBedrag', 999999999999),
  code('LDT_TypeVerwijzer', 2, 'COD327'),
  { name: 'LDT_Versie', base: 'xs:string', minLength: 1, pattern: '(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)' },
  code('LDT_VerzoekAntwoord', 1, 'WJ760'),
  geheel('LDT_Volume', 99999999),
  { name: 'LDT_Voorletters', base: 'xs:string', minLength: 1, maxLength: 6, pattern: '([a-zA-ZÀ-ỳ])+' },
  tekst('LDT_Voorvoegsel', 10),
  code('LDT_WettelijkeVertegenwoordiging', 2),
];

export const COMPLEX_TYPES: readonly ComplexTypeDef[] = [
  { name: 'CDT_Achternaam', children: [e('Achternaam', 'LDT_Naam'), e('Voorvoegsel?', 'LDT_Voorvoegsel')] },
  { name: 'CDT_Adres', children: [e('Huis?', 'CDT_Huis'), e('Postcode?', 'LDT_Postcode'), e('Straatnaam?', 'LDT_Straatnaam'), e('Plaatsnaam?', 'LDT_Plaatsnaam'), e('LandCode?', 'LDT_LandCode')] },
  { name: 'CDT_BedragMetDC', children: [e('Bedrag', 'LDT_Bedrag'), e('DebetCredit', 'LDT_DebetCredit')] },
  { name: 'CDT_BerichtIdentificatie', children: [e('Identificatie', 'LDT_IdentificatieBericht'), e('Dagtekening', 'LDT_Datum')] },
  { name: 'CDT_Communicatie', children: [e('Vorm', 'LDT_Communicatievorm'), e('Taal?', 'LDT_Taal')] },
  { name: 'CDT_Geboortedatum', children: [e('Datum', 'LDT_Datum'), e('DatumGebruik?', 'LDT_DatumGebruik')] },
  { name: 'CDT_GeslotenPeriode', children: [e('Begindatum', 'LDT_Datum'), e('Einddatum', 'LDT_Datum')] },
  {
    name: 'CDT_Huis',
    children: [e('Huisnummer', 'LDT_Huisnummer'), e('Huisletter?', 'LDT_Huisletter'), e('HuisnummerToevoeging?', 'LDT_HuisnummerToevoeging'), e('AanduidingWoonadres?', 'LDT_AanduidingWoonadres')],
  },
  { name: 'CDT_Omvang', children: [e('Volume', 'LDT_Volume'), e('Eenheid', 'LDT_Eenheid'), e('Frequentie', 'LDT_Frequentie')] },
  { name: 'CDT_OpenPeriode', children: [e('Begindatum?', 'LDT_Datum'), e('Einddatum?', 'LDT_Datum')] },
  { name: 'CDT_Product', children: [e('Categorie', 'LDT_ProductCategorie'), e('Code?', 'LDT_ProductCode')] },
  { name: 'CDT_Referentie', children: [e('ReferentieNummer', 'LDT_ReferentieNummer'), e('VorigReferentieNummer?', 'LDT_ReferentieNummer')] },
  { name: 'CDT_Telefoon', children: [e('Telefoonnummer', 'LDT_Telefoonnummer'), e('Landnummer', 'LDT_Landnummer')] },
  { name: 'CDT_Telefoonnummers', children: [e('Telefoon01', 'CDT_Telefoon'), e('Telefoon02?', 'CDT_Telefoon')] },
  { name: 'CDT_TotaalBedragMetDC', children: [e('TotaalBedrag', 'LDT_TotaalBedrag'), e('DebetCredit', 'LDT_DebetCredit')] },
  { name: 'CDT_VerkorteNaam', children: [e('Geslachtsnaam', 'CDT_Achternaam'), e('Voornamen?', 'LDT_Naam'), e('Voorletters?', 'LDT_Voorletters')] },
  { name: 'CDT_Verwijzer', children: [e('Type', 'LDT_TypeVerwijzer'), e('Naam?', 'LDT_NaamVerwijzer'), e('ZorgverlenerCode?', 'LDT_AgbCode')] },
  {
    name: 'CDT_VolledigeNaam',
    children: [e('Geslachtsnaam', 'CDT_Achternaam'), e('Partnernaam?', 'CDT_Achternaam'), e('Voornamen?', 'LDT_Naam'), e('Voorletters?', 'LDT_Voorletters'), e('NaamGebruik', 'LDT_NaamGebruik')],
  },
  { name: 'CDT_XsdVersie', children: [e('BasisschemaXsdVersie', 'LDT_Versie'), e('BerichtXsdVersie', 'LDT_Versie')] },
];

/** The basisschema of one standaard: its simple types (with this standaard's values) and complex types. */
export function basisschemaTypes(standaard: Standaard): { simple: SimpleTypeDef[]; complex: ComplexTypeDef[] } {
  return {
    simple: SIMPLE_TYPES.map((t) => {
      const values = waardenlijst(t.name, standaard);
      return values ? { ...t, enumeration: values } : { ...t };
    }),
    complex: COMPLEX_TYPES.map((c) => ({ ...c, children: [...c.children] })),
  };
}

// ---------------------------------------------------------------------------------------------
// Headers

/**
 * The heenbericht a retourbericht (302 … 320) answers. Not for 325: the catalog links it to the 323
 * it answers, but it has a body and header of its own.
 */
export function retourOp(nummer: BerichtNummer): BerichtNummer | undefined {
  return RETOURBERICHTEN.includes(nummer) ? BERICHTSOORTEN.get(nummer)?.heen : undefined;
}

/**
 * BerichtCode … XsdVersie. Afzender and Ontvanger follow the direction of `richtingVan`: a
 * retourbericht copies them from its heenbericht, so a 302 has the gemeente as Afzender.
 */
function basisHeader(nummer: BerichtNummer, richtingVan: BerichtNummer, standaard: Standaard): ElementDef[] {
  const soort = BERICHTSOORTEN.get(nummer);
  const richting = BERICHTSOORTEN.get(richtingVan)?.richting;
  if (!soort || !richting) throw new Error(`unknown bericht ${nummer}`);
  const vanGemeente = richting === 'gemeente-naar-aanbieder';
  return [
    e('BerichtCode', 'LDT_BerichtCode', { pattern: String(soort.berichtCode[standaard]) }),
    e('BerichtVersie', 'LDT_BerichtVersie', { pattern: String(RELEASE.versie) }),
    e('BerichtSubversie', 'LDT_BerichtSubversie', { pattern: String(RELEASE.subversie) }),
    e('Afzender', vanGemeente ? 'LDT_Gemeente' : 'LDT_AgbCode'),
    e('Ontvanger', vanGemeente ? 'LDT_AgbCode' : 'LDT_Gemeente'),
    e('BerichtIdentificatie', 'CDT_BerichtIdentificatie'),
    e('XsdVersie', 'CDT_XsdVersie'),
  ];
}

const retourCodes = (spec: 'RetourCodes' | 'RetourCodes?'): ElementDef => e(spec, [e('RetourCode+', 'LDT_RetourCode')]);

/**
 * The children of `Header` for this message, in order. BerichtCode, BerichtVersie and
 * BerichtSubversie carry the one value the message allows in `pattern`.
 */
export function headerElements(nummer: BerichtNummer, standaard: Standaard): ElementDef[] {
  const heen = retourOp(nummer);
  if (heen) {
    return [
      ...basisHeader(nummer, heen, standaard),
      e('IdentificatieRetour', 'LDT_IdentificatieBericht'),
      e('DagtekeningRetour', 'LDT_Datum'),
      e('XsltVersie?', 'LDT_Versie'),
      e('XsdVersieRetour', 'CDT_XsdVersie'),
      retourCodes('RetourCodes?'),
    ];
  }
  if (nummer === '325') {
    return [
      ...basisHeader(nummer, nummer, standaard),
      e('DeclaratieIdentificatie', 'CDT_BerichtIdentificatie'),
      e('XsltVersie?', 'LDT_Versie'),
      e('XsdVersieDeclaratie', 'CDT_XsdVersie'),
      retourCodes('RetourCodes'),
    ];
  }
  return basisHeader(nummer, nummer, standaard);
}

// ---------------------------------------------------------------------------------------------
// Bodies of the heenberichten (records get RetourCodes in the retourbericht)

/** Contact details of the client or of a relation: an address, phone numbers, e-mail. */
const contact = (): ElementDef[] => [
  e('Soort', 'LDT_AdresSoort'),
  e('Adres?', 'CDT_Adres'),
  e('Organisatie?', 'LDT_Organisatienaam'),
  e('Telefoon?', 'CDT_Telefoonnummers'),
  e('Emailadres?', 'LDT_Emailadres'),
  e('Periode?', 'CDT_OpenPeriode'),
];

const omvangBudget = (): ElementDef[] => [e('Omvang?', 'CDT_Omvang'), e('Budget?', 'LDT_Budget')];

const prestatie = (): ElementDef[] => [
  e('ProductReferentie', 'CDT_Referentie'),
  e('ToewijzingNummer', 'LDT_Nummer'),
  e('ProductCategorie', 'LDT_ProductCategorie'),
  e('ProductCode', 'LDT_ProductCode'),
  e('ProductPeriode', 'CDT_GeslotenPeriode'),
  e('GeleverdVolume', 'LDT_Volume'),
  e('Eenheid', 'LDT_Eenheid'),
  e('ProductTarief?', 'LDT_Bedrag'),
  e('IngediendBedrag', 'CDT_BedragMetDC'),
];

/** The client of a start or stop melding: BSN, birth date, gender, short name. */
const clientKort = (): ElementDef[] => [e('Bsn', 'LDT_BurgerServicenummer'), e('Geboortedatum', 'CDT_Geboortedatum'), e('Geslacht', 'LDT_Geslacht'), e('Naam', 'CDT_VerkorteNaam')];

const HEEN_BODIES: Readonly<Partial<Record<BerichtNummer, () => ElementDef[]>>> = {
  '301': () => [
    e('Client', [
      e('Bsn', 'LDT_BurgerServicenummer'),
      e('Geboortedatum', 'CDT_Geboortedatum'),
      e('Geslacht', 'LDT_Geslacht'),
      e('Naam', 'CDT_VolledigeNaam'),
      e('Communicatie?', 'CDT_Communicatie'),
      e('JuridischeStatus?', 'LDT_JuridischeStatus'),
      e('WettelijkeVertegenwoordiging?', 'LDT_WettelijkeVertegenwoordiging'),
      e('Commentaar?', 'LDT_Commentaar'),
      e('Relaties?', [
        e('Relatie+', [
          e('Nummer', 'LDT_Persoonsid'),
          e('Volgorde?', 'LDT_RelatieVolgorde'),
          e('Soort', 'LDT_SoortRelatie'),
          e('Geboortedatum?', 'CDT_Geboortedatum'),
          e('Geslacht?', 'LDT_Geslacht'),
          e('Naam', 'CDT_VolledigeNaam'),
          e('Contact', contact()),
        ]),
      ]),
      e('Contactgegevens', [e('Contact+', contact())]),
      e('ToegewezenProducten', [
        e('ToegewezenProduct+', [
          e('ToewijzingNummer', 'LDT_Nummer'),
          e('ReferentieAanbieder?', 'LDT_Referentie'),
          e('Product?', 'CDT_Product'),
          e('Toewijzingsdatum', 'LDT_Datum'),
          e('Toewijzingstijd', 'LDT_Tijd'),
          e('Ingangsdatum', 'LDT_Datum'),
          e('Einddatum?', 'LDT_Datum'),
          e('RedenWijziging?', 'LDT_RedenWijziging'),
          ...omvangBudget(),
          e('Commentaar?', 'LDT_Commentaar'),
        ]),
      ]),
    ]),
  ],
  '305': () => [
    e('Client', [
      ...clientKort(),
      e('StartProducten', [
        e('StartProduct+', [
          e('ToewijzingNummer?', 'LDT_Nummer'),
          e('Product?', 'CDT_Product'),
          e('ToewijzingIngangsdatum?', 'LDT_Datum'),
          e('Begindatum', 'LDT_Datum'),
          e('StatusAanlevering', 'LDT_StatusAanlevering'),
        ]),
      ]),
    ]),
  ],
  '307': () => [
    e('Client', [
      ...clientKort(),
      e('StopProducten', [
        e('StopProduct+', [
          e('ToewijzingNummer?', 'LDT_Nummer'),
          e('Product?', 'CDT_Product'),
          e('ToewijzingIngangsdatum?', 'LDT_Datum'),
          e('Begindatum', 'LDT_Datum'),
          e('RedenBeeindiging', 'LDT_RedenBeeindiging'),
          e('Einddatum', 'LDT_Datum'),
          e('StatusAanlevering', 'LDT_StatusAanlevering'),
        ]),
      ]),
    ]),
  ],
  '315': () => [
    e('Client', [
      ...clientKort(),
      e('GezagsdragerBekend?', 'LDT_JaNee', IJW),
      e('Commentaar?', 'LDT_Commentaar'),
      e('AangevraagdeProducten', [
        e('AangevraagdProduct+', [
          e('ReferentieAanbieder', 'LDT_Referentie'),
          e('BeschikkingNummer?', 'LDT_Nummer'),
          e('Product?', 'CDT_Product'),
          e('BeschikkingIngangsdatum?', 'LDT_Datum'),
          e('ToewijzingIngangsdatum', 'LDT_Datum'),
          e('ToewijzingEinddatum?', 'LDT_Datum'),
          ...omvangBudget(),
          e('Verwijzer', 'CDT_Verwijzer'),
          e('Raamcontract?', 'LDT_JaNee'),
          e('Commentaar?', 'LDT_Commentaar'),
        ]),
      ]),
    ]),
  ],
  '317': () => [
    e('Client', [
      e('Bsn', 'LDT_BurgerServicenummer'),
      e('Verzoek', [
        e('ReferentieAanbieder', 'LDT_Referentie'),
        e('RedenVerzoek', 'LDT_RedenVerzoek'),
        e('OngewijzigdeProducten?', [e('OngewijzigdProduct+', [e('ToewijzingNummer', 'LDT_Nummer')])]),
        e('TeWijzigenProducten?', [
          e('TeWijzigenProduct+', [e('ToewijzingNummer', 'LDT_Nummer'), e('GewensteIngangsdatum', 'LDT_Datum'), e('Einddatum?', 'LDT_Datum'), ...omvangBudget()]),
        ]),
        e('NieuweProducten?', [e('NieuwProduct+', [e('Product?', 'CDT_Product'), e('GewensteIngangsdatum', 'LDT_Datum'), e('Einddatum?', 'LDT_Datum'), ...omvangBudget()])]),
      ]),
    ]),
  ],
  '319': () => [
    e('Antwoord', [
      e('ReferentieAanbieder', 'LDT_Referentie'),
      e('VerzoekAntwoord', 'LDT_VerzoekAntwoord'),
      e('RedenAfwijzingVerzoek?', 'LDT_RedenAfwijzingVerzoek'),
      e('Woonplaatsbeginsel?', [e('Gemeente', 'LDT_Gemeente')], IJW),
    ]),
  ],
  '323': () => [
    e('Declaratie', [
      e('DeclaratieNummer', 'LDT_IdentificatieDeclaratie', { pattern: '([a-zA-Z0-9])+' }),
      e('DeclaratiePeriode', 'CDT_GeslotenPeriode'),
      e('DeclaratieDagtekening', 'LDT_Datum'),
      e('TotaalIngediendBedrag', 'CDT_TotaalBedragMetDC'),
      e('Clienten', [e('Client+', [e('Bsn', 'LDT_BurgerServicenummer'), e('Prestaties', [e('Prestatie+', prestatie())])])]),
    ]),
  ],
  '325': () => [
    e('DeclaratieAntwoord?', [
      e('DeclaratieNummer', 'LDT_IdentificatieDeclaratie'),
      e('TotaalIngediendBedrag', 'CDT_TotaalBedragMetDC'),
      e('TotaalToegekendBedrag', 'CDT_TotaalBedragMetDC'),
      e('Clienten?', [e('Client+', [e('Bsn', 'LDT_BurgerServicenummer'), e('Prestaties', [e('Prestatie+', prestatie())])])]),
    ]),
  ],
};

function filterTree(defs: readonly ElementDef[], standaard: Standaard): ElementDef[] {
  return defs.filter((d) => d.only === undefined || d.only === standaard).map((d) => (d.children ? { ...d, children: filterTree(d.children, standaard) } : { ...d }));
}

/** Appends RetourCodes as the last child of every record element of `recordsOf` (paths from Bericht down). */
function metRetourCodes(defs: ElementDef[], recordsOf: BerichtNummer, path: readonly string[] = []): ElementDef[] {
  return defs.map((d) => {
    if (!d.children) return d;
    const own = [...path, d.name];
    const children = metRetourCodes(d.children, recordsOf, own);
    if (isRecordPath(recordsOf, own)) children.push(retourCodes('RetourCodes'));
    return { ...d, children };
  });
}

/**
 * The children of `Bericht` after `Header`, for this standaard (iJw-only elements left out of iWmo).
 * A retourbericht (302 … 320) has the body of its heenbericht, optional (it is left out when the
 * header is rejected), with RetourCodes as the last child of every record; the declaratie-antwoord
 * 325 is itself an answer, so its own records carry RetourCodes.
 */
export function bodyElements(nummer: BerichtNummer, standaard: Standaard): ElementDef[] {
  const heen = retourOp(nummer);
  const body = HEEN_BODIES[heen ?? nummer];
  if (!body) throw new Error(`no body defined for bericht ${nummer}`);
  const defs = filterTree(body(), standaard);
  if (heen) return metRetourCodes(defs, heen).map((d) => ({ ...d, min: 0 }));
  if (nummer === '325') return metRetourCodes(defs, '325');
  return defs;
}

/** The whole message: the root element `Bericht` with `Header` and the body. */
export function berichtElement(nummer: BerichtNummer, standaard: Standaard): ElementDef {
  return e('Bericht', [e('Header', headerElements(nummer, standaard)), ...bodyElements(nummer, standaard)]);
}
