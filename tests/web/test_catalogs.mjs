// test_catalogs.mjs - the UI can say every error the server can give, in both languages:
// every reason code in src/ (outside the CLI-only files) has reason.<code> in zh-CN and en,
// every field a server error names by a literal has a field.<name> label, and the two
// languages have the same keys with the same {placeholders}. Reads the sources themselves,
// so a new err_set() without a translation fails here.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const load = async (f) => (await import(path.join(ROOT, 'web/src/i18n', f))).default;
const zh = { ...(await load('zh-CN.js')), ...(await load('reasons.zh-CN.js')) };
const en = { ...(await load('en.js')), ...(await load('reasons.en.js')) };

let passed = 0, failed = 0;
function check(name, problems) {
  if (problems.length) { failed++; console.log(`FAIL ${name}:\n     ${problems.slice(0, 30).join('\n     ')}`); }
  else { passed++; console.log(`ok   ${name}`); }
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
// Files whose errors only the CLI prints (in English, as the CLI contract says).
const CLI_ONLY = /src\/(cli\/|main\.c|http\/serve_cmd\.c)/;
const sources = walk(path.join(ROOT, 'src')).filter((f) => f.endsWith('.c') && !CLI_ONLY.test(f));

// The argument list of each call of fn in text, split at top-level commas.
function calls(text, fn) {
  const out = [];
  const re = new RegExp('\\b' + fn + '\\(', 'g');
  let m;
  while ((m = re.exec(text))) {
    let i = m.index + m[0].length, depth = 0, start = i;
    const args = [];
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') { i++; while (text[i] !== '"') { if (text[i] === '\\') i++; i++; } continue; }
      if (c === "'") { i++; while (text[i] !== "'") { if (text[i] === '\\') i++; i++; } continue; }
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) { if (depth === 0) { args.push(text.slice(start, i).trim()); break; } depth--; }
      else if (c === ',' && depth === 0) { args.push(text.slice(start, i).trim()); start = i + 1; }
    }
    out.push({ args, line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

const reasons = new Map(); // code -> where
const fields = new Map();
for (const f of sources) {
  const text = fs.readFileSync(f, 'utf8');
  const rel = path.relative(ROOT, f);
  // err_set(err, CODE, field, "reason:params", fmt, ...) and problem(k, column, "reason", fmt, ...)
  for (const { args, line } of [...calls(text, 'err_set').map((c) => ({ ...c, r: 3, fl: 2 })),
    ...calls(text, 'problem').map((c) => ({ ...c, r: 2, fl: 1 }))].map((c) => ({ args: [c.args[c.fl], c.args[c.r]], line: c.line }))) {
    const [field, reason] = args;
    if (reason && /^"[a-z_0-9]+(:[a-z_,]*)?"$/.test(reason)) {
      const code = reason.slice(1, -1).split(':')[0];
      if (!reasons.has(code)) reasons.set(code, `${rel}:${line}`);
    }
    if (field && /^"[A-Za-z_-]+"$/.test(field)) {
      const name = field.slice(1, -1);
      if (!fields.has(name)) fields.set(name, `${rel}:${line}`);
    }
  }
}

check(`the sources give reasons (found ${reasons.size})`, reasons.size > 100 ? [] : [`only ${reasons.size} reason codes found: the scan is broken`]);
for (const [lang, cat] of [['zh-CN', zh], ['en', en]]) {
  check(`${lang}: every server reason has a translation`,
    [...reasons].filter(([code]) => cat['reason.' + code] === undefined).map(([code, where]) => `reason.${code} (${where})`));
  check(`${lang}: every field a server error names has a label`,
    [...fields].filter(([name]) => cat['field.' + name] === undefined).map(([name, where]) => `field.${name} (${where})`));
}
// Every noun with a generic screen (users' included, under Administration) has its labels (web/src/entities.js labelKeys): a new noun
// is its description, its migration, these labels and its tests.
const BIN = process.env.SALESPM_BIN || path.join(ROOT, 'build/debug/salespm');
const described = JSON.parse(execFileSync(BIN, ['serve', '--print-entities'], { maxBuffer: 16 << 20 })).entities;
check(`the binary describes its nouns (found ${described.length})`,
  described.filter((e) => e.section).length >= 4 ? [] : ['fewer than 4 nouns with a screen: the description is broken']);
globalThis.navigator = globalThis.navigator || { language: 'en' };
globalThis.document = globalThis.document || { documentElement: {} };
globalThis.localStorage = globalThis.localStorage || { getItem: () => null, setItem: () => {} };
const { labelKeys } = await import(path.join(ROOT, 'web/src/entities.js'));
for (const [lang, cat] of [['zh-CN', zh], ['en', en]]) {
  check(`${lang}: every noun with a screen has its labels (nav section, noun, fields, values)`,
    described.filter((e) => e.section || e.name === 'user').flatMap((e) => [...labelKeys(e), ['nav.' + (e.section || 'admin')]])
      .filter((ks) => ks.every((k) => cat[k] === undefined)).map((ks) => ks.join(' or ')));
}

const holes = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
check('zh-CN and en have the same keys', [
  ...Object.keys(zh).filter((k) => !(k in en)).map((k) => `only in zh-CN: ${k}`),
  ...Object.keys(en).filter((k) => !(k in zh)).map((k) => `only in en: ${k}`),
]);
check('zh-CN and en use the same placeholders', Object.keys(zh).filter((k) => k in en && holes(zh[k]) !== holes(en[k]))
  .map((k) => `${k}: zh {${holes(zh[k])}} en {${holes(en[k])}}`));
check('the Chinese catalog reads in Chinese', Object.entries(zh).filter(([k, v]) => k.startsWith('reason.') && !/[\u4e00-\u9fff]/.test(v))
  .map(([k, v]) => `${k}: ${v}`));

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
