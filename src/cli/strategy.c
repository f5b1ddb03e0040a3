/*
 * strategy.c - `salespm strategy show|segment|channel|promotion|drop`: a
 * project's strategy planned against actual (analytics/strategy.h), and its
 * plan lines set by the code of what they name (core/strategy.c's nouns,
 * which the generic commands target_market, channel_plan and
 * project_promotion also reach by id).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/strategy.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jw.h"
#include "base/money.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "core/entity.h"
#include "core/project.h"
#include "base/banned.h"

/* --- show ------------------------------------------------------------------------ */

/* Room for a percent as pct writes it ("-92233720368547758.0%"). */
#define PCT_MAX 32

static const char *pct(int64_t bp, char *out, size_t size)
{
	int64_t tenths;

	if (bp == NO_ID)
		return "-";
	/* one decimal, rounded half away from zero (as the entity engine shows a ratio) */
	tenths = (bp >= 0 ? bp + 5 : bp - 5) / 10;
	snprintf(out, size, "%s%lld.%lld%%", tenths < 0 ? "-" : "",
		 (long long)(tenths < 0 ? -tenths : tenths) / 10,
		 (long long)(tenths < 0 ? -tenths : tenths) % 10);
	return out;
}

static const char *money(int64_t v, char *out)
{
	return v == NO_ID ? "-" : money_format_grouped(v, out);
}

