/*
 * project.h - sales projects: code, name, dates, status (draft / active /
 * closed), budget, the company objective they serve, and their members.
 */
#ifndef CORE_PROJECT_H
#define CORE_PROJECT_H

#include <stddef.h>

#include "base/jw.h"
#include "core/core.h"

struct project {
	int64_t id;
	char code[64];
	char name[200];
	char description[2000];
	char objective[500];
	int32_t start_on, end_on;
	char status[8];
	int64_t budget_minor;
	int64_t owner_id; /* NO_ID when none */
	/* closing: NO_ID / "" while open (a reopen clears them) */
	int64_t closed_at, closed_by;
	char closed_by_login[64];
	char close_note[2000];
	int64_t version, created_at, updated_at;
};

struct project_list {
	struct project *items;
	size_t n, alloc;
};

struct member {
	int64_t id, project_id, user_id;
	char login[64];
	char name[128];
	enum prole role;
	int64_t capacity_bp; /* of a full-time seller's load, basis points (10000: full) */
	char territory[256]; /* the regions, segments or accounts they cover, in words */
	int64_t version, created_at, updated_at;
};

struct member_list {
	struct member *items;
	size_t n, alloc;
};

/*
 * Create a project (manager or admin); the creator becomes its owner member.
 * in->code, name, start_on, end_on are required; status defaults to draft.
 */
int project_create(struct store *st, const struct actor *a, const struct project *in,
		   struct project *out, struct err *err);

/* Load by code without a permission check (internal use). */
int project_load(struct store *st, const char *code, struct project *out, struct err *err);

/* Load by code for actor: a project the actor may not see is "not found". */
int project_get(struct store *st, const struct actor *a, const char *code, struct project *out,
		struct err *err);

/* The projects the actor may see (project_sees_all(), core.h), by start date then code. */
int project_list(struct store *st, const struct actor *a, struct project_list *out,
		 struct err *err);
void project_list_release(struct project_list *l);

/*
 * Replace the editable fields of project want->code at want->version
 * (project manager or owner). ERR_CONFLICT when the version is stale, and
 * project_closed when the project is closed (reopen it first: a reason is
 * kept). A status set to closed closes it as project_close does (no note). A new
 * owner_id hands the project over: only its owner or an admin may (else
 * ERR_DENIED on owner_id), only to an active member (else ERR_INVALID,
 * owner_not_member); the new owner's membership becomes owner and the
 * previous owner's, when owner, becomes manager.
 */
int project_update(struct store *st, const struct actor *a, const struct project *want,
		   struct project *out, struct err *err);

/*
 * Close project code at version (its owner or a manager of it, or a
 * workspace admin or manager): status closed, closed_at now, closed_by the
 * actor, close_note note (may be empty); every member of it (not viewers) is
 * asked for their peer reviews in the inbox. ERR_CONFLICT project_closed when
 * it is closed already, or stale_version. From then on its figures are frozen
 * (core/tx.h): only comments, reviews, lessons and adjustments write to it.
 */
int project_close(struct store *st, const struct actor *a, const char *code, int64_t version,
		  const char *note, struct project *out, struct err *err);

/*
 * Reopen closed project code at version (who may close it) with a reason
 * (required: ERR_INVALID naming reason): status active, the closing cleared,
 * and an adjustment of kind project (status closed -> active, the reason)
 * kept in the same transaction. ERR_CONFLICT project_not_closed when open.
 */
int project_reopen(struct store *st, const struct actor *a, const char *code, int64_t version,
		   const char *reason, struct project *out, struct err *err);

/* Delete a project that has no sales (project owner); else ERR_CONFLICT. */
int project_delete(struct store *st, const struct actor *a, const char *code, int64_t version,
		   struct err *err);

void project_write_json(struct jw *w, const struct project *p);

/*
 * Members are a noun of the entity engine (member_entity, core/member.c);
 * these are its verbs for callers with a project code and a role in hand.
 */
extern const struct entity member_entity;

/* Add login to the project with a role (project manager or owner). */
int member_add(struct store *st, const struct actor *a, const char *code, const char *login,
	       enum prole role, struct member *out, struct err *err);

/* Change a member's role at version. */
int member_update(struct store *st, const struct actor *a, const char *code, const char *login,
		  enum prole role, int64_t version, struct member *out, struct err *err);

/* Remove a member as they are now (not the last owner; an owner only by an owner). */
int member_remove(struct store *st, const struct actor *a, const char *code, const char *login,
		  struct err *err);

/* The members of a project by login (any project role may list). */
int member_list(struct store *st, const struct actor *a, const char *code,
		struct member_list *out, struct err *err);
void member_list_release(struct member_list *l);

/* Find the member with login in project_id; ERR_INVALID naming field when not on it. */
int member_find(struct store *st, int64_t project_id, const char *login, struct member *out,
		const char *field, struct err *err);

void member_write_json(struct jw *w, const struct member *m);

#endif
