// test_forms_skills.mjs - the Skills screen (a person's rating 1-5 in a skill), which the web UI
// builds from the noun's description alone, and a project's Skills matrix (screens/skills.js):
// an admin in zh-CN and a workspace manager in en rate people in every skill (the six skills
// offered with their labels in the reader's language, the people offered from the users, an
// "other" skill with its own name), edit a rating and see a rating of 6 refused in its field;
// rating someone twice in a skill and an other skill without a name are refused in their
// language and change nothing, and only an other skill is asked its own name. The project's matrix (reached from the
// project's navigation) shows each seller's ratings (a dash where not rated), not the project's
// viewer nor someone off the project, the skills' labels as column heads, and each skill's
// average (to one decimal, rounded half up) and count of people rated, as computed here from
// what was typed. Reps and viewers read both without a write control; a manager adds a rating
// on a phone, where the matrix scrolls inside its card.
import { test, assert, run, startServer, shot, PASSWORD } from './lib.mjs';
import { signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS as CATALOG, openNew, saveForm as save, cancelForm as cancel } from './forms.mjs';

const P = 'P1';
const SKILLS = ['product_knowledge', 'sales_skills', 'customer_service', 'negotiation', 'industry_knowledge', 'other'];
// out: a user who is not on the project; vw: the project's viewer
const USERS = [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['rep2', '刘洋', 'rep'], ['vw', '高总', 'viewer'],
  ['out', '赵敏', 'rep']];
const NAME = Object.fromEntries([['admin', 'Administrator'], ...USERS.map(([l, n]) => [l, n])]);
const LOGINS = Object.keys(NAME);
// who sells on P1 (the matrix's rows): admin made it (owner), mgr manages it, rep1 and rep2 are members
const SELLERS = ['admin', 'mgr', 'rep1', 'rep2'];

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, name, role] of USERS)
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', P, '--name', '技能矩阵测试', '--start', '2026-01-01', '--end', '2026-12-31']);
  for (const [login, role] of [['mgr', 'manager'], ['rep1', 'member'], ['rep2', 'member'], ['vw', 'viewer']])
    cli(db, ['member', 'add', P, login, '--role', role]);
}

// What each reader types: every skill at least once, an other skill with its own name, and
// ratings of the project's viewer and of someone off the project (who are no row of the matrix).
const PLAN = {
  'zh-CN': [
    { person: 'rep1', skill: 'product_knowledge', rating: 4, note: '通过 X3 产品认证' },
    { person: 'rep1', skill: 'sales_skills', rating: 5, note: '季度签单第一' },
    { person: 'rep1', skill: 'customer_service', rating: 3, note: '' },
    { person: 'rep1', skill: 'negotiation', rating: 2, note: '价格谈判需要带教' },
    { person: 'rep1', skill: 'industry_knowledge', rating: 4, note: '' },
    { person: 'rep1', skill: 'other', name: '工业网关方案设计', rating: 5, note: '独立完成三个方案' },
    { person: 'vw', skill: 'product_knowledge', rating: 1, note: '' },
  ],
  en: [
    { person: 'rep2', skill: 'product_knowledge', rating: 3, note: 'Knows the X3 line' },
    { person: 'rep2', skill: 'sales_skills', rating: 4, note: '' },
    { person: 'mgr', skill: 'sales_skills', rating: 4, note: 'Closes the big accounts' },
    { person: 'rep2', skill: 'customer_service', rating: 5, note: '' },
    { person: 'rep2', skill: 'negotiation', rating: 4, note: 'Holds the price' },
    { person: 'mgr', skill: 'industry_knowledge', rating: 3, note: '' },
    { person: 'rep2', skill: 'other', name: 'Channel partner coaching', rating: 4, note: '' },
    { person: 'out', skill: 'sales_skills', rating: 1, note: 'Not on the project' },
    { person: 'vw', skill: 'other', name: 'Board presentations', rating: 2, note: '' },
  ],
};
// Which of them each reader then edits, and to what.
const EDIT = { 'zh-CN': { person: 'rep1', skill: 'customer_service', rating: 2, note: '投诉处理偏慢' },
  en: { person: 'rep2', skill: 'negotiation', rating: 5, note: 'Won the distributor deal' } };
// What the manager adds on a phone.
const PHONE_RATING = { person: 'admin', skill: 'negotiation', rating: 3, note: '手机上评分' };

// Every rating the test has made, as it typed them: "person|skill|name" -> rating.
const typed = new Map();
const keyOf = (r) => `${r.person}|${r.skill}|${r.name || ''}`;

