// test_report_figures.mjs - web/src/report-figures.js without a browser: two projects'
// totals and channels side by side with the difference and the change in percent (worked out
// here by hand), a channel only one project used, a ratio's difference in points, no change
// in percent from nothing; the compare answer's two sides whatever it names them; the
// report's download links (format, language, as-of day, the compared project); the goals'
// attainment bars and the segments' share bars in percent with one decimal.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const F = await import(path.join(ROOT, 'web/src/report-figures.js'));

let passed = 0, failed = 0;
function check(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g === w) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}:\n     got  ${g}\n     want ${w}`); }
}
const close = (a, b) => a === b || (a !== null && b !== null && Math.abs(a - b) < 1e-12);
function near(name, got, want) {
  const ok = Object.keys(want).every((k) => close(got[k], want[k]));
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}:\n     got  ${JSON.stringify(got)}\n     want ${JSON.stringify(want)}`); }
}

// --- diffOf: from the first to the second ---
near('a rise and its change', F.diffOf(12000, 15000), { diff: 3000, change: 0.25 });
near('a fall', F.diffOf(12000, 9000), { diff: -3000, change: -0.25 });
near('no change in percent from nothing', F.diffOf(0, 500), { diff: 500, change: null });
near('a missing side has neither', F.diffOf(null, 100), { diff: null, change: null });

// --- totals ---
// left, the project asked about (last quarter): ¥1,200.00 revenue, ¥400.00 margin, 30 units,
//   2 deals won at 50%, no new customer, 0 of 1 goals met
// right, the one compared with (this quarter): ¥1,500.00, ¥600.00, 30 units, 3 won at 75%,
//   2 new customers, 1 of 2 goals
const A = { project: { code: 'Q3' }, totals: { revenue: 120000, margin: 40000, units: 30, deals_won: 2, win_rate: 0.5,
  new_customers: 0, goals_met: 0, goals: 1 },
  channels: [{ code: 'direct', name: '直销', revenue: 80000, margin: 30000, cost: 4000, roi: 6.5 },
    { code: 'dist', name: '经销商', revenue: 40000, margin: 10000, cost: 4000, roi: 1.5 }] };
const B = { project: { code: 'Q4' }, totals: { revenue: 150000, margin: 60000, units: 30, deals_won: 3, win_rate: 0.75,
  new_customers: 2, goals_met: 1, goals: 2 },
  channels: [{ code: 'shop', name: '天猫店', revenue: 50000, margin: 20000, cost: 5000, roi: 3 },
    { code: 'direct', name: '直销', revenue: 100000, margin: 40000, cost: 5000, roi: 7 }] };
const tot = Object.fromEntries(F.compareTotals(A, B).map((r) => [r.key, r]));
check('the totals compared, in order', F.compareTotals(A, B).map((r) => r.key),
  ['revenue', 'margin', 'units', 'deals_won', 'win_rate', 'new_customers', 'goals_met']);
near('revenue: +¥300.00, +25%', tot.revenue, { left: 120000, right: 150000, diff: 30000, change: 0.25 });
near('margin: +¥200.00, +50%', tot.margin, { diff: 20000, change: 0.5 });
near('units: no difference', tot.units, { diff: 0, change: 0 });
near('win rate: 25 points, +50%', tot.win_rate, { diff: 0.25, change: 0.5 });
near('new customers from none: +2, no percent', tot.new_customers, { diff: 2, change: null });
near('the other way round: revenue −¥300.00, −20%', F.compareTotals(B, A)[0], { diff: -30000, change: -0.2 });
check('units carried', [tot.revenue.unit, tot.win_rate.unit, tot.units.unit], ['money', 'ratio', 'count']);
check('a side without totals', F.compareTotals(A, {}).find((r) => r.key === 'revenue'),
  { key: 'revenue', unit: 'money', left: 120000, right: null, diff: null, change: null });

// --- channels ---
const ch = F.compareChannels(A, B);
check('channels: the left one\'s by revenue, then the right one\'s only', ch.map((r) => r.code), ['direct', 'dist', 'shop']);
near('direct: +¥200.00, +25%', ch[0].revenue, { diff: 20000, change: 0.25 });
near('direct: ROI 6.5 to 7', ch[0].roi, { diff: 0.5 });
near('dist, only last quarter: −¥400.00, −100%', ch[1].revenue, { diff: -40000, change: -1 });
check('dist has no right side', ch[1].right, null);
near('shop, only this quarter: all of it, no percent from nothing', ch[2].revenue, { diff: 50000, change: null });
near('shop: no ROI difference without last quarter\'s', ch[2].roi, { diff: null, change: null });
check('no channels', F.compareChannels({}, {}), []);

// --- the compare answer's sides ---
const s2 = F.compareSides({ projects: [A, B], difference: {}, channels: [] });
check('sides of the answer', [s2.left.project.code, s2.right.project.code], ['Q3', 'Q4']);
check('no sides in another answer', F.compareSides({ left: A, right: B }), { left: null, right: null });

// --- links ---
check('the PDF in Chinese', F.reportHref('Q4', { format: 'pdf', lang: 'zh-CN' }), '/api/v1/projects/Q4/report?format=pdf&lang=zh-CN');
check('an interim CSV as of a day', F.reportHref('Q 4', { format: 'csv', lang: 'en', asOf: '2026-11-01' }),
  '/api/v1/projects/Q%204/report?format=csv&lang=en&as_of=2026-11-01');
check('the comparison in Excel', F.reportHref('Q4', { format: 'xlsx', lang: 'en', withCode: 'Q3' }),
  '/api/v1/projects/Q4/report/compare?with=Q3&format=xlsx&lang=en');
check('every format, PDF first', F.FORMATS, ['pdf', 'xlsx', 'html', 'csv', 'json']);

check('a closed report\'s file', F.reportFileName('Q4', { format: 'pdf', interim: false, asOf: '2026-12-31' }), 'Q4-evaluation-2026-12-31.pdf');
check('an interim one\'s, the code made safe byte by byte (华 and 东 are three bytes each)',
  F.reportFileName('华东/Q4', { format: 'json', interim: true, asOf: '2026-11-30' }), '_______Q4-evaluation-interim-2026-11-30.json');
check('a comparison\'s', F.reportFileName('Q4', { format: 'xlsx', asOf: '2026-12-31', withCode: 'Q3' }), 'Q4-vs-Q3-2026-12-31.xlsx');

// --- bars ---
check('attainment bars in percent, one decimal', F.attainmentBars([
  { id: 1, attainment: 1.2345, met: true }, { id: 2, attainment: 0.8, met: false }, { id: 3, attainment: null, met: false }]),
[{ id: 1, value: 123.5, met: true }, { id: 2, value: 80, met: false }, { id: 3, value: null, met: false }]);
check('share bars', F.shareBars([{ code: 'ent', planned_share: 0.6, actual_share: 0.5432 }, { code: 'smb', planned_share: null, actual_share: 0.4568 }]),
  [{ code: 'ent', planned: 60, actual: 54.3 }, { code: 'smb', planned: null, actual: 45.7 }]);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
