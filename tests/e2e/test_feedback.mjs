// test_feedback.mjs - a project's customer feedback screen (screens/feedback.js) in Chromium.
// A manager in zh-CN on a desktop and a rep in en on a phone (390×844) open it from the
// project's navigation and record feedback of every category through the form (a rating, an
// NPS score or both; the customer typed by name and picked from the suggestions; a sale, a
// deal, the member who served), each read back through the API and compared with what was
// typed. The summary above the list shows the project's NPS and average rating and each
// member's and product's, which the test computes itself from every record the API holds
// (NPS = % promoters − % detractors, to 0.01 half away from zero, in integers). Feedback with
// neither a rating nor a score is refused under the rating in the reader's language, nothing
// saved; a rep edits what they took (version 2) and has no edit control on a colleague's; a
// viewer reads the summary and the list without a write control.
import { test, assert, run, startServer, shot, cli, isoDay, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import {
  signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, openNew, saveForm, cancelForm,
  eventually, pickCustomer, insertDeal,
} from './forms.mjs';

const PROJECT = 'P1';
const CATEGORIES = ['product', 'service', 'price', 'delivery'];
const CUSTOMERS = ['华东贸易有限公司', '西湖电子科技'];
const API = `/api/v1/projects/${PROJECT}/feedback`;
const SALES = {};
let DEAL = null;

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['rep2', '赵磊', 'rep'], ['vw', '高总', 'viewer']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2026-12-31']);
  for (const [login, prole] of [['mgr', 'manager'], ['rep1', 'member'], ['rep2', 'member'], ['vw', 'viewer']])
    cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(db, ['product', 'add', 'SKU-1', '--name', '边缘网关', '--cost', '60', '--price', '100']);
  cli(db, ['product', 'add', 'SKU-2', '--name', '工业相机', '--cost', '60', '--price', '100']);
  for (const [c, sku] of [[CUSTOMERS[0], 'SKU-1'], [CUSTOMERS[1], 'SKU-2']])
    SALES[c] = JSON.parse(cli(db, ['--json', 'sale', 'add', PROJECT, '--date', '2026-02-01', '--customer', c, '--product', sku,
      '--channel', 'direct', '--quantity', '1', '--rep', 'rep1'])).id;
  DEAL = insertDeal(db, PROJECT, CUSTOMERS[1], 'rep1', '续约');
}

const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
const all = async (page) => (await get(page, API + '?limit=500')).feedback;

// NPS and the average rating of records, as the page should print them ("20.00", "-16.67", "—"),
// from integers: hundredths = round half away from zero of 10000 * (P - D) / N.
function hundredths(num, den) {
  if (!den) return '—';
  const neg = num < 0 !== den < 0 && num !== 0;
  const a = Math.abs(num), b = Math.abs(den);
  const v = Math.floor((2 * a + b) / (2 * b)); // |num/den| rounded half up
  return (neg && v ? '-' : '') + Math.floor(v / 100) + '.' + String(v % 100).padStart(2, '0');
}
function expected(recs) {
  const scores = recs.map((r) => r.nps).filter((x) => x !== null);
  const ratings = recs.map((r) => r.rating).filter((x) => x !== null);
  const p = scores.filter((s) => s >= 9).length, d = scores.filter((s) => s <= 6).length;
  return {
    nps: hundredths(10000 * (p - d), scores.length), rating: hundredths(100 * ratings.reduce((a, b) => a + b, 0), ratings.length),
    count: recs.length, mix: `${p} / ${scores.filter((s) => s === 7 || s === 8).length} / ${d}`,
  };
}

async function record(page, a) {
  const before = new Set((await all(page)).map((r) => r.id));
  const f = await openNew(page);
  await pickCustomer(f, a.customer);
  await f.locator('input[name=date]').fill(a.date);
  if (a.rating !== null) await f.locator('input[name=rating]').fill(String(a.rating));
  if (a.nps !== null) await f.locator('input[name=nps]').fill(String(a.nps));
  await f.locator('select[name=category]').selectOption(a.category);
  if (a.comment) await f.locator('textarea[name=comment]').fill(a.comment);
  if (a.sale) await f.locator('input[name=sale]').fill(String(a.sale));
  if (a.deal) await f.locator('input[name=deal]').fill(String(a.deal));
  await f.locator('select[name=member]').selectOption(a.member || '');
  await saveForm(page);
  const made = (await all(page)).filter((r) => !before.has(r.id));
  assert(made.length === 1, `${made.length} records made`);
  return made[0];
}

