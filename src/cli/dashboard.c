/*
 * dashboard.c - `salespm dashboard PROJECT`: the project's monitoring view in
 * the terminal (or as JSON): totals, goals with progress against time and
 * their SMART lint, breakdowns and revenue by week.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analytics/dashboard.h"
#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "base/banned.h"

static void bar(char *out, size_t len, double frac, int width)
{
	int fill = (int)lround((frac < 0 ? 0 : frac > 1 ? 1 : frac) * width);
	size_t n = 0;
	for (int i = 0; i < width && n + 4 < len; i++) {
		const char *c = i < fill ? "█" : "░";
		memcpy(out + n, c, strlen(c));
		n += strlen(c);
	}
	out[n] = '\0';
}

/* A ratio already rounded to basis points (progress, elapsed) as "12.3%", or "-". */
static void pct(char *out, size_t len, double v)
{
	char r[RATIO_FMT_MAX];
	if (isnan(v))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%s", ratio_format(llround(v * 10000.0), r));
}

/* num / den by the one ratio rule (money.h) as "12.3%", or "-" without a denominator. */
static void ratio(char *out, size_t len, int64_t num, int64_t den)
{
	char r[RATIO_FMT_MAX];
	int64_t bp;
	if (den <= 0 || ratio_bp(num, den, &bp))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%s", ratio_format(bp, r));
}

