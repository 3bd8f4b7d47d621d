// The audit trail, newest first.
import { $, call, el, explain, query, showMessage } from './api.js';

// ---- the audit trail ------------------------------------------------------------------------------

export const audit = { prefix: '', since: '', until: '', pageTokens: [''], page: 0, loads: 0 };

function localToMs(value) {
  return value ? String(new Date(value).getTime()) : '';
}

export function auditRow(r) {
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

export async function loadAudit() {
  const load = ++audit.loads;
  $('audit-older').disabled = true;
  try {
    const page = await call('audit' + query({ prefix: audit.prefix, since: localToMs(audit.since),
      until: localToMs(audit.until), pageToken: audit.pageTokens[audit.page] }));
    if (load !== audit.loads) return;
    $('audit').tBodies[0].replaceChildren(...page.records.map(auditRow));
    $('audit-empty').hidden = page.records.length > 0;
    audit.pageTokens[audit.page + 1] = page.nextPageToken;
    $('audit-older').disabled = !page.nextPageToken;
    $('audit-newest').disabled = audit.page === 0;
    showMessage('');
  } catch (e) {
    if (load !== audit.loads) return;
    $('audit').tBodies[0].replaceChildren();
    showMessage(explain(e));
  }
}

export function setUpAudit() {
  $('audit-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    audit.prefix = $('audit-prefix').value.trim();
    audit.since = $('audit-since').value;
    audit.until = $('audit-until').value;
    audit.pageTokens = [''];
    audit.page = 0;
    loadAudit();
  });
  $('audit-older').addEventListener('click', () => {
    if (!audit.pageTokens[audit.page + 1]) return;
    audit.page++;
    loadAudit();
  });
  $('audit-newest').addEventListener('click', () => { audit.page = 0; loadAudit(); });
}
