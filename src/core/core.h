/*
 * core.h - what every domain module shares: the acting user, workspace and
 * project roles, the permission checks (the one place each rule lives), and
 * small validation helpers. Both faces (CLI, HTTP) call core with an actor.
 */
#ifndef CORE_CORE_H
#define CORE_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* Workspace roles, ordered by power. */
enum role { ROLE_VIEWER = 0, ROLE_REP, ROLE_MANAGER, ROLE_ADMIN };

/* Project roles, ordered by power; PROLE_NONE = not a member. */
enum prole { PROLE_NONE = 0, PROLE_VIEWER, PROLE_MEMBER, PROLE_MANAGER, PROLE_OWNER };

/* Who is acting: every core call that reads or writes takes one. */
struct actor {
	int64_t user_id;
	enum role role;
	char login[64];
};

/* Sentinel for "no id" / "no value" in int64 fields that map to NULL. */
#define NO_ID INT64_MIN
/* Sentinel for "no date" in int32 *_on fields. */
#define NO_DATE INT32_MIN

const char *role_str(enum role r);
int role_parse(const char *s, enum role *out, struct err *err);
const char *prole_str(enum prole r);
int prole_parse(const char *s, enum prole *out, struct err *err);

/* Load the actor for login (must exist and be active). */
int actor_load(struct store *st, const char *login, struct actor *out, struct err *err);

/* Require at least workspace role min, else ERR_DENIED naming what was attempted. */
int require_role(const struct actor *a, enum role min, const char *what, struct err *err);

/*
 * Who sees which project, the one rule: workspace admins and managers see
 * every project, drafts included; reps and viewers see the projects they are
 * members of (a draft too, when they are on it). True for the former.
 */
int project_sees_all(const struct actor *a);

/*
 * The actor's effective role in a project: admins act as owners everywhere,
 * others as their membership says (a workspace viewer never above viewer); a
 * workspace manager who is not a member reads as a project viewer. Returns
 * PROLE_NONE for those who may not see it.
 */
enum prole project_access(struct store *st, const struct actor *a, int64_t project_id,
			  struct err *err);

/*
 * Require project role min in the project. A non-member gets ERR_NOT_FOUND (the
 * project's existence is not revealed), a member below min gets ERR_DENIED.
 */
int require_project(struct store *st, const struct actor *a, int64_t project_id,
		    const char *project_code, enum prole min, const char *what, struct err *err);

/*
 * Copy s into dst (size bytes) after checking it: valid UTF-8, no control
 * characters (newlines allowed when multiline), at most size-1 bytes, and not
 * empty when required. field names it in the error.
 */
int text_field(char *dst, size_t size, const char *s, int required, int multiline,
	       const char *field, struct err *err);

/* A code (project code, SKU, channel code...): 1-63 bytes of [A-Za-z0-9_.-]. */
int code_field(char *dst, size_t size, const char *s, const char *field, struct err *err);

/* Whether s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t len);

#endif
