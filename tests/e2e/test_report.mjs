// test_report.mjs - the evaluation report (screens/report.js) and the comparison of two
// projects in Chromium, over figures the CLI recorded and this file works out by hand:
//   P1 (closed today): W costs 40.00 and sells at 100.00. 王芳 (rep1) wins three deals through
//   直销 (direct, cost rate 5%) of 4, 3 and 3 units to 中小企业 (smb) and loses one; 李强 (rep2)
//   sells 5 units through 天猫店 (shop, cost rate 10%) to 大型企业 (ent, planned at 60%: 33.3%
//   sold) and has no deal. W's price is cut to 90.00 after. So direct: revenue 1,000.00, margin
//   600.00, cost 50.00, ROI (600 − 50) / 50 = 1100.0%; shop: 500.00, 300.00, 50.00, 500.0%;
//   revenue 1,500.00 against a 2,000.00 goal: 75.0%, missed; 15 units against 12: 125.0%, met;
//   王芳's win rate 3 / 4 = 75.0%, 李强's "—" (no deal closed).
//   P2 (open): 5 units through direct 30 days ago and 3 two days ago: 800.00 today (interim),
//   500.00 as of five days ago.
// A manager reads P1 in zh-CN and in en (the figures above as the reader's language writes
// them, met/missed, the charts drawn, an adjustment and a lesson listed), downloads every
// format (the file's name, its content type and its first bytes: %PDF, a zip's PK, the CSV's
// sections), reads P2 with its interim banner and as of another day (re-read), and compares P1
// with P2 (the totals' and the channels' differences and changes). At phone width nothing
// scrolls sideways (tables scroll inside their card) and the charts fit. A viewer reads it.
// And a full answer with a row in every section (FULL, served in place of the server's) reads
// in both languages: a promotion's lift, ratings with one decimal, nothing to measure as "—".
//
// Needs the merged server: the `eval` helper's GET .../report and .../report/compare (JSON),
// the `closing` helper's `project close` and `lesson add`, the `render` helper's PDF, XLSX,
// HTML and CSV (503 before).
import fs from 'node:fs';
import path from 'node:path';
import { test, assert, run, startServer, shot, cli, isoDay, PASSWORD, assertNoSidewaysScroll, settle } from './lib.mjs';
import { signedIn, get, fmtPct, fmtMoney, sq, PHONE } from './forms.mjs';
import ZH_REASONS from '../../web/src/i18n/reasons.zh-CN.js';

const P1 = 'P1', P2 = 'P2';
const NAMES = { P1: '华东第四季度', P2: '华东第三季度' };
const EXT = { pdf: 'pdf', xlsx: 'xlsx', html: 'html', csv: 'csv', json: 'json' };
const TYPE = {
  pdf: 'application/pdf', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html', csv: 'text/csv', json: 'application/json',
};

