// test_activities.mjs - a project's activities screen (screens/activities.js) in Chromium.
// A manager in zh-CN on a desktop and a rep in en on a phone (390×844) open it from the
// project's navigation and log an activity of every kind through the form, the phases and both
// statuses in turn, the customer typed by name and picked from the suggestions (the rep also
// logs one for a deal alone, whose customer the server takes); every record is read back
// through the API and compared with what was typed. The manager logs one for a rep and sees a
// viewer refused under the member field in their language; the rep's form has no member
// field and fits the phone. The to-do list shows the planned activities, overdue ones first,
// marked red with the catalog's badge; Done marks one done (read back: status done) and it
// leaves the list. A rep edits their own activity (version 2) and has no edit control on a
// colleague's; a viewer reads the list and the to-dos without any write control.
// Expected values come from what the test typed and the catalogs, never from the UI.
import { test, assert, run, startServer, shot, cli, isoDay, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import {
  signedIn, get, call, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, openNew, saveForm, cancelForm,
  eventually, pickCustomer, insertDeal,
} from './forms.mjs';

const PROJECT = 'P1';
const KINDS = ['call', 'visit', 'demo', 'email', 'meeting', 'other'];
const PHASES = ['pre_sale', 'in_sale', 'after_sale'];
const CUSTOMERS = ['华东贸易有限公司', '西湖电子科技', 'Northwind Traders'];
const API = `/api/v1/projects/${PROJECT}/activities`;
let DEAL = null;

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['rep2', '赵磊', 'rep'], ['vw', '高总', 'viewer']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2026-12-31']);
  for (const [login, prole] of [['mgr', 'manager'], ['rep1', 'member'], ['rep2', 'member'], ['vw', 'viewer']])
    cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(db, ['product', 'add', 'SKU-1', '--name', '边缘网关', '--cost', '60', '--price', '100']);
  for (const c of CUSTOMERS)
    cli(db, ['sale', 'add', PROJECT, '--date', '2026-02-01', '--customer', c, '--product', 'SKU-1', '--channel', 'direct', '--quantity', '1']);
  DEAL = insertDeal(db, PROJECT, CUSTOMERS[1], 'rep1');
}

const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
const all = async (page) => (await get(page, API + '?limit=500')).activities;
const customerId = async (page, name) => (await get(page, '/api/v1/customers?q=' + encodeURIComponent(name))).customers.find((c) => c.name === name).id;

async function openFromNav(page, T) {
  await page.go('#/p/' + PROJECT);
  // on a phone the navigation is a drawer the header's menu button opens
  if (page.viewportSize().width < 900) await page.click('#menu-button');
  await page.click('#nav-activities');
  await page.locator('.page-head h1', { hasText: T['act.title'] }).waitFor();
  const hash = await page.evaluate(() => location.hash);
  assert(hash === `#/p/${PROJECT}/activities`, `the navigation opened ${hash}`);
}

// Log one activity through the form: {kind, date, time, customer (name) | deal, phase, status,
// outcome, notes, member}; returns the record the API then holds.
async function logOne(page, a) {
  const before = new Set((await all(page)).map((r) => r.id));
  const f = await openNew(page);
  await f.locator('select[name=kind]').selectOption(a.kind);
  await f.locator('input[name=date]').fill(a.date);
  if (a.time) await f.locator('input[name=time]').fill(a.time);
  if (a.customer) await pickCustomer(f, a.customer);
  if (a.deal) await f.locator('input[name=deal]').fill(String(a.deal));
  if (a.member) await f.locator('select[name=member]').selectOption(a.member);
  await f.locator('select[name=phase]').selectOption(a.phase);
  await f.locator('select[name=status]').selectOption(a.status);
  if (a.outcome) await f.locator('input[name=outcome]').fill(a.outcome);
  if (a.notes) await f.locator('textarea[name=notes]').fill(a.notes);
  await saveForm(page);
  const made = (await all(page)).filter((r) => !before.has(r.id));
  assert(made.length === 1, `${made.length} activities made`);
  return made[0];
}

