// test_alerts.mjs - the alerts panel on a project's overview (components/alerts.js) in Chromium.
// The project holds a task of the rep's due five days ago (an overdue task, a warning), a task
// due in five days (none), and a budget line of 100.00 with 150.00 spent (overspent, critical).
// A manager in zh-CN on a desktop sees the two alerts, critical first, each said in Chinese with
// its figures and its record's title, the same ones the API holds; opens the thresholds form,
// submits every field (a probability of 40%, 3 days' grace for collections, each kind on or off
// with the overdue tasks off) and reads them back through the API, the task's alert gone from
// the panel; a probability of 150 is refused under its field in Chinese and nothing changes;
// then turns the tasks on again and follows the budget line's alert to the budget screen. A rep
// in en on a phone (390x844) sees the same alerts in English without the thresholds' button,
// the panel fitting the screen, follows the task's alert to the tasks screen, and finds the
// alert in the inbox under its own kind, with its kind in the inbox's settings.
import { test, assert, run, startServer, shot, cli, isoDay, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, get, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, eventually } from './forms.mjs';

const PROJECT = 'P1';
const ALERTS = `/api/v1/projects/${PROJECT}/alerts`;
const SETTINGS = `/api/v1/projects/${PROJECT}/alert-settings`;
const KINDS = ['goal_status', 'goal_probability', 'deal_stalled', 'task_overdue', 'problem_sla',
  'promotion_budget', 'collection_overdue', 'budget_overspent'];

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2027-12-31']);
  for (const [login, prole] of [['mgr', 'manager'], ['rep1', 'member']]) cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
  cli(db, ['task', 'add', PROJECT, '--title', '拜访华东贸易', '--assignee', 'rep1', '--start', isoDay(-20), '--due', isoDay(-5)]);
  cli(db, ['task', 'add', PROJECT, '--title', '准备报价', '--assignee', 'rep1', '--start', isoDay(-1), '--due', isoDay(5)]);
  const line = JSON.parse(cli(db, ['--json', 'budget', 'add', PROJECT, '--category', 'travel', '--name', '差旅', '--allocated', '100.00']));
  cli(db, ['expense', 'add', PROJECT, '--line', String(line.id), '--amount', '150.00']);
}

// The panel's alerts as shown: [kind, severity, text, href].
const shown = (page) => page.locator('#alerts-panel .alert-item').evaluateAll((lis) => lis.map((li) => [li.dataset.kind,
  li.dataset.severity, li.querySelector('.alert-link').textContent.trim(), li.querySelector('.alert-link').getAttribute('href')]));

