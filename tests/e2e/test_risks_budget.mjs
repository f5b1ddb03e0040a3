// test_risks_budget.mjs - a project's risks screen (screens/risks.js) in Chromium. A manager in
// zh-CN on a desktop and a rep in en on a phone (390×844) open it from the project's navigation
// and record a risk of every category through the form (probabilities and impacts across the
// scale, every status, an owner, a review day), each read back through the API and compared with
// what was typed, its score the product the test computes. The 5×5 matrix above the list shows
// the open and mitigating risks per probability and impact, which the test counts itself from
// every risk the API holds, each cell's band from its score (low 1-4, medium 5-9, high 10-16,
// critical 20-25); a click on a cell lists that cell's risks only. An edit of a risk's probability
// and impact moves it in the matrix (version 2). A probability of 6 is refused under its field in
// the reader's language, nothing saved; a rep has no edit control on a colleague's risk; a viewer
// reads the matrix and the list without a write control.
//
// The budget screen (screens/budget.js): the manager allocates a line of every category through
// the form and records an expense against one, the rep (a member) records and edits their own
// expense and may not allocate; the overview's allocated, spent and remaining money per line
// and in all, an overspent line, and the strategy's spending are checked against what the test
// computes from every line and expense the API holds; an amount of 0 is refused under its field.
import { test, assert, run, startServer, shot, cli, isoDay, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import {
  signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, openNew, saveForm, cancelForm,
  eventually,
} from './forms.mjs';

const PROJECT = 'P1';
const CATEGORIES = ['market', 'competition', 'pricing', 'channel', 'team', 'supply', 'finance', 'other'];
const STATUSES = ['open', 'mitigating', 'closed', 'occurred'];
const API = `/api/v1/projects/${PROJECT}/risks`;
const BUDGET_CATEGORIES = ['marketing', 'promotion', 'channel', 'travel', 'training', 'staff', 'other'];
const LINES = `/api/v1/projects/${PROJECT}/budget_lines`;
const EXPENSES = `/api/v1/projects/${PROJECT}/expenses`;

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['rep2', '赵磊', 'rep'], ['vw', '高总', 'viewer']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2026-12-31']);
  for (const [login, prole] of [['mgr', 'manager'], ['rep1', 'member'], ['rep2', 'member'], ['vw', 'viewer']])
    cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
  // a colleague's risk the rep may not change
  cli(db, ['risk', 'add', PROJECT, '--description', '渠道库存积压', '--category', 'channel', '--probability', '3',
    '--impact', '3', '--owner', 'rep2']);
  // the strategy's spending: a channel costing 10% and a sale of 1000.00 less a 100.00 promotion discount
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct', '--cost-rate', '10']);
  cli(db, ['product', 'add', 'SKU-1', '--name', '边缘网关', '--cost', '60', '--price', '100']);
  cli(db, ['promotion', 'add', 'P618', '--name', '618', '--kind', 'amount', '--value', '100.00']);
  cli(db, ['sale', 'add', PROJECT, '--date', '2026-02-01', '--customer', '华东贸易', '--product', 'SKU-1', '--channel', 'direct',
    '--quantity', '10', '--price', '100.00', '--discount', '100.00', '--promotion', 'P618', '--rep', 'rep1']);
}

const STRATEGY = { promotion_cost: 10000, channel_cost: (1000 * 100 - 10000) / 10 };

// The overview as the page shows it (minor units from each figure's data-minor).
const readBudget = (page) => page.locator('.budget-panels').evaluate((el) => {
  const v = (id) => Number(el.querySelector('#' + id).dataset.minor);
  return {
    allocated: v('budget-allocated'), spent: v('budget-spent'), remaining: v('budget-remaining'),
    promotion: v('budget-promotion-cost'), channel: v('budget-channel-cost'), total: v('budget-strategy-total'),
    lines: Object.fromEntries([...el.querySelectorAll('#budget-lines-table tbody tr[data-line]')].map((tr) => [tr.dataset.line, {
      allocated: Number(tr.querySelector('[data-col=allocated]').dataset.minor), spent: Number(tr.querySelector('[data-col=spent]').dataset.minor),
      remaining: Number(tr.querySelector('[data-col=remaining]').dataset.minor), over: tr.classList.contains('row-overdue') }])),
  };
});

