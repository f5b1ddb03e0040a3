/*
 * catalog.c - `salespm product|promotion add|list|show|update|delete` and
 * `salespm product prices` (segments and channels are nouns of the entity engine). The verbs are the same for the four
 * nouns, so each verb is one function driven by a table row per noun (found
 * from the command's noun); the rows hold what differs: options, output.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/catalog.h"
#include "core/user.h"
#include "base/banned.h"

/* Any one catalog record; each noun's functions use their member. */
union record {
	struct product product;
	struct promotion promotion;
};

/* A table row's cells, and room to format them in. */
struct cells {
	const char *v[8];
	char buf[8][80];
};

struct noun_cli {
	const char *noun, *plural;
	const char *key;             /* "code" or "sku" */
	size_t key_off, name_off, version_off; /* in union record, and so in its members */
	size_t key_size, name_size;
	size_t item_size;            /* of one list item */
	const struct cli_opt *fields; /* options add and update take besides --name */
	const struct cli_opt *add_only, *update_only;
	const char *const *required; /* options `add` needs */
	/* Apply the options that were given onto r. */
	int (*apply)(struct cli_opt *opts, union record *r, struct err *err);
	/* Set up a new record before the options apply (NULL: all zero will do). */
	void (*init)(union record *r);
	int (*get)(struct store *st, const char *key, union record *r, struct err *err);
	int (*create)(struct cli *c, struct cli_opt *opts, const union record *in,
		      union record *out, struct err *err);
	int (*update)(struct cli *c, struct cli_opt *opts, const union record *want,
		      union record *out, struct err *err);
	int (*remove)(struct store *st, const struct actor *a, const char *key, int64_t version,
		      struct err *err);
	/* The whole list as an array of item_size items, and its release. */
	int (*fetch)(struct store *st, void **items, size_t *n, struct err *err);
	void (*discard)(void *items);
	void (*write_json)(struct jw *w, const void *item);
	/* `show` for a person, after the key, name and version; for --json,
	 * show_json or else write_json. */
	int (*show)(struct cli *c, const union record *r, struct err *err);
	int (*show_json)(struct cli *c, const union record *r, struct err *err);
	int ncols;
	const char *head[8];
	int right[8];
	/* Fill the cells after the first two (key and name) of item's table row. */
	void (*cells)(const void *item, struct cells *out);
};

/* --- option helpers: parse errors name the option ------------------------------- */

/* Put the option in front of a parse error; the field is its name with '_' for '-'. */
static int name_option(struct err *err, const char *opt)
{
	char *p;

	snprintf(err->field, sizeof(err->field), "%s", opt);
	for (p = err->field; *p; p++)
		if (*p == '-')
			*p = '_';
	err_prefix(err, "--%s", opt);
	return -1;
}

static int opt_text(struct cli_opt *opts, const char *opt, char *dst, size_t size, int multiline,
		    struct err *err)
{
	const char *v = cli_opt(opts, opt);
	return v ? text_field(dst, size, v, 0, multiline, opt, err) : 0;
}

static int opt_int(struct cli_opt *opts, const char *opt, int64_t *out, struct err *err)
{
	const char *v = cli_opt(opts, opt);
	return v && cli_int(v, opt, out, err) ? name_option(err, opt) : 0;
}

static int opt_money(struct cli_opt *opts, const char *opt, int64_t *out, struct err *err)
{
	const char *v = cli_opt(opts, opt);
	return v && cli_money(v, opt, out, err) ? name_option(err, opt) : 0;
}

static int opt_date(struct cli_opt *opts, const char *opt, int32_t *out, struct err *err)
{
	const char *v = cli_opt(opts, opt);
	return v && cli_date(v, opt, out, err) ? name_option(err, opt) : 0;
}

/*
 * A percentage ("12.5" = 12.5%) as basis points. A percentage with two
 * decimals is a whole number of basis points, as a decimal amount with two
 * decimals is a whole number of cents: the money parser reads it exactly.
 */
