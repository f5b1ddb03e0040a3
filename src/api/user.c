/*
 * user.c - /api/v1/users: list, add (admin), show, change (admin, or users
 * for their own name and email), and set a password, which ends the user's
 * sessions; a user's wrong current passwords are limited like sign-ins.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "core/auth.h"
#include "core/user.h"
#include "base/banned.h"

static int list_users(struct api_req *r, struct err *err)
{
	struct user_list l = { 0 };

	if (user_list(r->st, &r->actor, &l, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "users");
	jw_arr(&r->jw);
	for (size_t i = 0; i < l.n; i++)
		user_write_json(&r->jw, &l.items[i]);
	jw_arr_end(&r->jw);
	jw_obj_end(&r->jw);
	user_list_release(&l);
	return 0;
}

static int create_user(struct api_req *r, struct err *err)
{
	struct user_input in = { 0 };
	const struct api_field fields[] = {
		{ "login", API_STR, API_REQUIRED, &in.login },
		{ "name", API_STR, API_REQUIRED, &in.name },
		{ "email", API_STR, 0, &in.email },
		{ "role", API_STR, API_REQUIRED, &in.role },
		{ "password", API_STR, API_NULLABLE, &in.password },
		{ NULL },
	};
	struct user u;
	int rc;

	if (api_parse(r, fields, err) ||
	    require_role(&r->actor, ROLE_ADMIN, "adding users", err))
		return -1;
	if (in.password && api_hash_begin(r, err))
		return -1;
	rc = user_create(r->st, &r->actor, &in, &u, err);
	if (in.password)
		api_hash_end();
	if (rc)
		return -1;
	r->status = 201;
	user_write_json(&r->jw, &u);
	return 0;
}

static int get_user(struct api_req *r, struct err *err)
{
	struct user u;

	if (user_get(r->st, api_param(r, "login"), &u, err))
		return -1;
	user_write_json(&r->jw, &u);
	return 0;
}

static int update_user(struct api_req *r, struct err *err)
{
	struct user cur, out;
	const char *name = NULL, *email = NULL, *role = NULL;
	int active = -1;
	int64_t version = 0;
	const struct api_field fields[] = {
		{ "version", API_INT, API_REQUIRED, &version },
		{ "name", API_STR, 0, &name },
		{ "email", API_STR, 0, &email },
		{ "role", API_STR, 0, &role },
		{ "active", API_BOOL, 0, &active },
		{ NULL },
	};

	if (api_parse(r, fields, err) || user_get(r->st, api_param(r, "login"), &cur, err))
		return -1;
	if (api_copy(cur.name, sizeof(cur.name), name, "name", err) ||
	    api_copy(cur.email, sizeof(cur.email), email, "email", err))
		return -1;
	if (role && role_parse(role, &cur.role, err))
		return -1;
	if (active >= 0)
		cur.active = active;
	cur.version = version;
	/* core signs a deactivated user out and revokes their tokens in the same write */
	if (user_update(r->st, &r->actor, &cur, &out, err))
		return -1;
	user_write_json(&r->jw, &out);
	return 0;
}

/*
 * Wrong current passwords on a password change are limited like sign-ins:
 * after PW_CHECK_FAILURES_MAX in PW_CHECK_WINDOW seconds, the user's next
 * checks are refused (429) until the window ends, so a borrowed session or
 * token cannot guess the password at the speed of the hash.
 */
#define PW_CHECK_FAILURES_MAX 5
#define PW_CHECK_WINDOW 900
#define PW_CHECK_SLOTS 256

struct pw_check_slot {
	int64_t user_id; /* 0 = free (ids start at 1) */
	int failures;
	int64_t window_start;
};

static pthread_mutex_t pw_check_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pw_check_slot pw_check_slots[PW_CHECK_SLOTS];

static struct pw_check_slot *pw_check_slot(int64_t user_id)
{
	return &pw_check_slots[(uint64_t)user_id % PW_CHECK_SLOTS];
}

/* Seconds until user_id's current password may be checked again, or 0. */
static int pw_check_blocked(int64_t user_id, int64_t now)
{
	struct pw_check_slot *s = pw_check_slot(user_id);
	int wait = 0;
	pthread_mutex_lock(&pw_check_lock);
	if (s->user_id == user_id && s->failures >= PW_CHECK_FAILURES_MAX &&
	    now < s->window_start + PW_CHECK_WINDOW)
		wait = (int)(s->window_start + PW_CHECK_WINDOW - now);
	pthread_mutex_unlock(&pw_check_lock);
	return wait;
}

static void pw_check_failed(int64_t user_id, int64_t now)
{
	struct pw_check_slot *s = pw_check_slot(user_id);
	pthread_mutex_lock(&pw_check_lock);
	/* a slot that blocks another user keeps it to the end of its window */
	if (s->user_id != user_id && s->user_id && s->failures >= PW_CHECK_FAILURES_MAX &&
	    now < s->window_start + PW_CHECK_WINDOW) {
		pthread_mutex_unlock(&pw_check_lock);
		return;
	}
	if (s->user_id != user_id || now >= s->window_start + PW_CHECK_WINDOW) {
		s->user_id = user_id;
		s->failures = 0;
		s->window_start = now;
	}
	s->failures++;
	pthread_mutex_unlock(&pw_check_lock);
}

static void pw_check_passed(int64_t user_id)
{
	struct pw_check_slot *s = pw_check_slot(user_id);
	pthread_mutex_lock(&pw_check_lock);
	if (s->user_id == user_id)
		s->user_id = 0;
	pthread_mutex_unlock(&pw_check_lock);
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
	int rc, wait;

	if (api_parse(r, fields, err))
		return -1;
	if (!self && r->actor.role != ROLE_ADMIN)
		return err_set(err, ERR_DENIED, NULL, "admin_only", "only an admin may set another user's password");
	if (self && !current)
		return err_set(err, ERR_INVALID, "current_password", "current_password_required",
			       "current_password is required to change your own password");
	if (self && (wait = pw_check_blocked(r->actor.user_id, now)) > 0) {
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
		pw_check_failed(r->actor.user_id, now);
		err_set(err, ERR_INVALID, "current_password", "current_password_wrong", "the current password is wrong");
	} else if (!rc && self) {
		pw_check_passed(r->actor.user_id);
	}
	if (!rc)
		rc = user_set_password(r->st, &r->actor, login, password, err);
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
	{ "GET", "/api/v1/users", list_users, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/users", create_user, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/users/{login}", get_user, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/v1/users/{login}", update_user, ROLE_VIEWER, 0 },
	{ "POST", "/api/v1/users/{login}/password", set_password, ROLE_VIEWER, 0 },
	{ NULL },
};
