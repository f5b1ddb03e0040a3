/*
 * deal.c - the pipeline's commands beyond the entity engine's generic
 * `salespm deal add|list|show|update|delete` (core/deal.h): the stage move,
 * a deal's lines and history, and the project's stages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "analytics/forecast.h"
#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/deal.h"
#include "core/project.h"
#include "base/banned.h"

static void print_deal(struct cli *c, const void *d, const char *what)
{
	char stage[64], amount[48], v[24];

	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		struct err ignored;
		jw_init(&w, &b);
		entity_write_json_detail(c->st, &w, &deal_entity, d, &ignored);
		cli_print_json(&b);
		buf_release(&b);
		return;
	}
	entity_format(entity_field(&deal_entity, "stage"), d, stage, sizeof(stage));
	entity_format(entity_field(&deal_entity, "amount"), d, amount, sizeof(amount));
	entity_format(entity_field(&deal_entity, "version"), d, v, sizeof(v));
	printf("%s: deal now at %s, amount %s (version %s)\n", what, stage, amount, v);
}

static int cmd_deal_move(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "reason", 0, OPT_VALUE }, { "won-on", 0, OPT_VALUE }, { "version", 0, OPT_VALUE },
		{ NULL, 0, 0 },
	};
	struct deal_move m = { 0 };
	const char *pos[3];
	void *out = calloc(1, deal_entity.size);
	int npos, r = -1;

	if (!out)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	m.won_on = NO_DATE;
	if (cli_parse(c, argc, argv, opts, pos, 3, 3, &npos, err))
		goto out;
	m.stage = pos[2];
	m.lost_reason = cli_opt(opts, "reason");
	if (cli_opt(opts, "won-on") && cli_date(cli_opt(opts, "won-on"), "won-on", &m.won_on, err))
		goto out;
	if (cli_entity_version(c, &deal_entity, pos[0], pos[1], opts, out, &m.version, err) ||
	    deal_move_stage(c->st, &c->actor, pos[0], pos[1], &m, out, err))
		goto out;
	print_deal(c, out, "moved");
	r = 0;
out:
	free(out);
	return r;
}

/* "SKU:QTY[:PRICE[:DISCOUNT]]" into l (strings borrowed from s, which is cut). */
static int parse_line(char *s, struct deal_line_input *l, struct err *err)
{
	char *part[4] = { 0 };
	int n = 0;

	for (char *p = s; n < 4; n++) {
		part[n] = p;
		p = strchr(p, ':');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n < 2 || !part[0][0])
		return err_set(err, ERR_USAGE, "line", "bad_line:value",
			       "--line \"%s\" is not SKU:QUANTITY[:PRICE[:DISCOUNT]]", s);
	l->product = part[0];
	if (cli_int(part[1], "line", &l->quantity, err))
		return -1;
	l->unit_price_minor = DEAL_PRICE_IN_FORCE;
	if (n > 2 && part[2][0] && cli_money(part[2], "line", &l->unit_price_minor, err))
		return -1;
	if (n > 3 && part[3][0] && cli_money(part[3], "line", &l->discount_minor, err))
		return -1;
	return 0;
}

static int cmd_deal_lines(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "line", 0, OPT_MULTI }, { "clear", 0, OPT_FLAG }, { "version", 0, OPT_VALUE },
		{ NULL, 0, 0 },
	};
	struct deal_line_input in[16];
	char text[16][200];
	const char *pos[2];
	struct cli_opt *lo;
	void *out = calloc(1, deal_entity.size);
	int64_t version;
	int npos, r = -1;

	if (!out)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	memset(in, 0, sizeof(in));
	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err))
		goto out;
	lo = cli_optp(opts, "line");
	if (!lo->nvalues && !cli_optp(opts, "clear")->set) {
		err_set(err, ERR_USAGE, "line", "required", "give --line at least once, or --clear");
		goto out;
	}
	for (int i = 0; i < lo->nvalues; i++) {
		snprintf(text[i], sizeof(text[i]), "%s", lo->values[i]);
		if (parse_line(text[i], &in[i], err))
			goto out;
	}
	if (cli_entity_version(c, &deal_entity, pos[0], pos[1], opts, out, &version, err) ||
	    deal_lines_set(c->st, &c->actor, pos[0], pos[1], version, in, (size_t)lo->nvalues, out,
			   err))
		goto out;
	print_deal(c, out, "lines saved");
	r = 0;
out:
	free(out);
	return r;
}

