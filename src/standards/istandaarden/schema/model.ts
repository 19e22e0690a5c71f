/**
 * The structure of the iJw 3.2 and iWmo 3.2 berichten as data: the basisschema types (LDT simple,
 * CDT complex), the headers and the body of every message. iJw and iWmo mirror each other, so one
 * model serves both; elements and types that only iJw knows carry `only: 'ijw'`.
 *
 * This is the single source for the XSDs (generate-xsd.ts) and for anything else that needs to
 * know element order and cardinality. It follows docs/istandaarden/berichten.md exactly: change
 * that page first, then this model, then regenerate (`npm run schemas:istandaarden`).
 */
import { BERICHTSOORTEN, RELEASE, RETOURBERICHTEN, type BerichtNummer, type Standaard } from '../catalog.js';
import { isRecordPath } from '../records.js';

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
  /** The one value this message allows (BerichtCode, BerichtVersie, BerichtSubversie); restricts `type`. */
  fixed?: string;
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
  enumeration?: readonly string[];
  /** The code list the values come from (COD046, WJ756, ...), for the documentation. */
  codelijst?: string;
  only?: Standaard;
}

/** A basisschema complex type (CDT): a sequence of elements in the basisschema namespace. */
export interface ComplexTypeDef {
  name: string;
  children: readonly ElementDef[];
  only?: Standaard;
}

/**
 * Shorthand in the notation of berichten.md: `Name` once, `Name?` optional, `Name+` one or more.
 * The second argument is a basisschema type (leaf) or the children (group).
 */
function e(spec: string, typeOrChildren: string | ElementDef[], extra: Partial<Pick<ElementDef, 'only' | 'fixed' | 'max'>> = {}): ElementDef {
  const m = /^([A-Za-z]+)([?+]?)$/.exec(spec);
  if (!m) throw new Error(`bad element spec ${spec}`);
  const suffix = m[2];
  const def: ElementDef = { name: m[1]!, min: suffix === '?' ? 0 : 1, max: suffix === '+' ? 'unbounded' : 1 };
  if (typeof typeOrChildren === 'string') def.type = typeOrChildren;
  else def.children = typeOrChildren;
  return { ...def, ...extra };
}

const IJW: Pick<ElementDef, 'only'> = { only: 'ijw' };

// ---------------------------------------------------------------------------------------------
// Basisschema

const code = (name: string, values: string[], codelijst: string): SimpleTypeDef => ({ name, base: 'xs:string', enumeration: values, codelijst });
const patroon = (name: string, pattern: string, extra: Partial<SimpleTypeDef> = {}): SimpleTypeDef => ({ name, base: 'xs:string', pattern, ...extra });
const tekst = (name: string, maxLength: number): SimpleTypeDef => ({ name, base: 'xs:string', minLength: 1, maxLength });
const geheel = (name: string, minInclusive: number, maxInclusive: number): SimpleTypeDef => ({ name, base: 'xs:integer', minInclusive, maxInclusive });

