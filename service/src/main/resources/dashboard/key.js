// One key's page: its holder, wait queue, state versions, changes between versions, audit records.
import { $, call, el, explain, follow, post, query, showMessage, since } from './api.js';
import { auditRow } from './audit.js';
import { confirmForceRelease, holdWhileBusy } from './dialogs.js';
import { expiresText, isLive, locks } from './locks.js';

// ---- one key: holder, queue, versions, diff, audit ---------------------------------------------------

export const keyView = { key: '', data: null, stream: null, loads: 0, reloading: false, again: false, diffs: 0 };

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
    box.querySelectorAll('dt').forEach((dt) => {
      if (dt.textContent === 'Since') dt.nextElementSibling.classList.add('since');
      if (dt.textContent === 'Expires in') dt.nextElementSibling.classList.add('expires');
    });
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
  // The newest version is the current one, unless the state was deleted (then every version may be rolled back to).
  const current = versions[0] && !versions[0].tombstone ? versions[0].version : null;
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
  const asked = ++keyView.diffs; // only the latest comparison is shown
  box.hidden = false;
  box.replaceChildren(el('p', { text: `Comparing version ${from} with ${to}…` }));
  try {
    const d = await call('diff' + query({ key: keyView.key, from, to }));
    if (asked !== keyView.diffs) return;
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
    if (asked !== keyView.diffs) return;
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
  dialog.dataset.key = keyView.key;
  dialog.onclose = () => opener.isConnected ? opener.focus() : $('main').focus();
  dialog.showModal();
  $('rollback-confirm').focus();
}

export function setUpRollback() {
  const dialog = $('rollback-dialog');
  holdWhileBusy(dialog, $('rollback-confirm'));
  $('rollback-cancel').addEventListener('click', () => dialog.close());
  $('rollback-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('rollback-confirm').disabled = true;
    try {
      const result = await post('rollback', { key: dialog.dataset.key, toVersion: Number(dialog.dataset.version) });
      dialog.close();
      showMessage(`Rolled back ${dialog.dataset.key}: version ${result.version.version} is current.`);
      loadKey().catch((e) => showMessage(explain(e)));
    } catch (e) {
      $('rollback-error').textContent = explain(e);
      $('rollback-error').hidden = false;
    } finally {
      $('rollback-confirm').disabled = false;
    }
  });
}

async function loadKeyAudit(load) {
  const box = $('key-audit');
  if (!keyView.data?.canAudit) { box.hidden = true; return; }
  try {
    const page = await call('audit' + query({ key: keyView.key }));
    if (load !== keyView.loads) return;
    $('key-audit-table').tBodies[0].replaceChildren(...page.records.map(auditRow));
    $('key-audit-note').textContent = page.records.length ? '' : 'No audit records of this key.';
  } catch (e) {
    if (load !== keyView.loads) return;
    $('key-audit-table').tBodies[0].replaceChildren();
    $('key-audit-note').textContent = explain(e);
  }
  box.hidden = false;
}

async function loadKey() {
  const load = ++keyView.loads;
  const data = await call('key' + query({ key: keyView.key }));
  if (load !== keyView.loads) return false;
  keyView.data = data;
  renderHolder();
  renderQueue();
  renderVersions();
  loadKeyAudit(load);
  return true;
}

// One reload at a time, and at most one more after it, however many events come: a heartbeat (RENEWED) only
// moves the expiry, so it updates the holder without asking the service again.
function applyKeyEvent(event) {
  if (event.lock.key !== keyView.key || !keyView.data) return;
  keyView.data.lock = event.lock;
  if (event.type === 'RENEWED') return; // the countdown picks the new expiry up; the buttons keep their focus
  renderHolder();
  if (event.type === 'SNAPSHOT') return;
  if (keyView.reloading) { keyView.again = true; return; }
  keyView.reloading = true;
  const key = keyView.key;
  const reload = () => loadKey().catch(() => {}).finally(() => {
    // Another key's page opened meanwhile: its own load and follow take over from here.
    if (keyView.again && keyView.key === key) { keyView.again = false; reload(); } else keyView.reloading = false;
  });
  reload();
}

function clearKey() {
  keyView.data = null;
  keyView.again = false;
  keyView.diffs++;
  $('key-holder').replaceChildren();
  $('key-queue').tBodies[0].replaceChildren();
  $('key-versions').tBodies[0].replaceChildren();
  $('key-audit-table').tBodies[0].replaceChildren();
  $('key-audit').hidden = true;
  $('key-diff').hidden = true;
}

export async function showKey(key) {
  locks.stream?.abort();
  keyView.stream?.abort();
  const stream = new AbortController();
  keyView.stream = stream;
  keyView.key = key;
  clearKey();
  $('key-title').textContent = key;
  try {
    await loadKey(); // a later load of the same key may have drawn it: following starts all the same
    if (stream.signal.aborted) return;
    showMessage('');
    follow({ key }, stream.signal, applyKeyEvent, loadKey);
  } catch (e) {
    if (!stream.signal.aborted) showMessage(explain(e));
  }
}

// Once a second: the holder's countdown; a lease that ran out turns free.
export function tickKey() {
  const holder = keyView.data?.lock;
  if (holder && !$('key-view').hidden) {
    const box = $('key-holder');
    const shownHeld = box.firstElementChild?.textContent === 'held';
    if (shownHeld !== isLive(holder)) renderHolder();
    else if (isLive(holder)) {
      const expires = box.querySelector('.expires');
      const sinceCell = box.querySelector('.since');
      if (expires) expires.textContent = expiresText(holder);
      if (sinceCell) sinceCell.textContent = since(holder.acquiredAtMs);
    }
  }
}
