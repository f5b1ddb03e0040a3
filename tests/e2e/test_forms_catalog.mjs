// test_forms_catalog.mjs - the strategy catalog's forms in the browser: segments, channels of
// every type, products (and a price change with its date and reason, seen in the history),
// promotions of every kind, each created, edited and deleted by an admin in zh-CN and by a
// workspace manager in en; a segment's region, industry and size, a product's competitor's
// price (and the gap the server computes from it) and a promotion's scope (products, channels,
// segments; a channel that does not exist refused under its field); a duplicate code refused
// under its field; reps and viewers see no write control; a segment created on a phone.
// Values are read back through the API.
import { test, assert, run, startServer, shot, isoDay, PASSWORD } from './lib.mjs';
import { signedIn, get, call, fmtPct, fmtMoney, sq, optionValues, assertFitsPhone, fieldError, assertLang, PHONE, TEXTS as CATALOG } from './forms.mjs';

const TYPES = ['direct', 'distributor', 'ecommerce', 'partner', 'retail', 'telesales'];
// kind, typed value, the value the API keeps (computed here: percent as a ratio, amount in 分)
const KINDS = [['percent', '15', 0.15], ['amount', '20.00', 2000], ['gift', '2', 2], ['points', '100', 100], ['bundle', '3', 3]];

async function setup(db, pw) {
  const { cli } = await import('./lib.mjs');
  for (const [login, role] of [['mgr', 'manager'], ['rep1', 'rep'], ['vw', 'viewer']])
    cli(db, ['user', 'add', login, '--name', login, '--role', role, '--password-file', pw]);
  cli(db, ['segment', 'add', 'scope-seg', '--name', '促销范围']);
}
const bp = (x) => Math.round(x * 10000) / 10000; // a rate as the server keeps it (basis points)
const fill = (s, vars) => Object.entries(vars).reduce((a, [k, v]) => a.split('{' + k + '}').join(v), s);

async function openNew(page) { await page.click('#crud-new'); return page.locator('#crud-form'); }
async function save(page) {
  await page.click('#crud-form button[type=submit]');
  await page.locator('#crud-form').waitFor({ state: 'detached' });
}
const row = (page, key) => page.locator(`.crud-table tr[data-key="${key}"]`);

