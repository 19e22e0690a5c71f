import type { CitizenReport } from './transparency.js';

/** Every value that goes into the page passes through here: no markup from data, ever. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const DATE = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

/** Only this page's own inline style; no scripts at all. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The citizen report as a printable page in plain Dutch (B1 level): what the municipality's
 * knooppunt passed on about this person, to whom, why and on which legal basis.
 */
export function citizenReportHtml(report: CitizenReport): string {
  const rows = report.exchanges
    .map(
      (e) => `      <tr>
        <td>${escapeHtml(DATE.format(new Date(e.when)))}</td>
        <td>${escapeHtml(e.from)}</td>
        <td>${escapeHtml(e.to ?? 'niet doorgestuurd')}</td>
        <td>${escapeHtml(e.messageType)}</td>
        <td>${escapeHtml(e.dataCategories.length > 0 ? e.dataCategories.join(', ') : 'onbekend')}</td>
        <td>${escapeHtml(e.purpose ?? 'niet vastgelegd')}</td>
        <td>${escapeHtml(e.legalBasis ?? 'niet vastgelegd')}${e.unreadable ? '<br><em>De inhoud van dit bericht kan nu niet worden gelezen (sleutel ontbreekt); de gemeente zoekt dit uit.</em>' : ''}</td>
      </tr>`,
    )
    .join('\n');
  const body =
    report.exchanges.length === 0
      ? '  <p>Wij hebben geen berichten over u gevonden die via het knooppunt zijn uitgewisseld (binnen de bewaartermijn).</p>'
      : `  <p>Hieronder staat elk bericht over u dat via het knooppunt is gegaan: wanneer, van wie naar wie, welk soort bericht,
  welke soorten gegevens erin stonden, waarvoor dat nodig was en op grond van welke wet.</p>
  <table>
    <thead>
      <tr><th>Wanneer</th><th>Van</th><th>Naar</th><th>Soort bericht</th><th>Soorten gegevens</th><th>Doel</th><th>Wettelijke grondslag</th></tr>
    </thead>
    <tbody>
${rows}
    </tbody>
  </table>`;
  return `<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <title>Overzicht van uitgewisselde gegevens</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; }
    table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
    th, td { border: 1px solid #999; padding: 0.4rem; text-align: left; vertical-align: top; }
    th { background: #eee; }
    @media print { body { margin: 0; } }
  </style>
</head>
<body>
  <h1>Overzicht van uitgewisselde gegevens</h1>
  <p>Burgerservicenummer: ${escapeHtml(report.bsn)}<br>
  Gemaakt op: ${escapeHtml(DATE.format(new Date(report.generatedAt)))}<br>
  Aantal berichten: ${escapeHtml(report.exchanges.length)}</p>
${report.missingKeys ? '  <p><strong>Let op:</strong> dit overzicht is mogelijk niet volledig: een deel van de gegevens is versleuteld met een sleutel die nu niet beschikbaar is. De gemeente zoekt dit uit.</p>\n' : ''}${body}
  <p>Heeft u vragen over dit overzicht, of denkt u dat er iets niet klopt? Neem dan contact op met de
  functionaris gegevensbescherming van uw gemeente.</p>
</body>
</html>
`;
}
