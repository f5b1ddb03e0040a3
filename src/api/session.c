/*
 * session.c - sign-in, sign-out and "who am I" (/api/v1/session, /api/v1/me),
 * with the two guards around password checks: a failed-login limit per login
 * and client address, and the pool that runs Argon2id off the request threads
 * with a bounded queue (a full queue is a 429 at once, never a wait).
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "api/api.h"
#include "base/date.h"
#include "core/auth.h"
#include "core/user.h"
#include "core/workspace.h"
#include "base/banned.h"

/* The pool's threads yield to the request threads: a sign-in may wait, /livez may not. */
#define HASH_NICE 10

/* A sign-in's password check, from api_hash_start() to api_hash_job_free(). */
struct api_hash_job {
	struct api_hash_job *next;
	char *login, *password; /* copies; the password is wiped when checked */
	char ip[64];            /* the address signing in: failed sign-ins count per login and address */
	int64_t now;
	void (*done)(void *ctx);
	void *ctx;
	/* the outcome */
	int rc;
	struct user user;
	struct err err;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cond = PTHREAD_COND_INITIALIZER;
static int hash_running; /* hashes running now, pool and request threads together */

/* The pool (its queue and state under lock). */
static struct {
	pthread_cond_t work;
	pthread_t threads[API_HASH_SLOTS];
	int nthreads, queued, stopping;
	struct api_hash_job *head, *tail;
	char *db_path;
} pool = { .work = PTHREAD_COND_INITIALIZER };

void api_global_init(void)
{
	api_entity_init();
	if (sodium_init() < 0)
		fprintf(stderr, "salespm: libsodium failed to initialise\n");
}

void api_global_release(void)
{
	api_hash_pool_stop();
}

int api_hash_begin(struct api_req *r, struct err *err)
{
	pthread_mutex_lock(&lock);
	if (hash_running >= API_HASH_SLOTS) {
		pthread_mutex_unlock(&lock);
		r->retry_after = 1;
		return err_set(err, ERR_RATE_LIMITED, NULL, "hash_busy",
			       "too many password checks at once; try again in a second");
	}
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

void api_hash_job_free(struct api_hash_job *job)
{
	if (!job)
		return;
	free(job->login);
	if (job->password) {
		sodium_memzero(job->password, strlen(job->password));
		free(job->password);
	}
	free(job);
}

/* Check one password on a pool thread (st: the thread's store, opened on first use). */
static void hash_run(struct api_hash_job *j, struct store **st)
{
	pthread_mutex_lock(&lock);
	/* A request thread may hold a slot (a password being set): wait, we are no request. */
	while (hash_running >= API_HASH_SLOTS)
		pthread_cond_wait(&hash_cond, &lock);
	hash_running++;
	pthread_mutex_unlock(&lock);
	if (!*st)
		*st = store_open(pool.db_path, 0, &j->err);
	if (!*st) {
		if (j->err.code != ERR_UNAVAILABLE)
			err_set(&j->err, ERR_UNAVAILABLE, "db", "db_unavailable",
				"the database cannot be opened");
		j->rc = -1;
	} else {
		j->rc = user_verify_password(*st, j->login, j->password, &j->user, &j->err);
	}
	api_hash_end();
	sodium_memzero(j->password, strlen(j->password));
}

static void *hash_thread(void *arg)
{
	struct store *st = NULL;
	(void)arg;
	/* Linux nices threads one by one. */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), HASH_NICE)) {
		/* Not allowed: the checks run at the server's priority. */
	}
	pthread_mutex_lock(&lock);
	for (;;) {
		struct api_hash_job *j;
		void (*done)(void *);
		void *ctx;

		while (!pool.head && !pool.stopping)
			pthread_cond_wait(&pool.work, &lock);
		/* Stopping still finishes the queue: each job's caller waits for its done(). */
		if (!pool.head)
			break;
		j = pool.head;
		pool.head = j->next;
		if (!pool.head)
			pool.tail = NULL;
		pool.queued--;
		pthread_mutex_unlock(&lock);
		hash_run(j, &st);
		/* After done() the job belongs to the caller again: not one more touch. */
		done = j->done;
		ctx = j->ctx;
		done(ctx);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	store_free(st);
	return NULL;
}

