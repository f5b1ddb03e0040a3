// test_forms_raci.mjs - a project's RACI chart (roles and responsibilities), a project noun
// whose screen the web UI builds from its description with a chart drawn above the list
// (screens/raci.js): an admin in zh-CN and the project's manager in en open it from the
// project's navigation, create lines of every role through the form (the roles and people
// offered: the project's members only; read back through the API), and see the chart give each area and person the
// letter of what they typed, a legend of the four roles and a "no ..." chip on an area that
// lacks an accountable or a responsible person; they edit a line (version 2, the chart
// follows), see a second accountable and a person twice in an area refused under the right
// field in their language with nothing changed (a person not on the project, not offered, is
// refused by the server when sent anyway), and delete a
// line. A project member and a project viewer read the chart and list without a write
// control; a manager adds a line on a phone, where the chart scrolls inside its card.
// Expected letters, chips and messages are computed here from what was typed and the
// catalogs, never read from the UI.
import { test, assert, run, startServer, shot, PASSWORD } from './lib.mjs';
import { signedIn, call, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS as CATALOG, openNew, saveForm as save, cancelForm as cancel } from './forms.mjs';

const ROLES = ['responsible', 'accountable', 'consulted', 'informed'];
const LETTER = { responsible: 'R', accountable: 'A', consulted: 'C', informed: 'I' };
const PROJECT = 'P1';
// login, name, workspace role, role on P1 (null: not on the project)
const USERS = [
  ['mgr', '李娜', 'manager', 'manager'], ['rep1', '王芳', 'rep', 'member'], ['zhou', '周伟', 'rep', 'member'],
  ['sun', '孙丽', 'rep', 'member'], ['vw', '高总', 'viewer', 'viewer'], ['out', '赵强', 'rep', null],
];
const NAME = Object.fromEntries([['admin', 'Administrator'], ...USERS.map(([l, n]) => [l, n])]);
const LOGINS = Object.keys(NAME).sort();
// the project's members: its creator (admin, its owner) and those given a role on it
const ON_PROJECT = LOGINS.filter((l) => l === 'admin' || USERS.some(([u, , , prole]) => u === l && prole));

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, name, role] of USERS)
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2026-12-31']);
  for (const [login, , , prole] of USERS)
    if (prole) cli(db, ['member', 'add', PROJECT, login, '--role', prole]);
}

const API = `/api/v1/projects/${PROJECT}/raci`;
const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);

const rows = (page) => page.locator('.crud-table tbody tr');
const rowOf = (page, ...texts) => texts.reduce((l, s) => l.filter({ hasText: s }), rows(page));
const allLines = async (page) => (await get(page, API + '?limit=200')).raci;
const lineOf = async (page, area, person) => (await allLines(page)).filter((r) => r.area === area && r.person === person);

