/*
 * dashboard.c - `salespm dashboard PROJECT`: the project's monitoring view in
 * the terminal (or as JSON): totals, goals with progress against time, their
 * projection, chance and coverage (analytics/forecast.h) and SMART lint,
 * breakdowns, revenue by week, and the monitoring panels (analytics/monitor.h:
 * activity, problems, collections, tasks); `--watch` draws it again whenever
 * the data moves, or every few seconds, until interrupted.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analytics/alert.h"
#include "analytics/dashboard.h"
#include "analytics/forecast.h"
#include "analytics/monitor.h"
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

/* The forecast of goal id (NULL when the forecast has none). */
static const struct goal_forecast *forecast_of(const struct pipeline_forecast *f, int64_t id)
{
	for (size_t i = 0; f && i < f->board.goals.n; i++)
		if (f->board.goals.items[i].id == id)
			return &f->goals[i];
	return NULL;
}

/* "     projection 1,234.00 (80%: 1,000.00 - 1,500.00)   chance 62.3%   coverage 1.40x" */
static void print_forecast(enum unit u, const struct goal_progress *gp,
			   const struct goal_forecast *gf)
{
	char v[64], band[160], pr[16], cv[32];

	goal_projection_format(u, &gp->projection, v, sizeof(v), band, sizeof(band));
	if (gp->projection.ok)
		printf("     projection %s (%d%%: %s)", v, FORECAST_BAND_PCT, band);
	else
		printf("     projection %s %s", v, band);
	if (gf && !isnan(gf->probability)) {
		pct(pr, sizeof(pr), round(gf->probability * 10000.0) / 10000.0);
		printf("   chance %s", pr);
	} else if (gf && gf->reason) {
		printf("   chance - (%s)", gf->reason);
	}
	if (gf && !isnan(gf->coverage)) {
		snprintf(cv, sizeof(cv), "%.2fx", gf->coverage);
		printf("   coverage %s", cv);
	}
	printf("\n");
}