int api_hash_pool_start(const char *db_path, struct err *err)
{
	pthread_mutex_lock(&lock);
	pool.stopping = 0;
	pthread_mutex_unlock(&lock);
	free(pool.db_path);
	pool.db_path = strdup(db_path);
	if (!pool.db_path)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	for (int i = 0; i < API_HASH_SLOTS; i++) {
		if (pthread_create(&pool.threads[i], NULL, hash_thread, NULL)) {
			api_hash_pool_stop();
			return err_set(err, ERR_INTERNAL, NULL, "internal",
				       "cannot start the password-check threads");
		}
		pool.nthreads++;
	}
	return 0;
}

void api_hash_pool_stop(void)
{
	pthread_mutex_lock(&lock);
	pool.stopping = 1;
	pthread_cond_broadcast(&pool.work);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < pool.nthreads; i++)
		pthread_join(pool.threads[i], NULL);
	pool.nthreads = 0;
	free(pool.db_path);
	pool.db_path = NULL;
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

int api_hash_start(struct api_req *r, void (*done)(void *ctx), void *ctx,
		   struct api_hash_job **job, struct err *err)
{
	const char *login = NULL, *password = NULL;
	const struct api_field fields[] = {
		{ "login", API_STR, API_REQUIRED, &login },
		{ "password", API_STR, API_REQUIRED, &password },
		{ NULL },
	};
	struct api_hash_job *j;
	int64_t now = ts_now();
	int wait;

	*job = NULL;
	if (api_parse(r, fields, err))
		return -1;
	/* the limit is the database's: every server on it counts the same failures */
	if (auth_limit_wait(r->st, AUTH_LIMIT_SIGNIN, login, r->client_ip, now, &wait, err))
		return -1;
	if (wait > 0) {
		r->retry_after = wait;
		return err_set(err, ERR_RATE_LIMITED, "login", "login_throttled:login,seconds",
			       "too many failed sign-ins for %.60s; try again in %d seconds", login,
			       wait);
	}
	j = calloc(1, sizeof(*j));
	if (!j || !(j->login = strdup(login)) || !(j->password = strdup(password))) {
		api_hash_job_free(j);
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory");
	}
	snprintf(j->ip, sizeof(j->ip), "%s", r->client_ip ? r->client_ip : "");
	j->now = now;
	j->done = done;
	j->ctx = ctx;
	pthread_mutex_lock(&lock);
	if (pool.stopping || !pool.nthreads) {
		pthread_mutex_unlock(&lock);
		api_hash_job_free(j);
		return err_set(err, ERR_UNAVAILABLE, NULL, "shutting_down",
			       "the server is stopping; sign in again in a moment");
	}
	if (pool.queued >= API_HASH_QUEUE) {
		pthread_mutex_unlock(&lock);
		api_hash_job_free(j);
		r->retry_after = 1;
		return err_set(err, ERR_RATE_LIMITED, NULL, "hash_busy",
			       "too many password checks at once; try again in a second");
	}
	if (pool.tail)
		pool.tail->next = j;
	else
		pool.head = j;
	pool.tail = j;
	pool.queued++;
	pthread_cond_signal(&pool.work);
	pthread_mutex_unlock(&lock);
	*job = j;
	return 0;
}

static int post_session(struct api_req *r, struct err *err)
{
	const struct api_hash_job *j = r->hash_job;

	/* The server ran the check (API_HASHES) before calling us. */
	if (!j)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "the password was not checked");
	if (j->rc) {
		/* a failure that cannot be counted is not hidden: the caller hears of it */
		if (j->err.code == ERR_UNAUTHENTICATED &&
		    auth_limit_failed(r->st, AUTH_LIMIT_SIGNIN, j->login, j->ip, j->now, err))
			return -1;
		err_copy(err, &j->err);
		return -1;
	}
	if (auth_limit_clear(r->st, AUTH_LIMIT_SIGNIN, j->login, j->ip, err))
		return -1;
	if (api_session_start(r, &j->user, err))
		return -1;
	r->actor.user_id = j->user.id;
	r->actor.role = j->user.role;
	snprintf(r->actor.login, sizeof(r->actor.login), "%s", j->user.login);
	jw_obj(&r->jw);
	jw_key(&r->jw, "user");
	user_write_json(&r->jw, &j->user);
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
	{ "POST", "/api/v1/session", post_session, API_PUBLIC, API_NO_CSRF | API_HASHES },
	{ "DELETE", "/api/v1/session", delete_session, ROLE_VIEWER, 0 },
	{ "GET", "/api/v1/me", get_me, ROLE_VIEWER, 0 },
	{ NULL },
};
