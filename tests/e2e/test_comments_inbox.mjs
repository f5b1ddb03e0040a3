// test_comments_inbox.mjs - comments with @mentions and the inbox in Chromium
// (components/comments.js, screens/inbox.js, components/inbox-bell.js). In zh-CN on a desktop
// and in en on a phone (390×844): rep1 opens a deal (from a link to its comments) and a task's
// comments, types "@rep", picks rep2 from the members the box offers, and posts; the comment
// shows with rep2's mention highlighted, read back through the API. rep1 edits the comment
// (version 2, marked edited). A comment of markup and a link is shown as the text typed (no
// element made from it, no script run), the link a link with rel="noopener noreferrer". rep2
// signs in: the bell's badge shows the unread count the API gives; the inbox lists the mention
// in the reader's language (the sentence built here from the catalog and the deal's title),
// opening it shows the deal with its comments and marks it read (the badge one less); "mark
// all read" empties the unread list and the badge; a kind turned off in the settings is saved;
// every kind of the select lists what the API gives for it. The manager comments on a
// customer's page (its people: every user) and deletes a member's comment (no edit control on
// it); a viewer reads a task's comments with no box and no control.
import { test, assert, run, startServer, cli, isoDay, PASSWORD, assertNoSidewaysScroll } from './lib.mjs';
import { signedIn, get, PHONE, eventually } from './forms.mjs';

const P = 'P1';
const DEAL_TITLE = '华东医院耗材框架';
const TASK_TITLE = '拜访华东经销商';
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script> 见 https://example.com/a?b=1.';
const NAMES = { rep1: '王芳', rep2: '赵磊' };

let ids = {};
function setup(db, pw) {
  for (const [login, role] of [['mgr', 'manager'], ['rep1', 'rep'], ['rep2', 'rep'], ['vw', 'viewer']])
    cli(db, ['user', 'add', login, '--name', NAMES[login] || login, '--role', role, '--password-file', pw]);
  cli(db, ['project', 'create', P, '--name', '华东大客户', '--start', '2026-01-01', '--end', '2027-12-31']);
  for (const [login, prole] of [['mgr', 'manager'], ['rep1', 'member'], ['rep2', 'member'], ['vw', 'viewer']])
    cli(db, ['member', 'add', P, login, '--role', prole]);
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(db, ['product', 'add', 'SKU-1', '--name', '边缘网关', '--cost', '60', '--price', '100']);
  cli(db, ['sale', 'add', P, '--date', '2026-02-01', '--customer', '华东医院', '--product', 'SKU-1', '--channel', 'direct',
    '--quantity', '1', '--price', '100.00', '--rep', 'rep2']);
  // rep2's own deal and task (made by rep2: nothing in their inbox yet)
  ids.deal = JSON.parse(cli(db, ['--json', 'deal', 'add', P, '--title', DEAL_TITLE, '--customer', '华东医院'], { as: 'rep2' })).id;
  ids.customer = JSON.parse(cli(db, ['--json', 'customer', 'show', '华东医院'])).id;
  ids.task = JSON.parse(cli(db, ['--json', 'task', 'add', P, '--title', TASK_TITLE, '--assignee', 'rep2', '--start', isoDay(10),
    '--due', isoDay(20)], { as: 'rep2' })).id;
}

const fill = (tpl, vars) => tpl.replace(/\{(\w+)\}/g, (_, k) => vars[k]);

// Type "@rep", pick rep2 from the box's list, then the rest; post; the new comment.
async function mention(page, section, text) {
  const box = section.locator('.comment-form textarea');
  await box.click();
  await box.pressSequentially('@rep');
  const option = section.locator('.mention-list li[data-login=rep2]');
  await option.waitFor();
  assert(await section.locator('.mention-list li').count() >= 2, 'the members that match "rep" are offered');
  await option.click();
  assert((await box.inputValue()) === '@rep2 ', `picked: "${await box.inputValue()}"`);
  await box.pressSequentially(text);
  await section.locator('.comment-post').click();
  await eventually(async () => assert((await box.inputValue()) === '', 'the box empties after posting'));
}

async function lastComment(page, on) {
  const list = (await get(page, '/api/v1/comments?on=' + on)).comments;
  return list[list.length - 1];
}

