// import.js - CSV import of sales: pick a file, preview it with a dry run (the server checks
// every row and writes nothing), see each bad row's line, column and reason, then import.
import { useState, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { api, enc } from '../api.js';
import { t } from '../i18n/index.js';
import { num } from '../format.js';
import { parseCsv, countLines } from '../csv.js';
import { navigate } from '../app-context.js';
import { ErrorBanner, Banner, PageHead, Skeleton } from '../components/ui.js';

// The server's reasons, recognised so that they read in the UI's language.
const REASONS = [
  [/^a customer name is required$/, 'csv.customer_required'],
  [/^the customer name is longer than 199 bytes$/, 'csv.customer_long'],
  [/^the customer name is not valid UTF-8$/, 'csv.customer_utf8'],
  [/^the customer name contains a control character$/, 'csv.customer_control'],
  [/^a product SKU is required$/, 'csv.product_required'],
  [/^no product with SKU "(.*)"$/, 'csv.no_product'],
  [/^a channel code is required$/, 'csv.channel_required'],
  [/^no channel "(.*)"$/, 'csv.no_channel'],
  [/^a rep login is required$/, 'csv.rep_required'],
  [/^"(.*)" is not a rep on this project$/, 'csv.not_rep'],
  [/^you may record only your own sales, not (.*)'s$/, 'csv.own_sales'],
  [/^no promotion "(.*)"$/, 'csv.no_promotion'],
  [/^no segment "(.*)"$/, 'csv.no_segment'],
  [/^the quantity must be a positive integer, not (.*)$/, 'csv.qty_positive'],
  [/^"(.*)" is not a positive integer$/, 'csv.qty_positive'],
  [/^the unit price cannot be negative$/, 'csv.price_negative'],
  [/^the discount cannot be negative$/, 'csv.discount_negative'],
  [/^quantity times unit (?:price|cost) is too large$/, 'csv.too_large_line'],
  [/^the discount is larger than the line total$/, 'csv.discount_over'],
  [/^unknown column "(.*)" \(expected .*\)$/, 'csv.unknown_column'],
  [/^column "(.*)" appears twice$/, 'csv.dup_column'],
  [/^the required column "(.*)" is missing$/, 'csv.missing_column'],
  [/^(\d+) fields where the header has (\d+)$/, 'csv.field_count'],
  [/^a decimal amount is required$/, 'csv.decimal_required'],
  [/^"(.*)" is not a decimal$/, 'csv.not_decimal'],
  [/^"(.*)" has more than two decimal places$/, 'csv.two_decimals'],
  [/^"(.*)" is too large$/, 'csv.too_large'],
  [/^an integer is required$/, 'csv.integer_required'],
  [/^"(.*)" is not an integer$/, 'csv.not_integer'],
  [/^"(.*)" is not a date \(YYYY-MM-DD\)$/, 'csv.not_date'],
  [/^"(.*)" is not a real calendar date$/, 'csv.not_real_date'],
  [/^line \d+: more than (\d+) fields$/, 'csv.too_many_fields'],
  [/^line \d+: a quoted field is not closed$/, 'csv.quote_open'],
  [/^line \d+: unexpected text after a closing quote$/, 'csv.after_quote'],
  [/^line \d+: a quote inside an unquoted field.*$/, 'csv.bare_quote'],
];

// The reason alone (line and column have their own columns), in the UI's language when
// it is one the server writes; otherwise as the server wrote it.
function reason(r) {
  const text = String(r.message || '').replace(/^line \d+, column [^:]+: /, '');
  for (const [re, key] of REASONS) {
    const m = re.exec(text);
    if (m) return t(key).replace(/\{(\d)\}/g, (x, n) => m[Number(n) + 1] ?? x);
  }
  return text;
}

const PREVIEW = 200;
const COLUMNS = ['date', 'customer', 'product', 'channel', 'rep', 'quantity', 'unit_price', 'discount', 'promotion', 'segment'];

export function Import({ code }) {
  const [file, setFile] = useState(null); // {name, size, text}
  const [check, setCheck] = useState(null); // {ok, count, rows, error}
  const [busy, setBusy] = useState('');
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const input = useRef(null);

  const dryRun = async (text) => {
    setBusy('check'); setCheck(null); setError(null);
    try {
      const r = await api.postCsv('/projects/' + enc(code) + '/sales/import', text, { dry_run: 1 });
      setCheck({ ok: true, count: r && r.imported, rows: [] });
    } catch (e) {
      if (e.rows && e.rows.length) setCheck({ ok: false, rows: e.rows, message: e.message });
      else setError(e);
    } finally { setBusy(''); }
  };

  const pick = async (f) => {
    if (!f) return;
    setDone(null);
    const text = await f.text();
    setFile({ name: f.name, size: f.size, text });
    dryRun(text);
  };

  const doImport = async () => {
    setBusy('import'); setError(null);
    try {
      const r = await api.postCsv('/projects/' + enc(code) + '/sales/import', file.text);
      setDone({ count: r && r.imported });
      setFile(null); setCheck(null);
      if (input.current) input.current.value = '';
    } catch (e) {
      if (e.rows && e.rows.length) setCheck({ ok: false, rows: e.rows, message: e.message });
      else setError(e);
    } finally { setBusy(''); }
  };

  const records = file ? parseCsv(file.text, PREVIEW + 1) : [];
  const header = records.length ? records[0].fields : [];
  const body = records.slice(1);
  const total = file ? Math.max(0, countLines(file.text) - 1) : 0;
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
        <p class="muted">${file ? t('import.file_info', { rows: num(total), kb: num(Math.ceil(file.size / 1024)) }) : t('import.choose_hint')}</p>
      </div>
      <label class="btn">
        ${file ? t('import.choose_other') : t('import.choose')}
        <input ref=${input} id="csv-file" class="sr-only" type="file" accept=".csv,text/csv" onChange=${(e) => pick(e.currentTarget.files[0])} />
      </label>
    </div>
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
          <strong>${t('import.bad', { n: num(check.rows.length) })}</strong> <span>${t('import.bad_hint')}</span></div></div>
        <table class="table"><thead><tr><th class="num">${t('import.line')}</th><th>${t('import.column')}</th><th>${t('import.reason')}</th></tr></thead>
          <tbody>${check.rows.map((r) => html`<tr class="error-row" data-line=${r.line} data-column=${r.column}>
            <td class="num">${r.line}</td><td><code>${r.column || '—'}</code></td><td>${reason(r)}</td></tr>`)}</tbody></table>
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