static int opt_percent(struct cli_opt *opts, const char *opt, int64_t *bp, struct err *err)
{
	return opt_money(opts, opt, bp, err);
}

/* --- formatting ------------------------------------------------------------------ */

/* Basis points as a percentage with one decimal ("12.5%"), rounded half up. */
static char *rate_format(int64_t bp, char *out, size_t size)
{
	uint64_t size_bp = bp < 0 ? -(uint64_t)bp : (uint64_t)bp;
	uint64_t tenths = (size_bp + 5) / 10;

	snprintf(out, size, "%s%llu.%llu%%", bp < 0 && tenths ? "-" : "",
		 (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10));
	return out;
}

/* A date, or "-" when there is none (out holds DATE_FMT_MAX bytes). */
static char *day_format(int32_t day, char *out)
{
	if (day == NO_DATE)
		return memcpy(out, "-", 2);
	return date_format(day, out);
}

static void print_line(const char *label, const char *value)
{
	printf("%-10s %s\n", label, value);
}

static void print_json_record(const struct noun_cli *n, const void *item)
{
	struct buf b = BUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	n->write_json(&w, item);
	cli_print_json(&b);
	buf_release(&b);
}

/* {"<key>":[items...]} on stdout, each of the n items (of size bytes) by write. */
static void print_json_array(const char *key, const void *items, size_t n, size_t size,
			     void (*write)(struct jw *w, const void *item))
{
	struct buf b = BUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, key);
	jw_arr(&w);
	for (size_t i = 0; i < n; i++)
		write(&w, (const char *)items + i * size);
	jw_arr_end(&w);
	jw_obj_end(&w);
	cli_print_json(&b);
	buf_release(&b);
}

/* --- the per-noun adapters --------------------------------------------------- */

/* get / list / JSON with the noun's own types, for the table rows below. */
#define RECORD_ADAPTERS(noun)                                                                   \
	static int noun##_get_r(struct store *st, const char *key, union record *r,            \
				struct err *err)                                                \
	{                                                                                       \
		return noun##_get(st, key, &r->noun, err);                                      \
	}                                                                                       \
	static int noun##_fetch(struct store *st, void **items, size_t *n, struct err *err)    \
	{                                                                                       \
		struct noun##_list l = { 0 };                                                   \
		int r = noun##_list(st, &l, err);                                               \
		*items = l.items;                                                               \
		*n = l.n;                                                                       \
		return r;                                                                       \
	}                                                                                       \
	static void noun##_discard(void *items)                                                \
	{                                                                                       \
		struct noun##_list l = { items, 0, 0 };                                         \
		noun##_list_release(&l);                                                        \
	}                                                                                       \
	static void noun##_json_r(struct jw *w, const void *item)                              \
	{                                                                                       \
		noun##_write_json(w, item);                                                     \
	}

/* create / update for the nouns whose core calls take the record alone. */
#define PLAIN_WRITES(noun)                                                                      \
	static int noun##_create_r(struct cli *c, struct cli_opt *opts, const union record *in, \
				   union record *out, struct err *err)                          \
	{                                                                                       \
		(void)opts;                                                                     \
		return noun##_create(c->st, &c->actor, &in->noun, &out->noun, err);             \
	}                                                                                       \
	static int noun##_update_r(struct cli *c, struct cli_opt *opts,                         \
				   const union record *want, union record *out,                 \
				   struct err *err)                                             \
	{                                                                                       \
		(void)opts;                                                                     \
		return noun##_update(c->st, &c->actor, &want->noun, &out->noun, err);           \
	}

RECORD_ADAPTERS(product)
RECORD_ADAPTERS(promotion)
PLAIN_WRITES(promotion)

/* --- products ------------------------------------------------------------------ */

static const struct cli_opt product_fields[] = { { "cost", 0, OPT_VALUE },
						  { "price", 0, OPT_VALUE },
						  { "effective", 0, OPT_VALUE },
						  { NULL, 0, 0 } };
