/*
 * goal.c - `salespm goal ...`: SMART goals with progress computed from the
 * recorded sales, their lint, revisions and check-ins.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/forecast.h"
#include "analytics/progress.h"
#include "analytics/quota.h"
#include "base/date.h"
#include "base/money.h"
#include "cli/cli.h"
#include "core/goal.h"
#include "core/project.h"
#include "base/banned.h"

#define GOAL_OPTS                                                                             \
	{ "metric", 0, OPT_VALUE }, { "target", 0, OPT_VALUE }, { "start", 0, OPT_VALUE },    \
		{ "due", 0, OPT_VALUE }, { "baseline", 0, OPT_VALUE },                        \
		{ "baseline-start", 0, OPT_VALUE }, { "baseline-end", 0, OPT_VALUE },         \
		{ "scope", 0, OPT_MULTI }, { "owner", 0, OPT_VALUE }, { "name", 0, OPT_VALUE }, \
		{ "rationale", 0, OPT_VALUE }, { "objective", 0, OPT_VALUE },                 \
		{ "checkin-rule", 0, OPT_VALUE }, { "custom-unit", 0, OPT_VALUE }

#define GOAL_DETAILS                                                                             \
	"  --metric M           what is measured: one of `salespm goal metrics`\n"               \
	"  --target V           in the metric's unit: money as 1200000.00, counts as 35,\n"      \
	"                       rates as 0.85 or 85%\n"                                           \
	"  --start D, --due D   the goal's window, both days included (YYYY-MM-DD)\n"            \
	"  --baseline V         the value the target is compared with (default: the same\n"     \
	"                       metric over the window of the same length before --start)\n"   \
	"  --baseline-start D, --baseline-end D   another baseline window (retention cohort)\n" \
	"  --scope KEY=CODE     narrow the sales counted: segment=, channel=, product=, rep=\n"  \
	"                       (repeatable)\n"                                                   \
	"  --owner LOGIN        who answers for the goal\n"                                        \
	"  --rationale TEXT     why this target matters (R of SMART)\n"                          \
	"  --objective TEXT     the company objective it serves (default: the project's)\n"     \
	"  --checkin-rule TEXT  custom metrics: who reports the value, how and how often\n" \
	"  --custom-unit TEXT   custom metrics: what is counted (\"partners\")"

/* --scope KEY=CODE into sc ("" clears the whole scope). */
static int scope_item(const char *item, struct goal_scope *sc, struct err *err)
{
	const char *eq = strchr(item, '=');
	size_t klen;

	if (!*item)
		return 0;
	if (!eq)
		return err_set(err, ERR_INVALID, "scope", "bad_scope:value",
			       "\"%s\" is not KEY=CODE (segment, channel, product or rep)", item);
	klen = (size_t)(eq - item);
	if (!eq[1])
		return err_set(err, ERR_INVALID, "scope", "bad_scope:value", "\"%s\" names no code",
			       item);
	for (int k = 0; k < GOAL_SCOPE_KEYS; k++) {
		if (strlen(goal_scope_key(k)) != klen || strncmp(item, goal_scope_key(k), klen))
			continue;
		if (strlen(eq + 1) >= sizeof(sc->segment))
			return err_set(err, ERR_INVALID, "scope", "code_too_long:value",
				       "\"%s\" is too long", eq + 1);
		snprintf(goal_scope_code(sc, k), sizeof(sc->segment), "%s", eq + 1);
		return 0;
	}
	return err_set(err, ERR_INVALID, "scope", "bad_scope_key:_,value",
		       "unknown scope key \"%.*s\" (segment, channel, product or rep)", (int)klen,
		       item);
}

/*
 * The goal options as a typed core input; values are read in the unit of
 * --metric, else of cur (the goal being changed; METRIC_NONE for a new one).
 * An empty option clears its field.
 */
