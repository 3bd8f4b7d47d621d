// The statelock dashboard. No framework and no build step: every file ships in the service's jar.
// Data is only ever put into the page as text (textContent), never as markup.
const TOKEN = 'statelock.token'; // sessionStorage: this tab only, never a URL or a log
const $ = (id) => document.getElementById(id);

const clock = { offsetMs: 0, now() { return Date.now() + this.offsetMs; },
  sync(serverTimeMs) { if (serverTimeMs) this.offsetMs = serverTimeMs - Date.now(); } };

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

function headers(extra = {}) {
  const token = sessionStorage.getItem(TOKEN);
  return token ? { ...extra, Authorization: 'Bearer ' + token } : extra;
}

async function call(path, options = {}) {
  const res = await fetch('api/' + path, { ...options, headers: headers(options.headers), cache: 'no-store' });
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    throw new ApiError(res.status, body?.code ?? 'HTTP_' + res.status, body?.message ?? res.statusText);
  }
  clock.sync(body?.serverTimeMs);
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null && v !== false) q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function showMessage(text) {
  const m = $('message');
  m.textContent = text ?? '';
  m.hidden = !text;
}

function explain(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your token was not accepted: ' + error.message;
    if (error.status === 403) return 'Not allowed for your token: ' + error.message;
    return error.message + ' (' + error.code + ')';
  }
  return 'The service could not be reached: ' + error.message;
}

export function duration(ms) {
  if (ms <= 0) return '0s';
  const s = Math.ceil(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${r}s`;
  return `${r}s`;
}

function since(ms) {
  if (!ms) return '';
  return duration(clock.now() - ms) + ' ago';
}

// ---- session and token -------------------------------------------------------------------------

const session = { auth: 'off', subject: null };

async function loadSession() {
  const s = await call('session');
  Object.assign(session, s);
  const needsToken = s.auth === 'jwt';
  $('token-form').hidden = !needsToken;
  $('forget-token').hidden = !sessionStorage.getItem(TOKEN);
  $('who').textContent = needsToken ? (s.subject ? 'Signed in as ' + s.subject : 'A bearer token is needed') : '';
  return s;
}

function setUpToken() {
  $('token-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = $('token').value.trim();
    $('token').value = '';
    if (!value) return;
    sessionStorage.setItem(TOKEN, value);
    try {
      await loadSession();
      showMessage('');
      route();
    } catch (e) {
      sessionStorage.removeItem(TOKEN);
      $('forget-token').hidden = true;
      showMessage(explain(e));
    }
  });
  $('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN);
    location.reload();
  });
}

// ---- the locks table ---------------------------------------------------------------------------

const locks = { prefix: '', heldOnly: false, rows: new Map(), pageTokens: [''], page: 0, next: '', stream: null };

function holderCell(row) {
  if (!row.held) return el('td', { 'data-label': 'Holder' });
  const td = el('td', { 'data-label': 'Holder' }, el('span', { text: row.owner }));
  const parts = [row.who && 'who: ' + row.who, row.operation && 'operation: ' + row.operation, row.info && row.info,
    ...Object.entries(row.labels ?? {}).map(([k, v]) => k + '=' + v)].filter(Boolean);
  if (row.plainRun) parts.unshift('plain Terraform run (no expiry)');
  if (parts.length) td.append(el('span', { class: 'detail', text: parts.join(' · ') }));
  return td;
}

function isLive(row) {
  return row.held && (row.expiresAtMs == null || row.expiresAtMs > clock.now());
}

function expiresText(row) {
  if (!row.held) return '';
  if (row.expiresAtMs == null) return 'never';
  return duration(row.expiresAtMs - clock.now());
}

function lockRow(row) {
  const live = isLive(row);
  const tr = el('tr', { 'data-key': row.key });
  tr.append(
    el('td', { class: 'key', 'data-label': 'Key', text: row.key }),
    el('td', { 'data-label': 'State', class: live ? 'held' : 'free', text: live ? 'held' : 'free' }),
    live ? holderCell(row) : el('td', { 'data-label': 'Holder' }),
    el('td', { 'data-label': 'Since', class: 'since', text: live ? since(row.acquiredAtMs) : '' }),
    el('td', { 'data-label': 'Expires in', class: 'expires', text: live ? expiresText(row) : '' }),
    el('td', { 'data-label': 'Fence', text: String(row.fencingToken) }),
    el('td', { 'data-label': 'Waiters', text: String(row.waiters) }),
    el('td', { class: 'actions' }));
  return tr;
}

function renderLocks() {
  const body = $('locks').tBodies[0];
  const focused = document.activeElement?.closest?.('#locks tr')?.dataset.key;
  const rows = [...locks.rows.values()].filter((r) => !locks.heldOnly || isLive(r));
  body.replaceChildren(...rows.map(lockRow));
  $('empty').hidden = rows.length > 0;
  $('next-page').disabled = !locks.next;
  $('first-page').disabled = locks.page === 0;
  if (focused) body.querySelector(`tr[data-key="${CSS.escape(focused)}"] a, tr[data-key="${CSS.escape(focused)}"] button`)?.focus();
}

// Once a second, on the page only: the countdown, and a lease that ran out turns free.
function tick() {
  let changed = false;
  for (const row of locks.rows.values()) {
    const tr = document.querySelector(`#locks tr[data-key="${CSS.escape(row.key)}"]`);
    if (!tr) continue;
    const shownHeld = tr.children[1].textContent === 'held';
    if (shownHeld !== isLive(row)) { changed = true; continue; }
    tr.querySelector('.expires').textContent = isLive(row) ? expiresText(row) : '';
    tr.querySelector('.since').textContent = isLive(row) ? since(row.acquiredAtMs) : '';
  }
  if (changed) renderLocks();
}