static const struct cli_opt product_update_only[] = { { "reason", 0, OPT_VALUE },
						       { "active", 0, OPT_VALUE },
						       { NULL, 0, 0 } };
static const char *const product_required[] = { "cost", "price", NULL };

static int product_apply(struct cli_opt *opts, union record *r, struct err *err)
{
	struct product *p = &r->product;
	const char *active = cli_opt(opts, "active");
	if (opt_money(opts, "cost", &p->cost_minor, err) ||
	    opt_money(opts, "price", &p->price_minor, err))
		return -1;
	if (active && strcmp(active, "yes") && strcmp(active, "no"))
		return err_set(err, ERR_INVALID, "active", "not_yes_no:value",
			       "--active takes yes or no, not \"%.40s\"", active);
	if (active)
		p->active = !strcmp(active, "yes");
	return 0;
}

static int product_create_r(struct cli *c, struct cli_opt *opts, const union record *in,
			    union record *out, struct err *err)
{
	int32_t effective = NO_DATE;
	return opt_date(opts, "effective", &effective, err) ||
			       product_create(c->st, &c->actor, &in->product, effective,
					      &out->product, err)
		       ? -1
		       : 0;
}

static int product_update_r(struct cli *c, struct cli_opt *opts, const union record *want,
			    union record *out, struct err *err)
{
	int32_t effective = NO_DATE;
	return opt_date(opts, "effective", &effective, err) ||
			       product_update(c->st, &c->actor, &want->product,
					      (cli_opt(opts, "cost") ? PRODUCT_SET_COST : 0) |
						      (cli_opt(opts, "price") ? PRODUCT_SET_PRICE : 0),
					      effective, cli_opt(opts, "reason"), &out->product, err)
		       ? -1
		       : 0;
}

/* The gross margin of a list price as a rate, or "-" when there is no price. */
static char *margin_format(const struct product *p, char *out, size_t size)
{
	int64_t diff;
	if (p->price_minor <= 0 || money_add(p->price_minor, -p->cost_minor, &diff) ||
	    money_mul(diff, 10000, &diff)) {
		snprintf(out, size, "-");
		return out;
	}
	return rate_format(diff / p->price_minor, out, size);
}

static void price_json(struct jw *w, const void *item)
{
	price_change_write_json(w, item);
}

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

/* With --json: the product with its price history under "prices". */
static int product_show_json(struct cli *c, const union record *r, struct err *err)
{
	struct price_list l = { 0 };
	struct buf b = BUF_INIT;
	struct jw w;

	if (product_prices(c->st, r->product.sku, &l, err))
		return -1;
	jw_init(&w, &b);
	product_write_json_prices(&w, &r->product, &l);
	cli_print_json(&b);
	buf_release(&b);
	price_list_release(&l);
	return 0;
}

static int product_show(struct cli *c, const union record *r, struct err *err)
{
	const struct product *p = &r->product;
	struct price_list l = { 0 };
	char buf[MONEY_FMT_MAX + 16], m[MONEY_FMT_MAX];

	if (product_prices(c->st, p->sku, &l, err))
		return -1;
	snprintf(buf, sizeof(buf), "%s %s", money_format_grouped(p->cost_minor, m),
		 c->ws.currency);
	print_line("cost:", buf);
	snprintf(buf, sizeof(buf), "%s %s", money_format_grouped(p->price_minor, m),
		 c->ws.currency);
	print_line("price:", buf);
	print_line("margin:", margin_format(p, buf, sizeof(buf)));
	print_line("active:", p->active ? "yes" : "no");
	printf("\nprice history:\n");
	print_prices(c, &l);
	price_list_release(&l);
	return 0;
}

static void product_cells(const void *item, struct cells *out)
{
	const struct product *p = item;
	out->v[2] = money_format_grouped(p->cost_minor, out->buf[0]);
	out->v[3] = money_format_grouped(p->price_minor, out->buf[1]);
	out->v[4] = margin_format(p, out->buf[2], sizeof(out->buf[2]));
	out->v[5] = p->active ? "yes" : "no";
}