async function assertPanel(page, lang, kinds) {
  const api = (await get(page, ALERTS)).alerts;
  const got = await shown(page);
  assert(JSON.stringify(got.map((a) => a[0])) === JSON.stringify(kinds), `shown ${got.map((a) => a[0])}, want ${kinds}`);
  assert(JSON.stringify(api.map((a) => a.kind)) === JSON.stringify(kinds), `the API holds ${api.map((a) => a.kind)}`);
  for (const [kind, sev, text] of got) {
    const a = api.find((x) => x.kind === kind);
    assert(sev === a.severity, `${kind}: ${sev}`);
    assert(text.includes(a.title), `${kind} names its record "${a.title}": ${text}`);
    assertLang(lang, text.replace(a.title, ''), `the ${kind} alert (its record's title aside)`);
    if (kind === 'task_overdue') assert(/\b5\b/.test(text), `the task is 5 days overdue: ${text}`);
    if (kind === 'budget_overspent') assert(text.includes('150') && text.includes('100'), `150.00 of 100.00: ${text}`);
  }
  return got;
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'alerts' });
  const m = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
  const T = TEXTS['zh-CN'];

  await test('zh-CN, desktop: the manager sees the alerts, critical first, in Chinese', [], async () => {
    await m.page.go('#/p/' + PROJECT);
    await m.page.locator('#alerts-panel .alert-item').first().waitFor();
    assert((await m.page.locator('#alerts-title').textContent()).includes(T['alerts.title']), 'the title');
    await assertPanel(m.page, 'zh-CN', ['budget_overspent', 'task_overdue']);
    await shot(m.page, 'alerts-zh-mgr');
  });

  await test('zh-CN: the thresholds form, every field submitted, read back; tasks off', [], async () => {
    const before = await get(m.page, SETTINGS);
    await m.page.click('#alert-settings');
    const f = m.page.locator('#alert-settings-form');
    await f.waitFor();
    await f.locator('input[name=probability]').fill('40');
    await f.locator('input[name=collection_days]').fill('3');
    for (const k of KINDS) await f.locator(`input[name=${k}]`).setChecked(k !== 'task_overdue');
    await m.page.click('#alert-settings-save');
    await f.waitFor({ state: 'detached' });
    const s = await get(m.page, SETTINGS);
    const want = { probability: 0.4, collection_days: 3, ...Object.fromEntries(KINDS.map((k) => [k, k !== 'task_overdue'])), version: before.version + 1 };
    assert(JSON.stringify(s) === JSON.stringify(want), `saved ${JSON.stringify(s)}, typed ${JSON.stringify(want)}`);
    await eventually(() => assertPanel(m.page, 'zh-CN', ['budget_overspent']));
  });

  await test('zh-CN: a probability of 150 is refused under its field, nothing changed', [], async () => {
    const before = await get(m.page, SETTINGS);
    await m.page.click('#alert-settings');
    const f = m.page.locator('#alert-settings-form');
    await f.locator('input[name=probability]').fill('150');
    await m.page.click('#alert-settings-save');
    const msg = await fieldError(f, 'probability');
    assertLang('zh-CN', msg, 'the error');
    const after = await get(m.page, SETTINGS);
    assert(JSON.stringify(after) === JSON.stringify(before), 'nothing changed');
    // and the tasks on again, every field as it was
    await f.locator('input[name=probability]').fill('40');
    await f.locator('input[name=task_overdue]').setChecked(true);
    await m.page.click('#alert-settings-save');
    await f.waitFor({ state: 'detached' });
    assert((await get(m.page, SETTINGS)).task_overdue === true, 'tasks on');
    await eventually(() => assertPanel(m.page, 'zh-CN', ['budget_overspent', 'task_overdue']));
  });

  await test('zh-CN: the budget line\'s alert opens the budget screen', [], async () => {
    await m.page.locator('#alerts-panel .alert-item[data-kind=budget_overspent] .alert-link').click();
    await m.page.waitForFunction(() => location.hash.startsWith('#/p/P1/budget'));
    await m.page.locator('.budget-panels').waitFor();
  });

  const r = await signedIn(browser, server, 'rep1', PASSWORD, { lang: 'en', viewport: PHONE });
  await test('en, phone: the rep sees the alerts in English, no thresholds, fitting the screen', [], async () => {
    await r.page.go('#/p/' + PROJECT);
    await r.page.locator('#alerts-panel .alert-item').first().waitFor();
    await assertPanel(r.page, 'en', ['budget_overspent', 'task_overdue']);
    assert(await r.page.locator('#alert-settings').count() === 0, 'a thresholds button for a rep');
    await assertFitsPhone(r.page, r.page.locator('#alerts-panel'), 'the alerts panel');
    await assertNoSidewaysScroll(r.page, 'the overview');
    await shot(r.page, 'alerts-en-rep');
  });

  await test('en, phone: the task\'s alert opens the tasks screen', [], async () => {
    await r.page.locator('#alerts-panel .alert-item[data-kind=task_overdue] .alert-link').click();
    await r.page.waitForFunction(() => location.hash.startsWith('#/p/P1/tasks'));
    await r.page.locator('.page-head h1').first().waitFor();
  });

  await test('en, phone: the inbox shows the alert under its kind, which the settings list', [], async () => {
    await r.page.go('#/inbox');
    await r.page.locator('#inbox-kind').selectOption('alert');
    const item = r.page.locator('#inbox-list .inbox-item[data-kind=alert]').first();
    await item.waitFor();
    const text = (await item.locator('.inbox-link').textContent()).trim();
    assert(text.startsWith('Alert:') && text.includes('拜访华东贸易'), `the inbox says "${text}"`);
    assertLang('en', text.replace('拜访华东贸易', ''), 'the inbox item');
    assert(await r.page.locator('#notify-alert').isChecked(), 'the alert kind is on in the settings');
  });

  for (const x of [m, r]) {
    assert(x.page.problems.length === 0, `page problems: ${x.page.problems.join('; ')}`);
    await x.ctx.close();
  }
});
