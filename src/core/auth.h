/*
 * auth.h - who is calling over HTTP: browser sessions (cookie + CSRF token),
 * API tokens for scripts (Authorization: Bearer), and the idempotency keys
 * that make a repeated POST answer once. Only hashes of secrets are stored.
 */
#ifndef CORE_AUTH_H
#define CORE_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/jw.h"
#include "core/core.h"

/* Room for a secret as text: "spm_" + base64url of 32 bytes + NUL. */
#define AUTH_SECRET_MAX 64

/* A session lives at most this long, and ends after this long unused. */
#define AUTH_SESSION_TTL (7 * 86400)
#define AUTH_SESSION_IDLE (86400)

struct auth_session {
	int64_t id, user_id;
	char csrf_token[AUTH_SECRET_MAX];
	int64_t created_at, last_seen_at, expires_at;
};

struct auth_token {
	int64_t id, user_id;
	char name[128];
	char login[64];
	int64_t created_at;
	int64_t last_used_at; /* NO_ID when never used */
	int revoked;
};

struct auth_token_list {
	struct auth_token *items;
	size_t n, alloc;
};

/* Idempotency: what auth_idem_find() found. */
enum auth_idem { AUTH_IDEM_NEW = 0, AUTH_IDEM_REPLAY = 1 };

/*
 * Start a session for user_id: fills token (the cookie value, shown only here)
 * and out (with its CSRF token).
 */
int auth_session_create(struct store *st, int64_t user_id, char token[AUTH_SECRET_MAX],
			struct auth_session *out, struct err *err);

/*
 * The session and acting user of a cookie value. ERR_UNAUTHENTICATED when it
 * is unknown, expired, idle too long, older than the user's last password
 * change, or the user is deactivated.
 */
int auth_session_lookup(struct store *st, const char *token, struct auth_session *out,
			struct actor *a, struct err *err);

/*
 * As auth_session_lookup(), without counting as activity (no touch, no
 * write): whether an open event stream's session still holds, and its user now.
 */
int auth_session_check(struct store *st, const char *token, struct actor *a, struct err *err);

/* End the session of a cookie value (logout); an unknown token is not an error. */
int auth_session_revoke(struct store *st, const char *token, struct err *err);

/* End every session of a user (after a password change or deactivation). */
int auth_session_revoke_user(struct store *st, int64_t user_id, struct err *err);

struct tx;

/*
 * Inside tx (a deactivation): end every session of user_id and revoke every
 * API token of theirs, one audit row per token. A user made active again
 * signs in anew and makes new tokens.
 */
int auth_revoke_user(struct tx *tx, int64_t user_id, struct err *err);

/*
 * Create an API token named name for the actor; secret receives the token
 * (shown once, never stored).
 */
int auth_token_create(struct store *st, const struct actor *a, const char *name,
		      char secret[AUTH_SECRET_MAX], struct auth_token *out, struct err *err);

/* The actor's tokens (an admin sees everyone's), newest first. */
int auth_token_list(struct store *st, const struct actor *a, struct auth_token_list *out,
		    struct err *err);
void auth_token_list_release(struct auth_token_list *l);

/* Revoke token id (its owner or an admin); ERR_NOT_FOUND for others' tokens. */
int auth_token_revoke(struct store *st, const struct actor *a, int64_t id, struct err *err);

/* The acting user of a bearer secret; ERR_UNAUTHENTICATED when unknown or revoked. */
int auth_token_lookup(struct store *st, const char *secret, struct actor *a, struct err *err);

void auth_token_write_json(struct jw *w, const struct auth_token *t);

/* Room for a request's fingerprint: hex SHA-256 and its NUL. */
#define AUTH_IDEM_HASH 65

/*
 * The fingerprint an idempotency key is stored with: the hex SHA-256 of the
 * request's method, target (path and query string as received) and body.
 */
void auth_idem_fingerprint(const char *method, const char *target, const char *body,
			   size_t len, char out[AUTH_IDEM_HASH]);

/*
 * What user_id's idempotency key names. AUTH_IDEM_NEW: no request of the last
 * day had it. AUTH_IDEM_REPLAY: the same request (method, target and
 * fingerprint) was answered; status and body hold that answer. -1 with
 * ERR_INVALID on the field Idempotency-Key when the key was used for another
 * method or target (idempotency_key_reused) or with another body
 * (idempotency_body_changed). It only reads: called before a write
 * transaction it answers a replay without the write lock; called again inside
 * the transaction its answer is final (no one else can record the key).
 */
int auth_idem_find(struct store *st, int64_t user_id, const char *key, const char *method,
		   const char *target, const char *hash, int *status, struct buf *body,
		   struct err *err);

/*
 * Record the answer of user_id's request under its key, inside the caller's
 * open write transaction: the one that holds the write the answer reports, so
 * the write, the key and the answer commit together or not at all. Keys older
 * than a day are forgotten on the way.
 */
int auth_idem_record(struct store *st, int64_t user_id, const char *key, const char *method,
		     const char *target, const char *hash, int status, const char *body,
		     size_t len, struct err *err);

/* A trivial query that succeeds when the database answers. */
int auth_ready(struct store *st, struct err *err);

/*
 * The limits on guessing passwords, kept in the database so that every server
 * on it counts together: after AUTH_LIMIT_FAILURES failures within
 * AUTH_LIMIT_WINDOW seconds, what is limited waits until the window ends.
 * A sign-in is limited per login and address, a check of a user's current
 * password per user. who and where name it (where may be NULL).
 */
#define AUTH_LIMIT_FAILURES 5
#define AUTH_LIMIT_WINDOW 900
enum auth_limit { AUTH_LIMIT_SIGNIN, AUTH_LIMIT_PASSWORD };

/* Seconds to wait before the next try (0: try now). */
int auth_limit_wait(struct store *st, enum auth_limit kind, const char *who, const char *where,
		    int64_t now, int *wait, struct err *err);
/* Count a failure (its own small transaction, or a savepoint of an open one). */
int auth_limit_failed(struct store *st, enum auth_limit kind, const char *who, const char *where,
		      int64_t now, struct err *err);
/* A success clears the count. */
int auth_limit_clear(struct store *st, enum auth_limit kind, const char *who, const char *where,
		     struct err *err);

/*
 * A new random secret (base64url of 32 random bytes after prefix) into out,
 * and the form a secret is stored in (hex SHA-256): for a credential kept
 * elsewhere, as a calendar feed's link (core/calendar.c).
 */
int auth_secret_new(char out[AUTH_SECRET_MAX], const char *prefix, struct err *err);
void auth_secret_hash(const char *secret, char out[65]);

#endif
