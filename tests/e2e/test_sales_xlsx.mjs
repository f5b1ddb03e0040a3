// test_sales_xlsx.mjs - sales import and export as Excel workbooks in the browser: a workbook
// made by openpyxl (Debian's python3-openpyxl, independent of the program) with a bad cell is
// checked and its problem shown with sheet, row and column in the page's language, nothing
// written; the fixed workbook is imported from a named sheet; "Export Excel" downloads a
// workbook that openpyxl reads back with the same values and types. In zh-CN and en, and on a
// phone (390 px).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, assert, run, startServer, shot, isoDay, PASSWORD, CATALOG } from './lib.mjs';
import { signedIn, get, assertFitsPhone, PHONE } from './forms.mjs';

const Y = Number(isoDay(0).slice(0, 4));
const PY = '/usr/bin/python3';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// The sales of the workbook: [date, customer, product, channel, rep, quantity, unit price, discount].
const ROWS = [
  [`${Y}-03-01`, '上海恒达贸易有限公司', 'SKU-A', 'direct', 'mgr', 3, '199.50', '0'],
  [`${Y}-03-15`, 'Acme, Inc.', 'SKU-B', 'tmall', 'mgr', 2, '400', '50.25'],
];
const cents = (s) => Math.round(Number(s) * 100);

// A workbook by openpyxl: a notes sheet first, then 销售 with the rows (dates as date cells,
// numbers as number cells); bad: row 3's unit price is the text "12,5".
function makeBook(file, bad) {
  const code = `
import json, sys, datetime, openpyxl
rows, bad, out = json.loads(sys.argv[1]), sys.argv[2] == "1", sys.argv[3]
wb = openpyxl.Workbook()
wb.active.title = "说明"
wb.active.append(["导入说明 / notes"])
sh = wb.create_sheet("销售")
sh.append(["date", "customer", "product", "channel", "rep", "quantity", "unit_price", "discount"])
for i, (d, cust, sku, ch, rep, q, price, disc) in enumerate(rows):
    price = "12,5" if bad and i == 1 else float(price)
    sh.append([datetime.date.fromisoformat(d), cust, sku, ch, rep, q, price, float(disc)])
wb.save(out)
`;
  execFileSync(PY, ['-c', code, JSON.stringify(ROWS), bad ? '1' : '0', file]);
  return file;
}

// The first sheet of a workbook as openpyxl reads it: [{v, t, date}] per cell, row by row.
function readBook(file) {
  const code = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
sh = wb[wb.sheetnames[0]]
out = {"sheets": wb.sheetnames, "rows": []}
for row in sh.iter_rows():
    out["rows"].append([{"v": c.value.date().isoformat() if c.is_date else c.value,
                         "t": c.data_type, "date": c.is_date, "fmt": c.number_format} for c in row])
print(json.dumps(out, ensure_ascii=False))
`;
  return JSON.parse(execFileSync(PY, ['-c', code, file]).toString());
}

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  const run1 = (args) => cli(db, args);
  run1(['user', 'add', 'mgr', '--name', '李经理', '--role', 'manager', '--password-file', pw]);
  run1(['user', 'add', 'vw', '--name', '高总', '--role', 'viewer', '--password-file', pw]);
  run1(['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  run1(['channel', 'add', 'tmall', '--name', '天猫旗舰店', '--type', 'ecommerce']);
  run1(['product', 'add', 'SKU-A', '--name', '路由器 A', '--cost', '50.00', '--price', '199.50']);
  run1(['product', 'add', 'SKU-B', '--name', '交换机 B', '--cost', '200.00', '--price', '400.00']);
  for (const p of ['XL-ZH', 'XL-EN', 'XL-PH']) {
    run1(['project', 'create', p, '--name', 'Excel ' + p, '--start', `${Y}-01-01`, '--end', `${Y}-12-31`]);
    run1(['member', 'add', p, 'mgr', '--role', 'manager']);
    run1(['member', 'add', p, 'vw', '--role', 'viewer']);
  }
}

const salesOf = async (page, p) => (await get(page, `/api/v1/projects/${p}/sales?limit=1000&sort=id`)).sales;

// Import bad then good through the import screen; the project's sales afterwards.
async function importFlow(page, T, p, dir, tag, onErrors) {
  await page.go(`#/p/${p}/import`);
  await page.getByRole('heading', { name: T['import.title'] }).waitFor();
  const accept = await page.locator('#csv-file').getAttribute('accept');
  assert(accept.includes('.xlsx') && accept.includes(XLSX) && accept.includes('.csv'), `accept is "${accept}"`);
  await page.setInputFiles('#csv-file', makeBook(path.join(dir, `bad-${tag}.xlsx`), true));
  // the first sheet is the notes: its header is not the sales'
  await page.locator('#import-errors').waitFor();
  await page.locator('#import-sheet').fill('销售');
  await page.locator('#import-sheet').press('Enter');
  const row = page.locator('#import-errors tr.error-row[data-sheet="销售"][data-line="3"][data-column="unit_price"]');
  await row.waitFor();
  const text = await row.textContent();
  const want = page.lang === 'zh-CN' ? '“12,5”不是有效的小数' : '“12,5” is not a decimal';
  assert(text.includes('销售') && text.includes('3') && text.includes(want), `the error row reads "${text}"`);
  const head = await page.locator('#import-errors thead').textContent();
  assert(head.includes(T['import.sheet']) && head.includes(T['import.row']), `the error table's head reads "${head}"`);
  await shot(page, `xlsx-${tag}-errors`);
  if (onErrors) await onErrors();
  assert((await salesOf(page, p)).length === 0, 'a refused workbook wrote sales');
  // the fixed workbook: the sheet named stays chosen
  await page.setInputFiles('#csv-file', makeBook(path.join(dir, `good-${tag}.xlsx`), false));
  await page.locator('#import-ok').waitFor();
  assert(await page.locator('#import-sheet').inputValue() === '销售', 'the sheet is kept');
  await page.click('#import-go');
  await page.locator('#import-done').waitFor();
  assert((await page.locator('#import-done').textContent()).includes('2'), 'two rows imported');
  const got = (await salesOf(page, p)).map((s) => [s.date, s.customer, s.product, s.channel, s.rep, s.quantity, s.unit_price, s.discount]);
  const want2 = ROWS.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], cents(r[6]), cents(r[7])]);
  assert(JSON.stringify(got) === JSON.stringify(want2), `imported ${JSON.stringify(got)}`);
}

