// Knooppunt beheer: the administrator console. Plain ES modules, no framework.
// Views are chosen by the location hash: #/zoeken, #/bericht/<id>, #/niet-bezorgd, #/werking, #/privacy.
import { api, ApiError, currentCsrfToken, query, setCsrfToken, whenUnauthorized } from './api.js';
import { bytes, clear, compact, dl, duration, field, h, pretty, table, timeEl } from './dom.js';
import { renderCharts } from './charts.js';
import { followJob } from './jobs.js';
import { renderContracten } from './contracten.js';

const PAGE_SIZE = 25;

const STATUS_NL = {
  received: 'ontvangen',
  rejected: 'afgewezen',
  routed: 'doorgestuurd',
  delivered: 'bezorgd',
  dead_letter: 'niet bezorgd',
  partially_delivered: 'deels bezorgd',
  answered: 'beantwoord',
  pending: 'wacht',
  in_flight: 'onderweg',
  failed: 'mislukt',
};
const ROLE_NL = { beheerder: 'beheerder', privacy: 'privacy officer', auditor: 'auditor' };
const REFERENCE_NL = { identificatie: 'Identificatie (iStandaarden)', referentienummer: 'Referentienummer (StUF)', zaakidentificatie: 'Zaakidentificatie' };
const KIND_NL = { raw: 'origineel (zoals ontvangen)', mapped: 'gemapt (zoals verstuurd)', answer: 'antwoord' };

const state = { session: null, search: {}, page: 1, parties: new Map() };

// The pages of the console: the menu and the routing are made from this one list. A new page is one
// entry here (hash, label, roles, render); its code can live in its own module.
const PAGES = [
  { hash: '#/zoeken', label: 'Berichten zoeken', roles: ['beheerder', 'privacy', 'auditor'], render: () => renderSearch() },
  { hash: '#/niet-bezorgd', label: 'Niet bezorgd', roles: ['beheerder'], render: () => renderDeadLetters() },
  { hash: '#/werking', label: 'Werking', roles: ['beheerder', 'auditor'], render: () => renderOperations() },
  { hash: '#/privacy', label: 'Privacy', roles: ['privacy', 'auditor'], render: () => renderPrivacy() },
  { hash: '#/contracten', label: 'Contracten', roles: ['beheerder', 'auditor'], render: () => renderContracten(show, errorText) },
];

// ---------------------------------------------------------------- auto-refresh

let refreshTimer = null;

/** Runs `fn` every `ms` while the page stays; any navigation stops it. Skipped while the tab is hidden. */
function autoRefresh(fn, ms) {
  stopRefresh();
  // A shorter interval for tests and demos: sessionStorage 'kp-refresh-ms' (at least one second).
  const override = Number(sessionStorage.getItem('kp-refresh-ms'));
  if (Number.isFinite(override) && override >= 1000) ms = override;
  refreshTimer = setInterval(() => {
    if (document.visibilityState === 'hidden') return;
    fn();
  }, ms);
}

function stopRefresh() {
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = null;
}

/** A party by name, with its code (CBS gemeentecode, AGB code) beside it; unknown ids as they are. */
function partyEl(id) {
  if (!id) return '—';
  const p = state.parties.get(id);
  if (!p) return h('span', { className: 'party' }, id);
  return h('span', { className: 'party', title: p.id }, p.name, h('span', { className: 'code' }, p.code ?? p.id));
}

function partyText(id) {
  const p = id ? state.parties.get(id) : undefined;
  return p ? `${p.name} (${p.code ?? p.id})` : (id ?? '—');
}

/** The status as the beheerder reads it: a message delivered to one of two destinations is "deels bezorgd (1 van 2)". */
function statusBadge(status, deliveries) {
  const total = Number(deliveries?.total ?? 0);
  const delivered = Number(deliveries?.delivered ?? 0);
  const text = total > 1 && status !== 'rejected' ? `${nl(status)} (${delivered} van ${total})` : nl(status);
  return h('span', { className: `badge s-${String(status).replace(/[^a-z_]/g, '')}` }, text);
}

const main = () => document.getElementById('inhoud');

function can(...roles) {
  return Boolean(state.session && roles.includes(state.session.role));
}

function nl(status) {
  return STATUS_NL[status] ?? status ?? '—';
}

function say(text, kind = 'info') {
  const el = document.getElementById('status');
  clear(el);
  if (!text) return;
  el.appendChild(h('p', { className: `msg ${kind}` }, text));
}

function errorText(err) {
  if (err instanceof ApiError) {
    if (err.status === 403) return 'U hebt geen toegang tot deze gegevens of handeling.';
    if (err.status === 404) return 'Niet gevonden.';
    if (err.status === 429) return 'Te veel pogingen. Probeer het later opnieuw.';
    return `De server gaf een fout (${err.status}): ${err.message}`;
  }
  return `Er ging iets mis: ${err?.message ?? err}`;
}

