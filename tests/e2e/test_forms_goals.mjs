// test_forms_goals.mjs - every goal form submitted in the browser, over the 华信科技 demo:
// a goal of every metric created by a project manager in zh-CN and in en (ratios typed as
// percents: 45 is saved as 0.45 and shown as 45.0%), the demo's margin goal edited with a
// revision reason, a goal with failing SMART letters saved only after a confirmation that
// names them, a custom goal with its own unit and its check-ins (owner, manager; a rep who
// does not own it and a viewer see no form), errors shown under their field, every option
// of the scope selects linted, a goal deleted, and the form on a phone.
import { test, assert, run, startServer, shot, isoDay, DEMO_PASSWORD, CATALOG } from './lib.mjs';
import { signedIn, call, get, fmtPct, fmtMoney, fmtInt, sq, optionValues, assertFitsPhone, fieldError, assertLang, PHONE } from './forms.mjs';

const Y = Number(isoDay(0).slice(0, 4)); // the workspace's year
const START = `${Y}-01-01`, DUE = `${Y}-12-31`; // the demo's FY project
const TODAY = isoDay(0);
// A project of its own for the new goals (the demo's FY has many goals, slow to redraw);
// the demo's own goals are edited in FY.
const P = 'GOALS';

// Each metric: what is typed, what the API keeps, and what the card shows (computed here).
const METRICS = [
  { metric: 'revenue', typed: '500000.00', wire: 50000000, show: (l) => fmtMoney(l, 50000000) },
  { metric: 'gross_margin', typed: '45', wire: 0.45, show: (l) => fmtPct(l, 0.45) },
  { metric: 'units', typed: '1200', wire: 1200, show: (l) => fmtInt(l, 1200) },
  { metric: 'deals_won', typed: '35', wire: 35, show: (l) => fmtInt(l, 35) },
  { metric: 'new_customers', typed: '80', wire: 80, show: (l) => fmtInt(l, 80) },
  { metric: 'retention_rate', typed: '87.5', wire: 0.875, show: (l) => fmtPct(l, 0.875) },
  { metric: 'avg_deal_size', typed: '45000.50', wire: 4500050, show: (l) => fmtMoney(l, 4500050) },
  { metric: 'custom', typed: '24', wire: 24, unit: { 'zh-CN': '家渠道伙伴', en: 'partners' }, show: (l) => `24 ${l === 'zh-CN' ? '家渠道伙伴' : 'partners'}` },
  // NPS 40 is typed as 40 (%), kept as the rate 0.40
  { metric: 'nps', typed: '40', wire: 0.4, show: (l) => fmtPct(l, 0.4) },
];

async function goals(page, code = P) { return (await get(page, `/api/v1/projects/${code}/goals`)).goals; }

// Fill and submit the goal form; answer the SMART confirmation if it comes. Returns the
// letters the confirmation named ([] when none came).
async function submitGoal(page, form, { confirm = 'save', code = P } = {}) {
  const back = new RegExp(`#/p/${code}$`);
  await form.locator('button[type=submit]').click();
  const dialog = page.locator('#goal-confirm');
  const where = await Promise.race([
    page.waitForURL(back).then(() => 'saved'),
    dialog.waitFor().then(() => 'confirm'),
  ]);
  if (where === 'saved') { await page.locator('.goal-grid, .empty').first().waitFor(); return []; }
  const letters = await dialog.locator('li[data-letter]').evaluateAll((ls) => ls.map((l) => l.dataset.letter));
  if (confirm === 'save') {
    await page.click('#goal-confirm-save');
    await page.waitForURL(back);
    await page.locator('.goal-grid, .empty').first().waitFor();
  }
  return letters;
}

