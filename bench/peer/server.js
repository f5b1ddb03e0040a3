// bench/peer/server.js - the benchmark's peer: what a typical web app on Node.js
// would deploy for salespm's project dashboard. node:http and better-sqlite3;
// at start it builds per-day summary tables (in a file of its own) from the
// sales of salespm's database, then answers GET /api/v1/projects/CODE/dashboard
// with the same JSON shape and figures as salespm (totals, breakdowns, weeks,
// months, the year-ago comparison, each goal's actual value), computed with SQL
// over the summary tables on every request.
//
// usage: node server.js SALESPM_DB SUMMARY_DB PORT AS_OF(YYYY-MM-DD)
// It prints "ready" once it listens. No sign-in and no compression: both favour
// the peer (salespm checks a session on every request and answers gzip).
"use strict";
const http = require("node:http");
const Database = require("better-sqlite3");

const [srcPath, sumPath, port, asOf] = process.argv.slice(2);
if (!asOf) {
  console.error("usage: node server.js SALESPM_DB SUMMARY_DB PORT AS_OF");
  process.exit(2);
}

const DAY = 86400000;
const dayOf = (iso) => Math.round(Date.parse(iso + "T00:00:00Z") / DAY);
const iso = (day) => new Date(day * DAY).toISOString().slice(0, 10);
const weekday = (day) => (new Date(day * DAY).getUTCDay() + 6) % 7; // Monday 0
const ymd = (day) => {
  const d = new Date(day * DAY);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
};
const monthIndex = (day) => {
  const [y, m] = ymd(day);
  return y * 12 + m - 1;
};
const yearBefore = (day) => {
  let [y, m, d] = ymd(day);
  if (m === 2 && d === 29) d = 28;
  return Math.round(Date.UTC(y - 1, m - 1, d) / DAY);
};
const today = dayOf(asOf);

// num/den x 10000 rounded half away from zero (salespm's one ratio rule), exact in BigInt
function ratioBp(num, den) {
  if (den === 0) return null;
  let n = BigInt(num) * 10000n, d = BigInt(den);
  if (d < 0n) (n = -n), (d = -d);
  let q = n / d, r = n % d;
  if (r < 0n) r = -r;
  if (2n * r >= d) q += n < 0n ? -1n : 1n;
  return Number(q);
}
function divRound(num, den) {
  if (den === 0) return null;
  let q = BigInt(num) / BigInt(den), r = BigInt(num) % BigInt(den);
  if (r < 0n) r = -r;
  if (2n * r >= BigInt(den)) q += num < 0 ? -1n : 1n;
  return Number(q);
}

// --- the summary tables, built once from salespm's sales --------------------------------
const db = new Database(sumPath);
db.pragma("journal_mode = WAL");
db.prepare("ATTACH DATABASE ? AS src").run(srcPath); // read only: nothing here writes to it
const t0 = Date.now();
db.exec(`
DROP TABLE IF EXISTS day_sum; DROP TABLE IF EXISTS customer_first; DROP TABLE IF EXISTS customer_day;
CREATE TABLE day_sum (project_id INTEGER, dim TEXT, key_id INTEGER, day INTEGER, lines INTEGER,
  quantity INTEGER, amount INTEGER, cost INTEGER, PRIMARY KEY (project_id, dim, key_id, day)) WITHOUT ROWID;
INSERT INTO day_sum SELECT project_id, 'all', 0, sold_on, COUNT(*), SUM(quantity), SUM(amount_minor),
  SUM(cost_minor) FROM src.sales GROUP BY project_id, sold_on;
INSERT INTO day_sum SELECT project_id, 'channel', channel_id, sold_on, COUNT(*), SUM(quantity),
  SUM(amount_minor), SUM(cost_minor) FROM src.sales GROUP BY project_id, channel_id, sold_on;
INSERT INTO day_sum SELECT project_id, 'product', product_id, sold_on, COUNT(*), SUM(quantity),
  SUM(amount_minor), SUM(cost_minor) FROM src.sales GROUP BY project_id, product_id, sold_on;
INSERT INTO day_sum SELECT project_id, 'rep', rep_id, sold_on, COUNT(*), SUM(quantity),
  SUM(amount_minor), SUM(cost_minor) FROM src.sales GROUP BY project_id, rep_id, sold_on;
INSERT INTO day_sum SELECT project_id, 'segment', COALESCE(segment_id, 0), sold_on, COUNT(*),
  SUM(quantity), SUM(amount_minor), SUM(cost_minor) FROM src.sales
  GROUP BY project_id, COALESCE(segment_id, 0), sold_on;
CREATE TABLE customer_day (customer_id INTEGER, project_id INTEGER, day INTEGER,
  PRIMARY KEY (customer_id, project_id, day)) WITHOUT ROWID;
INSERT INTO customer_day SELECT DISTINCT customer_id, project_id, sold_on FROM src.sales;
CREATE INDEX customer_day_day ON customer_day (day, customer_id);
CREATE TABLE customer_first (project_id INTEGER, customer_id INTEGER, first_ws INTEGER,
  first_project INTEGER, PRIMARY KEY (project_id, first_ws, customer_id)) WITHOUT ROWID;
INSERT INTO customer_first SELECT p.project_id, p.customer_id, w.first, p.first
  FROM (SELECT customer_id, project_id, MIN(day) AS first FROM customer_day
        GROUP BY customer_id, project_id) p
  JOIN (SELECT customer_id, MIN(day) AS first FROM customer_day GROUP BY customer_id) w
  ON w.customer_id = p.customer_id;
ANALYZE;
`);
const buildMs = Date.now() - t0;

