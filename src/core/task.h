/*
 * task.h - a project's plan (core/task.c): tasks and milestones, a project
 * noun of the entity engine whose status moves only by task_move (todo ->
 * doing -> done, and reopen), with finish-to-start dependencies between tasks
 * of the same project (task_dep_add refuses a cycle, naming it) and the Gantt
 * view: the tasks, their dependencies and the critical path.
 */
#ifndef CORE_TASK_H
#define CORE_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/entity.h"

extern const struct entity task_entity;

/* The most tasks one task may depend on. */
#define TASK_MAX_DEPS 32

/*
 * Move task id of project code to status (todo, doing, done) at version (its
 * assignee, or a project manager and up). To doing or done only once every
 * task it depends on is done (refused naming the blocking ones); reopen is a
 * move to todo. Audited as "status". out: a record of task_entity.size.
 */
int task_move(struct store *st, const struct actor *a, const char *code, const char *id,
	      const char *status, int64_t version, void *out, struct err *err);

/*
 * Make task id depend on task on (finish-to-start), both of project code:
 * refused for a task of another project, a dependency already there, or one
 * that would close a cycle (named: "#3 → #5 → #3"). remove: take it away
 * (refused when there is none). The assignee of id or a project manager.
 * out: task id as it is now.
 */
int task_dep_set(struct store *st, const struct actor *a, const char *code, const char *id,
		 const char *on, int remove, void *out, struct err *err);

/*
 * The critical path of a graph of n tasks (ids[i], durations dur[i] in days)
 * with m dependencies (task[k] depends on on[k], both ids of the graph, no
 * cycle): the chain of dependent tasks whose durations add up to the most,
 * earliest first, into path (room for n); ties go to the lower ids. Returns
 * the chain's length in tasks; *days its total.
 */
size_t task_critical_path(size_t n, const int64_t *ids, const int64_t *dur, size_t m,
			  const int64_t *task, const int64_t *on, int64_t *path, int64_t *days);

/*
 * The Gantt view of project code as JSON (any project role): {"project",
 * "today", "tasks":[task...], "deps":[{"task","on"}], "critical":[ids...],
 * "critical_days"}.
 */
int task_gantt_write_json(struct store *st, const struct actor *a, const char *code,
			  struct jw *w, struct err *err);

#endif