/* --- promotions ------------------------------------------------------------------ */

static const struct cli_opt promotion_fields[] = {
	{ "kind", 0, OPT_VALUE }, { "value", 0, OPT_VALUE },  { "start", 0, OPT_VALUE },
	{ "end", 0, OPT_VALUE },  { "budget", 0, OPT_VALUE }, { NULL, 0, 0 }
};
static const char *const promotion_required[] = { "kind", NULL };

/* A new promotion runs open-ended until dates are given. */
static void promotion_init(union record *r)
{
	r->promotion.starts_on = r->promotion.ends_on = NO_DATE;
}

static int promotion_apply(struct cli_opt *opts, union record *r, struct err *err)
{
	struct promotion *p = &r->promotion;
	const char *kind = cli_opt(opts, "kind");
	if ((kind && promotion_kind_set(p, kind, err)) ||
	    opt_date(opts, "start", &p->starts_on, err) ||
	    opt_date(opts, "end", &p->ends_on, err) ||
	    opt_money(opts, "budget", &p->budget_minor, err))
		return -1;
	/* The value reads as the kind the promotion has after this change. */
	if (!strcmp(p->kind, "percent"))
		return opt_percent(opts, "value", &p->value, err);
	if (!strcmp(p->kind, "amount"))
		return opt_money(opts, "value", &p->value, err);
	return opt_int(opts, "value", &p->value, err);
}

static char *promotion_value(const struct promotion *p, char *out, size_t size)
{
	if (!strcmp(p->kind, "percent"))
		return rate_format(p->value, out, size);
	if (!strcmp(p->kind, "amount"))
		return money_format_grouped(p->value, out);
	snprintf(out, size, "%lld", (long long)p->value);
	return out;
}

static int promotion_show(struct cli *c, const union record *r, struct err *err)
{
	const struct promotion *p = &r->promotion;
	char buf[MONEY_FMT_MAX + 16], m[MONEY_FMT_MAX], d1[DATE_FMT_MAX], d2[DATE_FMT_MAX];
	(void)err;
	print_line("kind:", p->kind);
	print_line("value:", promotion_value(p, buf, sizeof(buf)));
	snprintf(buf, sizeof(buf), "%s .. %s", day_format(p->starts_on, d1),
		 day_format(p->ends_on, d2));
	print_line("dates:", buf);
	snprintf(buf, sizeof(buf), "%s %s", money_format_grouped(p->budget_minor, m),
		 c->ws.currency);
	print_line("budget:", buf);
	return 0;
}

static void promotion_cells(const void *item, struct cells *out)
{
	const struct promotion *p = item;
	out->v[2] = p->kind;
	out->v[3] = promotion_value(p, out->buf[0], sizeof(out->buf[0]));
	out->v[4] = day_format(p->starts_on, out->buf[1]);
	out->v[5] = day_format(p->ends_on, out->buf[2]);
	out->v[6] = money_format_grouped(p->budget_minor, out->buf[3]);
}

/* --- the table of nouns ---------------------------------------------------------- */

#define NOUN_LAYOUT(member, keyfield)                                                         \
	.key_off = offsetof(union record, member.keyfield),                                     \
	.name_off = offsetof(union record, member.name),                                        \
	.name_size = sizeof(((union record *)0)->member.name),                                  \
	.key_size = sizeof(((union record *)0)->member.keyfield),                               \
	.version_off = offsetof(union record, member.version), .item_size = sizeof(struct member)

#define NOUN_FUNCS(noun)                                                                        \
	.apply = noun##_apply, .get = noun##_get_r, .create = noun##_create_r,                  \
	.update = noun##_update_r, .remove = noun##_delete, .fetch = noun##_fetch,              \
	.discard = noun##_discard, .write_json = noun##_json_r, .show = noun##_show,            \
	.cells = noun##_cells