/** Replace the main content; put the focus on the first heading so screen readers announce the page. */
function show(title, ...content) {
  const m = clear(main());
  const h1 = h('h1', { tabindex: '-1' }, title);
  m.appendChild(h1);
  for (const c of content) if (c) m.appendChild(c);
  document.title = `${title} — Knooppunt beheer`;
  h1.focus();
  return m;
}

// ---------------------------------------------------------------- session

async function signedIn(session) {
  state.session = session;
  setCsrfToken(session.csrfToken);
  const nav = document.getElementById('nav');
  const list = clear(document.getElementById('nav-list'));
  for (const page of PAGES) {
    if (page.roles.includes(session.role)) list.appendChild(h('li', null, h('a', { href: page.hash }, page.label)));
  }
  nav.hidden = false;
  document.getElementById('who').hidden = false;
  document.getElementById('who-name').textContent = `${session.name ?? session.user} (${ROLE_NL[session.role] ?? session.role})`;
  try {
    const parties = await api('GET', '/parties');
    state.parties = new Map((parties?.items ?? []).map((p) => [p.id, p]));
  } catch {
    state.parties = new Map(); // shown by id then
  }
}

function signedOut(message) {
  stopRefresh();
  state.session = null;
  setCsrfToken(null);
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  if (location.hash && location.hash !== '#/aanmelden') history.replaceState(null, '', '#/aanmelden');
  renderSignIn(message);
}

function renderSignIn(message) {
  const err = h('p', { className: 'msg error', role: 'alert', hidden: !message }, message ?? '');
  const user = h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit' }, 'Aanmelden');
  const form = h('form', { id: 'signin', className: 'card narrow', 'aria-describedby': 'signin-uitleg' },
    h('p', { id: 'signin-uitleg' }, 'Meld u aan met uw beheeraccount. Dit is niet de API-sleutel van een partij.'),
    field('user', 'Gebruikersnaam', user),
    field('password', 'Wachtwoord', pass),
    err,
    button,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    err.hidden = true;
    try {
      const session = await api('POST', '/session', { user: user.value.trim(), password: pass.value });
      pass.value = '';
      await signedIn(session);
      say('');
      if (!location.hash || location.hash === '#/aanmelden') location.hash = '#/zoeken';
      else route();
    } catch (ex) {
      err.textContent = ex instanceof ApiError && ex.status === 401
        ? 'Gebruikersnaam of wachtwoord klopt niet.'
        : errorText(ex);
      err.hidden = false;
      pass.focus();
    } finally {
      button.disabled = false;
    }
  });
  show('Aanmelden', form);
  user.focus();
}

async function signOut() {
  try {
    await api('DELETE', '/session');
  } catch {
    /* signed out anyway */
  }
  signedOut('U bent afgemeld.');
}

// ---------------------------------------------------------------- search

function searchForm() {
  const s = state.search;
  const input = (id, label, { hint, ...opts } = {}) => field(`f-${id}`, label, h('input', { id: `f-${id}`, name: id, value: s[id] ?? '', ...opts }), hint);
  const statusSelect = h('select', { id: 'f-status', name: 'status' },
    h('option', { value: '' }, 'alle'),
    ['received', 'routed', 'delivered', 'partially_delivered', 'dead_letter', 'rejected', 'answered'].map((v) => {
      const o = h('option', { value: v }, nl(v));
      if (s.status === v) o.selected = true;
      return o;
    }),
  );
  const standardSelect = h('select', { id: 'f-standard', name: 'standard' },
    h('option', { value: '' }, 'alle'),
    [['json', 'JSON (REST)'], ['istandaarden', 'iStandaarden'], ['stuf', 'StUF'], ['suwi', 'SUWI']].map(([v, t]) => {
      const o = h('option', { value: v }, t);
      if (s.standard === v) o.selected = true;
      return o;
    }),
  );
  const form = h('form', { id: 'zoekformulier', className: 'card grid', role: 'search', 'aria-label': 'Berichten zoeken' },
    h('div', { className: 'reference' },
      input('q', 'Kenmerk', {
        autocomplete: 'off', type: 'search',
        hint: 'Elk kenmerk dat mensen noemen: bericht-id van de afzender, iStandaarden Identificatie, StUF referentienummer, zaakidentificatie, korte id uit de tabel, correlatie-id of de naam van een partij.',
      }),
    ),
    input('messageId', 'Bericht-id', { autocomplete: 'off' }),
    input('correlationId', 'Correlatie-id', { autocomplete: 'off' }),
    input('party', 'Partij (afzender of ontvanger)', { autocomplete: 'off', placeholder: 'naam of code, bijv. Enschede' }),
    field('f-standard', 'Standaard', standardSelect),
    input('messageType', 'Berichtsoort', { autocomplete: 'off', placeholder: 'bijv. toewijzing' }),
    field('f-status', 'Status', statusSelect),
    input('from', 'Ontvangen vanaf', { type: 'datetime-local' }),
    input('to', 'Ontvangen tot', { type: 'datetime-local' }),
    can('beheerder', 'privacy')
      ? input('bsn', 'BSN', { inputmode: 'numeric', autocomplete: 'off', pattern: '[0-9]{8,9}', maxlength: 9, hint: 'Zoeken op BSN wordt vastgelegd.' })
      : null,
    h('div', { className: 'actions' },
      h('button', { type: 'submit' }, 'Zoeken'),
      h('button', { type: 'reset', className: 'secondary' }, 'Wissen'),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    state.search = {};
    for (const [k, v] of data.entries()) if (typeof v === 'string' && v.trim()) state.search[k] = v.trim();
    state.page = 1;
    runSearch();
  });
  form.addEventListener('reset', () => {
    state.search = {};
    state.page = 1;
    setTimeout(runSearch, 0);
  });
  return form;
}

