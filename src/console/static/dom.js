// Small DOM helpers. Everything that comes from the gateway is put in the page as text
// (textContent / text nodes), never as HTML, so nothing in a message can run in the console.

/**
 * h('p', { className: 'x' }, 'tekst', child) builds an element.
 * Attributes: className, id, for (htmlFor), hidden, disabled, type, name, value, href, on<event> (listener),
 * data-* and aria-* and a few plain ones (set with setAttribute). Children: strings, numbers, nodes, arrays, null.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'className') el.className = value;
    else if (key === 'for') el.htmlFor = value;
    else if (key === 'value') el.value = value;
    else if (key === 'hidden' || key === 'disabled' || key === 'required' || key === 'checked') el[key] = Boolean(value);
    else if (key === 'href') el.setAttribute('href', safeHref(value));
    else if (/^(data-|aria-)|^(id|type|name|role|scope|colspan|autocomplete|inputmode|pattern|maxlength|min|max|step|placeholder|tabindex|title|target|rel|download|method|action|lang)$/.test(key)) {
      el.setAttribute(key, String(value));
    } else throw new Error(`attribute not allowed: ${key}`);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Only relative links and hash links of our own; anything else becomes '#'. */
function safeHref(value) {
  const s = String(value);
  if (s.startsWith('#') || (s.startsWith('/') && !s.startsWith('//'))) return s;
  return '#';
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function field(id, label, input, hint) {
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { className: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { className: 'hint', id: hintId }, hint) : null);
}

export function table(caption, headers, rows) {
  return h(
    'table',
    null,
    h('caption', null, caption),
    h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.length ? rows : h('tr', null, h('td', { colspan: headers.length }, 'Geen gegevens.'))),
  );
}

export function dl(pairs) {
  return h('dl', { className: 'pairs' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));
}

const dateFmt = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Amsterdam' });

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return dateFmt.format(d);
}

export function timeEl(iso) {
  if (!iso) return '—';
  return h('time', { 'data-iso': String(iso), title: String(iso) }, when(iso));
}

export function duration(ms) {
  if (ms === undefined || ms === null || ms === '') return '—';
  const n = Number(ms);
  if (!Number.isFinite(n)) return String(ms);
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1).replace('.', ',')} s`;
  if (n < 3_600_000) return `${Math.floor(n / 60_000)} min ${Math.round((n % 60_000) / 1000)} s`;
  return `${Math.floor(n / 3_600_000)} u ${Math.round((n % 3_600_000) / 60_000)} min`;
}

export function bytes(n) {
  const v = Number(n);
  if (!Number.isFinite(v)) return '—';
  if (v < 1024) return `${v} B`;
  if (v < 1024 * 1024) return `${(v / 1024).toFixed(1).replace('.', ',')} kB`;
  return `${(v / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

/** A short readable text for an event detail or any other value. */
export function compact(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Pretty text of a payload: JSON indented, everything else as it is. */
export function pretty(content, contentType) {
  if (typeof content !== 'string') return compact(content);
  if (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(content)) {
    try {
      return JSON.stringify(JSON.parse(content), null, 2);
    } catch {
      /* not JSON after all */
    }
  }
  return content;
}
