// test_strategy.mjs - a project's strategy (issue 9, step 2) in the browser: a project manager
// in zh-CN and in en plans a project of their own through the generic forms of its three
// project nouns, opened from the project's navigation (target markets: every segment
// offered, a share changed; channels with a budget; promotions), sees the planned shares past
// 100%, the channels' budgets past the project's and a market, channel or promotion named
// twice refused under the right field in their language with nothing changed, then opens the
// strategy screen and reads the plan against what the sales brought: planned revenue = the
// target x the share, actual share = the revenue / the project's, attainment, margin rates,
// channel cost = revenue x its cost rate against its budget, a promotion's discounts against
// its budget (spent over every project), an over-budget badge in words, the products with a
// competitor's price and the window's price change. A project with nothing planned and no
// sale says so. A project member and viewer read the screen with no edit link; on a phone
// (390 px) the manager plans through the same forms and reads the screen without the page
// scrolling sideways.
// Every expected figure is computed here from the sales the setup records, never read from
// the server's answer.
import { test, assert, run, startServer, shot, PASSWORD } from './lib.mjs';
import {
  signedIn, get, fmtPct, fmtMoney, optionValues, fieldError, assertLang, assertFitsPhone, PHONE,
  TEXTS as CATALOG, openNew, saveForm as save, cancelForm as cancel,
} from './forms.mjs';

const LANGS = { 'zh-CN': 'S-ZH', en: 'S-EN' };
const Y = 2026;
const SEGMENTS = [['ent', '大型企业', 1, '华东', '制造业', '1000 人以上'], ['smb', '中小企业', 2, '华南', '贸易', '50–500 人'],
  ['edu', '教育', 3, '', '', '']];
// code, name, type, cost rate (a fraction)
const CHANNELS = [['direct', '直销', 'direct', 0.08], ['tmall', '天猫旗舰店', 'ecommerce', 0.05]];
// sku, name, unit cost, list price (minor), competitor's price (minor, null: none)
const PRODUCTS = [['SKU-A', '路由器 A', 5000, 10000, 11000], ['SKU-B', '交换机 B', 20000, 40000, null]];
const NEW_PRICE_A = 12000; // SKU-A's price from July, its cost unchanged
const BUDGET = 1000000;    // each project's budget, minor
const TARGET = 2000000;    // each project's revenue goal, minor
// the sales of each project (the same lines; BIG-<L> is the project's own promotion, GIFT is shared)
// date, customer, sku, channel, quantity, unit price (minor), discount (minor), promotion, segment
const SALES = (L) => [
  [`${Y}-03-01`, `甲公司-${L}`, 'SKU-A', 'direct', 10, 10000, 0, '', 'ent'],
  [`${Y}-06-10`, `乙公司-${L}`, 'SKU-B', 'tmall', 5, 40000, 15000, `BIG-${L}`, 'ent'],
  [`${Y}-04-01`, `丙公司-${L}`, 'SKU-A', 'tmall', 4, 10000, 0, '', 'smb'],
  [`${Y}-05-01`, `丁公司-${L}`, 'SKU-B', 'direct', 1, 40000, 1000, 'GIFT', ''],
];
const BIG_BUDGET = 10000, GIFT_BUDGET = 100000;
const EMPTY = 'S-EMPTY';
const major = (minor) => (minor / 100).toFixed(2);

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  const c = (args) => cli(db, args);
  for (const [login, role] of [['mgr', 'manager'], ['rep1', 'rep'], ['vw', 'viewer']])
    c(['user', 'add', login, '--name', login, '--role', role, '--password-file', pw]);
  for (const [code, name, priority, region, industry, size] of SEGMENTS)
    c(['segment', 'add', code, '--name', name, '--priority', String(priority), '--region', region, '--industry', industry, '--company-size', size]);
  for (const [code, name, type, rate] of CHANNELS)
    c(['channel', 'add', code, '--name', name, '--type', type, '--cost-rate', String(rate * 100)]);
  for (const [sku, name, cost, price, comp] of PRODUCTS)
    c(['product', 'add', sku, '--name', name, '--cost', major(cost), '--price', major(price), '--effective', `${Y}-01-01`,
      ...(comp ? ['--competitor-price', major(comp)] : [])]);
  c(['product', 'update', 'SKU-A', '--cost', major(PRODUCTS[0][2]), '--price', major(NEW_PRICE_A), '--effective', `${Y}-07-01`, '--reason', '竞品调价']);
  c(['promotion', 'add', 'GIFT', '--name', '买赠', '--kind', 'gift', '--value', '1', '--budget', major(GIFT_BUDGET)]);
  // a project with nothing planned, no revenue goal and no sale (nor a price change in its window)
  c(['project', 'create', EMPTY, '--name', '空项目', '--start', '2025-01-01', '--end', '2025-06-30']);
  c(['member', 'add', EMPTY, 'mgr', '--role', 'manager']);
  for (const [lang, P] of Object.entries(LANGS)) {
    const L = lang === 'zh-CN' ? 'zh' : 'en';
    c(['promotion', 'add', `BIG-${L}`, '--name', `大促 ${L}`, '--kind', 'percent', '--value', '10', '--budget', major(BIG_BUDGET)]);
    c(['project', 'create', P, '--name', `策略测试 ${L}`, '--start', `${Y}-01-01`, '--end', `${Y}-12-31`, '--budget', major(BUDGET)]);
    for (const [login, role] of [['mgr', 'manager'], ['rep1', 'member'], ['vw', 'viewer']]) c(['member', 'add', P, login, '--role', role]);
    c(['goal', 'add', P, '--metric', 'revenue', '--target', major(TARGET), '--start', `${Y}-01-01`, '--due', `${Y}-12-31`,
      '--name', '全年营收', '--rationale', '年度计划']);
    for (const [date, customer, sku, channel, q, price, discount, promo, segment] of SALES(L))
      c(['sale', 'add', P, '--date', date, '--customer', customer, '--product', sku, '--channel', channel, '--quantity', String(q),
        '--price', major(price), '--rep', 'rep1', ...(discount ? ['--discount', major(discount)] : []),
        ...(promo ? ['--promotion', promo] : []), ...(segment ? ['--segment', segment] : [])]);
  }
}

