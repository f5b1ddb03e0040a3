// test_ui.mjs - end-to-end tests of the web UI: the real `salespm serve` on 127.0.0.1, driven
// by playwright-core in Debian's chromium. In zh-CN and in en: sign in, create a project,
// create a goal and see its SMART lint, import a CSV with a bad row and see its line and
// column, fix it and import, see the goal's progress move, switch the language.
// Screenshots go to build/e2e/. Prints one line per test, then "N passed, N failed".
import {
  test, assert, run, startServer, isoDay, shot, apiInPage, setCurrentPage, cli, CATALOG, en, PASSWORD, TIMEOUT,
} from './lib.mjs';

function csv(badPrice) {
  return [
    'date,customer,product,channel,rep,quantity,unit_price,discount',
    `${isoDay(-6)},上海明远科技有限公司,SKU-1,direct,admin,3,199.00,0`,
    `${isoDay(-4)},"Acme, Ltd",SKU-1,direct,admin,2,${badPrice ? '"12,5"' : '199.00'},0`,
    `${isoDay(-2)},北京星河商贸,SKU-1,direct,admin,1,199.00,10.00`,
    '',
  ].join('\n');
}
// 3×199.00 + 2×199.00 + 1×199.00 − 10.00 = 1184.00, computed here, not by the code under test.
const EXPECTED_REVENUE = 1184;

// --- the scenario, once per language ---------------------------------------------------

