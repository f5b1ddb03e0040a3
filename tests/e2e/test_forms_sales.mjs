// test_forms_sales.mjs - the sales screen's forms in the browser, over a small workspace whose
// sales are known: the entry form checks its line (a discount larger than the line is refused
// in its field with 添加 disabled, the line total is never negative), a success and an error
// never show together, every option of every select is entered, a sale is edited and
// deleted, the customer box searches by part of a name, the export and the totals follow the
// filters, a rep enters only their own sales, a viewer enters none, the table keeps its
// actions in reach at 1440 px, and a rep enters a sale on a phone; in zh-CN and in en.
import fs from 'node:fs';
import path from 'node:path';
import { test, assert, run, startServer, shot, isoDay, PASSWORD, CATALOG } from './lib.mjs';
import { signedIn, call, get, fmtMoney, sq, optionValues, assertFitsPhone, fieldError, PHONE, DESKTOP } from './forms.mjs';

const Y = Number(isoDay(0).slice(0, 4)); // the workspace's year
const P = 'S1';
// The known sales (quantity × unit price − discount, in 分, computed by hand below).
const ROWS = [
  [`${Y}-03-01`, '上海恒达贸易有限公司', 'SKU-A', 'direct', 'rep1', 3, '100.00', '0', ''],
  [`${Y}-03-02`, '北京恒达科技', 'SKU-B', 'tmall', 'rep2', 2, '400.00', '50.00', 'P618'],
  [`${Y}-03-05`, '杭州云帆', 'SKU-A', 'dist', 'rep1', 10, '95.00', '0', ''],
  [`${Y}-04-01`, '上海明远', 'SKU-B', 'direct', 'rep2', 1, '400.00', '0', ''],
];
const cents = (s) => Math.round(Number(s) * 100);
// each product's list price in force today
const LIST = { 'SKU-A': '100.00', 'SKU-B': '400.00', 'SKU-C': '330.00' };
const amountOf = (r) => r[5] * cents(r[6]) - cents(r[7]);

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  const run1 = (args) => cli(db, args);
  for (const [login, name, role] of [['mgr', '李经理', 'manager'], ['rep1', '王芳', 'rep'], ['rep2', '刘洋', 'rep'], ['vw', '高总', 'viewer']])
    run1(['user', 'add', login, '--name', name, '--role', role, '--password-file', pw]);
  run1(['channel', 'add', 'direct', '--name', '直销', '--type', 'direct']);
  run1(['channel', 'add', 'tmall', '--name', '天猫旗舰店', '--type', 'ecommerce']);
  run1(['channel', 'add', 'dist', '--name', '分销商', '--type', 'distributor']);
  run1(['product', 'add', 'SKU-A', '--name', '路由器 A', '--cost', '50.00', '--price', '100.00']);
  run1(['product', 'add', 'SKU-B', '--name', '交换机 B', '--cost', '200.00', '--price', '400.00']);
  // a price change in the project's year: 300.00 from January, 330.00 from June
  run1(['product', 'add', 'SKU-C', '--name', '防火墙 C', '--cost', '150.00', '--price', '300.00', '--effective', `${Y}-01-01`]);
  run1(['product', 'update', 'SKU-C', '--price', '330.00', '--effective', `${Y}-06-01`, '--reason', '涨价']);
  run1(['promotion', 'add', 'P618', '--name', '年中大促', '--kind', 'percent', '--value', '10']);
  run1(['promotion', 'add', 'GIFT', '--name', '买赠', '--kind', 'gift', '--value', '1']);
  run1(['project', 'create', P, '--name', '销售表单测试', '--start', `${Y}-01-01`, '--end', `${Y}-12-31`, '--status', 'active']);
  for (const [login, role] of [['mgr', 'manager'], ['rep1', 'member'], ['rep2', 'member'], ['vw', 'viewer']])
    run1(['member', 'add', P, login, '--role', role]);
  const csv = path.join(path.dirname(db), 'sales.csv');
  fs.writeFileSync(csv, 'date,customer,product,channel,rep,quantity,unit_price,discount,promotion\n' +
    ROWS.map((r) => r.join(',')).join('\n') + '\n');
  run1(['sale', 'import', P, csv]);
  // an old channel and product, out of use since a sale of February
  run1(['channel', 'add', 'old', '--name', '旧渠道', '--type', 'retail']);
  run1(['product', 'add', 'SKU-OLD', '--name', '停产型号', '--cost', '20.00', '--price', '50.00']);
  run1(['sale', 'add', P, '--date', `${Y}-02-02`, '--customer', '老渠道客户', '--product', 'SKU-OLD', '--channel', 'old',
    '--quantity', '1', '--price', '50.00', '--rep', 'rep1']);
  run1(['channel', 'update', 'old', '--active', 'no']);
  run1(['product', 'update', 'SKU-OLD', '--active', 'no']);
}

