// test_monitor.mjs - the monitoring panels (components/monitor.js) on a project's analysis screen,
// in Chromium, over the 华信科技 demo: a manager in zh-CN on a desktop, a rep in en on a phone
// (390×844). Every figure the panels show is read from the page and checked against
// GET /api/v1/projects/FY/monitor read from the same page (each figure named by its place in
// the answer, worked out here); the activity chart has a bar per week. Then figures of every
// panel are clicked: each opens its list (activities, problems, tasks: the generic list with the
// link's filters; collections: the records the link names) and the list holds exactly as many
// rows as the figure said. A bar of the chart opens that week's activities of its phase. The
// phone does not scroll sideways. The forecast's funnel opens its deals too (a stage's: those
// that reached it; won, lost, open; for the project and for an owner and a channel) and a goal
// card's actual opens the sales it counts, whose totals equal it. A task recorded elsewhere (the
// CLI on the server's database) shows in an open page's panels within seconds, without a reload.
import { test, assert, run, startServer, shot, assertNoSidewaysScroll, settle, isoDay, DEMO_PASSWORD } from './lib.mjs';
import { signedIn, get, fmtInt, sq, PHONE } from './forms.mjs';

const CODE = 'FY';
const API = `/api/v1/projects/${CODE}/monitor`;
const PHASES = ['pre_sale', 'in_sale', 'after_sale'];
const SLAS = ['within', 'due_soon', 'breached'];

// Every figure of the answer by the name the page gives it (data-figure), with its count.
function figures(m) {
  const f = {};
  const a = m.activity;
  f['activity.total'] = a.total;
  f['activity.all'] = a.total;
  for (const p of PHASES) f['activity.phase.' + p] = a.counts[p];
  for (const x of a.members) {
    f['activity.member.' + x.login] = x.total;
    for (const p of PHASES) f['activity.member.' + x.login + '.' + p] = x.counts[p];
  }
  for (const w of a.weeks) {
    f['activity.week.' + w.week] = w.total;
    for (const p of PHASES) f['activity.week.' + w.week + '.' + p] = w.counts[p];
  }
  const p = m.problems;
  f['problems.open'] = p.open;
  f['problems.all'] = p.open;
  for (const b of p.by_age) {
    f['problems.age.' + b.age] = b.total;
    for (const s of SLAS) f['problems.age.' + b.age + '.' + s] = b.counts[s];
  }
  for (const s of p.by_sla) f['problems.sla.' + s.sla] = s.count;
  for (const v of p.by_severity) {
    f['problems.severity.' + v.severity] = v.total;
    for (const s of SLAS) f['problems.severity.' + v.severity + '.' + s] = v.counts[s];
  }
  const c = m.collections;
  for (const k of ['due_7', 'due_30', 'overdue']) f['collections.' + k] = c[k].count;
  for (const b of c.aging) f['collections.aging.' + b.days] = b.bucket.count;
  const t = m.tasks;
  f['tasks.overdue'] = t.overdue;
  f['tasks.due_week'] = t.due_week;
  for (const x of t.assignees) {
    f['tasks.overdue.' + x.login] = x.overdue;
    f['tasks.due_week.' + x.login] = x.due_week;
  }
  return f;
}

async function openPanels(page) {
  await page.go(`#/p/${CODE}/analysis`);
  await page.locator('#monitor #mon-members').waitFor();
  await settle(page);
}

async function checkFigures(page, lang) {
  const m = await get(page, API);
  const want = figures(m);
  const shown = await page.locator('#monitor [data-figure]').evaluateAll((els) => els.map((e) => ({
    figure: e.dataset.figure, count: e.dataset.count, text: e.textContent, link: e.tagName === 'A' })));
  const seen = new Set();
  for (const s of shown) {
    assert(s.figure in want, `the page shows a figure the answer does not have: ${s.figure}`);
    assert(Number(s.count) === want[s.figure], `${s.figure}: ${s.count} shown, ${want[s.figure]} in the answer`);
    assert(s.link === (want[s.figure] > 0), `${s.figure}: a link exactly when it counts something`);
    seen.add(s.figure);
  }
  for (const k of Object.keys(want)) assert(seen.has(k), `figure ${k} is on the page`);
  // the counts as the reader's language writes them (collections show money; the rest counts)
  for (const s of shown) {
    if (!s.figure.startsWith('collections.due') && s.figure !== 'collections.overdue' && !['activity.total', 'problems.open'].includes(s.figure)) {
      assert(sq(s.text) === sq(fmtInt(lang, want[s.figure])), `${s.figure}: "${s.text}", want ${fmtInt(lang, want[s.figure])}`);
    }
  }
  const bars = await page.locator('#monitor .mon-activity-chart').getAttribute('data-bars');
  assert(Number(bars) === m.activity.weeks.length, `${bars} weeks in the chart, ${m.activity.weeks.length} in the answer`);
  return m;
}