export const SIMPLE_TYPES: readonly SimpleTypeDef[] = [
  { name: 'LDT_BerichtCode', base: 'xs:integer', pattern: '[0-9]{3}', codelijst: 'COD002-VEKT' },
  { name: 'LDT_BerichtVersie', base: 'xs:integer', pattern: '[0-9]{1,2}' },
  { name: 'LDT_BerichtSubversie', base: 'xs:integer', pattern: '[0-9]{1,2}' },
  patroon('LDT_Gemeente', '[0-9]{4}'),
  patroon('LDT_AgbCode', '[0-9]{8}'),
  tekst('LDT_IdentificatieBericht', 12),
  { name: 'LDT_Datum', base: 'xs:date', pattern: '[0-9]{4}-[0-9]{2}-[0-9]{2}' },
  { name: 'LDT_Tijd', base: 'xs:time', pattern: '[0-9]{2}:[0-9]{2}:[0-9]{2}' },
  patroon('LDT_Versie', '[0-9]+\\.[0-9]+\\.[0-9]+'),
  patroon('LDT_BurgerServicenummer', '[0-9]{9}'),
  code('LDT_Geslacht', ['0', '1', '2'], 'COD046'),
  code('LDT_DatumGebruik', ['1', '2', '3'], 'COD170'),
  tekst('LDT_Achternaam', 200),
  tekst('LDT_Voorvoegsel', 10),
  tekst('LDT_Voornamen', 200),
  tekst('LDT_Voorletters', 6),
  code('LDT_NaamGebruik', ['1', '2', '3', '4', '5'], 'COD700'),
  patroon('LDT_Nummer', '[0-9]{1,8}'),
  tekst('LDT_Referentie', 15),
  patroon('LDT_ProductCategorie', '[0-9]{2}'),
  patroon('LDT_ProductCode', '[0-9A-Z]{5}'),
  geheel('LDT_Volume', 1, 99999999),
  patroon('LDT_Eenheid', '[0-9]{2}', { codelijst: 'WJ756' }),
  patroon('LDT_Frequentie', '[0-9]', { codelijst: 'WJ757 / WMO757' }),
  geheel('LDT_Bedrag', 0, 99999999),
  geheel('LDT_TotaalBedrag', 0, 99999999999),
  code('LDT_DebetCredit', ['D', 'C'], 'COD043'),
  patroon('LDT_RedenWijziging', '[0-9]{2}', { codelijst: 'JZ002 / WMO002' }),
  patroon('LDT_RedenBeeindiging', '[0-9]{2}', { codelijst: 'JZ588 / WMO588' }),
  code('LDT_StatusAanlevering', ['1', '2', '3'], 'COD467'),
  patroon('LDT_RedenVerzoek', '[0-9]{2}', { codelijst: 'WJ759' }),
  code('LDT_VerzoekAntwoord', ['1', '2'], 'WJ760'),
  patroon('LDT_RedenAfwijzingVerzoek', '[0-9]{2}'),
  tekst('LDT_Commentaar', 1000),
  patroon('LDT_RetourCode', '[0-9A-Z]{4}', { codelijst: 'WJ001' }),
  patroon('LDT_Verwijzer', '[0-9]{2}', { codelijst: 'COD327', ...IJW }),
  patroon('LDT_ZorgverlenerCode', '[0-9]{8}', IJW),
];

export const COMPLEX_TYPES: readonly ComplexTypeDef[] = [
  { name: 'CDT_BerichtIdentificatie', children: [e('Identificatie', 'LDT_IdentificatieBericht'), e('Dagtekening', 'LDT_Datum')] },
  { name: 'CDT_XsdVersie', children: [e('BasisschemaXsdVersie', 'LDT_Versie'), e('BerichtXsdVersie', 'LDT_Versie')] },
  { name: 'CDT_Geboortedatum', children: [e('Datum', 'LDT_Datum'), e('DatumGebruik?', 'LDT_DatumGebruik')] },
  { name: 'CDT_Geslachtsnaam', children: [e('Achternaam', 'LDT_Achternaam'), e('Voorvoegsel?', 'LDT_Voorvoegsel')] },
  {
    name: 'CDT_VolledigeNaam',
    children: [
      e('Geslachtsnaam', 'CDT_Geslachtsnaam'),
      e('Partnernaam?', 'CDT_Geslachtsnaam'),
      e('Voornamen?', 'LDT_Voornamen'),
      e('Voorletters?', 'LDT_Voorletters'),
      e('NaamGebruik?', 'LDT_NaamGebruik'),
    ],
  },
  { name: 'CDT_Product', children: [e('Categorie', 'LDT_ProductCategorie'), e('Code?', 'LDT_ProductCode')] },
  { name: 'CDT_Omvang', children: [e('Volume', 'LDT_Volume'), e('Eenheid', 'LDT_Eenheid'), e('Frequentie', 'LDT_Frequentie')] },
  { name: 'CDT_VerplichtePeriode', children: [e('Begindatum', 'LDT_Datum'), e('Einddatum', 'LDT_Datum')] },
  { name: 'CDT_Bedrag', children: [e('Bedrag', 'LDT_Bedrag'), e('DebetCredit', 'LDT_DebetCredit')] },
  { name: 'CDT_TotaalBedrag', children: [e('TotaalBedrag', 'LDT_TotaalBedrag'), e('DebetCredit', 'LDT_DebetCredit')] },
  { name: 'CDT_ProductReferentie', children: [e('ReferentieNummer', 'LDT_Referentie'), e('VorigReferentieNummer?', 'LDT_Referentie')] },
  {
    name: 'CDT_Verwijzer',
    children: [e('Type', 'LDT_Verwijzer'), e('ZorgverlenerCode?', 'LDT_ZorgverlenerCode'), e('Naam?', 'LDT_Achternaam')],
    ...IJW,
  },
  { name: 'CDT_RetourCodes', children: [e('RetourCode', 'LDT_RetourCode', { max: 3 })] },
];

