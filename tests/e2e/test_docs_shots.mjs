// test_docs_shots.mjs - the screenshots of the user guides (docs/guide.md, docs/guide.zh-CN.md),
// taken of the 华信科技 demo by every run so they never go stale: signed in as the sales manager
// li.na, in zh-CN and in en, the key screens at a desktop's 1280×800 (the project overview with
// its alerts, forecast and goals; the deal board; the sales analysis and its monitoring panels;
// the tasks' Gantt chart; the evaluation report; the goal form) and two at a phone's 390×844 (the overview, the deal
// board), saved to docs/img/<lang>/<name>.png. Before each shot the screen must show its real
// content (the records it is about, counted), with no spinner, skeleton or error banner and no
// script error; each PNG stays under 300 KB. Then the user menu's Help link is followed, in both
// languages and at phone width: it opens the guide of the UI's language served at /docs/, with
// the first heading of its Markdown, its screenshots loaded, and nothing scrolling sideways.
import fs from 'node:fs';
import path from 'node:path';
import {
  test, assert, run, startServer, newPage, login, gotoScreen, settle, setCurrentPage,
  assertNoSidewaysScroll, ROOT, LANGS, DEMO_PASSWORD, PHONE,
} from './lib.mjs';

const CODE = 'FY';
const DESK = { width: 1280, height: 800 };
const MAX_BYTES = 300 * 1024;
const IMG = path.join(ROOT, 'docs/img');

// Nothing is still loading or failed on the screen.
async function assertSettled(page, what) {
  await settle(page);
  const left = await page.evaluate(() => ({
    busy: document.querySelectorAll('[aria-busy=true]').length,
    skeleton: document.querySelectorAll('.sk, .skeleton').length,
    errors: Array.from(document.querySelectorAll('.banner-error')).map((e) => e.textContent.trim()),
  }));
  assert(!left.busy && !left.skeleton, `${what}: still loading (${left.busy} busy, ${left.skeleton} skeletons)`);
  assert(!left.errors.length, `${what}: an error is shown: ${left.errors.join(' | ')}`);
  assert(!page.problems.length, `${what}: ${page.problems.join(' | ')}`);
}

// At least min elements match selector (each a record the screen is about).
async function atLeast(page, selector, min, what) {
  await page.locator(selector).first().waitFor();
  const n = await page.locator(selector).count();
  assert(n >= min, `${what}: ${n} × ${selector}, want at least ${min}`);
  return n;
}

async function save(page, lang, name) {
  // the charts draw with an animation: let it end, and the fonts load, before the shot
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(1200);
  const file = path.join(IMG, lang, name + '.png');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false, animations: 'disabled', caret: 'hide' });
  const size = fs.statSync(file).size;
  assert(size < MAX_BYTES, `${file}: ${size} bytes, more than ${MAX_BYTES}`);
  const head = fs.readFileSync(file).subarray(0, 8);
  assert(head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${file}: not a PNG`);
}

// Scroll the element to the top of the screen, below the sticky header.
async function scrollTo(page, selector) {
  await page.locator(selector).first().evaluate((el) => {
    const h = document.querySelector('header');
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - ((h && h.offsetHeight) || 0) - 12);
  });
}

// The screens, each: where it is, what must be on it, and how it is framed.
const SCREENS = [
  {
    name: 'overview', hash: `#/p/${CODE}`,
    ready: async (page) => {
      await atLeast(page, '.goal-card', 3, 'goal cards');
      await atLeast(page, '#alerts-panel', 1, 'the alerts panel');
      await atLeast(page, '#forecast-panel .fc-goal', 3, "the forecast's goals");
    },
  },
  {
    name: 'forecast', hash: `#/p/${CODE}`,
    ready: async (page) => {
      await atLeast(page, '#forecast-panel .fc-goal', 3, "the forecast's goals");
      await scrollTo(page, '#forecast');
    },
  },
  {
    name: 'goals', hash: `#/p/${CODE}`,
    ready: async (page) => {
      await atLeast(page, '.goal-grid .goal-card', 3, 'goal cards');
      await scrollTo(page, '.goal-grid');
    },
  },
  {
    name: 'deals', hash: `#/p/${CODE}/deals`,
    ready: async (page) => {
      await atLeast(page, '#deal-board .deal-card', 5, 'deal cards on the board');
    },
  },
  {
    name: 'analysis', hash: `#/p/${CODE}/analysis`,
    ready: async (page) => {
      await atLeast(page, '#kpis .kpi', 3, 'the headline figures');
    },
  },
  {
    name: 'monitor', hash: `#/p/${CODE}/analysis`,
    ready: async (page) => {
      await atLeast(page, '#monitor #mon-members', 1, 'the monitoring panels');
      await atLeast(page, '#monitor a[data-figure]', 5, 'figures of the monitoring panels');
      await scrollTo(page, '#monitor');
    },
  },
  {
    name: 'gantt', hash: `#/p/${CODE}/tasks`,
    ready: async (page) => {
      await page.click('#tab-gantt');
      await atLeast(page, '#gantt [data-id]', 3, 'tasks on the Gantt chart');
    },
  },
  {
    name: 'report', hash: `#/p/${CODE}/report`,
    ready: async (page) => {
      await atLeast(page, '#rep-goal-table tbody tr', 3, "the report's goals");
      await atLeast(page, '#rep-channel-table tbody tr', 2, "the report's channels");
      await page.locator('#rep-goals .rep-hbar canvas').waitFor();
    },
  },
  {
    name: 'goal-form', hash: `#/p/${CODE}/goals/new`,
    ready: async (page) => {
      await atLeast(page, '#goal-form select, #goal-form input', 5, 'the goal form');
    },
  },
];

