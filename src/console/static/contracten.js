// Knooppunt beheer: the contract pages (#/contracten). The region's contracts at work: the ceiling
// banner, each contract's standing against its maximum, spend per month (uPlot chart) and per
// gemeente, contracted products without traffic, toewijzing → start against the norm, overdue
// steps and the was-wordt translations. Aggregates only: the API holds no BSN and no name.
import { api, query } from './api.js';
import { clear, h, table } from './dom.js';

const euro = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });
/** Cents → "€ 1.234,56" (exact: the division is only for display). */
const eur = (cents) => euro.format(cents / 100);
const pct = (bp) => `${(bp / 100).toFixed(2).replace('.', ',')} %`;

function stylesheet(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  document.head.appendChild(h('link', { rel: 'stylesheet', href }));
}

/** The banner: every ceiling alert, newest first; deadline alerts as a count. */
function banner(alarmen) {
  const plafond = alarmen.filter((a) => a.soort === 'plafond');
  const termijn = alarmen.filter((a) => a.soort === 'termijn');
  if (plafond.length === 0 && termijn.length === 0) return null;
  return h('section', { className: 'msg error contract-banner', role: 'alert', 'aria-label': 'Contractalarmen' },
    h('h2', null, 'Contractalarmen'),
    h('ul', null,
      plafond.map((a) => h('li', { 'data-alarm': `${a.contract}/${a.periode}/${a.drempel}` },
        `Plafond ${a.drempel} % bereikt: contract ${a.contract} (${a.periode === 'totaal' ? 'hele looptijd' : a.periode}) — ${eur(a.bedrag)} van ${eur(a.maximum)}`)),
      termijn.length ? h('li', null, `${termijn.length} stap(pen) over de termijn in het berichtenverkeer (zie hieronder)`) : null,
    ),
  );
}

function standen(items) {
  const rows = items.flatMap((c) => c.perioden.map((p) => h('tr', { 'data-contract': c.contract, 'data-periode': p.periode },
    h('td', null, c.contract), h('td', null, c.perceel), h('td', null, c.hoofdaannemer), h('td', null, p.periode),
    h('td', { className: 'num' }, eur(p.maximum)), h('td', { className: 'num' }, eur(p.gedeclareerd)), h('td', { className: 'num' }, eur(p.toegekend)),
    h('td', null, h('meter', { min: 0, max: 10000, value: Math.min(p.procentBp, 10000), 'aria-label': pct(p.procentBp) }), ' ', pct(p.procentBp)),
  )));
  return table('Contracten tegen hun maximum', ['Contract', 'Perceel', 'Hoofdaannemer', 'Periode', 'Maximum', 'Gedeclareerd', 'Toegekend', 'Stand'], rows);
}

/** The monthly spend chart (uPlot, served from our own origin). */
async function grafiek(target, perMaand) {
  if (perMaand.length === 0) {
    target.appendChild(h('p', null, 'Nog geen declaraties.'));
    return;
  }
  stylesheet('/console/vendor/uplot/uPlot.min.css');
  const { default: uPlot } = await import('/console/vendor/uplot/uPlot.esm.js');
  const xs = perMaand.map((m) => Date.UTC(Number(m.maand.slice(0, 4)), Number(m.maand.slice(5, 7)) - 1, 1) / 1000);
  const data = [xs, perMaand.map((m) => m.gedeclareerd / 100), perMaand.map((m) => m.toegekend / 100)];
  const width = Math.max(320, Math.min(900, target.clientWidth || 720));
  new uPlot({
    title: 'Besteding per maand (euro)',
    width, height: 260,
    scales: { x: { time: true } },
    series: [{}, { label: 'Gedeclareerd', stroke: '#1f5f99', width: 2, points: { show: true } }, { label: 'Toegekend', stroke: '#2e7d32', width: 2, points: { show: true } }],
    axes: [{}, { values: (_u, vals) => vals.map((v) => euro.format(v)) }],
  }, data, target);
}

function perGemeente(items) {
  const som = new Map();
  for (const r of items) {
    const s = som.get(r.gemeente) ?? { gedeclareerd: 0, prestaties: 0 };
    s.gedeclareerd += r.gedeclareerd;
    s.prestaties += r.prestaties;
    som.set(r.gemeente, s);
  }
  const rows = [...som.entries()].sort().map(([g, s]) => h('tr', null, h('td', null, g), h('td', { className: 'num' }, s.prestaties), h('td', { className: 'num' }, eur(s.gedeclareerd))));
  return table('Besteding per gemeente', ['Gemeente', 'Prestaties', 'Gedeclareerd'], rows);
}