function inStandaard<T extends { only?: Standaard }>(standaard: Standaard) {
  return (d: T) => d.only === undefined || d.only === standaard;
}

/** The basisschema of one standaard: its simple and complex types in declaration order. */
export function basisschemaTypes(standaard: Standaard): { simple: SimpleTypeDef[]; complex: ComplexTypeDef[] } {
  return {
    simple: SIMPLE_TYPES.filter(inStandaard(standaard)),
    complex: COMPLEX_TYPES.filter(inStandaard(standaard)).map((c) => ({ ...c, children: filterTree(c.children, standaard) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Headers

/**
 * The heenbericht a retourbericht (302 … 320) answers. Not for 325: the catalog links it to the 323
 * it answers, but it has a body and header of its own.
 */
function retourOp(nummer: BerichtNummer): BerichtNummer | undefined {
  return RETOURBERICHTEN.includes(nummer) ? BERICHTSOORTEN.get(nummer)?.heen : undefined;
}

function heenHeader(nummer: BerichtNummer, standaard: Standaard): ElementDef[] {
  const soort = BERICHTSOORTEN.get(nummer);
  if (!soort) throw new Error(`unknown bericht ${nummer}`);
  const vanGemeente = soort.richting === 'gemeente-naar-aanbieder';
  return [
    e('BerichtCode', 'LDT_BerichtCode', { fixed: String(soort.berichtCode[standaard]) }),
    e('BerichtVersie', 'LDT_BerichtVersie', { fixed: String(RELEASE.versie) }),
    e('BerichtSubversie', 'LDT_BerichtSubversie', { fixed: String(RELEASE.subversie) }),
    e('Afzender', vanGemeente ? 'LDT_Gemeente' : 'LDT_AgbCode'),
    e('Ontvanger', vanGemeente ? 'LDT_AgbCode' : 'LDT_Gemeente'),
    e('BerichtIdentificatie', 'CDT_BerichtIdentificatie'),
    e('XsdVersie', 'CDT_XsdVersie'),
  ];
}

/**
 * The children of `Header` for this message, in order. Afzender/Ontvanger follow the direction of
 * the message itself (for a retourbericht: the direction of the retour). BerichtCode,
 * BerichtVersie and BerichtSubversie carry the one value the message allows in `fixed`.
 */
export function headerElements(nummer: BerichtNummer, standaard: Standaard): ElementDef[] {
  const heen = heenHeader(nummer, standaard);
  if (retourOp(nummer)) {
    return [
      ...heen,
      e('IdentificatieRetour', 'LDT_IdentificatieBericht'),
      e('DagtekeningRetour', 'LDT_Datum'),
      e('XsltVersie', 'LDT_Versie'),
      e('XsdVersieRetour', 'CDT_XsdVersie'),
      e('RetourCodes', 'CDT_RetourCodes'),
    ];
  }
  if (nummer === '325') {
    return [
      ...heen,
      e('DeclaratieIdentificatie', 'CDT_BerichtIdentificatie'),
      e('XsltVersie', 'LDT_Versie'),
      e('XsdVersieDeclaratie', 'CDT_XsdVersie'),
      e('RetourCodes', 'CDT_RetourCodes'),
    ];
  }
  return heen;
}

// ---------------------------------------------------------------------------------------------
// Bodies of the heenberichten, as written in berichten.md (records get RetourCodes later)

const clientKern = (geslacht: '1' | '?') => [
  e('Bsn', 'LDT_BurgerServicenummer'),
  e('Geboortedatum', 'CDT_Geboortedatum'),
  e(geslacht === '?' ? 'Geslacht?' : 'Geslacht', 'LDT_Geslacht'),
  e('Naam', 'CDT_VolledigeNaam'),
];

const prestatie = (): ElementDef[] => [
  e('ProductReferentie', 'CDT_ProductReferentie'),
  e('ToewijzingNummer', 'LDT_Nummer'),
  e('Product', 'CDT_Product'),
  e('ProductPeriode', 'CDT_VerplichtePeriode'),
  e('GeleverdVolume', 'LDT_Volume'),
  e('Eenheid', 'LDT_Eenheid'),
  e('ProductTarief', 'LDT_Bedrag'),
  e('IngediendBedrag', 'CDT_Bedrag'),
];

const HEEN_BODIES: Readonly<Partial<Record<BerichtNummer, () => ElementDef[]>>> = {
  '301': () => [
    e('Client', [
      ...clientKern('1'),
      e('Commentaar?', 'LDT_Commentaar'),
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
          e('Omvang?', 'CDT_Omvang'),
          e('Budget?', 'LDT_Bedrag'),
          e('Verwijzer?', 'CDT_Verwijzer', IJW),
          e('Commentaar?', 'LDT_Commentaar'),
        ]),
      ]),
    ]),
  ],
  '305': () => [
    e('Client', [
      ...clientKern('?'),
      e('StartProducten', [
        e('StartProduct+', [
          e('ToewijzingNummer', 'LDT_Nummer'),
          e('Product', 'CDT_Product'),
          e('ToewijzingIngangsdatum', 'LDT_Datum'),
          e('Begindatum', 'LDT_Datum'),
          e('StatusAanlevering', 'LDT_StatusAanlevering'),
        ]),
      ]),
    ]),
  ],
  '307': () => [
    e('Client', [
      ...clientKern('?'),
      e('StopProducten', [
        e('StopProduct+', [
          e('ToewijzingNummer', 'LDT_Nummer'),
          e('Product', 'CDT_Product'),
          e('ToewijzingIngangsdatum', 'LDT_Datum'),
          e('Begindatum', 'LDT_Datum'),
          e('RedenBeeindiging?', 'LDT_RedenBeeindiging'),
          e('Einddatum', 'LDT_Datum'),
          e('StatusAanlevering', 'LDT_StatusAanlevering'),
        ]),
      ]),
    ]),
  ],
  '315': () => [
    e('Client', [
      ...clientKern('1'),
      e('Commentaar?', 'LDT_Commentaar'),
      e('AangevraagdeProducten', [
        e('AangevraagdProduct+', [
          e('ReferentieAanbieder', 'LDT_Referentie'),
          e('Product?', 'CDT_Product'),
          e('ToewijzingIngangsdatum', 'LDT_Datum'),
          e('ToewijzingEinddatum?', 'LDT_Datum'),
          e('Omvang?', 'CDT_Omvang'),
          e('Budget?', 'LDT_Bedrag'),
          e('Verwijzer?', 'CDT_Verwijzer', IJW),
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
        e('Commentaar?', 'LDT_Commentaar'),
        e('OngewijzigdeProducten?', [e('OngewijzigdProduct+', [e('ToewijzingNummer', 'LDT_Nummer')])]),
        e('TeWijzigenProducten?', [
          e('TeWijzigenProduct+', [
            e('ToewijzingNummer', 'LDT_Nummer'),
            e('GewensteIngangsdatum', 'LDT_Datum'),
            e('Einddatum?', 'LDT_Datum'),
            e('Omvang?', 'CDT_Omvang'),
            e('Budget?', 'LDT_Bedrag'),
          ]),
        ]),
        e('NieuweProducten?', [
          e('NieuwProduct+', [
            e('Product', 'CDT_Product'),
            e('GewensteIngangsdatum', 'LDT_Datum'),
            e('Einddatum?', 'LDT_Datum'),
            e('Omvang?', 'CDT_Omvang'),
            e('Budget?', 'LDT_Bedrag'),
          ]),
        ]),
      ]),
    ]),
  ],
  '319': () => [
    e('Antwoord', [
      e('ReferentieAanbieder', 'LDT_Referentie'),
      e('VerzoekAntwoord', 'LDT_VerzoekAntwoord'),
      e('RedenAfwijzingVerzoek?', 'LDT_RedenAfwijzingVerzoek'),
      e('Commentaar?', 'LDT_Commentaar'),
    ]),
  ],
  '323': () => [
    e('Declaratie', [
      e('DeclaratieNummer', 'LDT_Referentie'),
      e('DeclaratiePeriode', 'CDT_VerplichtePeriode'),
      e('TotaalBedrag', 'CDT_TotaalBedrag'),
      e('Clienten', [e('Client+', [e('Bsn', 'LDT_BurgerServicenummer'), e('Prestaties', [e('Prestatie+', prestatie())])])]),
    ]),
  ],
  '325': () => [
    e('DeclaratieAntwoord', [
      e('DeclaratieNummer', 'LDT_Referentie'),
      e('TotaalIngediendBedrag', 'CDT_TotaalBedrag'),
      e('TotaalToegekendBedrag', 'CDT_TotaalBedrag'),
      e('Clienten?', [e('Client+', [e('Bsn', 'LDT_BurgerServicenummer'), e('Prestaties', [e('Prestatie+', prestatie())])])]),
    ]),
  ],
};

function filterTree(defs: readonly ElementDef[], standaard: Standaard): ElementDef[] {
  return defs.filter(inStandaard(standaard)).map((d) => (d.children ? { ...d, children: filterTree(d.children, standaard) } : { ...d }));
}

/** Appends RetourCodes as the last child of every record element of `recordsOf` (paths from Bericht down). */
function metRetourCodes(defs: ElementDef[], recordsOf: BerichtNummer, path: readonly string[] = []): ElementDef[] {
  return defs.map((d) => {
    if (!d.children) return d;
    const own = [...path, d.name];
    const children = metRetourCodes(d.children, recordsOf, own);
    if (isRecordPath(recordsOf, own)) children.push(e('RetourCodes', 'CDT_RetourCodes'));
    return { ...d, children };
  });
}

/**
 * The children of `Bericht` after `Header`, for this standaard (iJw-only elements left out of iWmo).
 * A retourbericht (302 … 320) has the body of its heenbericht with RetourCodes as the last child of
 * every record; the declaratie-antwoord 325 is itself an answer, so its own records carry RetourCodes.
 */
export function bodyElements(nummer: BerichtNummer, standaard: Standaard): ElementDef[] {
  const heen = retourOp(nummer);
  const body = HEEN_BODIES[heen ?? nummer];
  if (!body) throw new Error(`no body defined for bericht ${nummer}`);
  const defs = filterTree(body(), standaard);
  if (heen) return metRetourCodes(defs, heen);
  if (nummer === '325') return metRetourCodes(defs, '325');
  return defs;
}

/** The whole message: the root element `Bericht` with `Header` and the body. */
export function berichtElement(nummer: BerichtNummer, standaard: Standaard): ElementDef {
  return e('Bericht', [e('Header', headerElements(nummer, standaard)), ...bodyElements(nummer, standaard)]);
}