const sales = async (page, q = '') => get(page, `/api/v1/projects/${P}/sales?limit=1000${q}`);

async function enter(page, line) {
  const f = page.locator('#sale-entry');
  if (line.date) await f.locator('input[name=date]').fill(line.date);
  await f.locator('input[name=customer]').fill(line.customer);
  // an empty price is filled in from the product's list price when the product is picked
  if (line.unit_price === '') await f.locator('input[name=unit_price]').fill('');
  await f.locator('select[name=product]').selectOption(line.product);
  await f.locator('select[name=channel]').selectOption(line.channel);
  if (line.rep) await f.locator('select[name=rep]').selectOption(line.rep);
  await f.locator('input[name=quantity]').fill(String(line.quantity));
  if (line.unit_price) await f.locator('input[name=unit_price]').fill(line.unit_price);
  await f.locator('input[name=discount]').fill(line.discount || '');
  if (line.promotion !== undefined) await f.locator('select[name=promotion]').selectOption(line.promotion);
}

async function managerInLang(browser, server, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const T = CATALOG[lang];
  const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang });
  const tag = (s) => `${s}-${L}`;

  await test(`${lang}: a discount larger than the line is refused in its field and 添加 stays disabled`, [], async () => {
    await page.go(`#/p/${P}/sales`);
    await enter(page, { customer: tag('杭州新客户'), product: 'SKU-A', channel: 'direct', rep: 'rep1', quantity: 4, discount: '500' });
    const form = page.locator('#sale-entry');
    // picking the product filled in its list price, 100.00: the line is 4 × 100.00 = 400.00
    assert(await form.locator('input[name=unit_price]').inputValue() === '100.00', 'the list price was not filled in');
    const text = await fieldError(form, 'discount');
    const want = T['sale.discount_over'].replace('{line}', fmtMoney(lang, 40000));
    assert(sq(text) === sq(want), `the discount error reads "${text}", want "${want}"`);
    assert(await page.locator('#sale-add').isDisabled(), '添加 is enabled with a discount larger than the line');
    const total = await form.locator('#line-total').textContent();
    assert(!total.includes('-'), `the line total shows a negative amount: "${total}"`);
    await form.locator('input[name=quantity]').fill('0');
    assert(await fieldError(form, 'quantity') === T['sale.bad_quantity'], 'a quantity of 0 is not refused in its field');
    await form.locator('input[name=quantity]').fill('4');
    await form.locator('input[name=discount]').fill('20.00');
    const t2 = await form.locator('#line-total').textContent();
    assert(sq(t2) === sq(fmtMoney(lang, 38000)), `the line total reads "${t2}", want ${fmtMoney(lang, 38000)}`);
    assert(!(await page.locator('#sale-add').isDisabled()), '添加 is disabled for a valid line');
    await shot(page, `sales-${L}-entry-checked`);
    await page.click('#sale-add');
    await page.locator('.banner-success').waitFor();
    const s = (await sales(page)).sales.find((x) => x.customer === tag('杭州新客户'));
    assert(s && s.amount === 38000 && s.discount === 2000 && s.rep === 'rep1', `saved ${JSON.stringify(s)}`);
  });

  await test(`${lang}: a new error clears the success banner, and a new success the error`, [], async () => {
    // the project is closed elsewhere: the next sale is refused
    const p = await get(page, `/api/v1/projects/${P}`);
    let r = await call(page, 'PATCH', `/api/v1/projects/${P}`, { status: 'closed', version: (p.project || p).version });
    assert(r.status === 200, `closing answered ${r.status}`);
    await enter(page, { customer: tag('被拒客户'), product: 'SKU-B', channel: 'tmall', rep: 'rep2', quantity: 1 });
    await page.click('#sale-add');
    await page.locator('.banner-error').waitFor();
    assert(await page.locator('.banner-success').count() === 0, 'the old success banner stays beside the error');
    const p2 = await get(page, `/api/v1/projects/${P}`);
    // reopened as a closed project is, with a reason (a PATCH is refused on a closed project)
    r = await call(page, 'POST', `/api/v1/projects/${P}/reopen`, { reason: 'reopened', version: (p2.project || p2).version });
    assert(r.status === 200, `reopening answered ${r.status}`);
    await page.click('#sale-add');
    await page.locator('.banner-success').waitFor();
    assert(await page.locator('.banner-error').count() === 0, 'the old error stays beside the success');
  });

  await test(`${lang}: every option of every entry select is entered`, [], async () => {
    await page.go(`#/p/${P}/sales`);
    const form = page.locator('#sale-entry');
    const opts = {};
    for (const k of ['product', 'channel', 'rep', 'promotion']) opts[k] = await optionValues(form.locator(`select[name=${k}]`));
    assert(JSON.stringify(opts.channel) === '["direct","tmall","dist"]' || opts.channel.length === 3, `channels offered: ${opts.channel}`);
    // every member who may sell (the project's owner, admin, included); never a viewer
    const sellers = (await get(page, `/api/v1/projects/${P}/members`)).members.filter((m) => m.role !== 'viewer').map((m) => m.login);
    assert(opts.rep.slice().sort().join() === sellers.sort().join() && !opts.rep.includes('vw'), `reps offered: ${opts.rep}, want ${sellers}`);
    const n = Math.max(...Object.values(opts).map((o) => o.length));
    const want = [];
    for (let i = 0; i < n; i++) {
      const line = { customer: tag('全选项客户' + i), product: opts.product[i % opts.product.length], channel: opts.channel[i % opts.channel.length],
        rep: opts.rep[i % opts.rep.length], promotion: opts.promotion[i % opts.promotion.length], quantity: 2, discount: '' };
      await enter(page, { ...line, unit_price: '' });
      // the product's list price today is filled in: SKU-A 100.00, SKU-B 400.00, SKU-C 330.00 (since June)
      const price = await form.locator('input[name=unit_price]').inputValue();
      assert(price === LIST[line.product], `the price for ${line.product} reads ${price}`);
      await page.click('#sale-add');
      await page.locator('.banner-success').waitFor();
      await page.locator('#sale-add').isDisabled();
      want.push({ ...line, amount: 2 * cents(LIST[line.product]) });
    }
    const all = (await sales(page)).sales;
    for (const w of want) {
      const s = all.find((x) => x.customer === w.customer);
      assert(s && s.product === w.product && s.channel === w.channel && s.rep === w.rep && s.promotion === w.promotion && s.amount === w.amount,
        `saved ${JSON.stringify(s)}, want ${JSON.stringify(w)}`);
    }
  });

  await test(`${lang}: names, not codes, in the table`, [], async () => {
    await page.go(`#/p/${P}/sales`);
    const row = page.locator(`#sales-table tbody tr[data-id]`, { hasText: '北京恒达科技' });
    const text = await row.textContent();
    assert(text.includes('天猫旗舰店') && !text.includes('tmall'), `the channel reads as a code: "${text}"`);
    assert(text.includes('刘洋') && !text.includes('rep2'), `the rep reads as a login: "${text}"`);
    const title = await row.locator('[data-code="SKU-B"]').getAttribute('title');
    assert(title === '交换机 B', `the product's name on hover is "${title}"`);
  });

  await test(`${lang}: a sale is edited and another deleted`, [], async () => {
    await page.go(`#/p/${P}/sales`);
    const s = (await sales(page)).sales.find((x) => x.customer === '杭州云帆');
    const row = page.locator(`#sales-table tbody tr[data-id="${s.id}"]`);
    await row.locator('.sale-edit').click();
    const form = page.locator('#sale-edit');
    assert(await form.locator('input[name=unit_price]').inputValue() === '95.00', 'the edit form does not show the price');
    await form.locator('input[name=quantity]').fill(lang === 'zh-CN' ? '12' : '11');
    await form.locator('select[name=channel]').selectOption('direct');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    const after = (await get(page, `/api/v1/projects/${P}/sales/${s.id}`));
    const a = after.sale || after;
    const q = lang === 'zh-CN' ? 12 : 11;
    assert(a.quantity === q && a.amount === q * 9500 && a.channel === 'direct', `edited sale is ${JSON.stringify(a)}`);
    const gone = (await sales(page)).sales.find((x) => x.customer === tag('杭州新客户'));
    await page.locator(`#sales-table tbody tr[data-id="${gone.id}"] .sale-delete`).click();
    await page.locator(`#sales-table tbody tr[data-id="${gone.id}"]`).waitFor({ state: 'detached' });
    assert(!(await sales(page)).sales.some((x) => x.id === gone.id), 'the deleted sale is still there');
  });

  await test(`${lang}: the customer box searches by part of a name; export and totals follow the filters`, [], async () => {
    await page.go(`#/p/${P}/sales`);
    const f = page.locator('.filters');
    await f.locator('select[name=product]').selectOption('SKU-B');
    const req = page.waitForRequest((r) => r.url().includes('/sales?') && r.url().includes('customer=' + encodeURIComponent('恒达')));
    await f.locator('input[name=customer]').fill('恒达');
    await req;
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
    const href = await page.locator('#sale-export').getAttribute('href');
    const u = new URL(href, server.base);
    assert(u.searchParams.get('customer') === '恒达' && u.searchParams.get('product') === 'SKU-B',
      `the export does not carry the filters: ${href}`);
    // the rows that match, computed here from the whole list: any part of the name, that product
    const all = (await sales(page)).sales;
    const want = all.filter((s) => s.customer.includes('恒达') && s.product === 'SKU-B');
    assert(want.length > 0 && want.length < all.length, `the filter should keep some rows and drop others: ${want.length} of ${all.length}`);
    const shown = await page.locator('#sales-table tbody tr[data-id]').count();
    assert(shown === want.length, `the table shows ${shown} rows for "恒达", want ${want.length}`);
    const amount = want.reduce((n, s) => n + s.amount, 0);
    const shownTotal = await page.locator('#sales-totals [data-total=amount]').textContent();
    assert(sq(shownTotal) === sq(fmtMoney(lang, amount)), `the totals show ${shownTotal}, want ${fmtMoney(lang, amount)}`);
    const csv = await page.evaluate(async (h) => (await fetch(h)).text(), href);
    const lines = csv.trim().split('\n').slice(1);
    assert(lines.length === want.length, `the export holds ${lines.length} rows, want ${want.length}`);
    assert(lines.every((l) => l.includes('恒达') && l.includes('SKU-B')), 'the export holds rows outside the filter');
    await shot(page, `sales-${L}-filtered`);
    await page.click('.filters-clear');
  });

  await test(`${lang}: at 1440 px the table keeps the promotion column and the row actions in reach`, [], async () => {
    await page.setViewportSize(DESKTOP);
    await page.go(`#/p/${P}/sales`);
    const wrap = await page.locator('.sales-wrap').boundingBox();
    const del = await page.locator('#sales-table tbody tr[data-id] .sale-delete').first().boundingBox();
    assert(del && del.x >= wrap.x && del.x + del.width <= wrap.x + wrap.width + 0.5 && del.x + del.width <= DESKTOP.width,
      `the delete button (x ${del && Math.round(del.x)}) is outside the table's card (${Math.round(wrap.x)}–${Math.round(wrap.x + wrap.width)})`);
    const promo = page.locator('#sales-table th.col-promotion');
    await promo.scrollIntoViewIfNeeded();
    const pb = await promo.boundingBox();
    assert(pb.x + pb.width <= wrap.x + wrap.width + 0.5, 'the promotion column cannot be reached');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `the page scrolls sideways by ${overflow}px at 1440`);
    await shot(page, `sales-${L}-1440`);
  });
  await ctx.close();
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'forms-sales' });
  await managerInLang(browser, server, 'zh-CN');
  await managerInLang(browser, server, 'en');

  await test('a rep enters only their own sales and changes only their own rows', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'rep1', PASSWORD);
    await page.go(`#/p/${P}/sales`);
    const rep = page.locator('#sale-entry select[name=rep]');
    assert(await rep.isDisabled() && JSON.stringify(await optionValues(rep)) === '["rep1"]', 'a rep may pick another rep');
    await enter(page, { customer: '王芳的客户', product: 'SKU-A', channel: 'direct', quantity: 1 });
    await page.click('#sale-add');
    await page.locator('.banner-success').waitFor();
    const all = (await sales(page)).sales;
    assert(all.find((s) => s.customer === '王芳的客户').rep === 'rep1', 'the rep\'s sale is not theirs');
    for (const s of all.slice(0, 25)) {
      const row = page.locator(`#sales-table tbody tr[data-id="${s.id}"]`);
      if (!(await row.count())) continue;
      const n = await row.locator('.sale-edit, .sale-delete').count();
      assert(s.rep === 'rep1' ? n === 2 : n === 0, `row of ${s.rep} shows ${n} actions to rep1`);
    }
    await ctx.close();
  });

  await test('a viewer sees no entry form, no row actions and no import', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'vw', PASSWORD, { lang: 'en' });
    await page.go(`#/p/${P}/sales`);
    await page.locator('#sales-table tbody tr[data-id]').first().waitFor();
    assert(await page.locator('#sale-entry').count() === 0, 'a viewer sees the sale entry form');
    assert(await page.locator('.sale-edit, .sale-delete, .col-actions').count() === 0, 'a viewer sees row actions');
    assert(await page.locator(`a[href="#/p/${P}/import"]`).count() === 0 ||
      !(await page.locator('.page-actions').textContent()).includes(CATALOG.en['nav.import']), 'a viewer sees the import button');
    await ctx.close();
  });

  await test('the entry form offers the channels in use and the products on sale; an old sale\'s edit keeps its own', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'en' });
    await page.go(`#/p/${P}/sales`);
    const form = page.locator('#sale-entry');
    const channels = await optionValues(form.locator('select[name=channel]'));
    const products = await optionValues(form.locator('select[name=product]'));
    assert(!channels.includes('old') && channels.includes('direct'), `channels offered: ${channels}`);
    assert(!products.includes('SKU-OLD') && products.includes('SKU-A'), `products offered: ${products}`);
    const old = (await sales(page)).sales.find((x) => x.customer === '老渠道客户');
    await page.go(`#/p/${P}/sales?customer=${encodeURIComponent('老渠道客户')}`);
    await page.locator(`#sales-table tbody tr[data-id="${old.id}"] .sale-edit`).click();
    const dlg = page.locator('#sale-edit');
    assert(await dlg.locator('select[name=channel]').inputValue() === 'old', 'the old sale\'s channel is shown');
    assert(await dlg.locator('select[name=product]').inputValue() === 'SKU-OLD', 'the old sale\'s product is shown');
    await ctx.close();
  });

  await test('the price filled in is the list price in force on the sale\'s date, and one typed stays', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'zh-CN' });
    await page.go(`#/p/${P}/sales`);
    const form = page.locator('#sale-entry');
    const price = form.locator('input[name=unit_price]');
    const reads = async (want, what) => {
      for (let i = 0; i < 50 && (await price.inputValue()) !== want; i++) await page.waitForTimeout(100);
      assert(await price.inputValue() === want, `${what}: the price reads ${await price.inputValue()}, want ${want}`);
    };
    await enter(page, { date: `${Y}-03-02`, customer: '回溯客户', product: 'SKU-C', channel: 'direct', rep: 'rep1', quantity: 2, unit_price: '' });
    await reads('300.00', 'a sale of March (before the change of June)');
    await form.locator('input[name=date]').fill(`${Y}-07-01`);
    await reads('330.00', 'the date moved past the change');
    await form.locator('input[name=date]').fill(`${Y}-05-31`);
    await reads('300.00', 'the day before the change');
    await price.fill('310.00');
    await form.locator('input[name=date]').fill(`${Y}-08-01`);
    await page.waitForTimeout(500);
    assert(await price.inputValue() === '310.00', 'a price typed is kept when the date changes');
    await price.fill('');
    await form.locator('input[name=date]').fill(`${Y}-06-01`);
    await reads('330.00', 'an emptied price is filled in again, the day of the change');
    await page.click('#sale-add');
    await page.locator('.banner-success').waitFor();
    const s = (await sales(page)).sales.find((x) => x.customer === '回溯客户');
    assert(s && s.date === `${Y}-06-01` && s.unit_price === 33000 && s.amount === 66000, `saved ${JSON.stringify(s)}`);
    await ctx.close();
  });

  await test('a rep enters a sale on a phone (390×844)', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'rep2', PASSWORD, { viewport: PHONE });
    await page.go(`#/p/${P}/sales`);
    const form = page.locator('#sale-entry');
    await assertFitsPhone(page, form, 'the sale entry form');
    await enter(page, { customer: '手机客户', product: 'SKU-B', channel: 'tmall', quantity: 3, discount: '100.00', promotion: 'P618' });
    await shot(page, 'sales-zh-phone-entry');
    await page.click('#sale-add');
    await page.locator('.banner-success').waitFor();
    const s = (await sales(page)).sales.find((x) => x.customer === '手机客户');
    assert(s && s.amount === 3 * 40000 - 10000 && s.rep === 'rep2', `saved ${JSON.stringify(s)}`);
    await ctx.close();
  });
});