// The page's overview is what the lines and expenses say (every one the API holds, summed here).
async function assertBudget(page) {
  const lines = (await get(page, LINES + '?limit=500')).budget_lines;
  const xs = (await get(page, EXPENSES + '?limit=500')).expenses;
  const got = await readBudget(page);
  const spentOf = (id) => xs.filter((x) => x.line === id).reduce((a, x) => a + x.amount, 0);
  const allocated = lines.reduce((a, l) => a + l.allocated, 0), spent = xs.reduce((a, x) => a + x.amount, 0);
  assert(got.allocated === allocated && got.spent === spent && got.remaining === allocated - spent,
    `totals ${JSON.stringify(got)}, want ${allocated} ${spent}`);
  assert(got.promotion === STRATEGY.promotion_cost && got.channel === STRATEGY.channel_cost
    && got.total === STRATEGY.promotion_cost + STRATEGY.channel_cost, `strategy ${JSON.stringify(got)}`);
  assert(Object.keys(got.lines).length === lines.length, `${Object.keys(got.lines).length} lines shown, ${lines.length} held`);
  for (const l of lines) {
    const g = got.lines[l.id], sp = spentOf(l.id);
    assert(g.allocated === l.allocated && g.spent === sp && g.remaining === l.allocated - sp && g.over === sp > l.allocated,
      `line ${l.name}: ${JSON.stringify(g)}, want spent ${sp}`);
  }
  return { lines, xs };
}

// Money typed in major units as minor units, by hand.
const minorOf = (s) => { const [w, f = ''] = s.split('.'); return Number(w) * 100 + Number((f + '00').slice(0, 2)); };

async function addExpense(page, lineId, amount, note, day) {
  const before = new Set((await get(page, EXPENSES + '?limit=500')).expenses.map((x) => x.id));
  const f = await openNew(page);
  await f.locator('select[name=line]').selectOption(String(lineId));
  await f.locator('input[name=amount]').fill(amount);
  await f.locator('input[name=date]').fill(day);
  await f.locator('textarea[name=note]').fill(note);
  await saveForm(page);
  const made = (await get(page, EXPENSES + '?limit=500')).expenses.filter((x) => !before.has(x.id));
  assert(made.length === 1, `${made.length} expenses made`);
  return made[0];
}

