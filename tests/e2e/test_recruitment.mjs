// test_recruitment.mjs - recruitment in Chromium: an admin in zh-CN and a workspace manager in
// en give a position its project through the position form, add a candidate of every source
// through the candidate form (every position offered, by title), record interviews through
// the interview form (every candidate and interviewer offered) and read the candidate's
// rating as the average of the ratings typed, rounded half up; on the recruitment board (under
// Team, beside the positions) they see one column per stage in their language, filter by
// position, move a candidate through every stage with the card buttons, reject one and reopen
// it, and hire through the dialog - a taken login is refused under the login field in their
// language and changes nothing; the hire's user and membership of the position's project are
// then read back through the API, and the second hire fills the two-opening position. Reps and
// viewers see neither the board nor the candidate screens. A manager works the board and its
// dialog on a phone (390x844): the columns stack, nothing scrolls sideways.
import { test, assert, run, startServer, shot, assertNoSidewaysScroll, isoDay, PASSWORD } from './lib.mjs';
import { signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS as CATALOG, openNew, saveForm as save } from './forms.mjs';

const STAGES = ['applied', 'screening', 'interview', 'offer', 'hired', 'rejected'];
const SOURCES = ['referral', 'job_board', 'campus', 'agency', 'other'];
const USERS = [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['vw', '高总', 'viewer']];

let positions = {}; // title -> id

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, name, role] of USERS)
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  // FY is mgr's (its owner): a hire into it is theirs to make
  cli(db, ['project', 'create', 'FY', '--name', '2027 财年', '--start', '2027-01-01', '--end', '2027-12-31'], { as: 'mgr' });
  for (const [title, openings] of [['大客户经理', '2'], ['电话销售', '5']]) {
    const p = JSON.parse(cli(db, ['--json', 'position', 'add', '--title', title, '--openings', openings, '--status', 'open']));
    positions[title] = p.id;
  }
}

const rows = (page) => page.locator('.crud-table tbody tr');
const rowOf = (page, ...texts) => texts.reduce((l, s) => l.filter({ hasText: s }), rows(page));
const candidatesNamed = async (page, name) => (await get(page, '/api/v1/candidates?name=' + encodeURIComponent(name))).candidates
  .filter((c) => c.name === name);
const column = (page, stage) => page.locator(`.recruit-column[data-stage=${stage}]`);
const card = (page, name) => page.locator('.recruit-card', { hasText: name });
// half up, as a recruiter rounds a panel's 4.5 to 5
const averageOf = (rs) => (rs.length ? Math.floor(rs.reduce((a, b) => a + b, 0) / rs.length + 0.5) : null);

// Click a card's move button (by the stage it goes to) and wait for the card to land there.
async function moveCard(page, name, to, T) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/candidates\/\d+\/stage$/.test(new URL(r.url()).pathname)),
    card(page, name).locator(`button[name=move][data-to=${to}]`).click(),
  ]);
  assert(res.status() === 200, `moving ${name} to ${to}: ${res.status()}`);
  await column(page, to).locator('.recruit-card', { hasText: name }).waitFor();
  const notice = (await page.locator('#recruit-notice').textContent()).trim();
  const want = T['recruit.moved'].replace('{name}', name).replace('{stage}', T['ent.candidate.stage.' + to]);
  assert(notice === want, `the notice reads "${notice}", not "${want}"`);
}

