// api.js - the one place that talks to /api/v1: JSON in and out, the CSRF token on
// every write, and server errors turned into ApiError (code, reason, params, field; the UI
// says them in the reader's language with components/ui.js errorText).

let csrfToken = '';
let onUnauthorized = () => {};

export function setCsrf(token) { csrfToken = token || ''; }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || '';
    this.field = e.field || '';
    this.reason = e.reason || '';
    this.params = (e.params && typeof e.params === 'object') ? e.params : {};
    this.rows = Array.isArray(e.rows) ? e.rows : [];
    this.badRows = e.bad_rows || 0;
  }
}

// request(method, path, {json, text, contentType, query}) -> parsed JSON (or text)
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(opts.json);
  } else if (opts.text !== undefined) {
    headers['Content-Type'] = opts.contentType || 'text/plain; charset=utf-8';
    body = opts.text;
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let url = '/api/v1' + path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { error: { code: 'network', message: '' } });
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (res.status !== 204) {
    if (type.includes('json')) {
      try { data = await res.json(); } catch (e) { data = null; }
    } else {
      data = await res.text();
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.noAuthRedirect) onUnauthorized();
    throw new ApiError(res.status, typeof data === 'object' ? data : null);
  }
  return data;
}

export const api = {
  get: (p, query) => request('GET', p, { query }),
  post: (p, json, query) => request('POST', p, { json, query }),
  patch: (p, json) => request('PATCH', p, { json }),
  put: (p, json) => request('PUT', p, { json }),
  del: (p, version) => request('DELETE', p, { query: version !== undefined ? { version } : undefined }),
  // a CSV file's bytes as they are: the server detects UTF-8 or GB18030
  postCsv: (p, bytes, query) => request('POST', p, { text: bytes, contentType: 'text/csv', query }),
  // an Excel workbook's bytes (.xlsx)
  postXlsx: (p, bytes, query) => request('POST', p, { text: bytes, contentType: XLSX_TYPE, query }),
};

export const enc = encodeURIComponent;

// A file from the API (a report's PDF, workbook ...) at url (/api/v1/...): { blob, name } on
// 200, the name the server gives in Content-Disposition ('' when none); any other answer is
// its ApiError (the error body, said in the reader's language), never bytes to save as the file.
export async function fetchFile(url) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { error: { code: 'network', message: '' } });
  }
  if (res.status !== 200) {
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, data);
  }
  const m = /filename="([^"]*)"/.exec(res.headers.get('Content-Disposition') || '');
  return { blob: await res.blob(), name: m ? m[1] : '' };
}

// Hand blob to the browser as a download named name (an object URL, let go once taken).
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// The media type of an .xlsx workbook (uploads and downloads).
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