// Retry check until it stops throwing (the list and chart reload after a save).
async function eventually(check, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// The chart as a reader sees it: the people heading the columns, each area's letters by
// person (in the column order) and its chips, and the legend.
const readChart = (page) => page.locator('#raci-chart').evaluate((el) => {
  const heads = [...el.querySelectorAll('thead th.raci-person')].map((th) => ({ login: th.title, name: th.textContent.trim() }));
  const areas = {};
  for (const tr of el.querySelectorAll('tbody tr[data-area]')) {
    const cells = [...tr.querySelectorAll('td.raci-cell')];
    areas[tr.dataset.area] = {
      order: cells.map((td) => td.dataset.person),
      letter: Object.fromEntries(cells.map((td) => [td.dataset.person, td.textContent.trim()])),
      title: Object.fromEntries(cells.map((td) => [td.dataset.person, td.title])),
      chips: [...tr.querySelectorAll('th .chip')].map((c) => c.textContent.trim()),
    };
  }
  const legend = [...el.querySelectorAll('.raci-legend span')].map((s) => s.textContent.replace(/\s+/g, ' ').trim());
  return { heads, areas, legend };
});

// The chart shows model ({area: {login: role}}) for its areas: each person's letter under
// their name (nothing for one without a role there), a "no ..." chip for each of accountable
// and responsible nobody holds, none otherwise; and the legend names the four roles.
async function assertChart(page, T, model) {
  const c = await readChart(page);
  const heads = c.heads.map((h) => h.login);
  for (const h of c.heads) assert(h.name === NAME[h.login], `the column of ${h.login} is headed "${h.name}"`);
  assert(c.legend.length === 4 && ROLES.every((r, i) => c.legend[i] === `${LETTER[r]} ${T['ent.raci.role.' + r]}`),
    `the legend reads ${JSON.stringify(c.legend)}`);
  for (const [area, people] of Object.entries(model)) {
    const row = c.areas[area];
    if (!Object.keys(people).length) { assert(!row, `the emptied area "${area}" is still charted`); continue; }
    assert(row, `no row for "${area}" among ${Object.keys(c.areas).join(' | ')}`);
    assert(row.order.join() === heads.join(), `the cells of "${area}" are not under their people: ${row.order}`);
    for (const login of Object.keys(people)) assert(heads.includes(login), `no column for ${login}`);
    for (const login of heads) {
      const role = people[login];
      const want = role ? LETTER[role] : '';
      assert(row.letter[login] === want, `"${area}" × ${login} shows "${row.letter[login]}", want "${want}"`);
      assert(row.title[login] === (role ? T['ent.raci.role.' + role] : ''), `"${area}" × ${login} is titled "${row.title[login]}"`);
    }
    const held = Object.values(people);
    const chips = ['accountable', 'responsible'].filter((r) => !held.includes(r))
      .map((r) => fill(T['raci.missing'], { role: T['ent.raci.role.' + r] }));
    assert(row.chips.join('|') === chips.join('|'), `"${area}" shows chips ${JSON.stringify(row.chips)}, want ${JSON.stringify(chips)}`);
  }
  return c;
}

// Every writer's and reader's view of the chart as the runs left it: {area: {login: role}}.
const MODEL = {};

async function openFromNav(page, T) {
  await page.go('#/p/' + PROJECT);
  await page.click('#nav-raci');
  await page.locator('.page-head h1', { hasText: T['ent.raci.plural'] }).waitFor();
  const hash = await page.evaluate(() => location.hash);
  assert(hash === `#/p/${PROJECT}/raci`, `the navigation opened ${hash}`);
}

async function raciAs(browser, server, user, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const T = CATALOG[lang];
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
  const [A1, A2, A3] = L === 'zh' ? ['zh 大客户报价审批', 'zh 渠道培训', 'zh 合同归档']
    : ['en Key account quotes', 'en Channel training', 'en Contract filing'];
  // what is typed: every role in A1; A2 has no one accountable; A3 no one responsible
  const LINES = [
    [A1, 'mgr', 'accountable', L === 'zh' ? '签批 15% 以上的折扣' : 'Signs off discounts over 15%'],
    [A1, 'rep1', 'responsible', L === 'zh' ? '起草报价' : 'Drafts the quote'],
    [A1, 'zhou', 'consulted', L === 'zh' ? '核对交付成本' : 'Checks delivery cost'],
    [A1, 'vw', 'informed', ''],
    [A2, 'rep1', 'responsible', L === 'zh' ? '每月一次' : 'Monthly'],
    [A2, 'zhou', 'informed', ''],
    [A3, 'sun', 'accountable', L === 'zh' ? '季度末检查' : 'Checks at quarter end'],
  ];
  for (const a of [A1, A2, A3]) MODEL[a] = {};
  const t1 = `${lang}: ${user} opens the RACI chart from the project's navigation and creates a line of every role`;

  await test(t1, [], async () => {
    await openFromNav(page, T);
    const f0 = await openNew(page);
    const offered = await optionValues(f0.locator('select[name=role]'));
    assert(offered.join() === ROLES.join(), `roles offered: ${offered}`);
    const labels = (await f0.locator('select[name=role] option').allTextContents()).map((s) => s.trim());
    const want = ROLES.map((r) => T['ent.raci.role.' + r]);
    assert(labels.join('|') === want.join('|'), `role labels: ${labels}, want ${want}`);
    for (const l of labels) assertLang(lang, l, 'a role label');
    // the people offered are the project's members (out, a user off the project, is not)
    const people = await optionValues(f0.locator('select[name=person]'));
    assert(people.slice().sort().join() === ON_PROJECT.join(), `people offered: ${people}`);
    const mgrLabel = await f0.locator('select[name=person] option[value=mgr]').textContent();
    assert(mgrLabel.includes('李娜'), `mgr is offered as "${mgrLabel}"`);
    await cancel(page);
    for (const [area, login, role, note] of LINES) {
      const f = await openNew(page);
      await f.locator('input[name=area]').fill(area);
      await f.locator('select[name=person]').selectOption(login);
      await f.locator('select[name=role]').selectOption(role);
      if (note) await f.locator('textarea[name=note]').fill(note);
      await save(page);
      MODEL[area][login] = role;
      const saved = await lineOf(page, area, login);
      assert(saved.length === 1, `${saved.length} lines for ${login} in "${area}"`);
      const [r] = saved;
      assert(r.area === area && r.person === login && r.person_name === NAME[login] && r.role === role
        && (r.note || '') === note && r.version === 1, `saved ${JSON.stringify(r)}`);
      // the list's row names the person and says the role in the reader's language
      await eventually(async () => {
        const text = await rowOf(page, area, NAME[login]).textContent({ timeout: 1000 });
        assert(text.includes(T['ent.raci.role.' + role]), `the row of ${login} in "${area}" reads "${text}"`);
      });
    }
    assert(ROLES.every((r) => LINES.some((l) => l[2] === r)), 'not every role was typed');
  });

  await test(`${lang}: ${user} reads each area's letters, the legend and the missing roles on the chart`, [t1], async () => {
    await page.locator('#raci-chart').waitFor();
    await assertChart(page, T, MODEL);
    // said plainly: A1 has everyone (no chip), A2 lacks an accountable, A3 a responsible
    const c = await readChart(page);
    assert(c.areas[A1].chips.length === 0, `"${A1}" shows ${c.areas[A1].chips}`);
    assert(c.areas[A2].chips.join() === fill(T['raci.missing'], { role: T['ent.raci.role.accountable'] }), `"${A2}" shows ${c.areas[A2].chips}`);
    assert(c.areas[A3].chips.join() === fill(T['raci.missing'], { role: T['ent.raci.role.responsible'] }), `"${A3}" shows ${c.areas[A3].chips}`);
    await shot(page, `raci-${L}-chart`);
  });

  await test(`${lang}: ${user} edits a line's role and note; version 2 and the chart follows`, [t1], async () => {
    const [before] = await lineOf(page, A2, 'zhou');
    await rowOf(page, A2, NAME.zhou).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    assert(await f.locator('select[name=role]').inputValue() === 'informed', 'the edit form does not show the role');
    await f.locator('select[name=role]').selectOption('accountable');
    const note = L === 'zh' ? '批准培训计划' : 'Approves the training plan';
    await f.locator('textarea[name=note]').fill(note);
    await save(page);
    MODEL[A2].zhou = 'accountable';
    const [r] = await lineOf(page, A2, 'zhou');
    assert(r.id === before.id && r.role === 'accountable' && r.note === note && r.version === 2 && r.area === A2
      && r.person === 'zhou', `edited ${JSON.stringify(r)}`);
    // A2 now has an accountable and a responsible: its chip goes, zhou's letter is A
    await eventually(() => assertChart(page, T, MODEL));
    const c = await readChart(page);
    assert(c.areas[A2].letter.zhou === 'A' && c.areas[A2].chips.length === 0, `"${A2}" reads ${JSON.stringify(c.areas[A2])}`);
  });

  await test(`${lang}: ${user} sees a second accountable and a person twice refused under their field, and no outsider offered`, [t1], async () => {
    const before = JSON.stringify(await allLines(page));
    const tries = [
      // sun accountable in A1, where mgr already is
      { person: 'sun', role: 'accountable', field: 'role', text: fill(T['reason.one_accountable'], { area: A1, person: 'mgr' }) },
      // rep1 again in A1, with another role
      { person: 'rep1', role: 'consulted', field: 'person', text: fill(T['reason.raci_taken'], { person: 'rep1', area: A1 }) },
    ];
    for (const { person, role, field, text } of tries) {
      const f = await openNew(page);
      await f.locator('input[name=area]').fill(A1);
      await f.locator('select[name=person]').selectOption(person);
      await f.locator('select[name=role]').selectOption(role);
      await f.locator('button[type=submit]').click();
      const msg = await fieldError(f, field);
      assertLang(lang, msg, `the ${person} ${role} error`);
      assert(msg === text, `${person} as ${role} reads "${msg}", not "${text}"`);
      // the form stays open with what was typed
      assert(await f.locator('input[name=area]').inputValue() === A1, 'the form lost the area');
      await shot(page, `raci-${L}-refused-${person}`);
      await cancel(page);
      const after = JSON.stringify(await allLines(page));
      assert(after === before, `refusing ${person} as ${role} changed the chart`);
    }
    // out, a user off the project, is not offered; sent anyway, the server refuses them
    const r = await call(page, 'POST', API, { area: A1, person: 'out', role: 'informed' });
    assert(r.status === 422 && r.json.error.reason === 'not_member' && r.json.error.field === 'person',
      `an outsider sent anyway: ${r.status} ${r.text}`);
    assert(JSON.stringify(await allLines(page)) === before, 'the outsider changed the chart');
    await assertChart(page, T, MODEL);
  });

  await test(`${lang}: ${user} deletes a line and the chart no longer shows it`, [t1], async () => {
    const [r] = await lineOf(page, A1, 'vw');
    await rowOf(page, A1, NAME.vw).getByRole('button', { name: T['action.delete'] }).click();
    await rowOf(page, A1, NAME.vw).waitFor({ state: 'detached' });
    delete MODEL[A1].vw;
    assert((await lineOf(page, A1, 'vw')).length === 0, 'still there after delete');
    assert(page.dialogs.length === 1, `asked ${JSON.stringify(page.dialogs)}`);
    assert(await get(page, `${API}/${r.id}`).then(() => false, () => true), 'the line still reads');
    await eventually(() => assertChart(page, T, MODEL));
    const c = await readChart(page);
    assert(!c.areas[A1].letter.vw, `"${A1}" × vw still shows "${c.areas[A1].letter.vw}"`);
  });

  await test(`${lang}: ${user}'s pages had no script error`, [], async () => {
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  });
  await ctx.close();
  return t1;
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'forms-raci' });
  const zhMade = await raciAs(browser, server, 'admin', 'zh-CN');
  const enMade = await raciAs(browser, server, 'mgr', 'en');

  for (const [user, lang] of [['rep1', 'zh-CN'], ['vw', 'en']]) {
    await test(`${lang}: ${user} (project ${user === 'vw' ? 'viewer' : 'member'}) reads the chart and list but sees no write control`, [zhMade, enMade], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      const T = CATALOG[lang];
      await openFromNav(page, T);
      await page.locator('#raci-chart').waitFor();
      await assertChart(page, T, MODEL);
      await rows(page).first().waitFor();
      const total = Object.values(MODEL).reduce((n, p) => n + Object.keys(p).length, 0);
      assert(await rows(page).count() === total, `${user} sees ${await rows(page).count()} rows, want ${total}`);
      assert(await page.locator('#crud-new').count() === 0, `${user} sees the new button`);
      const buttons = await page.locator('.crud-table button, #raci-chart button').allTextContents();
      assert(!buttons.some((b) => b === T['action.edit'] || b === T['action.delete']), `${user} sees ${buttons}`);
      await shot(page, `raci-${lang === 'zh-CN' ? 'zh' : 'en'}-${user}-reads`);
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
  }

  await test('a manager adds a line on a phone (390×844); the chart scrolls inside its card', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = CATALOG['zh-CN'];
    const area = '电话回访';
    await page.go(`#/p/${PROJECT}/raci`);
    await page.locator('.page-head h1', { hasText: T['ent.raci.plural'] }).waitFor();
    const f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the RACI form');
    await f.locator('input[name=area]').fill(area);
    await f.locator('select[name=person]').selectOption('rep1');
    await f.locator('select[name=role]').selectOption('responsible');
    await f.locator('textarea[name=note]').fill('每周五下午');
    await shot(page, 'raci-zh-phone-form');
    await save(page);
    MODEL[area] = { rep1: 'responsible' };
    const [r] = await lineOf(page, area, 'rep1');
    assert(r && r.role === 'responsible' && r.note === '每周五下午' && r.version === 1, `saved ${JSON.stringify(r)}`);
    await eventually(() => assertChart(page, T, MODEL));
    await shot(page, 'raci-zh-phone-chart');
    // the page itself does not scroll sideways; the chart, wider than the phone, scrolls in its card
    const m = await page.evaluate(() => {
      const el = document.getElementById('raci-chart');
      const box = el.getBoundingClientRect();
      el.scrollLeft = 40;
      return {
        page: document.documentElement.scrollWidth, vw: window.innerWidth, left: box.left, right: box.right,
        inner: el.scrollWidth, outer: el.clientWidth, overflow: getComputedStyle(el).overflowX, scrolled: el.scrollLeft,
      };
    });
    assert(m.page <= m.vw, `the page is ${m.page}px wide on a ${m.vw}px phone`);
    assert(m.left >= 0 && m.right <= m.vw + 0.5, `the chart's card spans ${m.left}..${m.right} on a ${m.vw}px phone`);
    assert(m.inner > m.outer, `the chart (${m.inner}px) fits its card (${m.outer}px): nothing to scroll, check the test's people`);
    assert((m.overflow === 'auto' || m.overflow === 'scroll') && m.scrolled > 0, `the chart does not scroll inside its card: ${JSON.stringify(m)}`);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
