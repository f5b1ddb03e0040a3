// lib.mjs - what every end-to-end suite shares: the real `salespm serve` on 127.0.0.1 over a
// fresh database (an empty workspace, or the 华信科技 demo), Debian's chromium driven by
// playwright-core, a tiny test runner that prints one line per test and a closing
// "N passed, N failed", screenshots in build/e2e/, and helpers to sign in as a user, call the
// API from a signed-in page and check the page for script errors and sideways scrolling.
//
// env: SALESPM_BIN (the binary; default build/debug/salespm); SALESPM_E2E_WEB_DIR (serve the UI
//      from this directory with --web-dir instead of the copy embedded in the binary);
//      CHROMIUM (the browser; default /usr/bin/chromium)
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(ROOT, 'web/package.json'));
const { chromium } = require('playwright-core');
export const zh = (await import(path.join(ROOT, 'web/src/i18n/zh-CN.js'))).default;
export const en = (await import(path.join(ROOT, 'web/src/i18n/en.js'))).default;
export const CATALOG = { 'zh-CN': zh, en };
export const LANGS = ['zh-CN', 'en'];

export const SHOTS = path.join(ROOT, 'build/e2e');
fs.mkdirSync(SHOTS, { recursive: true });
export const BIN = process.env.SALESPM_BIN || path.join(ROOT, 'build/debug/salespm');
export const PASSWORD = 'e2e-Passw0rd!';
/* The demo's passwords (src/cli/demo.c). */
export const DEMO_ADMIN_PASSWORD = 'salespm-admin';
export const DEMO_PASSWORD = 'salespm-demo';
export const TIMEOUT = 10000;
/* Viewports: a desktop and a phone (iPhone 12/13/14 size). */
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

// --- the runner -------------------------------------------------------------------------

let passed = 0, failed = 0;
let currentPage = null; // screenshotted when a test fails
const blocked = new Set(); // names of tests that failed, so dependants say why they fail

export function setCurrentPage(page) { currentPage = page; }

export async function test(name, deps, fn) {
  const missing = deps.filter((d) => blocked.has(d));
  if (missing.length) {
    failed++; blocked.add(name);
    console.log(`FAIL ${name}: not run, depends on failed: ${missing.join(', ')}`);
    return;
  }
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++; blocked.add(name);
    if (currentPage) {
      const file = 'FAIL-' + name.replace(/[^A-Za-z0-9-]+/g, '_') + '.png';
      await currentPage.screenshot({ path: path.join(SHOTS, file), fullPage: true }).catch(() => {});
    }
    console.log(`FAIL ${name}: ${String(e && e.message || e).split('\n').slice(0, 6).join('\n     ')}`);
  }
}

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

export function fail(msg) { failed++; console.log('FAIL ' + msg); }

