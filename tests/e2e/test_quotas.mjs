// test_quotas.mjs - the project's Quotas screen (screens/quotas.js), the goal cards' quota
// lines and the home screen's own quotas, in Chromium.
//
// P1 (today 2026-09-15): mgr its manager; reps 王芳 (rep1) and 周伟 (rep2) at full load, 孙丽
// (rep3) at half load without history; 高总 a viewer. A unit sells at 1,000.00. Before the
// goals' window (2026-07-01 .. 2026-12-28; the basis window 2026-01-01 .. 2026-06-30) rep1 sold
// 3 units, rep2 1; in it rep1 1 and rep2 2 (each sale a new customer).
//
// A manager in zh-CN (revenue, units) and an admin in en (deals won, new customers) - every
// goal metric that takes quotas - open Quotas from the project's navigation, ask for the
// suggestion, see the formula in words in their language and each rep's inputs and quota as
// computed here on their own (weight = basis x capacity, a rep without history at the
// average basis, largest remainders), raise one line by one step and see the running sum say
// what is over, save and see the server's sum rule refused in their language with nothing
// saved, lower another line, save, and read each line's quota, share, actual and progress
// (computed here from the seeded sales). A goal whose metric does not add up says so and
// offers no controls. The person select offers the project's sellers; a line removed and
// added back round-trips. The assignment form, in both languages, assigns an account (found
// by searching its name) and a segment (both of its options), edits one, and shows a
// second member for the same account refused in the reader's language, and deletes a line. A rep's home screen
// shows their own quotas first; a rep and a viewer read the team's lines without a control;
// the overview's goal cards show each member's share and progress. On a phone a manager
// suggests and saves a split and assigns a segment, and the page does not scroll sideways.
process.env.SALESPM_TODAY = '2026-09-15';
import { test, assert, run, startServer, shot, PASSWORD, cli } from './lib.mjs';
import { signedIn, call, get, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, fmtPct, fmtMoney, fmtInt, sq } from './forms.mjs';

const PROJECT = 'P1';
// login, name, workspace role, role on P1, capacity %
const USERS = [
  ['mgr', '李娜', 'manager', 'manager', 100], ['rep1', '王芳', 'rep', 'member', 100], ['rep2', '周伟', 'rep', 'member', 100],
  ['rep3', '孙丽', 'rep', 'member', 50], ['vw', '高总', 'viewer', 'viewer', 100], ['out', '赵强', 'rep', null, 100],
];
const NAME = Object.fromEntries([['admin', 'Administrator'], ...USERS.map(([l, n]) => [l, n])]);
const REPS = ['rep1', 'rep2', 'rep3']; // the suggestion's reps (role member), by login
const CAP = { rep1: 1, rep2: 1, rep3: 0.5 };
const PRICE = 100000; // 1,000.00
const BEFORE = { rep1: 3, rep2: 1, rep3: 0 }; // units (and new customers) before the window
const DURING = { rep1: 1, rep2: 2, rep3: 0 }; // in it
// goal name -> metric, typed target, target in the unit, the reps' past values, actual so far, step
const GOALS = {
  下半年营收: { metric: 'revenue', typed: '10000.00', target: 1000000, past: (r) => BEFORE[r] * PRICE, actual: (r) => DURING[r] * PRICE, step: 100, lang: 'zh-CN' },
  下半年销量: { metric: 'units', typed: '10', target: 10, past: (r) => BEFORE[r], actual: (r) => DURING[r], step: 1, lang: 'zh-CN' },
  赢单数: { metric: 'deals_won', typed: '7', target: 7, past: () => 0, actual: () => 0, step: 1, lang: 'en' },
  新客户: { metric: 'new_customers', typed: '9', target: 9, past: (r) => BEFORE[r], actual: (r) => DURING[r], step: 1, lang: 'en' },
};