// Click the figure and count the rows of the list it opens; back to the panels after.
async function drill(page, figure) {
  const link = page.locator(`#monitor a[data-figure="${figure}"]`);
  const n = Number(await link.getAttribute('data-count'));
  // a week's row is in the table under "by week": opened as a reader would
  if (await link.evaluate((el) => !!el.closest('details:not([open])'))) {
    await page.locator('#monitor details.mon-weeks summary').click();
  }
  await link.click();
  let rows;
  if (figure.startsWith('collections.')) {
    await page.locator('#collection-linked-table').waitFor();
    await settle(page);
    rows = await page.locator('#collection-linked-table tbody tr').count();
  } else {
    await page.locator('.crud-table, .empty').first().waitFor();
    await page.locator('#linked-filters').waitFor();
    await settle(page);
    await page.waitForFunction((want) => document.querySelectorAll('.crud-table tbody tr').length === want, n, { timeout: 5000 })
      .catch(() => {});
    rows = await page.locator('.crud-table tbody tr').count();
  }
  assert(rows === n, `${figure}: the list has ${rows} rows, the figure said ${n}`);
  await openPanels(page);
  return n;
}

// The first figure of each kind that counts something (at most limit records: one page).
function pick(m, want, prefix, limit = 50) {
  return Object.keys(want).filter((k) => k.startsWith(prefix) && want[k] > 0 && want[k] <= limit);
}

async function drillEach(page, m, prefixes) {
  const want = figures(m);
  let done = 0;
  for (const prefix of prefixes) {
    const ks = pick(m, want, prefix);
    assert(ks.length > 0, `the demo has a figure ${prefix}… to open`);
    await drill(page, ks[0]);
    done++;
  }
  return done;
}