function isoOf(local) {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

async function runSearch({ quiet = false } = {}) {
  const results = document.getElementById('resultaten');
  if (!results) return;
  if (!quiet) clear(results).appendChild(h('p', null, 'Zoeken…'));
  results.setAttribute('aria-busy', 'true');
  const s = state.search;
  try {
    // POST: a BSN goes in the body, never in a URL (the gateway logs the search with the keyed hash only).
    const filters = {
      q: s.q, messageId: s.messageId, correlationId: s.correlationId, party: s.party, standard: s.standard,
      messageType: s.messageType, status: s.status, from: isoOf(s.from), to: isoOf(s.to), bsn: s.bsn,
      page: state.page, pageSize: PAGE_SIZE,
    };
    const data = await api('POST', '/exchanges/search', Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== null && v !== '')));
    renderResults(results, data);
  } catch (err) {
    clear(results).appendChild(h('p', { className: 'msg error', role: 'alert' }, errorText(err)));
  } finally {
    results.removeAttribute('aria-busy');
  }
}

function renderResults(results, data) {
  const items = data?.items ?? [];
  const total = Number(data?.total ?? items.length);
  const page = Number(data?.page ?? state.page);
  const pageSize = Number(data?.pageSize ?? PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const rows = items.map((m) => h('tr', null,
    h('td', null, timeEl(m.receivedAt)),
    h('td', null, m.messageType ?? '—'),
    h('td', null, m.standard ?? '—'),
    h('td', null, partyEl(m.sender)),
    h('td', null, partyEl(m.receiver)),
    h('td', null, statusBadge(m.status, m.deliveries)),
    h('td', null, h('a', { href: `#/bericht/${encodeURIComponent(m.id)}`, 'aria-label': `Details van bericht ${m.id}` }, String(m.id).slice(0, 8))),
  ));
  clear(results).append(
    h('p', { id: 'totaal', className: 'total' }, data?.totalCapped ? `Meer dan ${total} berichten gevonden` : total === 1 ? '1 bericht gevonden' : `${total} berichten gevonden`),
    table('Gevonden berichten', ['Ontvangen', 'Berichtsoort', 'Standaard', 'Van', 'Aan', 'Status', 'Details'], rows),
    pager(page, pages, (p) => {
      state.page = p;
      runSearch();
    }),
  );
}

function pager(page, pages, go) {
  return h('nav', { className: 'pager', 'aria-label': 'Pagina’s' },
    h('button', { type: 'button', className: 'secondary', disabled: page <= 1, onclick: () => go(page - 1) }, '‹ Vorige'),
    h('span', null, `Pagina ${page} van ${pages}`),
    h('button', { type: 'button', className: 'secondary', disabled: page >= pages, onclick: () => go(page + 1) }, 'Volgende ›'),
  );
}

function refreshToggle(id, label, fn, ms, on = true) {
  const box = h('input', { id, type: 'checkbox', checked: on });
  const apply = () => (box.checked ? autoRefresh(fn, ms) : stopRefresh());
  box.addEventListener('change', apply);
  apply();
  return h('p', { className: 'refresh' }, box, h('label', { for: id }, label));
}

function renderSearch() {
  show('Berichten zoeken', searchForm(),
    refreshToggle('auto-zoeken', 'Resultaten elke 30 seconden vernieuwen', () => runSearch({ quiet: true }), 30_000),
    h('section', { id: 'resultaten', 'aria-label': 'Zoekresultaten' }));
  runSearch();
}

// ---------------------------------------------------------------- detail

async function renderDetail(id) {
  show('Bericht', h('p', null, 'Laden…'));
  let d;
  try {
    d = await api('GET', `/exchanges/${encodeURIComponent(id)}`);
  } catch (err) {
    show('Bericht', h('p', { className: 'msg error', role: 'alert' }, errorText(err)), h('p', null, h('a', { href: '#/zoeken' }, 'Terug naar zoeken')));
    return;
  }
  const m = d.message ?? {};
  const summary = h('section', { 'aria-labelledby': 'kop-bericht', className: 'card' },
    h('h2', { id: 'kop-bericht' }, 'Gegevens'),
    dl([
      ['Bericht-id', m.id],
      ['Kenmerk afzender', m.senderMessageId],
      ...(d.references ?? []).filter((r) => r.kind !== 'sender_message_id').map((r) => [REFERENCE_NL[r.kind] ?? r.kind, r.value]),
      ['Correlatie-id', m.correlationId],
      ['Berichtsoort', m.messageType],
      ['Standaard', m.standard],
      ['Kanaal', m.channel],
      ['Van', partyEl(m.sender)],
      ['Aan', partyEl(m.receiver)],
      ['Status', statusBadge(m.status, { total: (d.deliveries ?? []).length, delivered: (d.deliveries ?? []).filter((x) => x.status === 'delivered').length })],
      ['Ontvangen', timeEl(m.receivedAt)],
      ['Laatst bijgewerkt', timeEl(m.updatedAt)],
    ]),
  );

  const events = h('section', { 'aria-labelledby': 'kop-verloop' },
    h('h2', { id: 'kop-verloop' }, 'Verloop'),
    table('Gebeurtenissen in volgorde', ['#', 'Gebeurtenis', 'Tijd', 'Sinds start', 'Sinds vorige', 'Details'],
      (d.events ?? []).map((e) => h('tr', null,
        h('td', null, e.seq ?? ''),
        h('td', null, e.type ?? ''),
        h('td', null, timeEl(e.at)),
        h('td', { className: 'num' }, duration(e.sinceStartMs)),
        h('td', { className: 'num' }, duration(e.sincePreviousMs)),
        h('td', null, h('code', { className: 'detail' }, compact(e.detail))),
      ))),
  );

  const v = d.validation ?? {};
  const problems = v.problems ?? [];
  const validation = h('section', { 'aria-labelledby': 'kop-validatie' },
    h('h2', { id: 'kop-validatie' }, 'Validatie'),
    h('p', null, 'Uitkomst: ', h('strong', null, v.outcome ?? '—')),
    problems.length
      ? h('ul', { className: 'problems' }, problems.map((p) => h('li', null,
        typeof p === 'string' ? p : [p.path || p.field || p.location ? h('code', null, String(p.path ?? p.field ?? p.location)) : null, ' ', p.message ?? p.detail ?? p.code ?? compact(p)])))
      : h('p', null, 'Geen problemen gevonden.'),
  );

  const deliveries = h('section', { 'aria-labelledby': 'kop-bezorging' },
    h('h2', { id: 'kop-bezorging' }, 'Bezorging'),
    ...((d.deliveries ?? []).length ? d.deliveries.map((del) => deliveryBlock(del, id)) : [h('p', null, 'Geen bezorgingen.')]),
  );

  // A rejected message can go through the current configuration again (beheerder), under its own id.
  const reprocess = can('beheerder') && m.status === 'rejected'
    ? h('section', { 'aria-labelledby': 'kop-opnieuw', className: 'card' },
      h('h2', { id: 'kop-opnieuw' }, 'Opnieuw verwerken'),
      h('p', null, 'Verwerk dit afgewezen bericht opnieuw met de huidige configuratie (partijen, routes, mappings, regels). Het bericht houdt zijn id en zijn verloop.'),
      button('Opnieuw verwerken', async (e) => {
        const b = e.currentTarget;
        b.disabled = true;
        try {
          const r = await api('POST', `/exchanges/${encodeURIComponent(id)}/reprocess`);
          await renderDetail(id);
          say(r.outcome === 'accepted'
            ? `Het bericht is opnieuw verwerkt en geaccepteerd (${r.deliveries} bezorging${r.deliveries === 1 ? '' : 'en'}).`
            : `Het bericht is opnieuw verwerkt en weer afgewezen (${r.code}).`, r.outcome === 'accepted' ? 'ok' : 'error');
        } catch (err) {
          b.disabled = false;
          say(errorText(err), 'error');
        }
      }))
    : null;

  show(`Bericht ${m.messageType ?? ''}`.trim(),
    h('p', null, h('a', { href: '#/zoeken' }, '‹ Terug naar zoeken')),
    summary, events, validation, reprocess, deliveries, payloadSection(id, d.payloads ?? []),
    (d.zaken ?? []).length ? h('section', { 'aria-labelledby': 'kop-zaken' }, h('h2', { id: 'kop-zaken' }, 'Zaken'),
      h('ul', null, d.zaken.map((z) => h('li', null, compact(z))))) : null,
  );
}

function deliveryBlock(del, messageId) {
  const waitingRetry = del.status === 'pending' && (del.attempts ?? []).length > 0;
  const canRedeliver = can('beheerder') && (del.status === 'dead_letter' || del.status === 'failed' || waitingRetry);
  return h('div', { className: 'card delivery' },
    h('h3', null, `Naar ${del.destination ?? '—'}: `, h('span', { className: `badge s-${String(del.status).replace(/[^a-z_]/g, '')}` }, nl(del.status))),
    del.receiverOutcome
      ? h('p', { className: 'receiver-outcome' }, del.receiverOutcome === 'refused'
        ? `Achteraf geweigerd door de ontvanger${del.receiverReason ? ` (${Object.values(del.receiverReason).join(', ')})` : ''}.`
        : 'Achteraf bevestigd door de ontvanger.')
      : null,
    table(`Pogingen voor ${del.destination ?? 'bestemming'}`, ['Poging', 'Tijd', 'Duur', 'Uitkomst', 'HTTP-status', 'Fout'],
      (del.attempts ?? []).map((a) => h('tr', null,
        h('td', null, a.attempt ?? ''),
        h('td', null, timeEl(a.at)),
        h('td', { className: 'num' }, duration(a.durationMs)),
        h('td', null, a.outcome ?? '—'),
        h('td', null, a.statusCode ?? '—'),
        h('td', null, a.error ?? ''),
      ))),
    canRedeliver
      ? h('button', { type: 'button', onclick: async (e) => {
        e.currentTarget.disabled = true;
        try {
          await api('POST', `/deliveries/${encodeURIComponent(del.id)}/redeliver`);
          say('De bezorging is opnieuw aangeboden.', 'ok');
          renderDetail(messageId);
        } catch (err) {
          say(errorText(err), 'error');
        }
      } }, 'Opnieuw bezorgen')
      : null,
  );
}

function payloadSection(messageId, payloads) {
  const mayView = can('beheerder', 'privacy');
  const panes = {
    left: h('div', { className: 'pane', id: 'pane-origineel' }, h('h3', null, 'Origineel'), h('pre', { tabindex: '0', 'aria-label': 'Originele inhoud' }, 'Kies “toon”.')),
    right: h('div', { className: 'pane', id: 'pane-gemapt' }, h('h3', null, 'Gemapt / antwoord'), h('pre', { tabindex: '0', 'aria-label': 'Gemapte inhoud' }, 'Kies “toon”.')),
  };
  const viewer = h('div', { className: 'side-by-side', id: 'payload-viewer', hidden: true }, panes.left, panes.right);
  const rows = payloads.map((p) => h('tr', null,
    h('td', null, KIND_NL[p.kind] ?? p.kind ?? '—'),
    h('td', null, p.contentType ?? '—'),
    h('td', { className: 'num' }, bytes(p.size)),
    h('td', null, p.purged
      ? 'verwijderd (bewaartermijn verlopen)'
      : mayView
        ? h('button', { type: 'button', className: 'secondary toon', 'data-payload': p.id, 'aria-label': `Toon ${KIND_NL[p.kind] ?? p.kind}`, onclick: async () => {
          const pane = p.kind === 'raw' ? panes.left : panes.right;
          const pre = pane.querySelector('pre');
          viewer.hidden = false;
          pre.textContent = 'Laden…';
          try {
            const c = await api('GET', `/exchanges/${encodeURIComponent(messageId)}/payloads/${encodeURIComponent(p.id)}`);
            pane.querySelector('h3').textContent = `${KIND_NL[c.kind] ?? c.kind} — ${c.contentType ?? ''}`;
            pre.textContent = pretty(c.content, c.contentType);
            say('De inhoud wordt getoond. Dit inzien is vastgelegd.', 'info');
          } catch (err) {
            pre.textContent = errorText(err);
          }
        } }, 'toon')
        : 'alleen metagegevens'),
  ));
  return h('section', { 'aria-labelledby': 'kop-inhoud' },
    h('h2', { id: 'kop-inhoud' }, 'Inhoud'),
    mayView ? h('p', { className: 'hint' }, 'Inhoud bevat persoonsgegevens. Elk inzien wordt vastgelegd.') : h('p', { className: 'hint' }, 'Met uw rol ziet u geen inhoud van berichten.'),
    table('Opgeslagen inhoud', ['Soort', 'Type', 'Grootte', ''], rows),
    viewer,
  );
}

// ---------------------------------------------------------------- dead letters

const DL_STATUS = [
  ['dead_letter', 'niet bezorgd'],
  ['held', 'vastgehouden'],
  ['retrying', 'wacht op nieuwe poging'],
];
const BULK_NL = { redeliver: 'opnieuw bezorgen', hold: 'vasthouden', release: 'vrijgeven' };

function deadLetterFilterForm(onApply) {
  const f = state.dlFilter ?? {};
  const input = (id, label, opts = {}) => field(`dl-${id}`, label, h('input', { id: `dl-${id}`, name: id, value: f[id] ?? '', autocomplete: 'off', ...opts }));
  const status = h('select', { id: 'dl-status', name: 'status' }, DL_STATUS.map(([v, t]) => {
    const o = h('option', { value: v }, t);
    if ((f.status ?? 'dead_letter') === v) o.selected = true;
    return o;
  }));
  const form = h('form', { id: 'dl-filter', className: 'card bulk', 'aria-label': 'Filter op bezorgingen' },
    field('dl-status', 'Toestand', status),
    input('destination', 'Bestemming'),
    input('messageType', 'Berichtsoort'),
    input('party', 'Partij (naam of code)'),
    input('error', 'Fout bevat', { placeholder: 'bijv. 503' }),
    input('since', 'Sinds', { type: 'datetime-local' }),
    input('until', 'Tot', { type: 'datetime-local' }),
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, 'Filter toepassen')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = {};
    for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string' && v.trim()) next[k] = v.trim();
    if (next.since) next.since = isoOf(next.since);
    if (next.until) next.until = isoOf(next.until);
    state.dlFilter = next;
    onApply();
  });
  return form;
}

