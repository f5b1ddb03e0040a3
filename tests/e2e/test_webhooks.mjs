// test_webhooks.mjs - the admin's webhooks screen (screens/webhooks.js) in Chromium, with a real
// receiver on 127.0.0.1 (node's http server) that the admin allows through the screen's allowed
// hosts form. In zh-CN on a desktop the admin opens it from the admin menu, is refused a private
// URL under the URL field in Chinese (nothing saved), then creates a webhook for two events picked
// by their checkboxes (every event of the catalogue offered, each labelled in the reader's
// language), and sees its secret once. In en on a phone (390×844) the admin edits it (other events,
// a description, switched off and on), sends a test, sees the delivery in the log with the
// receiver's status, redelivers it, rotates the secret and finally deletes the webhook. A manager
// has no link to the screen and is told it is for admins when opening it by address.
import http from 'node:http';
import { test, assert, run, startServer, shot, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, get, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, eventually } from './forms.mjs';

const got = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    got.push({ event: req.headers['x-salespm-event'], delivery: req.headers['x-salespm-delivery'], body });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const PORT = receiver.address().port;
const URL_ = `http://127.0.0.1:${PORT}/salespm`;

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  cli(db, ['user', 'add', 'mgr', '--name', '李娜', '--role', 'manager', '--password-file', pw]);
}


