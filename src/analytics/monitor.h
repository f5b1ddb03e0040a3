/*
 * monitor.h - a project's monitoring panels (SPEC step 5, analytics/monitor.c):
 * the activity volume per member and ISO week by phase, the open problems by
 * age and SLA state, the collections due and overdue, the tasks overdue. Every
 * figure carries the list filters that give back exactly the records it
 * counts (its drill-down), so a face never works a filter out for itself.
 */
#ifndef ANALYTICS_MONITOR_H
#define ANALYTICS_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

/* The weeks of the activity panel: the last 12 ISO weeks up to as-of (within the project). */
#define MONITOR_WEEKS 12
/* pre_sale, in_sale, after_sale: activity_phases (core/engagement.h) */
#define MONITOR_PHASES 3
/* problems' ages in days: 0-2, 3-7, 8-30, over 30 */
#define MONITOR_AGES 4
/* within the SLA, due soon (less than a quarter of it left), breached */
#define MONITOR_SLAS 3
/* low, medium, high, critical: problem_severities (core/problem.h) */
#define MONITOR_SEVERITIES 4
/* collections overdue by days late: 1-30, 31-60, 61-90, over 90 */
#define MONITOR_AGINGS 4

extern const char *const monitor_ages[MONITOR_AGES + 1];
extern const char *const monitor_slas[MONITOR_SLAS + 1];
extern const char *const monitor_agings[MONITOR_AGINGS + 1];

struct monitor_member {
	char login[64];
	char name[128];
	int64_t weeks[MONITOR_WEEKS][MONITOR_PHASES]; /* done activities per week and phase */
	int64_t total[MONITOR_PHASES];
	int64_t all;
};

struct monitor_money {
	int64_t count, amount_minor; /* collections, and what is outstanding on them */
};

struct monitor_assignee {
	char login[64];
	char name[128];
	int64_t overdue, due_week; /* open tasks due before as-of; due as-of .. that Sunday */
	int64_t oldest_id;         /* the overdue task due first (0: none) */
	int32_t oldest_due;
	char oldest_title[256];
};

struct monitor {
	char project[64];
	int32_t as_of;
	int64_t at; /* the instant problems' ages and SLAs are judged at */
	/* activities: nweeks weeks (0 before the project starts), Mondays oldest first */
	size_t nweeks;
	int32_t monday[MONITOR_WEEKS];
	int32_t week_last[MONITOR_WEEKS]; /* each week's last day counted (Sunday, or as-of) */
	int64_t week_total[MONITOR_WEEKS][MONITOR_PHASES];
	int64_t phase_total[MONITOR_PHASES];
	int64_t activities;
	struct monitor_member *members; /* the project's members (viewers aside) and anyone counted */
	size_t nmembers;
	/* problems open (open or in progress) */
	int64_t problems_open;
	int64_t age_sla[MONITOR_AGES][MONITOR_SLAS];
	int64_t sev_sla[MONITOR_SEVERITIES][MONITOR_SLAS];
	/* collections with money outstanding */
	struct monitor_money due7, due30, overdue, aging[MONITOR_AGINGS];
	/* tasks not done */
	int64_t tasks_overdue, tasks_due_week;
	int32_t week_end; /* the Sunday of as-of's week */
	struct monitor_assignee *assignees; /* those with a task overdue or due this week */
	size_t nassignees;
};

/*
 * The panels of project code as of the day as_of, problems judged at the
 * instant at, as actor sees them (any reader of the project sees the same),
 * in one read transaction.
 */
int monitor_build(struct store *st, const struct actor *a, const char *code, int32_t as_of,
		  int64_t at, struct monitor *out, struct err *err);
void monitor_release(struct monitor *m);

/*
 * A problem's SLA state at the instant at (an index of monitor_slas): breached
 * past its due time; due soon when a quarter of its time or less is left
 * (4 at >= 3 due + opened: the problems list's filter "due_soon" in integers);
 * within otherwise.
 */
int monitor_sla(int64_t opened, int64_t due, int64_t at);

/* The age bucket (an index of monitor_ages) of a problem opened at opened, at at: whole days. */
int monitor_age(int64_t opened, int64_t at);

/* The ISO week of the Monday monday as "2027-W03" (the year and week of its Thursday). */
void monitor_iso_week(int32_t monday, char *out, size_t size);

/*
 * {"project","as_of","at","activity":{"weeks":[{"week","iso","from","to","counts":{phase:n},
 *  "total","query"}],"phases":{..},"total","members":[{"login","name","weeks":[{phase:n}],
 *  "counts","total","query"}]},"problems":{"open","query","by_age":[{"age","counts":{sla:n},
 *  "total","query"}],"by_sla":[{"sla","count","query"}],"by_severity":[...]},
 *  "collections":{"due_7","due_30","overdue":{"count","amount","query"},"aging":[...]},
 *  "tasks":{"overdue","due_week","query_overdue","query_due_week","oldest","assignees":[...]}}.
 * Each "query" is the list filters ({name: value}) of the records the figure counts.
 */
void monitor_write_json(struct jw *w, const struct monitor *m);

#endif
