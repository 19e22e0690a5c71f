/**
 * The iJw 3.2 and iWmo 3.2 message set: codes, BerichtCodes (COD002-VEKT), directions and
 * namespaces. One table, so recognising, validating, answering and mapping agree.
 * Source: iStandaarden informatiemodel iJw/iWmo release 3.2 (see docs/istandaarden/berichten.md).
 */
export type Standaard = 'ijw' | 'iwmo';
export const STANDAARDEN: readonly Standaard[] = ['ijw', 'iwmo'];

/** Message numbers without prefix, as the standard numbers them. */
export type BerichtNummer = '301' | '302' | '305' | '306' | '307' | '308' | '315' | '316' | '317' | '318' | '319' | '320' | '323' | '325';

export type Richting = 'gemeente-naar-aanbieder' | 'aanbieder-naar-gemeente';

export interface BerichtSoort {
  nummer: BerichtNummer;
  /** Dutch name, as in the specification. */
  naam: string;
  /** Short name used in JSON message types and mapping names: toewijzing, start-zorg, ... */
  slug: string;
  richting: Richting;
  berichtCode: Record<Standaard, number>;
  /** The retourbericht that answers this message (302 for 301, ...), or the heenbericht a retour answers. */
  retour?: BerichtNummer;
  heen?: BerichtNummer;
}

const soorten: BerichtSoort[] = [
  { nummer: '301', naam: 'Toewijzing', slug: 'toewijzing', richting: 'gemeente-naar-aanbieder', berichtCode: { ijw: 436, iwmo: 414 }, retour: '302' },
  { nummer: '302', naam: 'Retourbericht toewijzing', slug: 'retour-toewijzing', richting: 'aanbieder-naar-gemeente', berichtCode: { ijw: 437, iwmo: 415 }, heen: '301' },
  { nummer: '305', naam: 'Start zorg', slug: 'start-zorg', richting: 'aanbieder-naar-gemeente', berichtCode: { ijw: 438, iwmo: 418 }, retour: '306' },
  { nummer: '306', naam: 'Retourbericht start zorg', slug: 'retour-start-zorg', richting: 'gemeente-naar-aanbieder', berichtCode: { ijw: 439, iwmo: 419 }, heen: '305' },
  { nummer: '307', naam: 'Stop zorg', slug: 'stop-zorg', richting: 'aanbieder-naar-gemeente', berichtCode: { ijw: 440, iwmo: 420 }, retour: '308' },
  { nummer: '308', naam: 'Retourbericht stop zorg', slug: 'retour-stop-zorg', richting: 'gemeente-naar-aanbieder', berichtCode: { ijw: 441, iwmo: 421 }, heen: '307' },
  { nummer: '315', naam: 'Verzoek om toewijzing', slug: 'verzoek-om-toewijzing', richting: 'aanbieder-naar-gemeente', berichtCode: { ijw: 446, iwmo: 444 }, retour: '316' },
  { nummer: '316', naam: 'Retourbericht verzoek om toewijzing', slug: 'retour-verzoek-om-toewijzing', richting: 'gemeente-naar-aanbieder', berichtCode: { ijw: 447, iwmo: 445 }, heen: '315' },
  { nummer: '317', naam: 'Verzoek om wijziging', slug: 'verzoek-om-wijziging', richting: 'aanbieder-naar-gemeente', berichtCode: { ijw: 486, iwmo: 480 }, retour: '318' },
  { nummer: '318', naam: 'Retourbericht verzoek om wijziging', slug: 'retour-verzoek-om-wijziging', richting: 'gemeente-naar-aanbieder', berichtCode: { ijw: 487, iwmo: 481 }, heen: '317' },
  { nummer: '319', naam: 'Antwoordbericht', slug: 'antwoord', richting: 'gemeente-naar-aanbieder', berichtCode: { ijw: 488, iwmo: 482 }, retour: '320' },
  { nummer: '320', naam: 'Retourbericht antwoordbericht', slug: 'retour-antwoord', richting: 'aanbieder-naar-gemeente', berichtCode: { ijw: 489, iwmo: 483 }, heen: '319' },
  { nummer: '323', naam: 'Declaratie', slug: 'declaratie', richting: 'aanbieder-naar-gemeente', berichtCode: { ijw: 490, iwmo: 484 }, retour: '325' },
  { nummer: '325', naam: 'Declaratie-antwoord', slug: 'declaratie-antwoord', richting: 'gemeente-naar-aanbieder', berichtCode: { ijw: 491, iwmo: 485 }, heen: '323' },
];

export const BERICHTSOORTEN: ReadonlyMap<BerichtNummer, BerichtSoort> = new Map(soorten.map((s) => [s.nummer, s]));

/** The heenberichten (all but the retourberichten 302–320); 325 counts as a heenbericht of the gemeente. */
export const HEENBERICHTEN: readonly BerichtNummer[] = ['301', '305', '307', '315', '317', '319', '323', '325'];
export const RETOURBERICHTEN: readonly BerichtNummer[] = ['302', '306', '308', '316', '318', '320'];

export const RELEASE = { versie: 3, subversie: 2, pad: '3_2' } as const;
export const XSD_VERSIE = { basisschema: '1.0.0', bericht: '1.0.0' } as const;

/** JW301 / WMO301: the message type name in logs and routes. */
export function berichtType(standaard: Standaard, nummer: BerichtNummer): string {
  return `${standaard === 'ijw' ? 'JW' : 'WMO'}${nummer}`;
}

/** Prefix used for a message's own namespace: jw301 / wmo301. */
export function berichtPrefix(standaard: Standaard, nummer: BerichtNummer): string {
  return `${standaard === 'ijw' ? 'jw' : 'wmo'}${nummer}`;
}

export function berichtNamespace(standaard: Standaard, nummer: BerichtNummer): string {
  return `http://www.istandaarden.nl/${standaard}/${RELEASE.pad}/${berichtPrefix(standaard, nummer)}/schema`;
}

export function basisschemaNamespace(standaard: Standaard): string {
  return `http://www.istandaarden.nl/${standaard}/${RELEASE.pad}/basisschema/schema`;
}

const NS_PATTERN = /^http:\/\/www\.istandaarden\.nl\/(ijw|iwmo)\/(\d+_\d+)\/(jw|wmo)(\d{3})\/schema$/;

/** Reads standard, release path and message number from a root namespace; undefined when it is not an iStandaarden namespace. */
export function parseBerichtNamespace(ns: string): { standaard: Standaard; release: string; nummer: string } | undefined {
  const m = NS_PATTERN.exec(ns);
  if (!m) return undefined;
  const standaard = m[1] as Standaard;
  if ((standaard === 'ijw') !== (m[3] === 'jw')) return undefined;
  return { standaard, release: m[2]!, nummer: m[4]! };
}

/** The BerichtCode → message lookup, for checking the header against the namespace. */
export function soortVoorBerichtCode(standaard: Standaard, code: number): BerichtSoort | undefined {
  return soorten.find((s) => s.berichtCode[standaard] === code);
}

/** Neutral namespaces the mapping files are written against, so one mapping serves iJw and iWmo. */
export const NEUTRAAL = {
  bericht: 'urn:knooppunt:istandaarden:bericht',
  basisschema: 'urn:knooppunt:istandaarden:basisschema',
} as const;
