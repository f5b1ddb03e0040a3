// test_phone.mjs - every screen on a phone, over the 华信科技 demo: at 390×844 (iPhone 12-14) and
// 360×740 (small Android), in zh-CN and en. For each screen: the page never scrolls sideways,
// its main action is on screen, and a screenshot goes to build/e2e/phone-<width>-<lang>-<screen>.png.
// The navigation is a drawer: the header's button opens it, a link navigates and closes it,
// Escape closes it and gives focus back, the keyboard stays inside while it is open. The header's
// language switch and user menu fit; a modal fits the screen; forms are one column; a wide table
// scrolls inside its card. Prints "N passed, N failed".
import path from 'node:path';
import {
  test, assert, run, startServer, newPage, login, settle, assertNoSidewaysScroll, SHOTS, CATALOG, LANGS,
  DEMO_ADMIN_PASSWORD,
} from './lib.mjs';

const VIEWPORTS = [{ width: 390, height: 844 }, { width: 360, height: 740 }];

// Each screen: its route, what shows it has loaded, and its main action (CSS, first visible match).
const SCREENS = [
  ['projects', '#/projects', '.card-grid .project-card', '#new-project'],
  ['overview', '#/p/FY', '.goal-card', '#new-goal'],
  ['goal-form', '#/p/FY/goals/new', '#goal-form', '#goal-form button[type=submit]'],
  ['sales', '#/p/FY/sales', '#sales-table tbody tr:not(.entry-row) td', '.page-actions .btn-primary'],
  ['import', '#/p/FY/import', '#csv-file', 'label:has(#csv-file)'],
  ['members', '#/p/FY/members', 'table tbody tr', '#member-add button[type=submit]'],
  ['analysis', '#/p/FY/analysis', '#kpis .kpi', '#dash-sales'],
  ['customers', '#/customers', '#customers-table tbody tr[data-id]', '#customer-search'],
  ['segments', '#/segments', 'table tbody tr', '#crud-new'],
  ['channels', '#/channels', 'table tbody tr', '#crud-new'],
  ['products', '#/products', 'table tbody tr', '#crud-new'],
  ['promotions', '#/promotions', '.page-head h1', '#crud-new'],
  ['product-prices', '#/products/HX-C100', '.stat-strip', '.page-actions .btn'],
  ['positions', '#/positions', 'table tbody tr', '#crud-new'],
  ['users', '#/admin/users', 'table tbody tr', '#crud-new'],
  ['workspace', '#/admin/workspace', 'form', 'form button[type=submit]'],
  ['audit', '#/admin/audit', 'table tbody tr', '.page-actions select'],
];

// Open a route in the running app. It passes through an unknown route first (the "no such page"
// screen, the only one drawn straight into .content), so the old screen is gone before the new
// one's ready selector is looked for.
async function open(page, base, hash, ready) {
  if (!page.url().startsWith(base)) await page.goto(base + '/');
  await page.evaluate(() => { location.hash = '#/no-such-screen'; });
  await page.locator('.content > .empty').waitFor();
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.locator(ready).first().waitFor();
  await settle(page);
}

// Throw unless the element is shown and lies across the screen's width (scrolled to if need be).
async function onScreen(page, locator, what) {
  const el = locator.filter({ visible: true }).first();
  await el.waitFor({ state: 'visible' });
  await el.scrollIntoViewIfNeeded();
  const b = await el.boundingBox();
  const vw = page.viewportSize().width;
  assert(b && b.x >= 0 && b.x + b.width <= vw + 0.5 && b.width > 0 && b.height > 0,
    `${what} is not on screen at ${vw}px: ${JSON.stringify(b)}`);
  return b;
}