static void print_segments(const struct strategy *s)
{
	static const char *const head[] = { "SEGMENT", "NAME",    "PLANNED", "ACTUAL",
					    "PLANNED REVENUE", "REVENUE", "ATTAINED", "MARGIN" };
	static const int right[] = { 0, 0, 1, 1, 1, 1, 1, 1 };
	struct cli_table t;

	cli_table_init(&t, 8, head, right);
	for (size_t i = 0; i < s->segments.n; i++) {
		const struct strategy_row *r = &s->segments.items[i];
		char a[PCT_MAX], b[PCT_MAX], c[MONEY_FMT_MAX], d[MONEY_FMT_MAX], e[PCT_MAX], f[PCT_MAX];
		const char *row[8] = { r->id ? r->code : "(none)", r->name,
				       r->planned ? pct(r->share_bp, a, sizeof(a)) : "-",
				       pct(r->actual_share_bp, b, sizeof(b)), money(r->planned_minor, c),
				       money(r->sums.amount_minor, d), pct(r->attainment_bp, e, sizeof(e)),
				       pct(r->margin_bp, f, sizeof(f)) };
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static void print_channels(const struct strategy *s)
{
	static const char *const head[] = { "CHANNEL", "PLANNED", "ACTUAL", "REVENUE", "MARGIN",
					    "COST RATE", "CHANNEL COST", "BUDGET", "LEFT" };
	static const int right[] = { 0, 1, 1, 1, 1, 1, 1, 1, 1 };
	struct cli_table t;

	cli_table_init(&t, 9, head, right);
	for (size_t i = 0; i < s->channels.n; i++) {
		const struct strategy_row *r = &s->channels.items[i];
		char a[PCT_MAX], b[PCT_MAX], c[MONEY_FMT_MAX], d[MONEY_FMT_MAX], e[PCT_MAX], f[MONEY_FMT_MAX],
			g[MONEY_FMT_MAX], h[MONEY_FMT_MAX + 8];
		snprintf(h, sizeof(h), "%s%s", money(r->remaining_minor, g),
			 r->over_budget ? " OVER" : "");
		const char *row[9] = { r->code, r->planned ? pct(r->share_bp, a, sizeof(a)) : "-",
				       pct(r->actual_share_bp, b, sizeof(b)),
				       money(r->sums.amount_minor, c),
				       money(r->sums.amount_minor - r->sums.cost_minor, d),
				       pct(r->cost_rate_bp, e, sizeof(e)),
				       money(r->channel_cost_minor, f),
				       r->planned ? money(r->budget_minor, (char[MONEY_FMT_MAX]){ 0 })
						  : "-",
				       h };
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static void print_promotions(const struct strategy *s)
{
	static const char *const head[] = { "PROMOTION", "KIND",  "LINES", "REVENUE",
					    "DISCOUNTS", "BUDGET", "SPENT", "LEFT" };
	static const int right[] = { 0, 0, 1, 1, 1, 1, 1, 1 };
	struct cli_table t;

	cli_table_init(&t, 8, head, right);
	for (size_t i = 0; i < s->promotions.n; i++) {
		const struct strategy_row *r = &s->promotions.items[i];
		char n[24], a[MONEY_FMT_MAX], b[MONEY_FMT_MAX], c[MONEY_FMT_MAX], d[MONEY_FMT_MAX],
			e[MONEY_FMT_MAX], f[MONEY_FMT_MAX + 8];
		snprintf(n, sizeof(n), "%lld", (long long)r->sums.lines);
		snprintf(f, sizeof(f), "%s%s", money(r->remaining_minor, e),
			 r->over_budget ? " OVER" : "");
		const char *row[8] = { r->code, r->type, n, money(r->sums.amount_minor, a),
				       money(r->sums.discount_minor, b),
				       r->budget_minor ? money(r->budget_minor, c) : "-",
				       money(r->channel_cost_minor, d), f };
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static void print_products(const struct strategy *s)
{
	static const char *const head[] = { "SKU",	  "PRICE",   "COMPETITOR", "GAP",
					    "LIST MARGIN", "REVENUE", "MARGIN" };
	static const int right[] = { 0, 1, 1, 1, 1, 1, 1 };
	struct cli_table t;

	cli_table_init(&t, 7, head, right);
	for (size_t i = 0; i < s->products.n; i++) {
		const struct strategy_row *r = &s->products.items[i];
		char a[MONEY_FMT_MAX], b[MONEY_FMT_MAX], c[PCT_MAX], d[PCT_MAX], e[MONEY_FMT_MAX], f[PCT_MAX];
		const char *row[7] = { r->code, money(r->price_minor, a),
				       money(r->competitor_price_minor, b),
				       pct(r->competitor_gap_bp, c, sizeof(c)),
				       pct(r->list_margin_bp, d, sizeof(d)),
				       money(r->sums.amount_minor, e), pct(r->margin_bp, f, sizeof(f)) };
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static void print_prices(const struct strategy *s)
{
	static const char *const head[] = { "EFFECTIVE", "SKU", "PRICE", "WAS", "COST", "REASON" };
	static const int right[] = { 0, 0, 1, 1, 1, 0 };
	struct cli_table t;

	cli_table_init(&t, 6, head, right);
	for (size_t i = 0; i < s->nprices; i++) {
		const struct strategy_price *x = &s->prices[i];
		char d[DATE_FMT_MAX], a[MONEY_FMT_MAX], b[MONEY_FMT_MAX], c[MONEY_FMT_MAX];
		const char *row[6] = { date_format(x->effective_on, d), x->sku,
				       money(x->price_minor, a), money(x->old_price_minor, b),
				       money(x->cost_minor, c), x->reason };
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static void print_strategy(const struct strategy *s)
{
	char a[MONEY_FMT_MAX], b[MONEY_FMT_MAX], c[MONEY_FMT_MAX], d[MONEY_FMT_MAX], e[PCT_MAX];

	printf("%s %s\n", s->project, s->name);
	if (s->target_minor == NO_ID)
		printf("revenue target: none (a revenue goal without a scope sets it)\n");
	else
		printf("revenue target: %s (goal %lld %s)\n", money(s->target_minor, a),
		       (long long)s->target_goal_id, s->target_goal);
	printf("revenue %s, margin %s (%s), channel cost %s, promotion cost %s\n",
	       money(s->total.amount_minor, a), money(s->total.amount_minor - s->total.cost_minor, b),
	       pct(s->margin_bp, e, sizeof(e)), money(s->channel_cost_minor, c),
	       money(s->promotion_cost_minor, d));
	printf("\ntarget markets (planned %s of the target)\n",
	       pct(s->planned_segment_share_bp, e, sizeof(e)));
	if (s->segments.n)
		print_segments(s);
	else
		printf("none planned and no sales yet (salespm strategy segment)\n");
	printf("\nchannels (planned %s of the target, budgets %s", pct(s->planned_channel_share_bp,
	       e, sizeof(e)), money(s->planned_channel_budget_minor, a));
	if (s->budget_minor > 0)
		printf(" of the project's %s", money(s->budget_minor, b));
	printf(")\n");
	if (s->channels.n)
		print_channels(s);
	else
		printf("none planned and no sales yet (salespm strategy channel)\n");
	printf("\npromotions\n");
	if (s->promotions.n)
		print_promotions(s);
	else
		printf("none (salespm strategy promotion)\n");
	printf("\nproducts sold\n");
	if (s->products.n)
		print_products(s);
	else
		printf("none yet\n");
	printf("\nprice changes from %s to %s\n", date_format(s->start_on, a),
	       date_format(s->end_on, b));
	if (s->nprices)
		print_prices(s);
	else
		printf("none\n");
}

static int cmd_strategy_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct strategy s;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    strategy_read(c->st, &c->actor, pos[0], &s, err))
		return -1;
	if (c->json)
		CLI_PRINT_ONE(&s, strategy_write_json);
	else
		print_strategy(&s);
	strategy_release(&s);
	return 0;
}

/* --- plan lines ------------------------------------------------------------------ */

/* What a plan line names: the noun, its reference field, the options it takes. */
struct plan_kind {
	const char *verb, *noun, *ref;
	const char *options[3]; /* besides --note */
};

static const struct plan_kind plan_kinds[] = {
	{ "segment", "target_market", "segment", { "share", NULL } },
	{ "channel", "channel_plan", "channel", { "share", "budget", NULL } },
	{ "promotion", "project_promotion", "promotion", { NULL } },
};

static const struct plan_kind *plan_kind(const char *verb)
{
	for (size_t i = 0; i < sizeof(plan_kinds) / sizeof(plan_kinds[0]); i++)
		if (!strcmp(plan_kinds[i].verb, verb))
			return &plan_kinds[i];
	return NULL;
}

static const struct ent_field *kind_field(const struct entity *e, enum ent_kind k)
{
	for (const struct ent_field *f = e->fields; f->name; f++)
		if (f->kind == k)
			return f;
	return NULL;
}

/*
 * The project's line naming code (into rec; its id as text into id), or 0
 * when there is none: 1 found, 0 none, -1 error.
 */
static int find_line(struct cli *c, const struct entity *e, const struct plan_kind *k,
		     const struct ent_project *p, const char *code, void *rec, char *id,
		     size_t idsize, struct err *err)
{
	struct ent_query q = { .nfilters = 1 };
	struct ent_rows rows = { 0 };
	const struct ent_field *ref = entity_field(e, k->ref);
	int found = 0;

	q.filter_name[0] = k->ref;
	q.filter_value[0] = code;
	if (entity_list(c->st, &c->actor, e, p, &q, &rows, err))
		return -1;
	for (size_t i = 0; i < rows.n && !found; i++) {
		const char *r = (const char *)rows.items + i * e->size;
		if (!strcmp(r + ref->key_off, code)) {
			memcpy(rec, r, e->size);
			entity_format(kind_field(e, EK_ID), rec, id, idsize);
			found = 1;
		}
	}
	entity_rows_release(&rows);
	return found;
}

static int project_of(struct cli *c, const char *code, struct ent_project *p, struct err *err)
{
	struct project pr;

	if (project_get(c->st, &c->actor, code, &pr, err))
		return -1;
	p->id = pr.id;
	p->code = code;
	return 0;
}

static void print_line(struct cli *c, const struct entity *e, const void *rec, const char *what,
		       const char *code)
{
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		entity_write_json(&w, e, rec);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		char v[32];
		entity_format(kind_field(e, EK_VERSION), rec, v, sizeof(v));
		printf("%s %s in the strategy (version %s)\n", what, code, v);
	}
}

/* strategy segment|channel|promotion PROJECT CODE [--share P] [--budget M] [--note T] */
static int cmd_strategy_line(struct cli *c, int argc, char **argv, struct err *err)
{
	const struct plan_kind *k = plan_kind(c->cmd->verb);
	const struct entity *e = entity_find(k->noun);
	struct cli_opt opts[] = { { "share", 0, OPT_VALUE }, { "budget", 0, OPT_VALUE },
				  { "note", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct ent_project p = { 0 };
	struct ent_input in = { 0 };
	void *cur = xcalloc(1, e->size), *rec = xcalloc(1, e->size), *out = xcalloc(1, e->size);
	const char *pos[2];
	char id[32];
	int npos, found, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) || project_of(c, pos[0], &p, err))
		goto out;
	for (struct cli_opt *o = opts; o->name; o++) {
		const struct ent_field *f;
		int takes = !strcmp(o->name, "note");
		for (size_t i = 0; k->options[i]; i++)
			takes |= !strcmp(k->options[i], o->name);
		if (!o->set)
			continue;
		if (!takes) {
			err_set(err, ERR_USAGE, o->name, "usage", "strategy %s takes no --%s", k->verb,
				o->name);
			goto out;
		}
		f = entity_field(e, o->name);
		if (entity_parse_text(f, o->value, rec, err)) {
			err_prefix(err, "--%s", o->name);
			goto out;
		}
		entity_input_set(e, &in, f, 0);
	}
	in.rec = rec;
	found = find_line(c, e, k, &p, pos[1], cur, id, sizeof(id), err);
	if (found < 0)
		goto out;
	if (found) {
		const struct ent_field *ver = kind_field(e, EK_VERSION);
		in.version = *(const int64_t *)((const char *)cur + ver->off);
		if (entity_update(c->st, &c->actor, e, &p, id, &in, out, err))
			goto out;
	} else {
		const struct ent_field *ref = entity_field(e, k->ref);
		if (entity_parse_text(ref, pos[1], rec, err))
			goto out;
		entity_input_set(e, &in, ref, 0);
		if (entity_create(c->st, &c->actor, e, &p, &in, out, err))
			goto out;
	}
	print_line(c, e, out, found ? "changed" : "added", pos[1]);
	r = 0;
out:
	free(cur);
	free(rec);
	free(out);
	return r;
}

/* strategy drop PROJECT segment|channel|promotion CODE */
static int cmd_strategy_drop(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct ent_project p = { 0 };
	const struct plan_kind *k;
	const struct entity *e;
	const char *pos[3];
	void *cur = NULL;
	char id[32];
	int npos, found, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 3, 3, &npos, err))
		return -1;
	if (!(k = plan_kind(pos[1])))
		return err_set(err, ERR_USAGE, NULL, "usage",
			       "strategy drop takes segment, channel or promotion, not \"%.40s\"",
			       pos[1]);
	e = entity_find(k->noun);
	cur = xcalloc(1, e->size);
	if (project_of(c, pos[0], &p, err))
		goto out;
	found = find_line(c, e, k, &p, pos[2], cur, id, sizeof(id), err);
	if (found < 0)
		goto out;
	if (!found) {
		err_set(err, ERR_NOT_FOUND, k->ref, "not_planned:code,project",
			"%s is not in the strategy of %s", pos[2], pos[0]);
		goto out;
	}
	if (entity_delete(c->st, &c->actor, e, &p, id, ENT_ANY_VERSION, err))
		goto out;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "dropped", pos[2]);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		printf("dropped %s %s from the strategy of %s\n", k->ref, pos[2], pos[0]);
	}
	r = 0;
out:
	free(cur);
	return r;
}

const struct cli_command cli_strategy_cmds[] = {
	{ "strategy", "show", cmd_strategy_show, CLI_NEEDS_STORE,
	  "a project's strategy, planned against actual: target markets, channels, promotions, "
	  "products and price changes",
	  "strategy show PROJECT",
	  "Planned shares are of the project's revenue target (its revenue goal without a\n"
	  "scope, the widest); actual shares are of its revenue. Channel cost is revenue x\n"
	  "the channel's cost rate; a promotion's discounts are its cost, its budget spent\n"
	  "by its lines in every project (OVER: past the budget).",
	  "salespm strategy show FY" },
	{ "strategy", "segment", cmd_strategy_line, CLI_NEEDS_STORE,
	  "add a target market to a project's strategy, or change its planned share (manager)",
	  "strategy segment PROJECT SEGMENT [--share PERCENT] [--note TEXT]",
	  "  --share PERCENT  the share of the revenue target it should bring (the project's\n"
	  "                   segments add up to 100 at most)\n"
	  "  --note TEXT      why this market, and how the team goes after it",
	  "salespm strategy segment FY smb --share 40" },
	{ "strategy", "channel", cmd_strategy_line, CLI_NEEDS_STORE,
	  "add a channel to a project's strategy, or change its share and budget (manager)",
	  "strategy channel PROJECT CHANNEL [--share PERCENT] [--budget AMOUNT] [--note TEXT]",
	  "  --share PERCENT  the share of the revenue target it should bring\n"
	  "  --budget AMOUNT  what the project may spend on it (within the project's budget)\n"
	  "  --note TEXT      what the channel is for in this project",
	  "salespm strategy channel FY tmall --share 20 --budget 150000" },
	{ "strategy", "promotion", cmd_strategy_line, CLI_NEEDS_STORE,
	  "add a promotion to a project's strategy (manager)",
	  "strategy promotion PROJECT PROMOTION [--note TEXT]",
	  "  --note TEXT      what the project expects of it",
	  "salespm strategy promotion FY P618" },
	{ "strategy", "drop", cmd_strategy_drop, CLI_NEEDS_STORE,
	  "take a target market, channel or promotion out of a project's strategy (manager)",
	  "strategy drop PROJECT segment|channel|promotion CODE", NULL,
	  "salespm strategy drop FY channel retail" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