function deal(db, title, owner, channel, qty, wonOn) {
  const out = cli(db, ['deal', 'add', P1, '--title', title, '--customer', '华东贸易', '--owner', owner, '--channel', channel, '--segment', 'smb']);
  const id = /added deal (\d+)/.exec(out)[1];
  if (qty) {
    cli(db, ['deal', 'lines', P1, id, '--line', `W:${qty}:100.00`]);
    cli(db, ['deal', 'move', P1, id, 'won', '--won-on', wonOn]);
  } else cli(db, ['deal', 'move', P1, id, 'lost', '--reason', '预算取消']);
}

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['rep2', '李强', 'rep'], ['vw', '高总', 'viewer']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', P1, '--name', NAMES.P1, '--start', isoDay(-60), '--end', isoDay(30), '--status', 'active']);
  cli(db, ['project', 'create', P2, '--name', NAMES.P2, '--start', isoDay(-100), '--end', isoDay(60)]);
  for (const p of [P1, P2]) {
    for (const [login, prole] of [['mgr', 'manager'], ['rep1', 'member'], ['rep2', 'member'], ['vw', 'viewer']])
      cli(db, ['member', 'add', p, login, '--role', prole]);
  }
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct', '--cost-rate', '5']);
  cli(db, ['channel', 'add', 'shop', '--name', '天猫店', '--type', 'ecommerce', '--cost-rate', '10']);
  cli(db, ['product', 'add', 'W', '--name', '智能手表', '--cost', '40.00', '--price', '100.00', '--effective', isoDay(-200)]);
  const dir = path.dirname(pw);
  const csv = (name, rows, header = 'date,customer,product,channel,rep,quantity,unit_price') => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, [header, ...rows].join('\n') + '\n');
    return f;
  };
  cli(db, ['segment', 'add', 'ent', '--name', '大型企业']);
  cli(db, ['segment', 'add', 'smb', '--name', '中小企业']);
  cli(db, ['strategy', 'segment', P1, 'ent', '--share', '60']);
  cli(db, ['sale', 'import', P1, csv('p1.csv', [`${isoDay(-20)},华东贸易,W,shop,rep2,5,100.00,ent`],
    'date,customer,product,channel,rep,quantity,unit_price,segment')]);
  deal(db, '华东贸易手表一期', 'rep1', 'direct', 4, isoDay(-12));
  deal(db, '华东贸易手表二期', 'rep1', 'direct', 3, isoDay(-11));
  deal(db, '华东贸易手表三期', 'rep1', 'direct', 3, isoDay(-10));
  deal(db, '华东贸易网关', 'rep1', 'direct', 0);
  cli(db, ['goal', 'add', P1, '--metric', 'revenue', '--target', '2000.00', '--start', isoDay(-60), '--due', isoDay(30), '--name', '季度收入']);
  cli(db, ['goal', 'add', P1, '--metric', 'units', '--target', '12', '--start', isoDay(-60), '--due', isoDay(30), '--name', '季度销量']);
  cli(db, ['task', 'add', P1, '--title', '渠道培训', '--assignee', 'rep1', '--start', isoDay(5), '--due', isoDay(10)]);
  const task = JSON.parse(cli(db, ['task', 'list', P1, '--json'])).tasks[0];
  cli(db, ['adjust', P1, '--kind', 'plan', '--record', String(task.id), '--set', `due=${isoDay(12)}`, '--reason', '培训讲师改期']);
  // W's price cut after the project's last sale: a price change with nothing sold since
  cli(db, ['adjust', P1, '--kind', 'price', '--record', 'W', '--set', 'price=90.00', '--set', `effective=${isoDay(-5)}`, '--reason', '清库存']);
  cli(db, ['lesson', 'add', P1, '--kind', 'went_well', '--text', '直销团队赢单率高'], { as: 'mgr' });
  cli(db, ['project', 'close', P1, '--note', '季度结束'], { as: 'mgr' });
  cli(db, ['sale', 'import', P2, csv('p2.csv', [`${isoDay(-30)},华东贸易,W,direct,rep1,5,100.00`, `${isoDay(-2)},华东贸易,W,direct,rep1,3,100.00`])]);
}

// The text of a cell, without spaces (Intl puts narrow spaces in some languages' amounts).
// A change in percent, signed, as Intl writes it.
const fmtChange = (lang, r) => new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(r);
const cell = async (page, sel) => sq(await page.locator(sel).first().textContent());

async function openReport(page, code, query = '') {
  await page.go(`#/p/${code}/report${query}`);
  await page.locator('#report').waitFor();
  await settle(page);
}

