// forms.mjs - what the test_forms_* and test_roles_ui suites share on top of lib.mjs: a page
// signed in as a user (in a language, at a viewport, confirming the browser's dialogs), the
// API read back from that page, values formatted as a reader expects them (computed here
// with Intl, not with the UI's own formatter), and checks that a form fits a phone.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  newPage, login, gotoScreen, settle, assert, DESKTOP, PHONE, CATALOG, ROOT,
} from './lib.mjs';

export { DESKTOP, PHONE };

// A page signed in as user; window.confirm() dialogs are accepted (page.dialogs lists them).
export async function signedIn(browser, server, user, password, { lang = 'zh-CN', viewport = DESKTOP } = {}) {
  const { ctx, page } = await newPage(browser, { lang, viewport });
  page.dialogs = [];
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.accept().catch(() => {}); });
  await login(page, server.base, user, password);
  page.base = server.base;
  page.go = (hash) => gotoScreen(page, server.base, hash);
  return { ctx, page, T: CATALOG[lang] };
}

// method url [body] from the signed-in page -> {status, json}
export async function call(page, method, url, body) {
  const r = await page.evaluate(async ({ method, url, body }) => {
    const me = await (await fetch('/api/v1/me')).json();
    const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, text: await res.text() };
  }, { method, url, body });
  let json = null;
  try { json = JSON.parse(r.text); } catch (e) { /* not JSON */ }
  return { status: r.status, json, text: r.text };
}

export async function get(page, url) {
  const r = await call(page, 'GET', url);
  assert(r.status === 200, `GET ${url}: ${r.status} ${r.text.slice(0, 200)}`);
  return r.json;
}

// Values as a reader sees them, formatted independently of the UI's format.js.
export const fmtPct = (lang, r) => new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(r);
export const fmtMoney = (lang, minor) => new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY' }).format(minor / 100);
export const fmtInt = (lang, n) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(n);
export const sq = (s) => String(s).replace(/\s/g, '');

// The values of a select's options (without the empty "all" / "none" choice).
export async function optionValues(locator) {
  return (await locator.locator('option').evaluateAll((os) => os.map((o) => o.value))).filter((v) => v !== '');
}

// The form (or any box) is no wider than the phone's screen and its submit button can be
// reached and clicked.
export async function assertFitsPhone(page, locator, what) {
  const box = await locator.boundingBox();
  const vw = page.viewportSize().width;
  assert(box && box.width <= vw + 0.5, `${what} is ${box && Math.round(box.width)}px wide on a ${vw}px phone`);
  const inner = await locator.evaluate((el) => el.scrollWidth - el.clientWidth);
  assert(inner <= 1, `${what} scrolls sideways inside by ${inner}px at ${vw}px`);
}

// The text of the error shown under a field of a form, and that it is tied to the control.
export async function fieldError(form, name) {
  const field = form.locator(`[data-field="${name}"]`);
  const err = field.locator('.field-error');
  await err.waitFor();
  const text = (await err.textContent()).trim();
  const ctl = field.locator('input, select, textarea').first();
  const described = await ctl.getAttribute('aria-describedby');
  const id = await err.getAttribute('id');
  assert(described && described.split(' ').includes(id), `the ${name} control is not described by its error`);
  assert(await ctl.getAttribute('aria-invalid') === 'true', `the ${name} control is not marked invalid`);
  const forId = await field.locator('label').getAttribute('for');
  assert(forId && forId === await ctl.getAttribute('id'), `the ${name} label is not tied to its control`);
  return text;
}

// Whether the text reads in the language (zh-CN: has Chinese characters; en: none).
export function assertLang(lang, text, what) {
  const cjk = /[\u4e00-\u9fff]/.test(text);
  assert(lang === 'zh-CN' ? cjk : !cjk, `${what} is not in ${lang}: "${text}"`);
}

export { settle };

// The UI's labels with the server's reasons, by language (as web/src/i18n/index.js joins them):
// what an error message a test expects is built from.
const reasonsOf = async (lang) => (await import(path.join(ROOT, `web/src/i18n/reasons.${lang}.js`))).default;
export const TEXTS = {
  'zh-CN': { ...CATALOG['zh-CN'], ...await reasonsOf('zh-CN') },
  en: { ...CATALOG.en, ...await reasonsOf('en') },
};

// A generic screen's form (components/crud.js): opened for a new record, saved, cancelled.
export async function openNew(page) { await page.click('#crud-new'); return page.locator('#crud-form'); }
export async function saveForm(page) {
  await page.click('#crud-form button[type=submit]');
  await page.locator('#crud-form').waitFor({ state: 'detached' });
}
export async function cancelForm(page) {
  await page.click('#crud-form button[type=button]');
  await page.locator('#crud-form').waitFor({ state: 'detached' });
}

// Retry check until it stops throwing (a list reloads after a save), at most ms.
export async function eventually(check, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// A form's customer: type the name and pick it from the suggestions the page offers.
export async function pickCustomer(form, name) {
  // typed, then the suggestion waited for; typed again if the form drew itself anew over it
  // while it opened (its lists arriving), as a user would see the field empty and type again
  for (let tries = 1; ; tries++) {
    await form.locator('input[name=customer]').fill(name);
    try {
      await form.locator(`datalist option[value="${name}"]`).waitFor({ state: 'attached', timeout: 4000 });
      return;
    } catch (e) {
      if (tries === 3) throw e;
    }
  }
}

// A deal of project for the customer named, owned by owner, inserted in the SQLite database as
// migration 017's table holds it (the activities and feedback suites need one before the deal
// commands exist; this one place moves to `salespm deal add` with them): its id.
export function insertDeal(db, project, customerName, owner, title = '年度框架协议') {
  const q = (s) => "'" + String(s).replace(/'/g, "''") + "'";
  return Number(execFileSync('sqlite3', [db,
    'INSERT INTO deals (project_id, title, customer_id, owner_id, stage, probability_bp, amount_minor, ' +
    `stage_changed_at, created_by, created_at, updated_at) SELECT p.id, ${q(title)}, c.id, u.id, 'proposal', ` +
    `5000, 1000000, 0, u.id, 0, 0 FROM projects p, customers c, users u WHERE p.code = ${q(project)} ` +
    `AND c.name = ${q(customerName)} AND u.login = ${q(owner)} RETURNING id`], { encoding: 'utf8' }).trim());
}