static const struct noun_cli nouns[] = {
	{ .noun = "product", .plural = "products", .key = "sku", NOUN_LAYOUT(product, sku),
	  .fields = product_fields, .update_only = product_update_only,
	  .required = product_required, NOUN_FUNCS(product), .show_json = product_show_json,
	  .ncols = 6, .head = { "SKU", "NAME", "COST", "PRICE", "MARGIN", "ACTIVE" },
	  .right = { 0, 0, 1, 1, 1, 0 } },
	{ .noun = "promotion", .plural = "promotions", .key = "code",
	  NOUN_LAYOUT(promotion, code), .fields = promotion_fields, .init = promotion_init,
	  .required = promotion_required, NOUN_FUNCS(promotion), .ncols = 7,
	  .head = { "CODE", "NAME", "KIND", "VALUE", "START", "END", "BUDGET" },
	  .right = { 0, 0, 0, 1, 0, 0, 1 } },
};

static const struct noun_cli *noun_of(struct cli *c)
{
	for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		if (!strcmp(nouns[i].noun, c->cmd->noun))
			return &nouns[i];
	return &nouns[0]; /* unreachable: every command below names a noun above */
}

/* The key and name of a record or list item. */
static const char *key_of(const struct noun_cli *n, const void *rec)
{
	return (const char *)rec + n->key_off;
}

static const char *name_of(const struct noun_cli *n, const void *rec)
{
	return (const char *)rec + n->name_off;
}

static int64_t *version_of(const struct noun_cli *n, union record *r)
{
	return (int64_t *)((char *)r + n->version_off);
}

/* Copy the option tables in (each ended by a NULL name) into opts, keeping it ended. */
static void add_opts(struct cli_opt *opts, size_t max, const struct cli_opt *in)
{
	size_t n = 0;
	while (opts[n].name)
		n++;
	for (; in && in->name && n + 1 < max; in++)
		opts[n++] = *in;
	opts[n].name = NULL;
}

/* `add`, `update`: what was written, as JSON or a line. */
static void print_written(struct cli *c, const struct noun_cli *n, const char *verb,
			  union record *r)
{
	if (c->json)
		print_json_record(n, r);
	else if (!strcmp(verb, "added"))
		printf("added %s %s (%s)\n", n->noun, key_of(n, r), name_of(n, r));
	else
		printf("updated %s %s (version %lld)\n", n->noun, key_of(n, r),
		       (long long)*version_of(n, r));
}

/* --- the verbs ------------------------------------------------------------------ */

#define OPTS_MAX 16

static const struct cli_opt name_opt[] = { { "name", 0, OPT_VALUE }, { NULL, 0, 0 } };
static const struct cli_opt version_opt[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };

/*
 * The options of `add` or `update` (--name, the noun's fields, then extra and
 * more) into opts, and argv parsed against them; *key is the one argument.
 */
static int parse_fields(struct cli *c, const struct noun_cli *n, const struct cli_opt *extra,
			const struct cli_opt *more, struct cli_opt *opts, int argc, char **argv,
			const char **key, struct err *err)
{
	int npos;

	add_opts(opts, OPTS_MAX, name_opt);
	add_opts(opts, OPTS_MAX, n->fields);
	add_opts(opts, OPTS_MAX, extra);
	add_opts(opts, OPTS_MAX, more);
	return cli_parse(c, argc, argv, opts, key, 1, 1, &npos, err);
}

/* The options given onto r: --name, the noun's own, --version. */
static int apply(const struct noun_cli *n, struct cli_opt *opts, union record *r,
		 struct err *err)
{
	if (opt_text(opts, "name", (char *)r + n->name_off, n->name_size, 0, err) ||
	    n->apply(opts, r, err))
		return -1;
	return opt_int(opts, "version", version_of(n, r), err);
}