static int input_from(struct cli_opt *opts, enum metric cur, struct goal_input *in,
		      struct err *err)
{
	static const struct {
		const char *opt, *field;
		unsigned bit;
		size_t off;
	} dates[] = {
		{ "start", "start", GOAL_IN_START, offsetof(struct goal_input, start_on) },
		{ "due", "due", GOAL_IN_DUE, offsetof(struct goal_input, due_on) },
		{ "baseline-start", "baseline_start", GOAL_IN_BASELINE_START,
		  offsetof(struct goal_input, baseline_start_on) },
		{ "baseline-end", "baseline_end", GOAL_IN_BASELINE_END,
		  offsetof(struct goal_input, baseline_end_on) },
	};
	static const struct {
		const char *opt;
		unsigned bit;
		size_t off;
	} texts[] = {
		{ "name", GOAL_IN_NAME, offsetof(struct goal_input, name) },
		{ "rationale", GOAL_IN_RATIONALE, offsetof(struct goal_input, rationale) },
		{ "objective", GOAL_IN_OBJECTIVE, offsetof(struct goal_input, objective) },
		{ "checkin-rule", GOAL_IN_CHECKIN_RULE, offsetof(struct goal_input, checkin_rule) },
		{ "custom-unit", GOAL_IN_CUSTOM_UNIT, offsetof(struct goal_input, custom_unit) },
	};
	struct cli_opt *sc = cli_optp(opts, "scope");
	const char *v;

	goal_input_init(in);
	if ((v = cli_opt(opts, "metric"))) {
		if (metric_parse(v, &in->metric, err))
			return -1;
		in->set |= GOAL_IN_METRIC;
	}
	for (int k = 0; k < 2; k++) {
		const char *field = k ? "baseline" : "target";
		enum unit u;
		if (!(v = cli_opt(opts, field)))
			continue;
		in->set |= k ? GOAL_IN_BASELINE : GOAL_IN_TARGET;
		if (*v && (goal_input_unit(in, cur, field, &u, err) ||
			   goal_value_parse(u, v, k ? &in->baseline : &in->target, field, err)))
			return -1;
	}
	for (size_t k = 0; k < sizeof(dates) / sizeof(dates[0]); k++) {
		if (!(v = cli_opt(opts, dates[k].opt)))
			continue;
		in->set |= dates[k].bit;
		if (*v && date_parse(v, strlen(v), (int32_t *)((char *)in + dates[k].off),
				     dates[k].field, err))
			return -1;
	}
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
		if ((v = cli_opt(opts, texts[k].opt))) {
			in->set |= texts[k].bit;
			*(const char **)((char *)in + texts[k].off) = v;
		}
	if ((v = cli_opt(opts, "owner"))) {
		in->set |= GOAL_IN_OWNER;
		if (text_field(in->owner, sizeof(in->owner), v, 0, 0, "owner", err))
			return -1;
	}
	if (sc && sc->set) {
		in->set |= GOAL_IN_SCOPE;
		for (int i = 0; i < sc->nvalues; i++)
			if (scope_item(sc->values[i], &in->scope, err))
				return -1;
	}
	if (cli_optp(opts, "reason"))
		in->reason = cli_opt(opts, "reason");
	return 0;
}

static const char *mark(int ok)
{
	return ok ? "ok" : "FAIL";
}

static void print_smart(const struct smart_check smart[SMART__COUNT], int only_failed)
{
	static const char letters[] = "SMART";
	for (int i = 0; i < SMART__COUNT; i++)
		if (!only_failed || !smart[i].ok)
			printf("    %c %-4s %s\n", letters[i], mark(smart[i].ok), smart[i].message);
}

static void smart_compact(const struct smart_check smart[SMART__COUNT], char *out)
{
	static const char letters[] = "SMART";
	for (int i = 0; i < SMART__COUNT; i++)
		out[i] = smart[i].ok ? letters[i] : '-';
	out[SMART__COUNT] = '\0';
}

/* A ratio already rounded to basis points (progress, elapsed) by the one rule of money.h. */
static void pct_text(double v, char *out, size_t len)
{
	char r[RATIO_FMT_MAX];
	if (isnan(v))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%s", ratio_format(llround(v * 10000.0), r));
}