// The figures of P1 as the reader's language writes them.
async function checkP1(page, lang) {
  const T = page.T;
  assert(await page.locator('#rep-interim').count() === 0, 'a closed project\'s report is not interim');
  assert(await page.locator('#report').getAttribute('data-interim') === 'false', 'data-interim is false');
  assert(await page.locator('#rep-as-of').count() === 0, 'no as-of control on a closed project');
  // totals
  assert(await cell(page, '#rep-totals [data-total=revenue] .kpi-value') === sq(fmtMoney(lang, 150000)), 'total revenue 1,500.00');
  // goals: the revenue goal 75.0% missed, the units goal 125.0% met
  const goalRow = (name) => page.locator('#rep-goal-table tbody tr', { hasText: name });
  assert(sq(await goalRow('季度收入').locator('.rep-attainment').textContent()) === sq(fmtPct(lang, 0.75)), 'the revenue goal: 75.0%');
  assert(await goalRow('季度收入').locator('.rep-badge').getAttribute('data-met') === 'false', 'the revenue goal is missed');
  assert(sq(await goalRow('季度收入').locator('.rep-badge').textContent()) === sq(T['report.missed']), 'missed in words');
  assert(sq(await goalRow('季度销量').locator('.rep-attainment').textContent()) === sq(fmtPct(lang, 1.25)), 'the units goal: 125.0%');
  assert(sq(await goalRow('季度销量').locator('.rep-badge').textContent()) === sq(T['report.met']), 'the units goal is met');
  assert(await page.locator('#rep-goals .rep-hbar').getAttribute('data-bars') === '2', 'two bars of attainment');
  assert(await page.locator('#rep-goals .rep-hbar canvas').count() === 1, 'the attainment chart is drawn');
  // channels: revenue and ROI
  assert(await cell(page, '#rep-channel-table tr[data-channel=direct] [data-col=revenue]') === sq(fmtMoney(lang, 100000)), 'direct: revenue 1,000.00');
  assert(await cell(page, '#rep-channel-table tr[data-channel=direct] [data-col=margin]') === sq(fmtMoney(lang, 60000)), 'direct: margin 600.00');
  assert(await cell(page, '#rep-channel-table tr[data-channel=direct] [data-col=cost]') === sq(fmtMoney(lang, 5000)), 'direct: cost 50.00');
  assert(await cell(page, '#rep-channel-table tr[data-channel=direct] [data-col=roi]') === sq(fmtPct(lang, 11)), 'direct: ROI 1100.0%');
  assert(await cell(page, '#rep-channel-table tr[data-channel=shop] [data-col=revenue]') === sq(fmtMoney(lang, 50000)), 'shop: revenue 500.00');
  assert(await cell(page, '#rep-channel-table tr[data-channel=shop] [data-col=roi]') === sq(fmtPct(lang, 5)), 'shop: ROI 500.0%');
  assert(await page.locator('#rep-channels .rep-chart canvas').count() === 1, 'the channels chart is drawn');
  // team: 王芳 won 3 of 4; 李强 closed none
  assert(await cell(page, '#rep-team-table tr[data-member=rep1] [data-col=win_rate]') === sq(fmtPct(lang, 0.75)), 'rep1: win rate 75.0%');
  assert(await cell(page, '#rep-team-table tr[data-member=rep1] [data-col=revenue]') === sq(fmtMoney(lang, 100000)), 'rep1: revenue 1,000.00');
  assert(await cell(page, '#rep-team-table tr[data-member=rep2] [data-col=win_rate]') === '—', 'rep2: no win rate');
  assert(await cell(page, '#rep-team-table tr[data-member=rep2] [data-col=revenue]') === sq(fmtMoney(lang, 50000)), 'rep2: revenue 500.00');
  // the adjustment and the lesson
  // segments: 大型企业 planned at 60%, 500.00 of 1,500.00 sold in it: 33.3%
  assert(await cell(page, '#rep-segment-table tr[data-segment=ent] [data-col=planned]') === sq(fmtPct(lang, 0.6)), 'ent: planned 60.0%');
  assert(await cell(page, '#rep-segment-table tr[data-segment=ent] [data-col=actual]') === sq(fmtPct(lang, 500 / 1500)), 'ent: actual 33.3%');
  // the price cut: 100.00 before, 90.00 after, on its day
  const price = '#rep-price-table tr[data-sku=W]';
  assert(await cell(page, `${price} [data-col=before]`) === sq(fmtMoney(lang, 10000)), 'W: 100.00 before');
  assert(await cell(page, `${price} [data-col=after]`) === sq(fmtMoney(lang, 9000)), 'W: 90.00 after');
  assert(await page.locator(price).getAttribute('data-changed') === isoDay(-5), 'W: changed five days ago');
  // the adjustments: the task's due day moved, with its reason, and the price cut
  const adj = page.locator('#rep-adjustment-table tbody tr', { hasText: '培训讲师改期' });
  assert(await adj.count() === 1 && (await adj.textContent()).includes(isoDay(12)), 'the task\'s adjustment: its reason and new due day');
  assert(await page.locator('#rep-adjustment-table tbody tr', { hasText: '清库存' }).count() === 1, 'the price\'s adjustment');
  const lesson = page.locator('#rep-lessons .rep-lesson-went_well li');
  assert(await lesson.count() === 1 && (await lesson.textContent()).includes('直销团队赢单率高'), 'the lesson under "went well"');
  assert(await page.locator('#rep-lessons-link').getAttribute('href') === `#/p/${P1}/lessons`, 'the lessons screen is linked');
  // every heading in the reader's language: no catalog key shown raw
  const text = await page.locator('#report').textContent();
  assert(!/report\.[a-z_]+/.test(text), `a raw key on the page: ${/report\.[a-z_.]+/.exec(text)}`);
}