static int cmd_add(struct cli *c, int argc, char **argv, struct err *err)
{
	const struct noun_cli *n = noun_of(c);
	struct cli_opt opts[OPTS_MAX] = { { NULL, 0, 0 } };
	union record in, out;
	const char *key;

	if (parse_fields(c, n, n->add_only, NULL, opts, argc, argv, &key, err))
		return -1;
	if (!cli_opt(opts, "name"))
		return err_set(err, ERR_USAGE, "name", "required", "--name is required (see --help)");
	for (const char *const *req = n->required; *req; req++)
		if (!cli_opt(opts, *req))
			return err_set(err, ERR_USAGE, *req, "required", "--%s is required (see --help)", *req);
	memset(&in, 0, sizeof(in));
	if (n->init)
		n->init(&in);
	if (code_field((char *)&in + n->key_off, n->key_size, key, n->key, err) ||
	    apply(n, opts, &in, err) || n->create(c, opts, &in, &out, err))
		return -1;
	print_written(c, n, "added", &out);
	return 0;
}

static int cmd_list(struct cli *c, int argc, char **argv, struct err *err)
{
	const struct noun_cli *n = noun_of(c);
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	void *items = NULL;
	size_t count = 0;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err) ||
	    n->fetch(c->st, &items, &count, err)) {
		n->discard(items);
		return -1;
	}
	if (c->json) {
		print_json_array(n->plural, items, count, n->item_size, n->write_json);
	} else if (count == 0) {
		printf("no %s yet; add one with `salespm %s add`\n", n->plural, n->noun);
	} else {
		struct cli_table t;
		cli_table_init(&t, n->ncols, n->head, n->right);
		for (size_t i = 0; i < count; i++) {
			const char *item = (const char *)items + i * n->item_size;
			struct cells cl;
			cl.v[0] = key_of(n, item);
			cl.v[1] = name_of(n, item);
			n->cells(item, &cl);
			cli_table_row(&t, cl.v);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	n->discard(items);
	return 0;
}

static int cmd_show(struct cli *c, int argc, char **argv, struct err *err)
{
	const struct noun_cli *n = noun_of(c);
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	union record r;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    n->get(c->st, pos[0], &r, err))
		return -1;
	if (!c->json) {
		char label[16], version[32];
		snprintf(label, sizeof(label), "%s:", n->key);
		snprintf(version, sizeof(version), "%lld", (long long)*version_of(n, &r));
		print_line(label, key_of(n, &r));
		print_line("name:", name_of(n, &r));
		print_line("version:", version);
		return n->show(c, &r, err);
	}
	if (n->show_json)
		return n->show_json(c, &r, err);
	print_json_record(n, &r);
	return 0;
}

static int cmd_update(struct cli *c, int argc, char **argv, struct err *err)
{
	const struct noun_cli *n = noun_of(c);
	struct cli_opt opts[OPTS_MAX] = { { NULL, 0, 0 } };
	union record want, out;
	const char *key;

	if (parse_fields(c, n, n->update_only, version_opt, opts, argc, argv, &key, err) ||
	    n->get(c->st, key, &want, err) || apply(n, opts, &want, err) ||
	    n->update(c, opts, &want, &out, err))
		return -1;
	print_written(c, n, "updated", &out);
	return 0;
}

static int cmd_delete(struct cli *c, int argc, char **argv, struct err *err)
{
	const struct noun_cli *n = noun_of(c);
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	union record r;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    n->get(c->st, pos[0], &r, err) || opt_int(opts, "version", version_of(n, &r), err) ||
	    n->remove(c->st, &c->actor, key_of(n, &r), *version_of(n, &r), err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "deleted", key_of(n, &r));
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		printf("deleted %s %s\n", n->noun, key_of(n, &r));
	}
	return 0;
}

static int cmd_product_prices(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct price_list l = { 0 };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    product_prices(c->st, pos[0], &l, err))
		return -1;
	if (c->json)
		print_json_array("prices", l.items, l.n, sizeof(l.items[0]), price_json);
	else
		print_prices(c, &l);
	price_list_release(&l);
	return 0;
}

