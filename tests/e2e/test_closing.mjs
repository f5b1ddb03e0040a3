// test_closing.mjs - closing a project, peer reviews and lessons learned in Chromium
// (components/closing.js, screens/reviews.js, screens/lessons.js), in zh-CN and en.
//
// A manager closes P1 through the overview's dialog with a note: the status chip says closed,
// every project screen shows the frozen banner, the sales entry, the deal, risk and member
// forms are gone (the server would refuse them) while the adjustments stay writable; reopening
// without a reason is refused under the reason field, with one it opens the project again
// (an adjustment of kind project with that reason; the banner gone). On the lessons screen the
// manager adds a lesson of each kind, edits one and deletes one. A member reviews each
// teammate, changing their review of rep2 through every score of the select, and sees their
// own aggregate (the mean of what the others gave them, worked out here) and no one else's; the
// manager sees every review and every member's aggregate; a viewer has no reviews link and
// no write control on the lessons. In zh-CN the member does so on the closed project. Once at phone width (390 px) the member's review and lesson
// forms fit the screen.
import { test, assert, run, startServer, cli, shot, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, eventually } from './forms.mjs';
import { PASSWORD } from './lib.mjs';

const P = 'P1';
const API = `/api/v1/projects/${P}`;
const KINDS = ['went_well', 'to_improve', 'next_time'];

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['rep2', '赵磊', 'rep'],
    ['vw', '高总', 'viewer'], ['wv', '钱观察', 'viewer']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', P, '--name', '华东冲刺', '--start', '2026-01-01', '--end', '2026-12-31', '--status', 'active']);
  for (const [login, prole] of [['mgr', 'manager'], ['rep1', 'member'], ['rep2', 'member'], ['vw', 'viewer']])
    cli(db, ['member', 'add', P, login, '--role', prole]);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(db, ['product', 'add', 'SKU-1', '--name', '边缘网关', '--cost', '60', '--price', '100']);
  cli(db, ['sale', 'add', P, '--date', '2026-02-01', '--customer', '华东贸易', '--product', 'SKU-1', '--channel', 'direct',
    '--quantity', '2', '--price', '100.00', '--rep', 'rep1']);
  // what the others think of rep1 (3 and 4: 3.5) and of rep2 (5)
  cli(db, ['review', 'add', P, '--reviewee', 'rep1', '--teamwork', '3'], { as: 'rep2' });
  cli(db, ['review', 'add', P, '--reviewee', 'rep1', '--teamwork', '4', '--comment', '带新人'], { as: 'mgr' });
  cli(db, ['review', 'add', P, '--reviewee', 'rep2', '--teamwork', '5'], { as: 'mgr' });
}

const project = async (page) => { const p = await get(page, API); return p.project || p; };

