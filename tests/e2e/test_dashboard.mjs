// test_dashboard.mjs - the project's sales analysis screen in Chromium, over the 华信科技 demo:
// reached from the project's navigation; headline figures, the year-on-year change, the
// breakdown tables and the monthly trend equal sums computed here from the raw sales (the CSV
// export of every project, not the rollups the screen reads); names with codes on hover;
// sorting; every kind of figure (headline, table row, chart bar, trend period, segment) opens the
// sales or customers behind it; an empty project; who may see it; and the charts' first date
// label is the project's start in a browser at UTC+8 and at UTC-8, and "today" is the
// workspace's day, not the browser's. In zh-CN and en. Prints "N passed, N failed".
import {
  test, assert, run, startServer, newPage, login, gotoScreen, settle, shot, setCurrentPage, CATALOG, LANGS,
  DEMO_ADMIN_PASSWORD, DEMO_PASSWORD, TIMEOUT, DESKTOP, moneyText, squash,
} from './lib.mjs';
import { recordCanvasText, axisLabels, canvasTexts } from './charts.mjs';
import { exportedSales, sums, cookieOf } from './sales-csv.mjs';

const PROJECTS = ['FY', 'FY-PREV', 'LAUNCH', 'NEXT-Q1'];

// Formatting a user would read, done here with Intl directly (not with the UI's format.js).
const pctText = (lang, r) => new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(r);
const changeText = (lang, r) => new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(r);
const intText = (lang, n) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(n);
const utc = (s) => { const [y, m, d] = s.split('-').map(Number); return new Date(Date.UTC(y, m - 1, d)); };
const shortDay = (lang, s) => new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(utc(s));
const longDay = (lang, s) => new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(utc(s));
const monthLong = (lang, ym) => new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(utc(ym + '-01'));
const monthShort = (lang, ym) => new Intl.DateTimeFormat(lang, { month: 'short', timeZone: 'UTC' }).format(utc(ym + '-01'));
const yearBefore = (s) => { const [y, m, d] = s.split('-'); return `${Number(y) - 1}-${m}-${m === '02' && d === '29' ? '28' : d}`; };
const lastDay = (ym) => { const [y, m] = ym.split('-').map(Number); return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10); };
const money = (lang, cents) => moneyText(lang, cents / 100);

// The pager's "1–25 of N" with the expected total, as a pattern over the catalog's own wording.
function pagerPattern(T, total) {
  const esc = T['pager.range'].replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp('^' + esc.replace('{from}', '\\d+').replace('{to}', '\\d+').replace('{total}', String(total)) + '$');
}

async function signIn(page, base, user) {
  await login(page, base, user, user === 'admin' ? DEMO_ADMIN_PASSWORD : DEMO_PASSWORD);
}

async function apiGet(page, path) {
  return page.evaluate(async (p) => (await fetch('/api/v1' + p)).json(), path);
}

// --- the scenario, once per language ----------------------------------------------------------