async function setup(db, pw) {
  for (const [login, name, role] of USERS) cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', PROJECT, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2026-12-31']);
  for (const [login, , , prole, cap] of USERS) if (prole) cli(db, ['member', 'add', PROJECT, login, '--role', prole, '--capacity', String(cap)]);
  cli(db, ['segment', 'add', 'enterprise', '--name', '大型企业']);
  cli(db, ['segment', 'add', 'smb', '--name', '中小企业']);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(db, ['product', 'add', 'X3', '--name', 'X3', '--cost', '400.00', '--price', '1000.00']);
  let n = 0;
  const sale = (day, rep) => cli(db, ['sale', 'add', PROJECT, '--date', day, '--customer', `客户${++n}`, '--product', 'X3',
    '--channel', 'direct', '--rep', rep, '--quantity', '1', '--price', '1000.00']);
  for (const r of REPS) for (let i = 0; i < BEFORE[r]; i++) sale(`2026-0${2 + i}-1${n % 9}`, r);
  for (const r of REPS) for (let i = 0; i < DURING[r]; i++) sale(`2026-0${7 + i}-2${n % 9}`, r);
  for (const [name, g] of Object.entries(GOALS))
    cli(db, ['goal', 'add', PROJECT, '--name', name, '--metric', g.metric, '--target', g.typed, '--start', '2026-07-01', '--due', '2026-12-28']);
  cli(db, ['goal', 'add', PROJECT, '--name', '毛利率', '--metric', 'gross_margin', '--target', '40%', '--start', '2026-07-01', '--due', '2026-12-28']);
}

// The suggestion worked out here: exact rationals (as [num, den] BigInts), largest remainders, ties by login.
function suggested(g) {
  const past = Object.fromEntries(REPS.map((r) => [r, BigInt(g.past(r))]));
  const hist = REPS.filter((r) => past[r] > 0n);
  const sum = hist.reduce((a, r) => a + past[r], 0n);
  const h = BigInt(hist.length);
  // weights over the common denominator h x 100 (capacity in percent)
  const w = Object.fromEntries(REPS.map((r) => [r, (hist.length ? (past[r] > 0n ? past[r] * h : sum) : 1n) * BigInt(CAP[r] * 100)]));
  const total = REPS.reduce((a, r) => a + w[r], 0n);
  const units = BigInt(g.target / g.step);
  const out = {}; const rem = {};
  for (const r of REPS) { out[r] = (units * w[r]) / total; rem[r] = (units * w[r]) % total; }
  let left = units - REPS.reduce((a, r) => a + out[r], 0n);
  for (const r of [...REPS].sort((a, b) => (rem[b] > rem[a] ? 1 : rem[b] < rem[a] ? -1 : a < b ? -1 : 1))) {
    if (left <= 0n) break;
    out[r] += 1n; left -= 1n;
  }
  return Object.fromEntries(REPS.map((r) => [r, Number(out[r]) * g.step]));
}

const unitOf = (g) => (g.metric === 'revenue' ? 'money' : 'count');
const shown = (lang, g, v) => (unitOf(g) === 'money' ? fmtMoney(lang, v) : fmtInt(lang, v));
const ratio = (a, b) => Math.round((a / b) * 10000) / 10000;
// a value as the server's messages give it: "10,100.00" (money), "11" (counts)
const plain = (g, v) => (unitOf(g) === 'money' ? (v / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(v));
const typed = (g, v) => (unitOf(g) === 'money' ? (v / 100).toFixed(2) : String(v));
const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
const API = `/api/v1/projects/${PROJECT}/quotas`;

async function goalIds(page) {
  const b = await get(page, API);
  return Object.fromEntries(b.goals.map((g) => [g.name, g]));
}

async function openQuotas(page, T) {
  await page.go(`#/p/${PROJECT}`);
  await page.click('#nav-quotas');
  await page.locator('.page-head h1', { hasText: T['quota.title'] }).waitFor();
  await page.locator('.quota-goal').first().waitFor();
}

// The lines of a goal's table as a reader sees them: person -> [quota, share, actual, progress].
const readLines = (card) => card.locator('.quota-table tbody tr').evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.person,
  ['.quota-target', '.quota-share', '.quota-actual', '.quota-pct'].map((s) => tr.querySelector(s).textContent.replace(/\s/g, ''))])));