async function fillGoal(form, g) {
  await form.locator('select[name=metric]').selectOption(g.metric);
  await form.locator('input[name=name]').fill(g.name);
  if (g.custom_unit !== undefined) await form.locator('input[name=custom_unit]').fill(g.custom_unit);
  await form.locator('input[name=target]').fill(g.target);
  await form.locator('input[name=start]').fill(g.start || START);
  await form.locator('input[name=due]').fill(g.due || DUE);
  if (g.owner) await form.locator('select[name=owner]').selectOption(g.owner);
  for (const k of ['segment', 'channel', 'product', 'rep']) if (g[k]) await form.locator(`select[name=${k}]`).selectOption(g[k]);
  if (g.objective !== undefined) await form.locator('input[name=objective]').fill(g.objective);
  if (g.rationale !== undefined) await form.locator('textarea[name=rationale]').fill(g.rationale);
  if (g.checkin_rule) await form.locator('input[name=checkin_rule]').fill(g.checkin_rule);
}

async function metricsInLang(browser, server, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { ctx, page, T } = await signedIn(browser, server, 'li.na', DEMO_PASSWORD, { lang });
  for (const [i, m] of METRICS.entries()) {
    await test(`${lang}: a project manager creates a ${m.metric} goal`, [], async () => {
      await page.go(`#/p/${P}/goals/new`);
      const form = page.locator('#goal-form');
      const name = `${L}-${m.metric}-${i}`;
      // each goal names a different scope option, so the scope selects are exercised as well
      const scope = [{ segment: 'enterprise' }, { channel: 'tmall' }, { product: 'HX-C100' }, { rep: 'wang.fang' }, {}, { channel: 'direct', segment: 'smb' }, {}, {}, { rep: 'wang.fang' }][i];
      await fillGoal(form, { metric: m.metric, name, target: m.typed, owner: 'zhang.wei', objective: '年度营收增长 25%',
        rationale: 'rationale ' + m.metric, custom_unit: m.unit && m.unit[lang], checkin_rule: m.metric === 'custom' ? '每月最后一天由负责人登记' : '',
        ...scope });
      if (m.metric === 'gross_margin' || m.metric === 'retention_rate' || m.metric === 'nps') {
        const hint = await form.locator('[data-field=target] .field-hint').textContent();
        assert(hint.includes('45') && hint.includes('%'), `the ${m.metric} target hint does not ask for a percent: "${hint}"`);
        assert(!hint.includes('500000'), `the ${m.metric} target is offered as money: "${hint}"`);
      }
      assert(await form.locator('.field-error').count() === 0, 'the form shows an error before saving: ' +
        (await form.locator('.field-error').allTextContents()).join(' | '));
      await submitGoal(page, form);
      const g = (await goals(page)).find((x) => x.name === name);
      assert(g, `goal ${name} was not saved`);
      assert(g.metric === m.metric && g.target === m.wire, `saved ${g.metric} target ${g.target}, want ${m.wire}`);
      assert(g.owner === 'zhang.wei', `owner saved as ${g.owner}`);
      for (const [k, v] of Object.entries(scope)) assert(g.scope[k] === v, `scope ${k} saved as ${g.scope[k]}, want ${v}`);
      if (m.unit) assert(g.custom_unit === m.unit[lang], `custom unit saved as "${g.custom_unit}"`);
      const card = page.locator(`.goal-card[data-goal-id="${g.id}"]`);
      await card.waitFor();
      const shown = (await card.locator('.goal-target').textContent()).trim();
      assert(sq(shown) === sq(m.show(lang)), `the card shows the target as "${shown}", want "${m.show(lang)}"`);
      // names, not codes: the owner and the scope read as people and catalog names
      const meta = await card.locator('.goal-owner').textContent();
      assert(meta.includes('张伟') && !meta.includes('zhang.wei'), `the card's owner reads "${meta}"`);
      if (scope.segment === 'enterprise') {
        const chip = await card.locator('.scope-chip').first().textContent();
        assert(chip.includes('大型企业') && !chip.includes('enterprise'), `the scope chip reads "${chip}"`);
      }
      if (i === 1) await shot(page, `goals-${L}-card-${m.metric}`);
    });
  }

  await test(`${lang}: a server error that names a field is shown under that field`, [], async () => {
    await page.go(`#/p/${P}/goals/new`);
    const form = page.locator('#goal-form');
    await fillGoal(form, { metric: 'units', name: '长'.repeat(201), target: '10', objective: 'x', rationale: 'y' });
    await form.locator('button[type=submit]').click();
    const text = await fieldError(form, 'name');
    assertLang(lang, text, 'the name error');
    assert(await form.locator('.banner-error').count() === 0, 'the error is repeated in a banner');
    await shot(page, `goals-${L}-field-error`);
  });

  await test(`${lang}: a target that is no percent is refused in the field before sending`, [], async () => {
    await page.go(`#/p/${P}/goals/new`);
    const form = page.locator('#goal-form');
    await form.locator('select[name=metric]').selectOption('gross_margin');
    await form.locator('input[name=target]').fill('4500');
    const text = await fieldError(form, 'target');
    assert(text === T['goal.bad_ratio'], `the target error reads "${text}"`);
  });
  await ctx.close();
}

