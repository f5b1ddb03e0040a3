// test_live.mjs - web/src/live.js without a browser: a fake EventSource and fake timers stand
// in for the browser's. One stream per tab however many screens listen, opened by the first
// and closed with the last; each change reaches the listeners of its project and kind only;
// a drop shows as 'down' and is retried after 1 s, then 2 s, 4 s... up to 30 s; back up, every
// listener re-reads (what changed meanwhile is unknown), and a 'reset' does the same.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

class FakeSource {
  constructor(url) {
    this.url = url;
    this.closed = false;
    this.handlers = {};
    FakeSource.made.push(this);
  }
  addEventListener(name, fn) { this.handlers[name] = fn; }
  close() { this.closed = true; }
  emit(name, data) { this.handlers[name]({ data: JSON.stringify(data) }); }
}
FakeSource.made = [];
globalThis.EventSource = FakeSource;
const timers = [];
globalThis.setTimeout = (fn, ms) => { timers.push({ fn, ms }); return timers.length; };
globalThis.clearTimeout = () => {};
Math.random = () => 0; // no spread: the waits are exact

const { subscribe, watchLive, liveState } = await import(path.join(ROOT, 'web/src/live.js'));

let passed = 0, failed = 0;
function check(name, got, want) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g === w) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}:\n     got  ${g}\n     want ${w}`); }
}

const states = [];
watchLive((s) => states.push(s));
check('idle while nobody listens', [liveState(), FakeSource.made.length], ['idle', 0]);

const got = { board: [], dash: [], any: [] };
const offBoard = subscribe('FY', ['deal'], (c) => got.board.push(c));
const offDash = subscribe('FY', ['sale', 'goal'], (c) => got.dash.push(c));
const offAny = subscribe('', null, (c) => got.any.push(c));
check('one stream for three listeners, of the caller\'s every project', FakeSource.made.map((s) => s.url), ['/api/v1/events']);
const es = FakeSource.made[0];
es.onopen();
check('up once open', liveState(), 'up');

es.emit('change', { project: 'FY', kind: 'deal', action: 'stage', id: 7 });
es.emit('change', { project: 'FY', kind: 'sale', action: 'create', id: 3 });
es.emit('change', { project: 'Q2', kind: 'sale', action: 'create', id: 4 });
check('the board hears its project\'s deals', got.board, [{ project: 'FY', kind: 'deal', id: 7 }]);
check('the dashboard hears its project\'s sales only', got.dash, [{ project: 'FY', kind: 'sale', id: 3 }]);
check('a listener of everything hears all', got.any.map((c) => c.id), [7, 3, 4]);

es.onerror();
check('a drop closes the stream and says down', [es.closed, liveState()], [true, 'down']);
check('retried after 1 s', timers.map((t) => t.ms), [1000]);
timers.shift().fn();
FakeSource.made[1].onerror();
timers.shift().fn();
FakeSource.made[2].onerror();
check('then after 2 s, then 4 s', [FakeSource.made.length, timers.map((t) => t.ms)], [3, [4000]]);
for (let i = 0; i < 6; i++) { timers.shift().fn(); FakeSource.made[FakeSource.made.length - 1].onerror(); }
check('never longer than 30 s', timers.map((t) => t.ms), [30000]);
got.board.length = 0; got.dash.length = 0; got.any.length = 0;
timers.shift().fn();
const back = FakeSource.made[FakeSource.made.length - 1];
back.onopen();
check('back up, every listener reads again', [liveState(), got.board.length, got.dash.length, got.any.length], ['up', 1, 1, 1]);
back.handlers.reset({ data: '{}' });
check('a reset makes every listener read again', [got.board.length, got.dash.length, got.any.length], [2, 2, 2]);
back.onerror();
check('the wait starts over at 1 s after a success', timers.map((t) => t.ms), [1000]);
timers.shift().fn();

offBoard(); offDash();
check('the stream stays while one listens', FakeSource.made[FakeSource.made.length - 1].closed, false);
offAny();
check('closed with the last listener', [FakeSource.made[FakeSource.made.length - 1].closed, liveState()], [true, 'idle']);
check('the states told, in order, each once', states.filter((s, i) => s !== states[i - 1]), states);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
