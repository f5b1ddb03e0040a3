// test_openapi_ts.mjs - the OpenAPI document serves integrators: TypeScript types generated
// from the document the binary serves (openapi-typescript) compile under `tsc --strict`
// together with a small client that uses them (an operation's body, answers and errors),
// and a client that misuses them (a wrong enum, a missing required member) does not compile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.SALESPM_BIN || path.join(ROOT, 'build/debug/salespm');
const NM = path.join(ROOT, 'web/node_modules');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salespm-oapi-ts-'));

let passed = 0, failed = 0;
function check(name, problems) {
  if (problems.length) { failed++; console.log(`FAIL ${name}:\n     ${problems.slice(0, 30).join('\n     ')}`); }
  else { passed++; console.log(`ok   ${name}`); }
}

const doc = execFileSync(BIN, ['serve', '--print-openapi'], { maxBuffer: 64 << 20 });
fs.writeFileSync(path.join(dir, 'openapi.json'), doc);
const gen = spawnSync(process.execPath, [path.join(NM, 'openapi-typescript/bin/cli.js'),
  path.join(dir, 'openapi.json'), '-o', path.join(dir, 'api.d.ts')], { encoding: 'utf8' });
check('openapi-typescript reads the document', gen.status === 0 ? [] : [gen.stderr || gen.stdout]);

// A client as an integrator writes it: a typed fetch over the generated paths.
const client = `
import type { paths, components } from './api';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Op<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> =
  Op<P, M> extends { responses: infer R } ? (S extends keyof R ? Json<R[S]> : never) : never;

export type Channel = components['schemas']['Channel'];
export type ChannelIn = components['schemas']['ChannelIn'];
export type ApiError = components['schemas']['Error'];

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const r = await fetch(url, { method, headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  return (await r.json()) as T;
}

export async function demo(): Promise<string> {
  const input: ChannelIn = { code: 'tmall', name: '天猫', type: 'ecommerce', cost_rate: 0.125 };
  const created = await call<Answer<'/api/v1/channels', 'post', 201>>('POST', '/api/v1/channels', input);
  const version: number = created.version;
  const list = await call<Answer<'/api/v1/channels', 'get', 200>>('GET', '/api/v1/channels');
  const total: number = list.total + list.channels.length;
  const goals = await call<Answer<'/api/v1/projects/{code}/goals', 'get', 200>>('GET', '/api/v1/projects/P/goals');
  const letter = goals.goals[0].smart.S;
  const why: string | null = letter.code;
  const e = await call<Answer<'/api/v1/channels', 'post', 422>>('POST', '/api/v1/channels', {});
  const field: string | null = e.error.field;
  const imp = await call<Answer<'/api/v1/projects/{code}/sales/import', 'post', 422>>('POST', '/x');
  const rows: number = imp.error.rows?.length ?? 0;
  const me = await call<Answer<'/api/v1/me', 'get', 200>>('GET', '/api/v1/me');
  return [version, total, why, field, rows, me.user.login].join(' ');
}
`;
fs.writeFileSync(path.join(dir, 'client.ts'), client);
// What the types must refuse: a channel type outside the enum, a missing required member.
fs.writeFileSync(path.join(dir, 'bad.ts'), `
import type { components } from './api';
const a: components['schemas']['ChannelIn'] = { code: 'x', name: 'y', type: 'teleport' };
const b: components['schemas']['ChannelIn'] = { code: 'x', name: 'y' };
export { a, b };
`);
const tsconfig = (files) => JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'es2022',
    moduleResolution: 'bundler', lib: ['es2022', 'dom'], skipLibCheck: false, types: [] },
  files,
});
const tsc = (name, files) => {
  fs.writeFileSync(path.join(dir, name), tsconfig(files));
  return spawnSync(process.execPath, [path.join(NM, 'typescript/bin/tsc'), '-p', path.join(dir, name)],
    { encoding: 'utf8', cwd: dir });
};
if (gen.status === 0) {
  const ok = tsc('tsconfig.json', ['api.d.ts', 'client.ts']);
  check('a client over the generated types compiles with tsc --strict',
    ok.status === 0 ? [] : (ok.stdout + ok.stderr).split('\n').filter(Boolean));
  const bad = tsc('tsconfig.bad.json', ['api.d.ts', 'bad.ts']);
  const out = bad.stdout + bad.stderr;
  check('the types refuse a wrong enum and a missing required member', [
    ...(/bad\.ts\(3,/.test(out) ? [] : ['type: "teleport" was accepted']),
    ...(/bad\.ts\(4,/.test(out) ? [] : ['a ChannelIn without type was accepted']),
  ]);
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