async function budgetAs(browser, server, user, lang, viewport) {
  const T = TEXTS[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang, viewport });
  const where = `${lang}, ${viewport === PHONE ? 'phone' : 'desktop'}`;
  const t1 = `${where}: ${user} on the budget: lines, an expense, what remains`;
  await test(t1, [], async () => {
    await page.go('#/p/' + PROJECT);
    if (viewport === PHONE) await page.click('#menu-button');
    await page.click('#nav-budget');
    await page.locator('.page-head h1', { hasText: T['budget.title'] }).waitFor();
    await page.locator('#budget-totals').waitFor();
    if (user === 'mgr') {
      const f0 = await openNew(page);
      const cats = await optionValues(f0.locator('select[name=category]'));
      assert(cats.join() === BUDGET_CATEGORIES.join(), `categories offered: ${cats}`);
      const labels = (await f0.locator('select[name=category] option').allTextContents()).map((x) => x.trim()).filter((x) => x);
      assert(labels.join('|') === BUDGET_CATEGORIES.map((c) => T['ent.budget.category.' + c]).join('|'), `labels: ${labels}`);
      for (const l of labels) assertLang(lang, l, 'a category label');
      await cancelForm(page);
      const amounts = ['5000.00', '800', '12000.50', '3000', '1500.25', '9000', '100'];
      for (let k = 0; k < BUDGET_CATEGORIES.length; k++) {
        const before = new Set((await get(page, LINES)).budget_lines.map((l) => l.id));
        const f = await openNew(page);
        await f.locator('select[name=category]').selectOption(BUDGET_CATEGORIES[k]);
        await f.locator('input[name=name]').fill(L === 'zh' ? `科目 ${k}` : `Line ${k}`);
        await f.locator('input[name=allocated]').fill(amounts[k]);
        await saveForm(page);
        const made = (await get(page, LINES)).budget_lines.filter((l) => !before.has(l.id));
        assert(made.length === 1 && made[0].category === BUDGET_CATEGORIES[k] && made[0].allocated === minorOf(amounts[k])
          && made[0].spent === 0, `line saved ${JSON.stringify(made)}`);
        await eventually(() => assertBudget(page));
      }
      // the allocation of the promotion line edited (version 2)
      const promo = (await get(page, LINES)).budget_lines.find((l) => l.category === 'promotion');
      await page.locator(`.crud-table tbody tr[data-key="${promo.id}"]`).getByRole('button', { name: T['action.edit'] }).click();
      await page.locator('#crud-form input[name=allocated]').fill('1000.00');
      await saveForm(page);
      const p2 = (await get(page, LINES)).budget_lines.find((l) => l.id === promo.id);
      assert(p2.allocated === 100000 && p2.version === 2, `edited ${JSON.stringify(p2)}`);
      await eventually(() => assertBudget(page));
    } else {
      assert(await page.locator('#crud-new').count() === 0, 'a member may not allocate a line');
    }
    await page.click('#budget-tab-expenses');
    await page.locator('.page-head h1', { hasText: T['budget.title'] }).waitFor();
    const lines = (await get(page, LINES)).budget_lines;
    const f1 = await openNew(page);
    const offered = await optionValues(f1.locator('select[name=line]'));
    assert(offered.slice().sort().join() === lines.map((l) => String(l.id)).sort().join(), `lines offered: ${offered}`);
    if (viewport === PHONE) await assertFitsPhone(page, page.locator('.modal'), 'the expense form');
    await cancelForm(page);
    // the promotion line (1000.00) overspent by the manager's 900.00 and the rep's 150.50
    const promo = lines.find((l) => l.category === 'promotion');
    const amount = user === 'mgr' ? '900.00' : '150.50';
    const x = await addExpense(page, promo.id, amount, L === 'zh' ? '展架物料' : 'Posters', isoDay(-2));
    assert(x.amount === minorOf(amount) && x.line === promo.id && x.recorded_by === user && x.date === isoDay(-2)
      && x.line_name === promo.name, `expense saved ${JSON.stringify(x)}`);
    await eventually(() => assertBudget(page));
    await assertNoSidewaysScroll(page, 'the budget screen');
    await shot(page, `budget-${L}-${user}`);
  });

  await test(`${where}: ${user} an amount of 0 is refused under its field, nothing saved`, [t1], async () => {
    const n = (await get(page, EXPENSES)).expenses.length;
    const f = await openNew(page);
    await f.locator('input[name=amount]').fill('0');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'amount');
    assertLang(lang, msg, 'the error');
    await cancelForm(page);
    assert((await get(page, EXPENSES)).expenses.length === n, 'something was saved');
  });

  if (user !== 'mgr') {
    await test(`${where}: ${user} edits their own expense and has no edit control on the manager's`, [t1], async () => {
      const xs = (await get(page, EXPENSES)).expenses;
      const mine = xs.find((x) => x.recorded_by === user);
      await page.locator(`.crud-table tbody tr[data-key="${mine.id}"]`).getByRole('button', { name: T['action.edit'] }).click();
      await page.locator('#crud-form input[name=amount]').fill('200.00');
      await saveForm(page);
      const r = (await get(page, EXPENSES)).expenses.find((x) => x.id === mine.id);
      assert(r.amount === 20000 && r.version === 2, `edited ${JSON.stringify(r)}`);
      await eventually(() => assertBudget(page));
      const theirs = xs.find((x) => x.recorded_by !== user);
      const row = page.locator(`.crud-table tbody tr[data-key="${theirs.id}"]`);
      await row.waitFor();
      assert(await row.getByRole('button', { name: T['action.edit'] }).count() === 0, "an edit control on the manager's expense");
      const over = await readBudget(page);
      const promo = (await get(page, LINES)).budget_lines.find((l) => l.category === 'promotion');
      assert(over.lines[promo.id].over === true, 'the promotion line is not marked overspent');
    });
  }
  return { ctx, page, t1 };
}

const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
const all = async (page) => (await get(page, API + '?limit=500')).risks;
const band = (score) => (score <= 4 ? 'low' : score <= 9 ? 'medium' : score <= 16 ? 'high' : 'critical');

// The matrix as the page shows it: {"p,i": {count, band}}.
const readMatrix = (page) => page.locator('#risk-matrix').evaluate((el) => Object.fromEntries([...el.querySelectorAll('.risk-cell')]
  .map((b) => [b.dataset.p + ',' + b.dataset.i, { count: Number(b.querySelector('.risk-count').textContent.trim()), band: b.dataset.band }])));

