// test_adjust.mjs - adjustments (step 6, screens/adjustments.js) in Chromium. A manager in
// zh-CN on a desktop, in en on a desktop and in en on a phone (390×844) opens the screen from
// the project's navigation and makes an adjustment of every kind through the form (every kind
// of the kind select, both choices of a channel's active flag, every option of the goal's scope
// selects including "none", every assignee of a task), each read back through the API and
// compared with what was typed, and shown in the timeline with before → after, the reason and
// who. A price cut (W from 100.00 to 90.00, taking effect 20 days ago) over sales the test
// generated with a KNOWN lift (10 units a day before, 14 after) shows its effect: the means
// and the difference the test computes, an interval that holds +4 and not 0, and the verdict
// "up" in the reader's language; every option of the effect's metric select is read. An
// adjustment without a reason is refused under the reason field, nothing saved. The dashboard's
// trend chart and the goal charts carry a marker at each adjustment; a click on the trend
// chart's marker opens that adjustment. A viewer reads the timeline without a write control.
import fs from 'node:fs';
import path from 'node:path';
import { test, assert, run, startServer, shot, cli, isoDay, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, eventually, fmtInt } from './forms.mjs';
import { settledTexts } from './charts.mjs';
import { recordCanvasText } from './charts.mjs';

const P = 'P1';
const API = `/api/v1/projects/${P}/adjustments`;
const KINDS = ['goal', 'channel', 'price', 'promotion', 'channel_plan', 'plan', 'quota'];
const METRICS = ['revenue', 'units', 'margin'];
const CUT = 20; // the price cut took effect this many days ago

// 10 units a day (9 and 11 in turn) for 40 days before the cut at 100.00, 14 a day (13 and 15)
// since at 90.00: the daily means over 20 days a side are 10 and 14 exactly, a lift of +4.
const unitsOn = (i) => (i < 0 ? 10 : 14) + (i % 2 === 0 ? -1 : 1);

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['vw', '高总', 'viewer']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', P, '--name', '华东大客户', '--start', isoDay(-90), '--end', isoDay(120)]);
  for (const [login, prole] of [['mgr', 'manager'], ['rep1', 'member'], ['vw', 'viewer']])
    cli(db, ['member', 'add', P, login, '--role', prole]);
  cli(db, ['segment', 'add', 'ent', '--name', '大型企业']);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct', '--cost-rate', '5']);
  cli(db, ['channel', 'add', 'shop', '--name', '天猫店', '--type', 'ecommerce', '--cost-rate', '10']);
  cli(db, ['product', 'add', 'W', '--name', '智能手表', '--cost', '40.00', '--price', '100.00', '--effective', isoDay(-200)]);
  cli(db, ['product', 'add', 'G', '--name', '网关', '--cost', '20.00', '--price', '50.00', '--effective', isoDay(-200)]);
  cli(db, ['promotion', 'add', 'P618', '--name', '年中大促', '--kind', 'percent', '--value', '10', '--start', isoDay(-30), '--end', isoDay(30)]);
  cli(db, ['strategy', 'channel', P, 'direct', '--share', '50', '--budget', '1000.00']);
  cli(db, ['task', 'add', P, '--title', '渠道培训', '--assignee', 'rep1', '--start', isoDay(5), '--due', isoDay(10)]);
  cli(db, ['goal', 'add', P, '--metric', 'revenue', '--target', '500000.00', '--start', isoDay(-90), '--due', isoDay(120), '--name', '季度收入']);
  cli(db, ['quota', 'split', P, '--goal', '1', 'mgr=300000.00', 'rep1=200000.00']);
  const rows = ['date,customer,product,channel,rep,quantity,unit_price'];
  for (let i = -2 * CUT; i < CUT; i++) rows.push(`${isoDay(i - CUT)},华东贸易,W,direct,rep1,${unitsOn(i)},${i < 0 ? '100.00' : '90.00'}`);
  const csv = path.join(path.dirname(pw), 'sales.csv');
  fs.writeFileSync(csv, rows.join('\n') + '\n');
  cli(db, ['sale', 'import', P, csv]);
}

const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
// the one made last (the timeline is by the day each took effect: a backdated price sits lower)
const newest = async (page) => (await get(page, API)).adjustments.reduce((a, b) => (b.id > a.id ? b : a));

