/**
 * Tijdelijke and definitieve stops (TR413, TR414, TR415): a StopProduct against the stops already
 * reported on the same start of levering. A start is identified by the StopProduct's logical key
 * Bsn, ToewijzingNummer and Begindatum; the ToewijzingNummer belongs to one client, so the key
 * here is (ToewijzingNummer, Begindatum) and the BSN is never stored.
 *
 * On one start there may be at most one tijdelijke stop (RedenBeeindiging 20, TR413) and after it
 * one definitieve stop, not ending earlier (TR414); after a definitieve stop nothing more (TR415).
 * The current stops are those of accepted 307 berichten (the register) and those earlier in the
 * same bericht. A StopProduct with StatusAanlevering 3 withdraws the stop it repeats: it is not
 * judged, and the bericht's withdrawals are applied before its new stops are judged, so one 307
 * can replace a stop.
 */
import type { XmlElement } from '../../../xml/parse.js';
import type { RegisterStop } from '../register.js';
import type { Bericht } from './bericht.js';
import type { Fout, Regel } from './types.js';

const TIJDELIJK = '20';

interface StopRegel {
  record: XmlElement;
  nummer: string;
  stop: RegisterStop;
  verwijdert: boolean;
}

function stopRegels(b: Bericht): StopRegel[] {
  const uit: StopRegel[] = [];
  for (const record of b.records('Client', 'StopProducten', 'StopProduct')) {
    const nummer = b.tekst(record, 'ToewijzingNummer');
    const begindatum = b.tekst(record, 'Begindatum');
    const einddatum = b.tekst(record, 'Einddatum');
    const redenBeeindiging = b.tekst(record, 'RedenBeeindiging');
    if (!nummer || !begindatum || !einddatum || !redenBeeindiging) continue;
    uit.push({ record, nummer, stop: { begindatum, einddatum, redenBeeindiging }, verwijdert: b.tekst(record, 'StatusAanlevering') === '3' });
  }
  return uit;
}

const zelfde = (a: RegisterStop, b: RegisterStop) => a.begindatum === b.begindatum && a.einddatum === b.einddatum && a.redenBeeindiging === b.redenBeeindiging;

/**
 * Calls `toets` for every new StopProduct of the bericht with the stops current on its start at
 * that point: the register's (minus this bericht's withdrawals) and the bericht's own before it.
 */
async function perStop(b: Bericht, toets: (r: StopRegel, eerder: readonly RegisterStop[]) => void): Promise<void> {
  const regels = stopRegels(b);
  const huidig = new Map<string, RegisterStop[]>();
  for (const nummer of new Set(regels.map((r) => r.nummer))) huidig.set(nummer, await b.ctx.register.stops(b.standaard, b.gemeente, b.aanbieder, nummer));
  for (const r of regels.filter((x) => x.verwijdert)) huidig.set(r.nummer, huidig.get(r.nummer)!.filter((st) => !zelfde(st, r.stop)));
  for (const r of regels.filter((x) => !x.verwijdert)) {
    const lijst = huidig.get(r.nummer)!;
    toets(r, lijst.filter((st) => st.begindatum === r.stop.begindatum));
    lijst.push(r.stop);
  }
}

function stopRegel(id: string, omschrijving: string, retourcode: string, faalt: (b: Bericht, r: StopRegel, eerder: readonly RegisterStop[], fout: Fout) => void): Regel {
  return {
    id,
    omschrijving,
    berichten: ['307'],
    retourcode,
    niveau: 'record',
    async toets(b, fout) {
      await perStop(b, (r, eerder) => faalt(b, r, eerder, fout));
    },
  };
}

const tr413 = stopRegel(
  'TR413',
  'Per start van de levering (Bsn, ToewijzingNummer en Begindatum) mag maar één StopProduct met RedenBeeindiging 20 (tijdelijk beëindigd) actueel zijn.',
  '9413',
  (b, r, eerder, fout) => {
    if (r.stop.redenBeeindiging === TIJDELIJK && eerder.some((st) => st.redenBeeindiging === TIJDELIJK)) fout(r.record, b.kind(r.record, 'RedenBeeindiging'));
  },
);

const tr414 = stopRegel(
  'TR414',
  'Einddatum moet groter dan of gelijk zijn aan de Einddatum van het actuele StopProduct met gelijk Bsn, ToewijzingNummer en Begindatum.',
  '9414',
  (b, r, eerder, fout) => {
    if (eerder.some((st) => r.stop.einddatum < st.einddatum)) fout(r.record, b.kind(r.record, 'Einddatum'));
  },
);

const tr415 = stopRegel(
  'TR415',
  'Na een definitieve stop (RedenBeeindiging ongelijk aan 20) mag geen StopProduct met gelijk Bsn, ToewijzingNummer en Begindatum meer worden aangeleverd.',
  '9415',
  (b, r, eerder, fout) => {
    if (eerder.some((st) => st.redenBeeindiging !== TIJDELIJK)) fout(r.record, b.kind(r.record, 'Begindatum'));
  },
);

export const STOP_REGELS: readonly Regel[] = [tr413, tr414, tr415];