static void print_goal_detail(struct cli *c, const struct goal *g, const struct goal_progress *gp)
{
	enum unit u = metric_unit(g->metric);
	char t[64], a[64], e[64], pr[64], b[64], p1[16], p2[16], d1[DATE_FMT_MAX],
		d2[DATE_FMT_MAX];

	if (c->json) {
		struct buf out = BUF_INIT;
		struct jw w;
		jw_init(&w, &out);
		goal_progress_write_json(&w, g, gp);
		cli_print_json(&out);
		buf_release(&out);
		return;
	}
	goal_value_format(u, g->target, t, sizeof(t));
	goal_value_format(u, gp->actual, a, sizeof(a));
	goal_value_format(u, gp->expected, e, sizeof(e));
	goal_value_format(u, gp->projected, pr, sizeof(pr));
	goal_value_format(u, gp->baseline, b, sizeof(b));
	pct_text(gp->progress, p1, sizeof(p1));
	pct_text(gp->elapsed, p2, sizeof(p2));
	printf("goal %lld%s%s (version %lld)\n", (long long)g->id, g->name[0] ? ": " : "", g->name,
	       (long long)g->version);
	printf("  metric:    %s (%s)\n  window:    %s .. %s\n", metric_str(g->metric),
	       unit_str(u), g->start_on == NO_DATE ? "-" : date_format(g->start_on, d1),
	       g->due_on == NO_DATE ? "-" : date_format(g->due_on, d2));
	printf("  target:    %s\n  baseline:  %s%s\n  actual:    %s (%s of target)\n", t, b,
	       gp->baseline_computed ? " (from history)" : "", a, p1);
	printf("  expected:  %s by today (%s of the window elapsed)\n", e, p2);
	if (gp->projected != NO_VALUE)
		printf("  projected: %s at the due date at the current pace\n", pr);
	{
		char pj[64], band[140];
		goal_projection_format(u, &gp->projection, pj, sizeof(pj), band, sizeof(band));
		printf("  projection: %s, 80%% band %s (the recent trend; docs/guide.md, Forecast)\n",
		       pj, band);
	}
	printf("  status:    %s\n  owner:     %s\n", goal_status_str(gp->status),
	       g->owner[0] ? g->owner : "-");
	printf("  SMART:\n");
	print_smart(gp->smart, 0);
}

static int load_project(struct cli *c, const char *code, struct project *p, struct err *err)
{
	return project_get(c->st, &c->actor, code, p, err);
}

static int cmd_goal_add(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { GOAL_OPTS, { NULL, 0, 0 } };
	struct goal_input in;
	struct goal g;
	struct goal_progress gp;
	struct project p;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	for (const char *const *o = (const char *const[]){ "metric", "target", "start", "due",
							  NULL };
	     *o; o++)
		if (!cli_opt(opts, *o))
			return err_set(err, ERR_USAGE, *o, "required", "--%s is required", *o);
	if (input_from(opts, METRIC_NONE, &in, err) ||
	    goal_create(c->st, &c->actor, pos[0], &in, &g, err) ||
	    load_project(c, pos[0], &p, err) ||
	    goal_progress(c->st, &g, &p, date_today(), &gp, err))
		return -1;
	if (!c->json)
		printf("created goal %lld in %s\n", (long long)g.id, p.code);
	print_goal_detail(c, &g, &gp);
	return 0;
}

