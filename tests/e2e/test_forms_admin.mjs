// test_forms_admin.mjs - the workspace's own forms in the browser: users of every role created
// by an admin (each then signs in with the password set), edited, given a new password and
// deactivated (and then refused at sign-in); workspace settings saved and a bad currency
// refused under its field; projects created and edited through every status; members added
// with every role and moved through every role, then removed; non-admins are told the admin
// pages are not theirs; a user created on a phone. In zh-CN and en.
import { test, assert, run, startServer, shot, isoDay, PASSWORD, CATALOG } from './lib.mjs';
import { signedIn, call, get, fmtMoney, sq, optionValues, assertFitsPhone, fieldError, assertLang, PHONE } from './forms.mjs';

const ROLES = ['admin', 'manager', 'rep', 'viewer'];
const PROLES = ['owner', 'manager', 'member', 'viewer'];
const NEWPW = 'a-new-Passw0rd-42';

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  cli(db, ['user', 'add', 'mgr', '--name', '李经理', '--role', 'manager', '--password-file', pw]);
  cli(db, ['user', 'add', 'rep1', '--name', '王芳', '--role', 'rep', '--password-file', pw]);
}

async function canSignIn(server, login, password) {
  const r = await fetch(server.base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password }) });
  return r.status === 200;
}
const row = (page, key) => page.locator(`.crud-table tr[data-key="${key}"]`);
async function save(page) {
  await page.click('#crud-form button[type=submit]');
  await page.locator('#crud-form').waitFor({ state: 'detached' });
}

