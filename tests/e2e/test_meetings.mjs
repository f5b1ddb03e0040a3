// test_meetings.mjs - a project's meetings screen (screens/meetings.js) in Chromium. A manager in
// zh-CN on a desktop and a rep in en on a phone (390×844) open it from the project's navigation,
// create a meeting through the form (attendees ticked from the members, action items added as
// rows, one for every member the assignee select offers; the manager also saves the meeting
// under every organiser the select offers, the rep's select offers only themselves) and edit it
// (an item removed, one added, the minutes changed), each save read back through the API and
// compared with what was typed. An end before the start is refused under its field and nothing
// is saved. "Make tasks" turns the action items into tasks in one step: each item then links to
// its task, and the task is in the plan's list with the item's text, assignee and due day. The
// rep has no edit control on the manager's meeting; a viewer reads without a write control.
import { test, assert, run, startServer, isoDay, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, eventually } from './forms.mjs';

const PROJECT = 'P1';
const API = `/api/v1/projects/${PROJECT}/meetings`;
const MEMBERS = [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'member'], ['rep2', '赵磊', 'member'], ['vw', '高总', 'viewer']];

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, name] of MEMBERS)
    cli(db, ['user', 'add', login, '--name', name, '--role', login === 'mgr' ? 'manager' : login === 'vw' ? 'viewer' : 'rep', '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2027-12-31']);
  for (const [login, , prole] of MEMBERS) cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
}

async function openScreen(page, T, phone) {
  await page.go('#/p/' + PROJECT);
  if (phone) await page.click('#menu-button');
  await page.click('#nav-meetings');
  await page.locator('.page-head h1', { hasText: T['ent.meeting.plural'] }).waitFor();
}

// Fill the form's fields and item rows (items: [text, assignee, due]); attendees ticked by login.
async function fill(form, { title, date, start, end, location, organizer, attendees, agenda, minutes, items }) {
  if (title !== undefined) await form.locator('input[name=title]').fill(title);
  if (date !== undefined) await form.locator('input[name=date]').fill(date);
  if (start !== undefined) await form.locator('input[name=start]').fill(start);
  if (end !== undefined) await form.locator('input[name=end]').fill(end);
  if (location !== undefined) await form.locator('input[name=location]').fill(location);
  if (organizer !== undefined) await form.locator('select[name=organizer]').selectOption(organizer);
  if (agenda !== undefined) await form.locator('textarea[name=agenda]').fill(agenda);
  if (minutes !== undefined) await form.locator('textarea[name=minutes]').fill(minutes);
  if (attendees) {
    for (const [login] of MEMBERS) {
      const box = form.locator(`input[name=attendee][value="${login}"]`);
      if ((await box.isChecked()) !== attendees.includes(login)) await box.click();
    }
  }
  for (const [text, assignee, due] of items || []) {
    const n = await form.locator('.meeting-item-row:not(.converted)').count();
    await form.locator('#add-item').click();
    const row = form.locator('.meeting-item-row:not(.converted)').nth(n);
    await row.locator('input[name=item-text]').fill(text);
    await row.locator('select[name=item-assignee]').selectOption(assignee);
    await row.locator('input[name=item-due]').fill(due);
  }
}

async function save(page) {
  await page.click('#meeting-form button[type=submit]');
  await page.locator('#meeting-form').waitFor({ state: 'detached' });
  await page.locator('#meeting-detail').waitFor();
}

const summary = (m) => JSON.stringify([m.title, m.date, m.start, m.end, m.location, m.organizer, m.attendees.map((a) => a.login),
  m.action_items.map((i) => [i.text, i.assignee, i.due])]);

