// test_robots.mjs - group robots on the admin's webhooks screen (screens/webhooks.js) in
// Chromium, with a node http server on 127.0.0.1 playing WeCom, DingTalk and Feishu (allowed
// through the screen's allowed hosts form; it answers errcode / code 0). In zh-CN on a desktop
// the admin is refused a secret with a space under the secret field in Chinese (nothing saved),
// then makes a DingTalk robot for project P1 in Chinese with its 加签 secret, sees the secret
// only masked, and sends a test message that arrives signed (checked here with node's crypto).
// In en on a phone (390×844) the admin makes a Feishu robot (English, all projects, signed), a
// WeCom one (P1) and a plain webhook through the same select (every option of the kind, project
// and language selects submitted), edits the DingTalk robot (English, all projects, secret
// removed) and tests the Feishu one, whose card arrives signed in English. P1's manager (a
// workspace rep) finds 群机器人 in the project's menu: in zh-CN on a desktop adds a DingTalk
// robot for P1 (no project to pick, no plain webhook offered), in en on a phone edits it and
// tests it; a member of P1 has no link and is told the page is for the project's managers.
import http from 'node:http';
import crypto from 'node:crypto';
import { test, assert, run, startServer, shot, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, get, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS, eventually } from './forms.mjs';

const got = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    got.push({ url: req.url, body });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(req.url.startsWith('/open-apis/') ? '{"code":0,"msg":"success","data":{}}' : '{"errcode":0,"errmsg":"ok"}');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const PORT = receiver.address().port;
const BASE = `http://127.0.0.1:${PORT}`;
const ROBOT_EVENTS = ['sale.created', 'deal.won', 'deal.lost', 'deal.stage_changed', 'problem.opened',
  'problem.updated', 'problem.resolved', 'task.created', 'task.updated', 'goal.checked_in', 'alert.raised'];
const DING_SECRET = 'SEC' + 'a1b2c3d4e5f60718'.repeat(4);
const FEISHU_SECRET = 'fsKq81Zx0PaLm3Tb';

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  cli(db, ['project', 'create', 'P1', '--name', '华东区', '--start', '2026-01-01', '--end', '2026-12-31']);
  cli(db, ['project', 'create', 'P2', '--name', '华南区', '--start', '2026-01-01', '--end', '2026-12-31']);
  cli(db, ['user', 'add', 'mgr', '--name', '李娜', '--role', 'rep', '--password-file', pw]);
  cli(db, ['user', 'add', 'rep', '--name', '王强', '--role', 'rep', '--password-file', pw]);
  cli(db, ['member', 'add', 'P1', 'mgr', '--role', 'manager']);
  cli(db, ['member', 'add', 'P1', 'rep', '--role', 'member']);
}

const hmacB64 = (key, msg) => crypto.createHmac('sha256', key).update(msg).digest('base64');