async function logEveryKind(browser, server, user, lang, viewport) {
  const T = TEXTS[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang, viewport });
  const manager = user === 'mgr';
  const where = `${lang}, ${viewport === PHONE ? 'phone' : 'desktop'}`;
  const t1 = `${where}: ${user} logs an activity of every kind, the phases and statuses in turn`;
  await test(t1, [], async () => {
    await openFromNav(page, T);
    const f0 = await openNew(page);
    if (viewport === PHONE) await assertFitsPhone(page, page.locator('.modal'), 'the activity form');
    const kinds = await optionValues(f0.locator('select[name=kind]'));
    assert(kinds.join() === KINDS.join(), `kinds offered: ${kinds}`);
    const kindLabels = (await f0.locator('select[name=kind] option').allTextContents()).map((s) => s.trim());
    assert(kindLabels.join('|') === KINDS.map((k) => T['ent.activity.kind.' + k]).join('|'), `kind labels: ${kindLabels}`);
    for (const l of kindLabels) if (l !== 'Demo') assertLang(lang, l, 'a kind label');
    const phases = await optionValues(f0.locator('select[name=phase]'));
    assert(phases.join() === PHASES.join(), `phases offered: ${phases}`);
    const statuses = await optionValues(f0.locator('select[name=status]'));
    assert(statuses.join() === 'planned,done', `statuses offered: ${statuses}`);
    assert(await f0.locator('select[name=status]').inputValue() === 'done', 'a new activity is not preset as done');
    assert(await f0.locator('input[name=date]').inputValue() === isoDay(0), 'the date is not preset to today');
    // a rep logs their own: no member to choose; a manager chooses among the project's members
    assert(await f0.locator('select[name=member]').count() === (manager ? 1 : 0), `member select for ${user}`);
    if (manager) {
      const members = (await optionValues(f0.locator('select[name=member]'))).sort();
      assert(members.join() === ['admin', 'mgr', 'rep1', 'rep2', 'vw'].join(), `members offered: ${members}`);
      assert(await f0.locator('select[name=member]').inputValue() === 'mgr', 'the manager is not preselected');
    }
    await cancelForm(page);
    for (let i = 0; i < KINDS.length; i++) {
      const want = {
        kind: KINDS[i], date: isoDay(-10 - i), time: i % 3 === 2 ? '' : `${String(9 + i).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
        customer: CUSTOMERS[i % CUSTOMERS.length], phase: PHASES[i % 3], status: i === 1 ? 'planned' : 'done',
        outcome: L === 'zh' ? `结果 ${i}` : `Outcome ${i}`, notes: i === 0 ? (L === 'zh' ? '第一行\n第二行' : 'line one\nline two') : '',
        member: manager && i === 3 ? 'rep2' : null,
      };
      const r = await logOne(page, want);
      const cid = await customerId(page, want.customer);
      const got = [r.kind, r.date, r.time, r.customer, r.customer_name, r.phase, r.status, r.outcome, r.notes, r.member, r.version];
      const exp = [want.kind, want.date, want.time, cid, want.customer, want.phase, want.status, want.outcome, want.notes,
        want.member || user, 1];
      assert(JSON.stringify(got) === JSON.stringify(exp), `saved ${JSON.stringify(got)}, typed ${JSON.stringify(exp)}`);
      // the list's row says the kind and phase in the reader's language and links the customer
      await eventually(async () => {
        const row = page.locator(`.crud-table tbody tr[data-key="${r.id}"]`);
        const text = await row.textContent({ timeout: 1000 });
        assert(text.includes(T['ent.activity.kind.' + want.kind]) && text.includes(T['ent.activity.phase.' + want.phase]),
          `the row of ${want.kind} reads "${text}"`);
        assert(await row.locator(`a.customer-link[href="#/customers/${cid}"]`).count() === 1, 'the customer is not linked');
      });
    }
    await assertNoSidewaysScroll(page, 'the activities screen');
    await shot(page, `activities-${L}-${user}`);
  });

  if (!manager) {
    await test(`${where}: ${user} logs a planned activity for a deal alone; its customer is the deal's`, [t1], async () => {
      const r = await logOne(page, { kind: 'visit', date: isoDay(3), time: '15:00', deal: DEAL, phase: 'in_sale', status: 'planned' });
      const cid = await customerId(page, CUSTOMERS[1]);
      assert(r.deal === DEAL && r.customer === cid && r.status === 'planned' && r.member === user && r.overdue === false,
        `saved ${JSON.stringify(r)}`);
    });
    await test(`${where}: ${user} edits their own activity (version 2) and has no edit control on a colleague's`, [t1], async () => {
      const mine = (await all(page)).find((r) => r.member === user && r.kind === 'demo');
      const row = page.locator(`.crud-table tbody tr[data-key="${mine.id}"]`);
      await row.getByRole('button', { name: T['action.edit'] }).click();
      const f = page.locator('#crud-form');
      assert(await f.locator('input[name=customer]').inputValue() === mine.customer_name, 'the edit form does not show the customer by name');
      const outcome = L === 'zh' ? '客户同意试用' : 'Trial agreed';
      await f.locator('input[name=outcome]').fill(outcome);
      await saveForm(page);
      const r = (await all(page)).find((x) => x.id === mine.id);
      assert(r.outcome === outcome && r.version === 2 && r.kind === 'demo', `edited ${JSON.stringify(r)}`);
      const theirs = (await all(page)).find((x) => x.member !== user);
      assert(theirs, 'no colleague activity to look at');
      const other = page.locator(`.crud-table tbody tr[data-key="${theirs.id}"]`);
      await other.waitFor();
      assert(await other.getByRole('button', { name: T['action.edit'] }).count() === 0, "an edit control on a colleague's activity");
    });
  } else {
    await test(`${where}: ${user} naming a viewer as the member is refused under the member field, nothing saved`, [t1], async () => {
      const n = (await all(page)).length;
      const f = await openNew(page);
      await pickCustomer(f, CUSTOMERS[0]);
      await f.locator('select[name=member]').selectOption('vw');
      await f.locator('select[name=phase]').selectOption('pre_sale');
      await f.locator('button[type=submit]').click();
      const msg = await fieldError(f, 'member');
      assert(msg === fill(T['reason.viewer_member'], { login: 'vw' }), `the error reads "${msg}"`);
      assertLang(lang, msg, 'the error');
      // neither a customer nor a deal: said under the customer
      await f.locator('input[name=customer]').fill('');
      await f.locator('select[name=member]').selectOption('rep1');
      await f.locator('button[type=submit]').click();
      const msg2 = await fieldError(f, 'customer');
      assert(msg2 === T['reason.customer_or_deal'], `the error reads "${msg2}"`);
      await cancelForm(page);
      assert((await all(page)).length === n, 'something was saved');
    });
  }
  return { ctx, page, t1 };
}