static void print_text(struct cli *c, const struct dashboard *d, const struct pipeline_forecast *f,
		       const char *alerts)
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

	if (alerts)
		fputs(alerts, stdout);
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
		print_forecast(u, gp, forecast_of(f, g->id));
	}
	if (f && f->all.open) {
		char w[MONEY_FMT_MAX], o[MONEY_FMT_MAX];
		printf("  open pipeline: %lld deals, %s %s, weighted %s %s\n", (long long)f->all.open,
		       money_format_grouped(f->all.open_amount, o), c->ws.currency,
		       money_format_grouped(f->all.weighted, w), c->ws.currency);
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

/* --- the monitoring panels ----------------------------------------------------- */

static void print_counts(const char *label, const int64_t *v, int n, int64_t total,
			 const char *after)
{
	printf("  %-22s", label);
	for (int i = 0; i < n; i++)
		printf(" %9lld", (long long)v[i]);
	printf(" %9lld%s%s\n", (long long)total, after ? "  " : "", after ? after : "");
}

static void print_activity(const struct monitor *m)
{
	int64_t max = 0;
	char d1[DATE_FMT_MAX], b[128], label[64];

	printf("\nACTIVITY (done, by week and phase)\n");
	if (m->nweeks == 0) {
		printf("  the project has not started\n");
		return;
	}
	printf("  %-22s %9s %9s %9s %9s\n", "WEEK (MONDAY)", "PRE-SALE", "IN-SALE", "AFTER", "TOTAL");
	for (size_t i = 0; i < m->nweeks; i++) {
		int64_t t = m->week_total[i][0] + m->week_total[i][1] + m->week_total[i][2];
		if (t > max)
			max = t;
	}
	for (size_t i = 0; i < m->nweeks; i++) {
		int64_t t = m->week_total[i][0] + m->week_total[i][1] + m->week_total[i][2];
		char iso[16];
		monitor_iso_week(m->monday[i], iso, sizeof(iso));
		snprintf(label, sizeof(label), "%s %s", iso, date_format(m->monday[i], d1));
		bar(b, sizeof(b), max > 0 ? (double)t / (double)max : 0, 20);
		print_counts(label, m->week_total[i], MONITOR_PHASES, t, b);
	}
	print_counts("all weeks", m->phase_total, MONITOR_PHASES, m->activities, NULL);
	printf("\n  %-22s %9s %9s %9s %9s\n", "MEMBER", "PRE-SALE", "IN-SALE", "AFTER", "TOTAL");
	for (size_t i = 0; i < m->nmembers; i++)
		print_counts(m->members[i].login, m->members[i].total, MONITOR_PHASES,
			     m->members[i].all, NULL);
}

static void print_problems(const struct monitor *m)
{
	static const char *const sev[] = { "low", "medium", "high", "critical" };
	int64_t by_sla[MONITOR_SLAS] = { 0 };

	printf("\nPROBLEMS (open: %lld)\n", (long long)m->problems_open);
	printf("  %-22s %9s %9s %9s %9s\n", "AGE (DAYS)", "WITHIN", "DUE SOON", "BREACHED", "TOTAL");
	for (int b = 0; b < MONITOR_AGES; b++) {
		int64_t t = 0;
		for (int k = 0; k < MONITOR_SLAS; k++) {
			t += m->age_sla[b][k];
			by_sla[k] += m->age_sla[b][k];
		}
		print_counts(monitor_ages[b], m->age_sla[b], MONITOR_SLAS, t, NULL);
	}
	print_counts("all", by_sla, MONITOR_SLAS, m->problems_open, NULL);
	printf("  %-22s\n", "BY SEVERITY");
	for (int v = MONITOR_SEVERITIES - 1; v >= 0; v--)
		print_counts(sev[v], m->sev_sla[v], MONITOR_SLAS,
			     m->sev_sla[v][0] + m->sev_sla[v][1] + m->sev_sla[v][2], NULL);
}

static void print_money(const char *label, const struct monitor_money *x, const char *currency)
{
	char mo[MONEY_FMT_MAX];
	printf("  %-22s %9lld %20s %s\n", label, (long long)x->count,
	       money_format_grouped(x->amount_minor, mo), currency);
}

static void print_collections(const struct cli *c, const struct monitor *m)
{
	char label[48];

	printf("\nCOLLECTIONS (outstanding)\n");
	printf("  %-22s %9s %20s\n", "", "COUNT", "AMOUNT");
	print_money("due in 7 days", &m->due7, c->ws.currency);
	print_money("due in 30 days", &m->due30, c->ws.currency);
	print_money("overdue", &m->overdue, c->ws.currency);
	for (int b = 0; b < MONITOR_AGINGS; b++) {
		snprintf(label, sizeof(label), "  %s days late", monitor_agings[b]);
		print_money(label, &m->aging[b], c->ws.currency);
	}
}

static void print_tasks(const struct monitor *m)
{
	char d1[DATE_FMT_MAX];

	printf("\nTASKS\n");
	printf("  overdue %lld   due this week (to %s) %lld\n", (long long)m->tasks_overdue,
	       date_format(m->week_end, d1), (long long)m->tasks_due_week);
	if (m->nassignees == 0)
		return;
	printf("  %-22s %9s %9s  %s\n", "ASSIGNEE", "OVERDUE", "THIS WEEK", "OLDEST OVERDUE");
	for (size_t i = 0; i < m->nassignees; i++) {
		const struct monitor_assignee *x = &m->assignees[i];
		printf("  %-22s %9lld %9lld", x->login, (long long)x->overdue, (long long)x->due_week);
		if (x->overdue)
			printf("  #%lld %s (due %s, %d days late)", (long long)x->oldest_id,
			       x->oldest_title, date_format(x->oldest_due, d1),
			       (int)(m->as_of - x->oldest_due));
		printf("\n");
	}
}

/* --- one frame ---------------------------------------------------------------- */

/*
 * The dashboard's JSON with "monitor" and "forecast" added at its end: the
 * dashboard's own object is written whole (its readers keep their keys) and
 * its closing brace replaced.
 */
static void print_json(const struct dashboard *d, const struct monitor *m,
		       const struct pipeline_forecast *f, const char *alerts)
{
	struct buf b = BUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	dashboard_write_json(&w, d);
	if (b.len && b.p[b.len - 1] == '}') {
		struct buf more = BUF_INIT;
		b.len--;
		b.p[b.len] = '\0';
		buf_adds(&b, ",\"monitor\":");
		jw_init(&w, &more);
		monitor_write_json(&w, m);
		buf_add(&b, more.p, more.len);
		buf_reset(&more);
		buf_adds(&b, ",\"forecast\":");
		jw_init(&w, &more);
		pipeline_forecast_write_json(&w, f);
		buf_add(&b, more.p, more.len);
		if (alerts) {
			buf_adds(&b, ",\"alerts\":");
			buf_adds(&b, alerts);
		}
		buf_adds(&b, "}");
		buf_release(&more);
	}
	cli_print_json(&b);
	buf_release(&b);
}

/* --- alerts --------------------------------------------------------------------- */

struct alert_lines {
	struct buf text;
	int critical, warning;
};

static void alert_line(void *ctx, const struct alert_item *it)
{
	struct alert_lines *a = ctx;
	int crit = !strcmp(it->severity, "critical");
	a->critical += crit;
	a->warning += !crit;
	buf_addf(&a->text, "  %s %-20s %s:%lld  %s  %s\n", crit ? "!!" : " !", it->kind,
		 it->on_kind, (long long)it->on_id, it->title, it->params);
}

/*
 * The project's open alerts (evaluated first, as the API's read does), the
 * critical first, as the text frame shows them before the goals; "" when
 * there are none. Only for today: an --as-of day has no alerts of its own.
 */
static int alerts_text(struct cli *c, const char *code, struct buf *out, struct err *err)
{
	struct alert_lines a = { BUF_INIT, 0, 0 };
	if (alert_list(c->st, &c->actor, code, ALERT_OPEN, alert_line, &a, err)) {
		buf_release(&a.text);
		return -1;
	}
	if (a.critical + a.warning)
		buf_addf(out, "\nALERTS  %d critical, %d warning%s\n%s", a.critical, a.warning,
			 a.warning == 1 ? "" : "s", buf_cstr(&a.text));
	buf_release(&a.text);
	return 0;
}

/* The forecast's seed: the API's default, so both faces show the same chances. */
#define DASHBOARD_SEED 1

static int frame(struct cli *c, const char *code, int32_t today, int fixed, struct err *err)
{
	struct dashboard d;
	struct monitor m;
	struct pipeline_forecast f;
	struct buf alerts = BUF_INIT;
	int r = -1, with_alerts = !fixed || today == date_today();

	if (dashboard_build(c->st, &c->actor, code, today, &d, err))
		return -1;
	if (monitor_build(c->st, &c->actor, code, today, ts_now(), &m, err))
		goto out_d;
	if (pipeline_forecast_build(c->st, &c->actor, code, today, DASHBOARD_SEED, &f, err))
		goto out_m;
	if (with_alerts) {
		int failed;
		if (c->json) {
			struct jw w;
			jw_init(&w, &alerts);
			failed = alert_list_write_json(c->st, &c->actor, code, ALERT_OPEN, &w, err);
		} else {
			failed = alerts_text(c, code, &alerts, err);
		}
		if (failed) {
			pipeline_forecast_release(&f);
			goto out_m;
		}
	}
	if (c->json) {
		print_json(&d, &m, &f, with_alerts ? buf_cstr(&alerts) : NULL);
	} else {
		print_text(c, &d, &f, with_alerts ? buf_cstr(&alerts) : NULL);
		print_activity(&m);
		print_problems(&m);
		print_collections(c, &m);
		print_tasks(&m);
	}
	pipeline_forecast_release(&f);
	r = 0;
out_m:
	monitor_release(&m);
out_d:
	dashboard_release(&d);
	buf_release(&alerts);
	return r;
}

/* --- --watch ------------------------------------------------------------------ */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The longest wait between two frames, in seconds. */
#define WATCH_MAX_SECONDS 86400
/* How often the data version is looked at while waiting (ms). */
#define WATCH_POLL_MS 100

/*
 * Draw a frame, then wait until the data version moves or seconds pass, and
 * again, until SIGINT or SIGTERM (status 0). On a terminal each frame clears
 * the screen; otherwise frames follow each other, each text frame after a
 * line "--- as of TIME", each JSON frame one line.
 */
static int watch(struct cli *c, const char *code, int32_t as_of, int fixed, int64_t seconds,
		 struct err *err)
{
	struct sigaction sa, old_int, old_term;
	int tty = isatty(STDOUT_FILENO), r = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	/* a frame being written when Ctrl-C comes is written whole (its write is restarted) */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* asked once ahead: on PostgreSQL this starts the LISTEN that makes the version steady */
	(void)store_data_version(c->st);
	while (!interrupted) {
		int64_t version = store_data_version(c->st), waited = 0;
		char at[TS_FMT_MAX];
		if (tty && !c->json)
			fputs("\033[H\033[2J", stdout);
		else if (!c->json)
			printf("--- as of %s\n", ts_format(ts_now(), at));
		if (frame(c, code, fixed ? as_of : date_today(), fixed, err)) {
			r = -1;
			break;
		}
		fflush(stdout);
		while (!interrupted && waited < seconds * 1000 &&
		       store_data_version(c->st) == version) {
			struct timespec ts = { 0, WATCH_POLL_MS * 1000000L };
			nanosleep(&ts, NULL);
			waited += WATCH_POLL_MS;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return r;
}

static int cmd_dashboard(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "as-of", 0, OPT_VALUE }, { "watch", 0, OPT_FLAG },
				  { NULL, 0, 0 } };
	const char *pos[2];
	int32_t today = date_today();
	int64_t seconds = 5;
	int npos;

	/* --watch takes its seconds as the word after it when it is a number: a second argument */
	if (cli_parse(c, argc, argv, opts, pos, 1, 2, &npos, err))
		return -1;
	if (cli_opt(opts, "as-of") && cli_date(cli_opt(opts, "as-of"), "as-of", &today, err))
		return -1;
	if (!cli_optp(opts, "watch")->set) {
		if (npos > 1)
			return err_set(err, ERR_USAGE, NULL, "usage",
				       "unexpected argument \"%s\" for `dashboard` (see --help)", pos[1]);
		return frame(c, pos[0], today, cli_opt(opts, "as-of") != NULL, err);
	}
	if (npos > 1 && (cli_int(pos[1], "watch", &seconds, err) || seconds < 1 ||
			 seconds > WATCH_MAX_SECONDS))
		return err_set(err, ERR_INVALID, "watch", "out_of_range:_,min,max",
			       "%s must be from %d to %d seconds", "watch", 1, WATCH_MAX_SECONDS);
	return watch(c, pos[0], today, cli_opt(opts, "as-of") != NULL, seconds, err);
}

const struct cli_command cli_dashboard_cmds[] = {
	{ "dashboard", NULL, cmd_dashboard, CLI_NEEDS_STORE,
	  "a project's dashboard: alerts, goals with progress, projection and chance, breakdowns, "
	  "weekly revenue, activity, problems, collections and tasks",
	  "dashboard PROJECT [--as-of DATE] [--watch [SECONDS]]",
	  "  --as-of DATE         judge progress as of this day (default today)\n"
	  "  --watch [SECONDS]    draw it again when the data changes or every SECONDS (default 5),\n"
	  "                       until interrupted (Ctrl-C)",
	  "salespm dashboard Q1-2027" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