run(async (browser) => {
  const server = await startServer({ setup, name: 'robots' });
  const zh = TEXTS['zh-CN'], en = TEXTS.en;
  let ding = null;
  const { ctx, page } = await signedIn(browser, server, 'admin', PASSWORD, { lang: 'zh-CN' });

  const t1 = 'zh-CN, desktop: a DingTalk robot for P1 with its secret, tested, arrives signed';
  await test(t1, [], async () => {
    await page.go('#/admin/webhooks');
    await page.locator('.page-head h1', { hasText: zh['nav.webhooks'] }).waitFor();
    await page.locator('#webhook-hosts textarea[name=hosts]').fill(`127.0.0.1:${PORT}`);
    await page.click('#webhook-hosts button[type=submit]');
    await page.locator('#webhook-hosts .banner', { hasText: zh['webhook.hosts_saved'] }).waitFor();
    await page.click('#webhook-new');
    const f = page.locator('#webhook-form');
    const kinds = await f.locator('select[name=format] option').evaluateAll((xs) => xs.map((x) => [x.value, x.textContent.trim()]));
    assert(kinds.map((k) => k[0]).join() === 'salespm,wecom,dingtalk,feishu', `kinds ${kinds}`);
    for (const [v, label] of kinds) assert(label === zh['webhook.format.' + v], `the label of ${v}: ${label}`);
    assert(await f.locator('select[name=project]').count() === 0, 'a webhook has no project select');
    await f.locator('select[name=format]').selectOption('dingtalk');
    assert((await f.locator('[data-field=url] .field-hint, [data-field=url] .hint').first().textContent()).includes('oapi.dingtalk.com'),
      'the URL hint tells where the address is');
    await f.locator('select[name=project]').selectOption('P1');
    await f.locator('select[name=lang]').selectOption('zh-CN');
    await f.locator('input[name=url]').fill(`${BASE}/robot/send?access_token=t1`);
    await f.locator('input[name=secret]').fill('SEC 123');
    await f.locator('button[type=submit]').click();
    const msg = await fieldError(f, 'secret');
    assert(msg.includes(zh['webhook.secret']) || msg.includes('空格'), `the refusal reads "${msg}"`);
    assertLang('zh-CN', msg, 'the refusal');
    assert((await get(page, '/api/v1/webhooks')).webhooks.length === 0, 'nothing saved');
    await f.locator('input[name=secret]').fill(DING_SECRET);
    await f.locator('input[name=description]').fill('华东销售群');
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    assert(await page.locator('#webhook-secret').count() === 0, 'no generated secret for a robot');
    const hooks = (await get(page, '/api/v1/webhooks')).webhooks;
    assert(hooks.length === 1, `${hooks.length} webhooks`);
    ding = hooks[0];
    // a new robot starts with the chat's usual events (news, not every edit)
    const usual = (await get(page, '/api/v1/webhooks/events')).events.filter((x) => ROBOT_EVENTS.includes(x));
    assert(usual.includes('deal.won') && usual.includes('sale.created') && !usual.includes('customer.updated'), `usual ${usual}`);
    assert(ding.format === 'dingtalk' && ding.project === 'P1' && ding.lang === 'zh-CN'
      && ding.key_hint === 'SEC…0718' && ding.events.join() === usual.join(), `saved ${JSON.stringify(ding)}`);
    const card = page.locator(`.webhook-card[data-webhook="${ding.id}"]`);
    const shown = await card.textContent();
    assert(shown.includes(zh['webhook.format.dingtalk']) && shown.includes('SEC…0718') && !shown.includes(DING_SECRET),
      `the card shows the secret masked: ${shown}`);
    assert(await card.locator('[data-action=rotate]').count() === 0, 'a robot has no rotate');
    await card.locator('[data-action=ping]').click();
    await eventually(() => assert(got.length === 1, 'the robot got no test message'), 15000);
    const u = new URL(BASE + got[0].url);
    const ts = u.searchParams.get('timestamp');
    assert(u.pathname === '/robot/send' && u.searchParams.get('access_token') === 't1', `the URL ${got[0].url}`);
    assert(u.searchParams.get('sign') === hmacB64(DING_SECRET, `${ts}\n${DING_SECRET}`), 'the DingTalk signature');
    const m = JSON.parse(got[0].body);
    assert(m.msgtype === 'markdown' && m.markdown.title === '【P1 华东区】测试消息'
      && m.markdown.text.includes('salespm 机器人已连通'), `the message ${got[0].body}`);
    await eventually(async () => {
      await card.locator('[data-action=refresh]').click();
      const row = card.locator('.webhook-deliveries tbody tr').first();
      const state = (await row.locator('.chip').textContent()).trim();
      assert(state === zh['webhook.state.delivered'], `the log row: ${state}`);
    }, 15000);
    await shot(page, 'robots-zh');
  });

  const ph = await signedIn(browser, server, 'admin', PASSWORD, { lang: 'en', viewport: PHONE });
  const p = ph.page;
  const t2 = 'en, phone: Feishu, WeCom and a webhook made through the kind select; the DingTalk robot edited';
  await test(t2, [t1], async () => {
    await p.go('#/admin/webhooks');
    await p.locator('.page-head h1', { hasText: en['nav.webhooks'] }).waitFor();
    const f = p.locator('#webhook-form');
    const make = async (kind, fill) => {
      await p.click('#webhook-new');
      await f.waitFor();
      await f.locator('select[name=format]').selectOption(kind);
      await fill();
      await assertFitsPhone(p, f, `the ${kind} form`);
      await f.locator('button[type=submit]').click();
      await f.waitFor({ state: 'detached' });
    };
    await make('feishu', async () => {
      const langs = await f.locator('select[name=lang] option').evaluateAll((xs) => xs.map((x) => x.value));
      assert(langs.join() === 'zh-CN,en', `languages ${langs}`);
      const projects = await f.locator('select[name=project] option').evaluateAll((xs) => xs.map((x) => x.value));
      assert(projects.join() === ',P1,P2', `projects ${projects}`);
      await f.locator('select[name=project]').selectOption('');
      await f.locator('select[name=lang]').selectOption('en');
      await f.locator('input[name=url]').fill(`${BASE}/open-apis/bot/v2/hook/fs1`);
      await f.locator('input[name=secret]').fill(FEISHU_SECRET);
    });
    await make('wecom', async () => {
      assert(await f.locator('input[name=secret]').count() === 0, 'WeCom has no secret field');
      await f.locator('select[name=project]').selectOption('P2');
      await f.locator('select[name=lang]').selectOption('en');
      await f.locator('input[name=url]').fill(`${BASE}/cgi-bin/webhook/send?key=k2`);
    });
    await make('salespm', async () => {
      assert(await f.locator('select[name=lang]').count() === 0, 'a webhook has no language');
      await f.locator('input[name=url]').fill(`${BASE}/plain`);
    });
    const secret = (await p.locator('#webhook-secret code.secret').textContent()).trim();
    assert(/^whsec_[0-9a-f]{64}$/.test(secret), `the webhook's secret shown once: ${secret}`);
    const hooks = (await get(p, '/api/v1/webhooks')).webhooks;
    const by = Object.fromEntries(hooks.map((h) => [h.format, h]));
    assert(by.feishu.project === null && by.feishu.lang === 'en' && by.feishu.key_hint === 'fsK…m3Tb', `feishu ${JSON.stringify(by.feishu)}`);
    assert(by.wecom.project === 'P2' && by.wecom.lang === 'en' && by.wecom.key_hint === null, `wecom ${JSON.stringify(by.wecom)}`);
    assert(by.salespm.project === null && by.salespm.key_hint === null && by.salespm.events.join() === '*',
      `webhook ${JSON.stringify(by.salespm)}`);
    // the DingTalk robot: English, every project, its secret removed
    const card = p.locator(`.webhook-card[data-webhook="${ding.id}"]`);
    await card.locator('[data-action=edit]').click();
    await f.waitFor();
    assert(await f.locator('select[name=format]').isDisabled(), 'the kind is kept');
    assert(await f.locator('select[name=project]').inputValue() === 'P1', 'its project selected');
    const hint = (await f.locator('[data-field=secret]').textContent());
    assert(hint.includes('SEC…0718'), `the secret's hint: ${hint}`);
    assertLang('en', hint.replace('SEC…0718', ''), 'the hint');
    await f.locator('select[name=lang]').selectOption('en');
    await f.locator('select[name=project]').selectOption('');
    await f.locator('input[name=clear_secret]').check();
    await assertFitsPhone(p, f, 'the edit form');
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    const h = await get(p, `/api/v1/webhooks/${ding.id}`);
    assert(h.version === 2 && h.lang === 'en' && h.project === null && h.key_hint === null, `edited ${JSON.stringify(h)}`);
    // the Feishu robot's test card, signed, in English
    const n = got.length;
    await p.locator(`.webhook-card[data-webhook="${by.feishu.id}"] [data-action=ping]`).click();
    await eventually(() => assert(got.length === n + 1, 'the Feishu robot got nothing'), 15000);
    const b = JSON.parse(got[n].body);
    assert(got[n].url === '/open-apis/bot/v2/hook/fs1', `the path ${got[n].url}`);
    assert(b.sign === hmacB64(`${b.timestamp}\n${FEISHU_SECRET}`, ''), 'the Feishu signature');
    assert(b.msg_type === 'interactive' && b.card.header.title.content === 'Test message', `the card ${got[n].body}`);
    await assertNoSidewaysScroll(p, 'the webhooks screen');
    await shot(p, 'robots-en-phone');
  });

  const m1 = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
  const mp = m1.page;
  let mine = null;
  const t3 = "zh-CN, desktop: P1's manager adds a DingTalk robot for P1 from the project's menu";
  await test(t3, [t1], async () => {
    await mp.go('#/p/P1');
    await mp.click('#nav-robots');
    await mp.locator('.page-head h1', { hasText: zh['nav.robots'] }).waitFor();
    await mp.locator('.empty h3', { hasText: zh['webhook.robots_empty'] }).waitFor();
    assert(await mp.locator('#webhook-hosts').count() === 0, 'no allowed hosts for a manager');
    await mp.click('#webhook-new');
    const f = mp.locator('#webhook-form');
    const kinds = await f.locator('select[name=format] option').evaluateAll((xs) => xs.map((x) => x.value));
    assert(kinds.join() === 'wecom,dingtalk,feishu', `kinds offered: ${kinds}`);
    assert(await f.locator('select[name=project]').count() === 0, 'the project is the page\'s');
    await f.locator('select[name=format]').selectOption('dingtalk');
    await f.locator('select[name=lang]').selectOption('zh-CN');
    await f.locator('input[name=url]').fill(`${BASE}/robot/send?access_token=m1`);
    await f.locator('input[name=secret]').fill(DING_SECRET);
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    const hooks = (await get(mp, '/api/v1/webhooks')).webhooks;
    assert(hooks.length === 1 && hooks[0].project === 'P1' && hooks[0].format === 'dingtalk'
      && hooks[0].created_by === 'mgr', `the manager sees ${JSON.stringify(hooks)}`);
    mine = hooks[0];
    await shot(mp, 'robots-manager-zh');
  });

  const m2 = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'en', viewport: PHONE });
  const mq = m2.page;
  const t4 = "en, phone: P1's manager edits the robot and tests it";
  await test(t4, [t3], async () => {
    await mq.go('#/p/P1/robots');
    await mq.locator('.page-head h1', { hasText: en['nav.robots'] }).waitFor();
    const card = mq.locator(`.webhook-card[data-webhook="${mine.id}"]`);
    await card.locator('[data-action=edit]').click();
    const f = mq.locator('#webhook-form');
    await assertFitsPhone(mq, f, 'the robot form');
    await f.locator('select[name=lang]').selectOption('en');
    await f.locator('input[name=description]').fill('East sales group');
    await f.locator('button[type=submit]').click();
    await f.waitFor({ state: 'detached' });
    const h = await get(mq, `/api/v1/webhooks/${mine.id}`);
    assert(h.version === 2 && h.lang === 'en' && h.project === 'P1' && h.key_hint === 'SEC…0718', `edited ${JSON.stringify(h)}`);
    const n = got.length;
    await card.locator('[data-action=ping]').click();
    await eventually(() => assert(got.length === n + 1, 'the robot got nothing'), 15000);
    const b = JSON.parse(got[n].body);
    assert(b.markdown.title === '【P1 华东区】Test message', `the message ${got[n].body}`);
    await assertNoSidewaysScroll(mq, 'the robots screen');
  });

  await test("a member of P1 has no robots' link nor page", [], async () => {
    const r = await signedIn(browser, server, 'rep', PASSWORD, { lang: 'en' });
    await r.page.go('#/p/P1');
    await r.page.locator('#nav-budget').waitFor();
    assert(await r.page.locator('#nav-robots').count() === 0, 'a member sees the link');
    await r.page.go('#/p/P1/robots');
    await r.page.locator('.empty h3', { hasText: en['webhook.robots_managers_only'] }).waitFor();
    assert(await r.page.locator('#webhook-new').count() === 0, 'a member sees the add button');
    await r.ctx.close();
  });

  for (const x of [page, p, mp, mq]) assert(x.problems.length === 0, `page problems: ${x.problems.join('; ')}`);
  await m1.ctx.close();
  await m2.ctx.close();
  await ctx.close();
  await ph.ctx.close();
  receiver.close();
});