// Suggest, check, edit one line up a step, see the sum over and the server's refusal, fix, save.
async function splitGoal(page, lang, name, g, id) {
  const T = TEXTS[lang];
  const card = page.locator(`.quota-goal[data-goal-id="${id}"]`);
  await card.locator('.quota-suggest').click();
  const formula = card.locator('.quota-formula-text');
  await formula.waitFor();
  const want = suggested(g);
  const text = (await formula.textContent()).trim();
  const hist = REPS.filter((r) => g.past(r) > 0).length;
  const vars = { metric: T['metric.' + g.metric].toLowerCase(), days: 181, n: hist,
    step: unitOf(g) === 'money' ? T['quota.step_whole'] : T['quota.step_one'] };
  const key = hist ? 'quota.formula' : 'quota.formula_none';
  for (const part of fill(T[key], vars).split(/\{from\}|\{to\}/)) assert(text.includes(part), `${name}: the formula "${text}" lacks "${part}"`);
  assertLang(lang, text, `${name}'s formula`);
  // each rep's inputs and suggested quota
  const inputs = await card.locator('.quota-inputs tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.person,
    tr.querySelector('.quota-suggested').textContent.replace(/\s/g, ''), tr.children[3].textContent.replace(/\s/g, '')]));
  assert(JSON.stringify(inputs) === JSON.stringify(REPS.map((r) => [r, sq(shown(lang, g, want[r])), sq(fmtPct(lang, CAP[r]))])),
    `${name}: inputs ${JSON.stringify(inputs)}, want ${JSON.stringify(want)}`);
  await shot(page, `quotas-${lang === 'zh-CN' ? 'zh' : 'en'}-suggest-${g.metric}`);
  // the editor holds the suggestion; the sum is exact
  const rows = card.locator('.quota-edit-table tbody tr');
  assert(await rows.count() === REPS.length, `${name}: ${await rows.count()} lines`);
  const sum = card.locator('.quota-sum');
  assert(Number(await sum.getAttribute('data-left')) === 0, `${name}: the suggestion leaves ${await sum.getAttribute('data-left')}`);
  assert((await sum.textContent()).includes(T['quota.exact']), `${name}: the sum says ${await sum.textContent()}`);
  // the person select offers the project's sellers (not the viewer, not someone off it)
  const offered = await optionValues(rows.first().locator('select[name=person]'));
  assert(JSON.stringify(offered.sort()) === JSON.stringify(['admin', 'mgr', 'rep1']), `${name}: offered ${offered}`);
  // one line up a step: over by a step, refused by the server in the reader's language
  const up = { ...want, rep1: want.rep1 + g.step };
  await rows.nth(0).locator('input[name=target]').fill(typed(g, up.rep1));
  assert(Number(await sum.getAttribute('data-left')) === -g.step, `${name}: left ${await sum.getAttribute('data-left')}`);
  assert(sq(await sum.textContent()).includes(sq(fill(T['quota.over'], { over: shown(lang, g, g.step) }))), `${name}: the sum says ${await sum.textContent()}`);
  await card.locator('.quota-save').click();
  const banner = card.locator('.quota-editor .banner-error');
  await banner.waitFor();
  const total = g.target + g.step;
  const msg = fill(T['reason.quota_sum_over'], { sum: plain(g, total), target: plain(g, g.target), over: plain(g, g.step) });
  assert((await banner.textContent()).includes(msg), `${name}: the refusal "${await banner.textContent()}", want "${msg}"`);
  assertLang(lang, msg, `${name}'s refusal`);
  const before = (await goalIds(page))[name].quotas;
  assert(before.version === 0 && before.lines.length === 0, `${name}: something was saved: ${JSON.stringify(before)}`);
  // another line down a step: saved
  const from = REPS.find((r) => r !== 'rep1' && want[r] >= g.step);
  const fixed = { ...up, [from]: up[from] - g.step };
  await rows.nth(REPS.indexOf(from)).locator('input[name=target]').fill(typed(g, fixed[from]));
  await card.locator('.quota-save').click();
  await card.locator('.banner-success').waitFor();
  assert((await card.locator('.banner-success').textContent()).includes(fill(T['quota.saved'], { version: 1 })), `${name}: the notice`);
  const saved = (await goalIds(page))[name].quotas;
  assert(JSON.stringify(saved.lines.map((l) => [l.person, l.target])) === JSON.stringify(REPS.map((r) => [r, fixed[r]])),
    `${name}: saved ${JSON.stringify(saved.lines)}`);
  // what a reader sees: quota, share, actual so far, progress
  const seen = await readLines(card);
  for (const r of REPS) {
    const exp = [shown(lang, g, fixed[r]), fmtPct(lang, ratio(fixed[r], g.target)), shown(lang, g, g.actual(r)),
      fixed[r] ? fmtPct(lang, ratio(g.actual(r), fixed[r])) : '—'].map(sq);
    assert(JSON.stringify(seen[r]) === JSON.stringify(exp), `${name} ${r}: ${JSON.stringify(seen[r])}, want ${JSON.stringify(exp)}`);
  }
  return fixed;
}