const struct cli_command cli_catalog_cmds[] = {
	{ "product", "add", cmd_add, CLI_NEEDS_STORE,
	  "add a product with its cost and price (manager)",
	  "product add SKU --name NAME --cost MONEY --price MONEY [--effective DATE]",
	  "  --cost MONEY         unit cost in major units, e.g. 120.00\n"
	  "  --price MONEY        list price in major units, e.g. 199.00\n"
	  "  --effective DATE     when this cost and price take effect (default today)",
	  "salespm product add P-100 --name \"智能手表\" --cost 120.00 --price 199.00 "
	  "--effective 2026-01-01" },
	{ "product", "list", cmd_list, CLI_NEEDS_STORE, "list the products", "product list", "",
	  "salespm product list --json" },
	{ "product", "show", cmd_show, CLI_NEEDS_STORE, "show one product and its price history",
	  "product show SKU", "", "salespm product show P-100" },
	{ "product", "update", cmd_update, CLI_NEEDS_STORE,
	  "change a product; a new cost or price is kept in its history (manager)",
	  "product update SKU [--name NAME] [--cost MONEY] [--price MONEY] [--effective DATE] "
	  "[--reason TEXT] [--active yes|no] [--version V]",
	  "  --cost MONEY         new unit cost in major units\n"
	  "  --price MONEY        new list price in major units\n"
	  "  --effective DATE     when a new cost or price takes effect (default today)\n"
	  "  --reason TEXT        why the cost or price changed, kept in the history\n"
	  "  --active yes|no      whether the product is still sold\n"
	  "  --version V          fail with a conflict unless the product is still at version V",
	  "salespm product update P-100 --price 179.00 --effective 2026-06-01 "
	  "--reason \"618 price cut\" --version 1" },
	{ "product", "delete", cmd_delete, CLI_NEEDS_STORE,
	  "delete a product no sale or goal uses (manager)", "product delete SKU [--version V]",
	  "  --version V          fail with a conflict unless the product is still at version V",
	  "salespm product delete P-100" },
	{ "product", "prices", cmd_product_prices, CLI_NEEDS_STORE,
	  "a product's cost and price history, oldest first", "product prices SKU", "",
	  "salespm product prices P-100 --json" },
	{ "promotion", "add", cmd_add, CLI_NEEDS_STORE, "add a promotion (manager)",
	  "promotion add CODE --name NAME --kind percent|amount|gift|points|bundle [--value V] "
	  "[--start DATE] [--end DATE] [--budget MONEY]",
	  "  --kind KIND          percent, amount, gift, points or bundle\n"
	  "  --value V            percent: a percentage (15 or 12.5); amount: money (20.00);\n"
	  "                       gift, points, bundle: a whole number\n"
	  "  --start DATE         first day (default open)\n"
	  "  --end DATE           last day (default open)\n"
	  "  --budget MONEY       what the promotion may cost, in major units",
	  "salespm promotion add SPRING15 --name \"春季九折\" --kind percent --value 15 "
	  "--start 2026-03-01 --end 2026-03-31 --budget 50000" },
	{ "promotion", "list", cmd_list, CLI_NEEDS_STORE, "list the promotions", "promotion list",
	  "", "salespm promotion list --json" },
	{ "promotion", "show", cmd_show, CLI_NEEDS_STORE, "show one promotion",
	  "promotion show CODE", "", "salespm promotion show SPRING15" },
	{ "promotion", "update", cmd_update, CLI_NEEDS_STORE, "change a promotion (manager)",
	  "promotion update CODE [--name NAME] [--kind KIND] [--value V] [--start DATE] "
	  "[--end DATE] [--budget MONEY] [--version V]",
	  "  --value V            read as the kind the promotion has after the change\n"
	  "  --version V          fail with a conflict unless the promotion is still at version V",
	  "salespm promotion update SPRING15 --end 2026-04-15 --budget 80000 --version 1" },
	{ "promotion", "delete", cmd_delete, CLI_NEEDS_STORE,
	  "delete a promotion no sale uses (manager)", "promotion delete CODE [--version V]",
	  "  --version V          fail with a conflict unless the promotion is still at version V",
	  "salespm promotion delete SPRING15" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