async function writer(browser, server, lang, viewport) {
  const where = `${lang}${viewport === PHONE ? ' phone' : ''}`;
  const { ctx, page, T } = await signedIn(browser, server, 'rep1', PASSWORD, { lang, viewport });
  const t1 = `${where}: rep1 mentions rep2 on a deal, picking them from the members offered`;
  await test(t1, [], async () => {
    await page.goto(`${server.base}/#/p/${P}/deals?comments=deal:${ids.deal}`);
    const section = page.locator(`.comments[data-on="deal:${ids.deal}"]`);
    await section.waitFor();
    await mention(page, section, `${lang === 'en' ? 'please send the quote' : '请周五前发报价'}`);
    const c = await lastComment(page, `deal:${ids.deal}`);
    assert(c.author === 'rep1' && c.mentions.join() === 'rep2' && c.body.startsWith('@rep2 '), JSON.stringify(c));
    const shown = section.locator(`.comment[data-id="${c.id}"]`);
    await shown.locator('.mention[data-login=rep2]').waitFor();
    assert((await shown.locator('.comment-body').textContent()) === c.body, 'the text as written');
    if (viewport === PHONE) await assertNoSidewaysScroll(page, 'the deal with its comments');
  });
  await test(`${where}: rep1 edits the comment (version 2, marked edited)`, [t1], async () => {
    const c = await lastComment(page, `deal:${ids.deal}`);
    const item = page.locator(`.comment[data-id="${c.id}"]`);
    await item.locator('.comment-edit').click();
    const box = item.locator('.comment-editor textarea');
    await box.fill(c.body + ' ✓');
    await item.locator('.comment-save').click();
    await page.locator(`.comment[data-id="${c.id}"] .comment-edited`).waitFor();
    const again = await lastComment(page, `deal:${ids.deal}`);
    assert(again.version === 2 && again.body === c.body + ' ✓' && again.edited, JSON.stringify(again));
  });
  await test(`${where}: markup in a comment is shown as text, its link a safe link`, [t1], async () => {
    const section = page.locator(`.comments[data-on="deal:${ids.deal}"]`);
    await section.locator('.comment-form textarea').fill(XSS);
    await section.locator('.comment-post').click();
    const c = await eventually(async () => { const x = await lastComment(page, `deal:${ids.deal}`); assert(x.body === XSS, 'stored verbatim'); return x; });
    const body = page.locator(`.comment[data-id="${c.id}"] .comment-body`);
    await body.waitFor();
    assert((await body.textContent()) === XSS, `shown: ${await body.textContent()}`);
    assert(await body.locator('img, script').count() === 0, 'an element made from the text');
    const a = body.locator('a');
    assert(await a.count() === 1 && (await a.getAttribute('href')) === 'https://example.com/a?b=1'
      && (await a.getAttribute('rel')) === 'noopener noreferrer', 'the link');
    assert(await page.evaluate(() => window.__xss === undefined), 'a script ran');
  });
  await test(`${where}: rep1 mentions rep2 in a task's comments`, [t1], async () => {
    await page.go(`#/p/${P}/tasks`);
    await page.locator(`.comments-open[data-on="task:${ids.task}"]`).click();
    const section = page.locator(`.comments[data-on="task:${ids.task}"]`);
    await section.waitFor();
    await mention(page, section, lang === 'en' ? 'can you take it?' : '你来跟进？');
    const c = await lastComment(page, `task:${ids.task}`);
    assert(c.mentions.join() === 'rep2', JSON.stringify(c));
    if (viewport === PHONE) await assertNoSidewaysScroll(page, "a task's comments");
  });
  assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  await ctx.close();
  return t1;
}