/* The goals as a table, then the failed SMART letters of each. */
static void print_board(const struct goal_board *b)
{
	static const char *const head[] = { "ID",	 "METRIC",  "TARGET", "ACTUAL",
					    "PROGRESS", "ELAPSED", "STATUS", "SMART",
					    "PROJECTION", "BAND (80%)" };
	static const int right[] = { 1, 0, 1, 1, 1, 1, 0, 0, 1, 1 };
	struct cli_table t;
	cli_table_init(&t, 10, head, right);
	for (size_t i = 0; i < b->goals.n; i++) {
		enum unit u = metric_unit(b->goals.items[i].metric);
		char id[24], tg[64], ac[64], p1[16], p2[16], sm[8], pj[64], band[140];
		const char *row[10];
		goal_projection_format(u, &b->progress[i].projection, pj, sizeof(pj), band, sizeof(band));
		row[8] = pj;
		row[9] = band;
		snprintf(id, sizeof(id), "%lld", (long long)b->goals.items[i].id);
		goal_value_format(u, b->goals.items[i].target, tg, sizeof(tg));
		goal_value_format(u, b->progress[i].actual, ac, sizeof(ac));
		pct_text(b->progress[i].progress, p1, sizeof(p1));
		pct_text(b->progress[i].elapsed, p2, sizeof(p2));
		smart_compact(b->progress[i].smart, sm);
		row[0] = id;
		row[1] = metric_str(b->goals.items[i].metric);
		row[2] = tg;
		row[3] = ac;
		row[4] = p1;
		row[5] = p2;
		row[6] = goal_status_str(b->progress[i].status);
		row[7] = sm;
		cli_table_row(&t, row);
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	for (size_t i = 0; b->quotas && i < b->goals.n; i++)
		if (b->quotas[i].n)
			cli_quota_print(&b->goals.items[i], &b->quotas[i], "  ");
	for (size_t i = 0; i < b->goals.n; i++) {
		int bad = 0;
		for (int k = 0; k < SMART__COUNT; k++)
			bad |= !b->progress[i].smart[k].ok;
		if (!bad)
			continue;
		printf("goal %lld SMART lint:\n", (long long)b->goals.items[i].id);
		print_smart(b->progress[i].smart, 1);
	}
}

static int cmd_goal_list(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct goal_board b;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    goal_board_load(c->st, &c->actor, pos[0], date_today(), &b, err))
		return -1;
	if (c->json)
		CLI_PRINT_ONE(&b, goal_board_write_json);
	else if (b.goals.n == 0)
		printf("%s has no goals yet; add one with `salespm goal add %s --metric revenue ...`\n",
		       b.project.code, b.project.code);
	else
		print_board(&b);
	goal_board_release(&b);
	return 0;
}

static int parse_goal_id(const char *s, int64_t *id, struct err *err)
{
	if (cli_int(s, "id", id, err))
		return -1;
	if (*id <= 0)
		return err_set(err, ERR_INVALID, "id", "not_id:value", "\"%s\" is not a goal id", s);
	return 0;
}

static int cmd_goal_show(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct goal g;
	struct goal_progress gp;
	struct project p;
	const char *pos[2];
	int64_t id;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    parse_goal_id(pos[1], &id, err) || load_project(c, pos[0], &p, err) ||
	    goal_get(c->st, &c->actor, pos[0], id, &g, err) ||
	    goal_progress(c->st, &g, &p, date_today(), &gp, err))
		return -1;
	print_goal_detail(c, &g, &gp);
	return 0;
}

static int cmd_goal_update(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { GOAL_OPTS, { "reason", 0, OPT_VALUE }, { "version", 0, OPT_VALUE },
				  { NULL, 0, 0 } };
	struct goal_input in;
	struct goal cur, g;
	struct goal_progress gp;
	struct project p;
	const char *pos[2];
	int64_t id, version;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    parse_goal_id(pos[1], &id, err) || load_project(c, pos[0], &p, err) ||
	    goal_get(c->st, &c->actor, pos[0], id, &cur, err))
		return -1;
	version = cur.version;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &version, err))
		return -1;
	if (input_from(opts, cur.metric, &in, err) ||
	    goal_update(c->st, &c->actor, pos[0], id, version, &in, &g, err) ||
	    goal_progress(c->st, &g, &p, date_today(), &gp, err))
		return -1;
	if (!c->json)
		printf("updated goal %lld (version %lld)\n", (long long)g.id, (long long)g.version);
	print_goal_detail(c, &g, &gp);
	return 0;
}