static int cmd_deal_history(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct deal_history h;
	const char *pos[2];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    deal_history_get(c->st, &c->actor, pos[0], pos[1], &h, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		deal_history_write_json(&w, pos[1], &h);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		static const char *const head[] = { "date", "from", "to", "probability", "amount",
						    "by" };
		static const int right[] = { 0, 0, 0, 1, 1, 0 };
		struct cli_table t;
		cli_table_init(&t, 6, head, right);
		for (size_t i = 0; i < h.n; i++) {
			char day[16], bp[16], amt[48];
			const char *row[6];
			date_format(h.items[i].on, day);
			ratio_format(h.items[i].probability_bp, bp);
			money_format_grouped(h.items[i].amount_minor, amt);
			row[0] = day;
			row[1] = h.items[i].from[0] ? h.items[i].from : "-";
			row[2] = h.items[i].to;
			row[3] = bp;
			row[4] = amt;
			row[5] = h.items[i].by;
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	deal_history_release(&h);
	return 0;
}

/* "CODE:PROBABILITY%:KIND[:NAME]" into g. */
static int parse_stage(const char *s, struct deal_stage *g, struct err *err)
{
	char buf[200], *part[4] = { 0 }, *p = buf;
	int n = 0;
	int64_t bp;

	snprintf(buf, sizeof(buf), "%s", s);
	while (n < 4 && p) {
		part[n++] = p;
		p = n < 4 ? strchr(p, ':') : NULL;
		if (p)
			*p++ = '\0';
	}
	if (n < 3)
		return err_set(err, ERR_USAGE, "stages", "bad_stage:value",
			       "--stage \"%s\" is not CODE:PERCENT:KIND[:NAME]", s);
	snprintf(g->code, sizeof(g->code), "%s", part[0]);
	if (cli_int(part[1], "stage", &bp, err))
		return -1;
	if (bp < 0 || bp > 100)
		return err_set(err, ERR_INVALID, "stages", "out_of_range:_,min,max",
			       "%s must be from %d to %d", "probability", 0, 100);
	g->probability_bp = bp * 100;
	snprintf(g->kind, sizeof(g->kind), "%s", part[2]);
	snprintf(g->name, sizeof(g->name), "%s", n > 3 ? part[3] : "");
	return 0;
}

static int cmd_deal_stages(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "stage", 0, OPT_MULTI }, { "stale-days", 0, OPT_VALUE }, { NULL, 0, 0 },
	};
	struct deal_pipeline p, in;
	struct cli_opt *so;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    deal_pipeline_get(c->st, &c->actor, pos[0], &p, err))
		return -1;
	so = cli_optp(opts, "stage");
	if (so->nvalues || cli_opt(opts, "stale-days")) {
		in = p;
		if (so->nvalues) {
			in.n = so->nvalues > DEAL_MAX_STAGES ? DEAL_MAX_STAGES : so->nvalues;
			for (int i = 0; i < in.n; i++)
				if (parse_stage(so->values[i], &in.stages[i], err))
					return -1;
		}
		if (cli_opt(opts, "stale-days") &&
		    cli_int(cli_opt(opts, "stale-days"), "stale-days", &in.stale_days, err))
			return -1;
		if (deal_pipeline_put(c->st, &c->actor, pos[0], &in, DEAL_ANY_VERSION, &p, err))
			return -1;
	}
	if (c->json) {
		CLI_PRINT_ONE(&p, deal_pipeline_write_json);
	} else {
		static const char *const head[] = { "stage", "name", "probability", "kind" };
		static const int right[] = { 0, 0, 1, 0 };
		struct cli_table t;
		cli_table_init(&t, 4, head, right);
		for (int i = 0; i < p.n; i++) {
			char bp[16];
			const char *row[4];
			ratio_format(p.stages[i].probability_bp, bp);
			row[0] = p.stages[i].code;
			row[1] = p.stages[i].name;
			row[2] = bp;
			row[3] = p.stages[i].kind;
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
		printf("stale after %lld days without a stage change%s\n", (long long)p.stale_days,
		       p.custom ? "" : " (the standard stages)");
	}
	return 0;
}

/* A rate as "40.0%", or "-" when there is none. */
static void rate_cell(double v, char *out, size_t len)
{
	if (isnan(v))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1f%%", v * 100.0);
}

static void days_cell(double v, char *out, size_t len)
{
	if (isnan(v))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1f", v);
}

/* An average deal size, or "-" when nothing was won. */
static void avg_cell(int64_t v, char *out)
{
	if (v == NO_VALUE)
		snprintf(out, 48, "-");
	else
		money_format_grouped(v, out);
}