async function recruitAs(browser, server, user, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const T = CATALOG[lang];
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
  const nameOf = (s) => `${L} 候选人 ${s}`;
  const t1 = `${lang}: ${user} gives a position its project and adds a candidate of every source`;

  await test(t1, [], async () => {
    await page.go('#/positions');
    await page.locator('.page-head h1', { hasText: T['ent.position.plural'] }).waitFor();
    // the position form offers the projects (none first)
    const f0 = await openNew(page);
    const projects = await optionValues(f0.locator('select[name=project]'));
    assert(projects.join() === 'FY', `projects offered: ${projects}`);
    assert(await f0.locator('select[name=project] option').first().getAttribute('value') === '', 'no "none" project');
    const title = `${L} 新职位`;
    await f0.locator('input[name=title]').fill(title);
    await f0.locator('input[name=openings]').fill('1');
    await f0.locator('select[name=project]').selectOption('FY');
    await save(page);
    const made = (await get(page, '/api/v1/positions?title=' + encodeURIComponent(title))).positions;
    assert(made.length === 1 && made[0].project === 'FY' && made[0].project_name === '2027 财年', `position ${JSON.stringify(made)}`);
    // the other choice, none: the team at large
    await rowOf(page, title).getByRole('button', { name: T['action.edit'] }).click();
    await page.locator('#crud-form select[name=project]').selectOption('');
    await save(page);
    const [none] = (await get(page, '/api/v1/positions?title=' + encodeURIComponent(title))).positions;
    assert(none.project === null && none.version === 2, `after none: ${JSON.stringify(none)}`);
    // 大客户经理 hires for FY: set through its edit form (the zh run; the en run finds it set)
    if (L === 'zh') {
      await rowOf(page, '大客户经理').getByRole('button', { name: T['action.edit'] }).click();
      await page.locator('#crud-form select[name=project]').selectOption('FY');
      await save(page);
    }
    const p = await get(page, `/api/v1/positions/${positions['大客户经理']}`);
    assert(p.project === 'FY', `大客户经理 hires for ${p.project}`);

    await page.click('#nav-candidates');
    await page.locator('.page-head h1', { hasText: T['ent.candidate.plural'] }).waitFor();
    const f = await openNew(page);
    const offered = await optionValues(f.locator('select[name=position]'));
    const want = (await get(page, '/api/v1/positions')).positions.map((x) => String(x.id));
    assert(offered.join() === want.join(), `positions offered: ${offered}, not ${want}`);
    const label = await f.locator(`select[name=position] option[value="${positions['电话销售']}"]`).textContent();
    assert(label.includes('电话销售'), `a position is offered as "${label}"`);
    const sources = await optionValues(f.locator('select[name=source]'));
    assert(sources.join() === SOURCES.join(), `sources offered: ${sources}`);
    const labels = await f.locator('select[name=source] option').allTextContents();
    assert(labels.join() === SOURCES.map((s) => T['ent.candidate.source.' + s]).join(), `source labels: ${labels}`);
    assert(await f.locator('[name=stage]').count() === 0 && await f.locator('[name=login]').count() === 0,
      'the form asks the stage or the login');
    await page.click('#crud-form button[type=button]');
    for (const [i, s] of SOURCES.entries()) {
      const g = await openNew(page);
      // the first three apply for 大客户经理 (FY), the others for 电话销售
      const pos = i < 3 ? positions['大客户经理'] : positions['电话销售'];
      await g.locator('select[name=position]').selectOption(String(pos));
      await g.locator('input[name=name]').fill(nameOf(s));
      await g.locator('select[name=source]').selectOption(s);
      await g.locator('input[name=email]').fill(`${L}.${s}@example.com`);
      await g.locator('input[name=phone]').fill('138 0013 8000');
      await g.locator('input[name=applied]').fill('2026-12-01');
      await g.locator('textarea[name=notes]').fill('五年医院渠道经验');
      await save(page);
      const [c] = await candidatesNamed(page, nameOf(s));
      assert(c && c.position === pos && c.source === s && c.stage === 'applied' && c.email === `${L}.${s}@example.com`
        && c.phone === '138 0013 8000' && c.applied === '2026-12-01' && c.notes === '五年医院渠道经验' && c.version === 1
        && c.login === null && c.interviews === 0 && c.rating === null, `saved ${JSON.stringify(c)}`);
      const text = await rowOf(page, nameOf(s)).textContent();
      assert(text.includes(T['ent.candidate.source.' + s]) && text.includes(T['ent.candidate.stage.applied']),
        `the row reads "${text}"`);
    }
    await shot(page, `recruit-${L}-candidates`);
  });

  const t2 = `${lang}: ${user} records interviews and reads the candidate's average rating`;
  await test(t2, [t1], async () => {
    await page.click('#nav-interviews');
    await page.locator('.page-head h1', { hasText: T['ent.interview.plural'] }).waitFor();
    const f = await openNew(page);
    const cands = await optionValues(f.locator('select[name=candidate]'));
    const all = (await get(page, '/api/v1/candidates')).candidates;
    assert(cands.join() === all.map((c) => String(c.id)).join(), `candidates offered: ${cands}`);
    const interviewers = await optionValues(f.locator('select[name=interviewer]'));
    const users = (await get(page, '/api/v1/users')).users.map((u) => u.login);
    assert(interviewers.join() === users.join() && users.includes('mgr'), `interviewers offered: ${interviewers}`);
    await page.click('#crud-form button[type=button]');
    const [c] = await candidatesNamed(page, nameOf('referral'));
    const ratings = L === 'zh' ? [['mgr', 5], ['admin', 4]] : [['mgr', 3], ['rep1', 4], ['vw', 4]];
    for (const [who, r] of ratings) {
      const g = await openNew(page);
      await g.locator('select[name=candidate]').selectOption(String(c.id));
      await g.locator('select[name=interviewer]').selectOption(who);
      await g.locator('input[name=date]').fill('2026-12-08');
      await g.locator('input[name=rating]').fill(String(r));
      await g.locator('textarea[name=notes]').fill('价格谈判清楚');
      await save(page);
    }
    // 6 is past the description's 1..5: said under the field, in the reader's language
    const g = await openNew(page);
    await g.locator('select[name=candidate]').selectOption(String(c.id));
    await g.locator('input[name=date]').fill('2026-12-09');
    await g.locator('input[name=rating]').fill('6');
    await page.click('#crud-form button[type=submit]');
    const msg = await fieldError(g, 'rating');
    assertLang(lang, msg, 'the rating error');
    const want = T['form.bad_count_range'].replace('{min}', '1').replace('{max}', '5');
    assert(msg === want, `6 reads "${msg}", not "${want}"`);
    await page.click('#crud-form button[type=button]');
    const [after] = await candidatesNamed(page, nameOf('referral'));
    const avg = averageOf(ratings.map(([, r]) => r));
    assert(after.interviews === ratings.length && after.rating === avg, `the candidate reads ${JSON.stringify(after)}, not ${avg}`);
  });

  const t3 = `${lang}: ${user} opens the board under Team and filters it by position`;
  await test(t3, [t2], async () => {
    await page.click('#nav-recruitment');
    await page.locator('.page-head h1', { hasText: T['recruit.title'] }).waitFor();
    await page.locator('#recruit-board').waitFor();
    const heads = (await page.locator('.recruit-column-head').allTextContents()).map((s) => s.replace(/\s*\d+$/, '').trim());
    assert(heads.join() === STAGES.map((s) => T['ent.candidate.stage.' + s]).join(), `columns: ${heads}`);
    for (const s of SOURCES) await column(page, 'applied').locator('.recruit-card', { hasText: nameOf(s) }).waitFor();
    // the rated candidate's card shows the rating and the interviews
    const rated = card(page, nameOf('referral'));
    const [c] = await candidatesNamed(page, nameOf('referral'));
    assert(await rated.locator('.recruit-rating').getAttribute('data-rating') === String(c.rating), 'the card\'s rating');
    assert((await rated.textContent()).includes(T['recruit.interviews'].replace('{n}', String(c.interviews))), 'the card\'s interviews');
    const options = await optionValues(page.locator('#recruit-position'));
    assert(options.join() === (await get(page, '/api/v1/positions')).positions.map((p) => String(p.id)).join(), `filter offers ${options}`);
    await page.locator('#recruit-position').selectOption(String(positions['电话销售']));
    await card(page, nameOf('referral')).waitFor({ state: 'detached' });
    const shown = await page.locator('.recruit-card-name').allTextContents();
    const want = (await get(page, `/api/v1/candidates?position=${positions['电话销售']}`)).candidates.map((x) => x.name);
    assert(shown.sort().join() === want.sort().join() && shown.includes(nameOf('agency')), `filtered: ${shown}`);
    await page.locator('#recruit-position').selectOption('');
    await card(page, nameOf('referral')).waitFor();
    await shot(page, `recruit-${L}-board`);
  });

  const t4 = `${lang}: ${user} moves a candidate through every stage and hires them through the dialog`;
  await test(t4, [t3], async () => {
    const name = nameOf('referral');
    for (const to of ['screening', 'interview', 'offer']) await moveCard(page, name, to, T);
    const [before] = await candidatesNamed(page, name);
    const users0 = (await get(page, '/api/v1/users')).users.length;
    await card(page, name).locator('button[name=move][data-to=hired]').click();
    const dlg = page.locator('#hire-form');
    await dlg.waitFor();
    await assertFitsPhone(page, page.locator('.modal'), 'the hire dialog');
    assert(await dlg.locator('input[name=name]').inputValue() === name, 'the name defaults to the candidate\'s');
    assert(await dlg.locator('input[name=email]').inputValue() === `${L}.referral@example.com`, 'the email defaults');
    const roles = await optionValues(dlg.locator('select[name=role]'));
    const want = user === 'admin' ? 'rep,viewer,manager,admin' : 'rep,viewer';
    assert(roles.join() === want, `roles offered to ${user}: ${roles}`);
    // a login taken: under the login field, in the reader's language; nothing changes
    await dlg.locator('input[name=login]').fill('rep1');
    await dlg.locator('button[type=submit]').click();
    const msg = await fieldError(dlg, 'login');
    assertLang(lang, msg, 'the taken-login error');
    const wantMsg = T['reason.duplicate_key'].replace('{field}', T['recruit.login']).replace('{key}', 'rep1');
    assert(msg === wantMsg, `a taken login reads "${msg}", not "${wantMsg}"`);
    await shot(page, `recruit-${L}-login-taken`);
    const [still] = await candidatesNamed(page, name);
    assert(still.stage === 'offer' && still.version === before.version && still.login === null, `after the refusal ${JSON.stringify(still)}`);
    assert((await get(page, '/api/v1/users')).users.length === users0, 'a user was made');
    // every role the hirer may give: the zh admin hires a viewer, the en manager a rep
    const login = `${L}.hire`;
    const role = L === 'zh' ? 'viewer' : 'rep';
    await dlg.locator('input[name=login]').fill(login);
    await dlg.locator('select[name=role]').selectOption(role);
    await dlg.locator('button[type=submit]').click();
    await dlg.waitFor({ state: 'detached' });
    await column(page, 'hired').locator('.recruit-card', { hasText: name }).waitFor();
    const notice = (await page.locator('#recruit-notice').textContent()).trim();
    const hired = T['recruit.hired'].replace('{name}', name).replace('{login}', login).replace('{role}', T['role.' + role]);
    assert(notice.startsWith(hired) && notice.includes(T['recruit.joined'].replace('{project}', 'FY')), `the notice reads "${notice}"`);
    assert(await card(page, name).locator('button[name=move]').count() === 0, 'a hire\'s card offers moves');
    // read back: the user, the membership of FY, the candidate
    const u = await get(page, '/api/v1/users/' + login);
    assert(u.login === login && u.name === name && u.email === `${L}.referral@example.com` && u.role === role && u.active,
      `the user ${JSON.stringify(u)}`);
    const m = (await get(page, '/api/v1/projects/FY/members')).members.filter((x) => x.login === login);
    assert(m.length === 1 && m[0].role === 'member', `the membership ${JSON.stringify(m)}`);
    const [c] = await candidatesNamed(page, name);
    assert(c.stage === 'hired' && c.login === login, `the candidate ${JSON.stringify(c)}`);
    // the second hire (the en run) fills the two openings
    const p = await get(page, `/api/v1/positions/${positions['大客户经理']}`);
    assert(p.status === (L === 'zh' ? 'open' : 'filled'), `the position is ${p.status}`);
    if (L === 'en') assert(notice.includes(T['recruit.filled']), `the notice does not say filled: "${notice}"`);
  });

  await test(`${lang}: ${user} rejects a candidate and reopens them`, [t3], async () => {
    const name = nameOf('agency');
    await moveCard(page, name, 'screening', T);
    await moveCard(page, name, 'rejected', T);
    const moves = await card(page, name).locator('button[name=move]').evaluateAll((bs) => bs.map((b) => b.dataset.to));
    assert(moves.join() === 'applied', `a rejected card offers ${moves}`);
    assert((await card(page, name).locator('button[name=move]').textContent()).trim() === T['recruit.reopen'], 'the reopen label');
    await moveCard(page, name, 'applied', T);
    const [c] = await candidatesNamed(page, name);
    assert(c.stage === 'applied' && c.version === 4, `reopened ${JSON.stringify(c)}`);
  });

  await test(`${lang}: ${user} sees a move someone else made first refused in their language`, [t3], async () => {
    const name = nameOf('campus');
    const [c] = await candidatesNamed(page, name);
    // the card still shows version 1; the API moves it on
    const r = await page.evaluate(async ({ id }) => {
      const me = await (await fetch('/api/v1/me')).json();
      return (await fetch(`/api/v1/candidates/${id}/stage`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ stage: 'screening', version: 1 }) })).status;
    }, { id: c.id });
    assert(r === 200, `the API move: ${r}`);
    await card(page, name).locator('button[name=move][data-to=screening]').click();
    const banner = page.locator('.banner-error .banner-text').first();
    await banner.waitFor();
    const msg = (await banner.textContent()).trim();
    assertLang(lang, msg, 'the conflict');
    assert(msg === T['err.conflict'], `a stale move reads "${msg}"`);
    await column(page, 'screening').locator('.recruit-card', { hasText: name }).waitFor();
    const [after] = await candidatesNamed(page, name);
    assert(after.stage === 'screening' && after.version === 2, `after the refused move ${JSON.stringify(after)}`);
  });

  await test(`${lang}: ${user}'s pages had no script error`, [], async () => {
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  });
  await ctx.close();
  return t4;
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'recruitment' });
  const zh = await recruitAs(browser, server, 'admin', 'zh-CN');
  await recruitAs(browser, server, 'mgr', 'en');

  for (const [user, lang] of [['rep1', 'zh-CN'], ['vw', 'en']]) {
    await test(`${lang}: ${user} sees neither the board nor the candidates`, [zh], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      const T = CATALOG[lang];
      await page.go('#/positions');
      await page.locator('.page-head h1', { hasText: T['ent.position.plural'] }).waitFor();
      for (const id of ['#nav-recruitment', '#nav-candidates', '#nav-interviews'])
        assert(await page.locator(id).count() === 0, `${user} sees ${id}`);
      await page.goto(server.base + '/#/recruitment');
      const empty = page.locator('.empty h3', { hasText: T['err.forbidden'] });
      await empty.waitFor();
      assert(await page.locator('.recruit-card').count() === 0, `${user} sees cards`);
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
  }

  await test('a manager works the board on a phone (390×844): the columns stack, the dialog fits', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = CATALOG['zh-CN'];
    const { cli } = server;
    const name = '手机 候选人';
    const c = JSON.parse(cli(['--json', 'candidate', 'add', '--position', String(positions['电话销售']), '--name', name,
      '--source', 'other', '--email', 'phone.hire@example.com']));
    for (const to of ['screening', 'interview', 'offer']) cli(['candidate', 'stage', String(c.id), '--to', to]);
    await page.go('#/recruitment');
    await page.locator('#recruit-board').waitFor();
    await assertNoSidewaysScroll(page, 'the board');
    const vw = page.viewportSize().width;
    const boxes = await page.locator('.recruit-column').evaluateAll((cs) => cs.map((x) => { const b = x.getBoundingClientRect(); return [b.left, b.top, b.width]; }));
    assert(boxes.length === 6 && boxes.every(([l, , w]) => l >= 0 && l + w <= vw + 0.5), `columns ${JSON.stringify(boxes)} beyond ${vw}px`);
    assert(boxes.every(([, top], i) => i === 0 || top > boxes[i - 1][1]), 'the columns do not stack');
    await card(page, name).locator('button[name=move][data-to=hired]').click();
    await page.locator('#hire-form').waitFor();
    await assertFitsPhone(page, page.locator('.modal'), 'the hire dialog');
    await page.locator('#hire-form input[name=login]').fill('phone.hire');
    await shot(page, 'recruit-zh-phone-hire');
    await page.locator('#hire-form button[type=submit]').click();
    await page.locator('#hire-form').waitFor({ state: 'detached' });
    await column(page, 'hired').locator('.recruit-card', { hasText: name }).waitFor();
    const u = await get(page, '/api/v1/users/phone.hire');
    assert(u.role === 'rep' && u.name === name, `the user ${JSON.stringify(u)}`);
    // 电话销售 hires for no project: nobody joined FY
    const m = (await get(page, '/api/v1/projects/FY/members')).members.filter((x) => x.login === 'phone.hire');
    assert(m.length === 0, 'joined a project');
    await assertNoSidewaysScroll(page, 'the board after the hire');
    await shot(page, 'recruit-zh-phone-board');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
