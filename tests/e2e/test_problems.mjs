// test_problems.mjs - a project's problems screen in Chromium (screens/problems.js): a project
// manager (zh-CN) and a rep (en) open it from the project's navigation and record problems of
// every type and every severity through the form (the types and severities offered with their
// labels in the reader's language, the owner among the project's members), each read back
// through the API with its due time worked out here from the time it was opened and the SLA of
// its severity; they move a problem through its statuses with the row's buttons (start, resolve
// with a resolution - an empty one refused under its field in the reader's language - close,
// reopen), the history keeping who and when; the manager edits the SLA (a bad value refused
// under its field, nothing changed) and a new problem takes the new hours. An overdue problem
// (made ten days ago by the command line's fixed clock) stands out and counts against its
// owner in the per-owner summary, whose figures the test computes from the API's list. A rep
// moves only their own problems and reads the SLA without inputs; a viewer reads without a
// write control. On a phone (390x844) the manager records and resolves a problem; the form
// fits and the page does not scroll sideways.
import { test, assert, run, startServer, shot, assertNoSidewaysScroll, PASSWORD } from './lib.mjs';
import { signedIn, call, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS as CATALOG, openNew, saveForm as save } from './forms.mjs';

const TYPES = ['product', 'service', 'delivery', 'pricing', 'other'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const STANDARD = { low: 168, medium: 72, high: 24, critical: 4 };
const PROJECT = 'P1';
const API = `/api/v1/projects/${PROJECT}/problems`;
// login, name, workspace role, role on P1
const USERS = [['mgr', '李娜', 'manager', 'manager'], ['rep1', '王芳', 'rep', 'member'],
  ['rep2', '赵磊', 'rep', 'member'], ['vw', '高总', 'viewer', 'viewer']];
const MEMBERS = ['admin', 'mgr', 'rep1', 'rep2', 'vw'];
const TEN_DAYS_AGO = new Date(Date.now() - 10 * 86400000).toISOString().slice(0, 19) + 'Z';

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, name, role] of USERS)
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2026-12-31']);
  for (const [login, , , prole] of USERS) cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(db, ['product', 'add', 'SKU-1', '--name', '交换机', '--cost', '60.00', '--price', '100.00']);
  for (const c of ['恒达贸易', '华创科技'])
    cli(db, ['sale', 'add', PROJECT, '--date', '2026-02-01', '--customer', c, '--product', 'SKU-1', '--channel', 'direct',
      '--quantity', '1', '--rep', 'rep1']);
  // an old critical problem of rep2's, made ten days ago by the command line's fixed clock: overdue
  process.env.SALESPM_NOW = TEN_DAYS_AGO;
  try {
    cli(db, ['problem', 'add', PROJECT, '--type', 'delivery', '--severity', 'critical', '--title', '旧订单漏发配件',
      '--owner', 'rep2', '--customer', '1']);
  } finally { delete process.env.SALESPM_NOW; }
}

const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
const plusHours = (iso, h) => new Date(Date.parse(iso) + h * 3600000).toISOString().slice(0, 19) + 'Z';
const rows = (page) => page.locator('.crud-table tbody tr');
const rowOf = (page, title) => rows(page).filter({ hasText: title });
const all = async (page) => (await get(page, API + '?limit=500')).problems;
const byTitle = async (page, title) => (await all(page)).find((p) => p.title === title);