async function renderDeadLetters(page = 1) {
  const filter = state.dlFilter ?? {};
  let data;
  try {
    data = await api('GET', `/dead-letters${query({ ...filter, page, pageSize: PAGE_SIZE })}`);
  } catch (err) {
    show('Niet bezorgde berichten', deadLetterFilterForm(() => renderDeadLetters(1)), h('p', { className: 'msg error', role: 'alert' }, errorText(err)));
    return;
  }
  const status = filter.status ?? 'dead_letter';
  const items = data?.items ?? [];
  const total = Number(data?.total ?? items.length);
  const pages = Math.max(1, Math.ceil(total / Number(data?.pageSize ?? PAGE_SIZE)));
  const jobArea = h('div', { id: 'taak' });
  const redeliver = async (ids, button) => {
    button.disabled = true;
    try {
      await api('POST', `/deliveries/${encodeURIComponent(ids[0])}/redeliver`);
      await renderDeadLetters(page);
      say('De bezorging is opnieuw aangeboden.', 'ok');
    } catch (err) {
      button.disabled = false;
      say(errorText(err), 'error');
    }
  };
  // Every delivery the filter selects, as a job with progress; the list is shown again when it ends.
  const bulk = async (action, button) => {
    const label = BULK_NL[action];
    if (!window.confirm(`Alle ${total} geselecteerde bezorgingen ${label}?`)) return;
    for (const b of document.querySelectorAll('button.bulk-action')) b.disabled = true;
    try {
      const { page: _p, pageSize: _s, ...f } = filter;
      const job = await api('POST', '/dead-letters/bulk', { action, filter: { ...f, status } });
      const follow = followJob(job);
      clear(jobArea).appendChild(follow.el);
      const finished = await follow.done;
      await renderDeadLetters(1);
      const area = document.getElementById('taak');
      if (area) clear(area).appendChild(followJob(finished).el);
      say(finished.status === 'done'
        ? `Klaar: ${finished.succeeded} van ${finished.total} bezorgingen ${label}${finished.skipped ? `, ${finished.skipped} overgeslagen` : ''}.`
        : `De taak is ${finished.status === 'failed' ? 'mislukt' : 'onderbroken'}: ${finished.error ?? ''}`, finished.status === 'done' ? 'ok' : 'error');
    } catch (err) {
      button.disabled = false;
      say(errorText(err), 'error');
    }
  };
  const rows = items.map((d) => h('tr', { 'data-delivery': d.id },
    h('td', null, timeEl(d.since)),
    h('td', null, d.messageType ?? '—'),
    h('td', null, partyEl(d.sender)),
    h('td', null, d.destination ?? '—'),
    h('td', { className: 'num' }, d.attempts ?? '—'),
    h('td', null, d.lastError ?? '—'),
    h('td', null, d.messageId ? h('a', { href: `#/bericht/${encodeURIComponent(d.messageId)}` }, String(d.messageId).slice(0, 8)) : '—'),
    h('td', null, can('beheerder') && status !== 'held'
      ? h('button', { type: 'button', className: 'redeliver', 'aria-label': `Opnieuw bezorgen: ${d.messageType ?? ''} naar ${d.destination ?? ''}`, onclick: (e) => redeliver([d.id], e.currentTarget) }, 'Opnieuw bezorgen')
      : ''),
  ));
  const actions = can('beheerder') && total > 0
    ? h('div', { className: 'actions', id: 'bulk-acties' },
      (status === 'held' ? ['release'] : ['redeliver', 'hold']).map((action) =>
        h('button', { type: 'button', className: `bulk-action${action === 'hold' ? ' secondary' : ''}`, id: `bulk-${action}`, onclick: (e) => bulk(action, e.currentTarget) },
          `Alle ${total} ${BULK_NL[action]}`)))
    : null;
  const label = DL_STATUS.find(([v]) => v === status)?.[1] ?? status;
  show('Niet bezorgde berichten',
    deadLetterFilterForm(() => renderDeadLetters(1)),
    h('p', { className: 'total', id: 'totaal' }, `${total} ${label}`),
    actions,
    jobArea,
    table(`Bezorgingen: ${label}`, ['Sinds', 'Berichtsoort', 'Van', 'Bestemming', 'Pogingen', 'Laatste fout', 'Bericht', ''], rows),
    pager(page, pages, (p) => renderDeadLetters(p)),
  );
}