async function scenario(browser, s, lang, data) {
  const T = CATALOG[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { page, ctx } = await newPage(browser, { lang, viewport: DESKTOP });
  await recordCanvasText(ctx);
  const fy = data.project;
  const fySales = data.sales.FY;
  const total = sums(fySales);

  await test(`${lang}: the project's navigation leads to its analysis`, [], async () => {
    await signIn(page, s.base, 'admin');
    await gotoScreen(page, s.base, '#/p/FY');
    await page.click('#nav-analysis');
    await page.waitForURL(/#\/p\/FY\/analysis$/);
    await page.getByRole('heading', { name: T['dash.title'], level: 1 }).waitFor();
    await settle(page);
    assert(await page.locator('#nav-analysis').getAttribute('aria-current') === 'page', 'the nav marks the analysis as the current page');
    const sub = squash(await page.locator('.page-head p').textContent());
    assert(sub.includes(squash(fy.name)) && sub.includes(squash(longDay(lang, fy.start))), `subtitle names the project and its start: ${sub}`);
    await shot(page, `dashboard-${L}-1440`);
  });

  await test(`${lang}: headline figures equal the sums of the raw sales`, [`${lang}: the project's navigation leads to its analysis`], async () => {
    const kpi = (k) => page.locator(`#kpis [data-kpi=${k}]`);
    const title = async (k) => squash(await kpi(k).getAttribute('title'));
    assert((await title('revenue')).endsWith(squash(money(lang, total.amount))), `revenue ${await title('revenue')} != ${money(lang, total.amount)}`);
    assert((await title('units')).endsWith(squash(intText(lang, total.units))), `units ${await title('units')} != ${total.units}`);
    assert((await title('lines')).endsWith(squash(intText(lang, total.lines))), `lines ${await title('lines')} != ${total.lines}`);
    const avg = Math.round(total.amount / total.lines);
    assert((await title('avg_sale')).endsWith(squash(money(lang, avg))), `average sale ${await title('avg_sale')} != ${money(lang, avg)}`);
    // this year so far against the same dates a year earlier, same products, every project
    const asOf = await page.locator('.dashboard').getAttribute('data-as-of');
    const to = asOf < fy.end ? asOf : fy.end;
    const cur = sums(fySales.filter((x) => x.date <= to));
    const products = new Set(fySales.map((x) => x.product));
    const lfrom = yearBefore(fy.start), lto = yearBefore(to);
    const ly = sums(PROJECTS.flatMap((p) => data.sales[p]).filter((x) => x.date >= lfrom && x.date <= lto && products.has(x.product)));
    assert(ly.amount > 0, 'the demo has sales a year before');
    const want = changeText(lang, cur.amount / ly.amount - 1);
    const got = await kpi('revenue').locator('.delta').textContent();
    assert(squash(got) === squash(want), `revenue vs last year shows ${got}, want ${want} (${cur.amount} vs ${ly.amount})`);
    const wantUnits = changeText(lang, cur.units / ly.units - 1);
    const gotUnits = await kpi('units').locator('.delta').textContent();
    assert(squash(gotUnits) === squash(wantUnits), `units vs last year shows ${gotUnits}, want ${wantUnits}`);
    // the project's unscoped whole-year revenue goal is the target
    const goal = data.goals.find((g) => g.metric === 'revenue' && g.start === fy.start && g.due === fy.end && !Object.values(g.scope || {}).some(Boolean));
    const targetText = await kpi('revenue').locator('.kpi-target').textContent();
    assert(targetText.includes(T['dash.target']) && targetText.includes(pctText(lang, goal.progress)), `revenue target line: ${targetText}`);
  });

  await test(`${lang}: breakdown tables show names, codes on hover, exact sums and shares`, [`${lang}: the project's navigation leads to its analysis`], async () => {
    const channels = (await apiGet(page, '/channels')).channels;
    const rows = page.locator('#breakdown-channel tbody tr');
    const n = await rows.count();
    const byCode = new Map();
    for (const x of fySales) byCode.set(x.channel, (byCode.get(x.channel) || 0) + x.amount);
    assert(n === byCode.size, `the channel table has ${n} rows, the sales ${byCode.size} channels`);
    for (let i = 0; i < n; i++) {
      const row = rows.nth(i);
      const code = await row.getAttribute('data-code');
      const link = row.locator('td').first().locator('a');
      const name = channels.find((c) => c.code === code).name;
      assert((await link.textContent()) === name, `row ${code} shows "${await link.textContent()}", want the name "${name}"`);
      assert((await link.getAttribute('title')) === code, `row ${code}: the code on hover`);
      const cells = await row.locator('td').allTextContents();
      assert(squash(cells[1]) === squash(money(lang, byCode.get(code))), `${code} revenue ${cells[1]} != ${money(lang, byCode.get(code))}`);
      assert(squash(cells[2]).endsWith(squash(pctText(lang, byCode.get(code) / total.amount))), `${code} share ${cells[2]}`);
    }
    // reps by name: the top rep's name is the user's name, their login on hover
    const users = (await apiGet(page, '/users')).users;
    const top = page.locator('#breakdown-rep tbody tr').first().locator('td a');
    const login = await top.getAttribute('title');
    assert((await top.textContent()) === users.find((u) => u.login === login).name, 'a rep is shown by name');
  });

  await test(`${lang}: sorting a breakdown table`, [`${lang}: breakdown tables show names, codes on hover, exact sums and shares`], async () => {
    const table = page.locator('#breakdown-product');
    await table.locator('button[data-sort=units]').click();
    const units = (await table.locator('tbody tr td:nth-child(6)').allTextContents()).map((x) => Number(x.replace(/[^\d]/g, '')));
    assert(units.every((v, i) => i === 0 || units[i - 1] >= v), `units sorted high to low: ${units}`);
    assert(await table.locator('th[aria-sort=descending] button[data-sort=units]').count() === 1, 'the sorted column says so');
    await table.locator('button[data-sort=units]').click();
    const up = (await table.locator('tbody tr td:nth-child(6)').allTextContents()).map((x) => Number(x.replace(/[^\d]/g, '')));
    assert(up.every((v, i) => i === 0 || up[i - 1] <= v), `units sorted low to high: ${up}`);
    // all 45 products on demand
    const all = new Set(fySales.map((x) => x.product)).size;
    await table.locator('.more-btn').click();
    assert(await table.locator('tbody tr').count() === all, `showing all ${all} products`);
  });

  await test(`${lang}: a table row opens the project's sales of that channel`, [`${lang}: breakdown tables show names, codes on hover, exact sums and shares`], async () => {
    await page.locator('#breakdown-channel tbody tr[data-code=direct] td a').click();
    await page.waitForURL(/#\/p\/FY\/sales\?/);
    const q = new URLSearchParams(page.url().split('?')[1]);
    assert(q.get('channel') === 'direct' && q.get('from') === fy.start && q.get('to') === fy.end, `the link's filters: ${q}`);
    await page.waitForFunction(() => document.querySelector('select[name=channel]') && document.querySelector('select[name=channel]').value === 'direct');
    const want = fySales.filter((x) => x.channel === 'direct').length;
    await page.locator('.pager .muted').filter({ hasText: pagerPattern(T, want) }).waitFor();
    await shot(page, `dashboard-${L}-sales-direct`);
  });

  await test(`${lang}: a chart bar opens the sales behind it`, [`${lang}: a table row opens the project's sales of that channel`], async () => {
    await page.goBack();
    await page.getByRole('heading', { name: T['dash.title'], level: 1 }).waitFor();
    await axisLabels(page, '#breakdown-channel .breakdown-chart', 'x');
    const channels = (await apiGet(page, '/channels')).channels;
    const name = channels.find((c) => c.code === 'distributor').name;
    const label = (await canvasTexts(page, '#breakdown-channel .breakdown-chart')).find((x) => x.text === name);
    assert(label, `the channel chart names "${name}"`);
    // the revenue bar starts at the axis just right of its label, a little above the label's middle
    await page.mouse.click(label.x + label.w + 30, label.y - 4);
    await page.waitForURL(/#\/p\/FY\/sales\?/);
    const q = new URLSearchParams(page.url().split('?')[1]);
    assert(q.get('channel') === 'distributor', `the bar of ${name} opens its sales: ${page.url()}`);
  });

  await test(`${lang}: the monthly trend equals the raw sales and opens a month's sales`, [`${lang}: the project's navigation leads to its analysis`], async () => {
    await gotoScreen(page, s.base, '#/p/FY/analysis');
    const weekLabels = await axisLabels(page, '.trend-chart');
    assert(weekLabels[0].text === shortDay(lang, fy.start), `the weekly trend starts at ${weekLabels[0].text}, want ${shortDay(lang, fy.start)}`);
    await page.click('#trend-month');
    await page.waitForFunction(() => document.querySelector('.trend-chart').getAttribute('data-kind') === 'month');
    const monthLabels = await axisLabels(page, '.trend-chart');
    assert(monthLabels[0].text === monthShort(lang, fy.start.slice(0, 7)), `the monthly trend starts at ${monthLabels[0].text}`);
    await page.locator('.data-table summary').click();
    const rows = page.locator('#trend-table-month tbody tr');
    const months = [];
    for (let m = fy.start.slice(0, 7); m <= fy.end.slice(0, 7);) {
      months.push(m);
      const [y, mo] = m.split('-').map(Number);
      m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
    }
    assert(await rows.count() === months.length, `${await rows.count()} months shown, want ${months.length}`);
    for (let i = 0; i < months.length; i++) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      const want = sums(fySales.filter((x) => x.date.startsWith(months[i])));
      assert(cells[0] === monthLong(lang, months[i]), `month ${i}: ${cells[0]} != ${monthLong(lang, months[i])}`);
      assert(squash(cells[1]) === squash(money(lang, want.amount)), `${months[i]} revenue ${cells[1]} != ${money(lang, want.amount)}`);
      assert(squash(cells[5]) === squash(intText(lang, want.lines)), `${months[i]} lines ${cells[5]} != ${want.lines}`);
    }
    await rows.nth(1).locator('a').click();
    await page.waitForURL(/#\/p\/FY\/sales\?/);
    const q = new URLSearchParams(page.url().split('?')[1]);
    assert(q.get('from') === months[1] + '-01' && q.get('to') === lastDay(months[1]), `the month's sales: ${q}`);
    const want = fySales.filter((x) => x.date.startsWith(months[1])).length;
    await page.locator('.pager .muted').filter({ hasText: pagerPattern(T, want) }).waitFor();
  });

  await test(`${lang}: a headline figure opens the project's sales; a segment its sales too`, [`${lang}: the project's navigation leads to its analysis`], async () => {
    await gotoScreen(page, s.base, '#/p/FY/analysis');
    await page.click('#kpis [data-kpi=revenue]');
    await page.waitForURL(/#\/p\/FY\/sales\?/);
    await page.locator('.pager .muted').filter({ hasText: pagerPattern(T, fySales.length) }).waitFor();
    await gotoScreen(page, s.base, '#/p/FY/analysis');
    const seg = page.locator('#breakdown-segment tbody tr').first();
    const code = await seg.getAttribute('data-code');
    await seg.locator('a').click();
    await page.waitForURL(/#\/p\/FY\/sales\?/);
    const q = new URLSearchParams(page.url().split('?')[1]);
    assert(q.get('segment') === code, `the segment's row opens its sales: ${page.url()}`);
    await page.waitForFunction((c) => document.querySelector('select[name=segment]') && document.querySelector('select[name=segment]').value === c, code);
    // the sales of that segment (each sale's own, as exported) in the window the link names
    const want = fySales.filter((x) => x.segment === code && (!q.get('from') || x.date >= q.get('from'))
      && (!q.get('to') || x.date <= q.get('to'))).length;
    assert(want > 0, `the demo's FY has sales in segment ${code}`);
    await page.locator('.pager .muted').filter({ hasText: pagerPattern(T, want) }).waitFor();
  });

  await test(`${lang}: no CSP violations or script errors`, [], async () => {
    assert(page.problems.length === 0, page.problems.join('\n'));
  });
  await ctx.close();
}

// --- a project without sales, and who may see the analysis ------------------------------------

async function others(browser, s, data) {
  const { page, ctx } = await newPage(browser, { lang: 'zh-CN', viewport: DESKTOP });
  const T = page.T;
  await test('zh-CN: a project without sales says so and offers the import', [], async () => {
    await signIn(page, s.base, 'admin');
    await gotoScreen(page, s.base, '#/p/NEXT-Q1/analysis');
    await page.getByRole('heading', { name: T['dash.empty'] }).waitFor();
    assert(await page.locator('.empty a[href="#/p/NEXT-Q1/import"]').count() === 1, 'the empty state links to the import');
    assert(await page.locator('#kpis .kpi-sub').count() === 0, 'no comparison before the project starts');
  });
  await ctx.close();

  await test('switching to another project: none of the first one\'s figures while the second loads', [], async () => {
    const v = await newPage(browser, { lang: 'zh-CN', viewport: DESKTOP });
    await signIn(v.page, s.base, 'admin');
    await gotoScreen(v.page, s.base, '#/p/FY/analysis');
    const revenue = v.page.locator('#kpis [data-kpi=revenue]');
    await revenue.waitFor();
    const want = (code) => squash(money('zh-CN', sums(data.sales[code]).amount));
    assert(squash(await revenue.getAttribute('title')).endsWith(want('FY')), 'FY\'s revenue first');
    // LAUNCH's answer is held until the screen has been looked at meanwhile
    let release;
    const held = new Promise((r) => { release = r; });
    const asked = new Promise((r) => {
      v.page.route(/\/api\/v1\/projects\/LAUNCH\/dashboard$/, async (route) => { r(); await held; await route.continue(); });
    });
    await v.page.evaluate(() => { location.hash = '#/p/LAUNCH/analysis'; });
    await asked;
    await v.page.waitForTimeout(300);
    const meanwhile = await v.page.locator('#kpis [data-kpi=revenue]').count();
    const stale = await v.page.locator('.dashboard .page-head .code', { hasText: 'FY' }).count();
    release();
    assert(meanwhile === 0 && stale === 0, `while LAUNCH loads the screen shows FY's figures (${meanwhile} revenue cards, ${stale} FY headings)`);
    await v.page.locator('.dashboard .page-head .code', { hasText: 'LAUNCH' }).waitFor();
    assert(squash(await revenue.getAttribute('title')).endsWith(want('LAUNCH')), 'then LAUNCH\'s revenue');
    assert(v.page.problems.length === 0, v.page.problems.join('\n'));
    await v.ctx.close();
  });

  await test('a viewer (the CFO) reads the analysis; a non-member gets "not found"', [], async () => {
    s.cli(['project', 'create', 'SOLO', '--name', '独立项目', '--start', '2026-01-01', '--end', '2026-12-31']);
    const v = await newPage(browser, { lang: 'zh-CN', viewport: DESKTOP });
    await signIn(v.page, s.base, 'gao.cfo');
    await gotoScreen(v.page, s.base, '#/p/FY/analysis');
    await v.page.locator('#kpis [data-kpi=revenue]').waitFor();
    await gotoScreen(v.page, s.base, '#/p/SOLO/analysis');
    // the screen's banner (a panel of the page that loaded its own part may show one more)
    await v.page.locator('.banner-error').first().waitFor();
    const banners = await v.page.locator('.banner-error').allTextContents();
    const banner = banners.join(' | ');
    assert(banners.some((b) => b.includes('SOLO')) && await v.page.locator('#kpis').count() === 0, `the CFO, no member of SOLO, reads: ${banner}`);
    assert(v.page.problems.length === 0, v.page.problems.join('\n'));
    await v.ctx.close();
  });
}

// --- dates in two browser time zones -------------------------------------------------------

async function timeZones(browser, s, projects) {
  for (const [timezoneId, langs] of [['Asia/Shanghai', LANGS], ['America/Los_Angeles', ['en']]]) {
    for (const lang of langs) {
      const ctx = await browser.newContext({ locale: lang, timezoneId, viewport: DESKTOP, deviceScaleFactor: 1 });
      await recordCanvasText(ctx);
      const page = await ctx.newPage();
      page.setDefaultTimeout(TIMEOUT);
      setCurrentPage(page);
      for (const p of projects) {
        await test(`${timezoneId} ${lang}: ${p.code}'s charts open on its start date`, [], async () => {
          if (!page.url().includes('#/')) await signIn(page, s.base, 'admin');
          const idx = p.goals.findIndex((g) => g.start === p.start);
          const chart = `.goal-card[data-goal-id="${p.goals[idx].id}"] .goal-chart`;
          // a hash change keeps the page: wait for this project's own goal card
          await page.goto(s.base + '/#/p/' + p.code);
          await page.locator(chart).waitFor();
          await settle(page);
          const head = squash(await page.locator('.page-head p').textContent());
          assert(head.includes(squash(longDay(lang, p.start))), `the overview says ${head}, want the start ${longDay(lang, p.start)}`);
          // the first goal spanning the project: its chart's first x label is the start day
          const gx = await axisLabels(page, chart);
          assert(gx[0].text === shortDay(lang, p.start), `the goal chart starts at "${gx[0].text}", want "${shortDay(lang, p.start)}"`);
          assert(gx[gx.length - 1].text === shortDay(lang, p.goals[idx].due), `and ends at "${gx[gx.length - 1].text}", want its due date`);
          await page.goto(s.base + '/#/p/' + p.code + '/analysis');
          await page.locator('.dashboard .page-head .code', { hasText: p.code }).waitFor();
          const tx = await axisLabels(page, '.trend-chart');
          assert(tx[0].text === shortDay(lang, p.start), `the weekly trend starts at "${tx[0].text}", want "${shortDay(lang, p.start)}"`);
        });
      }
      await ctx.close();
    }
  }
  // "today" is the workspace's day (Asia/Shanghai): at 20:00 on 1 June in Los Angeles it is
  // already 2 June there, and a new project starts on 2 June by default.
  await test('America/Los_Angeles: a new project starts today on the workspace calendar', [], async () => {
    const ctx = await browser.newContext({ locale: 'en', timezoneId: 'America/Los_Angeles', viewport: DESKTOP });
    const page = await ctx.newPage();
    page.setDefaultTimeout(TIMEOUT);
    setCurrentPage(page);
    await page.clock.setFixedTime(new Date('2026-06-01T20:00:00-07:00'));
    await signIn(page, s.base, 'admin');
    await gotoScreen(page, s.base, '#/projects');
    await page.click('#new-project');
    const start = await page.locator('#project-form input[name=start]').inputValue();
    assert(start === '2026-06-02', `the new project starts on ${start}, want 2026-06-02 (Shanghai's day)`);
    await ctx.close();
  });
}

run(async (browser) => {
  const s = await startServer({ demo: true, name: 'dashboard' });
  // the raw sales of every project and FY's goals, read once as the admin
  const { page, ctx } = await newPage(browser, { lang: 'zh-CN', viewport: DESKTOP });
  await signIn(page, s.base, 'admin');
  const cookie = await cookieOf(page);
  const data = { sales: {} };
  for (const p of PROJECTS) data.sales[p] = await exportedSales(s.base, cookie, p);
  data.project = (await apiGet(page, '/projects/FY')).project || await apiGet(page, '/projects/FY');
  data.goals = (await apiGet(page, '/projects/FY/goals')).goals;
  const launch = (await apiGet(page, '/projects/LAUNCH')).project || await apiGet(page, '/projects/LAUNCH');
  const launchGoals = (await apiGet(page, '/projects/LAUNCH/goals')).goals;
  await ctx.close();

  for (const lang of LANGS) await scenario(browser, s, lang, data);
  await others(browser, s, data);
  await timeZones(browser, s, [{ ...data.project, goals: data.goals }, { ...launch, goals: launchGoals }]);
});
