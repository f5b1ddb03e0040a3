// test_collections.mjs - a project's collections screen (回款, screens/collections.js) in
// Chromium: a project manager (zh-CN) opens it from the project's navigation and plans the
// payments of a won deal (one already past due, one to come), sees a plan past the deal's
// amount refused under the amount with what is left, in the reader's language, changing
// nothing; records a receipt (one past what is outstanding refused the same way), edits a
// payment and deletes one without receipts; a rep (en) records receipts and takes one back on
// their own deal and sees no write control on a colleague's; a viewer reads. The totals per
// project, customer and owner, each payment's status and each deal's figures are worked out
// here from the amounts typed, and compared with what the screen and the API say. On a phone
// (390x844) the manager plans a payment and records a receipt; the forms fit and the page
// does not scroll sideways. The won deals are rows written by tests/lib/deal_rows.py (the
// deals' own commands are another suite's).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test, assert, run, startServer, shot, assertNoSidewaysScroll, isoDay, ROOT, PASSWORD } from './lib.mjs';
import { signedIn, call, get, assertFitsPhone, fieldError, assertLang, fmtMoney, sq, PHONE, TEXTS as CATALOG } from './forms.mjs';

const PROJECT = 'P1';
const API = `/api/v1/projects/${PROJECT}/collections`;
const USERS = [['mgr', '李娜', 'manager', 'manager'], ['rep1', '王芳', 'rep', 'member'],
  ['rep2', '赵磊', 'rep', 'member'], ['vw', '高总', 'viewer', 'viewer']];
const DEALS = {}; // title -> id

// The one way these suites make a deal: a row by SQL (tests/lib/deal_rows.py).
function insertDeal(db, customer, owner, amountMinor, title) {
  const out = execFileSync('python3', [path.join(ROOT, 'tests/lib/deal_rows.py'), db, PROJECT, customer, owner,
    String(amountMinor), 'won', '2026-03-01', title], { encoding: 'utf8' });
  return Number(out.trim());
}

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, name, role] of USERS)
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2026-12-31']);
  for (const [login, , , prole] of USERS) cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(db, ['product', 'add', 'SKU-1', '--name', '交换机', '--cost', '60.00', '--price', '100.00']);
  for (const c of ['恒达贸易', '华创科技', '远航物流'])
    cli(db, ['sale', 'add', PROJECT, '--date', '2026-02-01', '--customer', c, '--product', 'SKU-1', '--channel', 'direct',
      '--quantity', '1', '--rep', 'rep1']);
  DEALS.zh = insertDeal(db, '恒达贸易', 'rep1', 10000000, '恒达核心网升级');   // 100,000.00, rep1's
  DEALS.en = insertDeal(db, '华创科技', 'rep1', 5000000, 'Huachuang WLAN');     // 50,000.00, rep1's
  DEALS.other = insertDeal(db, '远航物流', 'rep2', 3000000, '远航仓储网络');    // 30,000.00, rep2's
  DEALS.phone = insertDeal(db, '远航物流', 'mgr', 2000000, '远航门店改造');     // 20,000.00, mgr's
}

const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
const card = (page, id) => page.locator(`.collection-deal[data-deal="${id}"]`);
const deals = async (page) => (await get(page, API + '/deals')).deals;
const dealOf = async (page, id) => (await deals(page)).find((d) => d.id === id);