async function catalogAs(browser, server, user, lang) {
  const L = lang === 'zh-CN' ? 'zh' : 'en';
  const T = CATALOG[lang];
  const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
  const c = (s) => `${s}-${L}`;

  await test(`${lang}: ${user} creates, edits and deletes a segment`, [], async () => {
    await page.go('#/segments');
    let f = await openNew(page);
    await f.locator('input[name=code]').fill(c('ent'));
    await f.locator('input[name=name]').fill('大型企业');
    await f.locator('input[name=priority]').fill('2');
    await f.locator('textarea[name=criteria]').fill('员工 1000 人以上');
    for (const k of ['region', 'industry', 'company_size'])
      assert((await f.locator(`[data-field=${k}] label`).textContent()).trim() === T['ent.segment.' + k], `the ${k} field's label`);
    await f.locator('input[name=region]').fill('华东');
    await f.locator('input[name=industry]').fill('制造业');
    await f.locator('input[name=company_size]').fill('1000 人以上');
    await save(page);
    let s = await get(page, `/api/v1/segments/${c('ent')}`); s = s.segment || s;
    assert(s.name === '大型企业' && s.priority === 2 && s.criteria === '员工 1000 人以上' && s.region === '华东'
      && s.industry === '制造业' && s.company_size === '1000 人以上', `saved ${JSON.stringify(s)}`);
    await row(page, c('ent')).getByRole('button', { name: T['action.edit'] }).click();
    assert(await page.locator('#crud-form input[name=industry]').inputValue() === '制造业', 'the edit form does not show the industry');
    await page.fill('#crud-form input[name=name]', '大客户');
    await page.fill('#crud-form input[name=region]', '华东、华北');
    await page.fill('#crud-form input[name=company_size]', '');
    await save(page);
    s = await get(page, `/api/v1/segments/${c('ent')}`); s = s.segment || s;
    assert(s.name === '大客户' && s.region === '华东、华北' && s.industry === '制造业' && !s.company_size, `edited ${JSON.stringify(s)}`);
    // a second segment with the same code is refused under the code field
    f = await openNew(page);
    await f.locator('input[name=code]').fill(c('ent'));
    await f.locator('input[name=name]').fill('重复');
    await f.locator('button[type=submit]').click();
    assertLang(lang, await fieldError(f, 'code'), 'the duplicate code error');
    await shot(page, `catalog-${L}-duplicate-code`);
    await page.click('#crud-form button[type=button]');
    await row(page, c('ent')).getByRole('button', { name: T['action.delete'] }).click();
    await row(page, c('ent')).waitFor({ state: 'detached' });
  });

  await test(`${lang}: ${user} creates a channel of every type and edits one`, [], async () => {
    await page.go('#/channels');
    const f0 = await openNew(page);
    const offered = await optionValues(f0.locator('select[name=type]'));
    assert(offered.join() === TYPES.join(), `channel types offered: ${offered}`);
    await page.click('#crud-form button[type=button]');
    for (const type of TYPES) {
      const f = await openNew(page);
      await f.locator('input[name=code]').fill(c(type));
      await f.locator('input[name=name]').fill('渠道 ' + type);
      await f.locator('select[name=type]').selectOption(type);
      await f.locator('input[name=cost_rate]').fill('12.5');
      await save(page);
      let ch = await get(page, `/api/v1/channels/${c(type)}`); ch = ch.channel || ch;
      assert(ch.type === type && ch.cost_rate === 0.125, `saved ${JSON.stringify(ch)}`);
      const shown = await row(page, c(type)).locator('td.num').textContent();
      assert(sq(shown) === sq(fmtPct(lang, 0.125)), `the cost rate shows "${shown}"`);
    }
    let made = await get(page, `/api/v1/channels/${c('direct')}`); made = made.channel || made;
    assert(made.active === true, 'a new channel is in use');
    await row(page, c('retail')).getByRole('button', { name: T['action.edit'] }).click();
    await page.fill('#crud-form input[name=cost_rate]', '8');
    await page.selectOption('#crud-form select[name=type]', 'partner');
    // taken out of use: the box is ticked for a channel in use, and unticked here
    assert(await page.locator('#crud-form input[name=active]').isChecked(), 'the edit form shows the channel in use');
    await page.locator('#crud-form input[name=active]').uncheck();
    await save(page);
    let ch = await get(page, `/api/v1/channels/${c('retail')}`); ch = ch.channel || ch;
    assert(ch.cost_rate === 0.08 && ch.type === 'partner' && ch.active === false, `edited ${JSON.stringify(ch)}`);
    const chip = await row(page, c('retail')).textContent();
    assert(chip.includes(T['ent.channel.active.false']), `the row says out of use: "${chip}"`);
  });

  await test(`${lang}: ${user} creates a product and changes its price with a date and a reason`, [], async () => {
    await page.go('#/products');
    const f = await openNew(page);
    await f.locator('input[name=sku]').fill(c('HX-R1'));
    await f.locator('input[name=name]').fill('企业级路由器 R1');
    await f.locator('input[name=cost]').fill('2300.00');
    await f.locator('input[name=price]').fill('4599.00');
    assert((await f.locator('[data-field=competitor_price] label').textContent()).trim() === T['ent.product.competitor_price'], 'the competitor price\'s label');
    assert(await f.locator('input[name=competitor_gap]').count() === 0, 'the gap (computed by the server) is offered for typing');
    await f.locator('input[name=competitor_price]').fill('4299.00');
    await save(page);
    let p = await get(page, `/api/v1/products/${c('HX-R1')}`); p = p.product || p;
    // the gap: how far the list price is above the competitor's, (4599 - 4299) / 4299
    assert(p.cost === 230000 && p.price === 459900 && p.competitor_price === 429900
      && p.competitor_gap === bp((459900 - 429900) / 429900), `saved ${JSON.stringify(p)}`);
    await row(page, c('HX-R1')).getByRole('button', { name: T['action.edit'] }).click();
    assert(await page.locator('#crud-form input[name=competitor_price]').inputValue() === '4299.00', 'the edit form does not show the competitor price');
    await page.fill('#crud-form input[name=price]', '4399.00');
    await page.fill('#crud-form input[name=competitor_price]', '4599.00');
    await page.fill('#crud-form input[name=effective]', isoDay(0));
    await page.fill('#crud-form input[name=reason]', '竞品降价');
    await save(page);
    p = await get(page, `/api/v1/products/${c('HX-R1')}`); p = p.product || p;
    assert(p.price === 439900 && p.competitor_price === 459900 && p.competitor_gap === bp((439900 - 459900) / 459900),
      `the price is ${p.price}, the competitor's ${p.competitor_price}, the gap ${p.competitor_gap}`);
    // the competitor's price cleared: no gap
    await row(page, c('HX-R1')).getByRole('button', { name: T['action.edit'] }).click();
    await page.fill('#crud-form input[name=competitor_price]', '');
    await save(page);
    p = await get(page, `/api/v1/products/${c('HX-R1')}`); p = p.product || p;
    assert(p.competitor_price === null && p.competitor_gap === null && p.price === 439900, `cleared ${JSON.stringify(p)}`);
    // the row's price-history action opens the product's history
    await row(page, c('HX-R1')).getByRole('link', { name: T['catalog.prices'] }).click();
    await page.waitForURL(new RegExp(`#/products/${c('HX-R1')}$`));
    const hist = page.locator('table tbody tr', { hasText: '竞品降价' });
    await hist.waitFor();
    const text = await hist.textContent();
    assert(sq(text).includes(sq(fmtMoney(lang, 439900))), `the price history reads "${text}"`);
    await shot(page, `catalog-${L}-price-history`);
  });

  await test(`${lang}: ${user} creates a promotion of every kind and edits one`, [], async () => {
    await page.go('#/promotions');
    const f0 = await openNew(page);
    const offered = await optionValues(f0.locator('select[name=kind]'));
    assert(offered.join() === KINDS.map((k) => k[0]).join(), `promotion kinds offered: ${offered}`);
    await page.click('#crud-form button[type=button]');
    for (const [kind, typed, wire] of KINDS) {
      const f = await openNew(page);
      await f.locator('input[name=code]').fill(c('P-' + kind));
      await f.locator('input[name=name]').fill('促销 ' + kind);
      await f.locator('select[name=kind]').selectOption(kind);
      const label = await f.locator('[data-field=value] label').textContent();
      assert(label === T['ent.promotion.value.' + kind], `the value of a ${kind} promotion is labelled "${label}"`);
      await f.locator('input[name=value]').fill(typed);
      await f.locator('input[name=start]').fill(isoDay(0));
      await f.locator('input[name=end]').fill(isoDay(30));
      await f.locator('input[name=budget]').fill('5000.00');
      // the percent one applies to a product (named twice), two channels and a segment; the others to all
      const scope = kind === 'percent' ? { products: `${c('HX-R1')}, ${c('HX-R1')}`, channels: `${c('direct')},${c('ecommerce')}`, segments: ' scope-seg ' } : {};
      for (const [k, v] of Object.entries(scope)) await f.locator(`input[name=${k}]`).fill(v);
      await save(page);
      let p = await get(page, `/api/v1/promotions/${c('P-' + kind)}`); p = p.promotion || p;
      assert(p.kind === kind && p.value === wire && p.budget === 500000 && p.start === isoDay(0), `saved ${JSON.stringify(p)}`);
      // kept as each code once, trimmed, joined by ", "
      const want = kind === 'percent' ? { products: c('HX-R1'), channels: `${c('direct')}, ${c('ecommerce')}`, segments: 'scope-seg' }
        : { products: '', channels: '', segments: '' };
      for (const k of Object.keys(want)) assert((p[k] || '') === want[k], `the ${kind} promotion's ${k} are "${p[k]}", want "${want[k]}"`);
    }
    await row(page, c('P-percent')).getByRole('button', { name: T['action.edit'] }).click();
    const v = await page.locator('#crud-form input[name=value]').inputValue();
    assert(v === '15', `the percent promotion's value reads "${v}" in the form`);
    // a scope naming a channel that does not exist: refused under the channels field, nothing changed
    const before = await get(page, `/api/v1/promotions/${c('P-percent')}`);
    assert(await page.locator('#crud-form input[name=channels]').inputValue() === `${c('direct')}, ${c('ecommerce')}`, 'the edit form does not show the channels');
    await page.fill('#crud-form input[name=channels]', `${c('direct')}, nope-${L}`);
    await page.click('#crud-form button[type=submit]');
    const msg = await fieldError(page.locator('#crud-form'), 'channels');
    assertLang(lang, msg, 'the unknown channel error');
    assert(msg === fill(T['reason.no_channel'], { code: `nope-${L}` }), `the unknown channel reads "${msg}"`);
    await shot(page, `catalog-${L}-no-channel`);
    assert(JSON.stringify(await get(page, `/api/v1/promotions/${c('P-percent')}`)) === JSON.stringify(before), 'the refused scope changed the promotion');
    await page.fill('#crud-form input[name=channels]', c('direct'));
    await page.fill('#crud-form input[name=value]', '120');
    await page.click('#crud-form button[type=submit]');
    // the percent's range, said with the field's own limits (0 to 100)
    const want = T['form.bad_percent_range'].replace('{min}', '0').replace('{max}', '100');
    assert(await fieldError(page.locator('#crud-form'), 'value') === want, '120% is not refused in its field');
    await page.fill('#crud-form input[name=value]', '12.5');
    await save(page);
    let p = await get(page, `/api/v1/promotions/${c('P-percent')}`); p = p.promotion || p;
    assert(p.value === 0.125 && p.channels === c('direct') && p.products === c('HX-R1'), `edited ${JSON.stringify(p)}`);
  });
  await ctx.close();
}