run(async (browser) => {
  const server = await startServer({ setup, name: 'webhooks' });
  const zh = TEXTS['zh-CN'], en = TEXTS.en;
  let hook = null;
  const { ctx, page } = await signedIn(browser, server, 'admin', PASSWORD, { lang: 'zh-CN' });

  const t1 = 'zh-CN, desktop: the admin allows the receiver and creates a webhook by checkboxes';
  await test(t1, [], async () => {
    await page.go('#/projects');
    await page.click('#nav-webhooks');
    await page.locator('.page-head h1', { hasText: zh['nav.webhooks'] }).waitFor();
    // the allowed hosts
    await page.locator('#webhook-hosts textarea[name=hosts]').fill(`127.0.0.1:${PORT}`);
    await page.click('#webhook-hosts button[type=submit]');
    await page.locator('#webhook-hosts .banner', { hasText: zh['webhook.hosts_saved'] }).waitFor();
    const hosts = await get(page, '/api/v1/webhooks/allowed-hosts');
    assert(hosts.hosts.join() === `127.0.0.1:${PORT}`, `allowed hosts ${JSON.stringify(hosts)}`);
    // a private address is refused under its field, in Chinese, and nothing is saved
    await page.click('#webhook-new');
    const f = page.locator('#webhook-form');
    await f.locator('input[name=url]').fill('http://10.0.0.1/hook');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'url');
    assert(msg.includes('10.0.0.1') && msg.includes(zh['reason.url_address_refused'].split('：')[1].slice(0, 6)),
      `the refusal reads "${msg}"`);
    assertLang('zh-CN', msg, 'the refusal');
    assert((await get(page, '/api/v1/webhooks')).webhooks.length === 0, 'nothing saved');
    // every event of the catalogue is offered with its Chinese label
    await f.locator('input[name=all_events]').uncheck();
    const catalogue = (await get(page, '/api/v1/webhooks/events')).events;
    const offered = await f.locator('input[name=event]').evaluateAll((xs) => xs.map((x) => x.value));
    assert(offered.join() === catalogue.join(), `events offered ${offered}`);
    for (const name of catalogue) {
      const label = (await f.locator('label.check', { has: page.locator(`input[value="${name}"]`) }).textContent()).trim();
      assert(label.startsWith(zh['webhook.event.' + name]), `the label of ${name}: ${label}`);
      assertLang('zh-CN', label, `the label of ${name}`);
    }
    await f.locator('input[name=url]').fill(URL_);
    await f.locator('input[name=description]').fill('订单系统同步');
    await f.locator('label.check', { hasText: zh['webhook.event.deal.stage_changed'] }).locator('input').check();
    await f.locator('label.check', { hasText: zh['webhook.event.project.created'] }).locator('input').check();
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    const secret = (await page.locator('#webhook-secret code.secret').textContent()).trim();
    assert(/^whsec_[0-9a-f]{64}$/.test(secret), `the secret shown: ${secret}`);
    const hooks = (await get(page, '/api/v1/webhooks')).webhooks;
    assert(hooks.length === 1, `${hooks.length} webhooks`);
    hook = hooks[0];
    assert(hook.url === URL_ && hook.description === '订单系统同步' && hook.active
      && hook.events.join() === 'project.created,deal.stage_changed', `saved ${JSON.stringify(hook)}`);
    assert(!JSON.stringify(hook).includes(secret), 'the secret is never read back');
    await page.go('#/projects');
    await page.go('#/admin/webhooks');
    await page.locator(`.webhook-card[data-webhook="${hook.id}"]`).waitFor();
    assert(await page.locator('#webhook-secret').count() === 0, 'the secret is gone once the page is left');
    await shot(page, 'webhooks-zh');
  });

  const ph = await signedIn(browser, server, 'admin', PASSWORD, { lang: 'en', viewport: PHONE });
  const p = ph.page;
  const t2 = 'en, phone: the admin edits the webhook, tests it and reads the delivery';
  await test(t2, [t1], async () => {
    await p.go('#/projects');
    await p.click('#menu-button');
    await p.click('#nav-webhooks');
    await p.locator('.page-head h1', { hasText: en['nav.webhooks'] }).waitFor();
    const card = p.locator(`.webhook-card[data-webhook="${hook.id}"]`);
    await card.locator('[data-action=edit]').click();
    const f = p.locator('#webhook-form');
    await assertFitsPhone(p, f, 'the webhook form');
    for (const name of (await get(p, '/api/v1/webhooks/events')).events) {
      const label = (await f.locator('label.check', { has: p.locator(`input[value="${name}"]`) }).textContent()).trim();
      assert(label.startsWith(en['webhook.event.' + name]), `the label of ${name}: ${label}`);
      assertLang('en', label, `the label of ${name}`);
    }
    assert(await f.locator('input[value="project.created"]').isChecked(), 'its events are checked');
    await f.locator('input[value="project.created"]').uncheck();
    await f.locator('input[value="deal.won"]').check();
    await f.locator('input[name=description]').fill('Order sync');
    await f.locator('input[name=active]').uncheck();
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    let h = (await get(p, `/api/v1/webhooks/${hook.id}`));
    assert(h.version === 2 && !h.active && h.description === 'Order sync'
      && h.events.join() === 'deal.stage_changed,deal.won', `edited ${JSON.stringify(h)}`);
    await card.locator('[data-action=edit]').click();
    await f.locator('input[name=active]').check();
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    h = await get(p, `/api/v1/webhooks/${hook.id}`);
    assert(h.version === 3 && h.active, `switched on ${JSON.stringify(h)}`);
    // a test, seen by the receiver and in the log with its status
    await card.locator('[data-action=ping]').click();
    await eventually(() => assert(got.some((x) => x.event === 'ping'), 'the receiver got no ping'), 15000);
    const row = card.locator('.webhook-deliveries tbody tr').first();
    await eventually(async () => {
      await card.locator('[data-action=refresh]').click();
      await row.waitFor();
      const status = (await row.locator('[data-col=status]').textContent()).trim();
      const state = (await row.locator('.chip').textContent()).trim();
      assert(status === '200' && state === en['webhook.state.delivered'], `the log row: ${status} ${state}`);
    }, 15000);
    const first = got.find((x) => x.event === 'ping');
    assert(JSON.parse(first.body).event === 'ping', 'the ping body');
    // redelivered: a new delivery of the same body
    await row.locator('[data-action=redeliver]').click();
    await eventually(() => assert(got.filter((x) => x.event === 'ping').length === 2, 'no redelivery'), 15000);
    const again = got.filter((x) => x.event === 'ping')[1];
    assert(again.body === first.body && again.delivery !== first.delivery, 'the same body, a new delivery id');
    // a new secret, shown once
    await card.locator('[data-action=rotate]').click();
    const secret = (await p.locator('#webhook-secret code.secret').textContent()).trim();
    assert(/^whsec_[0-9a-f]{64}$/.test(secret), `the rotated secret: ${secret}`);
    await assertNoSidewaysScroll(p, 'the webhooks screen');
    await shot(p, 'webhooks-en-phone');
    // deleted, after the confirmation
    await card.locator('[data-action=delete]').click();
    await eventually(async () => assert((await get(p, '/api/v1/webhooks')).webhooks.length === 0, 'not deleted'));
    await p.locator('.empty h3', { hasText: en['webhook.empty'] }).waitFor();
  });

  await test('a manager has no webhooks screen', [], async () => {
    const m = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'en' });
    await m.page.go('#/projects');
    assert(await m.page.locator('#nav-webhooks').count() === 0, 'a manager sees the link');
    await m.page.go('#/admin/webhooks');
    await m.page.locator('.empty h3', { hasText: en['access.admin_only'] }).waitFor();
    assert(await m.page.locator('#webhook-new').count() === 0, 'a manager sees the new button');
    await m.ctx.close();
  });
  for (const x of [page, p]) assert(x.problems.length === 0, `page problems: ${x.problems.join('; ')}`);
  await ctx.close();
  await ph.ctx.close();
  receiver.close();
});
