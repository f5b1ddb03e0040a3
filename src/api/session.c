/*
 * session.c - sign-in, sign-out and "who am I" (/api/v1/session, /api/v1/me),
 * with the two guards around password checks: a failed-login limit per login
 * and client address, and a bound on concurrent Argon2id hashes.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "base/date.h"
#include "core/auth.h"
#include "core/user.h"
#include "core/workspace.h"
#include "base/banned.h"

/* Failed sign-ins allowed per login and address inside the window. */
#define LOGIN_FAILURES_MAX 5
#define LOGIN_WINDOW 900
#define LOGIN_SLOTS 1024

struct login_slot {
	uint64_t key;        /* hash of login + address; 0 = free */
	int failures;
	int64_t window_start;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cond = PTHREAD_COND_INITIALIZER;
static struct login_slot slots[LOGIN_SLOTS];
static int hash_running, hash_waiting;
/* The key of login_key()'s hash, random per process: slots cannot be aimed at. */
static unsigned char slot_secret[crypto_shorthash_KEYBYTES];

void api_global_init(void)
{
	api_entity_init();
	if (sodium_init() < 0)
		fprintf(stderr, "salespm: libsodium failed to initialise\n");
	randombytes_buf(slot_secret, sizeof(slot_secret));
}

void api_global_release(void)
{
}

int api_hash_begin(struct api_req *r, struct err *err)
{
	pthread_mutex_lock(&lock);
	if (hash_running >= API_HASH_SLOTS && hash_waiting >= API_HASH_QUEUE) {
		pthread_mutex_unlock(&lock);
		r->retry_after = 1;
		return err_set(err, ERR_RATE_LIMITED, NULL, "hash_busy",
			       "too many password checks at once; try again in a second");
	}
	hash_waiting++;
	while (hash_running >= API_HASH_SLOTS)
		pthread_cond_wait(&hash_cond, &lock);
	hash_waiting--;
	hash_running++;
	pthread_mutex_unlock(&lock);
	return 0;
}

void api_hash_end(void)
{
	pthread_mutex_lock(&lock);
	hash_running--;
	pthread_cond_signal(&hash_cond);
	pthread_mutex_unlock(&lock);
}

static uint64_t login_key(const char *login, const char *ip)
{
	/*
	 * Keyed SipHash of login, then of that and ip: with a public hash a caller
	 * could pick logins that land on another's slot and evict its count.
	 * 0 is reserved for a free slot.
	 */
	unsigned char h[crypto_shorthash_BYTES], m[crypto_shorthash_BYTES + 64];
	size_t iplen = ip ? strnlen(ip, 64) : 0;
	uint64_t v;

	crypto_shorthash(h, (const unsigned char *)login, strlen(login), slot_secret);
	memcpy(m, h, sizeof(h));
	if (iplen)
		memcpy(m + sizeof(h), ip, iplen);
	crypto_shorthash(h, m, sizeof(h) + iplen, slot_secret);
	memcpy(&v, h, sizeof(v));
	return v ? v : 1;
}

/* Seconds until login may try again from ip, or 0 when it may now. */
static int login_blocked(uint64_t key, int64_t now)
{
	struct login_slot *s = &slots[key % LOGIN_SLOTS];
	int wait = 0;
	pthread_mutex_lock(&lock);
	if (s->key == key && s->failures >= LOGIN_FAILURES_MAX &&
	    now < s->window_start + LOGIN_WINDOW)
		wait = (int)(s->window_start + LOGIN_WINDOW - now);
	pthread_mutex_unlock(&lock);
	return wait;
}

static void login_failed(uint64_t key, int64_t now)
{
	struct login_slot *s = &slots[key % LOGIN_SLOTS];
	pthread_mutex_lock(&lock);
	/*
	 * A colliding or expired slot starts over: the table forgets, it never
	 * blocks wrongly. A slot that blocks another login keeps it to the end of
	 * its window, so failures elsewhere never lift a block.
	 */
	if (s->key != key && s->key && s->failures >= LOGIN_FAILURES_MAX &&
	    now < s->window_start + LOGIN_WINDOW) {
		pthread_mutex_unlock(&lock);
		return;
	}
	if (s->key != key || now >= s->window_start + LOGIN_WINDOW) {
		s->key = key;
		s->failures = 0;
		s->window_start = now;
	}
	s->failures++;
	pthread_mutex_unlock(&lock);
}

static void login_succeeded(uint64_t key)
{
	struct login_slot *s = &slots[key % LOGIN_SLOTS];
	pthread_mutex_lock(&lock);
	if (s->key == key)
		s->key = 0;
	pthread_mutex_unlock(&lock);
}

int api_workspace_load(struct store *st, struct workspace *out, struct err *err)
{
	static pthread_mutex_t ws_lock = PTHREAD_MUTEX_INITIALIZER;
	int r;
	/* workspace_load() calls setenv("TZ"): one thread at a time. */
	pthread_mutex_lock(&ws_lock);
	r = workspace_load(st, out, err);
	pthread_mutex_unlock(&ws_lock);
	return r;
}

static void session_cookie(struct api_req *r, const char *token)
{
	if (token)
		snprintf(r->set_cookie, sizeof(r->set_cookie),
			 "salespm_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", token,
			 AUTH_SESSION_TTL, r->secure ? "; Secure" : "");
	else
		snprintf(r->set_cookie, sizeof(r->set_cookie),
			 "salespm_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0%s",
			 r->secure ? "; Secure" : "");
}

int api_session_start(struct api_req *r, const struct user *u, struct err *err)
{
	char token[AUTH_SECRET_MAX];
	struct auth_session s;

	if (auth_session_create(r->st, u->id, token, &s, err))
		return -1;
	session_cookie(r, token);
	sodium_memzero(token, sizeof(token));
	snprintf(r->csrf_token, sizeof(r->csrf_token), "%s", s.csrf_token);
	return 0;
}

static int post_session(struct api_req *r, struct err *err)
{
	const char *login = NULL, *password = NULL;
	const struct api_field fields[] = {
		{ "login", API_STR, API_REQUIRED, &login },
		{ "password", API_STR, API_REQUIRED, &password },
		{ NULL },
	};
	struct user u;
	uint64_t key;
	int64_t now = ts_now();
	int wait, rc;

	if (api_parse(r, fields, err))
		return -1;
	key = login_key(login, r->client_ip);
	wait = login_blocked(key, now);
	if (wait > 0) {
		r->retry_after = wait;
		return err_set(err, ERR_RATE_LIMITED, "login", "login_throttled:login,seconds",
			       "too many failed sign-ins for %.60s; try again in %d seconds", login,
			       wait);
	}
	if (api_hash_begin(r, err))
		return -1;
	rc = user_verify_password(r->st, login, password, &u, err);
	api_hash_end();
	if (rc) {
		if (err->code == ERR_UNAUTHENTICATED)
			login_failed(key, now);
		return -1;
	}
	login_succeeded(key);
	if (api_session_start(r, &u, err))
		return -1;
	r->actor.user_id = u.id;
	r->actor.role = u.role;
	snprintf(r->actor.login, sizeof(r->actor.login), "%s", u.login);
	jw_obj(&r->jw);
	jw_key(&r->jw, "user");
	user_write_json(&r->jw, &u);
	jw_kstr(&r->jw, "csrf_token", r->csrf_token);
	jw_obj_end(&r->jw);
	return 0;
}

static int delete_session(struct api_req *r, struct err *err)
{
	if (r->auth == API_AUTH_SESSION && auth_session_revoke(r->st, r->session_token, err))
		return -1;
	session_cookie(r, NULL);
	jw_obj(&r->jw);
	jw_kbool(&r->jw, "signed_out", 1);
	jw_obj_end(&r->jw);
	return 0;
}

static int get_me(struct api_req *r, struct err *err)
{
	struct user u;
	struct workspace ws;

	if (user_get_id(r->st, r->actor.user_id, &u, err) ||
	    api_workspace_load(r->st, &ws, err))
		return -1;
	jw_obj(&r->jw);
	jw_key(&r->jw, "user");
	user_write_json(&r->jw, &u);
	jw_kstr(&r->jw, "csrf_token", r->auth == API_AUTH_SESSION ? r->csrf_token : NULL);
	jw_key(&r->jw, "workspace");
	jw_obj(&r->jw);
	jw_kstr(&r->jw, "name", ws.name);
	jw_kstr(&r->jw, "currency", ws.currency);
	jw_kstr(&r->jw, "timezone", ws.timezone);
	jw_obj_end(&r->jw);
	jw_obj_end(&r->jw);
	return 0;
}

const struct api_route api_session_routes[] = {
	{ "POST", "/api/v1/session", post_session, API_PUBLIC, API_NO_CSRF },
	{ "DELETE", "/api/v1/session", delete_session, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/me", get_me, ROLE_VIEWER, 0 },
	{ NULL },
};
