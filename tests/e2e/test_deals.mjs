// test_deals.mjs - the pipeline board in Chromium (screens/deals.js), in zh-CN and en: a column
// per stage in the reader's language with its count, total and weighted value (worked out here
// from the API's deals); a manager drags a deal across the board (HTML5 drag and drop), moves one
// with the keyboard (the card's "move to" menu), wins one by dropping it on Won (its lines
// become sales), loses one on Lost through the reason dialog (an empty reason is refused in the
// reader's language); creates a deal with product lines through the form (every channel,
// segment and owner offered) and edits it; filters by owner, channel, segment, amount and close
// date, saves the filters as a view, finds it again after a reload and deletes it; meets a 409
// when someone moved the card first (the message in the reader's language, the card refreshed);
// sees a deal without a stage change past the threshold marked stale and changes the threshold.
// A rep sees the whole board but may move only their own cards (others' carry no menu and are not
// draggable); a viewer reads. On a phone (390x844) the columns stack and the form fits. Last, a
// manager adds a stage through the stages dialog (every kind offered) and moves it into place;
// removing a stage that holds deals, or a second won or lost stage, is refused in English.
import { execFileSync } from 'node:child_process';
import { test, assert, run, startServer, shot, assertNoSidewaysScroll, PASSWORD } from './lib.mjs';
import { signedIn, get, call, optionValues, assertFitsPhone, fieldError, PHONE, TEXTS, fmtMoney, sq } from './forms.mjs';

const USERS = [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep'], ['rep2', '赵磊', 'rep'], ['vw', '高总', 'viewer']];
const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];
const P = '/api/v1/projects/FY';
let db;

async function setup(d, pw) {
  const { cli } = await import('./lib.mjs');
  db = d;
  for (const [login, name, role] of USERS)
    cli(d, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  const y = new Date().getUTCFullYear();
  cli(d, ['project', 'create', 'FY', '--name', '年度销售', '--start', `${y}-01-01`, '--end', `${y}-12-31`]);
  cli(d, ['member', 'add', 'FY', 'mgr', '--role', 'manager']);
  for (const r of ['rep1', 'rep2']) cli(d, ['member', 'add', 'FY', r]);
  cli(d, ['member', 'add', 'FY', 'vw', '--role', 'viewer']);
  cli(d, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(d, ['channel', 'add', 'partner', '--name', '渠道伙伴', '--type', 'partner']);
  cli(d, ['segment', 'add', 'ent', '--name', '大型企业']);
  cli(d, ['segment', 'add', 'smb', '--name', '中小企业']);
  cli(d, ['product', 'add', 'W', '--name', '智能网关', '--cost', '10.00', '--price', '100.00', '--effective', `${y}-01-01`]);
  cli(d, ['product', 'add', 'G', '--name', '传感器', '--cost', '5.00', '--price', '40.00', '--effective', `${y}-01-01`]);
  for (const [c, rep] of [['华东医院', 'rep1'], ['星河科技', 'rep2'], ['蓝海贸易', 'rep1']])
    cli(d, ['sale', 'add', 'FY', '--date', `${y}-01-05`, '--customer', c, '--product', 'G', '--channel', 'direct',
      '--quantity', '1', '--rep', rep]);
}

const deal = (server, as, args) => JSON.parse(server.cli(['--json', 'deal', 'add', 'FY', ...args], { as }));
const column = (page, stage) => page.locator(`.deal-column[data-stage=${stage}]`);
const card = (page, title) => page.locator('.deal-card', { hasText: title });
const dealsNow = async (page) => (await get(page, P + '/deals')).deals;
const one = async (page, id) => get(page, `${P}/deals/${id}`);
const labelOf = (T, s) => T['ent.deal.stage.' + s];

// Drop a card on a column's head (HTML5 drag and drop; the head stays in view beside the card)
// and wait for the move's answer.
const dropOn = (page, title, stage) => card(page, title).dragTo(column(page, stage).locator('.deal-column-head'));
async function drag(page, title, stage) {
  await card(page, title).scrollIntoViewIfNeeded();
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/deals\/\d+\/stage$/.test(new URL(r.url()).pathname)),
    dropOn(page, title, stage),
  ]);
  return res;
}