// Click each download button: the file's name, its bytes; the same URL's content type. Every
// format is tried; the failures are reported together, each by its format.
async function checkDownloads(page, code, { interim = false, asOf = '' } = {}) {
  const lang = page.lang;
  const bad = [];
  for (const f of Object.keys(EXT)) {
    try { await checkDownload(page, code, f, lang, interim, asOf); } catch (e) { bad.push(e.message); }
  }
  assert(bad.length === 0, bad.join('; '));
}

async function checkDownload(page, code, f, lang, interim, asOf) {
  const a = page.locator('#rep-dl-' + f);
  const href = await a.getAttribute('href');
  const u = new URL(href, page.base);
  assert(u.searchParams.get('format') === f && u.searchParams.get('lang') === lang, `${f}: ${href}`);
  if (asOf) assert(u.searchParams.get('as_of') === asOf, `${f}: as of ${asOf} in ${href}`);
  const type = await page.evaluate(async (url) => {
    const r = await fetch(url);
    return `${r.status} ${r.headers.get('Content-Type')}`;
  }, href);
  assert(type.startsWith('200 ' + TYPE[f]), `${f}: ${type}`);
  const [dl] = await Promise.all([page.waitForEvent('download'), a.click()]);
  const name = dl.suggestedFilename();
  const day = asOf || isoDay(0);
  assert(name === `${code}-evaluation${interim ? '-interim' : ''}-${day}.${EXT[f]}`, `${f}: the file is named ${name}`);
  const bytes = fs.readFileSync(await dl.path());
  const head = bytes.subarray(0, 4).toString('latin1');
  if (f === 'pdf') assert(head === '%PDF', `the PDF starts with ${JSON.stringify(head)}`);
  if (f === 'xlsx') assert(head.startsWith('PK'), `the workbook is a zip: ${JSON.stringify(head)}`);
  if (f === 'html') assert(/<html/i.test(bytes.toString('utf8')) && bytes.toString('utf8').includes(NAMES[code]), `the HTML is ${code}'s page`);
  if (f === 'json') {
    const ev = JSON.parse(bytes.toString('utf8'));
    assert(ev.project.code === code && ev.interim === interim && ev.as_of === day, `the JSON is the report of ${code} as of ${day}`);
  }
  if (f === 'csv') {
    const csv = bytes.toString('utf8').replace(/^\uFEFF/, '');
    // its sections: goals, channels, team (their rows' names) and more than one block
    if (code === P1) for (const s of ['季度收入', '直销', '天猫店', '王芳']) assert(csv.includes(s), `the CSV has ${s}`);
    const blocks = csv.split(/\r?\n\s*\r?\n/).filter((b) => b.trim());
    assert(blocks.length >= 4, `the CSV has its sections (${blocks.length} blocks)`);
  }
}

