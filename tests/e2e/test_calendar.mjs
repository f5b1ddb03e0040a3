// test_calendar.mjs - the per-user calendar feed (core/calendar.c, screens/calendar.js): a rep
// opens "My calendar" from the user menu (en on a phone, zh-CN on a desktop), makes the link and
// copies it; the feed behind it is read without a session and checked by Mozilla's strict
// RFC 5545 parser (the npm package ical.js) and by this file's own line checks (CRLF only, no
// line over 75 octets, valid UTF-8 once unfolded). Its events are the rep's task, activity,
// meetings and open deal in the projects they are in, each value compared with what the API
// holds (titles with ; , \ and Chinese text, an agenda with line breaks, UTC times and all-day
// dates). A new link makes the old one answer 404; a member taken off a project loses that
// project's items at the next read; a revoked link answers 404.
import { createRequire } from 'node:module';
import path from 'node:path';
import { test, assert, run, startServer, isoDay, PASSWORD, ROOT, cli } from './lib.mjs';
import { signedIn, get, PHONE, TEXTS, assertLang } from './forms.mjs';

const ICAL = createRequire(path.join(ROOT, 'web/package.json'))('ical.js');

const TITLE = '季度复盘；定价, 渠道\\折扣：华东大客户华东大客户华东大客户华东大客户';
const AGENDA = '1. 回顾目标\n2. 讨论价格, 折扣; 渠道\n3. 下一步';

async function setup(db, pw) {
  for (const [login, name, role] of [['mgr', '李娜', 'manager'], ['rep1', '王芳', 'rep']])
    cli(db, ['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  for (const code of ['P1', 'P2']) {
    cli(db, ['project', 'create', code, '--name', '项目 ' + code, '--start', '2026-01-01', '--end', '2027-12-31']);
    cli(db, ['member', 'add', code, 'mgr', '--role', 'manager']);
    cli(db, ['member', 'add', code, 'rep1', '--role', 'member']);
  }
  cli(db, ['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  cli(db, ['product', 'add', 'SKU-1', '--name', '网关', '--cost', '1.00', '--price', '2.00']);
  cli(db, ['sale', 'add', 'P1', '--date', '2026-02-01', '--customer', '华东贸易', '--product', 'SKU-1', '--channel', 'direct',
    '--quantity', '1', '--rep', 'rep1']);
  cli(db, ['meeting', 'add', 'P1', '--title', TITLE, '--date', isoDay(3), '--start', '09:30', '--end', '10:45',
    '--location', '上海; 3F, A', '--agenda', AGENDA, '--attendee', 'rep1'], { as: 'mgr' });
  cli(db, ['meeting', 'add', 'P2', '--title', 'P2 kickoff', '--date', isoDay(1), '--start', '08:00', '--duration', '30'], { as: 'rep1' });
  cli(db, ['meeting', 'add', 'P1', '--title', 'not theirs', '--date', isoDay(2), '--start', '08:00', '--end', '09:00'], { as: 'mgr' });
  cli(db, ['task', 'add', 'P1', '--title', '发报价', '--assignee', 'rep1', '--start', isoDay(2), '--due', isoDay(4)]);
  cli(db, ['deal', 'add', 'P1', '--title', '年度框架协议', '--customer', '华东贸易', '--owner', 'rep1', '--expected-close', isoDay(20)]);
}

// The raw feed: CRLF only, each line at most 75 octets, UTF-8 once unfolded; its text.
function checkLines(bytes) {
  const buf = Buffer.from(bytes);
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] === 0x0a) assert(i > 0 && buf[i - 1] === 0x0d, `a bare LF at octet ${i}`);
    if (buf[i] === 0x0d) assert(buf[i + 1] === 0x0a, `a bare CR at octet ${i}`);
  }
  const lines = [];
  let start = 0;
  for (let i = 0; i + 1 < buf.length; i++) {
    if (buf[i] === 0x0d && buf[i + 1] === 0x0a) { lines.push(buf.subarray(start, i)); start = i + 2; }
  }
  assert(start === buf.length, 'the feed ends with CRLF');
  for (const l of lines) assert(l.length <= 75, `a line of ${l.length} octets: ${l.toString('latin1').slice(0, 40)}`);
  assert(lines.some((l) => l.length === 75 || l[0] === 0x20), 'long lines are folded');
  const unfolded = Buffer.from(buf.toString('latin1').replace(/\r\n /g, ''), 'latin1');
  return new TextDecoder('utf-8', { fatal: true }).decode(unfolded) && new TextDecoder('utf-8', { fatal: true }).decode(buf);
}

async function feed(url) {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get('content-type'), bytes: new Uint8Array(await r.arrayBuffer()) };
}

const ymd = (d) => d.replace(/-/g, '');

