/*
 * adjust.c - adjustments (step 6) on the command line (core/adjust.h,
 * analytics/effect.h): `adjust PROJECT --kind K --record R --set F=V...
 * --reason T` makes one, `adjust list PROJECT` shows the timeline, and
 * `adjust effect PROJECT ID` its effect before against after.
 */
#include <stdio.h>
#include <string.h>

#include "analytics/effect.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jw.h"
#include "cli/cli.h"
#include "core/adjust.h"
#include "base/banned.h"

/* --set field=value, each into in (the text borrowed from argv; '=' ends the name). */
static int take_sets(struct cli_opt *set, struct adjust_input *in, char names[][48],
		     struct err *err)
{
	for (int i = 0; i < set->nvalues; i++) {
		const char *eq = strchr(set->values[i], '=');
		size_t n = eq ? (size_t)(eq - set->values[i]) : 0;
		if (!eq || n == 0 || n >= 48)
			return err_set(err, ERR_USAGE, "set", "usage",
				       "--set takes FIELD=VALUE, not \"%s\"", set->values[i]);
		if (in->nchanges >= ADJUST_MAX_CHANGES)
			return err_set(err, ERR_USAGE, "set", "usage",
				       "an adjustment changes at most %d fields",
				       ADJUST_MAX_CHANGES);
		memcpy(names[in->nchanges], set->values[i], n);
		names[in->nchanges][n] = '\0';
		in->changes[in->nchanges].field = names[in->nchanges];
		in->changes[in->nchanges++].value = eq + 1;
	}
	return 0;
}

static void print_one(const struct adjustment *x)
{
	struct buf b = BUF_INIT;
	char day[16];

	adjust_changes_text(x, &b);
	printf("adjustment %lld: %s %s, %s (from %s)\nreason: %s\n", (long long)x->id,
	       adjust_kind_str(x->kind), x->record, buf_cstr(&b),
	       date_format(x->effective_on, day), x->reason);
	buf_release(&b);
}