export async function renderContracten(show, errorText, scope = '') {
  const m = show('Contracten');
  const body = h('div', { className: 'contracten' }, h('p', null, 'Laden…'));
  m.appendChild(body);
  try {
    const q = query({ scope: scope || undefined });
    const [alarmen, groeperingen, st, totalen, bestedingen, zonder, doorloop, achter, vertalingen] = await Promise.all([
      api('GET', '/contracten/alarmen'),
      api('GET', '/contracten/inzicht/groeperingen'),
      api('GET', `/contracten/inzicht/standen${q}`),
      api('GET', `/contracten/inzicht/totalen${q}`),
      api('GET', `/contracten/inzicht/bestedingen${q}`),
      api('GET', `/contracten/inzicht/zonder-verkeer${q}`),
      api('GET', `/contracten/inzicht/doorlooptijden${q}`),
      api('GET', `/contracten/inzicht/achterstanden${q}`),
      api('GET', '/contracten/vertalingen'),
    ]);
    clear(body);
    const b = banner(alarmen.items);
    if (b) body.appendChild(b);
    const select = h('select', { id: 'contract-scope', name: 'scope' },
      h('option', { value: '' }, 'Alle gemeenten'),
      groeperingen.items.map((g) => h('option', { value: g.id }, g.naam)));
    select.value = scope;
    select.addEventListener('change', () => renderContracten(show, errorText, select.value));
    body.appendChild(h('p', null, h('label', { for: 'contract-scope' }, 'Bereik '), select, ' ',
      h('a', { href: `/console/api/contracten/inzicht/export${query({ format: 'csv', scope: scope || undefined })}`, download: 'contracten-bestedingen.csv' }, 'Export CSV'), ' · ',
      h('a', { href: `/console/api/contracten/inzicht/export${query({ format: 'json', scope: scope || undefined })}` }, 'Export JSON')));
    body.appendChild(h('p', { className: 'totaal' }, `Gedeclareerd ${eur(totalen.gedeclareerd)}, toegekend ${eur(totalen.toegekend)}, ${totalen.clienten} unieke cliënten (geteld op versleutelde sleutel).`));
    const chart = h('div', { id: 'contract-grafiek', className: 'chart' });
    body.appendChild(h('section', null, h('h2', null, 'Besteding per maand'), chart));
    body.appendChild(standen(st.items));
    body.appendChild(perGemeente(bestedingen.items));
    const t = doorloop.toewijzingTotStart;
    body.appendChild(h('section', null, h('h2', null, 'Doorlooptijden'), h('ul', null,
      h('li', null, `Toewijzing tot start zorg: ${t.aantal} gestart, ${t.binnenNorm} binnen de norm van ${doorloop.normStartDagen} dagen, ${t.buitenNorm} erbuiten${t.mediaanDagen !== null ? ` (mediaan ${t.mediaanDagen} dagen)` : ''}.`),
      h('li', null, `Toewijzingen zonder start: ${doorloop.toewijzingenZonderStart}.`),
      h('li', null, `Verzoeken om toewijzing zonder antwoord: ${doorloop.verzoekenZonderAntwoord}.`),
      h('li', null, `Trajectduur: ${doorloop.trajectduur.aantal} afgesloten${doorloop.trajectduur.mediaanDagen !== null ? `, mediaan ${doorloop.trajectduur.mediaanDagen} dagen` : ''}.`),
    )));
    body.appendChild(table('Over de termijn', ['Stap', 'Gemeente', 'Aanbieder', 'Sinds', 'Dagen te laat'],
      achter.items.slice(0, 100).map((a) => h('tr', null, h('td', null, a.omschrijving), h('td', null, a.gemeente), h('td', null, a.aanbieder), h('td', null, a.sinds), h('td', { className: 'num' }, a.dagenTeLaat)))));
    body.appendChild(table(`Gecontracteerd zonder verkeer (${zonder.items.length})`, ['Contract', 'Aanbieder', 'Product', 'Gemeente'],
      zonder.items.slice(0, 50).map((z) => h('tr', null, h('td', null, z.contract), h('td', null, z.aanbieder), h('td', null, `${z.categorie}/${z.code}`), h('td', null, z.gemeente)))));
    const vt = vertalingen.items.flatMap((v) => (v.vertalingen ?? []).map((x) => h('tr', null, h('td', null, v.bericht ?? ''), h('td', null, x.oud), h('td', null, x.nieuw), h('td', null, x.omzetdatum), h('td', null, x.naOmzet ? 'na omzetdatum (gemeld)' : 'vertaald'))));
    body.appendChild(table('Was-wordt: vertaalde productcodes', ['Bericht', 'Oud', 'Nieuw', 'Omzetdatum', 'Uitkomst'], vt.slice(0, 50)));
    await grafiek(chart, totalen.perMaand);
  } catch (err) {
    clear(body);
    body.appendChild(h('p', { className: 'msg error', role: 'alert' }, errorText(err)));
  }
}
