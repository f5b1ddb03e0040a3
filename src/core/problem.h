/*
 * problem.h - problems a customer meets (step 4 of the method: execution,
 * after-sale): a project noun of the entity engine (core/problem.c) with a
 * status that moves only by problem_move (open -> in_progress -> resolved ->
 * closed, and reopen), each move kept with who and when; an SLA due time from
 * the severity through the project's SLA table; and the per-owner summary in
 * which overdue problems count against their owner.
 */
#ifndef CORE_PROBLEM_H
#define CORE_PROBLEM_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/entity.h"

extern const struct entity problem_entity;

/* The severities, least first, and how many. */
#define PROBLEM_SEVERITIES 4
extern const char *const problem_severities[PROBLEM_SEVERITIES + 1];

/* The standard SLA of each severity in hours (low, medium, high, critical). */
extern const int64_t problem_sla_default_hours[PROBLEM_SEVERITIES];

/* A project's SLA table: the hours of each severity, and whether the project set it. */
struct problem_sla {
	int64_t hours[PROBLEM_SEVERITIES];
	int set[PROBLEM_SEVERITIES];
};

/* The SLA table of project code (any project role reads it). */
int problem_sla_get(struct store *st, const struct actor *a, const char *code,
		    struct problem_sla *out, struct err *err);

/*
 * Change the hours of the severities whose given[i] is set (project manager
 * and up), each 1 to 8760 hours (a year); audited. Problems already open keep
 * the due time they were given; a new problem, or one whose severity changes,
 * takes the table as it is then. out: the table now.
 */
int problem_sla_set(struct store *st, const struct actor *a, const char *code,
		    const int64_t hours[PROBLEM_SEVERITIES], const int given[PROBLEM_SEVERITIES],
		    struct problem_sla *out, struct err *err);

/* {"project":code,"sla":[{"severity","hours","standard_hours","custom":bool}...]}, least severe first. */
void problem_sla_write_json(struct jw *w, const char *code, const struct problem_sla *s);

/* Parse an SLA as a user types it: "4h", "2d" or a number of hours. */
int problem_sla_parse(const char *text, const char *field, int64_t *hours, struct err *err);

/* A move of a problem to another status, at the version the mover saw. */
struct problem_move {
	const char *status;     /* in_progress, resolved, closed, open (reopen) */
	int64_t version;
	const char *resolution; /* required to resolve; refused otherwise */
	const char *note;       /* optional, kept in the history */
	int64_t at;             /* the moment of the move (0: now); not before the last move */
};

/*
 * Move the problem with id in project code (its owner, or a project manager
 * and up): open -> in_progress (start); open or in_progress -> resolved (with
 * a resolution); resolved -> closed; resolved or closed -> open (reopen,
 * which takes the resolution away; the due time stays). Kept in the history,
 * audited as "status". out: a record of problem_entity.size, the problem now.
 */
int problem_move(struct store *st, const struct actor *a, const char *code, const char *id,
		 const struct problem_move *m, void *out, struct err *err);

/* One owner's line of the summary (or the project's total: login ""). */
struct problem_owner_sum {
	char login[64];
	char name[128];
	int64_t open;            /* open or in progress */
	int64_t overdue;         /* of those, past their due time */
	int64_t resolved;        /* resolved or closed */
	int64_t resolved_in_sla; /* of those, resolved by their due time */
};

struct problem_summary {
	char project[64];
	int64_t now;
	struct problem_owner_sum total;
	struct problem_owner_sum *owners;
	size_t nowners;
};

/*
 * The per-owner summary of project code at the moment now (0: now), for any
 * project role: every owner of a problem, by login.
 */
int problem_summary(struct store *st, const struct actor *a, const char *code, int64_t now,
		    struct problem_summary *out, struct err *err);
void problem_summary_release(struct problem_summary *s);

/*
 * {"project","at","total":{...},"owners":[{"owner","name","open","overdue","resolved",
 * "resolved_in_sla","sla_rate"}]}: sla_rate is resolved_in_sla / resolved (null when none).
 */
void problem_summary_write_json(struct jw *w, const struct problem_summary *s);

#endif