async function meetingsAs(browser, server, user, lang, viewport) {
  const T = TEXTS[lang];
  const phone = viewport === PHONE;
  const { page } = await signedIn(browser, server, user, PASSWORD, { lang, viewport });
  const where = `${lang}, ${phone ? 'phone' : 'desktop'}`;
  const zh = lang === 'zh-CN';
  // the project's members as the API lists them (the admin who made the project is its owner)
  const logins = (await get(page, `/api/v1/projects/${PROJECT}/members`)).members.map((m) => m.login);
  let made = null;
  const t1 = `${where}: ${user} creates a meeting with attendees and an action item for every member`;
  await test(t1, [], async () => {
    await openScreen(page, T, phone);
    assertLang(lang, await page.locator('.page-head h1').textContent(), 'the title');
    await page.click('#meeting-new');
    const form = page.locator('#meeting-form');
    const organizers = await optionValues(form.locator('select[name=organizer]'));
    const want = user === 'mgr' ? logins : [user];
    assert(JSON.stringify([...organizers].sort()) === JSON.stringify([...want].sort()), `organisers offered: ${organizers}`);
    if (phone) await assertFitsPhone(page, form, 'the meeting form');
    const title = zh ? '周例会：销售管道评审' : 'Weekly pipeline review';
    const values = {
      title, date: isoDay(2), start: '09:30', end: '10:30', location: zh ? '上海 3F 会议室' : 'Room 3F, Shanghai',
      organizer: user, attendees: ['rep1', 'rep2'], agenda: zh ? '1. 本周赢单\n2. 卡住的商机' : '1. Wins\n2. Stuck deals',
      items: [],
    };
    // one item per member the assignee select offers
    await form.locator('#add-item').click();
    const offered = await optionValues(form.locator('.meeting-item-row select[name=item-assignee]').first());
    assert(JSON.stringify([...offered].sort()) === JSON.stringify([...logins].sort()), `assignees offered: ${offered}`);
    await form.locator('.meeting-item-row button[name=remove-item]').first().click();
    values.items = offered.map((login, k) => [(zh ? '行动项 ' : 'Action ') + login, login, isoDay(5 + k)]);
    await fill(form, values);
    await save(page);
    const all = (await get(page, API)).meetings;
    assert(all.length >= 1, 'no meeting saved');
    made = all.find((m) => m.title === title && m.organizer === user);
    const wantSummary = JSON.stringify([title, values.date, '09:30', '10:30', values.location, user, ['rep1', 'rep2'],
      values.items]);
    assert(made && summary(made) === wantSummary, `saved ${made && summary(made)}, want ${wantSummary}`);
    assert(made.agenda === values.agenda, `agenda ${JSON.stringify(made.agenda)}`);
    // the detail shows what was saved
    const detail = page.locator('#meeting-detail');
    assert((await detail.locator('#meeting-agenda .meeting-text').textContent()) === values.agenda, 'the agenda as typed');
    assert(await detail.locator('#meeting-items tbody tr').count() === logins.length, 'every item listed');
    if (phone) await assertNoSidewaysScroll(page, 'the meeting detail');
  });

  await test(`${where}: ${user} an end before the start is refused under its field, nothing saved`, [t1], async () => {
    const before = (await get(page, API)).meetings.map((m) => [m.id, m.version]);
    await page.click('#meeting-edit');
    const form = page.locator('#meeting-form');
    await fill(form, { start: '11:00', end: '10:00' });
    await page.click('#meeting-form button[type=submit]');
    const text = await fieldError(form, 'end');
    const wantText = T['reason.end_before_start'].replace('{end}', '10:00').replace('{start}', '11:00');
    assert(text === wantText, `error "${text}", want "${wantText}"`);
    await page.click('#meeting-form .form-actions button[type=button]');
    await page.locator('#meeting-form').waitFor({ state: 'detached' });
    const after = (await get(page, API)).meetings.map((m) => [m.id, m.version]);
    assert(JSON.stringify(before) === JSON.stringify(after), 'nothing changed');
  });

  const t3 = `${where}: ${user} edits the meeting: an item removed, one added, minutes written`;
  await test(t3, [t1], async () => {
    await page.click('#meeting-edit');
    const form = page.locator('#meeting-form');
    await form.locator('.meeting-item-row button[name=remove-item]').first().click();
    const minutes = zh ? '华东区新增 3 个商机；\n回款落后 8%。' : 'Three new deals in the east;\ncollections 8% behind.';
    await fill(form, { minutes, items: [[zh ? '更新报价' : 'Update the quote', user, isoDay(9)]] });
    await save(page);
    const m = await get(page, `${API}/${made.id}`);
    const wantItems = [...made.action_items.slice(1).map((i) => [i.text, i.assignee, i.due]), [zh ? '更新报价' : 'Update the quote', user, isoDay(9)]];
    assert(m.version === made.version + 1 && m.minutes === minutes
      && JSON.stringify(m.action_items.map((i) => [i.text, i.assignee, i.due])) === JSON.stringify(wantItems),
    `edited ${JSON.stringify(m)}`);
    assert(JSON.stringify(m.action_items.slice(0, -1).map((i) => i.id)) === JSON.stringify(made.action_items.slice(1).map((i) => i.id)),
      'the kept items keep their ids');
    made = m;
    if (user === 'mgr') {
      // every organiser the select offers, saved in turn, ending with the manager again
      for (const who of [...logins.filter((l) => l !== 'mgr'), 'mgr']) {
        await page.click('#meeting-edit');
        await page.locator('#meeting-form select[name=organizer]').selectOption(who);
        await save(page);
        const now = await get(page, `${API}/${made.id}`);
        assert(now.organizer === who && now.version === made.version + 1, `organiser ${now.organizer}, want ${who}`);
        made = now;
      }
    }
  });

  await test(`${where}: ${user} comments on the open meeting`, [t3], async () => {
    const section = page.locator('#meeting-comments');
    const text = `${user} ${where} 会后跟进 ${Date.now() % 100000}`;
    await section.locator('.comment-form textarea').fill(text);
    await section.locator('.comment-post').click();
    await eventually(async () => {
      const list = (await get(page, '/api/v1/comments?on=meeting:' + made.id)).comments;
      assert(list.some((c) => c.body === text && c.author === user), `the comment stored: ${JSON.stringify(list)}`);
    });
    await section.locator('.comment-body', { hasText: text }).waitFor();
  });

  await test(`${where}: ${user} turns action items into tasks and sees them in the plan`, [t3], async () => {
    const tasksBefore = (await get(page, `/api/v1/projects/${PROJECT}/tasks?limit=500`)).tasks.length;
    let converted;
    if (user === 'mgr') {
      await page.click('#make-tasks');
      await page.locator('#meeting-notice').waitFor();
      converted = made.action_items;
    } else {
      // a member makes tasks only of their own items (the task's rule): their item's button
      const own = made.action_items.find((i) => i.assignee === user);
      await page.locator(`#meeting-items tr[data-item="${own.id}"] button[name=make-task]`).click();
      await page.locator('#meeting-notice').waitFor();
      converted = [own];
    }
    const m = await get(page, `${API}/${made.id}`);
    for (const i of converted) {
      const now = m.action_items.find((x) => x.id === i.id);
      assert(now.task !== null, `item ${i.text} has no task`);
      const link = page.locator(`#meeting-items a.task-link[data-task="${now.task}"]`);
      await link.waitFor();
      assert((await link.textContent()).includes(String(now.task)), 'the link names the task');
    }
    const tasks = (await get(page, `/api/v1/projects/${PROJECT}/tasks?limit=500`)).tasks;
    assert(tasks.length === tasksBefore + converted.length, `${tasks.length - tasksBefore} tasks made`);
    const first = m.action_items.find((x) => x.id === converted[0].id);
    const task = tasks.find((x) => x.id === first.task);
    assert(task && task.title === first.text && task.assignee === first.assignee && task.due === first.due,
      `the task ${JSON.stringify(task)}`);
    // the link leads to the plan, where the task is listed
    await page.locator(`#meeting-items a.task-link[data-task="${first.task}"]`).click();
    await page.locator('.page-head h1', { hasText: T['ent.task.plural'] }).waitFor();
    await eventually(async () => assert(await page.getByText(first.text, { exact: true }).count() >= 1, 'the task is in the list'));
  });
  return { page, t1 };
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'meetings' });
  const m = await meetingsAs(browser, server, 'mgr', 'zh-CN', { width: 1440, height: 900 });
  const r = await meetingsAs(browser, server, 'rep1', 'en', PHONE);
  await test('en, phone: the rep has no edit control on the manager\'s meeting', [m.t1, r.t1], async () => {
    const { page } = r;
    const T = TEXTS.en;
    await openScreen(page, T, true);
    const theirs = (await get(page, API)).meetings.find((x) => x.organizer === 'mgr');
    await page.locator(`.meeting-card[data-id="${theirs.id}"] button[name=open]`).click();
    await page.locator('#meeting-detail').waitFor();
    assert(await page.locator('#meeting-edit').count() === 0 && await page.locator('#make-tasks').count() === 0,
      'no edit or make-tasks control on another\'s meeting');
  });
  await test('a viewer reads the meetings without a write control', [m.t1], async () => {
    const { page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'zh-CN' });
    await openScreen(page, TEXTS['zh-CN'], false);
    assert(await page.locator('#meeting-new').count() === 0, 'no new-meeting button');
    await page.locator('.meeting-card button[name=open]').first().click();
    await page.locator('#meeting-detail').waitFor();
    assert(await page.locator('#meeting-edit').count() === 0, 'no edit button');
  });
});