const splits = {};

async function managerSplits(browser, server, user, lang) {
  return test(`${lang}: ${user} suggests, edits, meets the sum rule and saves each goal's quotas`, [], async () => {
    const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
    const T = TEXTS[lang];
    await openQuotas(page, T);
    const ids = await goalIds(page);
    for (const [name, g] of Object.entries(GOALS).filter(([, x]) => x.lang === lang))
      splits[name] = await splitGoal(page, lang, name, g, ids[name].goal);
    // a goal whose metric does not add up: said, no controls
    const margin = page.locator(`.quota-goal[data-goal-id="${ids['毛利率'].goal}"]`);
    assert((await margin.locator('.quota-not-offered').textContent()).includes(T['quota.not_offered.metric']), 'the margin goal');
    assert(await margin.locator('button').count() === 0, 'the margin goal offers controls');
    await shot(page, `quotas-${lang === 'zh-CN' ? 'zh' : 'en'}-${user}`);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
}

// A line removed and added back, through the editor, round-trips (version 2).
async function removeAndAdd(browser, server) {
  return test('en: a manager removes a line and adds it back; the split is saved as it was', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'en' });
    const T = TEXTS.en;
    await openQuotas(page, T);
    const g = (await goalIds(page))['下半年销量'];
    const card = page.locator(`.quota-goal[data-goal-id="${g.goal}"]`);
    await card.locator('.quota-edit').click();
    const rows = card.locator('.quota-edit-table tbody tr');
    await rows.nth(2).locator('.quota-remove').click();
    assert(await rows.count() === 2, 'removed');
    const left = g.target - g.quotas.lines.filter((l) => l.person !== 'rep3').reduce((a, l) => a + l.target, 0);
    assert(Number(await card.locator('.quota-sum').getAttribute('data-left')) === left, 'what is left');
    assert(sq(await card.locator('.quota-sum').textContent()).includes(sq(fill(T['quota.left'], { left: fmtInt('en', left) }))), 'left said');
    await card.locator('.quota-add').click();
    const added = rows.nth(2);
    const offered = await optionValues(added.locator('select[name=person]'));
    assert(JSON.stringify(offered.sort()) === JSON.stringify(['admin', 'mgr', 'rep3']), `offered ${offered}`);
    await added.locator('select[name=person]').selectOption('rep3');
    await added.locator('input[name=target]').fill(String(left));
    await card.locator('.quota-save').click();
    await card.locator('.banner-success').waitFor();
    const now = (await goalIds(page))['下半年销量'].quotas;
    assert(now.version === 2 && JSON.stringify(now.lines) === JSON.stringify(g.quotas.lines), `round trip ${JSON.stringify(now)}`);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
}

// The assignment form: an account found by name, a segment, an edit, a refusal.
async function assignAs(browser, server, user, lang, rep, other) {
  return test(`${lang}: ${user} assigns an account and a segment, edits one, and meets the one-member-an-account rule`, [], async () => {
    const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
    const T = TEXTS[lang];
    await openQuotas(page, T);
    const customers = (await get(page, '/api/v1/customers?limit=50')).customers;
    const cust = customers.find((c) => c.name === (lang === 'en' ? '客户2' : '客户1'));
    const open = async () => { await page.click('#assign-new'); const f = page.locator('#assign-form'); await f.waitFor(); return f; };
    let f = await open();
    assert(JSON.stringify(await optionValues(f.locator('select[name=kind]'))) === JSON.stringify(['customer', 'segment']), 'kinds');
    assert(JSON.stringify((await optionValues(f.locator('select[name=person]'))).sort()) === JSON.stringify(['admin', 'mgr', 'rep1', 'rep2', 'rep3']), 'people');
    await f.locator('select[name=person]').selectOption(rep);
    await f.locator('input[name=customer_search]').fill(cust.name);
    await f.locator(`select[name=customer] option[value="${cust.id}"]`).waitFor({ state: 'attached' });
    await f.locator('select[name=customer]').selectOption(String(cust.id));
    await f.locator('input[name=note]').fill('负责续约');
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    let list = (await get(page, `/api/v1/projects/${PROJECT}/assignments`)).assignments;
    const a = list.find((x) => x.customer === cust.id);
    assert(a && a.person === rep && a.note === '负责续约' && a.version === 1, `saved ${JSON.stringify(a)}`);
    const row = page.locator(`#assign-list tr[data-id="${a.id}"]`);
    assert((await row.textContent()).includes(cust.name) && (await row.textContent()).includes(NAME[rep]), 'the row');
    // a segment, the form's other kind
    f = await open();
    await f.locator('select[name=person]').selectOption(rep);
    await f.locator('select[name=kind]').selectOption('segment');
    await f.locator('select[name=segment]').selectOption(lang === 'en' ? 'smb' : 'enterprise');
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    list = (await get(page, `/api/v1/projects/${PROJECT}/assignments`)).assignments;
    const s = list.find((x) => x.person === rep && x.segment);
    assert(s && s.segment === (lang === 'en' ? 'smb' : 'enterprise'), `segment ${JSON.stringify(s)}`);
    assert((await page.locator(`#assign-list tr[data-id="${s.id}"]`).textContent()).includes(lang === 'en' ? '中小企业' : '大型企业'), 'segment named');
    // the same account to another member: refused under the account, nothing changed
    f = await open();
    await f.locator('select[name=person]').selectOption(other);
    await f.locator('input[name=customer_search]').fill(cust.name);
    await f.locator(`select[name=customer] option[value="${cust.id}"]`).waitFor({ state: 'attached' });
    await f.locator('select[name=customer]').selectOption(String(cust.id));
    await f.locator('button[type=submit]').click();
    const err = await fieldError(f, 'customer');
    const want = fill(T['reason.customer_assigned'], { person: rep, customer: String(cust.id) });
    assert(err === want, `the refusal "${err}", want "${want}"`);
    assertLang(lang, err, 'the refusal');
    await f.locator('button[type=button]', { hasText: T['action.cancel'] }).click();
    assert((await get(page, `/api/v1/projects/${PROJECT}/assignments`)).assignments.length === list.length, 'nothing added');
    // an edit: the account moves to the other member
    await page.locator(`#assign-list tr[data-id="${a.id}"] .assign-edit`).click();
    f = page.locator('#assign-form');
    await f.locator('select[name=person]').selectOption(other);
    await f.locator('input[name=note]').fill('交接');
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    const moved = (await get(page, `/api/v1/projects/${PROJECT}/assignments/${a.id}`));
    assert(moved.person === other && moved.note === '交接' && moved.version === 2, `moved ${JSON.stringify(moved)}`);
    await shot(page, `assignments-${lang === 'zh-CN' ? 'zh' : 'en'}`);
    // the segment's line deleted, after the reader's confirmation
    await page.locator(`#assign-list tr[data-id="${s.id}"] .assign-delete`).click();
    await page.locator(`#assign-list tr[data-id="${s.id}"]`).waitFor({ state: 'detached' });
    assert(page.dialogs.some((d) => d === fill(T['assign.confirm_delete'], { person: NAME[rep] })), `the confirmation ${page.dialogs}`);
    assert(!(await get(page, `/api/v1/projects/${PROJECT}/assignments`)).assignments.some((x) => x.id === s.id), 'deleted');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'quotas' });
  const zh = await managerSplits(browser, server, 'mgr', 'zh-CN');
  const en = await managerSplits(browser, server, 'admin', 'en');
  const round = await removeAndAdd(browser, server);
  await assignAs(browser, server, 'admin', 'zh-CN', 'rep1', 'rep2');
  await assignAs(browser, server, 'mgr', 'en', 'rep3', 'rep1');

  await test('zh-CN: a rep\'s home screen shows their own quotas first; the team\'s lines without controls', [zh, en, round], async () => {
    const { ctx, page } = await signedIn(browser, server, 'rep2', PASSWORD, { lang: 'zh-CN' });
    const T = TEXTS['zh-CN'];
    await page.go('#/projects');
    const mine = page.locator('#my-quotas');
    await mine.waitFor();
    // above the project cards
    const order = await page.evaluate(() => {
      const a = document.getElementById('my-quotas'), b = document.querySelector('.project-card');
      return !!(a && b && (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING));
    });
    assert(order, 'my quotas come before the projects');
    const lines = await mine.locator('.quota-mine-line').evaluateAll((ls) => ls.map((l) => l.textContent.replace(/\s/g, '')));
    const names = Object.keys(GOALS);
    assert(lines.length === names.length, `${lines.length} own lines: ${lines}`);
    for (const [i, name] of names.entries()) {
      const g = GOALS[name]; const q = splits[name].rep2;
      const want = sq(fill(T['quota.mine_line'], { goal: name, project: PROJECT }) + shown('zh-CN', g, g.actual('rep2')) + '/' + shown('zh-CN', g, q)
        + (q ? fmtPct('zh-CN', ratio(g.actual('rep2'), q)) : '—'));
      assert(lines[i] === want, `line ${i}: ${lines[i]}, want ${want}`);
    }
    await shot(page, 'quotas-zh-rep-home');
    // the team's lines on the Quotas screen, no controls
    await openQuotas(page, T);
    assert(await page.locator('.quota-suggest, .quota-edit, #assign-new, .assign-edit').count() === 0, 'a rep sees controls');
    const card = page.locator('.quota-goal').first();
    assert(await card.locator('.quota-table tbody tr').count() === REPS.length, 'the team\'s lines');
    assert(await card.locator('.quota-table tr.quota-mine[data-person="rep2"]').count() === 1, 'their own line marked');
    // the goal card on the overview: each member's share and progress, their own first
    await page.go(`#/p/${PROJECT}`);
    const ids = await goalIds(page);
    const gc = page.locator(`.goal-card[data-goal-id="${ids['下半年营收'].goal}"] .goal-quotas`);
    await gc.waitFor();
    const seen = await gc.locator('.quota-line').evaluateAll((ls) => ls.map((l) => [l.dataset.person, l.querySelector('.quota-line-share').textContent.trim(), l.querySelector('.quota-pct').textContent.trim()]));
    const g = GOALS['下半年营收']; const s = splits['下半年营收'];
    const order2 = ['rep2', 'rep1', 'rep3'];
    const want = order2.map((r) => [r, fmtPct('zh-CN', ratio(s[r], g.target)), fmtPct('zh-CN', ratio(g.actual(r), s[r]))]);
    assert(JSON.stringify(seen) === JSON.stringify(want), `the card's lines ${JSON.stringify(seen)}, want ${JSON.stringify(want)}`);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test('en: a viewer reads the team\'s quotas and assignments without a control', [zh, en], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await openQuotas(page, TEXTS.en);
    assert(await page.locator('.quota-suggest, .quota-edit, #assign-new, .assign-edit, .assign-delete').count() === 0, 'a viewer sees controls');
    assert(await page.locator('.quota-table tbody tr').count() === REPS.length * Object.keys(GOALS).length, 'every line');
    assert(await page.locator('#my-quotas, #quota-mine').count() === 0, 'a viewer has no quotas of their own');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });

  await test('zh-CN: a manager suggests and saves a split, and assigns a segment, on a phone (390×844)', [zh, en, round], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = TEXTS['zh-CN'];
    await page.go(`#/p/${PROJECT}/quotas`);
    await page.locator('.quota-goal').first().waitFor();
    const ids = await goalIds(page);
    const name = '下半年营收';
    const card = page.locator(`.quota-goal[data-goal-id="${ids[name].goal}"]`);
    await card.locator('.quota-suggest').click();
    await card.locator('.quota-formula-text').waitFor();
    await assertFitsPhone(page, card, 'the quota card');
    const m = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(m <= 0, `the page scrolls sideways by ${m}px`);
    await card.locator('.quota-save').click();
    await card.locator('.banner-success').waitFor();
    const now = (await goalIds(page))[name].quotas;
    const want = suggested(GOALS[name]);
    assert(now.version === 2 && JSON.stringify(now.lines.map((l) => [l.person, l.target])) === JSON.stringify(REPS.map((r) => [r, want[r]])),
      `the suggestion accepted as is: ${JSON.stringify(now)}`);
    await shot(page, 'quotas-zh-phone');
    // the assignment form fits the phone and saves
    await page.click('#assign-new');
    const f = page.locator('#assign-form');
    await f.waitFor();
    await assertFitsPhone(page, page.locator('.modal'), 'the assignment form');
    await f.locator('select[name=person]').selectOption('rep2');
    await f.locator('select[name=kind]').selectOption('segment');
    await f.locator('select[name=segment]').selectOption('smb');
    await f.locator('input[name=note]').fill('电话回访');
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    const a = (await get(page, `/api/v1/projects/${PROJECT}/assignments`)).assignments.find((x) => x.person === 'rep2' && x.segment === 'smb');
    assert(a && a.note === '电话回访', `saved on a phone: ${JSON.stringify(a)}`);
    const m2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(m2 <= 0, `the page scrolls sideways by ${m2}px`);
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