async function managerFlow(browser, server, lang) {
  const T = TEXTS[lang];
  const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const note = L === 'zh' ? '全年目标达成，转入复盘' : 'Targets met, on to the review';
  const t1 = `${lang}: a manager closes the project through its dialog and sees it frozen`;
  await test(t1, [], async () => {
    await page.go('#/p/' + P);
    await page.click('#close-project');
    const f = page.locator('#close-form');
    await f.locator('textarea[name=note]').fill(note);
    await f.locator('#close-confirm').click();
    await f.waitFor({ state: 'detached' });
    const p = await project(page);
    assert(p.status === 'closed' && p.close_note === note && p.closed_by === 'mgr' && p.closed_at, `closed ${JSON.stringify(p)}`);
    await page.locator('.stat .chip-closed', { hasText: T['pstatus.closed'] }).waitFor();
    assert((await page.locator('#close-note').textContent()).includes(note), 'the closing note on the overview');
    const banner = page.locator('#closed-banner');
    await banner.waitFor();
    assert((await banner.textContent()).includes(T['closing.banner']), 'the banner says the figures are frozen');
    assertLang(lang, await banner.textContent(), 'the banner');
    assert(await page.locator('#close-project').count() === 0 && await page.locator('#edit-project').count() === 0
      && await page.locator('#new-goal').count() === 0, 'no close, edit or new goal on a closed project');
    await page.locator('#reopen-project').waitFor();
    // no write control on the screens of its figures; the banner on each
    for (const [hash, write] of [['/sales', '#sale-entry'], ['/deals', '#deal-new'], ['/risks', '#crud-new'],
      ['/members', '#member-add'], ['/tasks', '#crud-new']]) {
      await page.go('#/p/' + P + hash);
      await page.locator('#closed-banner').waitFor();
      assert(await page.locator(write).count() === 0, `${write} shown on ${hash} of a closed project`);
    }
    // adjustments stay open: the one way to change its figures
    await page.go('#/p/' + P + '/adjustments');
    await page.locator('#adjust-new').waitFor();
    await shot(page, `closing-${L}-closed`);
  });

  const t2 = `${lang}: the manager writes lessons of each kind, edits one and deletes one`;
  await test(t2, [t1], async () => {
    await page.go('#/p/' + P);
    await page.click('#nav-lessons');
    await page.locator('.page-head h1', { hasText: T['lesson.title'] }).waitFor();
    const before = (await get(page, API + '/lessons')).lessons.length;
    for (const k of KINDS) {
      await page.click('#lesson-add-' + k);
      const f = page.locator('#lesson-form');
      assert((await optionValues(f.locator('select[name=kind]'))).join() === KINDS.join(), 'the kinds offered');
      assert(await f.locator('select[name=kind]').inputValue() === k, `the form opens on ${k}`);
      await f.locator('textarea[name=text]').fill(`${L} ${k} ${T['ent.lesson.kind.' + k]}`);
      await f.locator('button[type=submit]').click();
      await f.waitFor({ state: 'detached' });
      await page.locator(`#lessons-${k} .lesson-text`, { hasText: `${L} ${k}` }).waitFor();
    }
    let all = (await get(page, API + '/lessons')).lessons;
    assert(all.length === before + 3, `${all.length - before} lessons made`);
    for (const k of KINDS) assert(all.some((l) => l.kind === k && l.text.startsWith(`${L} ${k}`) && l.author === 'mgr'), `a ${k} lesson saved`);
    // an empty text is refused under its field
    await page.click('#lesson-add-went_well');
    const f0 = page.locator('#lesson-form');
    await f0.locator('button[type=submit]').click();
    assertLang(lang, await fieldError(f0, 'text'), 'the text error');
    await f0.locator('button[type=button]').click();
    // edit: the to_improve one moves to next_time with a new text (version 2)
    const mine = all.find((l) => l.kind === 'to_improve' && l.text.startsWith(`${L} `));
    await page.locator(`.lesson[data-id="${mine.id}"] .lesson-edit`).click();
    const f = page.locator('#lesson-form');
    await f.locator('select[name=kind]').selectOption('next_time');
    await f.locator('textarea[name=text]').fill(`${L} edited`);
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    await page.locator(`#lessons-next_time .lesson[data-id="${mine.id}"]`).waitFor();
    all = (await get(page, API + '/lessons')).lessons;
    const e = all.find((l) => l.id === mine.id);
    assert(e.kind === 'next_time' && e.text === `${L} edited` && e.version === 2, `edited ${JSON.stringify(e)}`);
    // delete the went_well one (the browser's confirm accepted)
    const gone = all.find((l) => l.kind === 'went_well' && l.text.startsWith(`${L} `));
    await page.locator(`.lesson[data-id="${gone.id}"] .lesson-delete`).click();
    await page.locator(`.lesson[data-id="${gone.id}"]`).waitFor({ state: 'detached' });
    assert(!(await get(page, API + '/lessons')).lessons.some((l) => l.id === gone.id), 'deleted');
  });

  const t3 = `${lang}: the manager sees every review and every member's aggregate`;
  await test(t3, [t1], async () => {
    await page.go('#/p/' + P + '/reviews');
    await page.locator('#review-summary').waitFor();
    const board = await get(page, API + '/reviews');
    const rows = await page.locator('#review-summary tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.login,
      tr.querySelector('[data-col=reviews]').textContent.trim(), tr.querySelector('[data-col=teamwork]').textContent.trim()]));
    // worked out from every review the API holds
    const members = ['admin', 'mgr', 'rep1', 'rep2'];
    for (const m of members) {
      const got = board.reviews.filter((r) => r.reviewee === m).map((r) => r.teamwork);
      const want = got.length ? (got.reduce((a, b) => a + b, 0) / got.length).toFixed(1) : '—';
      const row = rows.find((r) => r[0] === m);
      assert(row && row[1] === String(got.length) && row[2].startsWith(want), `${m}: ${JSON.stringify(row)}, want ${got.length} ${want}`);
    }
    assert(await page.locator('#review-all tbody tr').count() === board.reviews.length, 'every review listed');
  });

  const t4 = `${lang}: reopening needs a reason; with one the project opens again`;
  await test(t4, [t1], async () => {
    await page.go('#/p/' + P);
    await page.click('#reopen-project');
    const f = page.locator('#reopen-form');
    await f.locator('#reopen-confirm').click();
    assertLang(lang, await fieldError(f, 'reason'), 'the reason error');
    assert((await project(page)).status === 'closed', 'still closed');
    const reason = L === 'zh' ? '补录12月回款' : 'December receipts to record';
    await f.locator('textarea[name=reason]').fill(reason);
    await f.locator('#reopen-confirm').click();
    await f.waitFor({ state: 'detached' });
    await page.locator('#close-project').waitFor();
    await eventually(async () => assert(await page.locator('#closed-banner').count() === 0, 'the banner stays'));
    const p = await project(page);
    assert(p.status === 'active' && p.closed_at === null, `reopened ${JSON.stringify(p)}`);
    const adj = (await get(page, API + '/adjustments?kind=project')).adjustments;
    assert(adj[0].reason === reason && adj[0].changes.status.before === 'closed' && adj[0].changes.status.after === 'active',
      `the adjustment ${JSON.stringify(adj[0])}`);
    await page.go('#/p/' + P + '/sales');
    await page.locator('#sale-entry').waitFor();
    // on the timeline, in the reader's words: kind Project, status Closed -> Active, the reason
    await page.go('#/p/' + P + '/adjustments');
    await page.locator('select[name=kind-filter]').selectOption('project');
    const entry = page.locator(`#adjust-list > li[data-id="${adj[0].id}"]`);
    await entry.waitFor();
    assert((await entry.locator('.chip').textContent()).trim() === T['adjust.kind.project'], 'the kind label');
    assert((await entry.locator('[data-field=status] .adj-was').textContent()).trim() === T['pstatus.closed']
      && (await entry.locator('[data-field=status] .adj-now').textContent()).trim() === T['pstatus.active'], 'the status in words');
    assert((await entry.locator('.adj-reason').textContent()).includes(reason), 'the reason');
  });
  await ctx.close();
}