// --- per request: SQL over the summary tables --------------------------------------------
const q = {
  project: db.prepare("SELECT * FROM src.projects WHERE code = ?"),
  goals: db.prepare("SELECT * FROM src.goals WHERE project_id = ? ORDER BY id"),
  daily: db.prepare(`SELECT day, lines, quantity, amount, cost FROM day_sum
    WHERE project_id = ? AND dim = 'all' AND key_id = 0 AND day BETWEEN ? AND ? ORDER BY day`),
  sums: db.prepare(`SELECT COALESCE(SUM(lines), 0) AS lines, COALESCE(SUM(quantity), 0) AS quantity,
    COALESCE(SUM(amount), 0) AS amount, COALESCE(SUM(cost), 0) AS cost FROM day_sum
    WHERE project_id = ? AND dim = ? AND key_id = ? AND day BETWEEN ? AND ?`),
  yearAgo: db.prepare(`SELECT COALESCE(SUM(lines), 0) AS lines, COALESCE(SUM(quantity), 0) AS quantity,
    COALESCE(SUM(amount), 0) AS amount, COALESCE(SUM(cost), 0) AS cost FROM day_sum
    WHERE dim = 'product' AND key_id IN (SELECT DISTINCT key_id FROM day_sum
      WHERE project_id = ? AND dim = 'product') AND day BETWEEN ? AND ?`),
  newCustomers: db.prepare(`SELECT COUNT(*) AS n FROM customer_first
    WHERE project_id = ? AND first_ws BETWEEN ? AND ? AND first_project <= ?`),
  cohort: db.prepare(`SELECT COUNT(DISTINCT customer_id) AS n FROM customer_day
    WHERE day BETWEEN ? AND ?`),
  kept: db.prepare(`SELECT COUNT(*) AS n FROM (SELECT DISTINCT customer_id FROM customer_day
      WHERE day BETWEEN ? AND ?) c
    WHERE EXISTS (SELECT 1 FROM customer_day x WHERE x.customer_id = c.customer_id
      AND x.project_id = ? AND x.day BETWEEN ? AND ?)`),
};
const names = { channel: ["channels", "code"], product: ["products", "sku"], rep: ["users", "login"],
  segment: ["segments", "code"] };
const breakdown = {};
for (const [dim, [table, code]] of Object.entries(names))
  breakdown[dim] = db.prepare(`SELECT a.*, x.${code} AS code, x.name AS name FROM
    (SELECT key_id, SUM(lines) AS lines, SUM(quantity) AS quantity, SUM(amount) AS amount,
      SUM(cost) AS cost FROM day_sum WHERE project_id = ? AND dim = '${dim}' AND day BETWEEN ? AND ?
      GROUP BY key_id) a LEFT JOIN src.${table} x ON x.id = a.key_id
    ORDER BY a.amount DESC, a.key_id`);

function sums(s) {
  const bp = s.amount > 0 ? ratioBp(s.amount - s.cost, s.amount) : null;
  return { revenue: s.amount, cost: s.cost, gross_profit: s.amount - s.cost,
    gross_margin: bp === null ? null : bp / 10000, units: s.quantity, lines: s.lines };
}
const zero = () => ({ lines: 0, quantity: 0, amount: 0, cost: 0 });
function add(to, x) {
  to.lines += x.lines;
  to.quantity += x.quantity;
  to.amount += x.amount;
  to.cost += x.cost;
}

