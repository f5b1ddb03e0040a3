// import.js - CSV or Excel (.xlsx) import of sales: pick a file, check it with a dry run (the
// server checks every row and writes nothing), see each bad row's line (a workbook: sheet and
// row), column and reason, then import. A CSV is previewed here; a workbook is read by the
// server only (its first sheet, or the one named).
import { useState, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { num } from '../format.js';
import { parseCsv, countLines } from '../csv.js';
import { navigate } from '../app-context.js';
import { ErrorBanner, Banner, PageHead, Skeleton, errorText, fieldLabel } from '../components/ui.js';

// The reason alone (line and column have their own columns), in the UI's language from the
// problem's reason code and parameters.
function reason(r) {
  return errorText({ status: 422, reason: r.reason, params: r.params, field: '', message: r.message });
}

// The CSV column's label in the reader's language, with the column as the file names it.
function columnLabel(col) {
  const label = fieldLabel(col);
  return label && label !== col ? html`${label} <code>${col}</code>` : html`<code>${col || '—'}</code>`;
}

// The file's text for the preview: UTF-8 when it is valid UTF-8, else GB18030 (what Excel
// writes on Chinese Windows), as the server reads it. The server gets the bytes themselves.
function decode(bytes) {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch (e) {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'GB18030' };
  }
}

const PREVIEW = 200;
const COLUMNS = ['date', 'customer', 'product', 'channel', 'rep', 'quantity', 'unit_price', 'discount', 'promotion', 'segment'];

// Whether a picked file is an Excel workbook: by its name, or a zip's first bytes.
function isXlsx(name, bytes) {
  return /\.xlsx$/i.test(name) || (bytes.length > 3 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4);
}