// A full answer of the contract's shape with a row in every section, served in place of the
// server's (its figures here are the test's own): what the real data above leaves empty (a
// promotion) and every kind of value the screen writes (a daily amount, a lift, a rating with
// one decimal, nothing as "—", each kind of lesson).
const FULL = {
  project: { code: P1, name: '华东第四季度', currency: 'CNY', start: '2026-10-01', end: '2026-12-31', status: 'closed', closed_at: '2026-12-31T09:00:00Z' },
  interim: false, as_of: '2026-12-31', generated_at: '2027-01-02T01:00:00Z',
  goals: [{ id: 7, name: '季度收入', metric: 'revenue', unit: 'money', target: 200000, actual: 150000, attainment: 0.75, met: false, due: '2026-12-31', status: 'off_track' }],
  channels: [{ code: 'direct', name: '直销', revenue: 100000, margin: 60000, cost: 5000, roi: 11 }],
  promotions: [{ code: 'P618', name: '年中大促', revenue: 30000, baseline_daily: 1000, promo_daily: 1500, lift: 0.5, discount: 3000, budget: 10000, roi: 1.2 }],
  prices: [{ sku: 'W', name: '智能手表', changed_on: '2026-11-20', before_price: 10000, after_price: 9000, window_days: 20, units_before: 200, units_after: 280, revenue_before: 2000000, revenue_after: 2520000 }],
  segments: [{ code: 'ent', name: '大型企业', planned_share: 0.6, actual_share: 0.55, revenue: 82500 }],
  team: [{ login: 'rep1', name: '王芳', quota: 120000, revenue: 100000, attainment: 0.8333, deals_won: 3, deals_lost: 1, win_rate: 0.75, cycle_days: 12.5,
    activities: 14, rating: 4.5, ratings: 4, problems_resolved: 3, problems_in_sla: 2, in_sla_rate: 2 / 3, teamwork: 4.2, reviews: 3 },
  { login: 'rep2', name: '李强', quota: null, revenue: 50000, attainment: null, deals_won: 0, deals_lost: 0, win_rate: null, cycle_days: null,
    activities: 0, rating: null, ratings: 0, problems_resolved: 0, problems_in_sla: 0, in_sla_rate: null, teamwork: null, reviews: 0 }],
  adjustments: [{ id: 3, kind: 'plan', record: '1', field: 'due', before: '2026-12-10', after: '2026-12-12', reason: '培训讲师改期', by: 'mgr', at: '2026-11-29T08:00:00Z' },
    { id: 4, kind: 'project', record: 'P1', field: 'status', before: 'closed', after: 'active', reason: '补录回款', by: 'mgr', at: '2026-12-20T08:00:00Z' },
    { id: 5, kind: 'quota', record: '1', field: 'rep1', before: '100000.00', after: '90000.00', reason: '年终复盘', by: 'mgr', at: '2027-01-05T08:00:00Z', after_close: true }],
  lessons: [{ id: 1, kind: 'went_well', text: '直销团队赢单率高', by: 'mgr', at: '2026-12-30T08:00:00Z' },
    { id: 2, kind: 'to_improve', text: '备货不足', by: 'rep1', at: '2026-12-30T09:00:00Z' }, { id: 3, kind: 'next_time', text: '提前备货', by: 'rep2', at: '2026-12-30T10:00:00Z' }],
  totals: { revenue: 150000, margin: 90000, units: 15, deals_won: 3, win_rate: 0.75, new_customers: 1, goals_met: 0, goals: 1 },
};

