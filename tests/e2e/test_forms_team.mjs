// test_forms_team.mjs - the open positions screen, which the web UI builds from the noun's
// description alone (no screen of its own): an admin in zh-CN and a workspace manager in en
// create a position of every status with a hiring manager picked from the users, edit one,
// see a fill-by date before the opening date refused under its field in their language, and
// delete one; reps and viewers see the list but no write control; a manager adds one on a
// phone. Values are read back through the API and compared with what was typed.
import { test, assert, run, startServer, shot, PASSWORD, CATALOG } from './lib.mjs';
import { signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE } from './forms.mjs';

const STATUSES = ['open', 'on_hold', 'filled', 'closed'];

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['vw', '高总', 'viewer']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
}

async function openNew(page) { await page.click('#crud-new'); return page.locator('#crud-form'); }
async function save(page) {
  await page.click('#crud-form button[type=submit]');
  await page.locator('#crud-form').waitFor({ state: 'detached' });
}
const rowOf = (page, title) => page.locator('.crud-table tbody tr', { hasText: title });
const byTitle = async (page, title) => (await get(page, '/api/v1/positions?title=' + encodeURIComponent(title))).positions;

async function positionsAs(browser, server, user, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const T = CATALOG[lang];
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });

  await test(`${lang}: ${user} finds open positions under Team and creates one of every status`, [], async () => {
    await page.go('#/projects');
    await page.click('#nav-positions');
    await page.locator('.page-head h1', { hasText: T['ent.position.plural'] }).waitFor();
    const f0 = await openNew(page);
    const offered = await optionValues(f0.locator('select[name=status]'));
    assert(offered.join() === STATUSES.join(), `statuses offered: ${offered}`);
    const managers = await optionValues(f0.locator('select[name=manager]'));
    assert(managers.join() === 'admin,mgr,rep1,vw', `hiring managers offered: ${managers}`);
    // a position may have no hiring manager: the select offers none first
    assert(await f0.locator('select[name=manager] option').first().getAttribute('value') === '', 'no "none" choice');
    await page.click('#crud-form button[type=button]');
    for (const [i, status] of STATUSES.entries()) {
      const title = `${L} 大客户经理 ${status}`;
      const f = await openNew(page);
      await f.locator('input[name=title]').fill(title);
      await f.locator('input[name=openings]').fill(String(i + 1));
      await f.locator('select[name=status]').selectOption(status);
      await f.locator('select[name=manager]').selectOption('mgr');
      await f.locator('textarea[name=requirements]').fill('3 年 B2B 销售经验');
      await f.locator('input[name=opened]').fill('2026-12-01');
      await f.locator('input[name=target]').fill('2027-02-28');
      await save(page);
      const [p] = await byTitle(page, title);
      assert(p && p.status === status && p.openings === i + 1 && p.manager === 'mgr' && p.opened === '2026-12-01'
        && p.target === '2027-02-28' && p.requirements === '3 年 B2B 销售经验', `saved ${JSON.stringify(p)}`);
      // the row says the status and the manager by name, in the reader's language
      const text = await rowOf(page, title).textContent();
      assert(text.includes(T['ent.position.status.' + status]) && text.includes('李娜'), `the row reads "${text}"`);
    }
  });

  await test(`${lang}: ${user} edits a position; a fill-by date before it opened is refused under its field`, [], async () => {
    const title = `${L} 大客户经理 open`;
    await rowOf(page, title).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    await f.locator('input[name=target]').fill('2026-11-01');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'target');
    assertLang(lang, msg, 'the date order error');
    assert(msg.includes(T['ent.position.target']) && msg.includes('2026-11-01'), `the error reads "${msg}"`);
    await shot(page, `team-${L}-date-order`);
    let [p] = await byTitle(page, title);
    assert(p.target === '2027-02-28' && p.version === 1, `a refused change changed ${JSON.stringify(p)}`);
    await f.locator('input[name=target]').fill('2027-03-31');
    await f.locator('input[name=openings]').fill('4');
    await f.locator('select[name=manager]').selectOption('');
    await save(page);
    [p] = await byTitle(page, title);
    assert(p.target === '2027-03-31' && p.openings === 4 && p.manager === null && p.version === 2, `edited ${JSON.stringify(p)}`);
    // 0 openings is out of the description's range: said in the form, nothing sent
    await rowOf(page, title).getByRole('button', { name: T['action.edit'] }).click();
    await f.locator('input[name=openings]').fill('0');
    await f.locator('button[type=submit]').click();
    const want = T['form.bad_count_range'].replace('{min}', '1').replace('{max}', '1000');
    assert(await fieldError(f, 'openings') === want, 'zero openings is not refused in its field');
    await page.click('#crud-form button[type=button]');
  });

  await test(`${lang}: ${user} deletes a position`, [], async () => {
    const title = `${L} 大客户经理 closed`;
    await rowOf(page, title).getByRole('button', { name: T['action.delete'] }).click();
    await rowOf(page, title).waitFor({ state: 'detached' });
    assert((await byTitle(page, title)).length === 0, 'still there after delete');
  });
  await ctx.close();
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'forms-team' });
  await positionsAs(browser, server, 'admin', 'zh-CN');
  await positionsAs(browser, server, 'mgr', 'en');

  for (const [user, lang] of [['rep1', 'zh-CN'], ['vw', 'en']]) {
    await test(`${lang}: ${user} reads the positions but sees no write control`, [], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      const T = CATALOG[lang];
      await page.go('#/positions');
      await page.locator('.crud-table tbody tr').first().waitFor();
      assert(await page.locator('#crud-new').count() === 0, `${user} sees the new button`);
      const buttons = await page.locator('.crud-table button').allTextContents();
      assert(!buttons.some((b) => b === T['action.edit'] || b === T['action.delete']), `${user} sees ${buttons}`);
      await ctx.close();
    });
  }

  await test('a manager adds a position on a phone (390×844)', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    await page.go('#/positions');
    const f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the position form');
    await f.locator('input[name=title]').fill('电话销售专员');
    await f.locator('input[name=openings]').fill('5');
    await shot(page, 'team-zh-phone-form');
    await save(page);
    const [p] = await byTitle(page, '电话销售专员');
    assert(p && p.openings === 5 && p.status === 'open', `saved ${JSON.stringify(p)}`);
    await ctx.close();
  });
});