await run(async (browser) => {
  const server = await startServer({ setup, name: 'forms-catalog' });
  await catalogAs(browser, server, 'admin', 'zh-CN');
  await catalogAs(browser, server, 'mgr', 'en');

  for (const [user, lang] of [['rep1', 'zh-CN'], ['vw', 'en']]) {
    await test(`${lang}: ${user} sees the catalog but no write control`, [], async () => {
      const { ctx, page } = await signedIn(browser, server, user, PASSWORD, { lang });
      for (const kind of ['segments', 'channels', 'products', 'promotions']) {
        await page.go('#/' + kind);
        const T = CATALOG[lang];
        await page.locator('.crud-table tbody tr, .empty').first().waitFor();
        assert(await page.locator('#crud-new').count() === 0, `${user} sees the new button on ${kind}`);
        const buttons = await page.locator('.crud-table button').allTextContents();
        assert(!buttons.some((b) => b === T['action.edit'] || b === T['action.delete']), `${user} sees ${buttons} on ${kind}`);
        assert(await page.locator('.empty button').count() === 0, `${user} is offered to create on an empty ${kind} list`);
      }
      await ctx.close();
    });
  }

  await test('en: the strategy nav lists the catalog in the method\'s order; a list sorts, filters and pages', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { lang: 'en' });
    const T = CATALOG.en;
    await page.go('#/products');
    const nav = await page.locator('#sidebar a[id^="nav-"]').evaluateAll((as) => as.map((a) => a.id));
    const want = ['nav-segments', 'nav-channels', 'nav-products', 'nav-promotions'];
    assert(want.every((id, i) => nav.indexOf(id) >= 0 && (i === 0 || nav.indexOf(id) > nav.indexOf(want[i - 1]))),
      `the strategy links read ${nav}`);
    // 55 products through the API: two pages of 50; prices 1.00..55.00, half of them off sale
    for (let i = 1; i <= 55; i++) {
      const sku = 'PG-' + String(i).padStart(2, '0');
      await call(page, 'POST', '/api/v1/products', { sku, name: 'Paged ' + i, cost: 50, price: i * 100 });
      if (i % 2 === 0) {
        const p = await get(page, '/api/v1/products/' + sku);
        await call(page, 'PATCH', '/api/v1/products/' + sku, { active: false, version: p.version });
      }
    }
    await page.go('#/products');
    const skus = async () => page.locator('.crud-table tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.key));
    // the search narrows the list to these 55 (other tests' products are not named "Paged")
    await page.fill('input[name=filter-name]', 'Paged');
    await page.locator('.pager').waitFor();
    const range = T['pager.range'].replace('{from}', 1).replace('{to}', 50).replace('{total}', 55);
    await page.waitForFunction((r) => document.querySelector('.pager .muted')?.textContent === r, range);
    // sort by list price, highest first: the second click on the head turns the order
    await page.click('.crud-table th button[data-sort=price]');
    await page.locator('.crud-table th[aria-sort=ascending] button[data-sort=price]').waitFor();
    await page.click('.crud-table th button[data-sort=price]');
    await page.locator('.crud-table th[aria-sort=descending] button[data-sort=price]').waitFor();
    await page.waitForFunction(() => document.querySelector('.crud-table tbody tr')?.dataset.key === 'PG-55');
    assert((await skus()).slice(0, 3).join() === 'PG-55,PG-54,PG-53', `highest prices first: ${(await skus()).slice(0, 3)}`);
    // the next page continues the order
    await page.click('.pager-buttons button:last-child');
    await page.waitForFunction(() => !document.querySelector('.crud-table tr[data-key="PG-55"]'));
    const second = await skus();
    assert(second.join() === 'PG-05,PG-04,PG-03,PG-02,PG-01', `the second page: ${second}`);
    // filtered: off sale, named "Paged 1" (1, 10..19 of which the even ones are off sale)
    await page.selectOption('select[name=filter-active]', 'false');
    await page.fill('input[name=filter-name]', 'Paged 1');
    const offSale = ['PG-10', 'PG-12', 'PG-14', 'PG-16', 'PG-18'];
    await page.waitForFunction((want) => [...document.querySelectorAll('.crud-table tbody tr')].map((r) => r.dataset.key)
      .sort().join() === want, offSale.join()).catch(() => {});
    assert((await skus()).slice().sort().join() === offSale.join(), `off sale and named Paged 1: ${await skus()}`);
    await page.click('.filters-clear');
    await page.locator('.pager').waitFor();
    await ctx.close();
  });

  await test('a manager creates a segment on a phone (390×844)', [], async () => {
    const { ctx, page } = await signedIn(browser, server, 'mgr', PASSWORD, { viewport: PHONE });
    await page.go('#/catalog/segments');
    const f = await openNew(page);
    await assertFitsPhone(page, page.locator('.modal'), 'the segment form');
    await f.locator('input[name=code]').fill('phone-seg');
    await f.locator('input[name=name]').fill('手机录入');
    await f.locator('input[name=region]').fill('西南');
    await f.locator('input[name=industry]').fill('零售');
    await f.locator('input[name=company_size]').fill('20–50 人');
    await shot(page, 'catalog-zh-phone-form');
    await save(page);
    let s = await get(page, '/api/v1/segments/phone-seg'); s = s.segment || s;
    assert(s.name === '手机录入' && s.region === '西南' && s.industry === '零售' && s.company_size === '20–50 人', `saved ${JSON.stringify(s)}`);
    await ctx.close();
  });
});
