/*
 * user.c - POST /api/v1/users/{login}/password: set a password, which ends
 * the user's sessions; a user's wrong current passwords are limited like
 * sign-ins. The rest of /api/v1/users is the entity engine's (core/user.c).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "core/auth.h"
#include "core/user.h"
#include "base/banned.h"

/*
 * Wrong current passwords on a password change are limited like sign-ins
 * (auth_limit_*, in the database, so every server counts them together): a
 * borrowed session or token cannot guess the password at the speed of the hash.
 */
static void user_key(int64_t user_id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)user_id);
}

static int set_password(struct api_req *r, struct err *err)
{
	const char *password = NULL, *current = NULL;
	const struct api_field fields[] = {
		{ "password", API_STR, API_REQUIRED, &password },
		{ "current_password", API_STR, 0, &current },
		{ NULL },
	};
	const char *login = api_param(r, "login");
	int self = !strcmp(login, r->actor.login);
	int64_t now = ts_now();
	struct user u;
	char who[24];
	int rc = -1, wait = 0;

	if (api_parse(r, fields, err))
		return -1;
	if (!self && r->actor.role != ROLE_ADMIN)
		return err_set(err, ERR_DENIED, NULL, "admin_only", "only an admin may set another user's password");
	if (self && !current)
		return err_set(err, ERR_INVALID, "current_password", "current_password_required",
			       "current_password is required to change your own password");
	user_key(r->actor.user_id, who);
	if (self && auth_limit_wait(r->st, AUTH_LIMIT_PASSWORD, who, NULL, now, &wait, err))
		return -1;
	if (self && wait > 0) {
		r->retry_after = wait;
		return err_set(err, ERR_RATE_LIMITED, "current_password",
			       "password_check_throttled:_,seconds",
			       "too many wrong current passwords for %.60s; try again in %d seconds",
			       login, wait);
	}
	if (api_hash_begin(r, err))
		return -1;
	rc = self ? user_verify_password(r->st, login, current, &u, err) : 0;
	if (rc && err->code == ERR_UNAUTHENTICATED) {
		if (auth_limit_failed(r->st, AUTH_LIMIT_PASSWORD, who, NULL, now, err))
			goto hashed;
		err_set(err, ERR_INVALID, "current_password", "current_password_wrong", "the current password is wrong");
	} else if (!rc && self && auth_limit_clear(r->st, AUTH_LIMIT_PASSWORD, who, NULL, err)) {
		rc = -1;
	}
	if (!rc)
		rc = user_set_password(r->st, &r->actor, login, password, err);
hashed:
	api_hash_end();
	if (rc || user_get(r->st, login, &u, err))
		return -1;
	/* Every session of the user ends; one changing their own keeps working in a new one. */
	if (auth_session_revoke_user(r->st, u.id, err))
		return -1;
	if (self && r->auth == API_AUTH_SESSION && api_session_start(r, &u, err))
		return -1;
	jw_obj(&r->jw);
	jw_kbool(&r->jw, "password_changed", 1);
	if (self && r->auth == API_AUTH_SESSION)
		jw_kstr(&r->jw, "csrf_token", r->csrf_token);
	jw_obj_end(&r->jw);
	return 0;
}

const struct api_route api_user_routes[] = {
	{ "POST", "/api/v1/users/{login}/password", set_password, ROLE_VIEWER, API_NO_IDEMPOTENCY },
	{ NULL },
};