async function eventually(check, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// The summary's rows as the reader sees them: {owner: [open, overdue, resolved, in SLA]}.
const readSummary = (page) => page.locator('#problem-summary').evaluate((el) => Object.fromEntries(
  [...el.querySelectorAll('tbody tr')].map((tr) => [tr.dataset.owner || '*',
    ['open', 'overdue', 'resolved', 'in_sla'].map((c) => parseInt(tr.querySelector(`[data-col=${c}]`).textContent, 10))])));

// What the summary should say, computed here from the problems the API lists.
function expectedSummary(list) {
  const out = {};
  const add = (k, p) => {
    const o = out[k] || (out[k] = [0, 0, 0, 0]);
    const open = p.status === 'open' || p.status === 'in_progress';
    o[0] += open ? 1 : 0;
    o[1] += open && Date.parse(p.due_at) < Date.now() ? 1 : 0;
    o[2] += p.resolved_at ? 1 : 0;
    o[3] += p.resolved_at && Date.parse(p.resolved_at) <= Date.parse(p.due_at) ? 1 : 0;
  };
  for (const p of list) { add(p.owner, p); add('*', p); }
  return out;
}

async function open(page, T) {
  await page.go('#/p/' + PROJECT);
  await page.click('#nav-problems');
  await page.locator('.page-head h1', { hasText: T['ent.problem.plural'] }).waitFor();
  await page.locator('#problem-summary').waitFor();
}

// Fill and save the problem form (f open) with p: {type, severity, title, owner, description}.
async function fillProblem(page, f, p) {
  await f.locator('select[name=type]').selectOption(p.type);
  await f.locator('select[name=severity]').selectOption(p.severity);
  await f.locator('input[name=title]').fill(p.title);
  if (p.description) await f.locator('textarea[name=description]').fill(p.description);
  await f.locator('select[name=owner]').selectOption(p.owner);
  await f.locator('select[name=customer]').selectOption(String(p.customer || 1));
}

async function problemsAs(browser, server, user, lang, owner) {
  const T = CATALOG[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
  const made = [];
  const t1 = `${lang}: ${user} records a problem of every type and every severity from the project's navigation`;
  await test(t1, [], async () => {
    await open(page, T);
    const f0 = await openNew(page);
    assert((await optionValues(f0.locator('select[name=type]'))).join() === TYPES.join(), 'the types offered');
    assert((await optionValues(f0.locator('select[name=severity]'))).join() === SEVERITIES.join(), 'the severities offered');
    const typeLabels = (await f0.locator('select[name=type] option').allTextContents()).map((s) => s.trim());
    assert(typeLabels.join('|') === TYPES.map((x) => T['ent.problem.type.' + x]).join('|'), `type labels ${typeLabels}`);
    const sevLabels = (await f0.locator('select[name=severity] option').allTextContents()).map((s) => s.trim());
    assert(sevLabels.join('|') === SEVERITIES.map((x) => T['ent.problem.severity.' + x]).join('|'), `severity labels ${sevLabels}`);
    for (const l of [...typeLabels, ...sevLabels]) assertLang(lang, l, 'an option label');
    const owners = (await optionValues(f0.locator('select[name=owner]'))).sort();
    assert(owners.join() === MEMBERS.join(), `owners offered: ${owners}`);
    await f0.locator('button[type=button]').click();
    // five problems: every type; severities low, medium, high, critical, then low again
    for (let i = 0; i < TYPES.length; i++) {
      const p = { type: TYPES[i], severity: SEVERITIES[i % 4], title: `${L} ${TYPES[i]} ${i}`, owner,
        description: L === 'zh' ? '客户现场反馈' : 'Reported on site', customer: 1 + (i % 2) };
      const f = await openNew(page);
      await fillProblem(page, f, p);
      await save(page);
      const r = await byTitle(page, p.title);
      assert(r && r.type === p.type && r.severity === p.severity && r.owner === owner && r.customer === p.customer
        && r.status === 'open' && r.version === 1 && r.description === p.description, `saved ${JSON.stringify(r)}`);
      assert(r.due_at === plusHours(r.opened_at, STANDARD[p.severity]), `${p.severity}: due ${r.due_at}, opened ${r.opened_at}`);
      made.push(r);
      await eventually(async () => {
        const text = await rowOf(page, p.title).textContent({ timeout: 1000 });
        assert(text.includes(T['ent.problem.type.' + p.type]) && text.includes(T['ent.problem.severity.' + p.severity])
          && text.includes(T['ent.problem.status.open']), `the row of ${p.title} reads "${text}"`);
      });
    }
    await shot(page, `problems-${L}-list`);
  });

  await test(`${lang}: ${user} edits a problem; a higher severity brings its due time forward`, [t1], async () => {
    const p = made[0]; // low
    await rowOf(page, p.title).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    assert(await f.locator('select[name=severity]').inputValue() === 'low', 'the form shows the severity');
    await f.locator('select[name=severity]').selectOption('high');
    await f.locator('input[name=title]').fill(p.title + ' *');
    await save(page);
    const r = await byTitle(page, p.title + ' *');
    assert(r.id === p.id && r.version === 2 && r.severity === 'high' && r.due_at === plusHours(p.opened_at, 24),
      `edited ${JSON.stringify(r)}`);
    made[0] = r;
  });

  await test(`${lang}: ${user} moves a problem through its statuses; an empty resolution is refused`, [t1], async () => {
    const p = made[1];
    const row = () => rowOf(page, p.title);
    const button = (verb) => row().getByRole('button', { name: fill(T['problem.move_label'], { action: T['problem.' + verb], title: p.title }) });
    await button('start').click();
    await eventually(async () => assert((await byTitle(page, p.title)).status === 'in_progress', 'not started'));
    await eventually(async () => assert((await row().textContent()).includes(T['ent.problem.status.in_progress']), 'the row'));
    await button('resolve').click();
    const f = page.locator('#resolve-form');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'resolution');
    assertLang(lang, msg, 'the resolution error');
    assert(msg === fill(T['reason.required'], { field: T['ent.problem.resolution'] }), `the resolution error reads "${msg}"`);
    assert((await byTitle(page, p.title)).status === 'in_progress', 'the refusal changed it');
    const resolution = L === 'zh' ? '更换固件后恢复正常' : 'Firmware replaced; working again';
    await f.locator('textarea[name=resolution]').fill(resolution);
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    let r = await byTitle(page, p.title);
    assert(r.status === 'resolved' && r.resolution === resolution && r.sla_met === true && r.resolved_at, `resolved ${JSON.stringify(r)}`);
    await eventually(async () => assert((await row().textContent()).includes(T['problem.sla_met']), 'the within-SLA chip'));
    await button('close').click();
    await eventually(async () => assert((await byTitle(page, p.title)).status === 'closed', 'not closed'));
    await button('reopen').click();
    await eventually(async () => assert((await byTitle(page, p.title)).status === 'open', 'not reopened'));
    r = await get(page, `${API}/${p.id}`);
    assert(r.history.map((h) => `${h.from}>${h.to}:${h.by}`).join() ===
      [`null>open:${user}`, `open>in_progress:${user}`, `in_progress>resolved:${user}`, `resolved>closed:${user}`,
        `closed>open:${user}`].join(), `history ${JSON.stringify(r.history)}`);
    assert(r.history[2].note === resolution && r.resolution === '' && r.version === 5, `after reopening ${JSON.stringify(r)}`);
    await eventually(async () => assert((await page.locator('#problem-notice').textContent()).includes(T['ent.problem.status.open']), 'the notice'));
    // another one resolved for good, from open: it counts as resolved in the summary
    const q = made[3];
    await rowOf(page, q.title).getByRole('button', { name: fill(T['problem.move_label'], { action: T['problem.resolve'], title: q.title }) }).click();
    await page.locator('#resolve-form textarea[name=resolution]').fill(L === 'zh' ? '已上门处理' : 'Fixed on site');
    await page.locator('#resolve-form input[name=note]').fill(L === 'zh' ? '客户确认' : 'Customer confirmed');
    await page.locator('#resolve-form button[type=submit]').click();
    await page.locator('#resolve-form').waitFor({ state: 'detached' });
    r = await get(page, `${API}/${q.id}`);
    assert(r.status === 'resolved' && r.history[1].note === (L === 'zh' ? '客户确认' : 'Customer confirmed'), `resolved ${JSON.stringify(r)}`);
  });

  await test(`${lang}: ${user} sees the overdue problem stand out and the per-owner summary computed from the list`, [t1], async () => {
    await page.reload();
    await page.locator('#problem-summary').waitFor();
    const old = rowOf(page, '旧订单漏发配件');
    assert(await old.getAttribute('class') === 'row-overdue', 'the overdue row is not marked');
    assert((await old.textContent()).includes(T['problem.overdue']), 'the overdue chip');
    const fresh = rowOf(page, made[2].title);
    assert(await fresh.getAttribute('class') !== 'row-overdue', 'a fresh problem is marked overdue');
    const want = expectedSummary(await all(page));
    assert(want.rep2[1] === 1 && want[owner][2] === 1, `rep2's overdue problem, ${owner}'s resolved one: ${JSON.stringify(want)}`);
    await eventually(async () => {
      const got = await readSummary(page);
      const sorted = (o) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
      assert(sorted(got) === sorted(want), `summary ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    });
    // the owner filter narrows the list to one owner's problems
    await page.locator('select[name=filter-owner]').selectOption('rep2');
    await eventually(async () => assert(await rows(page).count() === 1, `rows for rep2: ${await rows(page).count()}`));
    await page.locator('select[name=filter-owner]').selectOption('');
    await page.locator('select[name=filter-severity]').selectOption('critical');
    const crit = (await all(page)).filter((p) => p.severity === 'critical').length;
    await eventually(async () => assert(await rows(page).count() === crit, `critical rows ${await rows(page).count()}, want ${crit}`));
    await page.locator('select[name=filter-severity]').selectOption('');
    await page.locator('select[name=filter-status]').selectOption('open');
    const opened = (await all(page)).filter((p) => p.status === 'open').length;
    await eventually(async () => assert(await rows(page).count() === opened, `open rows ${await rows(page).count()}, want ${opened}`));
    await page.locator('select[name=filter-status]').selectOption('');
    await shot(page, `problems-${L}-summary`);
  });

  await test(`${lang}: ${user}'s pages had no script error`, [], async () => {
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  });
  await ctx.close();
  return t1;
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'problems' });
  const mgrMade = await problemsAs(browser, server, 'mgr', 'zh-CN', 'mgr');
  const repMade = await problemsAs(browser, server, 'rep1', 'en', 'rep1');

  await test('zh-CN: the manager edits the SLA; a bad value is refused under its field; a new problem takes the hours', [mgrMade], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
    const T = CATALOG['zh-CN'];
    await open(page, T);
    const f = page.locator('#sla-form');
    await f.locator('input[name=sla-critical]').fill('0');
    await f.locator('#sla-save').click();
    const msg = await fieldError(f, 'sla-critical').catch(async () => (await f.locator('.field-error').first().textContent()).trim());
    assert(msg === fill(T['reason.sla_range'], { hours: '0', field: T['field.critical'] }), `the SLA error reads "${msg}"`);
    let sla = (await get(page, `/api/v1/projects/${PROJECT}/sla`)).sla;
    assert(sla.find((s) => s.severity === 'critical').hours === 4, 'the refusal changed the SLA');
    await f.locator('input[name=sla-critical]').fill('2');
    await f.locator('input[name=sla-high]').fill('12');
    await f.locator('#sla-save').click();
    await eventually(async () => {
      sla = (await get(page, `/api/v1/projects/${PROJECT}/sla`)).sla;
      assert(sla.find((s) => s.severity === 'critical').hours === 2 && sla.find((s) => s.severity === 'high').hours === 12, 'saved');
    });
    const nf = await openNew(page);
    await fillProblem(page, nf, { type: 'service', severity: 'critical', title: '新 SLA 下的紧急问题', owner: 'rep1' });
    await save(page);
    const r = await byTitle(page, '新 SLA 下的紧急问题');
    assert(r.due_at === plusHours(r.opened_at, 2), `due ${r.due_at} after ${r.opened_at}`);
    await shot(page, 'problems-zh-sla');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test('en: a rep moves only their own problems, reads the SLA without inputs, edits no one else\'s', [mgrMade, repMade], async () => {
    const { ctx, page } = await signedIn(browser, server, 'rep1', PASSWORD, { lang: 'en' });
    const T = CATALOG.en;
    await open(page, T);
    const list = await all(page);
    const theirs = list.find((p) => p.owner === 'mgr' && p.status === 'open');
    const mine = list.find((p) => p.owner === 'rep1' && p.status === 'open');
    const theirRow = rowOf(page, theirs.title);
    assert(await theirRow.locator('button').count() === 0, `buttons on mgr's problem: ${await theirRow.locator('button').allTextContents()}`);
    assert(await rowOf(page, mine.title).getByRole('button', { name: T['action.edit'] }).count() === 1, 'no edit on their own');
    assert(await page.locator('#sla-form input').count() === 0 && await page.locator('#sla-save').count() === 0, 'SLA inputs for a rep');
    const r = await call(page, 'POST', `${API}/${theirs.id}/status`, { status: 'in_progress', version: theirs.version });
    assert(r.status === 403 && r.json.error.reason === 'own_records_only', `moving mgr's problem: ${r.status} ${r.text}`);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test('en: a viewer reads the problems and the summary without a write control', [mgrMade], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    const T = CATALOG.en;
    await open(page, T);
    await rows(page).first().waitFor();
    assert(await rows(page).count() === (await all(page)).length, 'the viewer sees every problem');
    assert(await page.locator('#crud-new').count() === 0 && await page.locator('.crud-table tbody button').count() === 0
      && await page.locator('#sla-save').count() === 0, 'a write control for a viewer');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test('zh-CN: on a phone (390x844) the manager records and resolves a problem; nothing scrolls sideways', [mgrMade], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = CATALOG['zh-CN'];
    await page.go(`#/p/${PROJECT}/problems`);
    await page.locator('#problem-summary').waitFor();
    await assertNoSidewaysScroll(page, 'the problems screen');
    const f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the problem form');
    await fillProblem(page, f, { type: 'pricing', severity: 'medium', title: '手机上登记的价格问题', owner: 'mgr' });
    await save(page);
    const p = await byTitle(page, '手机上登记的价格问题');
    assert(p && p.type === 'pricing' && p.severity === 'medium', `saved ${JSON.stringify(p)}`);
    await rowOf(page, p.title).getByRole('button', { name: fill(T['problem.move_label'], { action: T['problem.resolve'], title: p.title }) }).click();
    await assertFitsPhone(page, page.locator('.modal'), 'the resolve dialog');
    await page.locator('#resolve-form textarea[name=resolution]').fill('已按合同价补差');
    await page.locator('#resolve-form button[type=submit]').click();
    await page.locator('#resolve-form').waitFor({ state: 'detached' });
    await eventually(async () => assert((await byTitle(page, p.title)).status === 'resolved', 'not resolved'));
    await assertNoSidewaysScroll(page, 'the problems screen after the move');
    await shot(page, 'problems-zh-phone');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
