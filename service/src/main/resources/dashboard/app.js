// The statelock dashboard. No framework and no build step: every file ships in the service's jar.
import { $, ApiError, TOKEN, call, explain, showMessage } from './api.js';
import { audit, loadAudit, setUpAudit } from './audit.js';
import { setUpForceRelease } from './dialogs.js';
import { keyView, setUpRollback, showKey, tickKey } from './key.js';
import { locks, setUpLocks, showLocks, tickLocks } from './locks.js';

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

// ---- routing -------------------------------------------------------------------------------------

function route() {
  // A dialog whose request is running stays open, so its outcome is seen; the others go with the view.
  for (const dialog of document.querySelectorAll('dialog[open]')) {
    if (!dialog.querySelector('button[type=submit]:disabled')) dialog.close();
  }
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
  setInterval(() => { tickLocks(); tickKey(); }, 1000);
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