export function Import({ code }) {
  const [file, setFile] = useState(null); // {name, size, text, bytes, xlsx}
  const [sheet, setSheet] = useState('');
  const [check, setCheck] = useState(null); // {ok, count, rows, error}
  const [busy, setBusy] = useState('');
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const input = useRef(null);

  const url = '/projects/' + enc(code) + '/sales/import';
  const send = (f, query) => (f.xlsx ? api.postXlsx(url, f.bytes, { ...query, sheet: f.sheet || undefined })
    : api.postCsv(url, f.bytes, query));

  const dryRun = async (f) => {
    setBusy('check'); setCheck(null); setError(null);
    try {
      const r = await send(f, { dry_run: 1 });
      // a dry run writes nothing: what it checked is r.rows
      setCheck({ ok: true, count: r ? r.rows : 0, encoding: r && r.encoding, rows: [] });
    } catch (e) {
      if (e.rows && e.rows.length) setCheck({ ok: false, rows: e.rows, message: e.message });
      else setError(e);
    } finally { setBusy(''); }
  };

  const pick = async (f) => {
    if (!f) return;
    setDone(null);
    const bytes = new Uint8Array(await f.arrayBuffer());
    const xlsx = isXlsx(f.name, bytes);
    const { text, encoding } = xlsx ? { text: '', encoding: '' } : decode(bytes);
    const picked = { name: f.name, size: f.size, text, bytes, encoding, xlsx, sheet: xlsx ? sheet : '' };
    setFile(picked);
    dryRun(picked);
  };

  // another sheet of the same workbook: checked again
  const chooseSheet = (v) => {
    setSheet(v);
    if (file && file.xlsx) {
      const f = { ...file, sheet: v.trim() };
      setFile(f);
      dryRun(f);
    }
  };

  const doImport = async () => {
    setBusy('import'); setError(null);
    try {
      const r = await send(file, {});
      setDone({ count: r && r.imported });
      setFile(null); setCheck(null);
      if (input.current) input.current.value = '';
    } catch (e) {
      if (e.rows && e.rows.length) setCheck({ ok: false, rows: e.rows, message: e.message });
      else setError(e);
    } finally { setBusy(''); }
  };

  const records = file && !file.xlsx ? parseCsv(file.text, PREVIEW + 1) : [];
  const header = records.length ? records[0].fields : [];
  const body = records.slice(1);
  const total = file && !file.xlsx ? Math.max(0, countLines(file.text) - 1) : 0;
  // a workbook's problems name their sheet and row
  const bySheet = !!(check && !check.ok && check.rows.some((r) => r.sheet));
  const badLines = new Map();
  if (check && !check.ok) for (const r of check.rows) {
    if (!badLines.has(r.line)) badLines.set(r.line, new Set());
    badLines.get(r.line).add(r.column);
  }

  return html`<section>
    <${PageHead} title=${t('import.title')} subtitle=${t('import.subtitle')} />
    ${done ? html`<${Banner} kind="success"><strong id="import-done">${t('import.done', { n: num(done.count) })}</strong>
      <a class="link-btn" href=${'#/p/' + enc(code)}>${t('import.see_goals')}</a> · <a class="link-btn" href=${'#/p/' + enc(code) + '/sales'}>${t('import.see_sales')}</a><//>` : null}
    <${ErrorBanner} error=${error} />
    <div class="card import-drop"
      onDragOver=${(e) => { e.preventDefault(); }}
      onDrop=${(e) => { e.preventDefault(); pick(e.dataTransfer.files[0]); }}>
      <div class="import-drop-text">
        <h3>${file ? file.name : t('import.choose_title')}</h3>
        <p class="muted">${!file ? t('import.choose_hint') : file.xlsx ? t('import.file_info_xlsx', { kb: num(Math.ceil(file.size / 1024)) })
          : t('import.file_info', { rows: num(total), kb: num(Math.ceil(file.size / 1024)) })}</p>
      </div>
      <label class="btn">
        ${file ? t('import.choose_other') : t('import.choose')}
        <input ref=${input} id="csv-file" class="sr-only" type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange=${(e) => pick(e.currentTarget.files[0])} />
      </label>
    </div>
    ${file && file.xlsx ? html`<div class="card import-sheet">
      <label class="field"><span class="field-label">${t('import.sheet')}</span>
        <input id="import-sheet" name="sheet" value=${sheet} placeholder=${t('import.sheet_first')}
          onChange=${(e) => chooseSheet(e.currentTarget.value)} /></label>
      <p class="muted small">${t('import.sheet_hint')}</p></div>` : null}
    <details class="card format-help">
      <summary>${t('import.format_title')}</summary>
      <p class="muted">${t('import.format_text')}</p>
      <code class="code-block">date,customer,product,channel,rep,quantity,unit_price,discount,promotion,segment</code>
    </details>
    ${busy === 'check' ? html`<div class="card"><p class="muted">${t('import.checking')}</p><${Skeleton} rows=${3} /></div>` : null}
    ${check && check.ok ? html`<div class="banner banner-success" id="import-ok"><div class="banner-body">
        <strong>${t('import.ok', { n: num(check.count ?? total) })}</strong> <span>${t('import.ok_hint')}</span></div>
        <button class="btn btn-primary" id="import-go" disabled=${!!busy} onClick=${doImport}>${busy === 'import' ? t('import.importing') : t('import.go')}</button></div>` : null}
    ${check && !check.ok ? html`<div class="card import-errors" id="import-errors">
        <div class="banner banner-error"><span class="banner-icon" aria-hidden="true">!</span><div class="banner-body">
          <strong>${t('import.bad', { n: num(new Set(check.rows.map((r) => r.line)).size) })}</strong> <span>${t('import.bad_hint')}</span></div></div>
        <div class="table-wrap"><table class="table"><thead><tr>${bySheet ? html`<th>${t('import.sheet')}</th>` : null}
          <th class="num">${bySheet ? t('import.row') : t('import.line')}</th><th>${t('import.column')}</th><th>${t('import.reason')}</th></tr></thead>
          <tbody>${check.rows.map((r) => html`<tr class="error-row" data-line=${r.line} data-column=${r.column} data-sheet=${r.sheet || ''}>
            ${bySheet ? html`<td>${r.sheet || ''}</td>` : null}
            <td class="num">${r.line}</td><td>${columnLabel(r.column)}</td><td>${reason(r)}</td></tr>`)}</tbody></table></div>
      </div>` : null}
    ${file && records.length ? html`<h2 class="section-title">${t('import.preview')}
        <span class="muted small">${body.length < total ? t('import.preview_first', { n: body.length, total: num(total) }) : ''}</span></h2>
      <div class="table-wrap card"><table class="table table-compact preview">
        <thead><tr><th class="num">${t('import.line')}</th>${header.map((h) => html`<th class=${COLUMNS.includes(h.trim()) ? '' : 'unknown-col'}>${h}</th>`)}</tr></thead>
        <tbody>${body.map((r) => {
          const bad = badLines.get(r.line);
          return html`<tr class=${bad ? 'row-bad' : ''}><td class="num muted">${r.line}</td>
            ${r.fields.map((v, i) => html`<td class=${bad && bad.has((header[i] || '').trim()) ? 'cell-bad' : ''}>${v}</td>`)}</tr>`;
        })}</tbody></table></div>` : null}
  </section>`;
}
