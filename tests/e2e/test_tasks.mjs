// test_tasks.mjs - the plan screen in Chromium (screens/tasks.js, components/gantt.js): a project
// manager (zh-CN) and a rep (en) open it from the project's navigation, create a task through
// the form (the assignees offered are the project's members) and edit it, each read back
// through the API; a due date before the start is refused under its field in the reader's
// language. On the board they start their task with its card's button (the API says doing) and
// try to start a task that waits for an unfinished one: the refusal names the blocking task in
// the reader's language and changes nothing. The Gantt tab draws a bar per task and the
// critical path, worked out here by hand from the plan the setup made (A 5 days -> B 8 days ->
// milestone M, 14 days; the tasks the test adds are shorter and wait for nothing); a bar's
// dates move by keyboard (→ a day later, a versioned PATCH read back) and by the form opened
// from the bar, where a due before the start is refused in the reader's language; the same
// dialog adds and takes away a prerequisite, and refuses a cycle naming it ("#1 → #2 → #1") in
// the reader's language, writing nothing; a bar dragged two days along the chart moves both
// dates by two days. A task becomes a milestone by its edit form. A rep has no
// move buttons on a manager's task, a viewer no write control; at phone width (390x844) the
// board and the form fit and nothing scrolls sideways.
import { test, assert, run, startServer, shot, cli, isoDay, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS as CATALOG, openNew, saveForm as save, eventually } from './forms.mjs';

const PROJECT = 'P1';
const API = `/api/v1/projects/${PROJECT}/tasks`;
const USERS = [['mgr', '李娜', 'manager', 'manager'], ['rep1', '王芳', 'rep', 'member'], ['vw', '高总', 'viewer', 'viewer']];
const MEMBERS = ['admin', 'mgr', 'rep1', 'vw'];
const PLAN = {}; // title -> id of the tasks the setup makes

async function setup(db, pw) {
  for (const [login, name, role] of USERS)
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', isoDay(-60), '--end', isoDay(120)]);
  for (const [login, , , prole] of USERS) cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
  const add = (title, start, due, assignee, more = []) => {
    const r = JSON.parse(cli(db, ['task', 'add', PROJECT, '--title', title, '--start', start, '--due', due,
      '--assignee', assignee, ...more, '--json']));
    PLAN[title] = r.id;
  };
  add('A 需求调研', isoDay(-10), isoDay(-6), 'rep1'); // 5 days, overdue
  add('B 方案设计', isoDay(-5), isoDay(2), 'rep1'); // 8 days
  add('M 方案评审', isoDay(3), isoDay(3), 'mgr', ['--milestone', 'yes']); // 1 day
  cli(db, ['task', 'depend', PROJECT, String(PLAN['B 方案设计']), '--on', String(PLAN['A 需求调研'])]);
  cli(db, ['task', 'depend', PROJECT, String(PLAN['M 方案评审']), '--on', String(PLAN['B 方案设计'])]);
}