async function usersInLang(browser, server, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const T = CATALOG[lang];
  const { ctx, page } = await signedIn(browser, server, 'admin', PASSWORD, { lang });
  await test(`${lang}: an admin creates a user of every role, each signs in`, [], async () => {
    await page.go('#/admin/users');
    await page.click('#crud-new');
    const offered = await optionValues(page.locator('#crud-form select[name=role]'));
    assert(offered.slice().sort().join() === ROLES.slice().sort().join(), `roles offered: ${offered}`);
    assert(await page.locator('#crud-form input[name=active]').count() === 0, 'the create form shows the edit-only "active"');
    await page.click('#crud-form button[type=button]');
    for (const role of ROLES) {
      const login = `${L}.${role}`;
      await page.click('#crud-new');
      const f = page.locator('#crud-form');
      await f.locator('input[name=login]').fill(login);
      await f.locator('input[name=name]').fill(`${role} 用户`);
      await f.locator('input[name=email]').fill(`${login}@example.com`);
      await f.locator('select[name=role]').selectOption(role);
      await f.locator('input[name=password]').fill(PASSWORD);
      await save(page);
      let u = await get(page, `/api/v1/users/${login}`); u = u.user || u;
      assert(u.role === role && u.active === true && u.email === `${login}@example.com`, `saved ${JSON.stringify(u)}`);
      assert(await canSignIn(server, login, PASSWORD), `${login} cannot sign in with the password set`);
    }
  });

  await test(`${lang}: an admin edits a user, sets a password and deactivates them`, [], async () => {
    const login = `${L}.rep`;
    await page.go('#/admin/users');
    await row(page, login).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    await f.locator('input[name=name]').fill('改名的销售');
    await f.locator('select[name=role]').selectOption('manager');
    await f.locator('input[name=password]').fill(NEWPW);
    await save(page);
    let u = await get(page, `/api/v1/users/${login}`); u = u.user || u;
    assert(u.name === '改名的销售' && u.role === 'manager', `edited ${JSON.stringify(u)}`);
    assert(await canSignIn(server, login, NEWPW) && !(await canSignIn(server, login, PASSWORD)), 'the new password does not replace the old');
    await row(page, login).getByRole('button', { name: T['action.edit'] }).click();
    await page.locator('#crud-form input[name=active]').uncheck();
    await save(page);
    u = await get(page, `/api/v1/users/${login}`); u = u.user || u;
    assert(u.active === false, 'the user is still active');
    assert(!(await canSignIn(server, login, NEWPW)), 'a deactivated user can sign in');
    const status = await row(page, login).textContent();
    assert(status.includes(T['ent.user.active.false']), `the row reads "${status}"`);
    await shot(page, `admin-${L}-users`);
  });

  await test(`${lang}: a server error on a user form shows under its field`, [], async () => {
    await page.go('#/admin/users');
    await page.click('#crud-new');
    const f = page.locator('#crud-form');
    await f.locator('input[name=login]').fill(`${L}.short`);
    await f.locator('input[name=name]').fill('短密码');
    await f.locator('input[name=password]').fill('short');
    await f.locator('button[type=submit]').click();
    assertLang(lang, await fieldError(f, 'password'), 'the password error');
    await page.click('#crud-form button[type=button]');
  });

  await test(`${lang}: workspace settings are saved; a bad currency is refused under its field`, [], async () => {
    await page.go('#/admin/workspace');
    const f = page.locator('#workspace-form');
    await f.locator('input[name=currency]').fill('XX');
    await f.locator('button[type=submit]').click();
    assertLang(lang, await fieldError(f, 'currency'), 'the currency error');
    const name = lang === 'zh-CN' ? '华信科技（测试）' : 'Huaxin test';
    await f.locator('input[name=name]').fill(name);
    await f.locator('input[name=currency]').fill('cny');
    await f.locator('input[name=timezone]').fill(lang === 'zh-CN' ? 'Asia/Shanghai' : 'Asia/Hong_Kong');
    await f.locator('button[type=submit]').click();
    await page.locator('.banner-success').waitFor();
    const ws = await get(page, '/api/v1/workspace');
    assert(ws.name === name && ws.currency === 'CNY' && ws.timezone === (lang === 'zh-CN' ? 'Asia/Shanghai' : 'Asia/Hong_Kong'), `saved ${JSON.stringify(ws)}`);
    await page.locator('.topbar', { hasText: name }).waitFor();
  });

  const code = `PJ-${L.toUpperCase()}`;
  await test(`${lang}: an admin creates a project and edits it through every status`, [], async () => {
    await page.go('#/projects');
    await page.click('#new-project');
    const f = page.locator('#project-form');
    const offered = await optionValues(f.locator('select[name=status]'));
    assert(offered.join() === 'draft,active,closed', `statuses offered: ${offered}`);
    await f.locator('input[name=code]').fill(code);
    await f.locator('input[name=name]').fill(lang === 'zh-CN' ? '华南区冲刺' : 'South push');
    await f.locator('input[name=start]').fill(isoDay(-10));
    await f.locator('input[name=end]').fill(isoDay(80));
    await f.locator('input[name=budget]').fill('123456.78');
    await f.locator('input[name=objective]').fill('拓展华南');
    await f.locator('button[type=submit]').click();
    await page.waitForURL(new RegExp(`#/p/${code}$`));
    let p = await get(page, `/api/v1/projects/${code}`); p = p.project || p;
    assert(p.budget === 12345678 && p.start === isoDay(-10) && p.objective === '拓展华南', `saved ${JSON.stringify(p)}`);
    // closed last: a closed project is not edited through its form (it is reopened, with a reason)
    for (const status of ['draft', 'active', 'closed']) {
      await page.click('#edit-project');
      const e = page.locator('#project-form');
      assert(await e.locator('input[name=budget]').inputValue() === '123456.78', 'the edit form shows another budget');
      await e.locator('select[name=status]').selectOption(status);
      await e.locator('button[type=submit]').click();
      await e.waitFor({ state: 'detached' });
      p = await get(page, `/api/v1/projects/${code}`); p = p.project || p;
      assert(p.status === status, `status saved as ${p.status}, want ${status}`);
    }
    assert(p.closed_at && p.closed_by === 'admin', `closed through the form ${JSON.stringify(p)}`);
    assert(await page.locator('#edit-project').count() === 0, 'a closed project offers its edit form');
    await page.click('#reopen-project');
    await page.locator('#reopen-form textarea[name=reason]').fill(lang === 'zh-CN' ? '继续推进' : 'Carry on');
    await page.click('#reopen-confirm');
    await page.locator('#edit-project').waitFor();
    p = await get(page, `/api/v1/projects/${code}`); p = p.project || p;
    assert(p.status === 'active' && p.closed_at === null, `reopened ${JSON.stringify(p)}`);
    const budget = await page.locator('.stat-value').first().textContent();
    assert(sq(budget) === sq(fmtMoney(lang, 12345678)), `the budget shows ${budget}`);
    // the end before the start is refused under the end field
    await page.click('#edit-project');
    const e = page.locator('#project-form');
    await e.locator('input[name=end]').fill(isoDay(-20));
    await e.locator('button[type=submit]').click();
    assertLang(lang, await fieldError(e, 'end'), 'the end date error');
    await page.keyboard.press('Escape');
  });

  await test(`${lang}: members are added with every role and moved through every role`, [], async () => {
    await page.go(`#/p/${code}/members`);
    const add = page.locator('#member-add');
    const offered = await optionValues(add.locator('select[name=role]'));
    assert(offered.join() === PROLES.join(), `project roles offered to an admin: ${offered}`);
    const people = [`${L}.manager`, 'mgr', `${L}.viewer`, 'rep1'];
    for (const [i, prole] of PROLES.entries()) {
      await add.locator('select[name=login]').selectOption(people[i]);
      await add.locator('select[name=role]').selectOption(prole);
      await add.locator('button[type=submit]').click();
      await page.locator(`#members-table tr[data-login="${people[i]}"]`).waitFor();
    }
    let ms = (await get(page, `/api/v1/projects/${code}/members`)).members;
    for (const [i, prole] of PROLES.entries()) {
      const m = ms.find((x) => x.login === people[i]);
      // a workspace viewer is kept a project viewer by the server whatever is asked
      assert(m && m.role === prole, `${people[i]} is ${m && m.role}, want ${prole}`);
    }
    for (const prole of ['viewer', 'member', 'manager', 'owner', 'member']) {
      const sel = page.locator(`#members-table tr[data-login="rep1"] select[name=member-role]`);
      const wait = page.waitForResponse((r) => r.url().includes('/members/rep1') && r.request().method() === 'PATCH');
      await sel.selectOption(prole);
      const r = await wait;
      assert(r.status() === 200, `changing rep1 to ${prole} answered ${r.status()}`);
      await page.locator('.banner-success').waitFor();
      ms = (await get(page, `/api/v1/projects/${code}/members`)).members;
      assert(ms.find((x) => x.login === 'rep1').role === prole, `rep1 is not ${prole}`);
    }
    await page.locator(`#members-table tr[data-login="${L}.viewer"] .btn-danger-ghost`).click();
    await page.locator(`#members-table tr[data-login="${L}.viewer"]`).waitFor({ state: 'detached' });
    ms = (await get(page, `/api/v1/projects/${code}/members`)).members;
    assert(!ms.some((m) => m.login === `${L}.viewer`), 'the removed member is still there');
    await shot(page, `admin-${L}-members`);
  });

  await test(`${lang}: a member's capacity and territory are set in a dialog; out of range is refused there`, [], async () => {
    await page.go(`#/p/${code}/members`);
    const row = page.locator('#members-table tr[data-login="mgr"]');
    const before = (await get(page, `/api/v1/projects/${code}/members`)).members.find((m) => m.login === 'mgr');
    assert(before.capacity === 1 && before.territory === '', `a new member: ${JSON.stringify(before)}`);
    await row.locator('button[name=member-edit]').click();
    const f = page.locator('#member-load');
    assert(await f.locator('input[name=capacity]').inputValue() === '100', 'the dialog starts from 100%');
    // 120% is no share of one person's load: said under the field, nothing sent
    await f.locator('input[name=capacity]').fill('120');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'capacity');
    assertLang(lang, msg, 'the capacity error');
    assert(msg === T['members.capacity_range'], `the capacity error reads "${msg}"`);
    await f.locator('input[name=capacity]').fill('62.5');
    await f.locator('input[name=territory]').fill('华东 · 上海、苏州');
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    await page.locator('.banner-success').waitFor();
    const m = (await get(page, `/api/v1/projects/${code}/members`)).members.find((x) => x.login === 'mgr');
    assert(m.capacity === 0.625 && m.territory === '华东 · 上海、苏州' && m.version === before.version + 1,
      `saved ${JSON.stringify(m)}`);
    // the row reads the percent as the reader's locale writes it, and the territory
    const want = new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(0.625);
    assert(sq(await row.locator('td[data-col=capacity]').textContent()) === sq(want), 'the capacity cell');
    assert((await row.locator('td[data-col=territory]').textContent()).trim() === '华东 · 上海、苏州', 'the territory cell');
  });
  await ctx.close();
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'forms-admin' });
  await usersInLang(browser, server, 'zh-CN');
  await usersInLang(browser, server, 'en');

  await test('a project manager may not grant ownership; a member sees no member controls', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD);
    await page.go('#/p/PJ-ZH/members');
    const offered = await optionValues(page.locator('#member-add select[name=role]'));
    assert(!offered.includes('owner'), `a project manager is offered ${offered}`);
    assert(await page.locator('#members-table tr[data-login="zh.manager"] select').count() === 0, 'a project manager may change the owner');
    assert(await page.locator('#members-table tr[data-login="rep1"] select').count() === 1, 'a project manager may not change a member');
    await ctx.close();
    const { ctx: c2, page: p2 } = await signedIn(browser, server, 'rep1', PASSWORD);
    await p2.go('#/p/PJ-ZH/members');
    await p2.locator('#members-table').waitFor();
    assert(await p2.locator('#member-add').count() === 0, 'a member sees the add form');
    assert(await p2.locator('#members-table select, #members-table button').count() === 0, 'a member sees role controls');
    await c2.close();
  });

  for (const [user, lang] of [['mgr', 'zh-CN'], ['rep1', 'en']]) {
    await test(`${lang}: ${user} opening the admin pages is told they are for admins`, [], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      for (const hash of ['#/admin/users', '#/admin/workspace', '#/admin/audit']) {
        await page.go(hash);
        await page.getByRole('heading', { name: CATALOG[lang]['access.admin_only'] }).waitFor();
        assert(await page.locator('#crud-new, #workspace-form, .crud-table').count() === 0, `${user} sees admin controls on ${hash}`);
      }
      await ctx.close();
    });
  }

  await test('an admin creates a user on a phone (390×844)', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'admin', PASSWORD, { viewport: PHONE });
    await page.go('#/admin/users');
    await page.click('#crud-new');
    await assertFitsPhone(page, page.locator('.modal'), 'the user form');
    const f = page.locator('#crud-form');
    await f.locator('input[name=login]').fill('phone.user');
    await f.locator('input[name=name]').fill('手机用户');
    await f.locator('select[name=role]').selectOption('viewer');
    await f.locator('input[name=password]').fill(PASSWORD);
    await shot(page, 'admin-zh-phone-user');
    await save(page);
    let u = await get(page, '/api/v1/users/phone.user'); u = u.user || u;
    assert(u.role === 'viewer', `saved ${JSON.stringify(u)}`);
    await ctx.close();
  });
});