static int cmd_adjust(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "kind", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { "record", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { "set", 0, OPT_MULTI, 0, 0, { 0 }, 0 },
				  { "reason", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { "version", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { NULL, 0, 0, 0, 0, { 0 }, 0 } };
	struct adjust_input in = { 0 };
	struct adjustment out;
	char names[ADJUST_MAX_CHANGES][48];
	const char *pos[1], *v;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	if (!cli_opt(opts, "kind") || !cli_opt(opts, "record") || !cli_optp(opts, "set")->set)
		return err_set(err, ERR_USAGE, NULL, "usage",
			       "adjust needs --kind, --record and at least one --set FIELD=VALUE");
	if (adjust_kind_parse(cli_opt(opts, "kind"), &in.kind, err) ||
	    take_sets(cli_optp(opts, "set"), &in, names, err))
		return -1;
	in.record = cli_opt(opts, "record");
	in.reason = cli_opt(opts, "reason");
	in.version = ADJUST_ANY_VERSION;
	if ((v = cli_opt(opts, "version")) && cli_int(v, "--version", &in.version, err))
		return -1;
	if (adjust_apply(c->st, &c->actor, pos[0], &in, &out, err))
		return -1;
	if (c->json)
		CLI_PRINT_ONE(&out, adjustment_write_json);
	else
		print_one(&out);
	adjustment_release(&out);
	return 0;
}

static int cmd_adjust_list(struct cli *c, int argc, char **argv, struct err *err)
{
	static const char *const head[] = { "id", "effective", "kind", "record", "changes",
					    "reason", "by" };
	static const int right[] = { 1, 0, 0, 0, 0, 0, 0 };
	struct cli_opt opts[] = { { "kind", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { "record", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { "from", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { "to", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { NULL, 0, 0, 0, 0, { 0 }, 0 } };
	struct adjust_query q = { .from_on = NO_DATE, .to_on = NO_DATE };
	struct adjustment_list l = { 0 };
	struct cli_table t;
	const char *pos[1], *v;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	if ((v = cli_opt(opts, "kind"))) {
		if (adjust_kind_parse(v, &q.kind, err))
			return -1;
		q.has_kind = 1;
	}
	q.record = cli_opt(opts, "record");
	if (((v = cli_opt(opts, "from")) && cli_date(v, "--from", &q.from_on, err)) ||
	    ((v = cli_opt(opts, "to")) && cli_date(v, "--to", &q.to_on, err)) ||
	    adjust_list(c->st, &c->actor, pos[0], &q, &l, err))
		return -1;
	if (c->json) {
		CLI_PRINT_LIST("adjustments", l.items, l.n, adjustment_write_json);
		adjustment_list_release(&l);
		return 0;
	}
	cli_table_init(&t, 7, head, right);
	for (size_t i = 0; i < l.n; i++) {
		const struct adjustment *x = &l.items[i];
		struct buf ch = BUF_INIT;
		char id[24], day[16];
		const char *row[7];
		snprintf(id, sizeof(id), "%lld", (long long)x->id);
		adjust_changes_text(x, &ch);
		row[0] = id;
		row[1] = date_format(x->effective_on, day);
		row[2] = adjust_kind_str(x->kind);
		row[3] = x->record;
		row[4] = buf_cstr(&ch);
		row[5] = x->reason;
		row[6] = x->actor;
		cli_table_row(&t, row);
		buf_release(&ch);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	adjustment_list_release(&l);
	return 0;
}

/* The verdict in words, with the figures it rests on. */
static void print_effect(const struct effect *e)
{
	const struct effect_stats *s = &e->stats;
	int money = e->metric != ADJ_UNITS;
	double k = money ? 100.0 : 1.0; /* money is kept in minor units */
	char a[16];

	printf("adjustment %lld (%s %s) from %s: daily %s, %d days before against %d after\n",
	       (long long)e->adj.id, adjust_kind_str(e->adj.kind), e->adj.record,
	       date_format(e->adj.effective_on, a), adjust_metric_str(e->metric), s->n_before,
	       s->n_after);
	printf("before: %.2f a day\nafter:  %.2f a day\nchange: %+.2f a day", s->mean_before / k,
	       s->mean_after / k, s->diff / k);
	if (s->n_before && s->n_after)
		printf(" (95%% interval %+.2f to %+.2f)", s->ci_low / k, s->ci_high / k);
	printf("\n");
	switch (s->verdict) {
	case EFFECT_UP:
		printf("verdict: %s went up after the change\n", adjust_metric_str(e->metric));
		break;
	case EFFECT_DOWN:
		printf("verdict: %s went down after the change\n", adjust_metric_str(e->metric));
		break;
	case EFFECT_UNCLEAR:
		printf("verdict: no clear change (the interval holds zero)\n");
		break;
	default:
		printf("verdict: too few days to tell (%d a side, at least %d needed)\n", e->days,
		       EFFECT_MIN_DAYS);
	}
}

static int cmd_adjust_effect(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "metric", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { "window", 0, OPT_VALUE, 0, 0, { 0 }, 0 },
				  { NULL, 0, 0, 0, 0, { 0 }, 0 } };
	enum adjust_metric m = ADJ_REVENUE;
	int64_t id, window = EFFECT_WINDOW_DEFAULT;
	struct effect e;
	const char *pos[2], *v;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    cli_int(pos[1], "ID", &id, err) ||
	    ((v = cli_opt(opts, "metric")) && adjust_metric_parse(v, &m, err)) ||
	    ((v = cli_opt(opts, "window")) && cli_int(v, "--window", &window, err)))
		return -1;
	if (window < 1 || window > EFFECT_WINDOW_MAX)
		return err_set(err, ERR_INVALID, "window", "out_of_range:_,min,max",
			       "%s must be from %d to %d days", "--window", 1, EFFECT_WINDOW_MAX);
	if (effect_of(c->st, &c->actor, pos[0], id, cli_opt(opts, "metric") != NULL, m,
		      (int)window, &e, err))
		return -1;
	if (c->json)
		CLI_PRINT_ONE(&e, effect_write_json);
	else
		print_effect(&e);
	effect_release(&e);
	return 0;
}

const struct cli_command cli_adjust_cmds[] = {
	{ "adjust", "list", cmd_adjust_list, CLI_NEEDS_STORE,
	  "the project's adjustments, newest first",
	  "adjust list PROJECT [--kind K] [--record R] [--from D] [--to D]",
	  "--kind     goal, channel, price, promotion, channel_plan, plan or quota\n"
	  "--record   one record's adjustments (its id, code or SKU)\n"
	  "--from/--to  the days they took effect",
	  "salespm adjust list FY --kind price" },
	{ "adjust", "effect", cmd_adjust_effect, CLI_NEEDS_STORE,
	  "an adjustment's effect: its metric a day before against after, with a 95% interval",
	  "adjust effect PROJECT ID [--metric revenue|units|margin] [--window DAYS]",
	  "--metric   what to compare (default: the adjustment's own: a price its product's\n"
	  "           units, a channel its revenue, a goal its metric in its scope)\n"
	  "--window   days on each side (default 28; fewer when fewer have passed)\n"
	  "The interval is a bootstrap over days (2000 resamples, seeded: the same data\n"
	  "gives the same interval). Fewer than 7 days a side is too thin to tell.",
	  "salespm adjust effect FY 3" },
	{ "adjust", NULL, cmd_adjust, CLI_NEEDS_STORE,
	  "change a goal, channel, price, promotion, channel plan, plan task or quota split, with a "
	  "reason",
	  "adjust PROJECT --kind K --record R --set FIELD=VALUE... --reason TEXT [--version N]",
	  "--kind     goal (target, start, due, scope_segment, scope_channel, scope_product,\n"
	  "           scope_rep), channel (active, cost_rate), price (price, cost, effective),\n"
	  "           promotion (start, end, value, budget, products, channels, segments),\n"
	  "           channel_plan (share, budget), plan (a task: start, due, assignee),\n"
	  "           quota (a goal's split: --set LOGIN=TARGET for each member whose quota\n"
	  "           moves; the others keep theirs and the split still sums to the target)\n"
	  "--record   a goal's, channel plan's or task's id; a channel's or promotion's code;\n"
	  "           a product's SKU; for quota, the goal's id\n"
	  "--set      FIELD=VALUE as you would type it (money 1300.00, percent 12.5, a date\n"
	  "           2027-03-31, yes/no); FIELD= clears it; repeat for more fields\n"
	  "--reason   why (required): kept with the change in the project's timeline\n"
	  "--version  the record's version you saw (for quota: the split's; default: as it is "
	  "now)",
	  "salespm adjust FY --kind price --record W100 --set price=169.00 "
	  "--set effective=2027-02-01 --reason \"match the competitor\"" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
