// test_forms_training.mjs - the training and attendance screens, which the web UI builds from
// the nouns' descriptions alone (no screen of their own): an admin in zh-CN and a workspace
// manager in en create a session of every category with a trainer picked from the users, edit
// one, see 0 hours refused in its field in their language, put people on a session's list
// (one absent), and see the session's list, attendance and average score (rounded half up)
// as computed here from what they typed; a person listed twice and a score for someone
// absent are refused in their language and change nothing; a session without attendance is
// deleted, one with attendance is not. Reps and viewers read both screens without a write
// control; a manager adds a session and an attendance record on a phone. Values are read back
// through the API and compared with what was typed.
import { test, assert, run, startServer, shot, PASSWORD } from './lib.mjs';
import { signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS as CATALOG, openNew, saveForm as save, cancelForm as cancel } from './forms.mjs';

const CATEGORIES = ['product_knowledge', 'sales_skills', 'customer_service', 'other'];
const USERS = [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['vw', '高总', 'viewer']];
const NAME = Object.fromEntries([['admin', 'Administrator'], ...USERS.map(([l, n]) => [l, n])]);

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, name, role] of USERS)
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
}

// The average of the scores given, rounded half up (how a teacher rounds 81.5 to 82).
const averageOf = (scores) => (scores.length ? Math.floor(scores.reduce((a, b) => a + b, 0) / scores.length + 0.5) : null);

const rows = (page) => page.locator('.crud-table tbody tr');
const rowOf = (page, ...texts) => texts.reduce((l, s) => l.filter({ hasText: s }), rows(page));
const byName = async (page, name) => (await get(page, '/api/v1/trainings?name=' + encodeURIComponent(name))).trainings
  .filter((t) => t.name === name);
const attendanceOf = async (page, id) => (await get(page, '/api/v1/attendances?training=' + id)).attendances;

// The text of the cell of row under the column headed label.
async function cellOf(page, row, label) {
  const heads = (await page.locator('.crud-table thead th').allTextContents()).map((s) => s.trim());
  const i = heads.indexOf(label);
  assert(i >= 0, `no column "${label}" among ${heads.join(' | ')}`);
  return (await row.locator('td').nth(i).textContent()).trim();
}

// Submit the new-attendance form and return the body the page sent.
async function postAttendance(page) {
  const [req] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/attendances'),
    page.click('#crud-form button[type=submit]'),
  ]);
  return JSON.parse(req.postData());
}