static int cmd_goal_delete(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct goal cur;
	const char *pos[2];
	int64_t id, version;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    parse_goal_id(pos[1], &id, err) || goal_get(c->st, &c->actor, pos[0], id, &cur, err))
		return -1;
	version = cur.version;
	if (cli_opt(opts, "version") && cli_int(cli_opt(opts, "version"), "version", &version, err))
		return -1;
	if (goal_delete(c->st, &c->actor, pos[0], id, version, err))
		return -1;
	if (c->json)
		printf("{\"deleted\":%lld}\n", (long long)id);
	else
		printf("deleted goal %lld\n", (long long)id);
	return 0;
}

static int cmd_goal_lint(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { GOAL_OPTS, { NULL, 0, 0 } };
	struct goal_input in;
	struct goal g;
	struct project p;
	struct smart_check smart[SMART__COUNT];
	const char *pos[1];
	int64_t baseline;
	int npos, computed, all = 1;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err) ||
	    load_project(c, pos[0], &p, err))
		return -1;
	goal_init(&g, p.id);
	if (input_from(opts, METRIC_NONE, &in, err) || goal_resolve(c->st, &in, &g, 0, err) ||
	    goal_lint(c->st, &g, &p, smart, &baseline, &computed, err))
		return -1;
	for (int i = 0; i < SMART__COUNT; i++)
		all &= smart[i].ok;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_key(&w, "smart");
		smart_write_json(&w, smart);
		jw_kbool(&w, "smart_ok", all);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
	} else {
		printf("SMART lint of the draft goal:\n");
		print_smart(smart, 0);
	}
	return 0;
}

static int cmd_goal_history(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct goal_revision_list l = { 0 };
	const char *pos[2];
	int64_t id;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    parse_goal_id(pos[1], &id, err) ||
	    goal_revisions(c->st, &c->actor, pos[0], id, &l, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(&l, goal_revisions_write_json);
	} else {
		for (size_t i = 0; i < l.n; i++) {
			char t[TS_FMT_MAX];
			printf("version %lld  %s  by %s%s%s\n  %s\n", (long long)l.items[i].version,
			       ts_format(l.items[i].changed_at, t),
			       l.items[i].changed_by_login[0] ? l.items[i].changed_by_login : "-",
			       l.items[i].reason[0] ? ": " : "", l.items[i].reason,
			       l.items[i].snapshot);
		}
	}
	goal_revision_list_release(&l);
	return 0;
}

static int cmd_goal_checkin(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "value", 0, OPT_VALUE }, { "date", 0, OPT_VALUE },
				  { "note", 0, OPT_VALUE }, { NULL, 0, 0 } };
	struct goal_checkin ck;
	struct goal g;
	const char *pos[2];
	int32_t day = NO_DATE;
	int64_t id, value;
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err) ||
	    parse_goal_id(pos[1], &id, err))
		return -1;
	if (!cli_opt(opts, "value"))
		return err_set(err, ERR_USAGE, "value", "required", "--value is required");
	if (cli_opt(opts, "date") && cli_date(cli_opt(opts, "date"), "date", &day, err))
		return -1;
	if (goal_get(c->st, &c->actor, pos[0], id, &g, err) ||
	    goal_value_parse(metric_unit(g.metric), cli_opt(opts, "value"), &value, "value", err) ||
	    goal_checkin(c->st, &c->actor, pos[0], id, day, value, cli_opt(opts, "note"), &ck, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		goal_checkin_write_json(&w, &ck, metric_unit(g.metric));
		cli_print_json(&b);
		buf_release(&b);
	} else {
		char d[DATE_FMT_MAX];
		printf("checked in %lld for goal %lld on %s\n", (long long)ck.value, (long long)id,
		       date_format(ck.on_date, d));
	}
	return 0;
}

static void metric_table_json(struct jw *w, const struct metric_def *defs)
{
	(void)defs; /* the one table */
	metric_defs_write_json(w);
}