// The to-dos: planned activities by due time, overdue first and marked; Done marks one done.
async function todos(browser, server, user, lang, viewport) {
  const T = TEXTS[lang];
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang, viewport });
  await test(`${lang}: ${user} sees their to-dos, overdue first and marked, and marks one done`, [], async () => {
    const cid = await customerId(page, CUSTOMERS[2]);
    const mk = async (date, time, outcome) => {
      const r = await call(page, 'POST', API, { kind: 'call', date, time, customer: cid, phase: 'in_sale', status: 'planned', notes: outcome });
      assert(r.status === 201, `planned: ${r.status} ${r.text}`);
      return r.json;
    };
    const late = await mk(isoDay(-2), '09:00', 'late');
    const soon = await mk(isoDay(5), '10:30', 'soon');
    assert(late.overdue === true && soon.overdue === false, 'the server does not mark the overdue one');
    await page.go(`#/p/${PROJECT}/activities`);
    const list = page.locator('#todos .todo-list');
    await list.waitFor();
    if (user === 'mgr') await page.locator('#todos input[name=todo-mine]').check();
    const mine = (await all(page)).filter((r) => r.status === 'planned' && r.member === user)
      .sort((a, b) => (a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : a.id - b.id));
    const ids = await eventually(async () => {
      const got = await list.locator('li').evaluateAll((ls) => ls.map((l) => Number(l.dataset.id)));
      assert(JSON.stringify(got) === JSON.stringify(mine.map((r) => r.id)), `to-dos ${got}, want by due time ${mine.map((r) => r.id)}`);
      return got;
    });
    assert(ids.indexOf(late.id) < ids.indexOf(soon.id), 'the overdue one is not first');
    const lateLi = list.locator(`li[data-id="${late.id}"]`);
    assert((await lateLi.getAttribute('class')).includes('todo-overdue'), 'the overdue one is not marked');
    assert((await lateLi.textContent()).includes(T['act.overdue']), 'the overdue one has no badge');
    assert(!(await list.locator(`li[data-id="${soon.id}"]`).textContent()).includes(T['act.overdue']), 'the future one has a badge');
    if (viewport === PHONE) { await assertNoSidewaysScroll(page, 'the to-dos on a phone'); await shot(page, `activities-todos-${lang}-phone`); }
    await lateLi.getByRole('button', { name: T['act.done'] }).click();
    await list.locator(`li[data-id="${late.id}"]`).waitFor({ state: 'detached' });
    const r = (await all(page)).find((x) => x.id === late.id);
    assert(r.status === 'done' && r.overdue === false && r.done_at && r.version === 2, `marked ${JSON.stringify(r)}`);
  });
  await ctx.close();
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'activities' });
  const a = await logEveryKind(browser, server, 'mgr', 'zh-CN');
  const b = await logEveryKind(browser, server, 'rep1', 'en', PHONE);
  await todos(browser, server, 'rep1', 'zh-CN', PHONE);
  await todos(browser, server, 'mgr', 'en');
  await test('a viewer reads the activities and to-dos without a write control', [a.t1], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await page.go(`#/p/${PROJECT}/activities`);
    await page.locator('.crud-table tbody tr').first().waitFor();
    const n = await page.locator('.crud-table tbody tr').count();
    const want = (await all(page)).length;
    assert(n === Math.min(50, want) && want >= 12, `${n} rows of ${want}`);
    assert(await page.locator('#crud-new').count() === 0, 'a new button for a viewer');
    assert(await page.getByRole('button', { name: TEXTS.en['action.edit'] }).count() === 0, 'edit buttons for a viewer');
    assert(await page.locator('.todo-done').count() === 0, 'done buttons for a viewer');
    await ctx.close();
  });
  for (const x of [a, b]) {
    assert(x.page.problems.length === 0, `page problems: ${x.page.problems.join('; ')}`);
    await x.ctx.close();
  }
});