// The page's matrix is what the risks say (every risk the API holds, counted here).
async function assertMatrix(page) {
  const recs = await all(page);
  const got = await readMatrix(page);
  assert(Object.keys(got).length === 25, `${Object.keys(got).length} cells`);
  for (let p = 1; p <= 5; p++) {
    for (let i = 1; i <= 5; i++) {
      const n = recs.filter((r) => r.probability === p && r.impact === i && (r.status === 'open' || r.status === 'mitigating')).length;
      const c = got[p + ',' + i];
      assert(c.count === n && c.band === band(p * i), `cell ${p}x${i}: ${JSON.stringify(c)}, want ${n} ${band(p * i)}`);
    }
  }
  return recs;
}

async function record(page, a) {
  const before = new Set((await all(page)).map((r) => r.id));
  const f = await openNew(page);
  await f.locator('textarea[name=description]').fill(a.description);
  await f.locator('select[name=category]').selectOption(a.category);
  await f.locator('input[name=probability]').fill(String(a.probability));
  await f.locator('input[name=impact]').fill(String(a.impact));
  await f.locator('textarea[name=mitigation]').fill(a.mitigation);
  if (a.owner) await f.locator('select[name=owner]').selectOption(a.owner);
  await f.locator('select[name=status]').selectOption(a.status);
  await f.locator('input[name=review_on]').fill(a.review_on);
  await saveForm(page);
  const made = (await all(page)).filter((r) => !before.has(r.id));
  assert(made.length === 1, `${made.length} risks made`);
  return made[0];
}