// Open the form, pick the kind and the record, type the changes, give the reason, save.
async function adjust(page, kind, record, set, reason) {
  await page.click('#adjust-new');
  const f = page.locator('#adjust-form');
  await f.locator('select[name=kind]').selectOption(kind);
  await f.locator(`select[name=record] option[value="${record}"]`).waitFor({ state: 'attached' });
  await f.locator('select[name=record]').selectOption(record);
  for (const [name, value] of Object.entries(set)) {
    const ctl = f.locator(`[name="${name}"]`);
    await ctl.waitFor();
    if (await ctl.evaluate((el) => el.tagName === 'SELECT')) {
      await f.locator(`select[name="${name}"] option[value="${value}"]`).waitFor({ state: 'attached' });
      await ctl.selectOption(value);
    } else await ctl.fill(value);
  }
  await f.locator('textarea[name=reason]').fill(reason);
  await f.locator('#adjust-save').click();
  await f.waitFor({ state: 'detached' });
  return newest(page);
}

async function managerRun(browser, server, lang, viewport, n) {
  const T = TEXTS[lang];
  const where = `${lang}, ${viewport === PHONE ? 'phone' : 'desktop'}`;
  const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang, viewport });
  const zh = lang === 'zh-CN';
  const t1 = `${where}: the manager adjusts every kind, each read back and shown`;
  await test(t1, [], async () => {
    await page.go('#/p/' + P);
    if (viewport === PHONE) await page.click('#menu-button');
    await page.click('#nav-adjustments');
    await page.locator('.page-head h1', { hasText: T['adjust.title'] }).waitFor();
    // the form offers every kind, labelled in the reader's language
    await page.click('#adjust-new');
    const f0 = page.locator('#adjust-form');
    const kinds = await optionValues(f0.locator('select[name=kind]'));
    assert(kinds.join() === KINDS.join(), `kinds offered: ${kinds}`);
    for (const k of KINDS) assertLang(lang, T['adjust.kind.' + k], 'a kind label');
    if (viewport === PHONE) await assertFitsPhone(page, page.locator('.modal'), 'the adjustment form');
    await page.locator('#adjust-form button[type=button]').click();
    await f0.waitFor({ state: 'detached' });

    const goal = (await get(page, `/api/v1/projects/${P}/goals`)).goals[0];
    const plan = (await get(page, `/api/v1/projects/${P}/channels`)).channels[0];
    const task = (await get(page, `/api/v1/projects/${P}/tasks`)).tasks[0];
    const reason = (k) => (zh ? `调整${k}：市场变化` : `Adjust ${k}: the market moved`);
    // the goal: a new target and due day, then its scope narrowed by each select and cleared
    const target = (600000 + n * 10000).toFixed(2);
    let a = await adjust(page, 'goal', String(goal.id), { target, due: isoDay(100 + n) }, reason('goal'));
    assert(a.kind === 'goal' && a.record === String(goal.id) && a.changes.target.after === target
      && a.changes.due.after === isoDay(100 + n) && a.reason === reason('goal') && a.by === 'mgr', `goal ${JSON.stringify(a)}`);
    for (const [field, value] of [['scope_segment', 'ent'], ['scope_channel', 'shop'], ['scope_product', 'G']]) {
      a = await adjust(page, 'goal', String(goal.id), { [field]: value }, reason(field));
      assert(a.changes[field].before === '' && a.changes[field].after === value, `${field} ${JSON.stringify(a.changes)}`);
      a = await adjust(page, 'goal', String(goal.id), { [field]: '-' }, reason(field));
      assert(a.changes[field].before === value && a.changes[field].after === '', `${field} cleared ${JSON.stringify(a.changes)}`);
    }
    // the quota split follows the new target: 60% to mgr and 40% to rep1, typed per member
    const total = Number(target);
    const q = { mgr: (total * 0.6).toFixed(2), rep1: (total * 0.4).toFixed(2) };
    const bad = await (async () => {
      // first a split that no longer adds up: refused in words, under no raw code
      await page.click('#adjust-new');
      const f = page.locator('#adjust-form');
      await f.locator('select[name=kind]').selectOption('quota');
      await f.locator(`select[name=record] option[value="${goal.id}"]`).waitFor({ state: 'attached' });
      await f.locator('select[name=record]').selectOption(String(goal.id));
      await f.locator('[name="quota-mgr"]').fill('1.00');
      await f.locator('textarea[name=reason]').fill(reason('quota'));
      await f.locator('#adjust-save').click();
      await f.locator('.banner-error, .field-error').first().waitFor();
      const text = await f.locator('.banner-error, .field-error').first().textContent();
      await f.locator('button[type=button]').click();
      await f.waitFor({ state: 'detached' });
      return text;
    })();
    assert(bad && bad.includes(T['reason.quota_sum'].split('{')[0]) && !bad.includes('quota_sum'),
      `a split that does not add up is refused in words: ${bad}`);
    a = await adjust(page, 'quota', String(goal.id), { 'quota-mgr': q.mgr, 'quota-rep1': q.rep1 }, reason('quota'));
    assert(a.kind === 'quota' && a.record === String(goal.id) && a.changes.mgr.after === q.mgr && a.changes.rep1.after === q.rep1,
      `quota ${JSON.stringify(a)}`);
    const split = (await get(page, `/api/v1/projects/${P}/quotas?goal=${goal.id}`)).goals[0].quotas.lines;
    const held = Object.fromEntries(split.map((l) => [l.person, l.target]));
    assert(held.mgr === Math.round(total * 60) && held.rep1 === Math.round(total * 40), `the split saved: ${JSON.stringify(held)}`);
    await page.locator(`#adj-${a.id} .adj-changes li[data-field="mgr"] .adj-field`).waitFor();
    assert((await page.locator(`#adj-${a.id} .adj-changes li[data-field="mgr"] .adj-field`).textContent()) === fill(T['adjust.quota_of'], { who: 'mgr' }),
      'a quota line names the member');
    // a channel deactivated and reactivated; its cost rate changed
    a = await adjust(page, 'channel', 'shop', { active: 'no' }, reason('shop'));
    assert(JSON.stringify(a.changes) === JSON.stringify({ active: { before: 'yes', after: 'no' } }), `deactivated ${JSON.stringify(a)}`);
    assert((await get(page, '/api/v1/channels/shop')).active === false, 'the channel is inactive');
    a = await adjust(page, 'channel', 'shop', { active: 'yes', cost_rate: String(11 + n) }, reason('shop'));
    assert(a.changes.active.after === 'yes' && a.changes.cost_rate.after === `${11 + n}.0`, `reactivated ${JSON.stringify(a)}`);
    // a promotion's end and value, a channel plan's share, a task's due day and each assignee
    a = await adjust(page, 'promotion', 'P618', { end: isoDay(40 + n), value: String(15 + n) }, reason('P618'));
    assert(a.changes.end.after === isoDay(40 + n) && a.changes.value.after === `${15 + n}.0`, `promotion ${JSON.stringify(a)}`);
    a = await adjust(page, 'channel_plan', String(plan.id), { share: String(40 + n) }, reason('plan'));
    assert(a.changes.share.after === `${40 + n}.0` && a.record_id === plan.id, `channel plan ${JSON.stringify(a)}`);
    // every member who may hold a task (not a viewer): the project's creator, mgr and rep1
    const holders = (await get(page, `/api/v1/projects/${P}/members`)).members.filter((m) => m.role !== 'viewer').map((m) => m.login).sort();
    const assignees = [];
    for (const who of holders) {
      const cur = (await get(page, `/api/v1/projects/${P}/tasks/${task.id}`)).assignee;
      if (cur === who) continue;
      a = await adjust(page, 'plan', String(task.id), { assignee: who, due: isoDay(11 + n + assignees.length) }, reason('task'));
      assert(a.changes.assignee.after === who, `task ${JSON.stringify(a)}`);
      assignees.push(who);
    }
    await page.click('#adjust-new');
    await page.locator('#adjust-form select[name=kind]').selectOption('plan');
    await page.locator('#adjust-form select[name=assignee] option[value="rep1"]').waitFor({ state: 'attached' });
    const offered = await optionValues(page.locator('#adjust-form select[name=assignee]'));
    assert(offered.slice().sort().join() === holders.join() && holders.includes('rep1'), `assignees offered: ${offered}`);
    await page.locator('#adjust-form button[type=button]').click();
    await page.locator('#adjust-form').waitFor({ state: 'detached' });
    // the price: cut to 90.00 twenty days ago (only the first run; later runs move the cost)
    const price = n === 0 ? { price: '90.00', effective: isoDay(-CUT) } : { cost: `${41 + n}.00`, effective: isoDay(-CUT) };
    a = await adjust(page, 'price', 'W', price, reason('W'));
    assert(a.kind === 'price' && a.effective === isoDay(-CUT) && a.metric === 'units', `price ${JSON.stringify(a)}`);
    if (n === 0) assert(JSON.stringify(a.changes) === JSON.stringify({ price: { before: '100.00', after: '90.00' } }), `price ${JSON.stringify(a)}`);
    // the timeline shows the newest with before -> after, the reason and who
    const li = page.locator(`#adj-${a.id}`);
    await li.waitFor();
    const field = Object.keys(a.changes)[0];
    const line = li.locator(`.adj-changes li[data-field="${field}"]`);
    assert((await line.locator('.adj-was').textContent()) === a.changes[field].before
      && (await line.locator('.adj-now').textContent()) === a.changes[field].after, 'before -> after shown');
    assert((await line.locator('.adj-field').textContent()) === T['adjust.field.' + field], 'the field in words');
    assert((await li.locator('.adj-reason').textContent()).includes(reason('W')), 'the reason shown');
    // the effect of the price adjustment: units a day, 20 days a side
    const eff = li.locator('.adj-effect');
    await eff.locator('.adj-verdict').waitFor();
    const e = await get(page, `${API}/${a.id}/effect`);
    assert(e.days === CUT && e.before.n === CUT && e.after.n === CUT, `days ${JSON.stringify(e)}`);
    const mb = e.before.values.reduce((x, y) => x + y, 0) / CUT, ma = e.after.values.reduce((x, y) => x + y, 0) / CUT;
    assert(mb === 10 && ma === 14 && e.diff === 4, `means ${mb} ${ma} ${e.diff}`);
    assert(e.ci[0] > 0 && e.ci[0] <= 4 && e.ci[1] >= 4, `interval ${e.ci}`);
    assert(e.verdict.code === 'effect.up', `verdict ${e.verdict.code}`);
    assert((await eff.getAttribute('data-verdict')) === 'up', 'the verdict shown is up');
    assert((await eff.locator('.adj-before').textContent()) === fmtInt(lang, 10)
      && (await eff.locator('.adj-after').textContent()) === fmtInt(lang, 14), 'the means shown');
    const words = (await eff.locator('.adj-verdict').textContent()).trim();
    assert(words === fill(T['adjust.verdict.up'], { metric: T['adjust.metric.units'], diff: fmtInt(lang, 4),
      pct: new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(0.4) }),
    `the verdict reads "${words}"`);
    assertLang(lang, words, 'the verdict');
    // every metric of the select: revenue and margin are read too
    const metrics = await optionValues(eff.locator('select[name=metric]'));
    assert(metrics.join() === METRICS.join(), `metrics offered: ${metrics}`);
    for (const m of ['revenue', 'margin', 'units']) {
      await eff.locator('select[name=metric]').selectOption(m);
      const want = await get(page, `${API}/${a.id}/effect?metric=${m}`);
      await eventually(async () => assert((await eff.getAttribute('data-verdict')) === want.verdict.code.replace('effect.', ''), `${m} verdict`));
    }
    // the kind filter: every kind lists only its own
    for (const k of ['', ...KINDS]) {
      await page.locator('select[name=kind-filter]').selectOption(k);
      const want = (await get(page, API + (k ? `?kind=${k}` : ''))).adjustments.map((x) => String(x.id));
      await eventually(async () => {
        const shown = await page.locator('#adjust-list > li').evaluateAll((ls) => ls.map((l) => l.dataset.id));
        assert(shown.join() === want.join(), `${k || 'all'}: shown ${shown}, want ${want}`);
      });
    }
    await assertNoSidewaysScroll(page, 'the adjustments screen');
    await shot(page, `adjust-${zh ? 'zh' : 'en'}-${viewport === PHONE ? 'phone' : 'desktop'}`);
  });

  await test(`${where}: an adjustment without a reason is refused under its field, nothing saved`, [t1], async () => {
    const count = (await get(page, API)).adjustments.length;
    const v = (await get(page, '/api/v1/products/G')).price;
    await page.click('#adjust-new');
    const f = page.locator('#adjust-form');
    await f.locator('select[name=kind]').selectOption('price');
    await f.locator('select[name=record] option[value="G"]').waitFor({ state: 'attached' });
    await f.locator('select[name=record]').selectOption('G');
    await f.locator('input[name=price]').fill('45.00');
    await f.locator('#adjust-save').click();
    const msg = await fieldError(f, 'reason');
    assert(msg === fill(T['reason.required'], { field: T['adjust.reason'] }), `the error reads "${msg}"`);
    assertLang(lang, msg, 'the error');
    await f.locator('button[type=button]').click();
    assert((await get(page, API)).adjustments.length === count, 'an adjustment was saved');
    assert((await get(page, '/api/v1/products/G')).price === v, 'the price changed');
  });
  return { ctx, page, t1 };
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'adjust' });
  const a = await managerRun(browser, server, 'zh-CN', undefined, 0);
  const b = await managerRun(browser, server, 'en', undefined, 1);
  const c = await managerRun(browser, server, 'en', PHONE, 2);
  await test('the trend and goal charts mark each adjustment; a marker opens it', [a.t1], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
    await recordCanvasText(ctx);
    const all = (await get(page, API)).adjustments;
    const price = all.find((x) => x.kind === 'price' && x.changes.price);
    await page.go(`#/p/${P}/analysis`);
    const chart = page.locator('.trend-chart');
    await chart.waitFor();
    await eventually(async () => {
      const marks = (await chart.getAttribute('data-marks')).split(',').filter((x) => x);
      assert(marks.length === all.length && marks.includes(String(price.id)), `trend marks ${marks}`);
    });
    // the goal chart: the goal's own adjustments and every other kind's, in its window
    await page.go(`#/p/${P}`);
    const goal = (await get(page, `/api/v1/projects/${P}/goals`)).goals[0];
    await eventually(async () => {
      const marks = (await page.locator('.goal-chart').first().getAttribute('data-marks')).split(',').filter((x) => x);
      const want = all.filter((x) => x.kind !== 'goal' || x.record_id === goal.id).map((x) => String(x.id));
      assert(marks.slice().sort().join() === want.slice().sort().join(), `goal marks ${marks}, want ${want}`);
    });
    // a click on the price cut's marker (its label, by the week it took effect in) opens it;
    // the page loaded afresh so that the canvas texts are recorded
    await page.go(`#/p/${P}/analysis`);
    await page.reload();
    await chart.waitFor();
    const label = TEXTS['zh-CN']['adjust.kind.price'];
    // clicked where the settled chart draws it (a click during the chart's animation may land
    // where the label was a frame before: then the chart is read again and clicked again)
    for (let tries = 1; ; tries++) {
      const texts = await settledTexts(page, '.trend-chart');
      const spot = texts.find((x) => x.text === label);
      assert(spot, 'no price marker label drawn: ' + texts.map((x) => x.text).join('|'));
      await page.mouse.click(spot.x + spot.w / 2, spot.y);
      try {
        await page.waitForFunction(() => location.hash.includes('/adjustments?id='), null, { timeout: 3000 });
        break;
      } catch (e) {
        if (tries === 3) throw e;
      }
    }
    const id = Number(new URL('http://x/' + (await page.evaluate(() => location.hash.slice(1)))).searchParams.get('id'));
    assert(all.some((x) => x.id === id && x.kind === 'price'), `opened ${id}`);
    await page.locator(`#adj-${id}.adj-open`).waitFor();
    await ctx.close();
  });
  await test('a viewer reads the timeline without a write control', [a.t1], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await page.go(`#/p/${P}/adjustments`);
    await page.locator('#adjust-list > li').first().waitFor();
    assert(await page.locator('#adjust-new').count() === 0, 'a new button for a viewer');
    await ctx.close();
  });
  await test('a rep reads the timeline without a write control', [a.t1], async () => {
    const { ctx, page } = await signedIn(browser, server, 'rep1', PASSWORD, { lang: 'zh-CN' });
    await page.go(`#/p/${P}/adjustments`);
    await page.locator('#adjust-list > li').first().waitFor();
    assert(await page.locator('#adjust-new').count() === 0, 'a new button for a rep');
    await ctx.close();
  });
  for (const x of [a, b, c]) {
    assert(x.page.problems.length === 0, `page problems: ${x.page.problems.join('; ')}`);
    await x.ctx.close();
  }
});