run(async (browser) => {
  const server = await startServer({ setup, name: 'report' });
  try {
    for (const lang of ['zh-CN', 'en']) {
      await test(`${lang}: a manager reads the closed project's report, with figures worked out by hand`, [], async () => {
        const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
        await page.go('#/p/' + P1);
        await page.click('#nav-report');
        await page.locator('.page-head h1', { hasText: page.T['report.title'] }).waitFor();
        await page.locator('#report').waitFor();
        await settle(page);
        await checkP1(page, lang);
        await shot(page, `report-${lang}`);
        assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
        await ctx.close();
      });
    }
    await test('zh-CN: every download button gives its file (PDF, Excel, HTML, CSV, JSON)', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
      await openReport(page, P1);
      await checkDownloads(page, P1);
      await ctx.close();
    });
    await test('zh-CN: a download the server refuses (503 pdf_unavailable) is said in a banner, and nothing is saved', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
      await openReport(page, P1);
      const refused = { error: { code: 'unavailable', message: 'a PDF needs libcairo.so.2', field: null,
        reason: 'pdf_unavailable', params: { library: 'libcairo.so.2' } } };
      const pdf = /\/api\/v1\/projects\/P1\/report\?.*format=pdf/;
      await page.route(pdf, (r) => r.fulfill({ status: 503, json: refused }));
      let saved = 0;
      page.on('download', () => { saved += 1; });
      await page.locator('#rep-dl-pdf').click();
      const banner = page.locator('#rep-dl-error .banner-error');
      await banner.waitFor();
      assert(await banner.getAttribute('data-reason') === 'pdf_unavailable', 'the reason kept');
      const said = sq(await banner.locator('.banner-text').textContent());
      const want = sq(ZH_REASONS['reason.pdf_unavailable'].replace('{library}', 'libcairo.so.2'));
      assert(said === want, `the refusal in Chinese: ${said}`);
      await page.waitForTimeout(300);
      assert(saved === 0, 'the error body is not saved as a PDF');
      // the server answers again: the same button saves the PDF, the banner goes
      await page.unroute(pdf);
      const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#rep-dl-pdf').click()]);
      assert(fs.readFileSync(await dl.path()).subarray(0, 4).toString('latin1') === '%PDF', 'then the PDF itself');
      assert(dl.suggestedFilename() === `${P1}-evaluation-${isoDay(0)}.pdf`, `named ${dl.suggestedFilename()}`);
      await page.locator('#rep-dl-error').waitFor({ state: 'detached' });
      const problems = page.problems.filter((x) => !/status of 503/.test(x));
      assert(problems.length === 0, `page problems: ${problems.join('; ')}`);
      await ctx.close();
    });
    await test('en: an open project\'s report is interim, and reads as of another day', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'en' });
      await openReport(page, P2);
      const T = page.T;
      const banner = page.locator('#rep-interim');
      await banner.waitFor();
      assert(sq(await banner.textContent()).startsWith(sq(T['report.interim'].split('{')[0])), 'the interim banner in English');
      assert(await page.locator('#report').getAttribute('data-as-of') === isoDay(0), 'as of today');
      assert(await cell(page, '#rep-totals [data-total=revenue] .kpi-value') === sq(fmtMoney('en', 80000)), 'P2 today: 800.00');
      // five days ago the second sale had not happened
      await page.locator('#rep-as-of input').fill(isoDay(-5));
      await page.locator('#rep-as-of input').dispatchEvent('change');
      await page.waitForFunction((d) => document.querySelector('#report')?.dataset.asOf === d, isoDay(-5));
      await settle(page);
      assert(await cell(page, '#rep-totals [data-total=revenue] .kpi-value') === sq(fmtMoney('en', 50000)), 'P2 as of five days ago: 500.00');
      assert((await page.locator('#rep-as-of-text').textContent()).length > 0, 'the day it is as of is said');
      // a day that does not exist: refused, the field named in English, the day still to be changed
      await page.goto(page.base + `/#/p/${P2}/report?as_of=2026-02-30`);
      const err = page.locator('.banner-error');
      await err.waitFor();
      assert(await err.getAttribute('data-field') === 'as_of', 'the error names as_of');
      const said = await err.locator('.banner-text').textContent();
      assert(said.startsWith('As of') && said.includes('2026-02-30') && !/[\u4e00-\u9fff]/.test(said), `the error in English, naming the field: ${said}`);
      await page.locator('#rep-as-of input').fill(isoDay(-1));
      await page.locator('#rep-as-of input').dispatchEvent('change');
      await page.waitForFunction((d) => document.querySelector('#report')?.dataset.asOf === d, isoDay(-1));
      assert(page.problems.filter((x) => !/422/.test(x)).length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
    await test('en: the interim report\'s files, as of the day chosen', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'en' });
      await openReport(page, P2, `?as_of=${isoDay(-5)}`);
      await checkDownloads(page, P2, { interim: true, asOf: isoDay(-5) });
      await ctx.close();
    });
    for (const lang of ['zh-CN', 'en']) {
      await test(`${lang}: P1 compared with P2 (totals and channels, difference and change)`, [], async () => {
        const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
        await openReport(page, P1);
        await page.locator('#rep-compare select').selectOption(P2);
        await page.locator('#rep-compare-view').waitFor();
        await settle(page);
        assert(await page.locator('#rep-compare-view').getAttribute('data-right') === P2, 'compared with P2');
        const row = (sel, col) => cell(page, `${sel} [data-col=${col}]`);
        const rev = '#rep-compare-total-table tr[data-total=revenue]';
        assert(await row(rev, 'left') === sq(fmtMoney(lang, 150000)), 'P1 revenue');
        assert(await row(rev, 'right') === sq(fmtMoney(lang, 80000)), 'P2 revenue');
        // from P1 to P2 (the server's files read the same way): 800.00 − 1,500.00 = −700.00, 800 / 1500 − 1 = −46.7%
        assert(await row(rev, 'diff') === sq(fmtMoney(lang, -70000)), `revenue difference −700.00: ${await row(rev, 'diff')}`);
        assert(await row(rev, 'change') === sq(fmtChange(lang, 800 / 1500 - 1)), `revenue change −46.7%: ${await row(rev, 'change')}`);
        const api = await get(page, `/api/v1/projects/${P1}/report/compare?with=${P2}&format=json`);
        assert(api.difference.revenue === -70000, `the server's difference agrees: ${api.difference.revenue}`);
        // direct: 1,000.00 to 800.00: −200.00, −20.0%; shop: 500.00 to none: −500.00, −100.0%
        const direct = '#rep-compare-channel-table tr[data-channel=direct]';
        assert(await row(direct, 'diff') === sq(fmtMoney(lang, -20000)), 'direct: −200.00');
        assert(await row(direct, 'change') === sq(fmtChange(lang, -0.2)), 'direct: −20.0%');
        const shop = '#rep-compare-channel-table tr[data-channel=shop]';
        assert(await row(shop, 'right') === '—', 'shop: P2 had none');
        assert(await row(shop, 'diff') === sq(fmtMoney(lang, -50000)) && await row(shop, 'change') === sq(fmtChange(lang, -1)), 'shop: −500.00, −100.0%');
        assert(await page.locator('#rep-compare-channels canvas').count() === 1, 'the channels chart is drawn');
        const href = await page.locator('#rep-dl-xlsx').getAttribute('href');
        assert(href.includes(`/report/compare?with=${P2}&format=xlsx&lang=${lang}`), `the comparison's Excel: ${href}`);
        if (lang === 'zh-CN') {
          const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#rep-dl-pdf').click()]);
          const bytes = fs.readFileSync(await dl.path());
          assert(bytes.subarray(0, 4).toString('latin1') === '%PDF', 'the comparison\'s PDF');
        }
        await shot(page, `report-compare-${lang}`);
        assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
        await ctx.close();
      });
    }
    await test('phone (390 px): nothing scrolls sideways, tables scroll in their card, charts fit', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN', viewport: PHONE });
      await openReport(page, P1);
      await assertNoSidewaysScroll(page, 'the report');
      const team = page.locator('#rep-team .rep-table-wrap');
      const sw = await team.evaluate((el) => [el.scrollWidth, el.clientWidth]);
      assert(sw[0] > sw[1], `the team table scrolls inside its card (${sw})`);
      for (const c of await page.locator('#report .chart').all()) {
        const box = await c.boundingBox();
        assert(box.width <= PHONE.width && box.width > 200, `a chart is ${box.width}px wide on a ${PHONE.width}px phone`);
        const canvas = await c.locator('canvas').boundingBox();
        assert(canvas && Math.abs(canvas.width - box.width) < 2, 'the chart is drawn to its box');
      }
      await checkP1(page, 'zh-CN');
      await shot(page, 'report-phone');
      await page.locator('#rep-compare select').selectOption(P2);
      await page.locator('#rep-compare-view').waitFor();
      await settle(page);
      await assertNoSidewaysScroll(page, 'the comparison');
      // a day that does not exist, in Chinese: the field named, the day control still there
      await page.goto(page.base + `/#/p/${P2}/report?as_of=2026-02-30`);
      const err = page.locator('.banner-error .banner-text');
      await err.waitFor();
      assert((await err.textContent()).includes('截至日期'), `the error names the day: ${await err.textContent()}`);
      assert(await page.locator('#rep-as-of input').count() === 1, 'the day can be changed');
      await assertNoSidewaysScroll(page, 'the refused day');
      await ctx.close();
    });
    for (const lang of ['zh-CN', 'en']) {
      await test(`${lang}: every section of a full answer reads (promotions, one decimal, nothing as —, each kind of lesson)`, [], async () => {
        const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
        await page.route(/\/api\/v1\/projects\/P1\/report\?/, (r) => r.fulfill({ json: FULL }));
        await openReport(page, P1);
        const promo = '#rep-promotion-table tr[data-promotion=P618]';
        const one = (v) => new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
        assert(await cell(page, `${promo} [data-col=lift]`) === sq(fmtChange(lang, 0.5)), 'the promotion\'s lift +50.0%');
        assert(await cell(page, `${promo} [data-col=roi]`) === sq(fmtPct(lang, 1.2)), 'its ROI 120.0%');
        assert((await cell(page, promo)).includes(sq(fmtMoney(lang, 1500))), 'its daily revenue during: 15.00');
        const rep1 = '#rep-team-table tr[data-member=rep1]', rep2 = '#rep-team-table tr[data-member=rep2]';
        assert(await cell(page, `${rep1} [data-col=teamwork]`) === sq(one(4.2)), 'teamwork 4.2');
        assert(await cell(page, `${rep1} [data-col=in_sla]`) === sq(fmtPct(lang, 2 / 3)), '2 of 3 problems in SLA: 66.7%');
        assert(await cell(page, `${rep1} [data-col=attainment]`) === sq(fmtPct(lang, 0.8333)), 'quota attained 83.3%');
        for (const col of ['attainment', 'win_rate', 'in_sla', 'teamwork'])
          assert(await cell(page, `${rep2} [data-col=${col}]`) === '—', `李强's ${col}: nothing to measure reads —`);
        for (const k of ['went_well', 'to_improve', 'next_time']) {
          const col = page.locator(`#rep-lessons [data-kind=${k}]`);
          assert(await col.locator('li').count() === 1, `one lesson under ${k}`);
          assert(sq(await col.locator('h4').textContent()).startsWith(sq(page.T['ent.lesson.kind.' + k])), `${k} is titled in the reader's language`);
        }
        assert(await page.locator('#rep-prices tbody tr').count() === 1 && await page.locator('#rep-segments canvas').count() === 1,
          'the price change and the segments\' chart');
        // a reopening's status in words, as the adjustments timeline says it (not closed → active)
        const reopened = await cell(page, '#rep-adjustment-table tr[data-adjustment="4"] [data-col=change]');
        assert(reopened === sq(`${page.T['pstatus.closed']} → ${page.T['pstatus.active']}`), `the reopening reads ${reopened}`);
        assert(await cell(page, '#rep-adjustment-table tr[data-adjustment="3"] [data-col=change]') === sq('2026-12-10 → 2026-12-12'), 'a day as kept');
        // a quota moved after closing: the member named, and marked as made after the close
        const quota = await cell(page, '#rep-adjustment-table tr[data-adjustment="5"] td:nth-child(2)');
        assert(quota.includes(sq(page.T['adjust.quota_of'].replace('{who}', 'rep1'))) && quota.includes(sq(page.T['report.after_close'])),
          `a quota adjustment after closing reads ${quota}`);
        assert(await page.locator('#rep-adjustment-table tr[data-adjustment="3"]', { hasText: page.T['report.after_close'] }).count() === 0,
          'one made before closing is not marked');
        assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
        await ctx.close();
      });
    }
    await test('a viewer reads the report and compares it (nothing to write)', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
      await page.go('#/p/' + P1);
      await page.click('#nav-report');
      await page.locator('#report').waitFor();
      await settle(page);
      await checkP1(page, 'en');
      assert(await page.locator('#report form, #report button.btn-primary, #report textarea').count() === 0, 'no write control');
      const ev = await get(page, `/api/v1/projects/${P1}/report?format=json`);
      assert(ev.project.code === P1, 'the viewer reads the JSON too');
      // the one choice here: the project to compare with (every one the viewer may read)
      const offered = (await page.locator('#rep-compare select option').evaluateAll((os) => os.map((o) => o.value))).filter(Boolean);
      assert(offered.join() === P2, `the viewer may compare with ${offered}`);
      await page.locator('#rep-compare select').selectOption(P2);
      await page.locator('#rep-compare-view').waitFor();
      await settle(page);
      assert(await cell(page, '#rep-compare-total-table tr[data-total=revenue] [data-col=diff]') === sq(fmtMoney('en', -70000)), 'the viewer\'s comparison');
      await ctx.close();
    });
  } finally {
    server.stop();
  }
});
