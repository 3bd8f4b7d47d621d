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

async function post(path, body) {
  return call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
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

// pageTokens[n] and after[n] are page n's token and the last key of the page before it ('' for the first).
const locks = { prefix: '', heldOnly: false, rows: new Map(), pageTokens: [''], after: [''], page: 0, next: '',
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

function isLive(row) {
  return row.held && (row.expiresAtMs == null || row.expiresAtMs > clock.now());
}

function expiresText(row) {
  if (!row.held) return '';
  if (row.expiresAtMs == null) return 'never';
  return duration(row.expiresAtMs - clock.now());
}

function keyHref(key) {
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

// ---- force release, behind a confirmation that shows what will happen -------------------------------

function confirmForceRelease(row, opener) {
  const dialog = $('force-dialog');
  const holder = row.plainRun ? 'a plain Terraform run of ' + (row.who || row.owner) : row.owner;
  $('force-what').textContent = `Break the lock on ${row.key}, held by ${holder}` +
    (row.operation ? ` (${row.operation})` : '') + '.';
  $('force-fence').textContent = String(row.fencingToken);
  $('force-reason').value = '';
  $('force-error').hidden = true;
  dialog.dataset.key = row.key;
  dialog.dataset.fence = String(row.fencingToken);
  dialog.dataset.terraformLockId = row.plainRun ? (row.labels?.['terraform-lock-id'] ?? '') : '';
  dialog.onclose = () => opener.isConnected ? opener.focus() : $('main').focus();
  dialog.showModal();
  $('force-reason').focus();
}

function setUpForceRelease() {
  const dialog = $('force-dialog');
  $('force-cancel').addEventListener('click', () => dialog.close());
  $('force-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const reason = $('force-reason').value.trim();
    if (!reason) { $('force-reason').focus(); return; }
    const body = { key: dialog.dataset.key, reason, expectedFencingToken: Number(dialog.dataset.fence) };
    if (dialog.dataset.terraformLockId) body.terraformLockId = dialog.dataset.terraformLockId;
    $('force-confirm').disabled = true;
    try {
      const result = await post('force-release', body);
      dialog.close();
      showMessage(result.released ? `Released ${body.key}.` : `${body.key} was not held: nothing to release.`);
    } catch (e) {
      $('force-error').textContent = explain(e);
      $('force-error').hidden = false;
    } finally {
      $('force-confirm').disabled = false;
    }
  });
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
  if (keyView.data && !$('key-view').hidden) renderHolder();
}

// Only the latest load is shown: an answer to an earlier filter or page that arrives late is dropped.
async function loadLocks() {
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

// Server-sent events read with fetch (an EventSource cannot send the token). On a break: list again
// (events may have been missed), then follow again, waiting longer after each failure; a stream that
// delivered events starts the wait over.
async function follow(prefix, signal, onEvent, reload) {
  let delayMs = 1000;
  let ended = '';
  while (!signal.aborted) {
    try {
      const res = await fetch('api/watch' + query({ prefix }), { headers: headers(), signal, cache: 'no-store' });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new ApiError(res.status, body.code, body.message ?? res.statusText);
      }
      $('live').textContent = 'Live: changes appear as they happen.';
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const outcome = handleEvent(buffer.slice(0, end), onEvent);
          buffer = buffer.slice(end + 2);
          if (outcome.lock) delayMs = 1000;
          if (outcome.ended) ended = outcome.ended;
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        $('live').textContent = 'Not following changes.';
        showMessage(explain(e));
        return;
      }
      ended = e.message;
    }
    if (signal.aborted) return;
    $('live').textContent = 'Reconnecting…' + (ended ? ' (the stream ended: ' + ended + ')' : '');
    await new Promise((r) => setTimeout(r, delayMs));
    delayMs = Math.min(delayMs * 2, 30000);
    if (signal.aborted) return;
    await reload().catch((e) => showMessage(explain(e)));
  }
}

function handleEvent(block, onEvent) {
  let type = 'message', data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (!data) return {};
  const payload = JSON.parse(data);
  if (type === 'lock') {
    clock.sync(payload.serverTimeMs);
    onEvent(payload);
    return { lock: true };
  }
  return type === 'end' ? { ended: payload.message } : {};
}

async function showLocks() {
  locks.stream?.abort();
  const stream = new AbortController();
  locks.stream = stream;
  $('prefix').value = locks.prefix;
  $('held-only').checked = locks.heldOnly;
  try {
    if (!(await loadLocks()) || stream.signal.aborted) return; // a later filter took over
    showMessage('');
    follow(locks.prefix, stream.signal, applyEvent, loadLocks);
  } catch (e) {
    if (stream.signal.aborted) return;
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
  setInterval(tick, 1000);
}

// ---- one key: holder, queue, versions, diff, audit ---------------------------------------------------

const keyView = { key: '', data: null, stream: null, loads: 0 };

function dl(pairs) {
  const list = el('dl', { class: 'pairs' });
  for (const [k, v] of pairs) if (v !== '' && v != null) list.append(el('dt', { text: k }), el('dd', { text: String(v) }));
  return list;
}

function renderHolder() {
  const row = keyView.data.lock;
  const live = isLive(row);
  const box = $('key-holder');
  box.replaceChildren();
  box.append(el('p', { class: live ? 'held' : 'free', text: live ? 'held' : 'free' }));
  if (live) {
    box.append(dl([['Owner', row.owner], ['Who', row.who], ['Operation', row.operation], ['Info', row.info],
      ['Labels', Object.entries(row.labels ?? {}).map(([k, v]) => k + '=' + v).join(', ')],
      ['Since', since(row.acquiredAtMs)], ['Expires in', expiresText(row)], ['Fence', row.fencingToken]]));
  } else {
    box.append(dl([['Last fence', row.fencingToken]]));
  }
  const actions = el('div', { class: 'actions' });
  if (live && row.canForceRelease) {
    const button = el('button', { type: 'button', text: 'Force release…' });
    button.addEventListener('click', () => confirmForceRelease(row, button));
    actions.append(button);
  }
  box.append(actions);
}

function renderQueue() {
  const waiters = keyView.data.waiters;
  $('key-queue').tBodies[0].replaceChildren(...waiters.map((w) => el('tr', {},
    el('td', { 'data-label': 'Position', text: String(w.position) }),
    el('td', { 'data-label': 'Who', text: w.owner + (w.who && w.who !== w.owner ? ' (' + w.who + ')' : '') }),
    el('td', { 'data-label': 'Operation', text: w.operation }),
    el('td', { 'data-label': 'Waiting', text: since(w.sinceMs) }))));
  $('key-queue-empty').hidden = waiters.length > 0;
}

function short(hex) {
  return hex ? hex.slice(0, 12) + '…' : '';
}

function renderVersions() {
  const versions = keyView.data.versions;
  const current = versions.find((v) => !v.tombstone)?.version;
  $('key-versions').tBodies[0].replaceChildren(...versions.map((v, i) => {
    const older = versions.slice(i + 1).find((o) => !o.tombstone && o.terraform);
    const actions = el('td', { class: 'actions' });
    if (older && v.terraform && !v.tombstone) {
      const diff = el('button', { type: 'button', text: 'Changes', 'aria-label': `Changes from version ${older.version} to ${v.version}` });
      diff.addEventListener('click', () => showDiff(older.version, v.version));
      actions.append(diff);
    }
    if (keyView.data.canRollback && !v.tombstone && v.version !== current) {
      const back = el('button', { type: 'button', text: 'Roll back…', 'aria-label': `Roll back to version ${v.version}` });
      back.addEventListener('click', () => confirmRollback(v, back));
      actions.append(back);
    }
    return el('tr', { 'data-version': v.version },
      el('td', { 'data-label': 'Version', text: v.version + (v.version === current ? ' (current)' : '') }),
      el('td', { 'data-label': 'Serial', text: v.tombstone ? 'deleted' : (v.serial ?? '') }),
      el('td', { 'data-label': 'Lineage', text: v.lineage }),
      el('td', { 'data-label': 'Size', text: v.tombstone ? '' : v.size + ' B' }),
      el('td', { 'data-label': 'SHA-256', title: v.sha256, text: short(v.sha256) }),
      el('td', { 'data-label': 'Fence', text: String(v.fencingToken) }),
      el('td', { 'data-label': 'Written by', text: v.writtenBy }),
      el('td', { 'data-label': 'When', text: new Date(v.writtenAtMs).toISOString().replace('T', ' ').replace('Z', ' UTC') }),
      actions);
  }));
  $('key-versions-empty').hidden = versions.length > 0;
}

async function showDiff(from, to) {
  const box = $('key-diff');
  box.hidden = false;
  box.replaceChildren(el('p', { text: `Comparing version ${from} with ${to}…` }));
  try {
    const d = await call('diff' + query({ key: keyView.key, from, to }));
    const list = (title, items) => {
      const section = el('div', { class: 'diff-part' }, el('h4', { text: `${title} (${items.length})` }));
      if (items.length) section.append(el('ul', {}, ...items.map((a) => el('li', { class: 'key', text: a }))));
      return section;
    };
    box.replaceChildren(
      el('h3', { id: 'diff-title', tabindex: '-1', text: `Changes from version ${from} (serial ${d.from.serial}) to ${to} (serial ${d.to.serial})` }),
      list('Added', d.added), list('Removed', d.removed), list('Changed', d.changed),
      el('p', { class: 'hint', text: `${d.unchanged} unchanged. Values are not shown: a state holds secrets.` }));
    $('diff-title').focus();
  } catch (e) {
    box.replaceChildren(el('p', { class: 'message', text: explain(e) }));
  }
}

function confirmRollback(v, opener) {
  const dialog = $('rollback-dialog');
  $('rollback-what').textContent = `Make version ${v.version} of ${keyView.key} (serial ${v.serial ?? '–'}, ` +
    `written by ${v.writtenBy || 'unknown'}) current again, as a new version. The key must be free: ` +
    'statelock takes its lease for the rollback and releases it right after.';
  $('rollback-error').hidden = true;
  dialog.dataset.version = v.version;
  dialog.onclose = () => opener.isConnected ? opener.focus() : $('main').focus();
  dialog.showModal();
  $('rollback-confirm').focus();
}

function setUpRollback() {
  const dialog = $('rollback-dialog');
  $('rollback-cancel').addEventListener('click', () => dialog.close());
  $('rollback-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('rollback-confirm').disabled = true;
    try {
      const result = await post('rollback', { key: keyView.key, toVersion: Number(dialog.dataset.version) });
      dialog.close();
      showMessage(`Rolled back: version ${result.version.version} is current.`);
      loadKey();
    } catch (e) {
      $('rollback-error').textContent = explain(e);
      $('rollback-error').hidden = false;
    } finally {
      $('rollback-confirm').disabled = false;
    }
  });
}

async function loadKeyAudit() {
  const box = $('key-audit');
  try {
    const page = await call('audit' + query({ prefix: keyView.key }));
    const records = page.records.filter((r) => r.key === keyView.key);
    $('key-audit-table').tBodies[0].replaceChildren(...records.map(auditRow));
    $('key-audit-note').textContent = records.length ? '' : 'No audit records of this key.';
    box.hidden = false;
  } catch (e) {
    $('key-audit-table').tBodies[0].replaceChildren();
    $('key-audit-note').textContent = e.status === 403 ? 'Only admins of this key see its audit records.' : explain(e);
    box.hidden = false;
  }
}

async function loadKey() {
  const load = ++keyView.loads;
  const data = await call('key' + query({ key: keyView.key }));
  if (load !== keyView.loads) return false;
  keyView.data = data;
  renderHolder();
  renderQueue();
  renderVersions();
  return true;
}

function applyKeyEvent(event) {
  if (event.lock.key !== keyView.key || !keyView.data) return;
  keyView.data.lock = event.lock;
  renderHolder();
  // A new holder may have written a version, and the queue moved: read them again.
  loadKey().catch(() => {});
}

async function showKey(key) {
  locks.stream?.abort();
  keyView.stream?.abort();
  const stream = new AbortController();
  keyView.stream = stream;
  keyView.key = key;
  keyView.data = null;
  $('key-title').textContent = key;
  $('key-diff').hidden = true;
  try {
    if (!(await loadKey()) || stream.signal.aborted) return;
    showMessage('');
    loadKeyAudit();
    follow(key, stream.signal, applyKeyEvent, loadKey);
  } catch (e) {
    if (!stream.signal.aborted) showMessage(explain(e));
  }
}

// ---- the audit trail ------------------------------------------------------------------------------

const audit = { prefix: '', since: '', until: '', pageTokens: [''], page: 0 };

function localToMs(value) {
  return value ? String(new Date(value).getTime()) : '';
}

function auditRow(r) {
  const fence = r.previousFencingToken || r.fencingToken ? `${r.previousFencingToken} → ${r.fencingToken}` : '';
  return el('tr', {},
    el('td', { 'data-label': 'When', text: new Date(r.atMs).toISOString().replace('T', ' ').replace('Z', ' UTC') }),
    el('td', { 'data-label': 'Action', text: r.action }),
    el('td', { class: 'key', 'data-label': 'Key', text: r.key }),
    el('td', { 'data-label': 'Who', text: r.subject }),
    el('td', { 'data-label': 'Outcome', text: r.outcome }),
    el('td', { 'data-label': 'Fence', text: fence }),
    el('td', { 'data-label': 'Reason', text: r.reason }),
    el('td', { 'data-label': 'From', text: r.peer }));
}

async function loadAudit() {
  try {
    const page = await call('audit' + query({ prefix: audit.prefix, since: localToMs(audit.since),
      until: localToMs(audit.until), pageToken: audit.pageTokens[audit.page] }));
    $('audit').tBodies[0].replaceChildren(...page.records.map(auditRow));
    $('audit-empty').hidden = page.records.length > 0;
    audit.pageTokens[audit.page + 1] = page.nextPageToken;
    $('audit-older').disabled = !page.nextPageToken;
    $('audit-newest').disabled = audit.page === 0;
    showMessage('');
  } catch (e) {
    $('audit').tBodies[0].replaceChildren();
    showMessage(explain(e));
  }
}

function setUpAudit() {
  $('audit-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    audit.prefix = $('audit-prefix').value.trim();
    audit.since = $('audit-since').value;
    audit.until = $('audit-until').value;
    audit.pageTokens = [''];
    audit.page = 0;
    loadAudit();
  });
  $('audit-older').addEventListener('click', () => { audit.page++; loadAudit(); });
  $('audit-newest').addEventListener('click', () => { audit.page = 0; loadAudit(); });
}

// ---- routing -------------------------------------------------------------------------------------

function route() {
  const hash = location.hash;
  const view = hash.startsWith('#/audit') ? 'audit' : hash.startsWith('#/key/') ? 'key' : 'locks';
  $('locks-view').hidden = view !== 'locks';
  $('audit-view').hidden = view !== 'audit';
  $('key-view').hidden = view !== 'key';
  if (view !== 'key') keyView.stream?.abort();
  for (const [id, v] of [['nav-locks', 'locks'], ['nav-audit', 'audit']]) {
    if (v === view) $(id).setAttribute('aria-current', 'page'); else $(id).removeAttribute('aria-current');
  }
  if (view === 'key') {
    let key = '';
    try { key = decodeURIComponent(hash.slice('#/key/'.length)); } catch (e) { key = ''; }
    showKey(key);
  } else if (view === 'audit') {
    locks.stream?.abort();
    $('audit-prefix').value = audit.prefix;
    loadAudit();
  } else {
    showLocks();
  }
}

async function start() {
  setUpToken();
  setUpLocks();
  setUpForceRelease();
  setUpAudit();
  setUpRollback();
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
