/*
 * engagement.c - `salespm feedback summary` (NPS and the average rating of a
 * project, per member and per product) and `salespm customer timeline` (a
 * customer's sales, activities and feedback, newest first). Activities and
 * feedback records themselves are the entity engine's commands.
 */
#include <stdio.h>
#include <string.h>

#include "analytics/timeline.h"
#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/feedback.h"
#include "core/goal.h"
#include "base/banned.h"

/* v hundredths as "12.34" ("-" for none). */
static const char *hundredths(int64_t v, char *out, size_t size)
{
	if (v == NO_VALUE)
		snprintf(out, size, "-");
	else
		feedback_hundredths_format(v, out, size);
	return out;
}

static void summary_row(struct cli_table *t, const char *who, const struct feedback_group *g)
{
	char cells[7][32];
	const char *row[8];

	snprintf(cells[0], sizeof(cells[0]), "%lld", (long long)g->count);
	snprintf(cells[1], sizeof(cells[1]), "%lld", (long long)g->ratings);
	hundredths(feedback_rating_hundredths(g->rating_sum, g->ratings), cells[2], sizeof(cells[2]));
	snprintf(cells[3], sizeof(cells[3]), "%lld", (long long)g->responses);
	snprintf(cells[4], sizeof(cells[4]), "%lld/%lld/%lld", (long long)g->promoters,
		 (long long)g->passives, (long long)g->detractors);
	hundredths(feedback_nps_bp(g->promoters, g->detractors, g->responses), cells[5],
		   sizeof(cells[5]));
	row[0] = who;
	for (int k = 0; k < 6; k++)
		row[1 + k] = cells[k];
	cli_table_row(t, row);
}


static int cmd_feedback_summary(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "from", 0, OPT_VALUE }, { "to", 0, OPT_VALUE }, { NULL, 0, 0 } };
	static const char *const head[] = { "", "FEEDBACK", "RATINGS", "AVG RATING", "NPS ANSWERS",
					    "PRO/PAS/DET", "NPS" };
	static const int right[] = { 0, 1, 1, 1, 1, 1, 1 };
	struct feedback_summary s;
	const struct feedback_groups *groups[2];
	const char *pos[1], *title[2] = { "by member who served", "by product (of the sale named)" };
	int32_t from = NO_DATE, to = NO_DATE;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    (cli_opt(opts, "from") && cli_date(cli_opt(opts, "from"), "from", &from, err)) ||
	    (cli_opt(opts, "to") && cli_date(cli_opt(opts, "to"), "to", &to, err)) ||
	    feedback_summary(c->st, &c->actor, pos[0], from, to, &s, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&s, feedback_summary_write_json);
		feedback_summary_release(&s);
		return 0;
	}
	groups[0] = &s.members;
	groups[1] = &s.products;
	{
		struct cli_table t;
		cli_table_init(&t, 7, head, right);
		summary_row(&t, pos[0], &s.total);
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	for (int k = 0; k < 2; k++) {
		struct cli_table t;
		printf("\n%s\n", title[k]);
		cli_table_init(&t, 7, head, right);
		for (size_t i = 0; i < groups[k]->n; i++) {
			const struct feedback_group *g = &groups[k]->items[i];
			summary_row(&t, g->id == NO_ID ? "(none)" : g->key, g);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	feedback_summary_release(&s);
	return 0;
}

static int cmd_customer_timeline(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "kind", 0, OPT_VALUE }, { "limit", 0, OPT_VALUE },
				  { "offset", 0, OPT_VALUE }, { NULL, 0, 0 } };
	static const char *const head[] = { "DATE", "TIME", "KIND", "PROJECT", "ID", "WHAT",
					    "DETAIL", "AMOUNT", "STATE" };
	static const int right[] = { 0, 0, 0, 0, 1, 0, 0, 1, 0 };
	struct timeline t;
	const char *pos[1];
	int64_t id, limit = 50, offset = 0;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    cli_int(pos[0], "ID", &id, err) ||
	    (cli_opt(opts, "limit") && cli_int(cli_opt(opts, "limit"), "limit", &limit, err)) ||
	    (cli_opt(opts, "offset") && cli_int(cli_opt(opts, "offset"), "offset", &offset, err)))
		return -1;
	if (limit < 1 || limit > 100000)
		return err_set(err, ERR_USAGE, "limit", "limit_range:max,value",
			       "--limit must be between 1 and 100000, not %lld", (long long)limit);
	if (offset < 0)
		return err_set(err, ERR_USAGE, "offset", "negative", "--offset cannot be negative");
	if (timeline_read(c->st, &c->actor, id, cli_opt(opts, "kind"), limit, offset, &t, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&t, timeline_write_json);
	} else if (!t.n) {
		printf("nothing on customer %lld's timeline in the projects you may see\n",
		       (long long)id);
	} else {
		struct cli_table tab;
		cli_table_init(&tab, 9, head, right);
		for (size_t i = 0; i < t.n; i++) {
			const struct timeline_item *it = &t.items[i];
			char d[DATE_FMT_MAX], n[24], m[MONEY_FMT_MAX];
			const char *row[9];
			snprintf(n, sizeof(n), "%lld", (long long)it->id);
			row[0] = date_format(it->date, d);
			row[1] = it->time;
			row[2] = it->kind;
			row[3] = it->project;
			row[4] = n;
			row[5] = it->title;
			row[6] = it->detail;
			row[7] = it->amount_minor == NO_ID ? "" : money_format_grouped(it->amount_minor, m);
			row[8] = it->state;
			cli_table_row(&tab, row);
		}
		cli_table_print(&tab, stdout);
		cli_table_release(&tab);
		if ((int64_t)t.n + offset < t.total)
			printf("(%zu of %lld shown; --limit N, --offset N for more)\n", t.n,
			       (long long)t.total);
	}
	timeline_release(&t);
	return 0;
}

const struct cli_command cli_engagement_cmds[] = {
	{ "feedback", "summary", cmd_feedback_summary, CLI_NEEDS_STORE,
	  "a project's NPS and average rating, per member who served and per product",
	  "feedback summary PROJECT [--from D] [--to D]",
	  "  --from D, --to D     only the feedback given in these days (both inclusive)\n"
	  "NPS = % promoters (9-10) - % detractors (0-6) of the answers with an NPS score;\n"
	  "it and the average rating are computed from the counts and rounded once, half\n"
	  "away from zero, to two decimals. A product is that of the sale the feedback names.",
	  "salespm feedback summary FY --from 2027-01-01" },
	{ "customer", "timeline", cmd_customer_timeline, CLI_NEEDS_STORE,
	  "a customer's history, newest first: sales, deals, activities, feedback, problems, collections",
	  "customer timeline ID [--kind sale,activity,feedback] [--limit N] [--offset N]",
	  "  --kind K[,K]         only these kinds (sale, activity, feedback, deal,\n"
	  "                       problem, collection)\n"
	  "  --limit N            entries shown (default 50)",
	  "salespm customer timeline 12 --kind activity,feedback" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