// ---------------------------------------------------------------- operations

const WINDOW_NL = [['1', 'laatste uur'], ['6', 'laatste 6 uur'], ['24', 'laatste 24 uur'], ['168', 'laatste 7 dagen']];

async function renderOperations() {
  const f = state.opsFilter ?? { hours: '24' };
  let o;
  try {
    o = await api('GET', '/operations');
  } catch (err) {
    show('Werking', h('p', { className: 'msg error', role: 'alert' }, errorText(err)));
    return;
  }
  const q = o.queue ?? {};
  const age = q.oldestPendingAgeSeconds;
  const windowSelect = h('select', { id: 'ops-hours', name: 'hours' }, WINDOW_NL.map(([v, t]) => {
    const opt = h('option', { value: v }, t);
    if (f.hours === v) opt.selected = true;
    return opt;
  }));
  const partyInput = h('input', { id: 'ops-party', name: 'party', value: f.party ?? '', autocomplete: 'off', placeholder: 'naam of code' });
  const typeInput = h('input', { id: 'ops-type', name: 'messageType', value: f.messageType ?? '', autocomplete: 'off' });
  const filterForm = h('form', { id: 'ops-filter', className: 'card bulk', 'aria-label': 'Grafieken filteren' },
    field('ops-hours', 'Periode', windowSelect), field('ops-party', 'Partij', partyInput), field('ops-type', 'Berichtsoort', typeInput),
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, 'Toon')),
  );
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    state.opsFilter = { hours: windowSelect.value, party: partyInput.value.trim() || undefined, messageType: typeInput.value.trim() || undefined };
    renderOperations();
  });
  const charts = h('section', { id: 'grafieken', className: 'charts', 'aria-labelledby': 'kop-grafieken' });
  show('Werking',
    refreshToggle('auto-werking', 'Elke 15 seconden vernieuwen', () => refreshOperations(), 15_000),
    h('section', { 'aria-labelledby': 'kop-wachtrij', className: 'card' },
      h('h2', { id: 'kop-wachtrij' }, 'Wachtrij'),
      h('div', { id: 'wachtrij-cijfers' }, queueFigures(q, age)),
      button('Vernieuwen', () => renderOperations(), 'secondary'),
    ),
    h('h2', { id: 'kop-grafieken' }, 'Verloop'),
    filterForm,
    charts,
    h('section', { 'aria-labelledby': 'kop-fouten' },
      h('h2', { id: 'kop-fouten' }, 'Foutpercentages (afgelopen 24 uur)'),
      h('div', { id: 'foutpercentages' }, errorRatesTable(o.errorRates ?? [])),
    ),
    h('section', { 'aria-labelledby': 'kop-partners' },
      h('h2', { id: 'kop-partners' }, 'Ketenpartners'),
      table('Gezondheid per partij', ['Partij', 'Laatste geslaagde bezorging', 'Certificaat verloopt'],
        (o.partners ?? []).map((p) => h('tr', null, h('td', null, partyEl(p.party)), h('td', null, timeEl(p.lastSuccessfulDelivery)), h('td', null, timeEl(p.certificateExpires))))),
    ),
  );
  await drawCharts(charts, f);
}