async function loadLocks() {
  const page = await call('locks' + query({ prefix: locks.prefix, heldOnly: locks.heldOnly,
    pageToken: locks.pageTokens[locks.page] }));
  locks.rows = new Map(page.locks.map((r) => [r.key, r]));
  locks.next = page.nextPageToken;
  renderLocks();
}

// Does a key that is not on the page belong here? Yes when it sorts within this page's range.
function onThisPage(key) {
  if (!key.startsWith(locks.prefix)) return false;
  const keys = [...locks.rows.keys()];
  if (locks.page > 0 && keys.length && key < keys[0]) return false;
  return !locks.next || (keys.length > 0 && key < keys[keys.length - 1]);
}

function applyEvent(event) {
  const row = event.lock;
  if (!locks.rows.has(row.key) && !onThisPage(row.key)) return;
  locks.rows.set(row.key, row);
  locks.rows = new Map([...locks.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  renderLocks();
}

// Server-sent events read with fetch (an EventSource cannot send the token). On a break: list again
// (events may have been missed), then follow again, waiting longer after each failure.
async function follow(prefix, signal) {
  let delayMs = 1000;
  while (!signal.aborted) {
    try {
      const res = await fetch('api/watch' + query({ prefix }), { headers: headers(), signal, cache: 'no-store' });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new ApiError(res.status, body.code, body.message ?? res.statusText);
      }
      $('live').textContent = 'Live: changes appear as they happen.';
      delayMs = 1000;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          handleEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        $('live').textContent = 'Not following changes.';
        showMessage(explain(e));
        return;
      }
    }
    if (signal.aborted) return;
    $('live').textContent = 'Reconnecting…';
    await new Promise((r) => setTimeout(r, delayMs));
    delayMs = Math.min(delayMs * 2, 30000);
    await loadLocks().catch((e) => showMessage(explain(e)));
  }
}

function handleEvent(block) {
  let type = 'message', data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (!data) return;
  const payload = JSON.parse(data);
  if (type === 'lock') {
    clock.sync(payload.serverTimeMs);
    applyEvent(payload);
  } else if (type === 'end') {
    $('live').textContent = 'The event stream ended: ' + payload.message;
  }
}

async function showLocks() {
  locks.stream?.abort();
  locks.stream = new AbortController();
  $('prefix').value = locks.prefix;
  $('held-only').checked = locks.heldOnly;
  try {
    await loadLocks();
    showMessage('');
    follow(locks.prefix, locks.stream.signal);
  } catch (e) {
    locks.rows = new Map();
    renderLocks();
    $('live').textContent = 'Not following changes.';
    showMessage(explain(e));
  }
}

function setUpLocks() {
  $('filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    locks.prefix = $('prefix').value.trim();
    locks.heldOnly = $('held-only').checked;
    locks.pageTokens = [''];
    locks.page = 0;
    showLocks();
  });
  $('next-page').addEventListener('click', () => {
    locks.pageTokens[locks.page + 1] = locks.next;
    locks.page++;
    loadLocks().catch((e) => showMessage(explain(e)));
  });
  $('first-page').addEventListener('click', () => {
    locks.page = 0;
    loadLocks().catch((e) => showMessage(explain(e)));
  });
  setInterval(tick, 1000);
}

// ---- routing -------------------------------------------------------------------------------------

function route() {
  showLocks();
}

async function start() {
  setUpToken();
  setUpLocks();
  try {
    await loadSession();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) sessionStorage.removeItem(TOKEN);
    showMessage(explain(e));
    await loadSession().catch(() => {});
  }
  window.addEventListener('hashchange', route);
  if (session.auth === 'jwt' && !sessionStorage.getItem(TOKEN)) {
    $('live').textContent = 'Paste a bearer token to see the locks.';
    $('token').focus();
    return;
  }
  route();
}

start();
