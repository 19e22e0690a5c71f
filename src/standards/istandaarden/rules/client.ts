/** Rules on the Client: the BSN elfproef and the geboortedatum. */
import { isValidBsn } from '../../common/bsn.js';
import type { BerichtNummer } from '../catalog.js';
import { jarenEerder, type Bericht } from './bericht.js';
import type { XmlElement } from '../../../xml/parse.js';
import type { Regel } from './types.js';

/** Every Client record of the bericht (323/325 have several, the others one). */
function clienten(b: Bericht): XmlElement[] {
  switch (b.nummer) {
    case '323':
      return b.records('Declaratie', 'Clienten', 'Client');
    case '325':
      return b.records('DeclaratieAntwoord', 'Clienten', 'Client');
    default:
      return b.records('Client');
  }
}

const cs002: Regel = {
  id: 'CS002',
  omschrijving: 'Bsn moet voldoen aan de elfproef.',
  berichten: ['301', '305', '307', '315', '317', '323', '325'],
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const client of clienten(b)) {
      const bsn = b.kind(client, 'Bsn');
      if (bsn && !isValidBsn(bsn.text?.trim() ?? '')) fout(client, bsn);
    }
  },
};

const MET_GEBOORTEDATUM: readonly BerichtNummer[] = ['301', '305', '307', '315'];

/** Each Client with a Geboortedatum that has a Datum: what TR002 and CS139 look at. */
function geboortedata(b: Bericht): Array<{ client: XmlElement; gd: XmlElement; datum: string }> {
  return clienten(b).flatMap((client) => {
    const gd = b.kind(client, 'Geboortedatum');
    const datum = b.tekst(gd, 'Datum');
    return gd && datum !== undefined ? [{ client, gd, datum }] : [];
  });
}

/** 1900-01-01 with DatumGebruik 3 is how the standard writes "geboortedatum onbekend". */
function onbekend(b: Bericht, gd: XmlElement): boolean {
  return b.tekst(gd, 'DatumGebruik') === '3' && b.tekst(gd, 'Datum') === '1900-01-01';
}

const tr002: Regel = {
  id: 'TR002',
  omschrijving: 'Geboortedatum mag niet meer dan 120 jaar voor de Dagtekening liggen, tenzij de geboortedatum onbekend is.',
  berichten: MET_GEBOORTEDATUM,
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const { client, gd, datum } of geboortedata(b)) {
      if (onbekend(b, gd) || b.dagtekening === '') continue;
      if (datum < jarenEerder(b.dagtekening, 120)) fout(client, b.kind(gd, 'Datum'));
    }
  },
};

/** DatumGebruik says which part of the Datum is unknown; that part must then be written as 01 (or 1900-01-01 for all). */
const cs139: Regel = {
  id: 'CS139',
  omschrijving: 'DatumGebruik en Datum van de Geboortedatum moeten met elkaar in overeenstemming zijn.',
  berichten: MET_GEBOORTEDATUM,
  retourcode: '0001',
  niveau: 'record',
  toets(b, fout) {
    for (const { client, gd, datum } of geboortedata(b)) {
      const gebruik = b.tekst(gd, 'DatumGebruik');
      if (gebruik === undefined) continue;
      const klopt =
        (gebruik === '1' && datum.endsWith('-01')) ||
        (gebruik === '2' && datum.endsWith('-01-01')) ||
        (gebruik === '3' && datum === '1900-01-01');
      if (!klopt) fout(client, b.kind(gd, 'DatumGebruik'));
    }
  },
};

export const CLIENT_REGELS: readonly Regel[] = [cs002, tr002, cs139];