const PHONE_SCREENS = [
  { ...SCREENS[0], name: 'phone-overview' },
  {
    name: 'phone-deals', hash: `#/p/${CODE}/deals`,
    ready: async (page) => {
      await atLeast(page, '#deal-board .deal-card', 5, 'deal cards on the board');
      await scrollTo(page, '#deal-board');
    },
  },
];

// The first heading of a doc, as its Markdown writes it (marks left out).
function firstHeading(name) {
  const line = fs.readFileSync(path.join(ROOT, 'docs', name + '.md'), 'utf8').split('\n').find((l) => l.startsWith('# '));
  return line.slice(2).trim().replace(/[`*]/g, '');
}

async function followHelp(page, lang, what) {
  const guide = lang === 'zh-CN' ? 'guide.zh-CN' : 'guide';
  await page.locator('#user-menu').click();
  const link = page.locator('#help-docs');
  assert((await link.textContent()).trim() === page.T['header.help'], `${what}: the menu says ${page.T['header.help']}`);
  await link.click();
  await page.waitForURL(new RegExp(`/docs/${guide.replace('.', '\\.')}\\.html$`));
  const h1 = (await page.locator('main h1').first().textContent()).trim();
  assert(h1 === firstHeading(guide), `${what}: the page's heading "${h1}", the guide's "${firstHeading(guide)}"`);
  assert(await page.evaluate(() => document.documentElement.lang) === lang, `${what}: the page is in ${lang}`);
  // styled by /docs/docs.css, and its screenshots loaded
  const styled = await page.evaluate(() => getComputedStyle(document.querySelector('main')).maxWidth);
  assert(styled !== 'none', `${what}: the docs' style sheet applies (max-width ${styled})`);
  const imgs = await page.locator('main img').evaluateAll((els) => els.map((e) => ({ src: e.getAttribute('src'), w: e.naturalWidth })));
  assert(imgs.length >= 4, `${what}: ${imgs.length} screenshots in the guide`);
  for (const im of imgs) {
    await page.locator(`main img[src="${im.src}"]`).first().scrollIntoViewIfNeeded();
  }
  await page.waitForFunction(() => Array.from(document.querySelectorAll('main img')).every((e) => e.complete && e.naturalWidth > 0));
  assert(!page.problems.length, `${what}: ${page.problems.join(' | ')}`);
  await assertNoSidewaysScroll(page, what);
  // the other language's guide is one link away
  const other = lang === 'zh-CN' ? '/docs/guide.html' : '/docs/guide.zh-CN.html';
  assert(await page.locator(`a[href="${other}"]`).count() >= 1, `${what}: a link to ${other}`);
}

run(async (browser) => {
  const s = await startServer({ demo: true, name: 'docs-shots' });
  for (const lang of LANGS) {
    const { page, ctx } = await newPage(browser, { lang, viewport: DESK });
    setCurrentPage(page);
    await test(`${lang}: li.na signs in`, [], async () => {
      await login(page, s.base, 'li.na', DEMO_PASSWORD);
    });
    for (const sc of SCREENS) {
      await test(`${lang}: ${sc.name} shows its content and is shot`, [`${lang}: li.na signs in`], async () => {
        await gotoScreen(page, s.base, sc.hash);
        await sc.ready(page);
        await assertSettled(page, sc.name);
        await save(page, lang, sc.name);
      });
    }
    await test(`${lang}: the user menu's Help opens the guide`, [`${lang}: li.na signs in`], async () => {
      await gotoScreen(page, s.base, `#/p/${CODE}`);
      await followHelp(page, lang, `${lang} desktop`);
    });
    await ctx.close();

    const phone = await newPage(browser, { lang, viewport: PHONE });
    setCurrentPage(phone.page);
    await test(`${lang} phone: li.na signs in`, [], async () => {
      await login(phone.page, s.base, 'li.na', DEMO_PASSWORD);
    });
    for (const sc of PHONE_SCREENS) {
      await test(`${lang} phone: ${sc.name} shows its content and is shot`, [`${lang} phone: li.na signs in`], async () => {
        await gotoScreen(phone.page, s.base, sc.hash);
        await sc.ready(phone.page);
        await assertSettled(phone.page, sc.name);
        await assertNoSidewaysScroll(phone.page, sc.name);
        await save(phone.page, lang, sc.name);
      });
    }
    await test(`${lang} phone: the user menu's Help opens the guide`, [`${lang} phone: li.na signs in`], async () => {
      await gotoScreen(phone.page, s.base, `#/p/${CODE}`);
      await followHelp(phone.page, lang, `${lang} phone`);
    });
    await phone.ctx.close();
  }
});