async function trainingAs(browser, server, user, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const T = CATALOG[lang];
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
  const session = (c) => `${L} 培训 ${c}`;
  const hoursOf = { product_knowledge: 2, sales_skills: 3, customer_service: 4, other: 6 };
  // who is put on the sales skills session's list: two who came with a score, one absent
  const scores = L === 'zh' ? { rep1: 88, vw: 75 } : { rep1: 90, vw: 67 };
  const absent = 'mgr';
  const t1 = `${lang}: ${user} finds training under Team and creates a session of every category`;

  await test(t1, [], async () => {
    await page.go('#/projects');
    await page.click('#nav-trainings');
    await page.locator('.page-head h1', { hasText: T['ent.training.plural'] }).waitFor();
    const f0 = await openNew(page);
    const offered = await optionValues(f0.locator('select[name=category]'));
    assert(offered.join() === CATEGORIES.join(), `categories offered: ${offered}`);
    const labels = await f0.locator('select[name=category] option').allTextContents();
    assert(labels.join() === CATEGORIES.map((c) => T['ent.training.category.' + c]).join(), `category labels: ${labels}`);
    const trainers = await optionValues(f0.locator('select[name=trainer]'));
    assert(trainers.join() === 'admin,mgr,rep1,vw', `trainers offered: ${trainers}`);
    // an outside trainer is no user: the select offers none first
    assert(await f0.locator('select[name=trainer] option').first().getAttribute('value') === '', 'no "none" trainer');
    await cancel(page);
    for (const c of CATEGORIES) {
      const name = session(c);
      const f = await openNew(page);
      await f.locator('input[name=name]').fill(name);
      await f.locator('select[name=category]').selectOption(c);
      await f.locator('input[name=date]').fill('2026-12-10');
      await f.locator('input[name=hours]').fill(String(hoursOf[c]));
      await f.locator('select[name=trainer]').selectOption('mgr');
      await f.locator('input[name=location]').fill('上海办公室 3 楼');
      await f.locator('textarea[name=notes]').fill('X3 演示，然后是异议处理');
      await save(page);
      const [t] = await byName(page, name);
      assert(t && t.category === c && t.date === '2026-12-10' && t.hours === hoursOf[c] && t.trainer === 'mgr'
        && t.location === '上海办公室 3 楼' && t.notes === 'X3 演示，然后是异议处理' && t.version === 1
        && t.listed === 0 && t.attended === 0 && t.average_score === null, `saved ${JSON.stringify(t)}`);
      // the row says the category and the trainer by name, in the reader's language
      const text = await rowOf(page, name).textContent();
      assert(text.includes(T['ent.training.category.' + c]) && text.includes('李娜'), `the row reads "${text}"`);
    }
    await shot(page, `training-${L}-list`);
  });

  await test(`${lang}: ${user} edits a session; 0 hours is refused in its field`, [t1], async () => {
    const name = session('product_knowledge');
    await rowOf(page, name).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    // 0 hours is out of the description's range (1..200): said under the field, nothing sent
    await f.locator('input[name=hours]').fill('0');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'hours');
    assertLang(lang, msg, 'the hours error');
    const want = T['form.bad_count_range'].replace('{min}', '1').replace('{max}', '200');
    assert(msg === want, `0 hours reads "${msg}", not "${want}"`);
    let [t] = await byName(page, name);
    assert(t.hours === hoursOf.product_knowledge && t.version === 1, `a refused change changed ${JSON.stringify(t)}`);
    await f.locator('input[name=hours]').fill('5');
    await f.locator('input[name=location]').fill('线上会议');
    await f.locator('select[name=trainer]').selectOption('');
    await save(page);
    [t] = await byName(page, name);
    assert(t.hours === 5 && t.location === '线上会议' && t.trainer === null && t.version === 2
      && t.category === 'product_knowledge' && t.date === '2026-12-10', `edited ${JSON.stringify(t)}`);
    assert(await cellOf(page, rowOf(page, name), T['ent.training.trainer']) === T['ent.none'], 'the trainer still shows');
  });

  const t3 = `${lang}: ${user} puts three people on a session's list, one absent`;
  await test(t3, [t1], async () => {
    const name = session('sales_skills');
    const [t] = await byName(page, name);
    const all = (await get(page, '/api/v1/trainings?limit=200')).trainings;
    await page.go('#/trainings');
    await page.click('#nav-attendances');
    await page.locator('.page-head h1', { hasText: T['ent.attendance.plural'] }).waitFor();
    for (const login of [...Object.keys(scores), absent]) {
      const f = await openNew(page);
      // the session select offers every session by its name
      const ids = await optionValues(f.locator('select[name=training]'));
      assert(ids.slice().sort().join() === all.map((x) => String(x.id)).sort().join(), `sessions offered: ${ids}`);
      const label = await f.locator(`select[name=training] option[value="${t.id}"]`).textContent();
      assert(label.includes(name), `the session is offered as "${label}"`);
      // whether they came is left to the server on create (it says yes); edited afterwards
      assert(await f.locator('input[name=attended]').count() === 0, 'the new form asks whether they came');
      await f.locator('select[name=training]').selectOption(String(t.id));
      await f.locator('select[name=attendee]').selectOption(login);
      if (scores[login] !== undefined) await f.locator('input[name=score]').fill(String(scores[login]));
      await f.locator('textarea[name=note]').fill('报价问题回答得好');
      const body = await postAttendance(page);
      assert(body.training === t.id && body.attendee === login, `sent ${JSON.stringify(body)}`);
      await page.locator('#crud-form').waitFor({ state: 'detached' });
    }
    // the absent one: attended unticked in the edit form
    await rowOf(page, name, NAME[absent]).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    const box = f.locator('input[name=attended]');
    assert(await box.isChecked(), 'a new record is not marked attended');
    await box.uncheck();
    await save(page);
    const list = await attendanceOf(page, t.id);
    assert(list.length === 3, `${list.length} on the list`);
    for (const a of list) {
      const came = a.attendee !== absent;
      assert(a.training === t.id && a.training_name === name && a.attended === came
        && a.score === (scores[a.attendee] ?? null) && a.note === '报价问题回答得好'
        && a.version === (came ? 1 : 2), `saved ${JSON.stringify(a)}`);
    }
    // each row names the session and the person, and says whether they came, in the reader's language
    for (const login of [...Object.keys(scores), absent]) {
      const row = rowOf(page, name, NAME[login]);
      const text = await row.textContent();
      const says = T['ent.attendance.attended.' + (login !== absent)];
      assert(text.includes(says), `the row of ${login} reads "${text}"`);
      const shown = await cellOf(page, row, T['ent.attendance.training']);
      assert(shown === name, `the session of ${login} shows as "${shown}"`);
    }
    await shot(page, `training-${L}-attendance`);
  });

  await test(`${lang}: ${user} sees the session's list, attendance and average score`, [t3], async () => {
    const name = session('sales_skills');
    const given = Object.values(scores);
    const listed = given.length + 1, attended = given.length, average = averageOf(given);
    const [t] = await byName(page, name);
    assert(t.listed === listed && t.attended === attended && t.average_score === average,
      `listed ${t.listed} attended ${t.attended} average ${t.average_score}; want ${listed} ${attended} ${average}`);
    await page.go('#/trainings');
    const row = rowOf(page, name);
    const seen = [await cellOf(page, row, T['ent.training.listed']), await cellOf(page, row, T['ent.training.attended']),
      await cellOf(page, row, T['ent.training.average_score'])];
    assert(seen.join() === [listed, attended, average].join(), `the row shows ${seen}; want ${listed},${attended},${average}`);
    // a session nobody attended yet has no average
    assert(await cellOf(page, rowOf(page, session('customer_service')), T['ent.training.average_score']) === '—',
      'a session without scores shows an average');
  });

  await test(`${lang}: ${user} cannot list a person twice nor score someone absent`, [t3], async () => {
    const name = session('sales_skills');
    const [t] = await byName(page, name);
    const before = await attendanceOf(page, t.id);
    await page.go('#/attendances');
    const f = await openNew(page);
    await f.locator('select[name=training]').selectOption(String(t.id));
    await f.locator('select[name=attendee]').selectOption('rep1');
    await f.locator('input[name=score]').fill('99');
    await f.locator('button[type=submit]').click();
    let msg = await fieldError(f, 'attendee');
    assertLang(lang, msg, 'the already-listed error');
    let want = T['reason.already_listed'].replace('{attendee}', 'rep1');
    assert(msg === want, `listed twice reads "${msg}", not "${want}"`);
    await shot(page, `training-${L}-listed-twice`);
    await cancel(page);
    let after = await attendanceOf(page, t.id);
    assert(JSON.stringify(after) === JSON.stringify(before), `listing twice changed ${JSON.stringify(after)}`);

    await rowOf(page, name, NAME[absent]).getByRole('button', { name: T['action.edit'] }).click();
    assert(!(await f.locator('input[name=attended]').isChecked()), 'the absent one shows as attended');
    await f.locator('input[name=score]').fill('60');
    await f.locator('button[type=submit]').click();
    msg = await fieldError(f, 'score');
    want = T['reason.score_not_attended'];
    assert(msg === want, `a score for someone absent reads "${msg}", not "${want}"`);
    await cancel(page);
    after = await attendanceOf(page, t.id);
    assert(JSON.stringify(after) === JSON.stringify(before), `a score for someone absent changed ${JSON.stringify(after)}`);
  });

  await test(`${lang}: ${user} deletes a session without attendance, not one with`, [t3], async () => {
    await page.go('#/trainings');
    const gone = session('other');
    await rowOf(page, gone).getByRole('button', { name: T['action.delete'] }).click();
    await rowOf(page, gone).waitFor({ state: 'detached' });
    assert((await byName(page, gone)).length === 0, 'still there after delete');

    const kept = session('sales_skills');
    const [t] = await byName(page, kept);
    await rowOf(page, kept).getByRole('button', { name: T['action.delete'] }).click();
    const banner = page.locator('.banner-error[data-reason=in_use] .banner-text');
    await banner.waitFor();
    const msg = (await banner.textContent()).trim();
    assertLang(lang, msg, 'the in-use error');
    const want = T['reason.in_use'].replace('{key}', String(t.id));
    assert(msg === want, `deleting a session with attendance reads "${msg}", not "${want}"`);
    const [still] = await byName(page, kept);
    assert(still && still.version === t.version && still.listed === 3, `after a refused delete: ${JSON.stringify(still)}`);
    assert(await rowOf(page, kept).count() === 1, 'the session left the list');
    assert((await attendanceOf(page, t.id)).length === 3, 'its attendance went');
  });
  await test(`${lang}: ${user}'s pages had no script error`, [], async () => {
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  });
  await ctx.close();
  return t3;
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'forms-training' });
  const zhListed = await trainingAs(browser, server, 'admin', 'zh-CN');
  await trainingAs(browser, server, 'mgr', 'en');

  for (const [user, lang] of [['rep1', 'zh-CN'], ['vw', 'en']]) {
    await test(`${lang}: ${user} reads training and attendance but sees no write control`, [zhListed], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      const T = CATALOG[lang];
      for (const [route, title] of [['#/trainings', T['ent.training.plural']], ['#/attendances', T['ent.attendance.plural']]]) {
        await page.go(route);
        await page.locator('.page-head h1', { hasText: title }).waitFor();
        await rows(page).first().waitFor();
        assert(await rows(page).count() > 0, `${user} sees no row on ${route}`);
        assert(await page.locator('#crud-new').count() === 0, `${user} sees the new button on ${route}`);
        const buttons = await page.locator('.crud-table button').allTextContents();
        assert(!buttons.some((b) => b === T['action.edit'] || b === T['action.delete']), `${user} sees ${buttons} on ${route}`);
      }
      // and what they read is the sessions' figures
      await page.go('#/trainings');
      const row = rowOf(page, 'zh 培训 sales_skills');
      assert(await cellOf(page, row, T['ent.training.average_score']) === String(averageOf([88, 75])),
        `${user} reads another average`);
      await ctx.close();
    });
  }

  await test('a manager adds a session and an attendance record on a phone (390×844)', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = CATALOG['zh-CN'];
    const name = '电话销售技巧';
    await page.go('#/trainings');
    await page.locator('.page-head h1', { hasText: T['ent.training.plural'] }).waitFor();
    let f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the training form');
    await f.locator('input[name=name]').fill(name);
    await f.locator('select[name=category]').selectOption('sales_skills');
    await f.locator('input[name=date]').fill('2026-12-20');
    await f.locator('input[name=hours]').fill('2');
    await shot(page, 'training-zh-phone-form');
    await save(page);
    const [t] = await byName(page, name);
    assert(t && t.category === 'sales_skills' && t.date === '2026-12-20' && t.hours === 2 && t.trainer === null,
      `saved ${JSON.stringify(t)}`);

    await page.go('#/attendances');
    f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the attendance form');
    const label = await f.locator(`select[name=training] option[value="${t.id}"]`).textContent();
    assert(label.includes(name), `the session is offered as "${label}"`);
    await f.locator('select[name=training]').selectOption(String(t.id));
    await f.locator('select[name=attendee]').selectOption('rep1');
    await f.locator('input[name=score]').fill('93');
    await shot(page, 'training-zh-phone-attendance');
    const body = await postAttendance(page);
    assert(body.training === t.id, `sent ${JSON.stringify(body)}`);
    await page.locator('#crud-form').waitFor({ state: 'detached' });
    const [a] = await attendanceOf(page, t.id);
    assert(a && a.attendee === 'rep1' && a.attended === true && a.score === 93, `saved ${JSON.stringify(a)}`);
    const [t2] = await byName(page, name);
    assert(t2.listed === 1 && t2.attended === 1 && t2.average_score === 93, `the session reads ${JSON.stringify(t2)}`);
    await ctx.close();
  });
});