// The summary as the page shows it: the totals and each member's and product's row.
const readSummary = (page) => page.locator('#feedback-summary').evaluate((el) => {
  const txt = (id) => el.querySelector('#' + id).textContent.trim();
  const rows = (id) => Object.fromEntries([...el.querySelectorAll(`#${id} tbody tr`)].map((tr) => [tr.dataset.key,
    { count: tr.children[1].textContent.trim(), rating: tr.querySelector('.fb-rating').textContent.trim(), nps: tr.querySelector('.fb-nps').textContent.trim() }]));
  return { nps: txt('fb-nps'), rating: txt('fb-rating'), count: txt('fb-count'), mix: txt('fb-mix'),
    members: el.querySelector('#fb-by-member') ? rows('fb-by-member') : {}, products: el.querySelector('#fb-by-product') ? rows('fb-by-product') : {} };
});

// The page's summary is what the records say (every record the API holds, by hand here).
async function assertSummary(page) {
  const recs = await all(page);
  const want = expected(recs);
  const got = await readSummary(page);
  assert(got.nps === want.nps && got.rating === want.rating && Number(got.count.replace(/\D/g, '')) === want.count && got.mix === want.mix,
    `summary ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  for (const [key, field, rows] of [['member', 'member', got.members], ['product', 'product', got.products]]) {
    const groups = {};
    for (const r of recs) (groups[r[field] === null ? '' : r[field]] ||= []).push(r);
    assert(Object.keys(rows).sort().join() === Object.keys(groups).sort().join(), `${key} rows ${Object.keys(rows)}, want ${Object.keys(groups)}`);
    for (const [k, rs] of Object.entries(groups)) {
      const w = expected(rs);
      assert(rows[k].nps === w.nps && rows[k].rating === w.rating && Number(rows[k].count) === w.count,
        `${key} ${k}: ${JSON.stringify(rows[k])}, want ${JSON.stringify(w)}`);
    }
  }
  return { recs, got };
}

async function feedbackAs(browser, server, user, lang, viewport) {
  const T = TEXTS[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang, viewport });
  const where = `${lang}, ${viewport === PHONE ? 'phone' : 'desktop'}`;
  const t1 = `${where}: ${user} records feedback of every category; the summary follows`;
  await test(t1, [], async () => {
    await page.go('#/p/' + PROJECT);
    if (viewport === PHONE) await page.click('#menu-button');
    await page.click('#nav-feedback');
    await page.locator('.page-head h1', { hasText: T['ent.feedback.plural'] }).waitFor();
    const f0 = await openNew(page);
    if (viewport === PHONE) await assertFitsPhone(page, page.locator('.modal'), 'the feedback form');
    const cats = await optionValues(f0.locator('select[name=category]'));
    assert(cats.join() === CATEGORIES.join(), `categories offered: ${cats}`);
    const labels = (await f0.locator('select[name=category] option').allTextContents()).map((s) => s.trim());
    assert(labels.join('|') === CATEGORIES.map((c) => T['ent.feedback.category.' + c]).join('|'), `category labels: ${labels}`);
    for (const l of labels) assertLang(lang, l, 'a category label');
    const members = (await optionValues(f0.locator('select[name=member]'))).sort();
    assert(members.join() === ['admin', 'mgr', 'rep1', 'rep2', 'vw'].join(), `members offered: ${members}`);
    await cancelForm(page);
    // every category: a rating and a score, a score alone, a rating alone; a sale, a deal
    const plan = [
      { rating: 5, nps: 10, sale: SALES[CUSTOMERS[0]], customer: CUSTOMERS[0], member: 'rep1' },
      { rating: null, nps: 6, deal: DEAL, customer: CUSTOMERS[1], member: 'rep2' },
      { rating: 3, nps: null, customer: CUSTOMERS[0], member: null },
      { rating: 4, nps: 8, sale: SALES[CUSTOMERS[1]], customer: CUSTOMERS[1], member: 'rep1' },
    ];
    for (let i = 0; i < CATEGORIES.length; i++) {
      const want = { ...plan[i], category: CATEGORIES[i], date: isoDay(-i), comment: L === 'zh' ? `评价 ${i}` : `Comment ${i}` };
      const r = await record(page, want);
      const product = want.sale ? (want.customer === CUSTOMERS[0] ? 'SKU-1' : 'SKU-2') : null;
      const got = [r.category, r.rating, r.nps, r.date, r.customer_name, r.comment, r.sale, r.deal, r.member, r.product, r.taken_by, r.version];
      const exp = [want.category, want.rating, want.nps, want.date, want.customer, want.comment, want.sale || null, want.deal || null,
        want.member, product, user, 1];
      assert(JSON.stringify(got) === JSON.stringify(exp), `saved ${JSON.stringify(got)}, typed ${JSON.stringify(exp)}`);
      await eventually(() => assertSummary(page));
    }
    await page.locator('#feedback-summary').waitFor();
    await assertNoSidewaysScroll(page, 'the feedback screen');
    await shot(page, `feedback-${L}-${user}`);
  });

  await test(`${where}: ${user} giving neither a rating nor a score is refused under the rating, nothing saved`, [t1], async () => {
    const n = (await all(page)).length;
    const f = await openNew(page);
    await pickCustomer(f, CUSTOMERS[0]);
    await f.locator('select[name=category]').selectOption('service');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'rating');
    assert(msg === T['reason.rating_or_nps'], `the error reads "${msg}"`);
    assertLang(lang, msg, 'the error');
    // a score out of range is the form's own check, said under the field
    await f.locator('input[name=nps]').fill('11');
    await f.locator('button[type=submit]').click();
    const msg2 = await fieldError(f, 'nps');
    assert(msg2 === fill(T['form.bad_count_range'], { min: 0, max: 10 }), `the error reads "${msg2}"`);
    await cancelForm(page);
    assert((await all(page)).length === n, 'something was saved');
  });

  if (user !== 'mgr') {
    await test(`${where}: ${user} edits what they took (version 2) and has no edit control on a colleague's`, [t1], async () => {
      const mine = (await all(page)).find((r) => r.taken_by === user && r.category === 'price');
      await page.locator(`.crud-table tbody tr[data-key="${mine.id}"]`).getByRole('button', { name: T['action.edit'] }).click();
      const f = page.locator('#crud-form');
      assert(await f.locator('input[name=customer]').inputValue() === mine.customer_name, 'the customer is not shown by name');
      await f.locator('input[name=nps]').fill('9');
      await saveForm(page);
      const r = (await all(page)).find((x) => x.id === mine.id);
      assert(r.nps === 9 && r.rating === mine.rating && r.version === 2, `edited ${JSON.stringify(r)}`);
      await eventually(() => assertSummary(page));
      const theirs = (await all(page)).find((x) => x.taken_by !== user);
      const row = page.locator(`.crud-table tbody tr[data-key="${theirs.id}"]`);
      await row.waitFor();
      assert(await row.getByRole('button', { name: T['action.edit'] }).count() === 0, "an edit control on a colleague's feedback");
    });
  }
  return { ctx, page, t1 };
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'feedback' });
  const a = await feedbackAs(browser, server, 'mgr', 'zh-CN');
  const b = await feedbackAs(browser, server, 'rep1', 'en', PHONE);
  await test('a viewer reads the summary and the feedback without a write control', [a.t1], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await page.go(`#/p/${PROJECT}/feedback`);
    await page.locator('.crud-table tbody tr').first().waitFor();
    await assertSummary(page);
    assert(await page.locator('#crud-new').count() === 0, 'a new button for a viewer');
    assert(await page.getByRole('button', { name: TEXTS.en['action.edit'] }).count() === 0, 'edit buttons for a viewer');
    await ctx.close();
  });
  for (const x of [a, b]) {
    assert(x.page.problems.length === 0, `page problems: ${x.page.problems.join('; ')}`);
    await x.ctx.close();
  }
});