async function reader(browser, server, lang, viewport, dep) {
  const where = `${lang}${viewport === PHONE ? ' phone' : ''}`;
  const { ctx, page, T } = await signedIn(browser, server, 'rep2', PASSWORD, { lang, viewport });
  const badge = async () => ((await page.locator('#inbox-badge').count()) ? Number(await page.locator('#inbox-badge').textContent()) : 0);
  const t2 = `${where}: rep2 sees the badge and the mention in the inbox, opens it, and it is read`;
  await test(t2, [dep], async () => {
    const count = await get(page, '/api/v1/inbox/count');
    assert(count.by_kind.mention >= 2, JSON.stringify(count));
    await eventually(async () => assert((await badge()) === count.unread, `badge ${await badge()}, API ${count.unread}`));
    await page.locator('#inbox-bell').click();
    await page.locator('#inbox-list').waitFor();
    const list = (await get(page, '/api/v1/inbox?kind=mention&unread=1')).notifications;
    const n = list.find((x) => x.on_kind === 'deal' && x.on_id === ids.deal);
    assert(n && !n.read, 'the deal mention is unread');
    const item = page.locator(`.inbox-item[data-id="${n.id}"]`);
    const want = fill(T['inbox.msg.mention'], { by: NAMES.rep1, what: T['inbox.what.deal'], title: DEAL_TITLE });
    assert((await item.locator('.inbox-link').textContent()) === want, `said: ${await item.locator('.inbox-link').textContent()}, want ${want}`);
    assert((await item.getAttribute('data-read')) === '0', 'shown unread');
    const task = list.find((x) => x.on_kind === 'task' && x.on_id === ids.task);
    assert(task, 'the task mention is listed');
    const wantTask = fill(T['inbox.msg.mention'], { by: NAMES.rep1, what: T['inbox.what.task'], title: TASK_TITLE });
    assert((await page.locator(`.inbox-item[data-id="${task.id}"] .inbox-link`).textContent()) === wantTask, 'the task mention said');
    if (viewport === PHONE) await assertNoSidewaysScroll(page, 'the inbox');
    await item.locator('.inbox-link').click();
    await page.locator(`.comments[data-on="deal:${ids.deal}"] .comment`).first().waitFor();
    const after = (await get(page, '/api/v1/inbox?kind=mention')).notifications.find((x) => x.id === n.id);
    assert(after.read, 'marked read on opening');
    await eventually(async () => assert((await badge()) === count.unread - 1, `badge ${await badge()} after opening one`));
  });
  await test(`${where}: rep2 marks all read and chooses what to receive`, [t2], async () => {
    await page.go('#/inbox');
    await page.locator('#inbox-read-all').click();
    await eventually(async () => assert((await get(page, '/api/v1/inbox/count')).unread === 0, 'all read'));
    await eventually(async () => assert((await badge()) === 0, 'the badge is gone'));
    await page.locator('#inbox-unread').click();
    await page.getByText(T['inbox.empty_unread']).waitFor();
    const box = page.locator('#notify-due');
    const was = await box.isChecked();
    await box.click();
    await eventually(async () => assert((await get(page, '/api/v1/me/notification-settings')).settings.due === !was, 'saved'));
    await page.locator('#notify-due').click();
    await eventually(async () => assert((await get(page, '/api/v1/me/notification-settings')).settings.due === was, 'saved back'));
    for (const k of ['mention', 'assigned', 'due', 'overdue', 'stage', 'sla', 'alert', 'review'])
      assert((await page.locator(`#inbox-settings label:has(#notify-${k})`).textContent()).trim() === T['inbox.kind.' + k], `label of ${k}`);
  });
  await test(`${where}: rep2 lists the inbox by every kind the select offers`, [t2], async () => {
    await page.go('#/inbox');
    await page.locator('#inbox-all').click();
    const kinds = await page.locator('#inbox-kind option').evaluateAll((os) => os.map((o) => o.value));
    assert(kinds.join() === ',mention,assigned,due,overdue,stage,sla,alert,review', `options ${kinds}`);
    for (const k of kinds) {
      await page.locator('#inbox-kind').selectOption(k);
      const want = (await get(page, '/api/v1/inbox?limit=20' + (k ? '&kind=' + k : ''))).notifications.map((n) => String(n.id));
      await eventually(async () => {
        const shown = await page.locator('.inbox-item').evaluateAll((es) => es.map((e) => e.dataset.id));
        assert(shown.join() === want.join(), `kind ${k || 'all'}: shown ${shown}, want ${want}`);
      });
    }
  });
  assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
  await ctx.close();
}

// The manager comments on the customer's page and deletes a member's comment; a viewer
// reads the comments with no box and no control.
async function others(browser, server, dep) {
  await test('zh-CN: the manager comments on a customer and deletes a member\'s comment', [dep], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
    await page.goto(`${server.base}/#/customers/${ids.customer}`);
    const section = page.locator(`.comments[data-on="customer:${ids.customer}"]`);
    await section.waitFor();
    await mention(page, section, ' 这位客户的续约你来跟');
    const c = await lastComment(page, `customer:${ids.customer}`);
    assert(c.author === 'mgr' && c.project === null && c.mentions.join() === 'rep2', JSON.stringify(c));
    await page.goto(`${server.base}/#/p/${P}/deals?comments=deal:${ids.deal}`);
    const theirs = (await get(page, `/api/v1/comments?on=deal:${ids.deal}`)).comments.find((x) => x.body === XSS);
    const item = page.locator(`.comment[data-id="${theirs.id}"]`);
    assert(await item.locator('.comment-edit').count() === 0, "an edit control on a member's comment");
    await item.locator('.comment-delete').click();
    await item.waitFor({ state: 'detached' });
    assert(!(await get(page, `/api/v1/comments?on=deal:${ids.deal}`)).comments.some((x) => x.id === theirs.id), 'deleted');
    assert(page.problems.length === 0, `page problems: ${page.problems.join('; ')}`);
    await ctx.close();
  });
  await test('en: a viewer reads the comments without a box or a control', [dep], async () => {
    const { ctx, page, T } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await page.go(`#/p/${P}/tasks`);
    await page.locator(`.comments-open[data-on="task:${ids.task}"]`).click();
    const section = page.locator(`.comments[data-on="task:${ids.task}"]`);
    await section.locator('.comment').first().waitFor();
    await section.getByText(T['comments.read_only']).waitFor();
    assert(await section.locator('textarea, .comment-edit, .comment-delete').count() === 0, 'a write control for a viewer');
    await ctx.close();
  });
}

run(async (browser) => {
  const server = await startServer({ setup, name: 'comments-inbox' });
  const a = await writer(browser, server, 'zh-CN');
  await reader(browser, server, 'zh-CN', undefined, a);
  const b = await writer(browser, server, 'en', PHONE);
  await reader(browser, server, 'en', PHONE, b);
  await others(browser, server, a);
});
