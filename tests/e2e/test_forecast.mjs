// test_forecast.mjs - the forecast panel and the funnel (components/forecast.js) on a project's
// overview (and the same panel on its analysis screen), in Chromium, over the 华信科技 demo: a manager in zh-CN on a desktop, a viewer in en
// on a phone (390×844). Every figure the page shows is read from the page and checked against
// GET /api/v1/projects/FY/pipeline read from the same page: each goal's probability (the chip,
// formatted here with Intl), its projection and coverage, the count of goals that will likely be
// missed (a probability below 50%, counted here) in the panel's summary, each stage's reached,
// conversion and median days in the funnel's table, the win rate, average deal size and weighted
// pipeline; then for every owner and every channel the selector offers (the API's, all of them)
// the same figures of that group. The model's explanation is in the reader's language with the
// run count and seed of the answer; a goal card shows its trend projection; the phone does not
// scroll sideways.
import { test, assert, run, startServer, shot, assertNoSidewaysScroll, DEMO_PASSWORD } from './lib.mjs';
import { signedIn, get, fmtPct, fmtMoney, fmtInt, sq, PHONE, assertLang } from './forms.mjs';

const CODE = 'FY';
const API = `/api/v1/projects/${CODE}/pipeline`;

const readPanel = (page) => page.locator('#forecast-panel').evaluate((el) => ({
  summary: el.querySelector('#forecast-summary').textContent,
  model: el.querySelector('#forecast-model').textContent,
  goals: Object.fromEntries([...el.querySelectorAll('tr.fc-goal')].map((tr) => [tr.dataset.goalId, {
    probability: tr.querySelector('.fc-probability').dataset.value,
    probabilityText: tr.querySelector('.fc-probability .chip').textContent,
    projection: tr.querySelector('.fc-projection').dataset.value,
    coverage: tr.querySelector('.fc-coverage').dataset.value,
    chance: tr.dataset.chance,
    why: tr.querySelector('.fc-why').textContent,
  }])),
}));

const readFunnel = (page) => page.locator('#funnel').evaluate((el) => ({
  by: el.dataset.by, key: el.dataset.key,
  win: el.querySelector('#funnel-win-rate').textContent, avg: el.querySelector('#funnel-avg').textContent,
  weighted: el.querySelector('#funnel-weighted').title, weightedMinor: el.querySelector('#funnel-weighted').dataset.minor,
  rows: [...el.querySelectorAll('#funnel-table tbody tr')].map((tr) => ({
    stage: tr.dataset.stage, reached: tr.querySelector('[data-col=reached]').textContent,
    conversion: tr.querySelector('[data-col=conversion]').textContent,
    median: tr.querySelector('[data-col=median_days]').textContent,
  })),
}));

const nullText = (v, f) => (v === null || v === undefined ? '—' : f(v));

function checkFunnel(lang, T, got, s, what) {
  assert(sq(got.win) === sq(nullText(s.win_rate, (v) => fmtPct(lang, v))), `${what}: win rate ${got.win}, want ${s.win_rate}`);
  assert(sq(got.avg) === sq(nullText(s.avg_deal_size, (v) => fmtMoney(lang, v))), `${what}: average ${got.avg}, want ${s.avg_deal_size}`);
  assert(sq(got.weighted) === sq(fmtMoney(lang, s.weighted)) && got.weightedMinor === String(s.weighted),
    `${what}: weighted ${got.weighted} (${got.weightedMinor}), want ${s.weighted}`);
  assert(got.rows.length === s.funnel.length, `${what}: ${got.rows.length} stages, want ${s.funnel.length}`);
  s.funnel.forEach((f, i) => {
    const r = got.rows[i];
    assert(r.stage === f.stage && sq(r.reached) === sq(fmtInt(lang, f.reached)), `${what} ${f.stage}: reached ${r.reached}, want ${f.reached}`);
    assert(sq(r.conversion) === sq(nullText(f.conversion, (v) => fmtPct(lang, v))), `${what} ${f.stage}: conversion ${r.conversion}, want ${f.conversion}`);
    const days = nullText(f.median_days, (v) => T['forecast.days'].replace('{n}', Number(v).toFixed(1)));
    assert(sq(r.median) === sq(days), `${what} ${f.stage}: median ${r.median}, want ${days}`);
  });
}

