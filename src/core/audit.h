/*
 * audit.h - reading the audit log that every write appends to (tx_audit):
 * newest first, filtered by entity, paged by id. Admins only.
 */
#ifndef CORE_AUDIT_H
#define CORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

struct audit_entry {
	int64_t id, at;
	int64_t actor_id; /* NO_ID for the system */
	char actor[64];   /* login, "" for the system */
	char entity[32];
	int64_t entity_id; /* NO_ID when none */
	char action[32];
	char *before, *after; /* JSON text or NULL; owned by the list */
};

struct audit_list {
	struct audit_entry *items;
	size_t n, alloc;
};

struct audit_filter {
	const char *entity;  /* NULL = any */
	int64_t entity_id;   /* NO_ID = any */
	int64_t before_id;   /* NO_ID = from the newest; else entries with a smaller id */
	int64_t limit;       /* 1..AUDIT_LIMIT_MAX */
};

#define AUDIT_LIMIT_MAX 500

/*
 * The id of the newest audit row: every write appends one in its own
 * transaction, so this names the state of the data (answers computed from the
 * data stay valid while it is unchanged). 0 for an empty log.
 */
int audit_last_id(struct store *st, int64_t *id, struct err *err);

/* Entries matching f, newest first (admin only). */
int audit_list(struct store *st, const struct actor *a, const struct audit_filter *f,
	       struct audit_list *out, struct err *err);
void audit_list_release(struct audit_list *l);

void audit_entry_write_json(struct jw *w, const struct audit_entry *e);

/*
 * The string value of a top-level key of a JSON object's text (the audit's
 * records are flat objects written by jw), unescaped only as far as the codes
 * it is used for need; "" when absent or not a string.
 */
void audit_json_str(const char *json, const char *key, char *out, size_t size);

/*
 * The project code a written record belongs to (its row's project, else the
 * "project" its JSON before / after names): "" for a workspace record (a
 * user, a product) or when it cannot be told.
 */
int audit_project_of(struct store *st, const char *entity, int64_t entity_id, const char *before,
		     const char *after, char *out, size_t size, struct err *err);

/* One audit row as a change: what was written, in which project. */
struct audit_change {
	int64_t id;
	char project[64]; /* "" when workspace-wide */
	char entity[32];
	int64_t entity_id; /* NO_ID when none */
	char action[32];
	char *before, *after; /* used while reading; NULL in the answer */
};

/*
 * The audit rows with an id above after, oldest first, at most limit read,
 * but for those in skip (ascending ids already seen: on PostgreSQL ids are
 * taken in one order and may commit in another), each with its project;
 * *out is the caller's to free().
 */
int audit_changes_after(struct store *st, int64_t after, size_t limit, const int64_t *skip,
			size_t nskip, struct audit_change **out, size_t *n, struct err *err);

#endif
