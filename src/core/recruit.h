/*
 * recruit.h - recruitment (step 3 of the method, "build the team"): the
 * candidates of the open positions moving through the stages (applied,
 * screening, interview, offer, hired or rejected), their interviews with
 * notes and ratings, and the hire: the move to hired that creates the
 * person's user and, when the position hires for a project, their
 * membership, in one transaction.
 */
#ifndef CORE_RECRUIT_H
#define CORE_RECRUIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/entity.h"
#include "core/user.h"

/* The nouns (core/recruit.c): candidates and interviews, managers only. */
extern const struct entity candidate_entity;
extern const struct entity interview_entity;
/* The open positions (core/position.c) candidates apply for. */
extern const struct entity position_entity;

/*
 * A project as the target of a reference (a position's project): its id,
 * code and name. Not a noun of the engine's own (projects have their own
 * faces, core/project.c); only what a reference reads.
 */
extern const struct entity project_ref_entity;

/* A move of a candidate to another stage, at the version the mover saw. */
struct stage_move {
	const char *stage; /* to: applied, screening, interview, offer, hired, rejected */
	int64_t version;
	/* the move to hired only: the new user's login (required), name and email
	 * (NULL: the candidate's), role (NULL: rep) */
	const char *login, *name, *email, *role;
};

/* What a move did. */
struct stage_result {
	void *candidate; /* the caller's buffer of candidate_entity.size: the candidate now */
	int hired;        /* the move was a hire: user (and project) say what it made */
	struct user user; /* the new user */
	char project[64]; /* the project they joined as a member ("" none) */
	int filled;       /* the hire filled the position (its status became filled) */
};

/*
 * Move the candidate with id to m->stage at m->version (manager and up):
 * forward to a later stage (skipping allowed), hired only from offer, to
 * rejected from any stage but hired, and back to applied only from rejected.
 * Hiring creates the user (without a password: an admin sets it) and the
 * membership of the position's project, and marks the position filled when
 * its hires reach its openings; all of it or nothing. Audited as "stage".
 */
int candidate_move(struct store *st, const struct actor *a, const char *id,
		   const struct stage_move *m, struct stage_result *out, struct err *err);

/* The move's answer: {"candidate":{...},"user":{...}|null,"project":code|null,"filled":bool}. */
void stage_result_write_json(struct jw *w, const struct stage_result *r);

#endif