// Run main(browser) with a launched chromium; print the closing line and exit.
export async function run(main) {
  let browser = null;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    await main(browser);
  } catch (e) {
    failed++;
    console.log('FAIL harness: ' + (e && e.stack || e));
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const s of servers) s.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// --- the server ---------------------------------------------------------------------------

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// Run the CLI on db; returns stdout. Throws with stderr unless allowFail (then null).
export function cli(db, args, { allowFail = false, as = null } = {}) {
  const pre = as ? ['--as', as] : [];
  try {
    return execFileSync(BIN, ['--db', db, ...pre, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (allowFail) return null;
    throw new Error(`salespm ${args.join(' ')}: ${(e.stderr || e.message).trim()}`);
  }
}

const servers = [];

// The demo database is made once per run (it takes seconds) and copied for each server.
let demoTemplate = null;
function demoDb(dir) {
  if (!demoTemplate) {
    const tdir = fs.mkdtempSync(path.join(os.tmpdir(), 'salespm-e2e-demo-'));
    demoTemplate = path.join(tdir, 'demo.db');
    cli(demoTemplate, ['demo']);
    process.on('exit', () => fs.rmSync(tdir, { recursive: true, force: true }));
  }
  const db = path.join(dir, 'e2e.db');
  fs.copyFileSync(demoTemplate, db);
  return db;
}

// Start `salespm serve` on a free loopback port over a new database.
//   demo: true   the 华信科技 demo workspace (logins of README.md)
//   setup(db, pwFile)   otherwise called after `init` (admin / PASSWORD) to add data by CLI
// Returns { base, db, dir, stop, cli(args, opts) }.
export async function startServer({ demo = false, setup = null, name = 'server' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salespm-e2e-'));
  const pw = path.join(dir, 'pw');
  fs.writeFileSync(pw, PASSWORD + '\n', { mode: 0o600 });
  let db;
  if (demo) {
    db = demoDb(dir);
  } else {
    db = path.join(dir, 'e2e.db');
    cli(db, ['init', '--password-file', pw, '--currency', 'CNY', '--timezone', 'Asia/Shanghai']);
    if (setup) await setup(db, pw);
  }
  const port = await freePort();
  const log = fs.openSync(path.join(SHOTS, name + '.log'), 'w');
  const webDir = process.env.SALESPM_E2E_WEB_DIR ? ['--web-dir', process.env.SALESPM_E2E_WEB_DIR] : [];
  const proc = spawn(BIN, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`, ...webDir], { stdio: ['ignore', log, log] });
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 10000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`salespm serve exited with ${proc.exitCode}; see build/e2e/${name}.log`);
    try { const r = await fetch(base + '/api/v1/me'); if (r.status === 401 || r.ok) break; } catch (e) { /* not yet */ }
    if (Date.now() > until) throw new Error('salespm serve did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const s = {
    base, db, dir, pwFile: pw,
    cli: (args, opts) => cli(db, args, opts),
    stop: () => { if (proc.exitCode === null) proc.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); },
  };
  servers.push(s);
  return s;
}

// --- pages ----------------------------------------------------------------------------------

// A new browser context and page in lang at viewport; page.problems collects script errors,
// CSP violations and failed API calls (other than the 4xx a test provokes on purpose).
export async function newPage(browser, { lang = 'zh-CN', viewport = DESKTOP } = {}) {
  const ctx = await browser.newContext({ locale: lang, viewport, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) page.problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message));
  page.T = CATALOG[lang];
  page.lang = lang;
  currentPage = page;
  return { ctx, page };
}

// Sign in through the login form as login (the server's base URL), and wait for the shell.
export async function login(page, base, user, password) {
  await page.goto(base + '/');
  await page.locator('input[name=login]').waitFor();
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.locator('.shell').waitFor();
}

// Go to a hash route and wait until the screen has loaded (no aria-busy element left).
export async function gotoScreen(page, base, hash) {
  await page.goto(base + '/' + hash);
  await page.locator('.page-head h1').first().waitFor();
  await settle(page);
}

export async function settle(page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
}

export async function shot(page, name) { await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: true }); }

// Throw when the page scrolls sideways (a phone user would have to pan).
export async function assertNoSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `${what}: the page scrolls sideways by ${overflow}px at ${page.viewportSize().width}px`);
}

// Call the API from the signed-in page (its cookie and CSRF token).
export async function apiInPage(page, method, url, body) {
  return page.evaluate(async ({ method, url, body }) => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch(url, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: await r.text() };
  }, { method, url, body });
}

// A calendar date offset days from today in the workspaces' time zone (Asia/Shanghai, as
// startServer and the demo make them: the server's "today"), as YYYY-MM-DD. Between 16:00
// and 24:00 UTC that is already tomorrow for this machine's clock.
export const WORKSPACE_TZ = 'Asia/Shanghai';
export const isoDay = (offset) => new Intl.DateTimeFormat('en-CA', { timeZone: WORKSPACE_TZ, year: 'numeric', month: '2-digit', day: '2-digit' })
  .format(new Date(Date.now() + offset * 86400000));

// The money a user sees, formatted independently of the UI's own formatter.
export const moneyText = (lang, major, currency = 'CNY') =>
  new Intl.NumberFormat(lang, { style: 'currency', currency }).format(major);

export const squash = (s) => String(s).replace(/\s/g, '');
