import { DateTime } from 'luxon';

/** The zone the Dutch chain keeps its dates and StUF tijdstippen in. */
export const NL_ZONE = 'Europe/Amsterdam';

/** Today's date as the Dutch chain sees it (Europe/Amsterdam), YYYY-MM-DD: dagtekening, TR135, zaaknummers. */
export function vandaagInNederland(now: Date): string {
  return DateTime.fromJSDate(now, { zone: NL_ZONE }).toISODate()!;
}