async function scenario(browser, server, lang) {
  const T = CATALOG[lang];
  const other = lang === 'zh-CN' ? 'en' : 'zh-CN';
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const code = lang === 'zh-CN' ? 'E2E-ZH' : 'E2E-EN';
  const projectName = lang === 'zh-CN' ? '华东区春季攻坚' : 'East region spring push';
  const ctx = await browser.newContext({ locale: lang, viewport: { width: 1366, height: 860 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  setCurrentPage(page);
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  let lintCalls = 0;
  page.on('request', (r) => { if (r.url().includes('/goals/lint')) lintCalls++; });
  const money = (major) => new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY' }).format(major);

  await test(`${lang}: login`, [], async () => {
    await page.goto(server.base + '/');
    await page.getByRole('heading', { name: T['login.title'] }).waitFor();
    await shot(page, `${L}-01-login`);
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.getByRole('heading', { name: T['projects.title'], exact: true }).waitFor();
    await page.locator('.nav-link', { hasText: T['nav.projects'] }).waitFor();
  });

  await test(`${lang}: create project`, [`${lang}: login`], async () => {
    await page.click('#new-project');
    const form = page.locator('#project-form');
    await form.locator('input[name=code]').fill(code);
    await form.locator('input[name=name]').fill(projectName);
    await form.locator('input[name=start]').fill(isoDay(-30));
    await form.locator('input[name=end]').fill(isoDay(60));
    await form.locator('input[name=budget]').fill('200000.00');
    await form.locator('input[name=objective]').fill(lang === 'zh-CN' ? '提升华东市场份额' : 'Grow share in the east');
    await shot(page, `${L}-02-project-form`);
    await form.locator('button[type=submit]').click();
    await page.waitForURL(new RegExp('#/p/' + code + '$'));
    await page.getByRole('heading', { name: projectName, level: 1 }).waitFor();
    const budget = await page.locator('.stat-value').first().textContent();
    assert(budget.replace(/\s/g, '') === money(200000).replace(/\s/g, ''), `budget shows "${budget}", want ${money(200000)}`);
    await shot(page, `${L}-03-project-empty`);
  });

  await test(`${lang}: create goal, SMART lint live and on the card`, [`${lang}: create project`], async () => {
    await page.getByRole('heading', { name: T['goal.empty'] }).waitFor();
    await page.click('#new-goal');
    const form = page.locator('#goal-form');
    await form.waitFor();
    await page.locator('#lint-panel .smart-list li').first().waitFor();
    const before = lintCalls;
    await form.locator('input[name=name]').fill(lang === 'zh-CN' ? '华东区春季收入' : 'East spring revenue');
    await form.locator('input[name=target]').fill('5000.00');
    await form.locator('input[name=start]').fill(isoDay(-30));
    await form.locator('input[name=due]').fill(isoDay(30));
    await form.locator('input[name=objective]').fill(lang === 'zh-CN' ? '提升华东市场份额' : 'Grow share in the east');
    await page.waitForTimeout(700); // the lint is debounced
    assert(lintCalls > before, 'typing did not send a lint request');
    const letters = await page.locator('#lint-panel .smart-list li').evaluateAll((els) =>
      els.map((e) => ({ l: e.dataset.letter, ok: e.classList.contains('ok'), msg: e.querySelector('.smart-msg').textContent.trim() })));
    assert(letters.map((x) => x.l).join('') === 'SMART', `lint letters are ${letters.map((x) => x.l).join('')}`);
    assert(letters.every((x) => x.msg.length > 0), 'a SMART letter has no message: ' + JSON.stringify(letters));
    // the verdicts read in the page's language: with no rationale yet, R fails and says so
    const r = letters.find((x) => x.l === 'R');
    assert(!r.ok, 'R passes without a rationale: ' + JSON.stringify(r));
    const wantR = lang === 'zh-CN' ? '缺少理由' : 'no rationale';
    assert(r.msg.includes(wantR), `R says "${r.msg}", not "${wantR}..."`);
    if (lang === 'zh-CN') assert(letters.every((x) => /[\u4e00-\u9fff]/.test(x.msg)), 'a verdict is not in Chinese: ' + JSON.stringify(letters));
    await shot(page, `${L}-04-goal-form-lint`);
    await form.locator('button[type=submit]').click();
    // R fails, so saving asks first, naming it
    await page.locator('#goal-confirm li[data-letter=R]').waitFor();
    await page.click('#goal-confirm-save');
    await page.waitForURL(new RegExp('#/p/' + code + '$'));
    const card = page.locator('.goal-card').first();
    await card.waitFor();
    assert(await card.locator('.smart-chip').count() === 5, 'the goal card does not show five SMART chips');
    const chipTitle = await card.locator('.smart-chip').first().getAttribute('title');
    assert(chipTitle && chipTitle.startsWith(T['smart.S']), `S chip title is "${chipTitle}"`);
    await card.locator('.goal-chart canvas').first().waitFor();
    await shot(page, `${L}-05-goal-card`);
  });

  await test(`${lang}: import CSV with a bad row shows line and column`, [`${lang}: create project`], async () => {
    if (!server.cliOk) {
      // The CLI could not make the catalog the CSV names: make it through the API.
      await apiInPage(page, 'POST', '/api/v1/channels', { code: 'direct', name: '直销', type: 'direct', cost_rate: 0.05 });
      await apiInPage(page, 'POST', '/api/v1/products', { sku: 'SKU-1', name: '标准版', cost: 8000, price: 19900 });
    }
    await page.click(`.nav-link:has-text("${T['nav.import']}")`);
    await page.getByRole('heading', { name: T['import.title'] }).waitFor();
    await page.setInputFiles('#csv-file', { name: 'sales-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(true)) });
    const row = page.locator('#import-errors tr.error-row[data-line="3"][data-column="unit_price"]');
    await row.waitFor();
    const text = await row.textContent();
    assert(text.includes('3') && text.includes('unit_price'), `error row reads "${text}"`);
    // the reason reads in the page's language
    const want = lang === 'zh-CN' ? '“12,5”不是有效的小数' : '“12,5” is not a decimal';
    assert(text.includes(want), `error row reads "${text}", not "${want}"`);
    assert(await page.locator('.preview tr.row-bad').count() === 1, 'the preview does not mark exactly one bad row');
    await shot(page, `${L}-06-import-errors`);
    const r = await apiInPage(page, 'GET', `/api/v1/projects/${code}/sales`);
    assert(r.status === 200 && JSON.parse(r.body).total === 0, `a rejected import wrote sales: ${r.status} ${r.body.slice(0, 120)}`);
  });

  await test(`${lang}: fixed CSV previews clean and imports`, [`${lang}: import CSV with a bad row shows line and column`], async () => {
    await page.setInputFiles('#csv-file', { name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(false)) });
    await page.locator('#import-ok').waitFor();
    assert(await page.locator('#import-errors').count() === 0, 'errors still shown for the fixed file');
    await shot(page, `${L}-07-import-preview-ok`);
    await page.click('#import-go');
    await page.locator('#import-done').waitFor();
    const done = await page.locator('#import-done').textContent();
    assert(done.includes('3'), `import result reads "${done}"`);
    await shot(page, `${L}-08-import-done`);
  });

  await test(`${lang}: goal progress chart moves after the import`, [`${lang}: fixed CSV previews clean and imports`, `${lang}: create goal, SMART lint live and on the card`], async () => {
    await page.click(`.nav-link:has-text("${T['nav.overview']}")`);
    const card = page.locator('.goal-card').first();
    await card.waitFor();
    const actual = (await card.locator('.goal-actual').textContent()).trim();
    const want = money(EXPECTED_REVENUE);
    assert(actual.replace(/\s/g, '') === want.replace(/\s/g, ''), `goal actual shows "${actual}", want "${want}"`);
    const chartActual = Number(await card.locator('.goal-chart').getAttribute('data-actual'));
    assert(chartActual > 0, `the chart's actual line ends at ${chartActual}`);
    await page.waitForTimeout(500); // let the chart animation settle for the screenshot
    await shot(page, `${L}-09-goal-progress`);
  });

  await test(`${lang}: sales table lists the imported rows`, [`${lang}: fixed CSV previews clean and imports`], async () => {
    await page.click(`.nav-link:has-text("${T['nav.sales']}")`);
    await page.locator('#sales-table tbody tr[data-id] td').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#sales-table tbody tr[data-id]').length >= 3);
    const rows = await page.locator('#sales-table tbody tr[data-id]').count();
    assert(rows === 3, `sales table shows ${rows} rows`);
    // The entry form records one more sale (the product's list price is filled in).
    const entry = page.locator('#sale-entry');
    await entry.locator('input[name=customer]').fill(lang === 'zh-CN' ? '杭州云帆' : 'Contoso');
    await entry.locator('select[name=product]').selectOption('SKU-1');
    await entry.locator('select[name=channel]').selectOption('direct');
    await entry.locator('select[name=rep]').selectOption('admin');
    await page.click('#sale-add');
    await page.waitForFunction(() => document.querySelectorAll('#sales-table tbody tr[data-id]').length === 4);
    await shot(page, `${L}-10-sales`);
  });

  await test(`${lang}: switch language in the header, remembered`, [`${lang}: login`], async () => {
    await page.selectOption('#lang-select', other);
    const O = CATALOG[other];
    await page.locator('.nav-link', { hasText: O['nav.projects'] }).first().waitFor();
    assert(await page.evaluate(() => document.documentElement.lang) === other, 'html lang did not change');
    await page.reload();
    await page.locator('.nav-link', { hasText: O['nav.sales'] }).first().waitFor();
    await shot(page, `${L}-11-switched-to-${other}`);
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.click(`.nav-link:has-text("${O['nav.overview']}")`);
    await page.locator('.page-head h1').waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
    await page.waitForTimeout(400);
    await shot(page, `${L}-12-overview-1024`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `the page scrolls sideways by ${overflow}px at 1024px`);
  });

  await test(`${lang}: no CSP violations or script errors`, [], async () => {
    assert(problems.length === 0, problems.slice(0, 5).join('\n'));
  });
  await ctx.close();
}

// Catalog and admin screens render against the real API (once, in English).
async function screens(browser, server) {
  const ctx = await browser.newContext({ locale: 'en', viewport: { width: 1366, height: 860 } });
  const page = await ctx.newPage();
  setCurrentPage(page);
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  await test('en: catalog, members and admin screens render', [], async () => {
    await page.goto(server.base + '/');
    await page.fill('input[name=login]', 'admin');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('.nav-link').first().waitFor();
    for (const [hash, name] of [['#/catalog/products', 'products'], ['#/catalog/channels', 'channels'], ['#/catalog/segments', 'segments'],
      ['#/catalog/promotions', 'promotions'], ['#/p/E2E-EN/members', 'members'], ['#/admin/users', 'users'],
      ['#/admin/workspace', 'workspace'], ['#/admin/audit', 'audit']]) {
      await page.goto(server.base + '/' + hash);
      await page.locator('.page-head h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
      const err = await page.locator('.banner-error').allTextContents();
      await shot(page, `en-20-${name}`);
      assert(err.length === 0, `${name}: ${err.join(' | ')}`);
    }
    assert(problems.length === 0, problems.join('\n'));
  });

  await test('en: catalog write, edit with version, 409 shows the reload message', ['en: catalog, members and admin screens render'], async () => {
    await page.goto(server.base + '/#/catalog/segments');
    await page.click('#crud-new');
    await page.fill('#crud-form input[name=code]', 'ent');
    await page.fill('#crud-form input[name=name]', 'Enterprise');
    await page.fill('#crud-form input[name=priority]', '1');
    await page.click('#crud-form button[type=submit]');
    const row = page.locator('tr', { hasText: 'Enterprise' });
    await row.waitFor();
    await row.getByRole('button', { name: en['action.edit'] }).click();
    await page.fill('#crud-form input[name=name]', 'Enterprise accounts');
    await page.click('#crud-form button[type=submit]');
    await page.locator('tr', { hasText: 'Enterprise accounts' }).waitFor();
    // Someone else edits the segment while our form is open: saving must answer 409, not overwrite.
    await page.locator('tr', { hasText: 'Enterprise accounts' }).getByRole('button', { name: en['action.edit'] }).click();
    const cur = JSON.parse((await apiInPage(page, 'GET', '/api/v1/segments/ent')).body);
    const seg = cur.segment || cur;
    const r = await apiInPage(page, 'PATCH', '/api/v1/segments/ent', { name: 'Changed elsewhere', version: seg.version });
    assert(r.status === 200, `concurrent PATCH answered ${r.status}: ${r.body.slice(0, 200)}`);
    await page.fill('#crud-form input[name=name]', 'My stale edit');
    await page.click('#crud-form button[type=submit]');
    await page.locator('#crud-form .banner-error', { hasText: en['err.conflict'] }).waitFor();
    await shot(page, 'en-21-conflict');
  });
  await ctx.close();
}

// --- main -----------------------------------------------------------------------

await run(async (browser) => {
  let server = null;
  await test('start salespm serve on 127.0.0.1', [], async () => {
    server = await startServer({
      setup: (db, pw) => {
        cli(db, ['user', 'add', 'wangwei', '--name', '王伟', '--role', 'rep', '--password-file', pw]);
        cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
        cli(db, ['product', 'add', 'SKU-1', '--name', '标准版', '--cost', '80.00', '--price', '199.00']);
      },
    });
    server.cliOk = true;
  });
  if (!server) return;
  await scenario(browser, server, 'zh-CN');
  await scenario(browser, server, 'en');
  await screens(browser, server);
});
