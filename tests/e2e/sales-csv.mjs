// sales-csv.mjs - a project's raw sales, read from its CSV export (the sales themselves, not the
// rollups the dashboard reads), and simple sums over them in integer cents: what the analysis
// and customers suites compare the screens with.

// RFC 4180 rows of text (quoted fields, doubled quotes, CRLF or LF).
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r') { i++; continue; }
    if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += c; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const cents = (s) => {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(s || '0').trim());
  if (!m) throw new Error(`not a decimal: ${s}`);
  const v = Number(m[2]) * 100 + Number((m[3] || '').padEnd(2, '0'));
  return m[1] ? -v : v;
};
// the export writes one ' before text a spreadsheet would run as a formula
const text = (s) => (/^'[=+\-@\t\r']/.test(s) ? s.slice(1) : s);

// The sales of project code as objects {date, customer, product, channel, rep, quantity, amount, segment, project}.
export async function exportedSales(base, cookie, code) {
  const r = await fetch(`${base}/api/v1/projects/${encodeURIComponent(code)}/sales/export`, { headers: { Cookie: cookie } });
  if (!r.ok) throw new Error(`export of ${code}: HTTP ${r.status}`);
  const [head, ...rows] = parseCsv(await r.text());
  const at = Object.fromEntries(head.map((h, i) => [h, i]));
  return rows.filter((x) => x.length === head.length).map((x) => ({
    project: code, date: x[at.date], customer: text(x[at.customer]), product: x[at.product], channel: x[at.channel],
    rep: x[at.rep], segment: x[at.segment], quantity: Number(x[at.quantity]),
    amount: Number(x[at.quantity]) * cents(x[at.unit_price]) - cents(x[at.discount]),
  }));
}

// Sum of amount (cents), quantity and lines of sales.
export function sums(sales) {
  let amount = 0, units = 0;
  for (const s of sales) { amount += s.amount; units += s.quantity; }
  return { amount, units, lines: sales.length };
}

// The session cookie of a page (to fetch as its user from node).
export async function cookieOf(page) {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}
