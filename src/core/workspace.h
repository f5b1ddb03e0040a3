/*
 * workspace.h - the workspace: its settings (name, currency, time zone) and
 * its creation with a first admin (`salespm init`).
 */
#ifndef CORE_WORKSPACE_H
#define CORE_WORKSPACE_H

#include "core/core.h"

struct workspace {
	char name[128];
	char currency[4];   /* ISO 4217, e.g. CNY */
	char timezone[64];  /* IANA, e.g. Asia/Shanghai */
	char admin[64];     /* login of the first admin, the CLI's default actor */
};

struct workspace_input {
	const char *name, *currency, *timezone, *admin, *admin_name;
	const char *password; /* NULL: the caller generated one */
};

/*
 * Create the workspace in an empty database with its first admin. Refuses
 * (ERR_CONFLICT) when the database already holds a workspace.
 */
int workspace_init(struct store *st, const struct workspace_input *in, struct err *err);

/* Load the settings and make the workspace time zone the process's local zone. */
int workspace_load(struct store *st, struct workspace *out, struct err *err);

/*
 * Only the workspace's currency (out: at least 4 bytes), touching no time zone: for
 * readers on server threads (api_workspace_load keeps the zone).
 */
int workspace_currency(struct store *st, char *out, size_t size, struct err *err);

/* Change name / currency / time zone (admin only); NULL leaves a value alone. */
int workspace_update(struct store *st, const struct actor *a, const char *name,
		     const char *currency, const char *timezone, struct err *err);

/* Whether tz names a zone this machine knows (/usr/share/zoneinfo). */
int timezone_valid(const char *tz);

#endif
