// test_customer_page.mjs - a customer's page (#/customers/:id, screens/customers.js) in
// Chromium: one timeline of their sales, activities and feedback across the projects the reader
// may see, newest first, with filters by kind. The customer bought, was visited and gave
// feedback in P1 and in P2, won a deal in P1 (its sale, and a payment planned for it) and met a
// problem there; a manager (who sees every project) in zh-CN on a desktop reaches the
// page from the customer list and reads all of it; a rep on P1 only, in en on a phone, reaches it
// from an activity's customer link and reads P1's entries, never P2's. Each entry's day, time,
// kind, title (an activity's kind and a feedback's category in the reader's language), state (a
// deal's stage, a problem's status, a payment's in the reader's language) and project are compared with what the test recorded, in the order the test computes; each
// kind's filter shows that kind alone.
import { test, assert, run, startServer, shot, cli, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, eventually, PHONE, TEXTS } from './forms.mjs';

const NAME = '华东贸易有限公司';
// what the customer's history holds: [kind, project, date, time, title, state]
const ENTRIES = [
  ['sale', 'P1', '2026-03-02', '', 'SKU-1'],
  ['sale', 'P2', '2026-03-05', '', 'SKU-2'],
  ['activity', 'P1', '2026-03-06', '10:30', 'visit', 'done'],
  ['feedback', 'P1', '2026-03-09', '', 'service'],
  ['activity', 'P2', '2026-03-11', '14:00', 'meeting', 'done'],
  ['feedback', 'P2', '2026-03-12', '', 'delivery'],
  ['activity', 'P1', '2026-04-20', '', 'demo', 'planned'],
  // the won deal records its line as a sale on its win day; its payment is due a month later
  ['sale', 'P1', '2026-03-15', '', 'SKU-1', '', 'by the deal'],
  ['deal', 'P1', '2026-03-15', '', '年度框架采购', 'won'],
  ['collection', 'P1', '2026-04-15', '', '年度框架采购', 'planned'],
  // a problem is stamped with the moment it is opened: today (UTC) on the real clock
  ['problem', 'P1', new Date().toISOString().slice(0, 10), '', '交换机到货延误', 'open'],
];
// the words of each kind's state
const STATE = { deal: 'ent.deal.stage.', problem: 'ent.problem.status.', collection: 'ent.collection.status.' };
const PRODUCTS = { 'SKU-1': '边缘网关', 'SKU-2': '工业相机' };

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  for (const code of ['P1', 'P2'])
    cli(db, ['project', 'create', code, '--name', code === 'P1' ? '华东大客户' : '西北拓展', '--start', '2026-01-01', '--end', '2026-12-31']);
  cli(db, ['member', 'add', 'P1', 'mgr', '--role', 'manager']);
  cli(db, ['member', 'add', 'P1', 'rep1', '--role', 'member']);
  cli(db, ['member', 'add', 'P2', 'mgr', '--role', 'manager']);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  for (const [sku, name] of Object.entries(PRODUCTS)) cli(db, ['product', 'add', sku, '--name', name, '--cost', '60', '--price', '100']);
  let cid = null;
  for (const [kind, project, date, time, title, state, byDeal] of ENTRIES) {
    const who = project === 'P1' ? 'rep1' : 'mgr';
    if (byDeal || STATE[kind]) continue; // made below
    if (kind === 'sale') {
      cid = JSON.parse(cli(db, ['--json', 'sale', 'add', project, '--date', date, '--customer', NAME, '--product', title,
        '--channel', 'direct', '--quantity', '1', '--rep', who]));
      cid = JSON.parse(cli(db, ['--json', 'customer', 'show', NAME])).id;
    } else if (kind === 'activity') {
      cli(db, ['activity', 'add', project, '--kind', title, '--date', date, '--time', time, '--customer', String(cid),
        '--phase', 'after_sale', '--status', state, '--outcome', `${title} ${project}`], { as: who });
    } else {
      cli(db, ['feedback', 'add', project, '--customer', String(cid), '--date', date, '--nps', '9', '--rating', '4',
        '--category', title, '--comment', `${title} ${project}`, '--member', who], { as: who });
    }
  }
  // the deal, won with one line of SKU-1 at its list price (100), its payment and the problem
  const deal = JSON.parse(cli(db, ['--json', 'deal', 'add', 'P1', '--title', '年度框架采购', '--customer', NAME,
    '--channel', 'direct'], { as: 'rep1' }));
  cli(db, ['deal', 'lines', 'P1', String(deal.id), '--line', 'SKU-1:1'], { as: 'rep1' });
  cli(db, ['deal', 'move', 'P1', String(deal.id), 'won', '--won-on', '2026-03-15'], { as: 'rep1' });
  cli(db, ['collection', 'add', 'P1', '--deal', String(deal.id), '--due', '2026-04-15', '--amount', '100.00'], { as: 'mgr' });
  cli(db, ['problem', 'add', 'P1', '--type', 'delivery', '--severity', 'high', '--title', '交换机到货延误',
    '--owner', 'rep1', '--customer', String(cid)], { as: 'mgr' });
  // another customer, so the list has more than one
  cli(db, ['sale', 'add', 'P1', '--date', '2026-02-01', '--customer', '西湖电子科技', '--product', 'SKU-1', '--channel', 'direct', '--quantity', '1']);
}

