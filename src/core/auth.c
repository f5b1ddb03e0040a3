/*
 * auth.c - sessions, API tokens and idempotency keys. Secrets are random 32
 * bytes from libsodium, handed out base64url-encoded and stored as the hex
 * SHA-256 of that text.
 */
#include "core/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/tx.h"
#include "base/banned.h"

/* Write last_seen_at / last_used_at at most this often (seconds): a read stays a read. */
#define TOUCH_EVERY 60
/* Idempotency keys are remembered this long. */
#define IDEM_TTL 86400

static const char SQL_SESSION_INSERT[] =
	"INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
	"expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_SESSION_FIND[] =
	"SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, "
	"u.login, u.role, u.active, u.pw_changed_at "
	"FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?";
static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen_at = ? WHERE id = ?";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE token_hash = ?";
static const char SQL_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = ?";
static const char SQL_SESSION_PURGE[] =
	"DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?";

static const char SQL_TOKEN_INSERT[] =
	"INSERT INTO api_tokens (token_hash, name, user_id, created_at) VALUES (?, ?, ?, ?) "
	"RETURNING id";
#define TOKEN_COLS                                                                              \
	"t.id, t.user_id, t.name, u.login, t.created_at, t.last_used_at, t.revoked"
static const char SQL_TOKEN_LIST_OWN[] =
	"SELECT " TOKEN_COLS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
	"WHERE t.user_id = ? ORDER BY t.id DESC";
static const char SQL_TOKEN_LIST_ALL[] =
	"SELECT " TOKEN_COLS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
	"ORDER BY t.id DESC";
static const char SQL_TOKEN_BY_ID[] =
	"SELECT " TOKEN_COLS " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?";
static const char SQL_TOKEN_REVOKE[] = "UPDATE api_tokens SET revoked = 1 WHERE id = ?";
static const char SQL_TOKEN_LIST_LIVE[] =
	"SELECT " TOKEN_COLS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
	"WHERE t.user_id = ? AND t.revoked = 0 ORDER BY t.id";
static const char SQL_TOKEN_FIND[] =
	"SELECT t.id, t.revoked, t.last_used_at, u.id, u.login, u.role, u.active "
	"FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?";
static const char SQL_TOKEN_TOUCH[] = "UPDATE api_tokens SET last_used_at = ? WHERE id = ?";

static const char SQL_IDEM_FIND[] =
	"SELECT method, path, request_hash, status, body FROM idempotency_keys "
	"WHERE user_id = ? AND key = ? AND created_at >= ?";
static const char SQL_IDEM_PURGE[] = "DELETE FROM idempotency_keys WHERE created_at < ?";
static const char SQL_IDEM_INSERT[] =
	"INSERT INTO idempotency_keys (user_id, key, method, path, request_hash, status, body, "
	"created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static const char SQL_READY[] = "SELECT COUNT(*) FROM schema_migrations";

/* A new random secret as base64url text, with an optional prefix. */
static int new_secret(char out[AUTH_SECRET_MAX], const char *prefix, struct err *err)
{
	unsigned char raw[32];
	size_t plen = strlen(prefix);

	if (sodium_init() < 0)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "libsodium failed to initialise");
	randombytes_buf(raw, sizeof(raw));
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, AUTH_SECRET_MAX - plen, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