const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);
const grouped = (minor) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(minor / 100);
const bp = (x) => Math.round(x * 10000) / 10000; // a rate as the server rounds it
const fmtGap = (lang, r) => new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(r);
const fmtDate = (lang, s) => new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(s + 'T00:00:00Z'));
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

// What the strategy screen should say, computed from the sales and the plan made in the test.
function expected(L, plan) {
  const sales = SALES(L).map(([date, customer, sku, channel, q, price, discount, promo, segment]) => {
    const p = PRODUCTS.find((x) => x[0] === sku);
    return { sku, channel, promo, segment, amount: q * price - discount, cost: q * p[2], discount };
  });
  const revenue = sum(sales.map((s) => s.amount));
  const cost = sum(sales.map((s) => s.cost));
  const of = (pick) => {
    const xs = sales.filter(pick);
    const r = sum(xs.map((s) => s.amount)), c = sum(xs.map((s) => s.cost));
    return { revenue: r, margin: r - c, margin_rate: r ? bp((r - c) / r) : null, share: bp(r / revenue),
      discounts: sum(xs.map((s) => s.discount)), lines: xs.length };
  };
  const segments = Object.fromEntries([...Object.keys(plan.segments), ''].map((code) => {
    const x = of((s) => s.segment === code);
    const share = plan.segments[code];
    const planned = share === undefined ? null : Math.round(TARGET * share);
    return [code, { ...x, planned_share: share ?? null, planned, attainment: planned ? bp(x.revenue / planned) : null }];
  }));
  const channels = Object.fromEntries(CHANNELS.map(([code, , , rate]) => {
    const x = of((s) => s.channel === code);
    const { share, budget } = plan.channels[code];
    const ccost = Math.round(x.revenue * rate);
    return [code, { ...x, rate, planned_share: share, planned: Math.round(TARGET * share), channel_cost: ccost, budget,
      left: budget - ccost, over: ccost > budget }];
  }));
  const promotions = Object.fromEntries([[`BIG-${L}`, BIG_BUDGET, 1], ['GIFT', GIFT_BUDGET, 2]].map(([code, budget, projects]) => {
    const x = of((s) => s.promo === code);
    const spent = x.discounts * projects; // GIFT's same lines are in both projects
    return [code, { ...x, budget, spent, left: budget - spent, over: spent > budget }];
  }));
  return {
    revenue, margin: revenue - cost, margin_rate: bp((revenue - cost) / revenue),
    channel_cost: sum(Object.values(channels).map((c) => c.channel_cost)),
    promotion_cost: sum(sales.map((s) => s.discount)),
    channel_budgets: sum(Object.values(plan.channels).map((c) => c.budget)),
    segments, channels, promotions,
  };
}