const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
const rowOf = (page, title) => page.locator('.crud-table tbody tr').filter({ hasText: title });
const all = async (page) => (await get(page, API + '?limit=500')).tasks;
const byTitle = async (page, title) => (await all(page)).find((x) => x.title === title);
const shift = (s, n) => new Date(Date.parse(s + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);

async function open(page, T) {
  await page.go('#/p/' + PROJECT);
  await page.click('#nav-tasks');
  await page.locator('.page-head h1', { hasText: T['ent.task.plural'] }).waitFor();
}

async function tasksAs(browser, server, user, lang) {
  const T = CATALOG[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
  const title = `${L} 拜访名单 ${user}`;
  let made;
  const t1 = `${lang}: ${user} creates and edits a task from the project's navigation`;
  await test(t1, [], async () => {
    await open(page, T);
    const f = await openNew(page);
    const offered = (await optionValues(f.locator('select[name=assignee]'))).filter((v) => v).sort();
    assert(offered.join() === MEMBERS.join(), `assignees offered: ${offered}`);
    // a due date before the start: refused under the due field, in the reader's language
    await f.locator('input[name=title]').fill(title);
    await f.locator('select[name=assignee]').selectOption(user);
    await f.locator('input[name=start]').fill(isoDay(1));
    await f.locator('input[name=due]').fill(isoDay(0));
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'due');
    assertLang(lang, msg, 'the due date error');
    assert(!(await all(page)).some((x) => x.title === title), 'the refused task was saved');
    await f.locator('input[name=due]').fill(isoDay(3));
    await save(page);
    made = await byTitle(page, title);
    assert(made && made.assignee === user && made.start === isoDay(1) && made.due === isoDay(3) && made.status === 'todo'
      && made.version === 1 && made.days === 3, `saved ${JSON.stringify(made)}`);
    await rowOf(page, title).getByRole('button', { name: T['action.edit'] }).click();
    const e = page.locator('#crud-form');
    assert(await e.locator('input[name=due]').inputValue() === isoDay(3), 'the form shows the due date');
    await e.locator('input[name=due]').fill(isoDay(4));
    await e.locator('input[name=title]').fill(title + ' *');
    await save(page);
    const r = await byTitle(page, title + ' *');
    assert(r.id === made.id && r.version === 2 && r.due === isoDay(4) && r.days === 4, `edited ${JSON.stringify(r)}`);
    made = r;
    // the overdue task stands out, and the overdue filter keeps only it
    await eventually(async () => assert(await rowOf(page, 'A 需求调研').getAttribute('class') === 'row-overdue', 'A is not marked overdue'));
    await page.locator('select[name=filter-overdue]').selectOption('true');
    await eventually(async () => assert(await page.locator('.crud-table tbody tr').count() === 1, 'the overdue filter'));
    await page.locator('select[name=filter-overdue]').selectOption('');
    await shot(page, `tasks-${L}-list`);
  });

  await test(`${lang}: ${user} moves their task on the board; a blocked move names what it waits for`, [t1], async () => {
    await page.click('#tab-board');
    const card = (id) => page.locator(`.task-card[data-id="${id}"]`);
    await card(made.id).waitFor();
    assert(await page.locator('.task-col[data-status=todo]').locator(`[data-id="${made.id}"]`).count() === 1, 'not in todo');
    await card(made.id).getByRole('button', { name: fill(T['task.move_label'], { action: T['task.start'], title: made.title }) }).click();
    await eventually(async () => assert((await byTitle(page, made.title)).status === 'doing', 'not started'));
    await eventually(async () => assert(await page.locator('.task-col[data-status=doing]').locator(`[data-id="${made.id}"]`).count() === 1, 'not in doing'));
    const b = PLAN['B 方案设计'], a = PLAN['A 需求调研'];
    await card(b).getByRole('button', { name: fill(T['task.move_label'], { action: T['task.start'], title: 'B 方案设计' }) }).click();
    const want = fill(T['reason.task_blocked'], { blocking: '#' + a });
    await eventually(async () => {
      const text = await page.locator('.banner, [role=alert]').allTextContents();
      assert(text.some((s) => s.includes(want)), `the refusal reads ${JSON.stringify(text)}, want "${want}"`);
    });
    assert((await get(page, `${API}/${b}`)).status === 'todo', 'the blocked move changed B');
    await shot(page, `tasks-${L}-board`);
  });

  await test(`${lang}: ${user} sees the Gantt bars and the critical path, and moves a bar by keyboard and by its form`, [t1], async () => {
    await page.click('#tab-gantt');
    const chart = page.locator('.gantt-chart');
    await chart.waitFor();
    const list = await all(page);
    await eventually(async () => assert(await chart.getAttribute('data-bars') === String(list.length), 'bars'));
    const critical = [PLAN['A 需求调研'], PLAN['B 方案设计'], PLAN['M 方案评审']];
    assert(await chart.getAttribute('data-critical') === critical.join(','), `critical ${await chart.getAttribute('data-critical')}`);
    assert(await page.locator('.gantt-bar.critical').count() === 3, 'three critical bars');
    assert(await page.locator('.gantt-bar.milestone').count() === 1, 'one milestone');
    const drawn = await chart.locator('canvas').evaluate((c) => c.width > 0 && c.height > 0);
    assert(drawn, 'the chart is not drawn');
    assertLang(lang, await page.locator('#gantt-critical').textContent(), 'the critical path line');
    const bar = page.locator(`.gantt-bar[data-id="${made.id}"]`);
    await bar.focus();
    await page.keyboard.press('ArrowRight');
    await eventually(async () => {
      const r = await get(page, `${API}/${made.id}`);
      assert(r.start === shift(made.start, 1) && r.due === shift(made.due, 1) && r.version === made.version + 2,
        `after → ${JSON.stringify(r)}`);
    });
    made = await get(page, `${API}/${made.id}`);
    await page.locator(`.gantt-bar[data-id="${made.id}"]`).focus();
    await page.keyboard.press('Enter');
    const f = page.locator('#dates-form');
    await f.locator('input[name=due]').fill(shift(made.start, -1));
    await f.locator('button[type=submit]').click();
    assertLang(lang, await fieldError(f, 'due'), 'the dates form error');
    await f.locator('input[name=due]').fill(shift(made.due, 2));
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    const r = await get(page, `${API}/${made.id}`);
    assert(r.due === shift(made.due, 2) && r.start === made.start && r.version === made.version + 1, `after the form ${JSON.stringify(r)}`);
    // the bar's dialog adds and takes away a prerequisite; a cycle is refused, named, in the reader's language
    const a = PLAN['A 需求调研'], b = PLAN['B 方案设计'];
    await page.locator(`.gantt-bar[data-id="${made.id}"]`).click();
    const deps = page.locator('#task-deps');
    await deps.locator('select[name=depends_on]').selectOption(String(a));
    await deps.locator('#dep-add').click();
    await eventually(async () => assert(JSON.stringify((await get(page, `${API}/${made.id}`)).depends_on) === JSON.stringify([a]), 'not added'));
    await deps.locator(`li[data-on="${a}"] button`).click();
    await eventually(async () => assert((await get(page, `${API}/${made.id}`)).depends_on.length === 0, 'not taken away'));
    await page.keyboard.press('Escape');
    await page.locator(`.gantt-bar[data-id="${a}"]`).click();
    await page.locator('#task-deps select[name=depends_on]').selectOption(String(b));
    await page.locator('#task-deps #dep-add').click();
    const cycle = fill(T['reason.dep_cycle'], { cycle: `#${a} → #${b} → #${a}` });
    await eventually(async () => {
      const text = await page.locator('#task-deps .banner').allTextContents();
      assert(text.some((x) => x.includes(cycle)), `the cycle reads ${JSON.stringify(text)}, want "${cycle}"`);
    });
    assert((await get(page, `${API}/${a}`)).depends_on.length === 0, 'the refused cycle was written');
    await page.keyboard.press('Escape');
    // dragged two days later on the chart: a versioned PATCH of both dates
    const before = await get(page, `${API}/${made.id}`);
    await page.locator('#task-deps').waitFor({ state: 'detached' });
    const at = await chart.evaluate((el, id) => el.ganttBarAt(id), made.id);
    const day = await chart.evaluate((el) => el.ganttDayWidth());
    const box = await chart.boundingBox();
    assert(at && day > 4, `the bar at ${at}, a day ${day}px wide`);
    await page.mouse.move(box.x + at[0], box.y + at[1]);
    await page.mouse.down();
    await page.mouse.move(box.x + at[0] + 2 * day, box.y + at[1], { steps: 6 });
    await page.mouse.up();
    await eventually(async () => {
      const d = await get(page, `${API}/${made.id}`);
      assert(d.start === shift(before.start, 2) && d.due === shift(before.due, 2) && d.version === before.version + 1,
        `after the drag ${JSON.stringify(d)}, before ${JSON.stringify(before)}`);
    });
    assert(await page.locator('#dates-form').count() === 0, 'the drag opened the dates form');
    await shot(page, `tasks-${L}-gantt`);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  });
  await ctx.close();
  return t1;
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'tasks' });
  const m = await tasksAs(browser, server, 'mgr', 'zh-CN');
  const r = await tasksAs(browser, server, 'rep1', 'en');

  await test('en: a rep has no move buttons on a manager\'s task; a viewer no write control', [m, r], async () => {
    for (const who of ['rep1', 'vw']) {
      const { ctx, page } = await signedIn(browser, server, who, PASSWORD, { lang: 'en' });
      await open(page, CATALOG.en);
      await page.click('#tab-board');
      const milestone = page.locator(`.task-card[data-id="${PLAN['M 方案评审']}"]`);
      await milestone.waitFor();
      assert(await milestone.locator('button').count() === 0, `${who}: buttons on mgr's task`);
      if (who === 'vw') assert(await page.locator('.task-card button').count() === 0, 'a viewer has move buttons');
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    }
  });

  await test('zh-CN: at phone width the manager creates a task and uses the board and the Gantt; nothing scrolls sideways', [m], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    await page.go(`#/p/${PROJECT}/tasks`);
    await page.locator('#tab-board').waitFor();
    const f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the task form');
    await f.locator('input[name=title]').fill('手机上添加的任务');
    await f.locator('select[name=assignee]').selectOption('mgr');
    await f.locator('input[name=start]').fill(isoDay(5));
    await f.locator('input[name=due]').fill(isoDay(6));
    await save(page);
    assert((await byTitle(page, '手机上添加的任务')).due === isoDay(6), 'saved at phone width');
    // made a milestone by its edit form: one day, its start its due
    await rowOf(page, '手机上添加的任务').getByRole('button', { name: CATALOG['zh-CN']['action.edit'] }).click();
    const e = page.locator('#crud-form');
    await assertFitsPhone(page, page.locator('.modal'), 'the task edit form');
    await e.locator('input[name=milestone]').check();
    await e.locator('input[name=due]').fill(isoDay(5));
    await save(page);
    const ms = await byTitle(page, '手机上添加的任务');
    assert(ms.milestone === true && ms.start === isoDay(5) && ms.due === isoDay(5) && ms.days === 1, `the milestone ${JSON.stringify(ms)}`);
    await assertNoSidewaysScroll(page, 'the task list');
    await page.click('#tab-board');
    await page.locator('#task-board').waitFor();
    await assertNoSidewaysScroll(page, 'the board');
    await page.click('#tab-gantt');
    await page.locator('.gantt-chart').waitFor();
    await assertNoSidewaysScroll(page, 'the Gantt');
    await shot(page, 'tasks-zh-phone');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