run(async (browser) => {
  const server = await startServer({ setup, name: 'calendar' });
  const { page } = await signedIn(browser, server, 'rep1', PASSWORD, { lang: 'en', viewport: PHONE });
  const T = TEXTS.en;
  let url = '';
  let p2id = null;
  const t1 = 'en, phone: the rep makes a calendar link from the user menu';
  await test(t1, [], async () => {
    await page.click('#user-menu');
    await page.click('#my-calendar');
    await page.locator('.page-head h1', { hasText: T['calendar.title'] }).waitFor();
    assert((await page.locator('#calendar-status').textContent()) === T['calendar.none'], 'no link yet');
    await page.click('#calendar-make');
    await page.locator('#calendar-url').waitFor();
    url = await page.locator('#calendar-url').inputValue();
    assert(url.startsWith(server.base + '/api/v1/calendar/cal_') && url.endsWith('.ics'), url);
    assert((await page.locator('#calendar-how').textContent()).includes(T['calendar.how_google']), 'how to subscribe');
  });

  await test('the feed is valid iCalendar with the rep\'s items', [t1], async () => {
    const r = await feed(url);
    assert(r.status === 200 && r.type === 'text/calendar; charset=utf-8', `${r.status} ${r.type}`);
    const text = checkLines(r.bytes);
    const cal = new ICAL.Component(ICAL.parse(text));
    assert(cal.name === 'vcalendar' && cal.getFirstPropertyValue('version') === '2.0'
      && cal.getFirstPropertyValue('calscale') === 'GREGORIAN' && cal.getFirstPropertyValue('prodid'), 'the calendar\'s properties');
    assert(cal.getFirstPropertyValue('x-wr-calname').includes('王芳'), 'the calendar is named for its user');
    const events = cal.getAllSubcomponents('vevent');
    const byUid = Object.fromEntries(events.map((e) => [e.getFirstPropertyValue('uid'), e]));
    for (const e of events) assert(e.getFirstPropertyValue('dtstamp') && e.getFirstPropertyValue('dtstart'), 'DTSTAMP and DTSTART');
    const meetings = (await get(page, '/api/v1/projects/P1/meetings')).meetings;
    const m1 = meetings.find((m) => m.title === TITLE);
    const p2 = (await get(page, '/api/v1/projects/P2/meetings')).meetings[0];
    p2id = p2.id;
    const task = (await get(page, '/api/v1/projects/P1/tasks')).tasks[0];
    const deal = (await get(page, '/api/v1/projects/P1/deals')).deals[0];
    const want = [`meeting-${m1.id}@salespm`, `meeting-${p2.id}@salespm`, `task-${task.id}@salespm`, `deal-${deal.id}@salespm`].sort();
    assert(JSON.stringify(Object.keys(byUid).sort()) === JSON.stringify(want), `events ${Object.keys(byUid)}`);
    const e = new ICAL.Event(byUid[`meeting-${m1.id}@salespm`]);
    assert(e.summary === '[P1] ' + TITLE, `summary ${e.summary}`);
    assert(e.description === AGENDA, `description ${JSON.stringify(e.description)}`);
    assert(e.location === '上海; 3F, A', `location ${e.location}`);
    assert(e.startDate.timezone === 'Z' || e.startDate.zone.tzid === 'UTC', 'a UTC start');
    assert(e.startDate.toJSDate().toISOString().replace('.000', '') === m1.starts_at
      && e.endDate.toJSDate().toISOString().replace('.000', '') === m1.ends_at, `times ${e.startDate} ${e.endDate}`);
    const te = new ICAL.Event(byUid[`task-${task.id}@salespm`]);
    assert(te.startDate.isDate && te.startDate.toString() === task.start, `task start ${te.startDate}`);
    const dayAfter = new Date(Date.parse(task.due + 'T00:00:00Z') + 86400000).toISOString().slice(0, 10);
    assert(te.endDate.isDate && te.endDate.toString() === dayAfter, `task end ${te.endDate}, want ${dayAfter}`);
    const de = new ICAL.Event(byUid[`deal-${deal.id}@salespm`]);
    assert(de.startDate.isDate && ymd(de.startDate.toString()) === ymd(isoDay(20)), `deal day ${de.startDate}`);
  });

  await test('a new link makes the old one 404; leaving a project takes its items away', [t1], async () => {
    await page.click('#calendar-make'); // confirmed
    await page.waitForFunction((old) => document.getElementById('calendar-url').value !== old, url);
    const fresh = await page.locator('#calendar-url').inputValue();
    assert((await feed(url)).status === 404, 'the old link is gone');
    assert((await feed(fresh)).status === 200, 'the new link works');
    server.cli(['member', 'remove', 'P2', 'rep1']);
    const text = checkLines((await feed(fresh)).bytes);
    const uids = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((e) => e.getFirstPropertyValue('uid'));
    assert(!uids.includes(`meeting-${p2id}@salespm`) && uids.length === 3, `uids ${uids}`);
    url = fresh;
  });

  await test('zh-CN, desktop: the rep revokes the link; it answers 404', [t1], async () => {
    const { page: zh } = await signedIn(browser, server, 'rep1', PASSWORD, { lang: 'zh-CN' });
    await zh.go('#/me/calendar');
    const status = await zh.locator('#calendar-status').textContent();
    assertLang('zh-CN', status, 'the link\'s status');
    assertLang('zh-CN', await zh.locator('#calendar-how').textContent(), 'the instructions');
    await zh.click('#calendar-revoke');
    await zh.locator('#calendar-notice').waitFor();
    assert((await zh.locator('#calendar-status').textContent()) === TEXTS['zh-CN']['calendar.none'], 'no link now');
    assert((await feed(url)).status === 404, 'the revoked link is gone');
  });
});