/* The stored form of a secret: hex SHA-256 (65 bytes with the NUL). */
static void secret_hash(const char *secret, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int auth_secret_new(char out[AUTH_SECRET_MAX], const char *prefix, struct err *err)
{
	return new_secret(out, prefix, err);
}

void auth_secret_hash(const char *secret, char out[65])
{
	secret_hash(secret, out);
}

static int exec1(struct store *st, const char *sql, int64_t a, int64_t b, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, a);
	store_bind_int(st, s, 2, b);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/*
 * What each request's lookup of its session or API token found, kept per
 * thread (no lock, nothing shared) with the data version it was read at
 * (store_data_version, read before the SQL): any write by any process moves
 * the version, so a kept answer is taken only while nothing was written since,
 * and the time rules (expiry, idleness) are judged anew on every request. Kept
 * by the secret itself, compared in constant time (a hit costs no hash). Only
 * outside a transaction: inside one, its own uncommitted writes are not in the
 * version.
 */
#define MEMO_SLOTS 8

struct session_memo {
	char key[AUTH_SECRET_MAX]; /* the secret, zero-padded; "" for none */
	int64_t version;
	struct auth_session s;
	struct actor a;
	int active;
	int64_t pw_changed_at;
};

struct token_memo {
	char key[AUTH_SECRET_MAX];
	int64_t version;
	int64_t id, last;
	struct actor a;
};

static _Thread_local struct session_memo session_memo[MEMO_SLOTS];
static _Thread_local unsigned session_memo_next;
static _Thread_local struct token_memo token_memo[MEMO_SLOTS];
static _Thread_local unsigned token_memo_next;

/* The memo key of a secret (zero-padded); -1 when no secret is so long. */
static int memo_key(const char *secret, char key[AUTH_SECRET_MAX])
{
	size_t n = strnlen(secret, AUTH_SECRET_MAX);
	if (n == 0 || n >= AUTH_SECRET_MAX)
		return -1;
	memset(key, 0, AUTH_SECRET_MAX);
	memcpy(key, secret, n);
	return 0;
}

static struct session_memo *session_memo_find(const char *key, int64_t version)
{
	for (int i = 0; i < MEMO_SLOTS; i++)
		if (session_memo[i].version == version && session_memo[i].key[0] &&
		    !sodium_memcmp(session_memo[i].key, key, AUTH_SECRET_MAX))
			return &session_memo[i];
	return NULL;
}

static struct token_memo *token_memo_find(const char *key, int64_t version)
{
	for (int i = 0; i < MEMO_SLOTS; i++)
		if (token_memo[i].version == version && token_memo[i].key[0] &&
		    !sodium_memcmp(token_memo[i].key, key, AUTH_SECRET_MAX))
			return &token_memo[i];
	return NULL;
}

/* --- sessions ------------------------------------------------------------- */

int auth_session_create(struct store *st, int64_t user_id, char token[AUTH_SECRET_MAX],
			struct auth_session *out, struct err *err)
{
	char hash[65];
	int64_t now = ts_now();
	struct stmt *s;
	int rc;

	memset(out, 0, sizeof(*out));
	if (new_secret(token, "", err) || new_secret(out->csrf_token, "", err))
		return -1;
	secret_hash(token, hash);
	if (store_begin(st, 1, err))
		return -1;
	/* Sweep what has ended, so the table holds live sessions only. */
	if (exec1(st, SQL_SESSION_PURGE, now, now - AUTH_SESSION_IDLE, err))
		goto bad;
	s = store_prepare(st, SQL_SESSION_INSERT, err);
	if (!s)
		goto bad;
	store_bind_text(st, s, 1, hash);
	store_bind_int(st, s, 2, user_id);
	store_bind_text(st, s, 3, out->csrf_token);
	store_bind_int(st, s, 4, now);
	store_bind_int(st, s, 5, now);
	store_bind_int(st, s, 6, now + AUTH_SESSION_TTL);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0 || store_commit(st, err))
		goto bad;
	out->user_id = user_id;
	out->created_at = out->last_seen_at = now;
	out->expires_at = now + AUTH_SESSION_TTL;
	return 0;
bad:
	store_rollback(st);
	return -1;
}

static int session_lookup(struct store *st, const char *token, struct auth_session *out,
			  struct actor *a, int touch, struct err *err)
{
	char hash[65], key[AUTH_SECRET_MAX];
	int64_t now = ts_now(), pw_changed_at = 0;
	int64_t version = st->in_tx ? 0 : store_data_version(st);
	int memo = !st->in_tx && !memo_key(token, key);
	struct session_memo *m = NULL;
	struct stmt *s;
	int rc, active = 0;