async function memberFlow(browser, server, lang, viewport) {
  const T = TEXTS[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const where = `${lang}${viewport === PHONE ? ', phone' : ''}`;
  const { ctx, page } = await signedIn(browser, server, 'rep1', PASSWORD, { lang, viewport });
  await test(`${where}: a member reviews each teammate through every score and sees their own aggregate`, [], async () => {
    await page.go('#/p/' + P);
    if (viewport === PHONE) await page.click('#menu-button');
    await page.click('#nav-reviews');
    await page.locator('.page-head h1', { hasText: T['review.title'] }).waitFor();
    if ((await get(page, API)).status === 'closed') await page.locator('#closed-banner').waitFor();
    // own aggregate: rep2's 3 and mgr's 4
    const own = (await get(page, API + '/reviews')).summary;
    assert(own.length === 1 && own[0].login === 'rep1', `a member reads their own line only: ${JSON.stringify(own)}`);
    assert((await page.locator('#review-own-score').textContent()).trim() === '3.5', 'the own score');
    assert(await page.locator('#review-summary').count() === 0 && await page.locator('#review-all').count() === 0,
      'a member sees no one else\'s aggregate or reviews');
    const forms = await page.locator('.review-form').evaluateAll((fs) => fs.map((f) => f.dataset.reviewee));
    assert(forms.slice().sort().join() === 'admin,mgr,rep2', `teammates offered: ${forms}`);
    if (viewport === PHONE) {
      await assertFitsPhone(page, page.locator('.review-form').first(), 'a review form');
      await assertNoSidewaysScroll(page, 'the reviews screen');
    }
    const form = (who) => page.locator(`.review-form[data-reviewee="${who}"]`);
    assert((await optionValues(form('rep2').locator('select[name=teamwork]'))).join() === '1,2,3,4,5', 'the scores offered');
    // no score: refused under its field
    const fresh = !(await get(page, API + '/reviews')).reviews.some((r) => r.reviewee === 'mgr');
    if (fresh) {
      await form('mgr').locator('.review-save').click();
      assertLang(lang, await fieldError(form('mgr'), 'teamwork'), 'the score error');
      await form('mgr').locator('select[name=teamwork]').selectOption('5');
      await form('mgr').locator('textarea[name=comment]').fill(L === 'zh' ? '带团队很用心' : 'Leads with care');
      await form('mgr').locator('.review-save').click();
      await form('mgr').locator('.review-done').waitFor();
    }
    // rep2 through every score (a new review, then each change at its version)
    for (const n of ['1', '2', '3', '4', '5']) {
      const before = (await get(page, API + '/reviews')).reviews.find((r) => r.reviewee === 'rep2');
      await form('rep2').locator('select[name=teamwork]').selectOption(n);
      await form('rep2').locator('.review-save').click();
      await eventually(async () => {
        const r = (await get(page, API + '/reviews')).reviews.find((x) => x.reviewee === 'rep2');
        assert(r && r.teamwork === Number(n) && r.version === (before ? before.version + 1 : 1), `saved ${JSON.stringify(r)}`);
      });
      await form('rep2').locator('.review-done').waitFor();
    }
    const mine = (await get(page, API + '/reviews')).reviews;
    assert(mine.every((r) => r.reviewer === 'rep1'), 'a member reads only the reviews they wrote');
    await shot(page, `reviews-${L}-rep1${viewport === PHONE ? '-phone' : ''}`);
  });
  await test(`${where}: a member adds a lesson${viewport === PHONE ? ' at phone width' : ''}`, [], async () => {
    await page.go('#/p/' + P + '/lessons');
    await page.click('#lesson-add-next_time');
    const f = page.locator('#lesson-form');
    if (viewport === PHONE) await assertFitsPhone(page, page.locator('.modal'), 'the lesson form');
    await f.locator('textarea[name=text]').fill(`${L} rep1 ${viewport === PHONE ? 'phone' : 'desk'}`);
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    const l = (await get(page, API + '/lessons')).lessons.find((x) => x.text === `${L} rep1 ${viewport === PHONE ? 'phone' : 'desk'}`);
    assert(l && l.author === 'rep1' && l.kind === 'next_time', `saved ${JSON.stringify(l)}`);
    // the manager's lessons have no edit control for a member
    const theirs = (await get(page, API + '/lessons')).lessons.find((x) => x.author !== 'rep1');
    if (theirs) assert(await page.locator(`.lesson[data-id="${theirs.id}"] .lesson-edit`).count() === 0, 'an edit control on another\'s lesson');
    if (viewport === PHONE) await assertNoSidewaysScroll(page, 'the lessons screen');
  });
  await ctx.close();
}

async function viewerFlow(browser, server, lang) {
  const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang });
  await test(`${lang}: a viewer reads the lessons, writes none, and has no reviews`, [], async () => {
    await page.go('#/p/' + P);
    assert(await page.locator('#nav-reviews').count() === 0, 'a reviews link for a viewer');
    assert(await page.locator('#close-project').count() === 0, 'a close action for a viewer');
    await page.click('#nav-lessons');
    await page.locator('.lesson-columns').waitFor();
    assert(await page.locator('[id^=lesson-add-]').count() === 0 && await page.locator('.lesson-edit').count() === 0,
      'a write control for a viewer');
  });
  await ctx.close();
}

