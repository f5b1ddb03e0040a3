// test_error_text.mjs - a server error reads in the user's language with no code inside it:
// parameters that are codes (a workspace role, a project role, a noun) are said by their
// labels, as the catalogs name them. Each expected sentence is written out here by hand.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const store = {};
globalThis.navigator = { language: 'zh-CN' };
globalThis.document = { documentElement: {} };
globalThis.localStorage = { getItem: (k) => store[k] ?? null, setItem: (k, v) => { store[k] = v; } };
const { setLang } = await import(path.join(ROOT, 'web/src/i18n/index.js'));
const { errorText } = await import(path.join(ROOT, 'web/src/components/ui.js'));

let passed = 0, failed = 0;
function check(name, got, want) {
  if (got === want) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}:\n     got  ${JSON.stringify(got)}\n     want ${JSON.stringify(want)}`); }
}

const roleField = { status: 403, reason: 'field_role_required', field: 'role', params: { role: 'admin' } };
const noRef = { status: 422, reason: 'no_ref', field: 'segment', params: { kind: 'segment', key: 'ent' } };
const projectRole = { status: 403, reason: 'project_role_required', field: null, params: { role: 'owner' } };
const wsRole = { status: 403, reason: 'role_required', field: null, params: { role: 'manager' } };

setLang('zh-CN');
check('zh-CN: a field only a role may change names the role by its label',
  errorText(roleField, { role: '角色' }), '修改角色需要管理员角色。');
check('zh-CN: a reference to nothing names the noun by its label',
  errorText(noRef, { segment: '细分' }), '细分：没有目标市场“ent”。');
check('zh-CN: a project role reads as a project role', errorText(projectRole), '需要项目中的“所有者”角色才能执行此操作。');
check('zh-CN: a workspace role reads as a workspace role', errorText(wsRole), '需要“经理”角色才能执行此操作。');
setLang('en');
check('en: a field only a role may change names the role by its label',
  errorText(roleField, { role: 'Role' }), 'Changing Role needs the Administrator role.');
check('en: a reference to nothing names the noun by its label',
  errorText(noRef, { segment: 'Segment' }), 'Segment: there is no segment “ent”.');
check('en: a project role reads as a project role', errorText(projectRole).includes('Owner'), true);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