	if (memo && (m = session_memo_find(key, version))) {
		*out = m->s;
		*a = m->a;
		active = m->active;
		pw_changed_at = m->pw_changed_at;
		rc = STORE_ROW;
		/* a touch due is a write: the database's row is read again with it */
		if (!touch || now - out->last_seen_at < TOUCH_EVERY)
			goto judge;
	}
	secret_hash(token, hash);
	s = store_prepare(st, SQL_SESSION_FIND, err);
	if (!s)
		return -1;
	store_bind_text(st, s, 1, hash);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		out->id = store_col_int(st, s, 0);
		out->user_id = store_col_int(st, s, 1);
		snprintf(out->csrf_token, sizeof(out->csrf_token), "%s", store_col_text(st, s, 2));
		out->created_at = store_col_int(st, s, 3);
		out->last_seen_at = store_col_int(st, s, 4);
		out->expires_at = store_col_int(st, s, 5);
		a->user_id = out->user_id;
		snprintf(a->login, sizeof(a->login), "%s", store_col_text(st, s, 6));
		role_parse(store_col_text(st, s, 7), &a->role, NULL);
		active = (int)store_col_int(st, s, 8);
		pw_changed_at = store_col_int(st, s, 9);
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_ROW && memo) {
		m = &session_memo[session_memo_next++ % MEMO_SLOTS];
		memcpy(m->key, key, sizeof(key));
		m->version = version;
		m->s = *out;
		m->a = *a;
		m->active = active;
		m->pw_changed_at = pw_changed_at;
	}
judge:
	if (rc == STORE_DONE || !active || now >= out->expires_at ||
	    now >= out->last_seen_at + AUTH_SESSION_IDLE || out->created_at < pw_changed_at)
		return err_set(err, ERR_UNAUTHENTICATED, NULL, "session_ended",
			       "the session has ended; sign in again");
	if (touch && now - out->last_seen_at >= TOUCH_EVERY) {
		if (exec1(st, SQL_SESSION_TOUCH, now, out->id, err))
			return -1;
		out->last_seen_at = now;
	}
	return 0;
}

int auth_session_lookup(struct store *st, const char *token, struct auth_session *out,
			struct actor *a, struct err *err)
{
	return session_lookup(st, token, out, a, 1, err);
}

int auth_session_check(struct store *st, const char *token, struct actor *a, struct err *err)
{
	struct auth_session s;
	return session_lookup(st, token, &s, a, 0, err);
}