async function risksAs(browser, server, user, lang, viewport) {
  const T = TEXTS[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang, viewport });
  const where = `${lang}, ${viewport === PHONE ? 'phone' : 'desktop'}`;
  const t1 = `${where}: ${user} records a risk of every category; the matrix follows`;
  await test(t1, [], async () => {
    await page.go('#/p/' + PROJECT);
    if (viewport === PHONE) await page.click('#menu-button');
    await page.click('#nav-risks');
    await page.locator('.page-head h1', { hasText: T['ent.risk.plural'] }).waitFor();
    await page.locator('#risk-matrix').waitFor();
    const title = (await page.locator('#risk-matrix h2').textContent()).trim();
    assert(title === T['risk.matrix_title'], `the matrix's title reads "${title}"`);
    const f0 = await openNew(page);
    if (viewport === PHONE) await assertFitsPhone(page, page.locator('.modal'), 'the risk form');
    const cats = await optionValues(f0.locator('select[name=category]'));
    assert(cats.join() === CATEGORIES.join(), `categories offered: ${cats}`);
    const labels = (await f0.locator('select[name=category] option').allTextContents()).map((s) => s.trim()).filter((s) => s);
    assert(labels.join('|') === CATEGORIES.map((c) => T['ent.risk.category.' + c]).join('|'), `category labels: ${labels}`);
    for (const l of labels) assertLang(lang, l, 'a category label');
    const statuses = await optionValues(f0.locator('select[name=status]'));
    assert(statuses.join() === STATUSES.join(), `statuses offered: ${statuses}`);
    const owner = await f0.locator('select[name=owner]').inputValue();
    assert(owner === user, `the owner preselected is "${owner}"`);
    await cancelForm(page);
    // every category, probabilities and impacts across the scale, every status; the manager
    // gives some to a rep, the rep owns theirs
    const plan = [[5, 5], [4, 5], [3, 4], [2, 3], [1, 1], [5, 2], [3, 3], [2, 5]];
    for (let k = 0; k < CATEGORIES.length; k++) {
      const [p, i] = plan[k];
      const want = {
        description: L === 'zh' ? `风险 ${k}：${T['ent.risk.category.' + CATEGORIES[k]]}` : `Risk ${k}: ${CATEGORIES[k]}`,
        category: CATEGORIES[k], probability: p, impact: i, status: STATUSES[k % 4],
        mitigation: L === 'zh' ? `应对 ${k}` : `Mitigation ${k}`, review_on: isoDay(k - 3),
        owner: user === 'mgr' && k % 2 ? 'rep1' : null,
      };
      const r = await record(page, want);
      const got = [r.description, r.category, r.probability, r.impact, r.score, r.band, r.status, r.mitigation, r.owner, r.review_on,
        r.review_due, r.version];
      const exp = [want.description, want.category, p, i, p * i, band(p * i), want.status, want.mitigation, want.owner || user,
        want.review_on, k - 3 < 0 && want.status !== 'closed', 1];
      assert(JSON.stringify(got) === JSON.stringify(exp), `saved ${JSON.stringify(got)}, typed ${JSON.stringify(exp)}`);
      await eventually(() => assertMatrix(page));
    }
    // the list: highest score first (ties as made)
    const listed = await page.locator('.crud-table tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.key)));
    const recs = await all(page);
    const order = recs.slice().sort((a, b) => b.score - a.score || a.id - b.id).map((r) => r.id);
    assert(JSON.stringify(listed) === JSON.stringify(order), `listed ${listed}, want ${order}`);
    await assertNoSidewaysScroll(page, 'the risks screen');
    if (viewport === PHONE) await assertFitsPhone(page, page.locator('#risk-matrix'), 'the matrix');
    await shot(page, `risks-${L}-${user}`);
  });

  await test(`${where}: ${user} clicks a cell and sees its risks only, then all again`, [t1], async () => {
    const recs = await all(page);
    const want = recs.filter((r) => r.probability === 5 && r.impact === 5).map((r) => r.id).sort();
    await page.click('.risk-cell[data-p="5"][data-i="5"]');
    const picked = (await page.locator('#risk-picked').textContent()).trim();
    assert(picked.startsWith(fill(T['risk.picked'], { p: 5, i: 5 })), `the note reads "${picked}"`);
    await eventually(async () => {
      const ids = await page.locator('.crud-table tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.key)));
      assert(JSON.stringify(ids.sort()) === JSON.stringify(want), `cell 5x5 lists ${ids}, want ${want}`);
    });
    await page.click('#risk-clear');
    await eventually(async () => {
      const n = await page.locator('.crud-table tbody tr').count();
      assert(n === recs.length, `${n} rows after clearing, want ${recs.length}`);
    });
  });

  await test(`${where}: ${user} edits a risk's probability and impact; it moves in the matrix`, [t1], async () => {
    const mine = (await all(page)).find((r) => r.owner === user && r.status === 'open');
    await page.locator(`.crud-table tbody tr[data-key="${mine.id}"]`).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    assert(await f.locator('input[name=probability]').inputValue() === String(mine.probability), 'the probability is not shown');
    const p = mine.probability === 4 ? 3 : 4, i = mine.impact === 2 ? 1 : 2;
    await f.locator('input[name=probability]').fill(String(p));
    await f.locator('input[name=impact]').fill(String(i));
    await saveForm(page);
    const r = (await all(page)).find((x) => x.id === mine.id);
    assert(r.probability === p && r.impact === i && r.score === p * i && r.version === 2, `edited ${JSON.stringify(r)}`);
    await eventually(() => assertMatrix(page));
  });

  await test(`${where}: ${user} a probability of 6 is refused under its field, nothing saved`, [t1], async () => {
    const n = (await all(page)).length;
    const f = await openNew(page);
    await f.locator('textarea[name=description]').fill('x');
    await f.locator('select[name=category]').selectOption('other');
    await f.locator('input[name=probability]').fill('6');
    await f.locator('input[name=impact]').fill('2');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'probability');
    assert(msg === fill(T['form.bad_count_range'], { min: 1, max: 5 }), `the error reads "${msg}"`);
    assertLang(lang, msg, 'the error');
    await cancelForm(page);
    assert((await all(page)).length === n, 'something was saved');
  });

  if (user !== 'mgr') {
    await test(`${where}: ${user} has no edit control on a colleague's risk`, [t1], async () => {
      const theirs = (await all(page)).find((x) => x.owner === 'rep2');
      const row = page.locator(`.crud-table tbody tr[data-key="${theirs.id}"]`);
      await row.waitFor();
      assert(await row.getByRole('button', { name: T['action.edit'] }).count() === 0, "an edit control on a colleague's risk");
    });
  }
  return { ctx, page, t1 };
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'risks' });
  const a = await risksAs(browser, server, 'mgr', 'zh-CN');
  const b = await risksAs(browser, server, 'rep1', 'en', PHONE);
  const c = await budgetAs(browser, server, 'mgr', 'zh-CN');
  const d = await budgetAs(browser, server, 'rep1', 'en', PHONE);
  await test('a viewer reads the matrix and the risks without a write control', [a.t1], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await page.go(`#/p/${PROJECT}/risks`);
    await page.locator('.crud-table tbody tr').first().waitFor();
    await assertMatrix(page);
    assert(await page.locator('#crud-new').count() === 0, 'a new button for a viewer');
    assert(await page.getByRole('button', { name: TEXTS.en['action.edit'] }).count() === 0, 'edit buttons for a viewer');
    await ctx.close();
  });
  for (const x of [a, b, c, d]) {
    assert(x.page.problems.length === 0, `page problems: ${x.page.problems.join('; ')}`);
    await x.ctx.close();
  }
});