async function scenario(browser, s, lang, vp) {
  const T = CATALOG[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const tag = `${vp.width}×${vp.height} ${lang}`;
  const file = (name) => path.join(SHOTS, `phone-${vp.width}-${L}-${name}.png`);
  const { page, ctx } = await newPage(browser, { lang, viewport: vp });

  await test(`${tag}: login fits the phone`, [], async () => {
    await page.goto(s.base + '/');
    await page.locator('input[name=login]').waitFor();
    await assertNoSidewaysScroll(page, 'login');
    const form = await onScreen(page, page.locator('.login-form'), 'the login form');
    assert(form.width >= vp.width - 60, `the login form is ${form.width}px wide of ${vp.width}`);
    await onScreen(page, page.locator('#lang-select'), 'the language switch');
    const submit = await onScreen(page, page.locator('.login-form button[type=submit]'), 'the sign-in button');
    assert(submit.y + submit.height <= vp.height, 'the sign-in button is above the fold');
    await page.screenshot({ path: file('login'), fullPage: true });
    await login(page, s.base, 'admin', DEMO_ADMIN_PASSWORD);
  });

  for (const [name, hash, ready, action] of SCREENS) {
    await test(`${tag}: ${name}`, [`${tag}: login fits the phone`], async () => {
      await open(page, s.base, hash, ready);
      await assertNoSidewaysScroll(page, name);
      await onScreen(page, page.locator('.page-head h1'), `${name}: the title`);
      await onScreen(page, page.locator(action), `${name}: the main action (${action})`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: file(name) });
    });
  }

  await test(`${tag}: a customer's page`, [`${tag}: customers`], async () => {
    await open(page, s.base, '#/customers', '#customers-table tbody tr[data-id]');
    await page.locator('#customers-table tbody tr[data-id] a').first().click();
    await page.locator('#customer-sales tbody tr').first().waitFor();
    await settle(page);
    await assertNoSidewaysScroll(page, 'customer page');
    await onScreen(page, page.locator('.page-head h1'), 'the customer\'s name');
    await page.screenshot({ path: file('customer') });
  });

  await test(`${tag}: the menu opens, navigates and closes`, [`${tag}: projects`], async () => {
    await open(page, s.base, '#/p/FY', '.goal-card');
    const sidebar = page.locator('#sidebar');
    const button = page.locator('#menu-button');
    await onScreen(page, button, 'the menu button');
    assert(!(await sidebar.isVisible()), 'the navigation is hidden until asked for');
    assert(await button.getAttribute('aria-expanded') === 'false', 'the button says the menu is closed');
    await button.click();
    await sidebar.waitFor({ state: 'visible' });
    await page.waitForFunction(() => !document.getAnimations().length);
    const box = await sidebar.boundingBox();
    assert(box.x >= 0 && box.x + box.width <= vp.width, `the open menu lies on screen: ${JSON.stringify(box)}`);
    assert(await button.getAttribute('aria-expanded') === 'true', 'the button says the menu is open');
    assert(await page.evaluate(() => document.getElementById('sidebar').contains(document.activeElement)), 'focus moves into the menu');
    await page.screenshot({ path: file('menu') });
    // a link navigates and closes the menu
    await sidebar.locator('#nav-analysis').click();
    await page.waitForURL(/#\/p\/FY\/analysis$/);
    await page.getByRole('heading', { name: T['dash.title'], level: 1 }).waitFor();
    await sidebar.waitFor({ state: 'hidden' });
    // Escape closes it and gives the focus back to the button
    await button.click();
    await sidebar.waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await sidebar.waitFor({ state: 'hidden' });
    assert(await page.evaluate(() => document.activeElement && document.activeElement.id === 'menu-button'), 'focus returns to the menu button');
    // by keyboard alone: open, Tab stays inside, Enter follows a link
    await button.focus();
    await page.keyboard.press('Enter');
    await sidebar.waitFor({ state: 'visible' });
    // the focus moves into the menu as it opens, as a keyboard user sees before pressing Tab
    await page.waitForFunction(() => document.getElementById('sidebar').contains(document.activeElement));
    const links = await sidebar.locator('a[href], button').count();
    for (let i = 0; i < links + 2; i++) await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.getElementById('sidebar').contains(document.activeElement)), 'Tab keeps the focus inside the open menu');
    await sidebar.locator('#nav-customers').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/customers$/);
    await sidebar.waitFor({ state: 'hidden' });
    await assertNoSidewaysScroll(page, 'after the menu');
  });

  await test(`${tag}: the header's language switch and user menu fit`, [`${tag}: projects`], async () => {
    await open(page, s.base, '#/projects', '.card-grid .project-card');
    const title = await onScreen(page, page.locator('.topbar-title'), 'the workspace name');
    assert(title.height < 30, `the workspace name keeps to one line (${title.height}px high)`);
    await onScreen(page, page.locator('#lang-select'), 'the language switch');
    await page.locator('#user-menu').click();
    await onScreen(page, page.locator('#logout'), 'sign out in the user menu');
    await page.screenshot({ path: file('user-menu') });
    await page.keyboard.press('Escape');
    await page.locator('#logout').waitFor({ state: 'hidden' });
  });

  await test(`${tag}: a modal fits the screen and a form is one column`, [`${tag}: projects`], async () => {
    await open(page, s.base, '#/projects', '.card-grid .project-card');
    await page.click('#new-project');
    const modal = await onScreen(page, page.locator('.modal'), 'the new-project dialog');
    assert(modal.y >= 0 && modal.y + modal.height <= vp.height + 0.5, `the dialog fits the screen's height: ${JSON.stringify(modal)}`);
    await onScreen(page, page.locator('#project-form button[type=submit]'), 'the dialog\'s create button');
    const xs = await page.locator('#project-form input[name=code], #project-form input[name=name], #project-form input[name=start]')
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    assert(new Set(xs).size === 1, `the dialog's fields stand in one column: ${xs}`);
    await page.screenshot({ path: file('new-project') });
    await page.keyboard.press('Escape');
    await open(page, s.base, '#/p/FY/goals/new', '#goal-form');
    const gx = await page.locator('#goal-form input[name=name], #goal-form input[name=target], #goal-form input[name=start], #goal-form input[name=due]')
      .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    assert(gx.length === 4 && new Set(gx).size === 1, `the goal form is one column: ${gx}`);
  });

  await test(`${tag}: a wide table scrolls inside its card`, [`${tag}: sales`], async () => {
    await open(page, s.base, '#/p/FY/analysis', '#kpis .kpi');
    const wrap = page.locator('#breakdown-channel .table-wrap');
    const [sw, cw] = await wrap.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    assert(sw > cw, `the channel table is wider than its card (${sw} > ${cw}) and scrolls there`);
    await wrap.evaluate((e) => { e.scrollLeft = e.scrollWidth; });
    await assertNoSidewaysScroll(page, 'a table scrolled to its end');
  });

  await test(`${tag}: no CSP violations or script errors`, [], async () => {
    assert(page.problems.length === 0, page.problems.join('\n'));
  });
  await ctx.close();
}

run(async (browser) => {
  const s = await startServer({ demo: true, name: 'phone' });
  for (const vp of VIEWPORTS) for (const lang of LANGS) await scenario(browser, s, lang, vp);
});
