/**
 * Which elements of each heenbericht are records (berichtklassen): the levels that carry their own
 * RetourCodes in the retourbericht or declaratie-antwoord. Paths are local element names from the
 * root `Bericht` down; the Header is always a record. Source: docs/istandaarden/berichten.md.
 */
import type { BerichtNummer } from './catalog.js';

export type RecordPath = readonly string[];

export const RECORDS: Readonly<Partial<Record<BerichtNummer, readonly RecordPath[]>>> = {
  '301': [
    ['Client'],
    ['Client', 'Relaties', 'Relatie'],
    ['Client', 'Relaties', 'Relatie', 'Contact'],
    ['Client', 'Contactgegevens', 'Contact'],
    ['Client', 'ToegewezenProducten', 'ToegewezenProduct'],
  ],
  '305': [['Client'], ['Client', 'StartProducten', 'StartProduct']],
  '307': [['Client'], ['Client', 'StopProducten', 'StopProduct']],
  '315': [['Client'], ['Client', 'AangevraagdeProducten', 'AangevraagdProduct']],
  '317': [
    ['Client'],
    ['Client', 'Verzoek'],
    ['Client', 'Verzoek', 'OngewijzigdeProducten', 'OngewijzigdProduct'],
    ['Client', 'Verzoek', 'TeWijzigenProducten', 'TeWijzigenProduct'],
    ['Client', 'Verzoek', 'NieuweProducten', 'NieuwProduct'],
  ],
  '319': [['Antwoord'], ['Antwoord', 'Woonplaatsbeginsel']],
  '323': [['Declaratie'], ['Declaratie', 'Clienten', 'Client'], ['Declaratie', 'Clienten', 'Client', 'Prestaties', 'Prestatie']],
  '325': [['DeclaratieAntwoord'], ['DeclaratieAntwoord', 'Clienten', 'Client'], ['DeclaratieAntwoord', 'Clienten', 'Client', 'Prestaties', 'Prestatie']],
};

export function isRecordPath(nummer: BerichtNummer, path: readonly string[]): boolean {
  return (RECORDS[nummer] ?? []).some((p) => p.length === path.length && p.every((s, i) => s === path[i]));
}
