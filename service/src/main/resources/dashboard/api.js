// The dashboard's talk with the service: JSON calls, the event stream, and the helpers every view uses.
// Data is only ever put into the page as text (textContent), never as markup.
export const TOKEN = 'statelock.token'; // sessionStorage: this tab only, never a URL or a log
export const $ = (id) => document.getElementById(id);

export const clock = { offsetMs: 0, now() { return Date.now() + this.offsetMs; },
  sync(serverTimeMs) { if (serverTimeMs) this.offsetMs = serverTimeMs - Date.now(); } };

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

export function headers(extra = {}) {
  const token = sessionStorage.getItem(TOKEN);
  return token ? { ...extra, Authorization: 'Bearer ' + token } : extra;
}

export async function call(path, options = {}) {
  const res = await fetch('api/' + path, { ...options, headers: headers(options.headers), cache: 'no-store' });
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    throw new ApiError(res.status, body?.code ?? 'HTTP_' + res.status, body?.message ?? res.statusText);
  }
  clock.sync(body?.serverTimeMs);
  return body;
}

export async function post(path, body) {
  return call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null && v !== false) q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

export function showMessage(text) {
  const m = $('message');
  m.textContent = text ?? '';
  m.hidden = !text;
}

export function explain(error) {
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

export function since(ms) {
  if (!ms) return '';
  return duration(clock.now() - ms) + ' ago';
}

// Server-sent events read with fetch (an EventSource cannot send the token). On a break: list again
// (events may have been missed), then follow again, waiting longer after each failure; a stream that
// delivered events starts the wait over.
export async function follow(target, signal, onEvent, reload) {
  let delayMs = 1000;
  let ended = '';
  while (!signal.aborted) {
    try {
      const res = await fetch('api/watch' + query(target), { headers: headers(), signal, cache: 'no-store' });
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
