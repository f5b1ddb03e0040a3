import { run, startServer, shot, cli, isoDay, PASSWORD, settle, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, PHONE } from './forms.mjs';
const ev = (code, interim, rev) => ({ project: { code, name: code + '项目', currency: 'CNY', start: isoDay(-60), end: isoDay(30), status: interim ? 'active' : 'closed', closed_at: interim ? null : '2026-11-30T10:00:00Z' },
  interim, as_of: isoDay(0), generated_at: '2026-11-30T16:00:00Z',
  goals: [{ id: 1, metric: 'revenue', unit: 'money', target: 200000, actual: 150000, attainment: 0.75, met: false, due: isoDay(30), status: 'at_risk' },
    { id: 2, metric: 'units', unit: 'count', target: 12, actual: 15, attainment: 1.25, met: true, due: isoDay(30), status: 'achieved' }],
  channels: [{ code: 'direct', name: '直销', revenue: rev, margin: 60000, cost: 5000, roi: 11 }, { code: 'shop', name: '天猫店', revenue: 50000, margin: 30000, cost: 5000, roi: 5 }],
  promotions: [{ code: 'P618', name: '年中大促', revenue: 30000, baseline_daily: 1000.5, promo_daily: 1500, lift: 0.4995, discount: 3000, budget: 10000, roi: 1.2 }],
  prices: [{ sku: 'W', name: '智能手表', changed_on: isoDay(-20), before_price: 10000, after_price: 9000, window_days: 20, units_before: 200, units_after: 280, revenue_before: 2000000, revenue_after: 2520000 }],
  segments: [{ code: 'ent', name: '大型企业', planned_share: 0.6, actual_share: 0.55, revenue: 82500 }, { code: 'smb', name: '中小企业', planned_share: 0.4, actual_share: 0.45, revenue: 67500 }],
  team: [{ login: 'rep1', name: '王芳', quota: 120000, revenue: 100000, attainment: 0.8333, deals_won: 3, deals_lost: 1, win_rate: 0.75, cycle_days: 12.5, activities: 14, rating: 4.5, ratings: 4, problems_resolved: 3, problems_in_sla: 2, in_sla_rate: 0.6667, teamwork: 4.2, reviews: 3 },
    { login: 'rep2', name: '李强', quota: null, revenue: 50000, attainment: null, deals_won: 0, deals_lost: 0, win_rate: null, cycle_days: null, activities: 0, rating: null, ratings: 0, problems_resolved: 0, problems_in_sla: 0, in_sla_rate: null, teamwork: null, reviews: 0 }],
  adjustments: [{ id: 3, kind: 'plan', record: '1', field: 'due', before: isoDay(10), after: isoDay(12), reason: '培训讲师改期', by: 'mgr', at: '2026-11-29T08:00:00Z' }],
  lessons: [{ id: 1, kind: 'went_well', text: '直销团队赢单率高', by: 'mgr', at: '2026-11-30T08:00:00Z' }, { id: 2, kind: 'next_time', text: '提前备货', by: 'rep1', at: '2026-11-30T09:00:00Z' }],
  totals: { revenue: 150000, margin: 90000, units: 15, deals_won: 3, win_rate: 0.75, new_customers: 1, goals_met: 1, goals: 2 } });
run(async (browser) => {
  const server = await startServer({ name: 'smoke', setup: async (db, pw) => {
    cli(db, ['user', 'add', 'mgr', '--name', '李娜', '--role', 'manager', '--password-file', pw]);
    cli(db, ['project', 'create', 'P1', '--name', 'P1项目', '--start', isoDay(-60), '--end', isoDay(30)]);
    cli(db, ['project', 'create', 'P2', '--name', 'P2项目', '--start', isoDay(-60), '--end', isoDay(30)]);
    cli(db, ['member', 'add', 'P1', 'mgr', '--role', 'manager']);
  } });
  for (const [lang, vp, nm] of [['zh-CN', undefined, 'd'], ['en', PHONE, 'p']]) {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang, viewport: vp });
    await page.route(/\/api\/v1\/projects\/P1\/report\?/, (r) => r.fulfill({ json: ev('P1', nm === 'p', 100000) }));
    await page.route(/\/api\/v1\/projects\/P1\/report\/compare/, (r) => r.fulfill({ json: { left: ev('P1', false, 100000), right: { ...ev('P2', true, 80000), channels: [{ code: 'direct', name: '直销', revenue: 80000, margin: 1, cost: 1, roi: 2 }] } } }));
    await page.go('#/p/P1/report');
    await page.locator('#report').waitFor(); await settle(page); await page.waitForTimeout(800);
    await shot(page, 'smoke-report-' + nm);
    if (vp) await assertNoSidewaysScroll(page, 'report');
    await page.go('#/p/P1/report/compare?with=P2');
    await page.locator('#rep-compare-view').waitFor(); await settle(page); await page.waitForTimeout(800);
    await shot(page, 'smoke-compare-' + nm);
    if (vp) await assertNoSidewaysScroll(page, 'compare');
    console.log(nm, 'problems', page.problems);
    await ctx.close();
  }
});
