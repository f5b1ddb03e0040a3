/*
 * commands.c - every command salespm answers, in one list (each noun's
 * table from src/cli/<noun>.c), how a noun and verb find theirs, and the help
 * text they all share: main.c runs them, docgen.c writes the man pages and
 * the shell completion from the same list, so neither drifts from --help.
 */
#include <string.h>

#include "cli/cli.h"
#include "base/banned.h"

const struct cli_command *const cli_tables[] = {
	cli_workspace_cmds,
	cli_project_cmds,
	cli_serve_cmds,
	cli_doctor_cmds,
	cli_catalog_cmds,
	cli_sale_cmds,
	cli_goal_cmds,
	cli_dashboard_cmds,
	cli_report_cmds,
	cli_demo_cmds,
	cli_dbcopy_cmds,
	cli_dbadmin_cmds,
	cli_team_cmds,
	cli_strategy_cmds,
	cli_recruit_cmds,
	cli_problem_cmds,
	cli_risk_cmds,
	cli_review_cmds,
	cli_adjust_cmds,
	cli_task_cmds,
	cli_meeting_cmds,
	cli_comment_cmds,
	cli_collection_cmds,
	cli_deal_cmds,
	cli_quota_cmds,
	cli_webhook_cmds,
	cli_alert_cmds,
	cli_engagement_cmds,
	cli_config_cmds,
	cli_docgen_cmds,
	cli_entity_cmds,
	NULL,
};

const char CLI_GLOBAL_OPTIONS[] =
	"  --db DB       the database: a SQLite file, or postgresql://USER@HOST/NAME\n"
	"                (default $SALESPM_DB, else the configuration's, else ./salespm.db)\n"
	"  --config FILE the configuration file (default $SALESPM_CONFIG, else\n"
	"                /etc/salespm/salespm.conf when it exists)\n"
	"  --as LOGIN    act as this user (default the workspace admin)\n"
	"  --json        machine output on stdout; messages on stderr\n";

const char CLI_EXIT_CODES[] = "exit codes: 0 ok, 1 failure, 2 usage, 65 bad data, 77 denied.\n";

const struct cli_command *cli_find(const char *noun, const char *verb)
{
	for (int t = 0; cli_tables[t]; t++)
		for (const struct cli_command *c = cli_tables[t]; c->noun; c++)
			if (!strcmp(c->noun, noun) && (!c->verb || (verb && !strcmp(c->verb, verb))))
				return c;
	return NULL;
}

int cli_runs(const struct cli_command *c)
{
	return cli_find(c->noun, c->verb) == c;
}

int cli_noun_exists(const char *noun)
{
	for (int t = 0; cli_tables[t]; t++)
		for (const struct cli_command *c = cli_tables[t]; c->noun; c++)
			if (!strcmp(c->noun, noun))
				return 1;
	return 0;
}
