/*
 * recruit.c - recruitment's command beyond the entity engine's generic ones:
 * `salespm candidate stage ID --to STAGE`, the stage move (core/recruit.c);
 * with --to hired it creates the new person's user (--login) and their
 * membership of the position's project. Candidates and interviews themselves
 * are `salespm candidate|interview add|list|show|update|delete`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/recruit.h"
#include "base/banned.h"

static int cmd_candidate_stage(struct cli *c, int argc, char **argv, struct err *err)
{
	struct cli_opt opts[] = {
		{ "to", 0, OPT_VALUE },	   { "version", 0, OPT_VALUE }, { "login", 0, OPT_VALUE },
		{ "name", 0, OPT_VALUE },  { "email", 0, OPT_VALUE },	{ "role", 0, OPT_VALUE },
		{ NULL, 0, 0 },
	};
	struct stage_move m = { 0 };
	struct stage_result res = { 0 };
	const char *pos[1];
	int npos, r = -1;

	if (cli_parse(c, argc, argv, opts, pos, 1, 1, &npos, err))
		return -1;
	res.candidate = calloc(1, candidate_entity.size);
	if (!res.candidate)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	m.stage = cli_opt(opts, "to");
	m.login = cli_opt(opts, "login");
	m.name = cli_opt(opts, "name");
	m.email = cli_opt(opts, "email");
	m.role = cli_opt(opts, "role");
	if (!m.stage) {
		err_set(err, ERR_INVALID, "stage", "required", "--to STAGE is required");
		goto out;
	}
	/* without --version the move starts from the candidate as it is now */
	if (cli_opt(opts, "version")) {
		if (cli_int(cli_opt(opts, "version"), "version", &m.version, err))
			goto out;
	} else {
		const struct ent_field *ver = entity_field(&candidate_entity, "version");
		if (entity_get(c->st, &c->actor, &candidate_entity, NULL, pos[0], res.candidate,
			       err))
			goto out;
		m.version = *(const int64_t *)((const char *)res.candidate + ver->off);
	}
	if (candidate_move(c->st, &c->actor, pos[0], &m, &res, err))
		goto out;
	if (c->json) {
		CLI_PRINT_ONE(&res, stage_result_write_json);
	} else {
		printf("moved candidate %s to %s\n", pos[0], m.stage);
		if (res.hired) {
			printf("created user %s (%s, %s)%s\n", res.user.login, res.user.name,
			       role_str(res.user.role),
			       " without a password: an admin sets it (salespm user passwd)");
			if (res.project[0])
				printf("added %s to project %s as a member\n", res.user.login,
				       res.project);
			if (res.filled)
				printf("the position is filled\n");
		}
	}
	r = 0;
out:
	free(res.candidate);
	return r;
}

const struct cli_command cli_recruit_cmds[] = {
	{ "candidate", "stage", cmd_candidate_stage, CLI_NEEDS_STORE,
	  "move a candidate to another stage; to hired: create their user and membership",
	  "candidate stage ID --to STAGE [--version N] [--login LOGIN [--name TEXT] [--email "
	  "ADDR] [--role rep|viewer|manager|admin]]",
	  "STAGE is applied, screening, interview, offer, hired or rejected. A candidate\n"
	  "moves forward (a stage may be skipped), is hired only from offer, may be\n"
	  "rejected from any stage but hired, and a rejected one is reopened to applied.\n"
	  "A hire is final. --to hired needs --login: it creates the user (name and email\n"
	  "default to the candidate's, role to rep; managers hire reps and viewers, an\n"
	  "admin any role) without a password - an admin sets it (salespm user passwd\n"
	  "LOGIN) before the person first signs in - and, when the position hires for a\n"
	  "project, makes them a member of it (the mover must manage that project). When\n"
	  "the position's hires reach its openings, it becomes filled. All of it happens\n"
	  "or none of it: a login taken changes nothing. Without --version the move\n"
	  "starts from the candidate as it is now.",
	  "salespm candidate stage 7 --to screening\n"
	  "  salespm candidate stage 7 --to hired --login chen.xiao" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL },
};