await run(async (browser) => {
  const server = await startServer({ demo: true, name: 'forms-goals' });
  await test('set up: a project for new goals, with a manager, a rep and a viewer', [], async () => {
    server.cli(['project', 'create', P, '--name', '目标表单测试', '--start', START, '--end', DUE]);
    for (const [login, role] of [['li.na', 'manager'], ['zhang.wei', 'manager'], ['wang.fang', 'member'], ['gao.cfo', 'viewer']])
      server.cli(['member', 'add', P, login, '--role', role]);
  });
  await metricsInLang(browser, server, 'zh-CN');
  await metricsInLang(browser, server, 'en');

  const { ctx, page, T } = await signedIn(browser, server, 'li.na', DEMO_PASSWORD, { lang: 'zh-CN' });
  await test('the demo margin goal shows its target as a percent and saves an edit with a reason', [], async () => {
    const m = (await goals(page, 'FY')).find((g) => g.metric === 'gross_margin' && g.name === '毛利率');
    await page.go(`#/p/FY/goals/${m.id}/edit`);
    const form = page.locator('#goal-form');
    const typed = await form.locator('input[name=target]').inputValue();
    const want = String(Math.round(m.target * 10000) / 100);
    assert(typed === want, `the edit form shows the target as "${typed}", want "${want}" (a percent)`);
    await form.locator('input[name=target]').fill('45');
    await form.locator('input[name=reason]').fill('原材料价格回落');
    await page.waitForTimeout(800); // the lint is debounced
    assert(await page.locator('#lint-panel .banner-error').count() === 0,
      'the SMART panel shows an error after typing a reason: ' + (await page.locator('#lint-panel .banner-error').allTextContents()).join());
    await submitGoal(page, form, { code: 'FY' });
    const g = (await goals(page, 'FY')).find((x) => x.id === m.id);
    assert(g.target === 0.45, `saved target ${g.target}, want 0.45`);
    const shown = (await page.locator(`.goal-card[data-goal-id="${m.id}"] .goal-target`).textContent()).trim();
    assert(sq(shown) === sq(fmtPct('zh-CN', 0.45)), `the card shows "${shown}"`);
    const revs = (await get(page, `/api/v1/projects/FY/goals/${m.id}/revisions`)).revisions;
    assert(revs[revs.length - 1].reason === '原材料价格回落', `the revision's reason is "${revs[revs.length - 1].reason}"`);
  });

  await test('saving a goal whose R and T fail asks first, naming them, and the card keeps the warning', [], async () => {
    await page.go(`#/p/${P}/goals/new`);
    const form = page.locator('#goal-form');
    // no rationale and no objective of its own (R), and a due date past the project's end (T)
    await fillGoal(form, { metric: 'units', name: '超期目标', target: '500', start: `${Y}-06-01`, due: `${Y + 1}-03-31`, objective: '', rationale: '' });
    await page.waitForTimeout(700);
    const n0 = (await goals(page)).length;
    const letters = await submitGoal(page, form, { confirm: 'none' });
    const text = await page.locator('#goal-confirm .confirm-text').textContent();
    assert(JSON.stringify(letters) === '["R","T"]', `the confirmation names ${JSON.stringify(letters)}`);
    assert(text.trim() === 'R 与 T 未通过：仍然保存？', `the confirmation reads "${text}"`);
    await shot(page, 'goals-zh-confirm-failing');
    await page.click('#goal-confirm-back');
    assert((await goals(page)).length === n0, 'going back saved the goal');
    await form.locator('button[type=submit]').click();
    await page.click('#goal-confirm-save');
    await page.waitForURL(new RegExp(`#/p/${P}$`));
    const g = (await goals(page)).find((x) => x.name === '超期目标');
    assert(g && !g.smart.R.ok && !g.smart.T.ok, 'the saved goal does not fail R and T');
    await page.locator(`.goal-card[data-goal-id="${g.id}"]`).waitFor();
    const bad = await page.locator(`.goal-card[data-goal-id="${g.id}"] .smart-chip.bad`).evaluateAll((cs) => cs.map((c) => c.dataset.letter));
    assert(bad.includes('R') && bad.includes('T'), `the card's failing chips are ${bad}`);
  });

  await test('every option of the scope selects and the owner select is linted', [], async () => {
    await page.go(`#/p/${P}/goals/new`);
    const form = page.locator('#goal-form');
    await form.locator('input[name=target]').fill('100000.00');
    for (const name of ['segment', 'channel', 'product', 'rep', 'owner']) {
      const sel = form.locator(`select[name=${name}]`);
      const values = await optionValues(sel);
      assert(values.length > 0, `the ${name} select has no options`);
      for (const v of values) {
        const resp = page.waitForResponse((r) => r.url().endsWith('/goals/lint') && (r.request().postData() || '').includes(`"${v}"`));
        await sel.selectOption(v);
        const r = await resp;
        assert(r.status() === 200, `lint with ${name}=${v} answered ${r.status()}`);
      }
      await sel.selectOption('');
    }
    assert(await page.locator('#lint-panel .banner-error').count() === 0, 'the lint panel shows an error');
  });

  await test('a goal is deleted from its card', [], async () => {
    await page.go(`#/p/${P}`);
    const g = (await goals(page)).find((x) => x.name === '超期目标');
    await page.locator(`.goal-card[data-goal-id="${g.id}"] .goal-delete`).click();
    await page.locator(`.goal-card[data-goal-id="${g.id}"]`).waitFor({ state: 'detached' });
    assert(!(await goals(page)).some((x) => x.id === g.id), 'the goal is still there');
  });
  await ctx.close();

  // --- check-ins of custom goals -------------------------------------------------------
  const demoCustom = async (p) => (await goals(p, 'FY')).find((g) => g.metric === 'custom' && g.name === '签约渠道伙伴');
  await test('the custom goal\'s owner (a project manager) sees past check-ins and checks in', [], async () => {
    const { ctx: c2, page: p } = await signedIn(browser, server, 'zhang.wei', DEMO_PASSWORD, { lang: 'zh-CN' });
    const g = await demoCustom(p);
    await p.go('#/p/FY');
    await p.locator(`.goal-card[data-goal-id="${g.id}"] .goal-checkins`).click();
    const dlg = p.locator('#checkins');
    await dlg.locator('#checkin-list tbody tr').first().waitFor();
    // the demo checked in at each month's end up to today: 2 a month, one less after June
    const want = [];
    for (let mo = 1; mo <= 12; mo++) {
      const end = new Date(Date.UTC(Y, mo, 0)).toISOString().slice(0, 10);
      if (end <= TODAY) want.push([end, mo * 2 - (mo > 6 ? 1 : 0)]);
    }
    want.reverse();
    const rows = await dlg.locator('#checkin-list tbody tr').evaluateAll((rs) => rs.map((r) => [r.dataset.date, Number(r.dataset.value)]));
    assert(JSON.stringify(rows) === JSON.stringify(want), `past check-ins ${JSON.stringify(rows)}, want ${JSON.stringify(want)}`);
    const form = dlg.locator('#checkin-form');
    // 25: above every month-end value the demo checked in (at most 23), so its row is its own
    await form.locator('input[name=value]').fill('25');
    await form.locator('input[name=date]').fill(TODAY);
    await form.locator('input[name=note]').fill('新签两家');
    await form.locator('button[type=submit]').click();
    await dlg.locator('.banner-success').waitFor();
    await dlg.locator(`#checkin-list tbody tr[data-value="25"]`).waitFor();
    const first = await dlg.locator('#checkin-list tbody tr').first().textContent();
    assert(first.includes('新签两家') && first.includes('张伟'), `the newest check-in reads "${first}"`);
    await shot(p, 'goals-zh-checkins');
    const after = (await goals(p, 'FY')).find((x) => x.id === g.id);
    assert(after.actual === 25, `the goal's actual is ${after.actual}, want 25`);
    await c2.close();
  });

  await test('a rep checks in the custom goal they own, in English, at phone width', [], async () => {
    const { ctx: c1, page: mgr } = await signedIn(browser, server, 'li.na', DEMO_PASSWORD);
    const r = await call(mgr, 'POST', `/api/v1/projects/${P}/goals`, { name: 'Partner events', metric: 'custom', target: 12,
      custom_unit: 'events', owner: 'wang.fang', start: START, due: DUE, checkin_rule: 'monthly', rationale: 'r', objective: 'o' });
    assert(r.status === 201, `creating the goal answered ${r.status} ${r.text}`);
    await c1.close();
    const { ctx: c2, page: p } = await signedIn(browser, server, 'wang.fang', DEMO_PASSWORD, { lang: 'en', viewport: PHONE });
    await p.go(`#/p/${P}`);
    const card = p.locator(`.goal-card[data-goal-id="${r.json.id}"]`);
    await card.locator('.goal-checkins').click();
    const form = p.locator('#checkin-form');
    await assertFitsPhone(p, form, 'the check-in form');
    await form.locator('input[name=value]').fill('abc');
    await form.locator('button[type=submit]').click();
    assert(await fieldError(form, 'value') === CATALOG.en['checkin.bad_value'], 'a value that is no number is not refused in its field');
    await form.locator('input[name=value]').fill('3');
    await form.locator('button[type=submit]').click();
    await p.locator('#checkin-list tbody tr[data-value="3"]').waitFor();
    const t = await p.locator('#checkin-list tbody tr').first().textContent();
    assert(t.includes('3 events'), `the check-in reads "${t}"`);
    await shot(p, 'goals-en-phone-checkin');
    const g = (await goals(p)).find((x) => x.id === r.json.id);
    assert(g.actual === 3, `actual ${g.actual}, want 3`);
    // wang.fang does not own the demo's custom goal: its history, but no form
    await p.go('#/p/FY');
    const other = await demoCustom(p);
    await p.locator(`.goal-card[data-goal-id="${other.id}"] .goal-checkins`).click();
    await p.locator('#checkin-list').waitFor();
    assert(await p.locator('#checkin-form').count() === 0, 'a rep who does not own the goal sees the check-in form');
    await c2.close();
  });

  await test('a viewer sees check-ins but no form', [], async () => {
    const { ctx: c, page: p } = await signedIn(browser, server, 'gao.cfo', DEMO_PASSWORD);
    const g = await demoCustom(p);
    await p.go('#/p/FY');
    await p.locator(`.goal-card[data-goal-id="${g.id}"] .goal-checkins`).click();
    await p.locator('#checkin-list').waitFor();
    assert(await p.locator('#checkin-form').count() === 0, 'a viewer sees the check-in form');
    await c.close();
  });

  await test('a project manager creates a goal on a phone (390×844)', [], async () => {
    const { ctx: c, page: p } = await signedIn(browser, server, 'li.na', DEMO_PASSWORD, { viewport: PHONE });
    await p.go(`#/p/${P}/goals/new`);
    const form = p.locator('#goal-form');
    await assertFitsPhone(p, form, 'the goal form');
    await fillGoal(form, { metric: 'retention_rate', name: '手机上的留存目标', target: '92', objective: 'o', rationale: 'r' });
    await shot(p, 'goals-zh-phone-form');
    await submitGoal(p, form);
    const g = (await goals(p)).find((x) => x.name === '手机上的留存目标');
    assert(g && g.target === 0.92, `saved target ${g && g.target}, want 0.92`);
    const problems = p.problems.filter((x) => !x.includes('404'));
    assert(problems.length === 0, problems.join('\n'));
    await c.close();
  });
});
