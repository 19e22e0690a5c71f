/** Today's date as the Dutch chain sees it (Europe/Amsterdam), YYYY-MM-DD: dagtekening, TR135, zaaknummers. */
export function vandaagInNederland(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