int auth_session_revoke(struct store *st, const char *token, struct err *err)
{
	char hash[65];
	struct stmt *s;
	int rc;

	secret_hash(token, hash);
	s = store_prepare(st, SQL_SESSION_DELETE, err);
	if (!s)
		return -1;
	store_bind_text(st, s, 1, hash);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int auth_session_revoke_user(struct store *st, int64_t user_id, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_SESSION_DELETE_USER, err);
	int rc;
	if (!s)
		return -1;
	store_bind_int(st, s, 1, user_id);
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* --- API tokens ------------------------------------------------------------- */

void auth_token_write_json(struct jw *w, const struct auth_token *t)
{
	jw_obj(w);
	jw_kint(w, "id", t->id);
	jw_kstr(w, "name", t->name);
	jw_kstr(w, "login", t->login);
	jw_kts(w, "created_at", t->created_at);
	jw_key(w, "last_used_at");
	if (t->last_used_at == NO_ID)
		jw_null(w);
	else
		jw_ts(w, t->last_used_at);
	jw_kbool(w, "revoked", t->revoked);
	jw_obj_end(w);
}

static void token_json(struct buf *b, const struct auth_token *t)
{
	struct jw w;
	jw_init(&w, b);
	auth_token_write_json(&w, t);
}

static void row_to_token(struct store *st, struct stmt *s, struct auth_token *t)
{
	t->id = store_col_int(st, s, 0);
	t->user_id = store_col_int(st, s, 1);
	snprintf(t->name, sizeof(t->name), "%s", store_col_text(st, s, 2));
	snprintf(t->login, sizeof(t->login), "%s", store_col_text(st, s, 3));
	t->created_at = store_col_int(st, s, 4);
	t->last_used_at = store_col_int_or(st, s, 5, NO_ID);
	t->revoked = (int)store_col_int(st, s, 6);
}

int auth_token_create(struct store *st, const struct actor *a, const char *name,
		      char secret[AUTH_SECRET_MAX], struct auth_token *out, struct err *err)
{
	struct tx tx = { 0 };
	struct buf after = BUF_INIT;
	struct stmt *s;
	char hash[65];
	int rc, r = -1;

	memset(out, 0, sizeof(*out));
	if (text_field(out->name, sizeof(out->name), name, 1, 0, "name", err))
		return -1;
	if (new_secret(secret, "spm_", err))
		return -1;
	secret_hash(secret, hash);
	if (tx_begin(&tx, st, a, err))
		return -1;
	s = store_prepare(st, SQL_TOKEN_INSERT, err);
	if (!s)
		goto out;
	store_bind_text(st, s, 1, hash);
	store_bind_text(st, s, 2, out->name);
	store_bind_int(st, s, 3, a->user_id);
	store_bind_int(st, s, 4, tx.now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0)
		goto out;
	out->user_id = a->user_id;
	snprintf(out->login, sizeof(out->login), "%s", a->login);
	out->created_at = tx.now;
	out->last_used_at = NO_ID;
	token_json(&after, out);
	if (tx_audit(&tx, "api_token", out->id, "create", NULL, buf_cstr(&after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r) {
		tx_abort(&tx);
		sodium_memzero(secret, AUTH_SECRET_MAX);
	}
	buf_release(&after);
	return r;
}

int auth_token_list(struct store *st, const struct actor *a, struct auth_token_list *out,
		    struct err *err)
{
	int admin = a->role == ROLE_ADMIN;
	struct stmt *s = store_prepare(st, admin ? SQL_TOKEN_LIST_ALL : SQL_TOKEN_LIST_OWN, err);
	int rc;
	if (!s)
		return -1;
	if (!admin)
		store_bind_int(st, s, 1, a->user_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_token(st, s, &out->items[out->n++]);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void auth_token_list_release(struct auth_token_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

int auth_token_revoke(struct store *st, const struct actor *a, int64_t id, struct err *err)
{
	struct tx tx = { 0 };
	struct auth_token cur;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct stmt *s;
	int rc, r = -1;

	if (tx_begin(&tx, st, a, err))
		return -1;
	s = store_prepare(st, SQL_TOKEN_BY_ID, err);
	if (!s)
		goto out;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		row_to_token(st, s, &cur);
	store_done(st, s);
	if (rc < 0)
		goto out;
	/* Someone else's token is not revealed to exist. */
	if (rc == STORE_DONE || (cur.user_id != a->user_id && a->role != ROLE_ADMIN)) {
		err_set(err, ERR_NOT_FOUND, "token", "no_token:id", "no API token with id %lld", (long long)id);
		goto out;
	}
	if (cur.revoked) {
		r = 0;
		goto out;
	}
	s = store_prepare(st, SQL_TOKEN_REVOKE, err);
	if (!s)
		goto out;
	store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	token_json(&before, &cur);
	cur.revoked = 1;
	token_json(&after, &cur);
	if (tx_audit(&tx, "api_token", id, "revoke", buf_cstr(&before), buf_cstr(&after), err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (tx.open)
		tx_abort(&tx);
	buf_release(&before);
	buf_release(&after);
	return r;
}

int auth_revoke_user(struct tx *tx, int64_t user_id, struct err *err)
{
	struct store *st = tx->st;
	struct auth_token_list live = { 0 };
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct stmt *s;
	int rc, r = -1;

	if (auth_session_revoke_user(st, user_id, err))
		return -1;
	s = store_prepare(st, SQL_TOKEN_LIST_LIVE, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, user_id);
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(live.items, live.n + 1, live.alloc);
		row_to_token(st, s, &live.items[live.n++]);
	}
	store_done(st, s);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < live.n; i++) {
		struct auth_token *t = &live.items[i];
		s = store_prepare(st, SQL_TOKEN_REVOKE, err);
		if (!s)
			goto out;
		store_bind_int(st, s, 1, t->id);
		rc = store_step(st, s, err);
		store_done(st, s);
		if (rc < 0)
			goto out;
		buf_reset(&before);
		buf_reset(&after);
		token_json(&before, t);
		t->revoked = 1;
		token_json(&after, t);
		if (tx_audit(tx, "api_token", t->id, "revoke", buf_cstr(&before), buf_cstr(&after),
			     err))
			goto out;
	}
	r = 0;
out:
	auth_token_list_release(&live);
	buf_release(&before);
	buf_release(&after);
	return r;
}

int auth_token_lookup(struct store *st, const char *secret, struct actor *a, struct err *err)
{
	char hash[65], key[AUTH_SECRET_MAX];
	int64_t id = 0, last = NO_ID, now = ts_now();
	int64_t version = st->in_tx ? 0 : store_data_version(st);
	int memo = !st->in_tx && !memo_key(secret, key);
	struct token_memo *m;
	struct stmt *s;
	int rc, revoked = 1, active = 0;

	/* only live tokens of active users are kept, and only while no touch is due */
	if (memo && (m = token_memo_find(key, version)) && m->last != NO_ID &&
	    now - m->last < TOUCH_EVERY) {
		*a = m->a;
		return 0;
	}
	secret_hash(secret, hash);
	s = store_prepare(st, SQL_TOKEN_FIND, err);
	if (!s)
		return -1;
	store_bind_text(st, s, 1, hash);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		id = store_col_int(st, s, 0);
		revoked = (int)store_col_int(st, s, 1);
		last = store_col_int_or(st, s, 2, NO_ID);
		a->user_id = store_col_int(st, s, 3);
		snprintf(a->login, sizeof(a->login), "%s", store_col_text(st, s, 4));
		role_parse(store_col_text(st, s, 5), &a->role, NULL);
		active = (int)store_col_int(st, s, 6);
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (rc == STORE_DONE || revoked || !active)
		return err_set(err, ERR_UNAUTHENTICATED, NULL, "token_revoked",
			       "the API token is unknown or revoked");
	if (last == NO_ID || now - last >= TOUCH_EVERY)
		return exec1(st, SQL_TOKEN_TOUCH, now, id, err);
	if (memo) {
		m = &token_memo[token_memo_next++ % MEMO_SLOTS];
		memcpy(m->key, key, sizeof(key));
		m->version = version;
		m->id = id;
		m->last = last;
		m->a = *a;
	}
	return 0;
}

/* --- idempotency keys ----------------------------------------------------------- */

void auth_idem_fingerprint(const char *method, const char *target, const char *body,
			   size_t len, char out[AUTH_IDEM_HASH])
{
	crypto_hash_sha256_state h;
	unsigned char digest[crypto_hash_sha256_BYTES];

	/* NUL between the parts: no two requests run together into the same text. */
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)method, strlen(method) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)target, strlen(target) + 1);
	if (len)
		crypto_hash_sha256_update(&h, (const unsigned char *)body, len);
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(out, AUTH_IDEM_HASH, digest, sizeof(digest));
}

int auth_idem_find(struct store *st, int64_t user_id, const char *key, const char *method,
		   const char *target, const char *hash, int *status, struct buf *body,
		   struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_IDEM_FIND, err);
	int rc, r = AUTH_IDEM_NEW;

	if (!s)
		return -1;
	store_bind_int(st, s, 1, user_id);
	store_bind_text(st, s, 2, key);
	store_bind_int(st, s, 3, ts_now() - IDEM_TTL);
	rc = store_step(st, s, err);
	if (rc < 0) {
		r = -1;
	} else if (rc == STORE_ROW) {
		const char *was_method = store_col_text(st, s, 0);
		const char *was_target = store_col_text(st, s, 1);
		const char *was_hash = store_col_text(st, s, 2);
		if (strcmp(was_method, method) || strcmp(was_target, target)) {
			r = err_set(err, ERR_INVALID, "Idempotency-Key", "idempotency_key_reused:key",
				    "the Idempotency-Key \"%.60s\" was used for %s %.60s; use a new "
				    "key for %s %.60s",
				    key, was_method, was_target, method, target);
		} else if (was_hash[0] && strcmp(was_hash, hash)) {
			/* rows from before fingerprints ('') are matched on the target alone */
			r = err_set(err, ERR_INVALID, "Idempotency-Key",
				    "idempotency_body_changed:key",
				    "the Idempotency-Key \"%.60s\" was used for %s %.60s with another "
				    "body; use a new key for a new request",
				    key, method, target);
		} else {
			*status = (int)store_col_int(st, s, 3);
			buf_adds(body, store_col_text(st, s, 4));
			r = AUTH_IDEM_REPLAY;
		}
	}
	store_done(st, s);
	return r;
}

int auth_idem_record(struct store *st, int64_t user_id, const char *key, const char *method,
		     const char *target, const char *hash, int status, const char *body,
		     size_t len, struct err *err)
{
	struct stmt *s;
	int rc;

	if (!st->in_tx || !st->write_tx)
		return err_set(err, ERR_INTERNAL, NULL, "internal",
			       "an idempotency key is recorded inside the write it answers");
	s = store_prepare(st, SQL_IDEM_PURGE, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, ts_now() - IDEM_TTL);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		return -1;
	s = store_prepare(st, SQL_IDEM_INSERT, err);
	if (!s)
		return -1;
	store_bind_int(st, s, 1, user_id);
	store_bind_text(st, s, 2, key);
	store_bind_text(st, s, 3, method);
	store_bind_text(st, s, 4, target);
	store_bind_text(st, s, 5, hash);
	store_bind_int(st, s, 6, status);
	store_bind_textn(st, s, 7, body ? body : "", body ? len : 0);
	store_bind_int(st, s, 8, ts_now());
	rc = store_step(st, s, err);
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

int auth_ready(struct store *st, struct err *err)
{
	int64_t n = 0;
	return store_query_int(st, SQL_READY, &n, err);
}

/* --- limits on guessing passwords ------------------------------------------------ */

static const char SQL_LIMIT_GET[] = "SELECT failures, window_start FROM auth_limits WHERE key = ?";
/* A failure: a new window when the last one ended, else one more in it. */
static const char SQL_LIMIT_FAIL[] =
	"INSERT INTO auth_limits (key, failures, window_start) VALUES (?1, 1, ?2) "
	"ON CONFLICT (key) DO UPDATE SET "
	"failures = CASE WHEN auth_limits.window_start + ?3 <= ?2 THEN 1 "
	"ELSE auth_limits.failures + 1 END, "
	"window_start = CASE WHEN auth_limits.window_start + ?3 <= ?2 THEN ?2 "
	"ELSE auth_limits.window_start END";
static const char SQL_LIMIT_CLEAR[] = "DELETE FROM auth_limits WHERE key = ?";
static const char SQL_LIMIT_EXPIRED[] = "DELETE FROM auth_limits WHERE window_start < ?";

/* The row's key: hex BLAKE2b of the kind, who and where (a login is never kept in clear). */
static void limit_key(enum auth_limit kind, const char *who, const char *where, char out[65])
{
	unsigned char h[32];
	crypto_generichash_state g;
	unsigned char k = (unsigned char)kind, zero = 0;

	crypto_generichash_init(&g, NULL, 0, sizeof(h));
	crypto_generichash_update(&g, &k, 1);
	crypto_generichash_update(&g, (const unsigned char *)who, strlen(who));
	crypto_generichash_update(&g, &zero, 1);
	if (where)
		crypto_generichash_update(&g, (const unsigned char *)where, strlen(where));
	crypto_generichash_final(&g, h, sizeof(h));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int auth_limit_wait(struct store *st, enum auth_limit kind, const char *who, const char *where,
		    int64_t now, int *wait, struct err *err)
{
	char key[65];
	struct stmt *s = store_prepare(st, SQL_LIMIT_GET, err);
	int rc;

	*wait = 0;
	if (!s)
		return -1;
	limit_key(kind, who, where, key);
	store_bind_text(st, s, 1, key);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW) {
		int64_t failures = store_col_int(st, s, 0), start = store_col_int(st, s, 1);
		if (failures >= AUTH_LIMIT_FAILURES && now < start + AUTH_LIMIT_WINDOW)
			*wait = (int)(start + AUTH_LIMIT_WINDOW - now);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

/* Run one statement with the key (and now, the window) in its own write. */
static int limit_write(struct store *st, const char *sql, const char *key, int64_t now,
		       struct err *err)
{
	struct stmt *s;
	int rc;

	if (store_begin(st, 1, err))
		return -1;
	/* old windows go as new failures come: the table stays as small as the attacks */
	if (!(s = store_prepare(st, SQL_LIMIT_EXPIRED, err)))
		goto fail;
	store_bind_int(st, s, 1, now - 2 * AUTH_LIMIT_WINDOW);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0 || !(s = store_prepare(st, sql, err)))
		goto fail;
	store_bind_text(st, s, 1, key);
	if (sql == SQL_LIMIT_FAIL) {
		store_bind_int(st, s, 2, now);
		store_bind_int(st, s, 3, AUTH_LIMIT_WINDOW);
	}
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

int auth_limit_failed(struct store *st, enum auth_limit kind, const char *who, const char *where,
		      int64_t now, struct err *err)
{
	char key[65];

	limit_key(kind, who, where, key);
	return limit_write(st, SQL_LIMIT_FAIL, key, now, err);
}

int auth_limit_clear(struct store *st, enum auth_limit kind, const char *who, const char *where,
		     struct err *err)
{
	char key[65];

	limit_key(kind, who, where, key);
	return limit_write(st, SQL_LIMIT_CLEAR, key, ts_now(), err);
}
