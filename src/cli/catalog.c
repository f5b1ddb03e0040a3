/*
 * catalog.c - what the entity engine's generic commands do not give of
 * products: `salespm product prices SKU` (the price history) and
 * `salespm product show SKU`, which prints the history under the product.
 * They come before the generic commands, so they stand in for its `show`.
 * Products and promotions themselves are nouns of the engine (core/product.c,
 * core/promotion.c; cli/entity.c).
 */
#include <stdio.h>

#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/catalog.h"
#include "core/entity.h"
#include "core/user.h"
#include "base/banned.h"

static void print_prices(struct cli *c, const struct price_list *l)
{
	static const char *const head[] = { "EFFECTIVE", "COST", "PRICE", "BY", "REASON" };
	static const int right[] = { 0, 1, 1, 0, 0 };
	struct cli_table t;

	cli_table_init(&t, 5, head, right);
	for (size_t i = 0; i < l->n; i++) {
		const struct price_change *pc = &l->items[i];
		char d[DATE_FMT_MAX], m1[MONEY_FMT_MAX], m2[MONEY_FMT_MAX];
		struct user u;
		const char *row[5];
		struct err ignored = { 0 };
		if (pc->changed_by == NO_ID || user_get_id(c->st, pc->changed_by, &u, &ignored))
			snprintf(u.login, sizeof(u.login), "-");
		row[0] = date_format(pc->effective_on, d);
		row[1] = money_format_grouped(pc->cost_minor, m1);
		row[2] = money_format_grouped(pc->price_minor, m2);
		row[3] = u.login;
		row[4] = pc->reason;
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static void print_prices_json(const struct price_list *l)
{
	struct buf b = BUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "prices");
	jw_arr(&w);
	for (size_t i = 0; i < l->n; i++)
		price_change_write_json(&w, &l->items[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	cli_print_json(&b);
	buf_release(&b);
}

static int cmd_product_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct price_list l = { 0 };
	struct product p;
	struct buf b = BUF_INIT;
	struct jw w;
	const char *pos[1];
	int npos, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    entity_get(c->st, &c->actor, &product_entity, NULL, pos[0], &p, err))
		return -1;
	if (c->json) {
		/* the product with its price history under "prices", as the API's GET */
		jw_init(&w, &b);
		if (!entity_write_json_detail(c->st, &w, &product_entity, &p, err)) {
			cli_print_json(&b);
			r = 0;
		}
		buf_release(&b);
		return r;
	}
	if (product_prices(c->st, &c->actor, p.sku, &l, err))
		return -1;
	cli_entity_print(c, &product_entity, &p);
	printf("\nprice history:\n");
	print_prices(c, &l);
	price_list_release(&l);
	return 0;
}

static int cmd_product_prices(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct price_list l = { 0 };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    product_prices(c->st, &c->actor, pos[0], &l, err))
		return -1;
	if (c->json)
		print_prices_json(&l);
	else
		print_prices(c, &l);
	price_list_release(&l);
	return 0;
}

const struct cli_command cli_catalog_cmds[] = {
	{ "product", "show", cmd_product_show, CLI_NEEDS_STORE,
	  "show one product and its price history", "product show SKU", "",
	  "salespm product show P-100" },
	{ "product", "prices", cmd_product_prices, CLI_NEEDS_STORE,
	  "a product's cost and price history, oldest first", "product prices SKU", "",
	  "salespm product prices P-100 --json" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