const RANK = { sale: 0, activity: 1, feedback: 2, deal: 3, problem: 4, collection: 5 };
// newest first: the day, then the time, then the kind's order
const order = (es) => es.slice().sort((a, b) => (a[2] !== b[2] ? (a[2] < b[2] ? 1 : -1) : a[3] !== b[3] ? (a[3] < b[3] ? 1 : -1) : RANK[a[0]] - RANK[b[0]]));
const title = (T, e) => (e[0] === 'activity' ? T['ent.activity.kind.' + e[4]] : e[0] === 'feedback' ? T['ent.feedback.category.' + e[4]]
  : e[0] === 'sale' ? PRODUCTS[e[4]] : e[4]);

const readTimeline = (page) => page.locator('#customer-timeline li').evaluateAll((ls) => ls.map((l) => ({
  kind: l.dataset.kind, project: l.dataset.project, when: l.querySelector('.tl-when').textContent.replace(/\s+/g, ' ').trim(),
  title: l.querySelector('.tl-title').textContent.trim(), kindLabel: l.querySelector('.tl-kind').textContent.trim(),
  planned: l.classList.contains('tl-planned'),
  state: l.querySelector('.tl-state') ? l.querySelector('.tl-state').textContent.trim() : null,
})));

const dayText = (lang, d) => new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
  .format(new Date(d + 'T00:00:00Z'));

async function assertTimeline(page, lang, want) {
  const T = TEXTS[lang];
  const got = await readTimeline(page);
  assert(got.length === want.length, `${got.length} entries, want ${want.length}: ${JSON.stringify(got.map((g) => g.kind + g.project))}`);
  want.forEach((e, i) => {
    const g = got[i];
    assert(g.kind === e[0] && g.project === e[1], `entry ${i} is ${g.kind} of ${g.project}, want ${e[0]} of ${e[1]}`);
    assert(g.title === title(T, e), `entry ${i} is titled "${g.title}", want "${title(T, e)}"`);
    assert(g.kindLabel === T['tl.kind.' + e[0]], `entry ${i}'s kind reads "${g.kindLabel}"`);
    assert(g.planned === (e[0] === 'activity' && e[5] === 'planned'), `entry ${i} planned: ${g.planned}`);
    const state = STATE[e[0]] ? T[STATE[e[0]] + e[5]] : null;
    assert(g.state === state, `entry ${i} (${e[0]}) stands "${g.state}", want "${state}"`);
    assert(g.when.includes(e[3]) && g.when.replace(/\s/g, '').includes(dayText(lang, e[2]).replace(/\s/g, '')),
      `entry ${i} is dated "${g.when}", want ${e[2]} ${e[3]}`);
  });
}

async function customerPageAs(browser, server, user, lang, viewport, projects) {
  const T = TEXTS[lang];
  const where = `${lang}, ${viewport === PHONE ? 'phone' : 'desktop'}`;
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang, viewport });
  const visible = ENTRIES.filter((e) => projects.includes(e[1]));
  const t1 = `${where}: ${user} opens ${NAME}'s page and reads the timeline of ${projects.join(' and ')}, newest first`;
  await test(t1, [], async () => {
    if (user === 'mgr') {
      await page.go('#/customers');
      await page.locator('#customers-table a', { hasText: NAME }).click();
    } else {
      // from an activity's customer link
      await page.go('#/p/P1/activities');
      await page.locator('.crud-table a.customer-link', { hasText: NAME }).first().click();
    }
    await page.locator('.page-head h1', { hasText: NAME }).waitFor();
    await page.locator('#customer-timeline').waitFor();
    await assertTimeline(page, lang, order(visible));
    if (!projects.includes('P2')) {
      const text = await page.locator('main').textContent();
      assert(!text.includes('西北拓展') && !(await readTimeline(page)).some((g) => g.project === 'P2'), 'P2 is shown to a reader outside it');
    }
    await assertNoSidewaysScroll(page, "the customer's page");
    await shot(page, `customer-page-${lang}-${user}`);
  });
  await test(`${where}: ${user} filters the timeline by each kind`, [t1], async () => {
    for (const kind of ['activity', 'feedback', 'sale', 'deal', 'problem', 'collection']) {
      await page.locator(`.timeline-kinds button[data-kind=${kind}]`).click();
      const want = order(visible.filter((e) => e[0] === kind));
      await eventually(() => assertTimeline(page, lang, want));
      const pressed = await page.locator('.timeline-kinds button[aria-pressed=true]').textContent();
      assert(pressed.trim() === T['tl.kind.' + kind], `the pressed filter reads "${pressed}"`);
    }
    await page.locator('.timeline-kinds button[data-kind=all]').click();
    await eventually(() => assertTimeline(page, lang, order(visible)));
  });
  assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  await ctx.close();
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'customer-page' });
  await customerPageAs(browser, server, 'mgr', 'zh-CN', undefined, ['P1', 'P2']);
  await customerPageAs(browser, server, 'rep1', 'en', PHONE, ['P1']);
  await customerPageAs(browser, server, 'rep1', 'zh-CN', undefined, ['P1']);
  await customerPageAs(browser, server, 'mgr', 'en', PHONE, ['P1', 'P2']);
});
