// test_customers.mjs - the customers screen in Chromium, over the 华信科技 demo: reached from the
// navigation; search by any part of a name and filter by segment, with the count, first purchase
// and totals computed here from the raw sales (the CSV export of every project); a customer's
// page with their sales across projects, newest first, leading to a project's sales of that
// customer; and a reader sees only the sales of projects they may see. In zh-CN and en.
import fs from 'node:fs';
import path from 'node:path';
import {
  test, assert, run, startServer, newPage, login, settle, CATALOG, LANGS, DEMO_ADMIN_PASSWORD, DEMO_PASSWORD, DESKTOP,
  moneyText, squash,
} from './lib.mjs';
import { exportedSales, cookieOf } from './sales-csv.mjs';

const PROJECTS = ['FY', 'FY-PREV', 'LAUNCH', 'NEXT-Q1'];
const utc = (s) => { const [y, m, d] = s.split('-').map(Number); return new Date(Date.UTC(y, m - 1, d)); };
const longDay = (lang, s) => new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(utc(s));
const intText = (lang, n) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(n);
const money = (lang, cents) => moneyText(lang, cents / 100);
function pagerPattern(T, total) {
  const esc = T['pager.range'].replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp('^' + esc.replace('{from}', '\\d+').replace('{to}', '\\d+').replace('{total}', String(total)) + '$');
}

// Customers from the raw sales: name -> {segment, first, lines, revenue, sales}.
function customersOf(sales) {
  const m = new Map();
  for (const s of sales) {
    let c = m.get(s.customer);
    if (!c) m.set(s.customer, c = { name: s.customer, segment: s.segment, first: s.date, lines: 0, revenue: 0, sales: [] });
    if (s.date < c.first) c.first = s.date;
    c.lines++; c.revenue += s.amount; c.sales.push(s);
  }
  return m;
}

async function signIn(page, base, user) {
  await login(page, base, user, user === 'admin' ? DEMO_ADMIN_PASSWORD : DEMO_PASSWORD);
}

async function openCustomers(page, base) {
  await page.goto(base + '/#/customers');
  await page.locator('#customer-search').waitFor();
  await settle(page);
}

async function search(page, q) {
  await page.fill('#customer-search', q);
  await page.waitForFunction((v) => {
    const rows = [...document.querySelectorAll('#customers-table tbody tr[data-id]')];
    return !document.querySelector('[aria-busy=true]') && rows.length > 0 && rows.every((r) => r.cells[0].textContent.includes(v));
  }, q);
}