/* One group's funnel: each stage with the deals that reached it, conversion and days. */
static void print_funnel(const struct pipe_stats *s)
{
	static const char *const head[] = { "stage", "reached", "to next", "median days",
					    "win probability" };
	static const int right[] = { 0, 1, 1, 1, 1 };
	struct cli_table t;
	char amt[48], w[48], wr[16], avg[48], dw[16];

	cli_table_init(&t, 5, head, right);
	for (int i = 0; i < s->nstages; i++) {
		const struct funnel_stage *f = &s->stages[i];
		char n[24], conv[16], md[16], wp[16];
		snprintf(n, sizeof(n), "%lld", (long long)f->reached);
		rate_cell(f->conversion, conv, sizeof(conv));
		days_cell(f->median_days, md, sizeof(md));
		rate_cell(strcmp(f->kind, "open") ? NAN : f->win_p, wp, sizeof(wp));
		cli_table_row(&t, (const char *const[]){ f->code, n, conv, md, wp });
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	money_format_grouped(s->open_amount, amt);
	money_format_grouped(s->weighted, w);
	rate_cell(s->win_rate, wr, sizeof(wr));
	avg_cell(s->avg_deal_size, avg);
	days_cell(s->median_days_to_win, dw, sizeof(dw));
	printf("open %lld deals, %s (weighted %s); won %lld, lost %lld: win rate %s, average deal "
	       "%s, median %s days to win\n",
	       (long long)s->open, amt, w, (long long)s->won, (long long)s->lost, wr, avg, dw);
}

/* The groups (owners or channels), one row each. */
static void print_groups(const struct pipe_stats *g, size_t n, const char *what)
{
	const char *head[] = { what, "open", "weighted", "won", "lost", "win rate", "avg deal",
			       "days to win" };
	static const int right[] = { 0, 1, 1, 1, 1, 1, 1, 1 };
	struct cli_table t;

	cli_table_init(&t, 8, head, right);
	for (size_t i = 0; i < n; i++) {
		char open[24], w[48], won[24], lost[24], wr[16], avg[48], dw[16];
		snprintf(open, sizeof(open), "%lld", (long long)g[i].open);
		money_format_grouped(g[i].weighted, w);
		snprintf(won, sizeof(won), "%lld", (long long)g[i].won);
		snprintf(lost, sizeof(lost), "%lld", (long long)g[i].lost);
		rate_cell(g[i].win_rate, wr, sizeof(wr));
		avg_cell(g[i].avg_deal_size, avg);
		days_cell(g[i].median_days_to_win, dw, sizeof(dw));
		cli_table_row(&t, (const char *const[]){ g[i].key[0] ? g[i].key : "-", open, w, won,
							  lost, wr, avg, dw });
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

/* Each goal's projection, probability and coverage. */
static void print_goal_forecasts(const struct pipeline_forecast *f)
{
	static const char *const head[] = { "goal", "metric", "target", "projection", "band",
					    "probability", "coverage" };
	static const int right[] = { 0, 0, 1, 1, 1, 1, 1 };
	struct cli_table t;

	cli_table_init(&t, 7, head, right);
	for (size_t i = 0; i < f->board.goals.n; i++) {
		const struct goal *g = &f->board.goals.items[i];
		const struct goal_projection *pr = &f->board.progress[i].projection;
		const struct goal_forecast *gf = &f->goals[i];
		enum unit u = metric_unit(g->metric);
		char target[64], proj[64], band[140], prob[24], cov[24];
		goal_value_format(u, g->target, target, sizeof(target));
		goal_projection_format(u, pr, proj, sizeof(proj), band, sizeof(band));
		if (isnan(gf->probability))
			snprintf(prob, sizeof(prob), "- (%s)", gf->reason ? gf->reason : "");
		else
			rate_cell(gf->probability, prob, sizeof(prob));
		if (isnan(gf->coverage))
			snprintf(cov, sizeof(cov), "-");
		else if (gf->coverage > 0 && gf->coverage < 0.01)
			snprintf(cov, sizeof(cov), "<0.01x");
		else
			snprintf(cov, sizeof(cov), "%.2fx", gf->coverage);
		cli_table_row(&t, (const char *const[]){ g->name,
							  g->metric == METRIC_NONE ? "-" : metric_str(g->metric),
							  target, proj, band, prob, cov });
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
}

static int cmd_deal_funnel(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "by", 0, OPT_VALUE }, { "as-of", 0, OPT_VALUE }, { "seed", 0, OPT_VALUE },
		{ NULL, 0, 0 },
	};
	struct pipeline_forecast f;
	const char *pos[1], *by;
	int32_t as_of = date_today();
	int64_t seed = 1;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	by = cli_opt(opts, "by");
	if (by && strcmp(by, "owner") && strcmp(by, "channel"))
		return err_set(err, ERR_USAGE, "by", "bad_choice:value,allowed",
			       "--by \"%.40s\" is not owner or channel", by);
	if (cli_opt(opts, "as-of") && cli_date(cli_opt(opts, "as-of"), "as-of", &as_of, err)) {
		err_prefix(err, "--as-of");
		return -1;
	}
	if (cli_opt(opts, "seed") && cli_int(cli_opt(opts, "seed"), "seed", &seed, err)) {
		err_prefix(err, "--seed");
		return -1;
	}
	if (seed < 0 || seed > 999999999)
		return err_set(err, ERR_INVALID, "seed", "out_of_range:_,min,max",
			       "%s must be from %d to %d", "--seed", 0, 999999999);
	if (pipeline_forecast_build(c->st, &c->actor, pos[0], as_of, (uint64_t)seed, &f, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&f, pipeline_forecast_write_json);
	} else if (by) {
		if (!strcmp(by, "owner"))
			print_groups(f.by_owner, f.nowner, "owner");
		else
			print_groups(f.by_channel, f.nchannel, "channel");
	} else {
		print_funnel(&f.all);
		printf("\n");
		print_goal_forecasts(&f);
		printf("probability: %d runs (seed %lld) over the open deals and the run rate; "
		       "see `salespm help deal funnel`\n",
		       f.runs, (long long)seed);
	}
	pipeline_forecast_release(&f);
	return 0;
}

const struct cli_command cli_deal_cmds[] = {
	{ "deal", "move", cmd_deal_move, CLI_NEEDS_STORE,
	  "move a deal to another stage (won: its lines become sales; out of won: they go)",
	  "deal move PROJECT ID STAGE [--reason TEXT] [--won-on DATE] [--version N]",
	  "--reason TEXT   why it was lost (required into the lost stage)\n"
	  "--won-on DATE   into the won stage: the day it was won (default today)\n"
	  "--version N     the deal's version as you read it (default: as it is now)",
	  "salespm deal move FY 12 proposal\n"
	  "  salespm deal move FY 12 lost --reason \"价格高于竞品\"" },
	{ "deal", "lines", cmd_deal_lines, CLI_NEEDS_STORE,
	  "replace a deal's product lines (its amount becomes their sum)",
	  "deal lines PROJECT ID --line SKU:QTY[:PRICE[:DISCOUNT]]... | --clear [--version N]",
	  "--line SKU:QTY[:PRICE[:DISCOUNT]]  a product line (up to 16); without a price, the\n"
	  "                                   product's list price in force today\n"
	  "--clear                            remove every line\n"
	  "--version N                        the deal's version (default: as it is now)",
	  "salespm deal lines FY 12 --line MED-100:20 --line MED-200:5:880.00:200.00" },
	{ "deal", "history", cmd_deal_history, CLI_NEEDS_STORE,
	  "a deal's stage changes, oldest first", "deal history PROJECT ID", "",
	  "salespm deal history FY 12" },
	{ "deal", "stages", cmd_deal_stages, CLI_NEEDS_STORE,
	  "show a project's pipeline stages, or replace them (managers)",
	  "deal stages PROJECT [--stage CODE:PERCENT:KIND[:NAME]]... [--stale-days N]",
	  "--stage CODE:PERCENT:KIND[:NAME]  a stage in order: its default probability and\n"
	  "                                  its kind (open, won or lost); exactly one won\n"
	  "                                  and one lost stage\n"
	  "--stale-days N                    an open deal is stale after N days (1-365)\n"
	  "                                  without a stage change",
	  "salespm deal stages FY --stage lead:10:open --stage demo:40:open:演示 "
	  "--stage won:100:won --stage lost:0:lost" },
	{ "deal", "funnel", cmd_deal_funnel, CLI_NEEDS_STORE,
	  "the funnel (conversion, median days per stage), win rate, average deal size, and "
	  "each goal's projection, probability of reaching its target and pipeline coverage",
	  "deal funnel PROJECT [--by owner|channel] [--as-of DATE] [--seed N]",
	  "--by owner|channel  the figures per deal owner or per channel\n"
	  "--as-of DATE        judge as of this day (default today)\n"
	  "--seed N            the simulation's seed (default 1): the same data and seed give\n"
	  "                    the same probabilities\n"
	  "The funnel counts the deals whose stage history reached each stage or a later one;\n"
	  "a probability is the share of 10,000 simulated runs in which the goal is reached:\n"
	  "each open deal is won with its stage's learned chance, closes after its expected\n"
	  "date plus a slip drawn from the project's won deals, and the weeks left bring sales\n"
	  "drawn from the last 12 weeks of sales not through deals (docs/guide.md, Forecast).",
	  "salespm deal funnel FY\n  salespm deal funnel FY --by owner --json" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