// "Export Excel" on the sales screen: the download read back by openpyxl.
async function exportFlow(page, T, p, dir, tag) {
  await page.go(`#/p/${p}/sales`);
  const btn = page.locator('#sale-export-xlsx');
  await btn.waitFor();
  assert((await btn.textContent()).trim() === T['sale.export_xlsx'], `the button reads "${await btn.textContent()}"`);
  const [dl] = await Promise.all([page.waitForEvent('download'), btn.click()]);
  const file = path.join(dir, `export-${tag}.xlsx`);
  await dl.saveAs(file);
  assert(dl.suggestedFilename() === `${p}-sales.xlsx`, `downloaded as ${dl.suggestedFilename()}`);
  const book = readBook(file);
  assert(JSON.stringify(book.sheets) === JSON.stringify([p]), `sheets ${book.sheets}`);
  const head = book.rows[0].map((c) => c.v);
  assert(head.join(',') === 'date,customer,product,channel,rep,quantity,unit_price,discount,promotion,segment', `header ${head}`);
  ROWS.forEach((r, i) => {
    const c = book.rows[i + 1];
    assert(c[0].date && c[0].v === r[0], `row ${i + 2} date ${JSON.stringify(c[0])}`);
    assert(c[1].t === 's' && c[1].v === r[1], `row ${i + 2} customer ${JSON.stringify(c[1])}`);
    assert(c[5].t === 'n' && c[5].v === r[5], `row ${i + 2} quantity ${JSON.stringify(c[5])}`);
    assert(c[6].t === 'n' && Math.round(c[6].v * 100) === cents(r[6]) && c[6].fmt === '0.00', `row ${i + 2} price ${JSON.stringify(c[6])}`);
    assert(c[7].t === 'n' && Math.round(c[7].v * 100) === cents(r[7]), `row ${i + 2} discount ${JSON.stringify(c[7])}`);
  });
  await shot(page, `xlsx-${tag}-sales`);
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'sales-xlsx' });
  const dir = fs.mkdtempSync(path.join(server.dir, 'books-'));

  for (const lang of ['zh-CN', 'en']) {
    const T = CATALOG[lang];
    const p = lang === 'zh-CN' ? 'XL-ZH' : 'XL-EN';
    await test(`${lang}: an .xlsx imported through the UI, errors with sheet, row and column`, [], async () => {
      const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
      await importFlow(page, T, p, dir, lang);
      assert(page.problems.length === 0, page.problems.join('; '));
      await ctx.close();
    });
    await test(`${lang}: Export Excel downloads a typed workbook`, [`${lang}: an .xlsx imported through the UI, errors with sheet, row and column`], async () => {
      const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
      await exportFlow(page, T, p, dir, lang);
      await ctx.close();
    });
  }

  await test('a viewer exports Excel and is not offered the import', ['en: Export Excel downloads a typed workbook'], async () => {
    const { ctx, page, T } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await exportFlow(page, T, 'XL-EN', dir, 'viewer');
    assert(await page.locator(`a[href="#/p/XL-EN/import"]`).count() === 0, 'a viewer is offered the import');
    await ctx.close();
  });

  await test('zh-CN on a phone (390×844): import a workbook and export Excel', [], async () => {
    const { ctx, page, T } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    await importFlow(page, T, 'XL-PH', dir, 'phone', async () => {
      await assertFitsPhone(page, page.locator('#import-errors'), 'the problems card');
      await assertFitsPhone(page, page.locator('.import-sheet'), 'the sheet field');
    });
    await exportFlow(page, T, 'XL-PH', dir, 'phone');
    const box = await page.locator('#sale-export-xlsx').boundingBox();
    assert(box && box.x >= 0 && box.x + box.width <= 390.5, `Export Excel is off screen: ${JSON.stringify(box)}`);
    await ctx.close();
  });
});