function queueFigures(q, age) {
  return dl([
    ['Wachtend', q.pending ?? 0],
    ['Opnieuw proberen', q.retrying ?? 0],
    ['Niet bezorgd', q.deadLetter ?? 0],
    ['Oudste wachtende', age === null || age === undefined ? '—' : duration(Number(age) * 1000)],
  ]);
}

function errorRatesTable(rates) {
  return table('Per partij en berichtsoort', ['Partij', 'Berichtsoort', 'Totaal', 'Afgewezen', 'Mislukt', 'Foutpercentage'],
    rates.map((r) => {
      const total = Number(r.total) || 0;
      const bad = (Number(r.rejected) || 0) + (Number(r.failed) || 0);
      return h('tr', null, h('td', null, partyEl(r.party)), h('td', null, r.messageType ?? '—'),
        h('td', { className: 'num' }, total), h('td', { className: 'num' }, r.rejected ?? 0), h('td', { className: 'num' }, r.failed ?? 0),
        h('td', { className: 'num' }, total ? `${((bad / total) * 100).toFixed(1).replace('.', ',')}%` : '—'));
    }));
}

async function drawCharts(container, f) {
  try {
    const series = await api('GET', `/operations/series${query({ hours: f.hours, party: f.party, messageType: f.messageType })}`);
    await renderCharts(container, series);
    container.dataset.drawnAt = String(Date.now());
  } catch (err) {
    container.appendChild(h('p', { className: 'msg error', role: 'alert' }, errorText(err)));
  }
}