// The mean of ratings to one decimal rounded half up, as text: 4 and 3 -> "3.5"; 5, 4, 4 -> "4.3".
function averageText(ratings) {
  const n = ratings.length, tenSum = 10 * ratings.reduce((a, b) => a + b, 0);
  let tenths = Math.floor(tenSum / n);
  if (2 * (tenSum % n) >= n) tenths++;
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}
assert(averageText([4, 3]) === '3.5' && averageText([5, 4, 4]) === '4.3' && averageText([4]) === '4.0'
  && averageText([3, 3, 4, 4]) === '3.5' && averageText([1, 2, 2, 2, 2, 2, 2, 2]) === '1.9', 'averageText');

// The matrix the test expects from what it typed: its columns (standard skills in their order,
// then other skills by name as the database orders text, by its bytes) with each one's ratings
// by seller.
function expectedMatrix() {
  const cols = new Map();
  for (const [k, rating] of typed) {
    const [person, skill, name] = k.split('|');
    if (!SELLERS.includes(person)) continue;
    const ck = skill + '|' + name;
    if (!cols.has(ck)) cols.set(ck, { skill, name, by: {} });
    cols.get(ck).by[person] = rating;
  }
  return [...cols.values()].sort((a, b) => SKILLS.indexOf(a.skill) - SKILLS.indexOf(b.skill)
    || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

const rows = (page) => page.locator('.crud-table tbody tr');
const rowOf = (page, id) => page.locator(`.crud-table tbody tr[data-key="${id}"]`);
const allRatings = async (page) => (await get(page, '/api/v1/skills?limit=200')).skills;
const find = (list, r) => list.filter((s) => s.person === r.person && s.skill === r.skill && s.name === (r.name || ''));
const norm = (s) => String(s).replace(/\s+/g, ' ').trim();

// The text of the cell of row under the column headed label.
async function cellOf(page, row, label) {
  const heads = (await page.locator('.crud-table thead th').allTextContents()).map(norm);
  const i = heads.indexOf(label);
  assert(i >= 0, `no column "${label}" among ${heads.join(' | ')}`);
  return norm(await row.locator('td').nth(i).textContent());
}

// Fill the new-rating form with r (the form's own defaults left where r says nothing).
async function fillNew(page, r) {
  const f = await openNew(page);
  await f.locator('select[name=person]').selectOption(r.person);
  await f.locator('select[name=skill]').selectOption(r.skill);
  if (r.name !== undefined) await f.locator('input[name=name]').fill(r.name);
  if (r.rating !== undefined) await f.locator('input[name=rating]').fill(String(r.rating));
  if (r.note) await f.locator('textarea[name=note]').fill(r.note);
  return f;
}

async function skillsAs(browser, server, user, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const T = CATALOG[lang];
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
  const t1 = `${lang}: ${user} finds Skills under Team and rates people in every skill`;

  await test(t1, [], async () => {
    await page.go('#/projects');
    // the link sits under the Team section of the navigation
    const section = await page.locator('#nav-skills').evaluate((a) => {
      let el = a.previousElementSibling;
      while (el && !el.classList.contains('nav-section')) el = el.previousElementSibling;
      return el ? el.textContent.trim() : null;
    });
    assert(section === T['nav.team'], `the Skills link is under "${section}", not "${T['nav.team']}"`);
    await page.click('#nav-skills');
    await page.locator('.page-head h1', { hasText: T['ent.skill.plural'] }).waitFor();
    const f0 = await openNew(page);
    const offered = await optionValues(f0.locator('select[name=skill]'));
    assert(offered.join() === SKILLS.join(), `skills offered: ${offered}`);
    const labels = (await f0.locator('select[name=skill] option').allTextContents()).map((s) => s.trim());
    const want = SKILLS.map((s) => T['ent.skill.skill.' + s]);
    assert(labels.join('|') === want.join('|'), `skill labels: ${labels.join('|')}; want ${want.join('|')}`);
    for (const l of labels) assertLang(lang, l, 'a skill label');
    const people = await optionValues(f0.locator('select[name=person]'));
    assert(people.slice().sort().join() === LOGINS.slice().sort().join(), `people offered: ${people}`);
    const rep1 = (await f0.locator('select[name=person] option[value=rep1]').textContent()).trim();
    assert(rep1.includes(NAME.rep1), `rep1 is offered as "${rep1}"`);
    await cancel(page);

    for (const r of PLAN[lang]) {
      await fillNew(page, r);
      await save(page);
      const [s, more] = find(await allRatings(page), r);
      assert(s && !more, `${keyOf(r)}: ${s ? 'saved twice' : 'not saved'}`);
      assert(s.person === r.person && s.person_name === NAME[r.person] && s.skill === r.skill
        && s.name === (r.name || '') && s.rating === r.rating && s.note === r.note && s.version === 1,
      `saved ${JSON.stringify(s)}; typed ${JSON.stringify(r)}`);
      typed.set(keyOf(r), r.rating);
      // the row names the person and the skill in the reader's language (an other skill by its own name too)
      const row = rowOf(page, s.id);
      const seen = [];
      for (const f of ['person', 'skill', 'name', 'rating']) seen.push(await cellOf(page, row, T['ent.skill.' + f]));
      const want = [NAME[r.person], T['ent.skill.skill.' + r.skill], r.name || '—', String(r.rating)];
      assert(seen.join(' | ') === want.join(' | '), `the row of ${keyOf(r)} reads ${seen.join(' | ')}; want ${want.join(' | ')}`);
    }
    await shot(page, `skills-${L}-list`);
  });

  await test(`${lang}: ${user} edits a rating; a rating of 6 is refused in its field`, [t1], async () => {
    const e = EDIT[lang];
    const [before] = find(await allRatings(page), e);
    await rowOf(page, before.id).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    // who and which skill are fixed once rated: shown, not editable
    assert(await f.locator('select[name=person]').isDisabled() && await f.locator('select[name=skill]').isDisabled(),
      'the person or the skill can be changed on an edit');
    assert(await f.locator('input[name=rating]').inputValue() === String(before.rating), 'the form does not show the rating');
    let sent = 0;
    const count = (r) => { if (r.method() === 'PATCH') sent++; };
    page.on('request', count);
    await f.locator('input[name=rating]').fill('6');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'rating');
    assertLang(lang, msg, 'the rating error');
    const want = T['form.bad_count_range'].replace('{min}', '1').replace('{max}', '5');
    assert(msg === want, `a rating of 6 reads "${msg}", not "${want}"`);
    await shot(page, `skills-${L}-rating-6`);
    page.off('request', count);
    assert(sent === 0, 'a rating of 6 was sent');
    let [s] = find(await allRatings(page), e);
    assert(s.rating === before.rating && s.version === 1, `a refused change changed ${JSON.stringify(s)}`);
    await f.locator('input[name=rating]').fill(String(e.rating));
    await f.locator('textarea[name=note]').fill(e.note);
    await save(page);
    [s] = find(await allRatings(page), e);
    assert(s.rating === e.rating && s.note === e.note && s.version === 2 && s.person === e.person && s.skill === e.skill,
      `edited ${JSON.stringify(s)}`);
    typed.set(keyOf(e), e.rating);
    const row = rowOf(page, s.id);
    const seen = [await cellOf(page, row, T['ent.skill.rating']), await cellOf(page, row, T['ent.skill.note'])];
    assert(seen.join(' | ') === `${e.rating} | ${e.note}`, `the edited row reads ${seen.join(' | ')}`);
  });

  await test(`${lang}: ${user} cannot rate someone twice in a skill, nor name a skill wrongly`, [t1], async () => {
    const before = JSON.stringify(await allRatings(page));
    // rep1 / rep2 already rated in product knowledge by this reader
    const again = PLAN[lang][0];
    let f = await fillNew(page, { person: again.person, skill: again.skill, rating: 2 });
    await f.locator('button[type=submit]').click();
    let msg = await fieldError(f, 'skill');
    assertLang(lang, msg, 'the rated-twice error');
    let want = T['reason.skill_rated'].replace('{person}', again.person);
    assert(msg === want, `rated twice reads "${msg}", not "${want}"`);
    await shot(page, `skills-${L}-rated-twice`);
    await cancel(page);

    // an other skill needs its own name
    f = await fillNew(page, { person: 'rep2', skill: 'other', rating: 3 });
    await f.locator('button[type=submit]').click();
    msg = await fieldError(f, 'name');
    assertLang(lang, msg, 'the name-required error');
    want = T['reason.skill_name_required'];
    assert(msg === want, `an other skill without a name reads "${msg}", not "${want}"`);
    await cancel(page);

    // a standard skill has no name of its own: the form asks for one only for "other", and
    // stops asking when the choice moves away from it (the server refuses one: test_skills.py)
    f = await fillNew(page, { person: 'rep2', skill: 'other', name: '网关', rating: 3 });
    await f.locator('select[name=skill]').selectOption('industry_knowledge');
    assert(await f.locator('input[name=name]').count() === 0, 'a standard skill is asked its name');
    await f.locator('select[name=skill]').selectOption('other');
    assert(await f.locator('input[name=name]').count() === 1, 'an other skill is not asked its name');
    await cancel(page);

    const after = JSON.stringify(await allRatings(page));
    assert(after === before, 'a refused rating changed the ratings');
  });

  await test(`${lang}: ${user}'s pages had no script error`, [], async () => {
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  });
  await ctx.close();
  return t1;
}

// Check the project's matrix on page against what was typed.
async function checkMatrix(page, T) {
  await page.locator('#skills-matrix').waitFor();
  const cols = expectedMatrix();
  const heads = (await page.locator('#skills-matrix thead th').allTextContents()).map(norm);
  const wantHeads = [T['skills.member'], ...cols.map((c) => (c.skill === 'other' ? c.name : T['ent.skill.skill.' + c.skill]))];
  assert(heads.join(' | ') === wantHeads.join(' | '), `the column heads read ${heads.join(' | ')}; want ${wantHeads.join(' | ')}`);
  const logins = await page.locator('#skills-matrix tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.login));
  assert(logins.slice().sort().join() === SELLERS.join(), `the rows are ${logins}; want ${SELLERS}`);
  for (const login of SELLERS) {
    const row = page.locator(`#skills-matrix tbody tr[data-login="${login}"]`);
    const who = norm(await row.locator('th').textContent());
    assert(who.includes(NAME[login]), `the row of ${login} is headed "${who}"`);
    const cells = (await row.locator('td').allTextContents()).map(norm);
    const want = cols.map((c) => (c.by[login] === undefined ? '—' : String(c.by[login])));
    assert(cells.join() === want.join(), `${login}'s ratings read ${cells}; want ${want}`);
    for (const [i] of cols.entries()) {
      const n = await row.locator(`td[data-skill="${i}"]`).count();
      assert(n === 1, `${login} has ${n} cells of skill ${i}`);
    }
  }
  const foot = page.locator('#skills-matrix .skills-average');
  for (const [i, c] of cols.entries()) {
    const given = Object.values(c.by);
    const want = `${averageText(given)} (${T['skills.rated'].replace('{n}', String(given.length))})`;
    const seen = norm(await foot.locator(`td[data-skill="${i}"]`).textContent());
    assert(seen === want, `the ${c.skill} ${c.name} column's average reads "${seen}"; want "${want}"`);
  }
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'forms-skills' });
  const zhRated = await skillsAs(browser, server, 'admin', 'zh-CN');
  const enRated = await skillsAs(browser, server, 'mgr', 'en');

  await test('the expected matrix has the averages the brief names', [zhRated, enRated], async () => {
    // product knowledge: rep1 4 (zh) and rep2 3 (en), the viewer's 1 not counted; sales skills:
    // rep1 5, rep2 4, mgr 4, the 1 of someone off the project not counted
    const cols = expectedMatrix();
    const pk = cols.find((c) => c.skill === 'product_knowledge');
    const ss = cols.find((c) => c.skill === 'sales_skills');
    assert(averageText(Object.values(pk.by)) === '3.5' && averageText(Object.values(ss.by)) === '4.3',
      `the plan gives ${JSON.stringify(pk)} ${JSON.stringify(ss)}`);
    assert(!cols.some((c) => c.name === 'Board presentations'), 'a skill only the viewer has is a column');
  });

  await test('a manager adds a rating on a phone (390×844)', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = CATALOG['zh-CN'];
    await page.go('#/skills');
    await page.locator('.page-head h1', { hasText: T['ent.skill.plural'] }).waitFor();
    const f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the rating form');
    await f.locator('select[name=person]').selectOption(PHONE_RATING.person);
    await f.locator('select[name=skill]').selectOption(PHONE_RATING.skill);
    await f.locator('input[name=rating]').fill(String(PHONE_RATING.rating));
    await f.locator('textarea[name=note]').fill(PHONE_RATING.note);
    await shot(page, 'skills-zh-phone-form');
    await save(page);
    const [s] = find(await allRatings(page), PHONE_RATING);
    assert(s && s.rating === PHONE_RATING.rating && s.note === PHONE_RATING.note && s.version === 1, `saved ${JSON.stringify(s)}`);
    typed.set(keyOf(PHONE_RATING), PHONE_RATING.rating);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  for (const [user, lang] of [['admin', 'zh-CN'], ['mgr', 'en']]) {
    await test(`${lang}: ${user} opens the project's Skills matrix and reads what was typed`, [zhRated, enRated], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      const T = CATALOG[lang];
      await page.go('#/p/' + P);
      await page.click('#nav-skill-matrix');
      await page.locator('.page-head h1', { hasText: T['skills.title'] }).waitFor();
      assert(await page.locator('#nav-skill-matrix').textContent() === T['nav.skill_matrix'], 'the nav link reads otherwise');
      await checkMatrix(page, T);
      // the server's figures agree with what the screen shows
      const m = await get(page, `/api/v1/projects/${P}/skills`);
      const cols = expectedMatrix();
      assert(m.skills.map((c) => `${c.skill}|${c.name}|${c.rated}|${c.average.toFixed(1)}`).join()
        === cols.map((c) => `${c.skill}|${c.name}|${Object.keys(c.by).length}|${averageText(Object.values(c.by))}`).join(),
      `the API's matrix: ${JSON.stringify(m.skills)}`);
      await shot(page, `skills-${lang === 'zh-CN' ? 'zh' : 'en'}-matrix`);
      // a manager is sent to the Skills screen to rate
      const rate = page.locator('#skills-rate');
      assert(norm(await rate.textContent()) === T['skills.rate'], 'the rate link reads otherwise');
      await rate.click();
      await page.locator('.page-head h1', { hasText: T['ent.skill.plural'] }).waitFor();
      assert(new URL(page.url()).hash === '#/skills', `the rate link went to ${page.url()}`);
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
  }

  for (const [user, lang] of [['rep1', 'zh-CN'], ['vw', 'en']]) {
    await test(`${lang}: ${user} reads the skills and the matrix but sees no write control`, [zhRated, enRated], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      const T = CATALOG[lang];
      await page.go('#/skills');
      await page.locator('.page-head h1', { hasText: T['ent.skill.plural'] }).waitFor();
      await rows(page).first().waitFor();
      assert(await rows(page).count() === typed.size, `${user} reads ${await rows(page).count()} ratings, not ${typed.size}`);
      assert(await page.locator('#crud-new').count() === 0, `${user} sees the new button`);
      const buttons = (await page.locator('.crud-table button').allTextContents()).map(norm);
      assert(!buttons.some((b) => b === T['action.edit'] || b === T['action.delete']), `${user} sees ${buttons}`);
      await page.go('#/p/' + P);
      await page.click('#nav-skill-matrix');
      await page.locator('.page-head h1', { hasText: T['skills.title'] }).waitFor();
      await checkMatrix(page, T);
      assert(await page.locator('#skills-rate').count() === 0, `${user} sees the rate link`);
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
  }

  await test('the matrix scrolls inside its card on a phone (390×844)', [zhRated, enRated], async () => {
    const { ctx, page } = await signedIn(browser, server, 'rep1', PASSWORD, { viewport: PHONE });
    await page.go(`#/p/${P}/skill-matrix`);
    await checkMatrix(page, CATALOG['zh-CN']);
    const { doc, vw, card } = await page.evaluate(() => {
      const c = document.querySelector('#skills-matrix');
      return { doc: document.documentElement.scrollWidth, vw: window.innerWidth,
        card: { sw: c.scrollWidth, cw: c.clientWidth, ox: getComputedStyle(c).overflowX, right: c.getBoundingClientRect().right } };
    });
    assert(doc <= vw, `the page is ${doc}px wide on a ${vw}px phone`);
    assert(card.right <= vw + 0.5, `the matrix card ends at ${card.right}px on a ${vw}px phone`);
    // seven skills do not fit a phone: the card scrolls, and its last column can be scrolled into view
    assert(card.sw > card.cw, `the matrix (${card.sw}px) fits its ${card.cw}px card: nothing to scroll`);
    assert(card.ox === 'auto' || card.ox === 'scroll', `the matrix is wider than its card but the card does not scroll (${card.ox})`);
    await page.locator('#skills-matrix').evaluate((c) => { c.scrollLeft = c.scrollWidth; });
    const box = await page.locator('#skills-matrix thead th').last().boundingBox();
    assert(box && box.x >= 0 && box.x + box.width <= vw + 0.5, 'the last column cannot be scrolled into view');
    await shot(page, 'skills-zh-phone-matrix');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