async function eventually(check, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// What a deal's payments say, worked out here: plan [{due, amount, received}] as of today.
function model(plan) {
  const today = isoDay(0);
  return plan.map((c) => ({
    ...c,
    outstanding: c.amount - c.received,
    status: c.received >= c.amount ? 'received' : c.due < today ? 'overdue' : c.received > 0 ? 'partly_received' : 'planned',
  }));
}

// The plan the API holds matches the model, payment by payment in due order.
function samePlan(d, plan) {
  const got = d.collections.map((c) => [c.due, c.amount, c.received, c.outstanding, c.status].join('/'));
  const want = model(plan).sort((a, b) => (a.due < b.due ? -1 : 1)).map((c) => [c.due, c.amount, c.received, c.outstanding, c.status].join('/'));
  assert(got.join() === want.join(), `plan ${got}, want ${want}`);
}

async function open(page, T) {
  await page.go('#/p/' + PROJECT);
  await page.click('#nav-collections');
  await page.locator('.page-head h1', { hasText: T['collection.title'] }).waitFor();
  await page.locator('.collection-deal').first().waitFor();
}

// Fill and submit the open MoneyForm #id with values {name: text}.
async function submitForm(page, id, values) {
  const f = page.locator('#' + id);
  for (const [k, v] of Object.entries(values)) await f.locator(`input[name=${k}]`).fill(v);
  await f.locator('button[type=submit]').click();
  return f;
}

async function planAndReceive(browser, server, user, lang, dealKey) {
  const T = CATALOG[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const id = DEALS[dealKey];
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
  const total = dealKey === 'zh' ? 10000000 : 5000000;
  const plan = [];
  const t1 = `${lang}: ${user} plans a won deal's payments; a plan past the deal's amount is refused`;
  await test(t1, [], async () => {
    await open(page, T);
    const c = card(page, id);
    const first = { due: isoDay(-20), amount: total * 0.4, received: 0 };
    const second = { due: isoDay(40), amount: total * 0.6, received: 0 };
    for (const p of [first, second]) {
      await c.getByRole('button', { name: T['collection.plan'] }).click();
      const f = await submitForm(page, 'plan-form', { due: p.due, amount: (p.amount / 100).toFixed(2), note: L === 'zh' ? '按里程碑付款' : 'On milestone' });
      await f.waitFor({ state: 'detached' });
      plan.push(p);
    }
    let d = await dealOf(page, id);
    samePlan(d, plan);
    assert(d.left_to_plan === 0 && d.planned === total, `the deal ${JSON.stringify(d)}`);
    // the whole amount is planned: one cent more is refused under the amount, with what is left
    await c.getByRole('button', { name: T['collection.plan'] }).click();
    const f = await submitForm(page, 'plan-form', { due: isoDay(60), amount: '0.01' });
    const msg = await fieldError(f, 'amount');
    assertLang(lang, msg, 'the plan error');
    const dec = (v) => (v / 100).toFixed(2);
    assert(msg === fill(T['reason.plan_over_deal'], { deal: String(id), amount: dec(total), planned: dec(total), left: '0.00' }),
      `the plan error reads "${msg}"`);
    await f.locator('button[type=button]').click();
    d = await dealOf(page, id);
    samePlan(d, plan);
    // the rows: the past-due payment is overdue and stands out
    await eventually(async () => {
      const overdue = c.locator('tr[data-status=overdue]');
      assert(await overdue.count() === 1 && (await overdue.getAttribute('class')) === 'row-overdue', 'the overdue row');
      assert((await overdue.textContent()).includes(T['ent.collection.status.overdue']), 'the overdue chip');
    });
    await shot(page, `collections-${L}-planned`);
  });

  await test(`${lang}: ${user} records receipts; one past what is outstanding is refused; a receipt is taken back`, [t1], async () => {
    const c = card(page, id);
    const row = c.locator('tr[data-status=overdue]');
    await row.getByRole('button', { name: T['collection.receive'] }).click();
    let f = page.locator('#receipt-form');
    const outstanding = plan[0].amount;
    assert(await f.locator('input[name=amount]').inputValue() === (outstanding / 100).toFixed(2), 'the form offers the outstanding');
    await submitForm(page, 'receipt-form', { amount: ((outstanding + 1) / 100).toFixed(2), received_on: isoDay(-2) });
    const msg = await fieldError(f, 'amount');
    assertLang(lang, msg, 'the receipt error');
    assert(msg === fill(T['reason.receipt_over'], { amount: ((outstanding + 1) / 100).toFixed(2), outstanding: (outstanding / 100).toFixed(2) }),
      `the receipt error reads "${msg}"`);
    const part = outstanding / 4;
    await submitForm(page, 'receipt-form', { amount: (part / 100).toFixed(2), received_on: isoDay(-2), note: 'TT-001' });
    await f.waitFor({ state: 'detached' });
    plan[0].received = part;
    samePlan(await dealOf(page, id), plan);
    // the rest of it, today by default
    await c.locator('tr[data-status=overdue]').getByRole('button', { name: T['collection.receive'] }).click();
    f = page.locator('#receipt-form');
    assert(await f.locator('input[name=received_on]').inputValue() === isoDay(0), 'today by default');
    await submitForm(page, 'receipt-form', {});
    await f.waitFor({ state: 'detached' });
    plan[0].received = outstanding;
    let d = await dealOf(page, id);
    samePlan(d, plan);
    assert(d.collections[0].receipts.map((r) => [r.amount, r.received_on, r.by].join()).join('|') ===
      [[part, isoDay(-2), user].join(), [outstanding - part, isoDay(0), user].join()].join('|'), 'the receipts');
    await eventually(async () => assert((await page.locator('#collection-notice').textContent()).length > 0, 'the notice'));
    // the first receipt taken back: overdue again
    const receipt = c.locator(`li[data-receipt="${d.collections[0].receipts[0].id}"]`);
    await receipt.getByRole('button', { name: T['collection.undo'] }).click();
    await receipt.waitFor({ state: 'detached' });
    plan[0].received = outstanding - part;
    d = await dealOf(page, id);
    samePlan(d, plan);
    assert(page.dialogs.length >= 1, 'the take-back was not confirmed');
  });

  await test(`${lang}: ${user} edits a payment and deletes one without receipts`, [t1], async () => {
    const c = card(page, id);
    const later = c.locator('tr[data-status=planned]');
    await later.getByRole('button', { name: T['action.edit'] }).click();
    const newDue = isoDay(45);
    const f = await submitForm(page, 'edit-collection-form', { due: newDue, amount: ((plan[1].amount - 100000) / 100).toFixed(2) });
    await f.waitFor({ state: 'detached' });
    plan[1] = { ...plan[1], due: newDue, amount: plan[1].amount - 100000 };
    let d = await dealOf(page, id);
    samePlan(d, plan);
    assert(d.left_to_plan === 100000, `left to plan ${d.left_to_plan}`);
    await c.locator('tr[data-status=planned]').getByRole('button', { name: T['action.delete'] }).click();
    await c.locator('tr[data-status=planned]').waitFor({ state: 'detached' });
    plan.splice(1, 1);
    d = await dealOf(page, id);
    samePlan(d, plan);
    // (the one with receipts offers no delete)
    assert(await c.locator('tr[data-status=overdue]').getByRole('button', { name: T['action.delete'] }).count() === 0, 'delete offered');
  });

  await test(`${lang}: ${user} reads totals per project, customer and owner as worked out from the plans`, [t1], async () => {
    await page.reload();
    await page.locator('#collection-totals').waitFor();
    const all = await deals(page);
    const today = isoDay(0);
    const sum = { planned: 0, received: 0, outstanding: 0, overdue: 0 };
    const byCustomer = {};
    const byOwner = {};
    for (const d of all) for (const c of d.collections) {
      const o = c.amount - c.received;
      const late = c.due < today ? o : 0;
      for (const g of [sum, byCustomer[d.customer] ||= { planned: 0, received: 0, outstanding: 0, overdue: 0 },
        byOwner[d.owner] ||= { planned: 0, received: 0, outstanding: 0, overdue: 0 }]) {
        g.planned += c.amount; g.received += c.received; g.outstanding += o; g.overdue += late;
      }
    }
    for (const k of ['planned', 'received', 'outstanding', 'overdue']) {
      const shown = await page.locator(`#collection-totals [data-total=${k}] .stat-value`).textContent();
      assert(sq(shown) === sq(fmtMoney(lang, sum[k])), `${k}: ${shown}, want ${fmtMoney(lang, sum[k])}`);
    }
    for (const [table, groups] of [['#collection-by-customer', byCustomer], ['#collection-by-owner', byOwner]]) {
      for (const [key, g] of Object.entries(groups)) {
        const tr = page.locator(`${table} tr[data-key="${key}"]`);
        for (const k of ['planned', 'received', 'outstanding', 'overdue']) {
          const shown = await tr.locator(`[data-col=${k}]`).textContent();
          assert(sq(shown) === sq(fmtMoney(lang, g[k])), `${table} ${key} ${k}: ${shown}, want ${fmtMoney(lang, g[k])}`);
        }
      }
    }
    await shot(page, `collections-${L}-totals`);
  });

  await test(`${lang}: ${user}'s pages had no script error`, [], async () => {
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  });
  await ctx.close();
  return t1;
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'collections' });
  const zhDone = await planAndReceive(browser, server, 'mgr', 'zh-CN', 'zh');
  const enDone = await planAndReceive(browser, server, 'rep1', 'en', 'en');

  await test('en: a rep sees no write control on a colleague\'s deal, and the server refuses one sent anyway', [zhDone, enDone], async () => {
    const { ctx, page } = await signedIn(browser, server, 'rep1', PASSWORD, { lang: 'en' });
    const T = CATALOG.en;
    await open(page, T);
    const other = card(page, DEALS.other);
    assert(await other.locator('button').count() === 0, `buttons on rep2's deal: ${await other.locator('button').allTextContents()}`);
    assert(await card(page, DEALS.zh).getByRole('button', { name: T['collection.plan'] }).count() === 1, 'no plan button on their own deal');
    const r = await call(page, 'POST', API, { deal: DEALS.other, due: isoDay(10), amount: 100 });
    assert(r.status === 403 && r.json.error.reason === 'own_records_only', `planning rep2's deal: ${r.status} ${r.text}`);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test('en: a viewer reads the collections without a write control', [zhDone], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await open(page, CATALOG.en);
    assert(await page.locator('.collection-deal').count() === 4, 'the four won deals');
    assert(await page.locator('.collection-deal button').count() === 0, 'a write control for a viewer');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test('zh-CN: on a phone (390x844) the manager plans a payment and records a receipt; nothing scrolls sideways', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = CATALOG['zh-CN'];
    await page.go(`#/p/${PROJECT}/collections`);
    await page.locator('.collection-deal').first().waitFor();
    await assertNoSidewaysScroll(page, 'the collections screen');
    const c = card(page, DEALS.phone);
    await c.getByRole('button', { name: T['collection.plan'] }).click();
    await assertFitsPhone(page, page.locator('.modal'), 'the plan form');
    let f = await submitForm(page, 'plan-form', { due: isoDay(30), amount: '20000.00' });
    await f.waitFor({ state: 'detached' });
    await c.locator('tr[data-status=planned]').getByRole('button', { name: T['collection.receive'] }).click();
    await assertFitsPhone(page, page.locator('.modal'), 'the receipt form');
    f = await submitForm(page, 'receipt-form', { amount: '5000.00' });
    await f.waitFor({ state: 'detached' });
    samePlan(await dealOf(page, DEALS.phone), [{ due: isoDay(30), amount: 2000000, received: 500000 }]);
    await assertNoSidewaysScroll(page, 'the collections screen after the receipt');
    await shot(page, 'collections-zh-phone');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
