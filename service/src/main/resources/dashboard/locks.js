// The locks table: a page of keys under a prefix, live.
import { $, call, clock, duration, el, explain, follow, query, showMessage, since } from './api.js';
import { confirmForceRelease } from './dialogs.js';

// ---- the locks table ---------------------------------------------------------------------------

// pageTokens[n] and after[n] are page n's token and the last key of the page before it ('' for the first).
export const locks = { prefix: '', heldOnly: false, rows: new Map(), pageTokens: [''], after: [''], page: 0, next: '',
  stream: null, loads: 0 };

function holderCell(row) {
  if (!row.held) return el('td', { 'data-label': 'Holder' });
  const td = el('td', { 'data-label': 'Holder' }, el('span', { text: row.owner }));
  const parts = [row.who && row.who !== row.owner && 'who: ' + row.who, row.operation && 'operation: ' + row.operation, row.info && row.info,
    ...Object.entries(row.labels ?? {}).map(([k, v]) => k + '=' + v)].filter(Boolean);
  if (row.plainRun) parts.unshift('plain Terraform run (no expiry)');
  if (parts.length) td.append(el('span', { class: 'detail', text: parts.join(' · ') }));
  return td;
}

export function isLive(row) {
  return row.held && (row.expiresAtMs == null || row.expiresAtMs > clock.now());
}

export function expiresText(row) {
  if (!row.held) return '';
  if (row.expiresAtMs == null) return 'never';
  return duration(row.expiresAtMs - clock.now());
}

export function keyHref(key) {
  return '#/key/' + encodeURIComponent(key);
}

function lockRow(row) {
  const live = isLive(row);
  const tr = el('tr', { 'data-key': row.key });
  tr.append(
    el('td', { class: 'key', 'data-label': 'Key' }, el('a', { href: keyHref(row.key), text: row.key })),
    el('td', { 'data-label': 'State', class: live ? 'held' : 'free', text: live ? 'held' : 'free' }),
    live ? holderCell(row) : el('td', { 'data-label': 'Holder' }),
    el('td', { 'data-label': 'Since', class: 'since', text: live ? since(row.acquiredAtMs) : '' }),
    el('td', { 'data-label': 'Expires in', class: 'expires', text: live ? expiresText(row) : '' }),
    el('td', { 'data-label': 'Fence', text: String(row.fencingToken) }),
    el('td', { 'data-label': 'Waiters', text: String(row.waiters) }),
    actionsCell(row, live));
  return tr;
}

function actionsCell(row, live) {
  const td = el('td', { class: 'actions' });
  if (live && row.canForceRelease) {
    const button = el('button', { type: 'button', text: 'Force release…', 'aria-label': 'Force release ' + row.key });
    button.addEventListener('click', () => confirmForceRelease(row, button));
    td.append(button);
  }
  return td;
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
export function tickLocks() {
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

// Only the latest load is shown: an answer to an earlier filter or page that arrives late is dropped.
export async function loadLocks() {
  const load = ++locks.loads;
  const page = await call('locks' + query({ prefix: locks.prefix, heldOnly: locks.heldOnly,
    pageToken: locks.pageTokens[locks.page] }));
  if (load !== locks.loads) return false;
  locks.rows = new Map(page.locks.map((r) => [r.key, r]));
  locks.next = page.nextPageToken;
  renderLocks();
  return true;
}

// Does a key that is not on the page belong here? Yes when it sorts after the previous page's last key and,
// unless this is the last page, before this page's last key.
function onThisPage(key) {
  if (!key.startsWith(locks.prefix)) return false;
  if (locks.page > 0 && key <= locks.after[locks.page]) return false;
  const keys = [...locks.rows.keys()];
  return !locks.next || (keys.length > 0 && key < keys[keys.length - 1]);
}

function applyEvent(event) {
  const row = event.lock;
  if (!locks.rows.has(row.key) && !onThisPage(row.key)) return;
  locks.rows.set(row.key, row);
  locks.rows = new Map([...locks.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  renderLocks();
}

export async function showLocks() {
  locks.stream?.abort();
  const stream = new AbortController();
  locks.stream = stream;
  $('prefix').value = locks.prefix;
  $('held-only').checked = locks.heldOnly;
  try {
    if (!(await loadLocks()) || stream.signal.aborted) return; // a later filter took over
    showMessage('');
    follow({ prefix: locks.prefix }, stream.signal, applyEvent, loadLocks);
  } catch (e) {
    if (stream.signal.aborted) return;
    locks.rows = new Map();
    renderLocks();
    $('live').textContent = 'Not following changes.';
    showMessage(explain(e));
  }
}

export function setUpLocks() {
  $('filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    locks.prefix = $('prefix').value.trim();
    locks.heldOnly = $('held-only').checked;
    locks.pageTokens = [''];
    locks.after = [''];
    locks.page = 0;
    showLocks();
  });
  $('next-page').addEventListener('click', () => {
    if (!locks.next) return;
    const keys = [...locks.rows.keys()];
    locks.pageTokens[locks.page + 1] = locks.next;
    locks.after[locks.page + 1] = keys[keys.length - 1] ?? locks.after[locks.page];
    locks.next = '';
    $('next-page').disabled = true;
    locks.page++;
    loadLocks().catch((e) => showMessage(explain(e)));
  });
  $('first-page').addEventListener('click', () => {
    locks.page = 0;
    loadLocks().catch((e) => showMessage(explain(e)));
  });
}