// Review 13 item 26: a workspace viewer who is a member of the project may write nothing (every
// write route needs a rep; the server reads them as a viewer of it): no reviews link, the
// screen's viewers' note, and no review form even given a member's answer (served here in place
// of the server's, as if it let them read): the screen decides from what the caller may do.
async function workspaceViewerFlow(browser, server, lang) {
  server.cli(['member', 'add', P, 'wv', '--role', 'member']);
  const T = TEXTS[lang];
  const { ctx, page } = await signedIn(browser, server, 'wv', PASSWORD, { lang });
  await test(`${lang}: a workspace viewer on the team gets no review form`, [], async () => {
    await page.go('#/p/' + P);
    await page.locator('#nav-lessons').waitFor();
    assert(await page.locator('#nav-reviews').count() === 0, 'a reviews link for a workspace viewer');
    await page.go('#/p/' + P + '/reviews');
    await page.locator('.empty', { hasText: T['review.viewers'] }).waitFor();
    const r = await page.evaluate(async (url) => (await fetch(url, { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ reviewee: 'rep1', teamwork: 4 }) })).status, API + '/reviews');
    assert(r === 403, `the server refuses the workspace viewer's review: ${r}`);
    await page.route(/\/api\/v1\/projects\/P1\/reviews$/, (q) => q.fulfill({ json: { reviews: [],
      summary: [{ login: 'wv', name: '钱观察', reviews: 0, teamwork: null }] } }));
    await page.reload();
    await page.locator('#review-own').waitFor();
    assert(await page.locator('.review-form').count() === 0 && await page.locator('.review-forms').count() === 0,
      'a review form for a workspace viewer');
  });
  await ctx.close();
  server.cli(['member', 'remove', P, 'wv']);
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'closing' });
  for (const lang of ['zh-CN', 'en']) {
    await managerFlow(browser, server, lang);
    // in zh-CN the member writes on the closed project (what reviews and lessons are for)
    if (lang === 'zh-CN') server.cli(['project', 'close', P]);
    await memberFlow(browser, server, lang, lang === 'en' ? PHONE : undefined);
    await viewerFlow(browser, server, lang);
    if (lang === 'zh-CN') server.cli(['project', 'reopen', P, '--reason', 'en']);
    await workspaceViewerFlow(browser, server, lang);
  }
});