async function scenario(browser, s, lang, d) {
  const T = CATALOG[lang];
  const { page, ctx } = await newPage(browser, { lang, viewport: DESKTOP });

  await test(`${lang}: customers are in the navigation`, [], async () => {
    await signIn(page, s.base, 'admin');
    await page.click('#nav-customers');
    await page.getByRole('heading', { name: T['cust.title'], level: 1 }).waitFor();
    await settle(page);
    assert(await page.locator('#customers-table tbody tr[data-id]').count() > 0, 'customers are listed');
  });

  await test(`${lang}: search by any part of the name, filter by segment`, [`${lang}: customers are in the navigation`], async () => {
    const want = [...d.customers.values()].filter((c) => c.name.includes(d.q));
    await search(page, d.q);
    await page.locator('.pager .muted').filter({ hasText: pagerPattern(T, want.length) }).waitFor();
    const shown = await page.locator('#customers-table tbody tr[data-id] td:first-child').allTextContents();
    assert(shown.every((n) => want.some((c) => c.name === n)), `only customers whose name contains "${d.q}": ${shown}`);
    // and of one segment
    const inSeg = want.filter((c) => c.segment === d.segment.code);
    await page.selectOption('select[name=segment]', d.segment.code);
    await page.locator('.pager .muted').filter({ hasText: pagerPattern(T, inSeg.length) }).waitFor();
    const segs = await page.locator('#customers-table tbody tr[data-id] td:nth-child(2)').allTextContents();
    assert(segs.length === Math.min(inSeg.length, 25) && segs.every((x) => x === d.segment.name), `every row in ${d.segment.name}: ${segs}`);
    await page.click('.filters-clear');
    await page.waitForFunction(() => document.querySelector('#customer-search').value === '' && document.querySelector('select[name=segment]').value === '');
  });

  await test(`${lang}: first purchase and totals of a customer`, [`${lang}: customers are in the navigation`], async () => {
    const c = d.customer;
    await search(page, c.name);
    const row = page.locator('#customers-table tbody tr[data-id]').filter({ hasText: c.name }).first();
    const cells = await row.locator('td').allTextContents();
    assert(cells[0] === c.name, `the row names ${cells[0]}`);
    assert(cells[2] === longDay(lang, c.first), `first purchase ${cells[2]}, want ${longDay(lang, c.first)}`);
    if (d.listTotals) {
      assert(squash(cells[3]) === squash(intText(lang, c.lines)), `lines ${cells[3]}, want ${c.lines}`);
      assert(squash(cells[4]) === squash(money(lang, c.revenue)), `revenue ${cells[4]}, want ${money(lang, c.revenue)}`);
    } else {
      // the server's list carries no totals yet: the screen says so with a dash, not a zero
      assert(cells[3] === '—' && cells[4] === '—', `no totals from the server shows "—": ${cells[3]} ${cells[4]}`);
    }
  });

  await test(`${lang}: a customer's page lists their sales across projects, newest first`, [`${lang}: first purchase and totals of a customer`], async () => {
    const c = d.customer;
    await page.locator('#customers-table tbody tr[data-id] a', { hasText: c.name }).first().click();
    await page.waitForURL(/#\/customers\/\d+$/);
    await page.getByRole('heading', { name: c.name, level: 1 }).waitFor();
    await settle(page);
    assert(squash(await page.locator('#customer-lines').textContent()) === squash(intText(lang, c.lines)), 'the page counts every sale');
    assert(squash(await page.locator('#customer-revenue').textContent()) === squash(money(lang, c.revenue)), 'and sums them');
    await page.locator('.pager .muted').filter({ hasText: pagerPattern(T, c.lines) }).waitFor();
    const dates = await page.locator('#customer-sales tbody tr td:first-child').allTextContents();
    const newest = c.sales.map((x) => x.date).sort().reverse().slice(0, dates.length);
    assert(JSON.stringify(dates) === JSON.stringify(newest.map((x) => longDay(lang, x))), `newest first: ${dates.slice(0, 5)}`);
    const projects = new Set(await page.locator('#customer-sales tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.project)));
    assert(projects.size >= 1 && [...projects].every((p) => PROJECTS.includes(p)), `rows name their project: ${[...projects]}`);
    // a project's cell opens that project's sales of this customer
    const first = page.locator('#customer-sales tbody tr').first();
    const code = await first.getAttribute('data-project');
    await first.locator('td:nth-child(2) a').click();
    await page.waitForURL(new RegExp(`#/p/${code}/sales\\?customer=`));
    const want = c.sales.filter((x) => x.project === code).length;
    await page.locator('.pager .muted').filter({ hasText: pagerPattern(T, want) }).waitFor();
  });

  await test(`${lang}: no CSP violations or script errors`, [], async () => {
    assert(page.problems.length === 0, page.problems.join('\n'));
  });
  await ctx.close();
}

// A sale in a project nobody else is a member of counts for the admin and the workspace's
// managers (who see every project, docs/guide.md), not for a rep, who sees the customer's sales
// in the projects they are a member of - the memberships read apart, from the CLI.
async function visibility(browser, s, d) {
  await test('a reader sees a customer\'s sales only in projects they may see', [], async () => {
    const c = d.customer;
    const csv = path.join(s.dir, 'solo.csv');
    fs.writeFileSync(csv, `date,customer,product,channel,rep,quantity,unit_price,discount\n2026-03-02,${c.name},${d.product},direct,admin,2,100.00,0\n`);
    s.cli(['project', 'create', 'SOLO', '--name', '独立项目', '--start', '2026-01-01', '--end', '2026-12-31']);
    s.cli(['sale', 'import', 'SOLO', csv]);
    const rep = 'wang.fang';
    const repProjects = PROJECTS.filter((code) => JSON.parse(s.cli(['--json', 'member', 'list', code]))
      .members.some((m) => m.login === rep));
    const repSales = c.sales.filter((x) => repProjects.includes(x.project));
    const repRevenue = repSales.reduce((sum, x) => sum + x.amount, 0);
    assert(repSales.length > 0, `${rep} should share a project with ${c.name}'s sales for this test to mean something`);
    for (const [user, lines, revenue] of [['admin', c.lines + 1, c.revenue + 20000], ['li.na', c.lines + 1, c.revenue + 20000],
      [rep, repSales.length, repRevenue]]) {
      const { page, ctx } = await newPage(browser, { lang: 'zh-CN', viewport: DESKTOP });
      await signIn(page, s.base, user);
      await openCustomers(page, s.base);
      await search(page, c.name);
      await page.locator('#customers-table tbody tr[data-id] a', { hasText: c.name }).first().click();
      await page.getByRole('heading', { name: c.name, level: 1 }).waitFor();
      await settle(page);
      const got = squash(await page.locator('#customer-lines').textContent());
      assert(got === squash(intText('zh-CN', lines)), `${user} sees ${got} sales, want ${lines}`);
      assert(squash(await page.locator('#customer-revenue').textContent()) === squash(money('zh-CN', revenue)), `${user}'s revenue`);
      const solo = await page.locator('#customer-sales tbody tr[data-project=SOLO]').count();
      assert(solo === (user === rep ? 0 : 1), `${user} sees ${solo} SOLO rows`);
      assert(page.problems.length === 0, page.problems.join('\n'));
      await ctx.close();
    }
  });
}

run(async (browser) => {
  const s = await startServer({ demo: true, name: 'customers' });
  const { page, ctx } = await newPage(browser, { lang: 'zh-CN', viewport: DESKTOP });
  await signIn(page, s.base, 'admin');
  const cookie = await cookieOf(page);
  const sales = [];
  for (const p of PROJECTS) sales.push(...await exportedSales(s.base, cookie, p));
  const customers = customersOf(sales);
  const segments = (await page.evaluate(async () => (await fetch('/api/v1/segments')).json())).segments;
  // does the server's list carry totals yet? (a customer's lines and revenue)
  const probe = await page.evaluate(async () => (await fetch('/api/v1/customers?limit=1')).json());
  const item = probe.customers[0];
  const listTotals = item && (item.revenue !== undefined || (item.totals && item.totals.revenue !== undefined));
  await ctx.close();

  // a customer of several projects whose name no other customer's contains (so a name search finds one)
  const names = [...customers.keys()];
  const customer = [...customers.values()]
    .filter((c) => new Set(c.sales.map((x) => x.project)).size >= 2 && !names.some((n) => n !== c.name && n.includes(c.name)))
    .sort((a, b) => a.lines - b.lines)[0];
  assert(customer, 'the demo has a customer of two projects');
  // a two-character piece of names that several customers share, some in the first segment
  const counts = new Map();
  for (const n of names) for (let i = 0; i + 2 <= n.length; i++) { const q = n.slice(i, i + 2); counts.set(q, (counts.get(q) || 0) + 1); }
  const q = [...counts.entries()].filter(([p, k]) => /^[\u4e00-\u9fff]{2}$/.test(p) && k >= 30 && k <= 120).sort((a, b) => a[1] - b[1])[0][0];
  const segment = segments.find((sg) => names.some((n) => n.includes(q) && customers.get(n).segment === sg.code));
  const data = { customers, customer, q, segment, listTotals, product: customer.sales[0].product };
  console.log(`# customer "${customer.name}" (${customer.lines} sales), search "${q}", segment ${segment.code}, list totals from the server: ${!!listTotals}`);

  for (const lang of LANGS) await scenario(browser, s, lang, data);
  await visibility(browser, s, data);
});