static void breakdown(const struct dash_breakdown *b, const struct sale_sums *total,
		      const char *title, size_t top)
{
	static const char *const head[] = { "", "NAME", "REVENUE", "SHARE", "MARGIN", "UNITS" };
	static const int right[] = { 0, 0, 1, 1, 1, 1 };
	struct cli_table t;
	if (b->n == 0)
		return;
	printf("\n%s\n", title);
	cli_table_init(&t, 6, head, right);
	for (size_t i = 0; i < b->n && i < top; i++) {
		const struct dash_row *r = &b->rows[i];
		char m[MONEY_FMT_MAX], sh[16], mg[16], u[24];
		const char *row[6];
		ratio(sh, sizeof(sh), r->s.amount, total->amount);
		ratio(mg, sizeof(mg), r->s.amount - r->s.cost, r->s.amount);
		snprintf(u, sizeof(u), "%lld", (long long)r->s.quantity);
		row[0] = r->code;
		row[1] = r->name;
		row[2] = money_format_grouped(r->s.amount, m);
		row[3] = sh;
		row[4] = mg;
		row[5] = u;
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	if (b->n > top)
		printf("  ... %zu more\n", b->n - top);
}

static void print_text(struct cli *c, const struct dashboard *d)
{
	const struct project *p = &d->project;
	char d1[DATE_FMT_MAX], d2[DATE_FMT_MAX], d3[DATE_FMT_MAX], m[MONEY_FMT_MAX], b[128],
		e[16], mg[16];
	int64_t max_week = 0;
	size_t first_week = 0, last_week = 0;

	bar(b, sizeof(b), d->elapsed, 30);
	pct(e, sizeof(e), d->elapsed);
	printf("%s  %s  [%s]\n", p->code, p->name, p->status);
	printf("%s .. %s   as of %s   %s %s of the project elapsed\n", date_format(p->start_on, d1),
	       date_format(p->end_on, d2), date_format(d->today, d3), b, e);
	if (p->objective[0])
		printf("objective: %s\n", p->objective);
	ratio(mg, sizeof(mg), d->total.amount - d->total.cost, d->total.amount);
	printf("\nrevenue %s %s   gross margin %s   units %lld   sale lines %lld\n",
	       money_format_grouped(d->total.amount, m), c->ws.currency, mg,
	       (long long)d->total.quantity, (long long)d->total.lines);

	printf("\nGOALS\n");
	if (d->goals.goals.n == 0)
		printf("  no goals yet: `salespm goal add %s ...`\n", p->code);
	for (size_t i = 0; i < d->goals.goals.n; i++) {
		const struct goal *g = &d->goals.goals.items[i];
		const struct goal_progress *gp = &d->goals.progress[i];
		enum unit u = metric_unit(g->metric);
		char t[64], a[64], pr[16], el[16], pb[128], sc[320] = "";
		static const char letters[] = "SMART";
		goal_value_format(u, g->target, t, sizeof(t));
		goal_value_format(u, gp->actual, a, sizeof(a));
		pct(pr, sizeof(pr), gp->progress);
		pct(el, sizeof(el), gp->elapsed);
		bar(pb, sizeof(pb), isnan(gp->progress) ? 0 : gp->progress, 20);
		{
			const char *keys[] = { "segment", "channel", "product", "rep" };
			const char *vals[] = { g->scope.segment, g->scope.channel, g->scope.product,
					       g->scope.rep };
			size_t n = 0;
			for (int k = 0; k < 4; k++)
				if (vals[k][0] && n < sizeof(sc))
					n += (size_t)snprintf(sc + n, sizeof(sc) - n, "%s%s=%s",
							      n ? " " : " [", keys[k], vals[k]);
			if (n && n < sizeof(sc) - 1)
				snprintf(sc + n, sizeof(sc) - n, "]");
		}
		printf("  #%lld %s%s%s%s\n", (long long)g->id, metric_str(g->metric), sc,
		       g->name[0] ? " - " : "", g->name);
		printf("     %s %s of %s (%s; %s of time elapsed)  %s\n", pb, a, t, pr, el,
		       goal_status_str(gp->status));
		printf("     SMART ");
		for (int k = 0; k < SMART__COUNT; k++)
			printf("%c%s ", letters[k], gp->smart[k].ok ? "✓" : "✗");
		printf("\n");
		for (int k = 0; k < SMART__COUNT; k++)
			if (!gp->smart[k].ok)
				printf("       %c: %s\n", letters[k], gp->smart[k].message);
	}
	breakdown(&d->by[DASH_CHANNEL], &d->total, "BY CHANNEL", 10);
	breakdown(&d->by[DASH_SEGMENT], &d->total, "BY SEGMENT", 10);
	breakdown(&d->by[DASH_PRODUCT], &d->total, "TOP PRODUCTS", 10);
	breakdown(&d->by[DASH_REP], &d->total, "BY REP", 10);

	/* the last 12 weeks up to today */
	for (size_t i = 0; i < d->nweeks; i++)
		if (d->weeks[i].monday <= d->today)
			last_week = i;
	first_week = last_week >= 11 ? last_week - 11 : 0;
	for (size_t i = first_week; i <= last_week && i < d->nweeks; i++)
		if (d->weeks[i].s.amount > max_week)
			max_week = d->weeks[i].s.amount;
	if (d->nweeks && max_week > 0) {
		printf("\nREVENUE BY WEEK\n");
		for (size_t i = first_week; i <= last_week && i < d->nweeks; i++) {
			bar(b, sizeof(b), (double)d->weeks[i].s.amount / (double)max_week, 30);
			printf("  %s  %s %16s\n", date_format(d->weeks[i].monday, d1), b,
			       money_format_grouped(d->weeks[i].s.amount, m));
		}
	}
}

static int cmd_dashboard(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "as-of", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct dashboard d;
	const char *pos[1];
	int32_t today = date_today();
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	if (cli_opt(opts, "as-of") && cli_date(cli_opt(opts, "as-of"), "as-of", &today, err))
		return -1;
	if (dashboard_build(c->st, &c->actor, pos[0], today, &d, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		dashboard_write_json(&w, &d);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		print_text(c, &d);
	}
	dashboard_release(&d);
	return 0;
}

const struct cli_command cli_dashboard_cmds[] = {
	{ "dashboard", NULL, cmd_dashboard, CLI_NEEDS_STORE,
	  "a project's dashboard: goals, progress, breakdowns, weekly revenue",
	  "dashboard PROJECT [--as-of DATE]",
	  "  --as-of DATE         judge progress as of this day (default today)",
	  "salespm dashboard Q1-2027" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