static int cmd_goal_metrics(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err))
		return -1;
	if (c->json) {
		CLI_PRINT_ONE(metric_defs, metric_table_json);
	} else {
		static const char *const head[] = { "METRIC", "UNIT", "KIND", "SCOPES", "COMPUTED AS" };
		static const int right[] = { 0, 0, 0, 0, 0 };
		struct cli_table t;
		cli_table_init(&t, 5, head, right);
		for (int m = 0; m < METRIC__COUNT; m++) {
			const struct metric_def *d = &metric_defs[m];
			char sc[64] = "-";
			size_t n = 0;
			const char *row[5];
			for (int k = 0; k < GOAL_SCOPE_KEYS; k++)
				if (d->scopes & (1u << k))
					n += (size_t)snprintf(sc + n, sizeof(sc) - n, "%s%s", n ? "," : "",
							      goal_scope_key(k));
			row[0] = d->name;
			row[1] = unit_str(d->unit);
			row[2] = d->cumulative ? "cumulative" : "level";
			row[3] = sc;
			row[4] = d->help;
			cli_table_row(&t, row);
		}
		cli_table_print(&t, stdout);
		cli_table_release(&t);
	}
	return 0;
}

const struct cli_command cli_goal_cmds[] = {
	{ "goal", "add", cmd_goal_add, CLI_NEEDS_STORE, "set a SMART goal (project manager)",
	  "goal add PROJECT --metric METRIC --target VALUE --start DATE --due DATE "
	  "[--baseline VALUE] [--scope KEY=CODE]... [--owner LOGIN] [--rationale T] "
	  "[--objective T] [--checkin-rule T] [--name N]",
	  GOAL_DETAILS,
	  "salespm goal add Q1-2027 --metric revenue --target 1200000 --start 2027-01-01 "
	  "--due 2027-03-31 --scope channel=direct --owner li.na --rationale \"flagship launch\"" },
	{ "goal", "list", cmd_goal_list, CLI_NEEDS_STORE,
	  "a project's goals with progress, status and SMART lint", "goal list PROJECT",
	  "  status: achieved; on_track (projected to the due date >= target; levels: now),\n"
	  "  at_risk (>= 90% of target), off_track (below);\n"
	  "  --json gives {\"goals\":[{\"id\",\"metric\",\"unit\",\"target\",\"actual\",\"status\","
	  "\"smart\":{...}}]}",
	  "salespm goal list Q1-2027 --json" },
	{ "goal", "show", cmd_goal_show, CLI_NEEDS_STORE, "one goal in detail",
	  "goal show PROJECT ID", "", "salespm goal show Q1-2027 3" },
	{ "goal", "update", cmd_goal_update, CLI_NEEDS_STORE, "change a goal (kept as a revision)",
	  "goal update PROJECT ID [goal options] [--reason TEXT] [--version V]",
	  GOAL_DETAILS "\n  --reason TEXT        why the goal changes (kept in its history)",
	  "salespm goal update Q1-2027 3 --target 1000000 --reason \"market slowed\"" },
	{ "goal", "delete", cmd_goal_delete, CLI_NEEDS_STORE, "delete a goal",
	  "goal delete PROJECT ID [--version V]", "", "salespm goal delete Q1-2027 3" },
	{ "goal", "lint", cmd_goal_lint, CLI_NEEDS_STORE,
	  "SMART-lint a draft goal without saving it", "goal lint PROJECT [goal options]",
	  GOAL_DETAILS,
	  "salespm goal lint Q1-2027 --metric revenue --target 5000000 --start 2027-01-01 "
	  "--due 2027-03-31" },
	{ "goal", "history", cmd_goal_history, CLI_NEEDS_STORE, "a goal's revisions",
	  "goal history PROJECT ID", "", "salespm goal history Q1-2027 3" },
	{ "goal", "checkin", cmd_goal_checkin, CLI_NEEDS_STORE,
	  "report the value of a custom goal", "goal checkin PROJECT ID --value V [--date D] "
	  "[--note T]", "", "salespm goal checkin Q1-2027 5 --value 12 --note \"signed 2 partners\"" },
	{ "goal", "metrics", cmd_goal_metrics, 0, "the metrics a goal may measure",
	  "goal metrics", "  unit, cumulative (judged by its projection) or level, the scope keys\n"
	  "  that narrow it and how it is computed",
	  "salespm goal metrics --json" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