async function boardAs(browser, server, lang) {
  const T = TEXTS[lang];
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
  // this run's deals: rep1's, rep2's and the manager's, with lines where they will be won
  const a = deal(server, 'mgr', ['--title', `${L} 医院网关`, '--customer', '华东医院', '--owner', 'rep1', '--channel', 'direct',
    '--amount', '1200.00']);
  const b = deal(server, 'mgr', ['--title', `${L} 星河传感器`, '--customer', '星河科技', '--owner', 'rep2', '--channel', 'partner',
    '--stage', 'proposal']);
  server.cli(['deal', 'lines', 'FY', String(b.id), '--line', 'G:10:38.00', '--line', 'W:2'], { as: 'mgr' });
  const c = deal(server, 'mgr', ['--title', `${L} 蓝海续约`, '--customer', '蓝海贸易', '--owner', 'rep1', '--channel', 'direct',
    '--stage', 'negotiation', '--amount', '300.00']);
  const tb = `${lang}: the board has a column per stage with its count, total and weighted value`;

  await test(tb, [], async () => {
    await page.go('#/p/FY/deals');
    await page.locator('#deal-board').waitFor();
    await card(page, a.title).waitFor();
    const names = await page.locator('.deal-column .deal-column-name').allTextContents();
    assert(names.join() === STAGES.map((s) => labelOf(T, s)).join(), `columns ${names}`);
    const all = await dealsNow(page);
    for (const s of STAGES) {
      const ds = all.filter((d) => d.stage === s);
      const total = ds.reduce((x, d) => x + d.amount, 0);
      // weighted: amount x probability, half up to the cent, each deal
      const w = ds.reduce((x, d) => x + Math.floor(d.amount * Math.round(d.probability * 10000) / 10000 + 0.5), 0);
      const col = column(page, s);
      assert(await col.locator('.deal-count').textContent() === String(ds.length), `${s}: count`);
      assert(sq(await col.locator('.deal-total').textContent()) === sq(T['deals.total_short'].replace('{v}', fmtMoney(lang, total))),
        `${s}: total ${await col.locator('.deal-total').textContent()} vs ${fmtMoney(lang, total)}`);
      assert(sq(await col.locator('.deal-weighted').textContent()) === sq(T['deals.weighted_short'].replace('{v}', fmtMoney(lang, w))),
        `${s}: weighted ${await col.locator('.deal-weighted').textContent()}`);
    }
    // b: 10 x 38.00 + 2 x 100.00 = 580.00 at 50%
    const bc = card(page, b.title);
    assert(sq(await bc.locator('.deal-amount').textContent()) === sq(fmtMoney(lang, 58000)), 'b amount');
    await shot(page, `deals-${L}-board`);
  });

  await test(`${lang}: a manager drags a deal across the board and moves one by keyboard`, [tb], async () => {
    const res = await drag(page, a.title, 'qualified');
    assert(res.status() === 200, `drag: ${res.status()}`);
    await column(page, 'qualified').locator('.deal-card', { hasText: a.title }).waitFor();
    assert((await one(page, a.id)).stage === 'qualified', 'moved on the server');
    const notice = (await page.locator('#deal-notice').textContent()).trim();
    assert(notice === T['deals.moved'].replace('{title}', a.title).replace('{stage}', labelOf(T, 'qualified')), `notice ${notice}`);
    // the keyboard: focus the card's menu, arrow down to the first other stage, it moves
    const sel = card(page, a.title).locator('select[name=move]');
    await sel.focus();
    const offered = await optionValues(sel);
    assert(offered.join() === STAGES.filter((s) => s !== 'qualified').join(), `moves offered ${offered}`);
    await Promise.all([
      page.waitForResponse((r) => /\/deals\/\d+\/stage$/.test(new URL(r.url()).pathname)),
      sel.selectOption('proposal'),
    ]);
    await column(page, 'proposal').locator('.deal-card', { hasText: a.title }).waitFor();
    const now = await one(page, a.id);
    assert(now.stage === 'proposal' && now.probability === 0.5, `after the keyboard: ${now.stage} ${now.probability}`);
    // and the arrow keys on the focused card: → to negotiation, ← back to proposal
    await card(page, a.title).focus();
    for (const [key, to] of [['ArrowRight', 'negotiation'], ['ArrowLeft', 'proposal']]) {
      await Promise.all([
        page.waitForResponse((r) => /\/deals\/\d+\/stage$/.test(new URL(r.url()).pathname)),
        page.keyboard.press(key),
      ]);
      await column(page, to).locator('.deal-card', { hasText: a.title }).waitFor();
      await page.waitForFunction((id) => document.activeElement && document.activeElement.dataset.id === String(id)
        && document.activeElement.closest('.deal-column').dataset.stage !== undefined, a.id);
    }
    assert((await one(page, a.id)).stage === 'proposal', 'back in proposal');
    const hist = (await get(page, `${P}/deals/${a.id}/history`)).history.map((h) => h.to);
    assert(hist.join() === 'lead,qualified,proposal,negotiation,proposal', `history ${hist}`);
  });

  await test(`${lang}: winning on the Won column records the lines as sales; Lost asks the reason`, [tb], async () => {
    const seen = new Set((await get(page, P + '/sales')).sales.map((x) => x.id));
    const before = seen.size;
    const res = await drag(page, b.title, 'won');
    assert(res.status() === 200, `win: ${res.status()} ${await res.text()}`);
    await column(page, 'won').locator('.deal-card', { hasText: b.title }).waitFor();
    const sales = (await get(page, P + '/sales')).sales;
    const mine = sales.filter((s) => !seen.has(s.id));
    assert(mine.every((s) => s.customer === '星河科技' && s.rep === 'rep2' && s.channel === 'partner'), 'the deal\'s customer, owner, channel');
    assert(sales.length === before + 2, `sales ${before} -> ${sales.length}`);
    assert(mine.map((s) => `${s.product}:${s.quantity}:${s.amount}`).sort().join() === 'G:10:38000,W:2:20000', 'the sales');
    // a deal without lines cannot be won: the reason in the reader's language
    const r2 = await drag(page, c.title, 'won');
    assert(r2.status() === 422, `won without lines: ${r2.status()}`);
    const err = (await page.locator('#deal-error').textContent()).trim();
    assert(err.includes(T['reason.deal_no_lines']), `error "${err}"`);
    // lost: the dialog; empty is refused, then the reason is kept
    await dropOn(page, c.title, 'lost');
    const form = page.locator('#lost-form');
    await form.waitFor();
    await form.locator('button[type=submit]').click();
    assert(await fieldError(form, 'lost_reason') === T['deals.reason_needed'], 'an empty reason');
    const why = lang === 'zh-CN' ? '预算被砍' : 'budget cut';
    await form.locator('input[name=lost_reason]').fill(why);
    await Promise.all([
      page.waitForResponse((r) => /\/deals\/\d+\/stage$/.test(new URL(r.url()).pathname)),
      form.locator('button[type=submit]').click(),
    ]);
    await column(page, 'lost').locator('.deal-card', { hasText: c.title }).waitFor();
    const lost = await one(page, c.id);
    assert(lost.stage === 'lost' && lost.lost_reason === why, `lost ${JSON.stringify(lost)}`);
  });

  const title = `${L} 新商机 ${Date.now() % 100000}`;
  const tf = `${lang}: a manager creates a deal with lines through the form and edits it`;
  await test(tf, [tb], async () => {
    await page.click('#deal-new');
    const form = page.locator('#deal-form');
    await form.waitFor();
    assert((await optionValues(form.locator('select[name=channel]'))).join() === 'direct,partner', 'channels offered');
    assert((await optionValues(form.locator('select[name=segment]'))).join() === 'ent,smb', 'segments offered');
    const sellers = (await get(page, P + '/members')).members.filter((m) => m.role !== 'viewer').map((m) => m.login);
    const owners = await optionValues(form.locator('select[name=owner]'));
    assert(owners.join() === sellers.join() && owners.includes('rep1') && !owners.includes('vw'),
      `owners offered: ${owners}, not the viewer`);
    // an empty title is refused by the server, in the reader's language, under the field
    await form.locator('button[type=submit]').click();
    const e1 = await fieldError(form, 'title');
    assert(e1 === T['reason.required'].replace('{field}', T['ent.deal.title']), `title error ${e1}`);
    await form.locator('input[name=title]').fill(title);
    await form.locator('input[name=customer]').fill('蓝海贸易');
    await form.locator('select[name=owner]').selectOption(lang === 'zh-CN' ? 'rep1' : 'rep2');
    await form.locator('select[name=channel]').selectOption(lang === 'zh-CN' ? 'direct' : 'partner');
    await form.locator('select[name=segment]').selectOption(lang === 'zh-CN' ? 'ent' : 'smb');
    await form.locator('input[name=expected_close]').fill('2026-12-20');
    await form.locator('#add-line').click();
    await form.locator('.deal-line[data-line="0"] select[name=product]').selectOption('W');
    await form.locator('.deal-line[data-line="0"] input[name=quantity]').fill('3');
    await form.locator('#add-line').click();
    await form.locator('.deal-line[data-line="1"] select[name=product]').selectOption('G');
    await form.locator('.deal-line[data-line="1"] input[name=quantity]').fill('5');
    await form.locator('.deal-line[data-line="1"] input[name=unit_price]').fill('36.00');
    await form.locator('.deal-line[data-line="1"] input[name=discount]').fill('10.00');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    const made = (await dealsNow(page)).find((d) => d.title === title);
    const full = await one(page, made.id);
    // 3 x 100.00 (the list price) + 5 x 36.00 - 10.00 = 470.00
    assert(full.amount === 47000 && full.lines.length === 2 && full.owner === (lang === 'zh-CN' ? 'rep1' : 'rep2')
      && full.segment === (lang === 'zh-CN' ? 'ent' : 'smb') && full.expected_close === '2026-12-20', `made ${JSON.stringify(full)}`);
    await card(page, title).waitFor();
    // edit: the first line to 4, the second removed
    await card(page, title).locator('.deal-edit').click();
    await form.waitFor();
    await form.locator('.deal-line[data-line="0"] input[name=quantity]').waitFor();
    assert(await form.locator('input[name=title]').inputValue() === title, 'the form holds the deal');
    await form.locator('.deal-line[data-line="0"] input[name=quantity]').fill('4');
    await form.locator('.deal-line[data-line="1"] button[name=remove-line]').click();
    await form.locator('input[name=probability]').fill('40');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    const edited = await one(page, made.id);
    assert(edited.amount === 40000 && edited.lines.length === 1 && edited.probability === 0.4, `edited ${JSON.stringify(edited)}`);
  });

  await test(`${lang}: filters, a saved view found again after a reload, and the table`, [tf], async () => {
    const f = page.locator('#deal-filters');
    await f.locator('select[name=owner]').selectOption('rep1');
    const all = await dealsNow(page);
    const want = (pred) => all.filter(pred).map((d) => d.title).sort();
    const shown = async () => (await page.locator('.deal-card .deal-edit').allTextContents()).sort();
    assert((await shown()).join() === want((d) => d.owner === 'rep1').join(), `owner rep1: ${await shown()}`);
    await f.locator('select[name=channel]').selectOption('direct');
    await f.locator('input[name=min]').fill('400');
    assert((await shown()).join() === want((d) => d.owner === 'rep1' && d.channel === 'direct' && d.amount >= 40000).join(),
      `rep1, direct, 400+: ${await shown()}`);
    await f.locator('select[name=owner]').selectOption('');
    await f.locator('select[name=channel]').selectOption('');
    await f.locator('input[name=min]').fill('');
    await f.locator('select[name=segment]').selectOption(lang === 'zh-CN' ? 'ent' : 'smb');
    await f.locator('input[name=max]').fill('1000');
    await f.locator('input[name=from]').fill('2026-12-01');
    await f.locator('input[name=to]').fill('2026-12-31');
    const seg = lang === 'zh-CN' ? 'ent' : 'smb';
    const wantSeg = want((d) => d.segment === seg && d.amount <= 100000 && d.expected_close >= '2026-12-01' && d.expected_close <= '2026-12-31');
    assert(wantSeg.length >= 1 && (await shown()).join() === wantSeg.join(), `segment and dates: ${await shown()} vs ${wantSeg}`);
    const name = `${L} 十二月大单`;
    await page.locator('input[name=view_name]').fill(name);
    await page.click('#deal-view-save');
    await page.locator('#deal-notice', { hasText: T['deals.view_saved'].replace('{name}', name) }).waitFor();
    const views = (await get(page, P + '/deal-views')).views;
    assert(views.some((v) => v.name === name && v.filters.segment === seg), `saved ${JSON.stringify(views)}`);
    await page.reload();
    await page.locator('#deal-board').waitFor();
    await card(page, title).waitFor();
    const opt = await page.locator('#deal-view option', { hasText: name }).getAttribute('value');
    await page.locator('#deal-view').selectOption(opt);
    assert((await shown()).join() === wantSeg.join(), `the view again: ${await shown()}`);
    assert(await page.locator('#deal-filters select[name=segment]').inputValue() === seg, 'the filter is back');
    // the table: the same deals
    await page.click('#deal-mode-table');
    const rows = (await page.locator('#deal-table tbody .deal-edit').allTextContents()).sort();
    assert(rows.join() === wantSeg.join(), `table ${rows}`);
    await page.click('#deal-mode-board');
    // my deals: the manager owns none of them
    await page.locator('#deal-view').selectOption('mine');
    assert((await shown()).join() === want((d) => d.owner === 'mgr').join(), 'my deals');
    await page.locator('#deal-view').selectOption(opt);
    await page.click('#deal-view-delete');
    await page.locator('#deal-view-delete').waitFor({ state: 'detached' });
    assert(!(await get(page, P + '/deal-views')).views.some((v) => v.name === name), 'deleted');
    await page.locator('#deal-view').selectOption('');
  });

  await test(`${lang}: a move someone beat shows the conflict in the reader's language and refreshes the card`, [tb], async () => {
    const d = deal(server, 'mgr', ['--title', `${L} 抢单`, '--customer', '华东医院', '--owner', 'rep1']);
    await page.reload();
    await card(page, d.title).waitFor();
    // rep1 moves it first, from the CLI; the board still holds version 1
    server.cli(['deal', 'move', 'FY', String(d.id), 'negotiation'], { as: 'rep1' });
    const res = await drag(page, d.title, 'qualified');
    assert(res.status() === 409, `the stale move: ${res.status()}`);
    const msg = (await page.locator('#deal-error').textContent()).trim();
    assert(msg.includes(T['deals.conflict'].replace('{title}', d.title)), `message "${msg}"`);
    await column(page, 'negotiation').locator('.deal-card', { hasText: d.title }).waitFor();
    assert((await one(page, d.id)).stage === 'negotiation', 'the other move stands');
  });

  await test(`${lang}: a deal past the stale threshold is marked; a manager changes the threshold`, [tb], async () => {
    const old = Math.floor(Date.now() / 1000) - 10 * 86400;
    execFileSync('sqlite3', [db, `UPDATE deals SET stage_changed_at = ${old} WHERE id = ${a.id}`]);
    await page.reload();
    await card(page, a.title).waitFor();
    assert(await card(page, a.title).locator('.deal-stale-mark').count() === 0, 'ten days is not stale at 30');
    await page.locator('input[name=stale_days]').fill('7');
    await page.click('#deal-stale-save');
    await card(page, a.title).locator('.deal-stale-mark').waitFor();
    assert((await card(page, a.title).locator('.deal-stale-mark').textContent()).trim() === T['deals.stale'], 'marked');
    assert((await get(page, P + '/stages')).stale_days === 7, 'saved');
    await page.locator('input[name=stale_days]').fill('30');
    await page.click('#deal-stale-save');
    await page.locator('#deal-notice', { hasText: '30' }).waitFor();
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
}

async function repAndViewer(browser, server, lang) {
  const T = TEXTS[lang];
  await test(`${lang}: a rep sees the whole board and moves only their own cards`, [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'rep1', PASSWORD, { lang });
    const mine = deal(server, 'rep1', ['--title', `${lang} 王芳的单`, '--customer', '华东医院', '--channel', 'direct']);
    const theirs = deal(server, 'rep2', ['--title', `${lang} 赵磊的单`, '--customer', '星河科技']);
    await page.go('#/p/FY/deals');
    await card(page, theirs.title).waitFor();
    const all = await dealsNow(page);
    assert(await page.locator('.deal-card').count() === all.length, 'every deal of the board');
    assert(await card(page, theirs.title).getAttribute('draggable') === 'false', 'another\'s card is not draggable');
    assert(await card(page, theirs.title).locator('select[name=move]').count() === 0, 'nor has a move menu');
    await dropOn(page, theirs.title, 'qualified');
    assert((await one(page, theirs.id)).stage === 'lead', 'a drop of another\'s card moves nothing');
    assert(await card(page, mine.title).getAttribute('draggable') === 'true', 'the own card is draggable');
    const res = await drag(page, mine.title, 'qualified');
    assert(res.status() === 200, `own move ${res.status()}`);
    assert((await one(page, mine.id)).stage === 'qualified', 'moved');
    // the rep's form: the owner is the rep
    await page.click('#deal-new');
    const form = page.locator('#deal-form');
    await form.waitFor();
    assert(await form.locator('select[name=owner]').isDisabled(), 'the owner is fixed');
    assert(await form.locator('select[name=owner]').inputValue() === 'rep1', 'the rep');
    await form.locator('input[name=title]').fill(`${lang} 王芳新单`);
    await form.locator('input[name=customer]').fill('不存在的客户');
    await form.locator('button[type=submit]').click();
    const e = await fieldError(form, 'customer');
    assert(e.includes('不存在的客户'), `unknown customer: ${e}`);
    await form.locator('input[name=customer]').fill('蓝海贸易');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    const made = (await dealsNow(page)).find((d) => d.title === `${lang} 王芳新单`);
    assert(made && made.owner === 'rep1', 'the rep\'s own deal');
    assert(T['deals.new'], 'catalog');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test(`${lang}: a viewer reads the board and moves nothing`, [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang });
    await page.go('#/p/FY/deals');
    await page.locator('.deal-card').first().waitFor();
    assert(await page.locator('.deal-card select[name=move]').count() === 0, 'no move menus');
    assert(await page.locator('.deal-card[draggable=true]').count() === 0, 'nothing draggable');
    assert(await page.locator('#deal-new').count() === 0, 'no new deal');
    assert(await page.locator('input[name=stale_days]').count() === 0, 'no threshold');
    const r = await call(page, 'POST', P + '/deals', { title: 'x', customer: '华东医院' });
    assert(r.status === 403, `the server refuses too: ${r.status}`);
    await ctx.close();
  });
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'deals' });
  for (const lang of ['zh-CN', 'en']) await boardAs(browser, server, lang);
  for (const lang of ['zh-CN', 'en']) await repAndViewer(browser, server, lang);

  await test('a manager on a phone (390×844): the columns stack, the form fits, a card moves by its menu', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = TEXTS['zh-CN'];
    const d = deal(server, 'mgr', ['--title', '手机 商机', '--customer', '华东医院', '--owner', 'rep2']);
    await page.go('#/p/FY/deals');
    await card(page, d.title).waitFor();
    await assertNoSidewaysScroll(page, 'the board');
    const vw = page.viewportSize().width;
    const boxes = await page.locator('.deal-column').evaluateAll((cs) => cs.map((x) => { const b = x.getBoundingClientRect(); return [b.left, b.top, b.width]; }));
    assert(boxes.length === 6 && boxes.every(([l, , w]) => l >= 0 && l + w <= vw + 0.5), `columns ${JSON.stringify(boxes)}`);
    assert(boxes.every(([, top], i) => i === 0 || top > boxes[i - 1][1]), 'the columns stack');
    await Promise.all([
      page.waitForResponse((r) => /\/deals\/\d+\/stage$/.test(new URL(r.url()).pathname)),
      card(page, d.title).locator('select[name=move]').selectOption('negotiation'),
    ]);
    await column(page, 'negotiation').locator('.deal-card', { hasText: d.title }).waitFor();
    await page.click('#deal-new');
    await page.locator('#deal-form').waitFor();
    await page.click('#add-line');
    await assertFitsPhone(page, page.locator('.modal'), 'the deal form');
    await page.locator('#deal-form input[name=title]').fill('手机 新建');
    await page.locator('#deal-form input[name=customer]').fill('星河科技');
    await page.locator('#deal-form .deal-line select[name=product]').selectOption('G');
    await page.locator('#deal-form button[type=submit]').click();
    await page.locator('#deal-form').waitFor({ state: 'detached' });
    const made = (await dealsNow(page)).find((x) => x.title === '手机 新建');
    assert(made && made.amount === 4000 && made.owner === 'mgr', `made ${JSON.stringify(made)}`);
    assert(T['deals.title'], 'catalog');
    await shot(page, 'deals-zh-phone');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  // last: the stages change the board's columns
  await test('zh-CN: a manager adds a stage, moves it into place and names it', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
    const T = TEXTS['zh-CN'];
    await page.go('#/p/FY/deals');
    await page.locator('#deal-board').waitFor();
    await page.click('#deal-stages');
    const form = page.locator('#stages-form');
    await form.waitFor();
    const codes = await form.locator('input[name=code]').evaluateAll((xs) => xs.map((x) => x.value));
    assert(codes.join() === STAGES.join(), `rows ${codes}`);
    await page.click('#stage-add');
    const row = form.locator('tr[data-stage-row="6"]');
    await row.locator('input[name=code]').fill('demo');
    await row.locator('input[name=name]').fill('产品演示');
    await row.locator('input[name=probability]').fill('40');
    const kinds = await optionValues(row.locator('select[name=kind]'));
    assert(kinds.join() === 'open,won,lost', `kinds ${kinds}`);
    await row.locator('select[name=kind]').selectOption('open');
    for (let i = 6; i > 2; i--) await form.locator(`tr[data-stage-row="${i}"] button[name=up]`).click();
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    const got = await get(page, P + '/stages');
    assert(got.stages.map((x) => x.code).join() === 'lead,qualified,demo,proposal,negotiation,won,lost', `order ${got.stages.map((x) => x.code)}`);
    const demo = got.stages[2];
    assert(demo.name === '产品演示' && demo.probability === 0.4 && demo.kind === 'open' && got.custom, `demo ${JSON.stringify(demo)}`);
    const names = await page.locator('.deal-column .deal-column-name').allTextContents();
    assert(names[2] === '产品演示' && names.length === 7, `columns ${names}`);
    assert(names[0] === T['ent.deal.stage.lead'], 'a standard stage keeps its label');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test('en: stages that would break the pipeline are refused in English and change nothing', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'en' });
    const T = TEXTS.en;
    await page.go('#/p/FY/deals');
    await page.locator('#deal-board').waitFor();
    const before = await get(page, P + '/stages');
    const inLead = (await dealsNow(page)).filter((d) => d.stage === 'lead').length;
    assert(inLead > 0, 'deals in lead');
    await page.click('#deal-stages');
    const form = page.locator('#stages-form');
    await form.waitFor();
    await form.locator('tr[data-stage-row="0"] button[name=remove]').click();
    await form.locator('button[type=submit]').click();
    const want1 = T['reason.stage_in_use'].replace('{stage}', T['ent.deal.stage.lead']).replace('{deals}', String(inLead));
    await form.locator('.banner', { hasText: want1 }).waitFor();
    await page.click('#stages-form button.btn:not(.btn-primary):not(.btn-small)');
    await form.waitFor({ state: 'detached' });
    for (const [kind, won, lost] of [['won', 2, 1], ['lost', 1, 2]]) {
      await page.click('#deal-stages');
      await form.waitFor();
      await form.locator('tr[data-stage-row="2"] select[name=kind]').selectOption(kind);
      await form.locator('button[type=submit]').click();
      const want = T['reason.stage_won_lost'].replace('{won}', String(won)).replace('{lost}', String(lost));
      await form.locator('.banner', { hasText: want }).waitFor();
      await page.click('#stages-form button.btn:not(.btn-primary):not(.btn-small)');
      await form.waitFor({ state: 'detached' });
    }
    const after = await get(page, P + '/stages');
    assert(JSON.stringify(after) === JSON.stringify(before), 'nothing changed');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