async function checkPage(page, T, lang) {
  await page.go(`#/p/${CODE}`);
  await page.locator('#forecast-panel').waitFor();
  await page.locator('#funnel-table').waitFor();
  const api = await get(page, API);
  const panel = await readPanel(page);
  const goals = api.goals.filter((g) => g.target !== null);
  assert(Object.keys(panel.goals).length === goals.length, `${Object.keys(panel.goals).length} goals shown, ${goals.length} held`);
  let unlikely = 0;
  for (const g of goals) {
    const row = panel.goals[String(g.id)];
    assert(row, `goal ${g.id} is in the panel`);
    assert(row.probability === (g.probability === null ? '' : String(g.probability)), `goal ${g.name}: probability ${row.probability}, want ${g.probability}`);
    assert(sq(row.probabilityText) === sq(nullText(g.probability, (v) => fmtPct(lang, v))), `goal ${g.name}: chip ${row.probabilityText}`);
    assert(row.projection === (g.projection ? String(g.projection.value) : ''), `goal ${g.name}: projection ${row.projection}`);
    assert(row.coverage === (g.coverage === null ? '' : String(g.coverage)), `goal ${g.name}: coverage ${row.coverage}`);
    const want = g.probability === null ? 'none' : g.probability >= 0.8 ? 'likely' : g.probability >= 0.5 ? 'uncertain' : 'unlikely';
    assert(row.chance === want, `goal ${g.name}: ${row.chance}, want ${want}`);
    if (want === 'unlikely') unlikely++;
    assertLang(lang, row.why, `goal ${g.name}: why`);
  }
  assert(unlikely > 0, 'the demo has goals that will likely be missed');
  const summary = T['forecast.summary_missed'].replace('{n}', unlikely).replace('{total}', goals.length);
  assert(sq(panel.summary) === sq(summary), `summary "${panel.summary}", want "${summary}"`);
  assert(panel.model.includes(T['forecast.model']), 'the model explained in the reader\'s language');
  await page.click('#forecast-model summary');
  const model = await page.locator('#forecast-model').textContent();
  assert(sq(model).includes(sq(T['forecast.model.probability'].replace('{runs}', fmtInt(lang, api.runs)).replace('{seed}', String(api.seed)))),
    'the model names the runs and the seed');
  // the goal cards carry the trend projection
  const cards = await page.locator('.goal-card .goal-projection').count();
  assert(cards === api.goals.length, `${cards} goal cards with a projection line`);

  // the funnel: the project, then every owner and every channel
  checkFunnel(lang, T, await readFunnel(page), api.all, 'all');
  for (const [by, groups] of [['owner', api.by_owner], ['channel', api.by_channel]]) {
    await page.click('#funnel-by-' + by);
    const options = await page.locator('#funnel-key option').evaluateAll((os) => os.map((o) => o.value));
    assert(JSON.stringify(options) === JSON.stringify(groups.map((x) => x.key)), `${by}: options ${options}`);
    for (const grp of groups) {
      await page.selectOption('#funnel-key', grp.key);
      const got = await readFunnel(page);
      assert(got.by === by && got.key === grp.key, `${by} ${grp.key}: shown ${got.by} ${got.key}`);
      checkFunnel(lang, T, got, grp, `${by} ${grp.key}`);
    }
  }
  await page.click('#funnel-by-all');
  checkFunnel(lang, T, await readFunnel(page), api.all, 'all again');
  assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  return api;
}

run(async (browser) => {
  const server = await startServer({ demo: true, name: 'forecast' });
  try {
    await test('a manager reads the forecast and the funnel (zh-CN, desktop)', [], async () => {
      const { ctx, page, T } = await signedIn(browser, server, 'li.na', DEMO_PASSWORD, { lang: 'zh-CN' });
      const api = await checkPage(page, T, 'zh-CN');
      await shot(page, 'forecast-zh-desktop');
      // the analysis screen (销售分析) shows the same panel under its headline
      await page.go(`#/p/${CODE}/analysis`);
      await page.locator('#forecast-panel tr.fc-goal').first().waitFor();
      const again = await readPanel(page);
      for (const g of api.goals.filter((x) => x.target !== null)) {
        assert(again.goals[String(g.id)].probability === (g.probability === null ? '' : String(g.probability)),
          `analysis: goal ${g.name} probability`);
      }
      await ctx.close();
    });
    await test('a viewer reads the same on a phone (en, 390px)', [], async () => {
      const { ctx, page, T } = await signedIn(browser, server, 'gao.cfo', DEMO_PASSWORD, { lang: 'en', viewport: PHONE });
      await checkPage(page, T, 'en');
      await assertNoSidewaysScroll(page, 'the overview with the forecast');
      await shot(page, 'forecast-en-phone');
      await ctx.close();
    });
  } finally {
    server.stop();
  }
});