run(async (browser) => {
  const server = await startServer({ demo: true, name: 'monitor' });
  try {
    await test('a manager reads the panels and opens the records of every kind (zh-CN, desktop)', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'li.na', DEMO_PASSWORD, { lang: 'zh-CN' });
      await openPanels(page);
      const m = await checkFigures(page, 'zh-CN');
      await shot(page, 'monitor-zh-desktop');
      await drillEach(page, m, ['activity.member.', 'activity.week.', 'problems.age.', 'problems.sla.breached',
        'problems.severity.', 'collections.overdue', 'collections.aging.', 'collections.due_30', 'tasks.overdue.', 'tasks.due_week']);
      // a bar of the chart: the week's activities of the phase clicked
      const w = m.activity.weeks.find((x) => x.counts.pre_sale > 0 && x.counts.pre_sale <= 50);
      const i = m.activity.weeks.indexOf(w);
      const chart = page.locator('#monitor .mon-activity-chart');
      await chart.scrollIntoViewIfNeeded();
      const box = await chart.boundingBox();
      // the plot starts after the axis labels (about 30px): aim at the middle of bar i, low in its stack (its first phase)
      const x = box.x + 40 + ((box.width - 48) * (i + 0.5)) / m.activity.weeks.length;
      const y = box.y + box.height - 30;
      await page.mouse.click(x, y);
      const moved = await page.waitForFunction(() => location.hash.includes('/activities'), null, { timeout: 3000 }).then(() => true).catch(() => false);
      if (moved) {
        const hash = await page.evaluate(() => decodeURIComponent(location.hash));
        assert(hash.includes('phase=') && hash.includes('status=done'), `the bar opens a phase's activities: ${hash}`);
        await page.locator('#linked-filters').waitFor();
        await settle(page);
        const q = Object.fromEntries(new URLSearchParams(hash.split('?')[1]));
        const week = m.activity.weeks.find((x) => x.query.date === q.date);
        assert(week, `the bar opens one week of the chart: ${q.date}`);
        const rows = await page.locator('.crud-table tbody tr').count();
        assert(rows === week.counts[q.phase], `the bar's list has ${rows} rows, the bar ${week.counts[q.phase]}`);
      } else {
        throw new Error('a click on a bar of the activity chart opened nothing');
      }
      // live: a task overdue since yesterday, recorded by the CLI, raises the count on the open page
      await openPanels(page);
      const before = Number(await page.locator('#monitor [data-figure="tasks.overdue"]').getAttribute('data-count'));
      server.cli(['task', 'add', CODE, '--title', '监控面板实时测试', '--start', isoDay(-3), '--due', isoDay(-1), '--assignee', 'li.na']);
      await page.waitForFunction((want) => {
        const el = document.querySelector('#monitor [data-figure="tasks.overdue"]');
        return el && el.dataset.count === want;
      }, String(before + 1), { timeout: 5000 });
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
    await test('the funnel and the goal cards open the records they count (zh-CN, desktop)', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'li.na', DEMO_PASSWORD, { lang: 'zh-CN' });
      const pipe = await get(page, `/api/v1/projects/${CODE}/pipeline`);
      const openFunnel = async () => {
        await page.go(`#/p/${CODE}/analysis`);
        await page.locator('#funnel-table').waitFor();
      };
      const deals = async (figure) => {
        const a = page.locator(`#funnel a[data-figure="${figure}"]`);
        const n = Number(await a.getAttribute('data-count'));
        await a.click();
        await page.locator('#deal-table').waitFor();
        await page.locator('#linked-filters').waitFor();
        await page.waitForFunction((want) => document.querySelectorAll('#deal-table tbody tr').length === want, n, { timeout: 5000 }).catch(() => {});
        const rows = await page.locator('#deal-table tbody tr').count();
        assert(rows === n, `${figure}: the deals table has ${rows} rows, the funnel said ${n}`);
        return n;
      };
      await openFunnel();
      for (const st of pipe.all.funnel.filter((x) => x.reached > 0)) {
        const n = await deals('funnel.reached.' + st.stage);
        assert(n === st.reached, `${st.stage}: ${n} deals reached it, the answer ${st.reached}`);
        await openFunnel();
      }
      for (const k of ['won', 'lost', 'open']) {
        await deals('funnel.' + k);
        await openFunnel();
      }
      // one owner's and one channel's funnel: the same, of their deals
      for (const [by, groups] of [['owner', pipe.by_owner], ['channel', pipe.by_channel]]) {
        const grp = groups.find((x) => x.key && x.funnel[0].reached > 0);
        await page.click('#funnel-by-' + by);
        await page.selectOption('#funnel-key', grp.key);
        const st = grp.funnel.filter((x) => x.reached > 0).pop();
        const n = await deals('funnel.reached.' + st.stage);
        assert(n === st.reached, `${by} ${grp.key} ${st.stage}: ${n}, the answer ${st.reached}`);
        const hash = await page.evaluate(() => decodeURIComponent(location.hash));
        assert(hash.includes(`${by}=${grp.key}`), `the link names the ${by}: ${hash}`);
        await openFunnel();
      }
      // a goal's coverage opens the open deals of its scope: as many as the forecast counted
      for (const g of pipe.goals.filter((x) => x.coverage !== null && x.target !== null).slice(0, 3)) {
        await openFunnel();
        await page.locator(`tr.fc-goal[data-goal-id="${g.id}"] .fc-coverage a`).click();
        await page.locator('#deal-table').waitFor();
        await page.waitForFunction((want) => document.querySelectorAll('#deal-table tbody tr').length === want, g.deals, { timeout: 5000 }).catch(() => {});
        const rows = await page.locator('#deal-table tbody tr').count();
        assert(rows === g.deals, `goal ${g.name}: its coverage opens ${rows} deals, the forecast counted ${g.deals}`);
      }
      // the goal cards: a revenue goal's actual opens the sales of its scope and window
      const goals = (await get(page, `/api/v1/projects/${CODE}/goals`)).goals.filter((g) => g.metric === 'revenue');
      assert(goals.length >= 2, 'the demo has revenue goals');
      for (const g of goals.slice(0, 2)) {
        await page.go(`#/p/${CODE}`);
        const a = page.locator(`.goal-card[data-goal-id="${g.id}"] a.goal-actual`);
        await a.click();
        await page.locator('#sales-totals').waitFor();
        await settle(page);
        await page.waitForFunction((want) => document.querySelector('#sales-totals').dataset.amount === want, String(g.actual), { timeout: 5000 }).catch(() => {});
        const amount = await page.locator('#sales-totals').getAttribute('data-amount');
        assert(amount === String(g.actual), `goal ${g.name}: the sales it opens add up to ${amount}, the goal says ${g.actual}`);
      }
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
    await test('a rep reads the same panels on a phone and drills down (en, 390px)', [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'wang.fang', DEMO_PASSWORD, { lang: 'en', viewport: PHONE });
      await openPanels(page);
      const m = await checkFigures(page, 'en');
      await assertNoSidewaysScroll(page, 'the analysis screen with the monitoring panels');
      await shot(page, 'monitor-en-phone');
      await drillEach(page, m, ['activity.member.', 'problems.sla.', 'collections.overdue', 'tasks.overdue']);
      await assertNoSidewaysScroll(page, 'back on the panels');
      assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
      await ctx.close();
    });
  } finally {
    server.stop();
  }
});