/** The auto-refresh of the operations page: figures and charts in place, without moving the focus. */
async function refreshOperations() {
  const figures = document.getElementById('wachtrij-cijfers');
  const charts = document.getElementById('grafieken');
  if (!figures || !charts) return;
  try {
    const o = await api('GET', '/operations');
    clear(figures).appendChild(queueFigures(o.queue ?? {}, o.queue?.oldestPendingAgeSeconds));
    const rates = document.getElementById('foutpercentages');
    if (rates) clear(rates).appendChild(errorRatesTable(o.errorRates ?? []));
    await drawCharts(charts, state.opsFilter ?? { hours: '24' });
  } catch {
    /* the next tick tries again */
  }
}

function button(text, onclick, className) {
  return h('button', { type: 'button', className, onclick }, text);
}

// ---------------------------------------------------------------- privacy

function renderPrivacy() {
  const sections = [];
  if (can('privacy')) {
    const bsn = h('input', { id: 'rapport-bsn', name: 'bsn', inputmode: 'numeric', autocomplete: 'off', pattern: '[0-9]{8,9}', maxlength: 9, required: true });
    // A plain GET form: the printable report opens in a new tab; the gateway logs it with the keyed hash only.
    // POST: the BSN in the body, never in the URL; the session's CSRF token goes along as a field.
    const csrf = h('input', { type: 'hidden', name: 'csrf', value: '' });
    const form = h('form', { id: 'burgerrapport', method: 'post', action: '/console/citizen-report.html', target: '_blank', rel: 'noopener noreferrer', className: 'card narrow', onsubmit: () => { csrf.value = currentCsrfToken() ?? ''; } },
      csrf,
      h('p', null, 'Welke uitwisselingen gingen over deze burger? Het overzicht opent als afdrukbare pagina in een nieuw tabblad.'),
      field('rapport-bsn', 'BSN van de burger', bsn, '8 of 9 cijfers. Het opvragen wordt vastgelegd, zonder het BSN zelf.'),
      h('button', { type: 'submit' }, 'Overzicht voor burger openen'),
    );
    sections.push(h('section', { 'aria-labelledby': 'kop-burger' }, h('h2', { id: 'kop-burger' }, 'Overzicht voor een burger (inzageverzoek)'), form));
  }
  if (can('privacy', 'auditor')) {
    sections.push(h('section', { 'aria-labelledby': 'kop-register' },
      h('h2', { id: 'kop-register' }, 'Verwerkingsregister'),
      h('p', null, 'Eén regel per route en per bevraging: doel, grondslag, gegevens, ontvangers en bewaartermijn.'),
      h('p', null, h('a', { id: 'register-csv', href: '/console/api/processing-register?format=csv', download: 'verwerkingsregister.csv' }, 'Verwerkingsregister downloaden (CSV)')),
    ));
  }
  if (can('privacy')) {
    const out = h('p', { role: 'status' });
    const progress = h('div', { id: 'purge-taak' });
    sections.push(h('section', { 'aria-labelledby': 'kop-bewaar' },
      h('h2', { id: 'kop-bewaar' }, 'Bewaartermijnen'),
      h('p', null, 'Verlopen inhoud wordt dagelijks verwijderd. U kunt dat ook nu laten doen; het verloop van berichten blijft bewaard.'),
      button('Verlopen inhoud nu verwijderen', async (e) => {
        if (!window.confirm('Verlopen inhoud nu verwijderen? Dit kan niet ongedaan worden gemaakt.')) return;
        const b = e.currentTarget;
        b.disabled = true;
        try {
          // A job: the page shows that it is running, and its counts when it ends.
          const follow = followJob(await api('POST', '/retention/purge-jobs'));
          clear(progress).appendChild(follow.el);
          const job = await follow.done;
          const r = job.result ?? {};
          out.textContent = job.status === 'done'
            ? `Verwijderd: ${r.purgedPayloads ?? 0} berichtinhouden en ${r.purgedSubjectLinks ?? 0} koppelingen aan burgers (ouder dan de bewaartermijn).`
            : `Het verwijderen is ${job.status === 'failed' ? 'mislukt' : 'onderbroken'}.`;
        } catch (err) {
          out.textContent = errorText(err);
        } finally {
          b.disabled = false;
        }
      }, 'secondary'),
      progress,
      out,
    ));
  }
  show('Privacy', ...(sections.length ? sections : [h('p', null, 'Met uw rol zijn hier geen onderdelen beschikbaar.')]));
}

// ---------------------------------------------------------------- routing

async function route() {
  say('');
  stopRefresh();
  if (!state.session) return;
  const hash = location.hash || '#/zoeken';
  const detail = /^#\/bericht\/([^/]+)$/.exec(hash);
  if (detail) return renderDetail(decodeURIComponent(detail[1]));
  const page = PAGES.find((p) => p.hash === hash && p.roles.includes(state.session.role)) ?? PAGES[0];
  return page.render();
}

async function start() {
  document.getElementById('signout').addEventListener('click', signOut);
  whenUnauthorized(() => signedOut('Uw sessie is verlopen. Meld u opnieuw aan.'));
  window.addEventListener('hashchange', route);
  try {
    const session = await api('GET', '/session');
    await signedIn(session);
    route();
  } catch {
    signedOut();
  }
}

start();
