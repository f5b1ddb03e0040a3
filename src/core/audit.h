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

#endif
