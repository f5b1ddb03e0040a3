/*
 * task.c - the plan's commands beyond the entity engine's generic ones
 * (`salespm task add|list|show|update|delete`): the status moves
 * `task start|done|reopen PROJECT ID`, dependencies `task depend PROJECT ID
 * --on OTHER` and `task undepend`, and `task gantt PROJECT` (core/task.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jw.h"
#include "cli/cli.h"
#include "core/project.h"
#include "core/task.h"
#include "base/banned.h"

static const char *move_to(const char *verb)
{
	if (!strcmp(verb, "start"))
		return "doing";
	if (!strcmp(verb, "done"))
		return "done";
	return "todo";
}

static int cmd_task_move(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "version", 0, OPT_VALUE }, { NULL, 0, 0 } };
	const char *pos[2], *status = move_to(c->cmd->verb);
	void *rec = calloc(1, task_entity.size);
	int64_t version = 0;
	int npos, r = -1;

	if (!rec)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err))
		goto out;
	/* without --version the move starts from the task as it is now */
	if (cli_entity_version(c, &task_entity, pos[0], pos[1], opts, rec, &version, err))
		goto out;
	if (task_move(c->st, &c->actor, pos[0], pos[1], status, version, rec, err))
		goto out;
	if (!c->json)
		printf("task %s is now %s\n", pos[1], status);
	cli_entity_print(c, &task_entity, rec);
	r = 0;
out:
	free(rec);
	return r;
}

static int cmd_task_dep(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { "on", 0, OPT_VALUE }, { NULL, 0, 0 } };
	const char *pos[2];
	int remove = !strcmp(c->cmd->verb, "undepend"), npos, r = -1;
	void *rec = calloc(1, task_entity.size);

	if (!rec)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	if (cli_parse(c, argc, argv, opts, pos, 2, 2, &npos, err))
		goto out;
	if (!cli_opt(opts, "on")) {
		err_set(err, ERR_INVALID, "depends_on", "required", "--on is required");
		goto out;
	}
	if (task_dep_set(c->st, &c->actor, pos[0], pos[1], cli_opt(opts, "on"), remove, rec, err))
		goto out;
	if (!c->json)
		printf("task %s %s #%s\n", pos[1], remove ? "no longer depends on" : "depends on",
		       cli_opt(opts, "on"));
	cli_entity_print(c, &task_entity, rec);
	r = 0;
out:
	free(rec);
	return r;
}

static int cmd_task_gantt(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = { { NULL, 0, 0 } };
	struct buf b = BUF_INIT;
	struct jw w;
	const char *pos[1];
	int npos, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	jw_init(&w, &b);
	if (task_gantt_write_json(c->st, &c->actor, pos[0], &w, err))
		goto out;
	cli_print_json(&b);
	r = 0;
out:
	buf_release(&b);
	return r;
}

#define MOVE_DETAILS                                                                          \
	"A task moves todo -> doing (start) -> done (done); done also from todo; reopen\n"    \
	"takes it back to todo. It starts or is done only once every task it depends on\n"     \
	"is done. The assignee moves their own tasks, project managers every one. Without\n" \
	"--version the move starts from the task as it is now.\n"                           \
	"  --version N          the version you saw"

const struct cli_command cli_task_cmds[] = {
	{ "task", "start", cmd_task_move, CLI_NEEDS_STORE, "start work on a task (doing)",
	  "task start PROJECT ID [--version N]", MOVE_DETAILS, "salespm task start FY 3" },
	{ "task", "done", cmd_task_move, CLI_NEEDS_STORE, "mark a task done",
	  "task done PROJECT ID [--version N]", MOVE_DETAILS, "salespm task done FY 3" },
	{ "task", "reopen", cmd_task_move, CLI_NEEDS_STORE, "take a task back to todo",
	  "task reopen PROJECT ID [--version N]", MOVE_DETAILS, "salespm task reopen FY 3" },
	{ "task", "depend", cmd_task_dep, CLI_NEEDS_STORE,
	  "make a task wait for another of the project (finish-to-start)",
	  "task depend PROJECT ID --on OTHER",
	  "The task starts only once OTHER is done. A dependency that would close a cycle\n"
	  "is refused, naming the cycle. The assignee or a project manager.",
	  "salespm task depend FY 5 --on 3" },
	{ "task", "undepend", cmd_task_dep, CLI_NEEDS_STORE, "take a dependency away",
	  "task undepend PROJECT ID --on OTHER", NULL, "salespm task undepend FY 5 --on 3" },
	{ "task", "gantt", cmd_task_gantt, CLI_NEEDS_STORE,
	  "the plan as JSON: tasks, dependencies and the critical path",
	  "task gantt PROJECT",
	  "The critical path is the chain of dependent tasks whose days (due - start + 1)\n"
	  "add up to the most; ties go to the lower ids.",
	  "salespm task gantt FY" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