const RATIO = new Set(["gross_margin", "retention_rate"]);
function goalActual(g, p) {
  if (g.start_on === null || g.due_on === null || today < g.start_on) return null;
  const to = Math.min(today, g.due_on);
  const scope = [["segment", g.scope_segment_id], ["channel", g.scope_channel_id],
    ["product", g.scope_product_id], ["rep", g.scope_rep_id]].filter(([, id]) => id !== null);
  if (scope.length > 1) return null; // not needed by the benchmark's goals
  const [dim, key] = scope.length ? scope[0] : ["all", 0];
  const s = () => q.sums.get(p.id, dim, key, g.start_on, to);
  switch (g.metric) {
    case "revenue": return s().amount;
    case "units": return s().quantity;
    case "gross_margin": { const x = s(); return ratioBp(x.amount - x.cost, x.amount); }
    case "avg_deal_size": { const x = s(); return divRound(x.amount, x.lines); }
    case "new_customers":
      if (scope.length) return null;
      return q.newCustomers.get(p.id, g.start_on, to, to).n;
    case "retention_rate": {
      if (scope.length) return null;
      const len = g.due_on - g.start_on + 1;
      const cf = g.baseline_start_on ?? g.start_on - len, ct = g.baseline_end_on ?? g.start_on - 1;
      const cohort = q.cohort.get(cf, ct).n;
      return cohort ? ratioBp(q.kept.get(cf, ct, p.id, g.start_on, to).n, cohort) : null;
    }
    default: return null;
  }
}

function dashboard(code) {
  const p = q.project.get(code);
  if (!p) return null;
  const last = Math.min(today, p.end_on);
  const first = p.start_on - weekday(p.start_on), m0 = monthIndex(p.start_on);
  const weeks = [], months = [], total = zero(), current = zero();
  for (let d = first; d <= p.end_on; d += 7) weeks.push({ monday: d, s: zero() });
  for (let m = m0; m <= monthIndex(p.end_on); m++) months.push({ m, s: zero() });
  for (const r of q.daily.iterate(p.id, p.start_on, last)) {
    add(weeks[Math.floor((r.day - first) / 7)].s, r);
    add(months[monthIndex(r.day) - m0].s, r);
    add(total, r);
    add(current, r);
  }
  const by = {};
  for (const dim of Object.keys(names))
    by[dim] = breakdown[dim].all(p.id, p.start_on, last).map((r) => ({
      code: r.code ?? "(none)", name: r.name ?? "(none)", ...sums(r) }));
  const days = p.end_on - p.start_on + 1, e = Math.max(0, Math.min(days, today - p.start_on + 1));
  let yearAgo = null;
  if (today >= p.start_on) {
    const lyFrom = yearBefore(p.start_on), lyTo = yearBefore(last);
    yearAgo = { from: iso(p.start_on), to: iso(last), current: sums(current),
      last_year_from: iso(lyFrom), last_year_to: iso(lyTo),
      last_year: sums(q.yearAgo.get(p.id, lyFrom, lyTo)) };
  }
  return {
    project: { id: p.id, code: p.code, name: p.name, start: iso(p.start_on), end: iso(p.end_on),
      status: p.status },
    as_of: iso(today),
    elapsed: ratioBp(e, days) / 10000,
    totals: sums(total),
    goals: q.goals.all(p.id).map((g) => {
      const a = goalActual(g, p), ratio = RATIO.has(g.metric);
      return { id: g.id, name: g.name, metric: g.metric,
        target: g.target === null ? null : ratio ? g.target / 10000 : g.target,
        start: g.start_on === null ? null : iso(g.start_on),
        due: g.due_on === null ? null : iso(g.due_on),
        actual: a === null ? null : ratio ? a / 10000 : a };
    }),
    breakdowns: by,
    weeks: weeks.map((w) => ({ week: iso(w.monday), ...sums(w.s) })),
    months: months.map((m) => ({
      month: `${Math.floor(m.m / 12)}-${String((m.m % 12) + 1).padStart(2, "0")}`, ...sums(m.s) })),
    year_ago: yearAgo,
  };
}

const PREFIX = "/api/v1/projects/", SUFFIX = "/dashboard";
http
  .createServer((req, res) => {
    if (req.method === "GET" && req.url.startsWith(PREFIX) && req.url.endsWith(SUFFIX)) {
      const body = dashboard(decodeURIComponent(req.url.slice(PREFIX.length, -SUFFIX.length)));
      if (body) {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
        return;
      }
    }
    res.writeHead(404, { "Content-Type": "application/json" });
    res.end('{"error":{"code":"not_found","message":"not found"}}');
  })
  .listen(Number(port), "127.0.0.1", () => console.log(`ready (summary tables built in ${buildMs} ms)`));
