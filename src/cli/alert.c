/*
 * alert.c - the alerts' commands (analytics/alert.c): `alert list PROJECT
 * [--resolved]` (evaluates first, as the API's read does), `alert settings
 * PROJECT [--probability P] [--collection-days N] [--on KIND]... [--off
 * KIND]... [--version N]` (managers), and `alert sweep` for cron: every
 * project not closed evaluated, new alerts raised once, gone ones resolved.
 */
#include <stdio.h>
#include <string.h>

#include "analytics/alert.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jw.h"
#include "cli/cli.h"
#include "core/goal.h"
#include "base/banned.h"

static void alert_row(void *ctx, const struct alert_item *it)
{
	struct cli_table *t = ctx;
	char rec[48], since[32];
	const char *row[7];

	snprintf(rec, sizeof(rec), "%s:%lld", it->on_kind, (long long)it->on_id);
	ts_format(it->resolved_at != NO_ID ? it->resolved_at : it->raised_at, since);
	row[0] = it->severity;
	row[1] = it->kind;
	row[2] = rec;
	row[3] = it->title;
	row[4] = it->params;
	row[5] = it->recipients;
	row[6] = since;
	cli_table_row(t, row);
}

static int cmd_alert_list(struct cli *c, int argc, char **argv, struct err *err)
{
	static const char *const head[] = { "severity", "kind",	      "record", "title",
					    "figures",	"recipients", "since" };
	static const int right[] = { 0, 0, 0, 0, 0, 0, 0 };
	struct cli_opt opts[] = { { "resolved", 0, OPT_FLAG }, { NULL, 0, 0 } };
	enum alert_state state;
	struct cli_table t;
	const char *pos[1];
	int npos;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	state = cli_optp(opts, "resolved")->set ? ALERT_RESOLVED : ALERT_OPEN;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		int r;
		jw_init(&w, &b);
		r = alert_list_write_json(c->st, &c->actor, pos[0], state, &w, err);
		if (!r)
			cli_print_json(&b);
		buf_release(&b);
		return r;
	}
	cli_table_init(&t, 7, head, right);
	if (alert_list(c->st, &c->actor, pos[0], state, alert_row, &t, err)) {
		cli_table_release(&t);
		return -1;
	}
	cli_table_print(&t, stdout);
	cli_table_release(&t);
	return 0;
}

static int kind_index(const char *s, struct err *err)
{
	for (int k = 0; k < AK__COUNT; k++)
		if (!strcmp(s, alert_kinds[k]))
			return k;
	return err_set(err, ERR_INVALID, "kind", "bad_enum:value,_,_,allowed",
		       "\"%.40s\" is not a %s %s (%s)", s, "alert", "kind",
		       "goal_status, goal_probability, deal_stalled, task_overdue, problem_sla, "
		       "promotion_budget, collection_overdue, budget_overspent");
}

static int cmd_alert_settings(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "probability", 0, OPT_VALUE }, { "collection-days", 0, OPT_VALUE },
		{ "on", 0, OPT_MULTI },		 { "off", 0, OPT_MULTI },
		{ "version", 0, OPT_VALUE },	 { NULL, 0, 0 },
	};
	struct alert_settings_input in = { 0 };
	struct alert_settings cur, out;
	struct cli_opt *on, *off;
	const char *pos[1], *v;
	int64_t version;
	int npos, any = 0;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	on = cli_optp(opts, "on");
	off = cli_optp(opts, "off");
	if ((v = cli_opt(opts, "probability"))) {
		if (goal_value_parse(UNIT_RATIO, v, &in.v.probability_bp, "probability", err))
			return -1;
		in.set_probability = any = 1;
	}
	if ((v = cli_opt(opts, "collection-days"))) {
		if (cli_int(v, "collection_days", &in.v.collection_days, err))
			return -1;
		in.set_collection_days = any = 1;
	}
	for (int i = 0; i < on->nvalues + off->nvalues; i++) {
		int k = kind_index(i < on->nvalues ? on->values[i] : off->values[i - on->nvalues],
				   err);
		if (k < 0)
			return -1;
		in.set_kind[k] = any = 1;
		in.v.on[k] = i < on->nvalues;
	}
	if (alert_settings_get(c->st, &c->actor, pos[0], &cur, err))
		return -1;
	if (any) {
		version = cur.version;
		if ((v = cli_opt(opts, "version")) && cli_int(v, "version", &version, err))
			return -1;
		if (alert_settings_patch(c->st, &c->actor, pos[0], &in, version, &out, err))
			return -1;
		cur = out;
	}
	if (c->json) {
		CLI_PRINT_ONE(&cur, alert_settings_write_json);
		return 0;
	}
	printf("probability below: %lld.%02lld%%\ncollections overdue by more than: %lld days\n",
	       (long long)(cur.probability_bp / 100), (long long)(cur.probability_bp % 100),
	       (long long)cur.collection_days);
	for (int k = 0; k < AK__COUNT; k++)
		printf("%-20s %s\n", alert_kinds[k], cur.on[k] ? "on" : "off");
	printf("version: %lld\n", (long long)cur.version);
	return 0;
}

static int cmd_alert_sweep(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	const char *pos[1];
	int npos, raised = 0, resolved = 0;

	if (cli_parse(c, argc, argv, opts, pos, 0, 0, &npos, err) ||
	    require_role(&c->actor, ROLE_ADMIN, "sweeping the alerts", err) ||
	    alert_sweep_all(c->st, &raised, &resolved, err))
		return -1;
	if (c->json) {
		struct buf b = BUF_INIT;
		struct jw w;
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kint(&w, "raised", raised);
		jw_kint(&w, "resolved", resolved);
		jw_obj_end(&w);
		cli_print_json(&b);
		buf_release(&b);
		return 0;
	}
	printf("alerts raised: %d, resolved: %d\n", raised, resolved);
	return 0;
}

const struct cli_command cli_alert_cmds[] = {
	{ "alert", "list", cmd_alert_list, CLI_NEEDS_STORE,
	  "the project's open alerts (or resolved ones), critical first",
	  "alert list PROJECT [--resolved]",
	  "Evaluates the project first (as the web's read does): a new alert is raised\n"
	  "once, told to the inbox of the people it concerns and to webhooks\n"
	  "(alert.raised); one whose cause is gone is resolved. Kinds: goal_status,\n"
	  "goal_probability, deal_stalled, task_overdue, problem_sla, promotion_budget,\n"
	  "collection_overdue, budget_overspent.\n"
	  "  --resolved   the resolved ones instead, newest first",
	  "salespm alert list FY" },
	{ "alert", "settings", cmd_alert_settings, CLI_NEEDS_STORE,
	  "show or change the project's alert thresholds (managers and owners)",
	  "alert settings PROJECT [--probability P] [--collection-days N] [--on KIND]... "
	  "[--off KIND]... [--version N]",
	  "  --probability P       a goal whose probability is below P alerts (\"40%\" or 0.4;\n"
	  "                        default 50%)\n"
	  "  --collection-days N   days a collection may be overdue before it alerts (0-365)\n"
	  "  --on KIND, --off KIND turn a kind on or off\n"
	  "  --version N           the settings' version you read (409 when changed since)",
	  "salespm alert settings FY --probability 40% --off budget_overspent" },
	{ "alert", "sweep", cmd_alert_sweep, CLI_NEEDS_STORE,
	  "evaluate every project not closed: raise new alerts, resolve gone ones (for cron)",
	  "alert sweep",
	  "The server does this each minute; run it from cron when no server runs.\n"
	  "Admins only.",
	  "salespm alert sweep" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