// The strategy screen as a reader sees it: the cards, and each section's rows by their code.
const readScreen = (page) => page.locator('section.strategy').evaluate((root) => {
  const text = (el) => (el ? el.textContent.replace(/\s+/g, ' ').trim() : null);
  const card = (id) => {
    const el = root.querySelector('#' + id);
    return el && { value: text(el.querySelector('.stat-value')), title: el.querySelector('.stat-value').title, sub: text(el.querySelector('.stat-sub')) };
  };
  const rows = (id, attr) => Object.fromEntries([...root.querySelectorAll(`#${id} tbody tr`)].map((tr) => [tr.getAttribute(attr), {
    head: text(tr.querySelector('th')),
    planned: text(tr.querySelector('[data-share=planned]')), actual: text(tr.querySelector('[data-share=actual]')),
    ...Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, text(td)])),
    cells: [...tr.querySelectorAll('td')].map(text),
  }]));
  return {
    target: card('stat-target'), revenue: card('stat-revenue'), margin: card('stat-margin'),
    channel_cost: card('stat-channel-cost'), promotion_cost: card('stat-promotion-cost'),
    segSummary: text(root.querySelector('#strategy-segments .strategy-summary')),
    chanSummary: text(root.querySelector('#strategy-channels .strategy-summary')),
    segments: rows('strategy-segments', 'data-segment'), channels: rows('strategy-channels', 'data-channel'),
    promotions: rows('strategy-promotions', 'data-promotion'), products: rows('strategy-products', 'data-sku'),
    prices: [...root.querySelectorAll('#strategy-prices tbody tr')].map((tr) => ({ sku: tr.dataset.sku, cells: [...tr.children].map(text) })),
    edits: [...root.querySelectorAll('a[id^=edit-]')].map((a) => [a.id, a.getAttribute('href')]),
  };
});

// The plan each run made, by project ({segments: {code: share}, channels: {code: {share, budget}}}).
const PLANS = {};

async function openNoun(page, P, plural, label) {
  await page.go('#/p/' + P);
  const link = page.locator('#nav-project-' + plural);
  assert((await link.textContent()).trim() === label, `the navigation's link reads "${await link.textContent()}", not "${label}"`);
  await link.click();
  await page.locator('.page-head h1', { hasText: label }).waitFor();
  const hash = await page.evaluate(() => location.hash);
  assert(hash === `#/p/${P}/${plural}`, `the navigation opened ${hash}`);
}

// Submit the open form and read the error under field; the form stays open, then is cancelled.
async function refused(page, f, field, want, lang, what) {
  await f.locator('button[type=submit]').click();
  const msg = await fieldError(f, field);
  assertLang(lang, msg, what);
  assert(msg === want, `${what} reads "${msg}", not "${want}"`);
  await shot(page, `strategy-${lang === 'zh-CN' ? 'zh' : 'en'}-refused-${field}`);
  await cancel(page);
}

async function planAs(browser, server, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const P = LANGS[lang];
  const T = CATALOG[lang];
  const API = `/api/v1/projects/${P}`;
  const plan = PLANS[P] = { segments: {}, channels: {} };
  const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
  const list = async (plural) => (await get(page, `${API}/${plural}?limit=100`))[plural];

  const t1 = `${lang}: the manager plans target markets through the form (every segment offered) and changes a share`;
  await test(t1, [], async () => {
    await openNoun(page, P, 'segments', T['ent.target_market.plural']);
    const f0 = await openNew(page);
    const offered = await optionValues(f0.locator('select[name=segment]'));
    assert(offered.slice().sort().join() === SEGMENTS.map((s) => s[0]).sort().join(), `segments offered: ${offered}`);
    const label = (await f0.locator('[data-field=share] label').textContent()).trim();
    assert(label.startsWith(T['ent.target_market.share']), `the share is labelled "${label}"`);
    await cancel(page);
    for (const [code, share] of [['ent', 40], ['smb', 30]]) {
      const f = await openNew(page);
      await f.locator('select[name=segment]').selectOption(code);
      await f.locator('input[name=share]').fill(String(share));
      await f.locator('textarea[name=note]').fill(L === 'zh' ? `${code} 主攻` : `${code} first`);
      await save(page);
      plan.segments[code] = share / 100;
    }
    let rows = await list('segments');
    assert(rows.length === 2, `${rows.length} target markets saved`);
    for (const r of rows) assert(r.share === plan.segments[r.segment] && r.version === 1, `saved ${JSON.stringify(r)}`);
    // smb's share 30% -> 50%
    const smb = rows.find((r) => r.segment === 'smb');
    await page.locator(`.crud-table tr[data-key="${smb.id}"]`).getByRole('button', { name: T['action.edit'] }).click();
    const f = page.locator('#crud-form');
    assert(await f.locator('input[name=share]').inputValue() === '30', 'the edit form does not show the share as 30');
    await f.locator('input[name=share]').fill('50');
    await save(page);
    plan.segments.smb = 0.5;
    rows = await list('segments');
    const after = rows.find((r) => r.segment === 'smb');
    assert(after.share === 0.5 && after.version === 2 && after.id === smb.id, `edited ${JSON.stringify(after)}`);
  });

  await test(`${lang}: shares past 100% and a market named twice are refused under their field, nothing changed`, [t1], async () => {
    const before = JSON.stringify(await list('segments'));
    // 40% + 50% planned: 20% more would make 110%, 10% is left
    let f = await openNew(page);
    await f.locator('select[name=segment]').selectOption('edu');
    await f.locator('input[name=share]').fill('20');
    await refused(page, f, 'share', fill(T['reason.share_over'], { field: T['ent.target_market.share'], sum: '110', left: '10' }), lang, 'the share-over error');
    f = await openNew(page);
    await f.locator('select[name=segment]').selectOption('ent');
    await f.locator('input[name=share]').fill('5');
    await refused(page, f, 'segment', fill(T['reason.already_planned'], { field: T['ent.target_market.segment'], code: 'ent', project: P }),
      lang, 'the twice-planned market error');
    assert(JSON.stringify(await list('segments')) === before, 'a refused target market changed the plan');
  });

  const t3 = `${lang}: the manager plans channels with budgets; budgets past the project's are refused`;
  await test(t3, [], async () => {
    await openNoun(page, P, 'channels', T['ent.channel_plan.plural']);
    let f = await openNew(page);
    const offered = await optionValues(f.locator('select[name=channel]'));
    assert(offered.slice().sort().join() === CHANNELS.map((c) => c[0]).sort().join(), `channels offered: ${offered}`);
    await f.locator('select[name=channel]').selectOption('direct');
    await f.locator('input[name=share]').fill('60');
    await f.locator('input[name=budget]').fill(major(500000));
    await save(page);
    plan.channels.direct = { share: 0.6, budget: 500000 };
    const before = JSON.stringify(await list('channels'));
    // 5,000 + 6,000 > the project's 10,000: 5,000 is left
    f = await openNew(page);
    await f.locator('select[name=channel]').selectOption('tmall');
    await f.locator('input[name=share]').fill('40');
    await f.locator('input[name=budget]').fill(major(600000));
    await refused(page, f, 'budget', fill(T['reason.budget_over'], {
      field: T['ent.channel_plan.budget'], sum: grouped(1100000), budget: grouped(BUDGET), left: grouped(BUDGET - 500000),
    }), lang, 'the budget-over error');
    assert(JSON.stringify(await list('channels')) === before, 'a refused channel changed the plan');
    // tmall with a budget its cost will pass
    f = await openNew(page);
    await f.locator('select[name=channel]').selectOption('tmall');
    await f.locator('input[name=share]').fill('40');
    await f.locator('input[name=budget]').fill(major(500));
    await save(page);
    plan.channels.tmall = { share: 0.4, budget: 500 };
    const rows = await list('channels');
    for (const r of rows) {
      const p = plan.channels[r.channel];
      assert(p && r.share === p.share && r.budget === p.budget, `saved ${JSON.stringify(r)}`);
    }
    assert(rows.length === 2, `${rows.length} channel lines`);
  });

  const t4 = `${lang}: the manager adds the project's promotions; one named twice is refused`;
  await test(t4, [], async () => {
    await openNoun(page, P, 'promotions', T['ent.project_promotion.plural']);
    for (const code of [`BIG-${L}`, 'GIFT']) {
      const f = await openNew(page);
      await f.locator('select[name=promotion]').selectOption(code);
      await save(page);
    }
    const before = await list('promotions');
    assert(before.map((r) => r.promotion).sort().join() === [`BIG-${L}`, 'GIFT'].sort().join(), `promotions ${JSON.stringify(before)}`);
    const f = await openNew(page);
    await f.locator('select[name=promotion]').selectOption(`BIG-${L}`);
    await refused(page, f, 'promotion', fill(T['reason.already_planned'], { field: T['ent.project_promotion.promotion'], code: `BIG-${L}`, project: P }),
      lang, 'the twice-planned promotion error');
    assert(JSON.stringify(await list('promotions')) === JSON.stringify(before), 'a refused promotion changed the plan');
  });

  await test(`${lang}: the strategy screen sets the plan against the sales`, [t1, t3, t4], async () => {
    await page.go('#/p/' + P);
    await page.click('#nav-strategy');
    await page.locator('#strategy-segments').waitFor();
    const s = await readScreen(page);
    const x = expected(L, plan);
    const m = (v) => fmtMoney(lang, v);
    const p = (v) => fmtPct(lang, v);
    // the cards
    assert(s.target.title === m(TARGET) && s.target.sub.includes('全年营收'), `target card ${JSON.stringify(s.target)}`);
    assert(s.revenue.title === m(x.revenue) && s.revenue.sub === fill(T['strategy.revenue_of_target'], { rate: p(bp(x.revenue / TARGET)) }),
      `revenue card ${JSON.stringify(s.revenue)}`);
    assert(s.margin.title === m(x.margin) && s.margin.sub === fill(T['strategy.margin_rate'], { rate: p(x.margin_rate) }), `margin card ${JSON.stringify(s.margin)}`);
    assert(s.channel_cost.title === m(x.channel_cost) && s.channel_cost.sub === fill(T['strategy.channel_budget_of'], { budget: m(x.channel_budgets) }),
      `channel cost card ${JSON.stringify(s.channel_cost)}`);
    assert(s.promotion_cost.title === m(x.promotion_cost), `promotion cost card ${JSON.stringify(s.promotion_cost)}`);
    // target markets: planned = target x share, actual share = revenue / the project's
    assert(s.segSummary.includes(fill(T['strategy.share_sum'], { planned: p(0.9) })) && s.segSummary.includes(fill(T['strategy.share_left'], { left: p(0.1) })),
      `the markets' summary reads "${s.segSummary}"`);
    for (const [code, want] of Object.entries(x.segments)) {
      const r = s.segments[code];
      assert(r, `no row for segment "${code}" among ${Object.keys(s.segments)}`);
      const seg = SEGMENTS.find((z) => z[0] === code);
      if (seg) assert(r.head.includes(seg[1]) && r.cells.includes(seg[3]) && r.cells.includes(seg[4]) && r.cells.includes(seg[5]), `segment ${code} reads ${JSON.stringify(r)}`);
      else assert(r.head === T['strategy.no_segment'], `the sales without a segment are headed "${r.head}"`);
      assert(r.planned === (want.planned_share === null ? '—' : p(want.planned_share)) && r.actual === p(want.share),
        `${code} shares read ${r.planned} / ${r.actual}, want ${want.planned_share} / ${want.share}`);
      assert(r.planned_revenue === (want.planned === null ? '—' : m(want.planned)) && r.revenue === m(want.revenue),
        `${code} planned ${r.planned_revenue} / revenue ${r.revenue}, want ${want.planned} / ${want.revenue}`);
      assert(r.attainment === (want.attainment === null ? '—' : p(want.attainment)) && r.margin_rate === p(want.margin_rate),
        `${code} attainment ${r.attainment} margin rate ${r.margin_rate}`);
    }
    // channels: cost = revenue x cost rate against the budget; tmall passes its budget
    assert(s.chanSummary.includes(fill(T['strategy.budget_sum'], { planned: m(x.channel_budgets), budget: m(BUDGET) }))
      && s.chanSummary.includes(fill(T['strategy.budget_left_sum'], { left: m(BUDGET - x.channel_budgets) })), `the channels' summary reads "${s.chanSummary}"`);
    for (const [code, want] of Object.entries(x.channels)) {
      const r = s.channels[code];
      assert(r.planned === p(want.planned_share) && r.actual === p(want.share), `${code} shares ${r.planned} / ${r.actual}`);
      assert(r.planned_revenue === m(want.planned) && r.revenue === m(want.revenue) && r.margin === `${m(want.margin)} ${p(want.margin_rate)}`,
        `${code} reads ${JSON.stringify(r)}`);
      assert(r.cost_rate === p(want.rate) && r.channel_cost === m(want.channel_cost) && r.budget === m(want.budget) && r.left === m(want.left),
        `${code} cost ${r.channel_cost} budget ${r.budget} left ${r.left}, want ${want.channel_cost} ${want.budget} ${want.left}`);
      const badge = want.over ? T['strategy.over_budget'] : T['strategy.within_budget'];
      assert(r.status === badge, `${code}'s budget status reads "${r.status}", want "${badge}"`);
    }
    assert(x.channels.tmall.over && !x.channels.direct.over, 'the test meant tmall over its budget and direct within');
    // promotions: the discounts here, spent over every project, left = budget - spent
    for (const [code, want] of Object.entries(x.promotions)) {
      const r = s.promotions[code];
      assert(r, `no row for promotion ${code}`);
      assert(r.lines === String(want.lines) && r.revenue === m(want.revenue) && r.discounts === m(want.discounts) && r.budget === m(want.budget)
        && r.spent === m(want.spent) && r.left === m(want.left), `${code} reads ${JSON.stringify(r)}, want ${JSON.stringify(want)}`);
      assert(r.status === (want.over ? T['strategy.over_budget'] : T['strategy.within_budget']), `${code}'s status reads "${r.status}"`);
    }
    assert(x.promotions[`BIG-${L}`].over && x.promotions[`BIG-${L}`].left === BIG_BUDGET - 15000, 'the test meant BIG over its budget');
    // products: today's price (SKU-A's July one), its margin, the competitor's price and the gap
    for (const [sku, , cost, price0, comp] of PRODUCTS) {
      const r = s.products[sku];
      const price = sku === 'SKU-A' ? NEW_PRICE_A : price0;
      const sold = SALES(L).filter((z) => z[2] === sku);
      const rev = sum(sold.map((z) => z[4] * z[5] - z[6]));
      const c = sum(sold.map((z) => z[4] * cost));
      assert(r.price === m(price) && r.list_margin === p(bp((price - cost) / price)) && r.revenue === m(rev) && r.margin_rate === p(bp((rev - c) / rev)),
        `${sku} reads ${JSON.stringify(r)}`);
      assert(r.competitor_price === (comp ? m(comp) : '—') && r.gap === (comp ? fmtGap(lang, bp((price - comp) / comp)) : '—'),
        `${sku}'s competitor reads ${r.competitor_price} ${r.gap}`);
    }
    // the window's price change of SKU-A: old -> new, with its date, cost and reason
    const change = s.prices.find((r) => r.sku === 'SKU-A' && r.cells[0] === fmtDate(lang, `${Y}-07-01`));
    assert(change && change.cells[2] === `${m(PRODUCTS[0][3])} → ${m(NEW_PRICE_A)}` && change.cells[3] === m(PRODUCTS[0][2]) && change.cells[4] === '竞品调价',
      `the price change reads ${JSON.stringify(change)} among ${JSON.stringify(s.prices)}`);
    // the manager may edit the plan: a link to each noun's screen
    assert(JSON.stringify(s.edits) === JSON.stringify(['segments', 'channels', 'promotions'].map((n) => [`edit-${n}`, `#/p/${P}/${n}`])),
      `the edit links are ${JSON.stringify(s.edits)}`);
    for (const id of ['#strategy-segments h2', '#strategy-channels h2', '#edit-segments']) assertLang(lang, await page.locator(id).textContent(), id);
    await shot(page, `strategy-${L}-screen`);
  });

  await test(`${lang}: the manager's pages had no script error`, [], async () => {
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  });
  await ctx.close();
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'strategy' });
  await planAs(browser, server, 'zh-CN');
  await planAs(browser, server, 'en');

  for (const [user, lang] of [['rep1', 'zh-CN'], ['vw', 'en']]) {
    await test(`${lang}: ${user} (project ${user === 'vw' ? 'viewer' : 'member'}) reads the strategy without an edit link`, [], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      const T = CATALOG[lang];
      const P = LANGS[lang];
      await page.go(`#/p/${P}/strategy`);
      await page.locator('#strategy-segments tbody tr').first().waitFor();
      const s = await readScreen(page);
      assert(s.edits.length === 0, `${user} sees edit links ${JSON.stringify(s.edits)}`);
      assert(s.revenue.title === fmtMoney(lang, sum(SALES(lang === 'zh-CN' ? 'zh' : 'en').map((z) => z[4] * z[5] - z[6]))), `${user} reads revenue ${s.revenue.title}`);
      assert(s.channels.tmall.status === T['strategy.over_budget'], `${user} reads tmall's status "${s.channels.tmall.status}"`);
      // the plan's screens give them no write control either
      await page.go(`#/p/${P}/segments`);
      await page.locator('.crud-table tbody tr').first().waitFor();
      assert(await page.locator('#crud-new').count() === 0, `${user} sees the new button`);
      await shot(page, `strategy-${user}-reads`);
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
  }

  for (const lang of ['zh-CN', 'en']) {
    await test(`${lang}: a project with no sale, no goal and nothing planned says so`, [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
      const T = CATALOG[lang];
      await page.go(`#/p/${EMPTY}/strategy`);
      await page.locator('#strategy-segments').waitFor();
      const said = await page.locator('section.strategy').evaluate((root) => {
        const text = (sel) => { const el = root.querySelector(sel); return el ? el.textContent.replace(/\s+/g, ' ').trim() : null; };
        return {
          sales: text('#strategy-no-sales'), target: text('#stat-target .stat-value'),
          ...Object.fromEntries(['segments', 'channels', 'promotions', 'products', 'prices'].flatMap((k) => [
            [k, text(`#strategy-${k} .strategy-empty`)], [k + 'Summary', text(`#strategy-${k} .strategy-summary`)], [k + 'Rows', root.querySelectorAll(`#strategy-${k} tbody tr`).length]])),
        };
      });
      const want = {
        sales: T['strategy.no_sales'], target: T['strategy.no_target'],
        segments: T['strategy.no_segments'], segmentsSummary: T['strategy.nothing_planned'], segmentsRows: 0,
        channels: T['strategy.no_channels'], channelsSummary: T['strategy.nothing_planned'], channelsRows: 0,
        promotions: T['strategy.no_promotions'], promotionsSummary: null, promotionsRows: 0,
        products: T['strategy.no_products'], productsSummary: null, productsRows: 0,
        prices: T['strategy.no_prices'], pricesSummary: null, pricesRows: 0,
      };
      assert(JSON.stringify(said) === JSON.stringify(want), `the empty project reads ${JSON.stringify(said)}, want ${JSON.stringify(want)}`);
      for (const [k, v] of Object.entries(said)) if (typeof v === 'string') assertLang(lang, v, k);
      // the manager can start planning from here
      assert(await page.locator('#edit-segments').getAttribute('href') === `#/p/${EMPTY}/segments`, 'no link to plan the target markets');
      await shot(page, `strategy-${lang === 'zh-CN' ? 'zh' : 'en'}-empty`);
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
  }

  await test('a manager reads the strategy on a phone (390×844): the page does not scroll sideways, the tables do', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    const T = CATALOG['zh-CN'];
    const P = LANGS['zh-CN'];
    // the plan's forms on the phone: the last 10% to education, notes on a channel and a promotion
    await page.go(`#/p/${P}/segments`);
    let f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the target market form');
    await f.locator('select[name=segment]').selectOption('edu');
    await f.locator('input[name=share]').fill('10');
    await save(page);
    const edu = (await get(page, `/api/v1/projects/${P}/segments?limit=100`)).segments.find((r) => r.segment === 'edu');
    assert(edu && edu.share === 0.1, `saved ${JSON.stringify(edu)}`);
    for (const [plural, key, code, note] of [['channels', 'channel', 'tmall', '新品首发'], ['promotions', 'promotion', 'GIFT', '老客户回馈']]) {
      await page.go(`#/p/${P}/${plural}`);
      const before = (await get(page, `/api/v1/projects/${P}/${plural}?limit=100`))[plural].find((r) => r[key] === code);
      await page.locator(`.crud-table tr[data-key="${before.id}"]`).getByRole('button', { name: T['action.edit'] }).click();
      f = page.locator('#crud-form');
      await assertFitsPhone(page, page.locator('.modal'), `the ${key} plan's form`);
      await f.locator('textarea[name=note]').fill(note);
      await save(page);
      const after = (await get(page, `/api/v1/projects/${P}/${plural}?limit=100`))[plural].find((r) => r[key] === code);
      assert(after.note === note && after.version === before.version + 1, `edited ${JSON.stringify(after)}`);
    }
    await page.go(`#/p/${P}/strategy`);
    await page.locator('#strategy-channels tbody tr').first().waitFor();
    const m = await page.evaluate(() => {
      const wrap = document.querySelector('#strategy-channels .table-wrap');
      const box = wrap.getBoundingClientRect();
      wrap.scrollLeft = 60;
      const cards = [...document.querySelectorAll('.strategy-stats .stat')].map((el) => el.getBoundingClientRect().right);
      return { page: document.documentElement.scrollWidth, vw: window.innerWidth, left: box.left, right: box.right,
        inner: wrap.scrollWidth, outer: wrap.clientWidth, scrolled: wrap.scrollLeft, cards };
    });
    assert(m.page <= m.vw, `the page is ${m.page}px wide on a ${m.vw}px phone`);
    assert(m.left >= 0 && m.right <= m.vw + 0.5, `the channels' card spans ${m.left}..${m.right}`);
    assert(m.inner > m.outer && m.scrolled > 0, `the channels' table does not scroll inside its card: ${JSON.stringify(m)}`);
    assert(m.cards.every((r) => r <= m.vw + 0.5), `a card passes the screen's edge: ${m.cards}`);
    const summary = await page.locator('#strategy-segments .strategy-summary').textContent();
    assert(summary.includes(T['strategy.share_full']), `with education's 10% the markets' summary reads "${summary}"`);
    // the edit link is still there and reachable
    const link = page.locator('#edit-channels');
    const box = await link.boundingBox();
    assert(box && box.x >= 0 && box.x + box.width <= m.vw, `the edit link sits at ${JSON.stringify(box)}`);
    await shot(page, 'strategy-zh-phone');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
});
