/*
 * user.c - users and their argon2id password hashes.
 */
#include "core/user.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "core/auth.h"
#include "base/banned.h"

static const char SQL_USER_INSERT[] =
	"INSERT INTO users (login, name, email, role, pw_hash, pw_changed_at, created_at, "
	"updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_USER_BY_LOGIN[] =
	"SELECT id, login, name, email, role, active, version, created_at, updated_at "
	"FROM users WHERE login = ?";
static const char SQL_USER_BY_ID[] =
	"SELECT id, login, name, email, role, active, version, created_at, updated_at "
	"FROM users WHERE id = ?";
static const char SQL_USER_LIST[] =
	"SELECT id, login, name, email, role, active, version, created_at, updated_at "
	"FROM users ORDER BY login";
static const char SQL_USER_UPDATE[] =
	"UPDATE users SET name = ?, email = ?, role = ?, active = ?, version = version + 1, "
	"updated_at = ? WHERE id = ? AND version = ? RETURNING version";
static const char SQL_USER_SET_PW[] =
	"UPDATE users SET pw_hash = ?, pw_changed_at = ?, version = version + 1, updated_at = ? "
	"WHERE id = ?";
static const char SQL_USER_HASH[] = "SELECT pw_hash, active FROM users WHERE login = ?";
static const char SQL_ADMIN_COUNT[] =
	"SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1";

/*
 * A fixed hash to verify against when the login is unknown, so timing matches.
 * Made once for all threads (two first sign-ins must not write it together).
 */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_mutex_t dummy_lock = PTHREAD_MUTEX_INITIALIZER;

static int dummy_make(void)
{
	int r = 0;
	pthread_mutex_lock(&dummy_lock);
	if (!dummy_hash[0] && crypto_pwhash_str(dummy_hash, "not-a-password", 14,
						crypto_pwhash_OPSLIMIT_INTERACTIVE,
						crypto_pwhash_MEMLIMIT_INTERACTIVE)) {
		dummy_hash[0] = '\0';
		r = -1;
	}
	pthread_mutex_unlock(&dummy_lock);
	return r;
}

int password_hash(const char *password, char *out, size_t outlen, struct err *err)
{
	if (sodium_init() < 0)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "libsodium failed to initialise");
	if (!password || strlen(password) < PASSWORD_MIN)
		return err_set(err, ERR_INVALID, "password", "password_too_short:min", "a password needs at least %d characters",
			       PASSWORD_MIN);
	if (strlen(password) > 1024)
		return err_set(err, ERR_INVALID, "password", "password_too_long", "a password may have at most 1024 characters");
	if (outlen < crypto_pwhash_STRBYTES)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "hash buffer too small");
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory while hashing a password");
	return 0;
}

void user_write_json(struct jw *w, const struct user *u)
{
	jw_obj(w);
	jw_kint(w, "id", u->id);
	jw_kstr(w, "login", u->login);
	jw_kstr(w, "name", u->name);
	jw_kstr(w, "email", u->email);
	jw_kstr(w, "role", role_str(u->role));
	jw_kbool(w, "active", u->active);
	jw_kint(w, "version", u->version);
	jw_kts(w, "created_at", u->created_at);
	jw_kts(w, "updated_at", u->updated_at);
	jw_obj_end(w);
}

static void user_json(struct buf *b, const struct user *u)
{
	struct jw w;
	jw_init(&w, b);
	user_write_json(&w, u);
}

static void row_to_user(struct store *st, struct stmt *s, struct user *u)
{
	u->id = store_col_int(st, s, 0);
	snprintf(u->login, sizeof(u->login), "%s", store_col_text(st, s, 1));
	snprintf(u->name, sizeof(u->name), "%s", store_col_text(st, s, 2));
	snprintf(u->email, sizeof(u->email), "%s", store_col_text(st, s, 3));
	role_parse(store_col_text(st, s, 4), &u->role, NULL);
	u->active = (int)store_col_int(st, s, 5);
	u->version = store_col_int(st, s, 6);
	u->created_at = store_col_int(st, s, 7);
	u->updated_at = store_col_int(st, s, 8);
}

static int validate(const struct user_input *in, struct user *u, struct err *err)
{
	memset(u, 0, sizeof(*u));
	if (code_field(u->login, sizeof(u->login), in->login, "login", err) ||
	    text_field(u->name, sizeof(u->name), in->name, 1, 0, "name", err) ||
	    text_field(u->email, sizeof(u->email), in->email ? in->email : "", 0, 0, "email", err) ||
	    role_parse(in->role, &u->role, err))
		return -1;
	if (u->email[0] && !strchr(u->email, '@'))
		return err_set(err, ERR_INVALID, "email", "not_email:value", "\"%s\" is not an email address", u->email);
	u->active = 1;
	u->version = 1;
	return 0;
}

int user_insert(struct tx *tx, const struct user_input *in, const char *pw_hash,
		struct user *out, struct err *err)
{
	struct store *st = tx->st;
	char hash[crypto_pwhash_STRBYTES];
	struct buf after = BUF_INIT;
	struct stmt *s;
	int rc, r = -1;

	if (validate(in, out, err))
		return -1;
	if (!pw_hash && in->password) {
		if (password_hash(in->password, hash, sizeof(hash), err))
			return -1;
		pw_hash = hash;
	}
	s = store_prepare(st, SQL_USER_INSERT, err);
	if (!s)
		return -1;
	store_bind_text(st, s, 1, out->login);
	store_bind_text(st, s, 2, out->name);
	store_bind_text(st, s, 3, out->email);
	store_bind_text(st, s, 4, role_str(out->role));
	store_bind_text(st, s, 5, pw_hash);
	store_bind_int(st, s, 6, tx->now);
	store_bind_int(st, s, 7, tx->now);
	store_bind_int(st, s, 8, tx->now);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		out->id = store_col_int(st, s, 0);
	store_done(st, s);
	if (rc < 0) {
		if (err->code == ERR_CONFLICT)
			err_set(err, ERR_CONFLICT, "login", "login_taken:login", "login \"%s\" is taken", out->login);
		goto out;
	}
	out->created_at = out->updated_at = tx->now;
	user_json(&after, out);
	if (tx_audit(tx, "user", out->id, "create", NULL, buf_cstr(&after), err))
		goto out;
	r = 0;
out:
	buf_release(&after);
	sodium_memzero(hash, sizeof(hash));
	return r;
}

int user_create(struct store *st, const struct actor *a, const struct user_input *in,
		struct user *out, struct err *err)
{
	struct tx tx;

	if (require_role(a, ROLE_ADMIN, "adding users", err))
		return -1;
	if (tx_begin(&tx, st, a, err))
		return -1;
	if (user_insert(&tx, in, NULL, out, err)) {
		tx_abort(&tx);
		return -1;
	}
	return tx_commit(&tx, err);
}

static int get_one(struct store *st, const char *sql, const char *login, int64_t id,
		   struct user *out, struct err *err)
{
	struct stmt *s = store_prepare(st, sql, err);
	int rc;
	if (!s)
		return -1;
	if (login)
		store_bind_text(st, s, 1, login);
	else
		store_bind_int(st, s, 1, id);
	rc = store_step(st, s, err);
	if (rc == STORE_ROW)
		row_to_user(st, s, out);
	store_done(st, s);
	if (rc == STORE_DONE) {
		if (login)
			return err_set(err, ERR_NOT_FOUND, "login", "no_user:login", "no user with login \"%s\"", login);
		return err_set(err, ERR_NOT_FOUND, "user", "no_user:id", "no user with id %lld", (long long)id);
	}
	return rc < 0 ? -1 : 0;
}

int user_get(struct store *st, const char *login, struct user *out, struct err *err)
{
	return get_one(st, SQL_USER_BY_LOGIN, login, 0, out, err);
}

int user_get_id(struct store *st, int64_t id, struct user *out, struct err *err)
{
	return get_one(st, SQL_USER_BY_ID, NULL, id, out, err);
}

int user_list(struct store *st, const struct actor *a, struct user_list *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_USER_LIST, err);
	int rc;
	(void)a;
	if (!s)
		return -1;
	while ((rc = store_step(st, s, err)) == STORE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		row_to_user(st, s, &out->items[out->n++]);
	}
	store_done(st, s);
	return rc < 0 ? -1 : 0;
}

void user_list_release(struct user_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = 0;
}

int user_update(struct store *st, const struct actor *a, const struct user *want,
		struct user *out, struct err *err)
{
	struct user cur;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct tx tx = { 0 };
	struct stmt *s;
	int rc, r = -1;
	int self = a->user_id != NO_ID && !strcmp(a->login, want->login);
	char tmp[128];

	if (user_get(st, want->login, &cur, err))
		return -1;
	if (a->role != ROLE_ADMIN) {
		if (!self)
			return err_set(err, ERR_DENIED, NULL, "admin_only", "only an admin may change another user");
		if (want->role != cur.role || want->active != cur.active)
			return err_set(err, ERR_DENIED, "role", "admin_only",
				       "only an admin may change roles or deactivate users");
	}
	if (text_field(tmp, sizeof(tmp), want->name, 1, 0, "name", err) ||
	    text_field(tmp, sizeof(tmp), want->email, 0, 0, "email", err))
		return -1;
	if (want->email[0] && !strchr(want->email, '@'))
		return err_set(err, ERR_INVALID, "email", "not_email:value", "\"%s\" is not an email address",
			       want->email);
	if (tx_begin(&tx, st, a, err))
		return -1;
	if (cur.role == ROLE_ADMIN && (want->role != ROLE_ADMIN || !want->active)) {
		int64_t admins = 0;
		if (store_query_int(st, SQL_ADMIN_COUNT, &admins, err))
			goto out;
		if (admins <= 1) {
			err_set(err, ERR_CONFLICT, "role", "last_admin:login",
				"%s is the last active admin; make another admin first", cur.login);
			goto out;
		}
	}
	s = store_prepare(st, SQL_USER_UPDATE, err);
	if (!s)
		goto out;
	store_bind_text(st, s, 1, want->name);
	store_bind_text(st, s, 2, want->email);
	store_bind_text(st, s, 3, role_str(want->role));
	store_bind_int(st, s, 4, want->active ? 1 : 0);
	store_bind_int(st, s, 5, tx.now);
	store_bind_int(st, s, 6, cur.id);
	store_bind_int(st, s, 7, want->version);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (rc == STORE_DONE) {
		/* no row at that version: someone else's change got in first */
		struct user now;
		if (!user_get(st, want->login, &now, err))
			tx_version_conflict("user", cur.login, want->version, now.version, err);
		goto out;
	}
	*out = cur;
	snprintf(out->name, sizeof(out->name), "%s", want->name);
	snprintf(out->email, sizeof(out->email), "%s", want->email);
	out->role = want->role;
	out->active = want->active;
	out->version = cur.version + 1;
	out->updated_at = tx.now;
	user_json(&before, &cur);
	user_json(&after, out);
	if (tx_audit(&tx, "user", cur.id, "update", buf_cstr(&before), buf_cstr(&after), err))
		goto out;
	/* A deactivated user is signed out everywhere and their API tokens stop, at once. */
	if (cur.active && !want->active && auth_revoke_user(&tx, cur.id, err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	buf_release(&before);
	buf_release(&after);
	return r;
}

int user_set_password(struct store *st, const struct actor *a, const char *login,
		      const char *password, struct err *err)
{
	struct user u;
	char hash[crypto_pwhash_STRBYTES];
	struct tx tx = { 0 };
	struct stmt *s;
	int rc, r = -1;

	if (a->role != ROLE_ADMIN && strcmp(a->login, login))
		return err_set(err, ERR_DENIED, NULL, "admin_only", "only an admin may set another user's password");
	if (user_get(st, login, &u, err))
		return -1;
	if (password_hash(password, hash, sizeof(hash), err))
		return -1;
	if (tx_begin(&tx, st, a, err))
		goto out;
	s = store_prepare(st, SQL_USER_SET_PW, err);
	if (!s)
		goto out;
	store_bind_text(st, s, 1, hash);
	store_bind_int(st, s, 2, tx.now);
	store_bind_int(st, s, 3, tx.now);
	store_bind_int(st, s, 4, u.id);
	rc = store_step(st, s, err);
	store_done(st, s);
	if (rc < 0)
		goto out;
	if (tx_audit(&tx, "user", u.id, "set_password", NULL, NULL, err))
		goto out;
	r = tx_commit(&tx, err);
out:
	if (r)
		tx_abort(&tx);
	sodium_memzero(hash, sizeof(hash));
	return r;
}

int user_verify_password(struct store *st, const char *login, const char *password,
			 struct user *out, struct err *err)
{
	struct stmt *s;
	char hash[crypto_pwhash_STRBYTES] = "";
	int rc, found = 0, active = 0;

	if (sodium_init() < 0)
		return err_set(err, ERR_INTERNAL, NULL, "internal", "libsodium failed to initialise");
	if (dummy_make())
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory while hashing");
	s = store_prepare(st, SQL_USER_HASH, err);
	if (!s)
		return -1;
	store_bind_text(st, s, 1, login ? login : "");
	rc = store_step(st, s, err);
	if (rc == STORE_ROW && !store_col_is_null(st, s, 0)) {
		snprintf(hash, sizeof(hash), "%s", store_col_text(st, s, 0));
		active = (int)store_col_int(st, s, 1);
		found = 1;
	}
	store_done(st, s);
	if (rc < 0)
		return -1;
	if (!password)
		password = "";
	if (crypto_pwhash_str_verify(found ? hash : dummy_hash, password, strlen(password)) ||
	    !found || !active)
		return err_set(err, ERR_UNAUTHENTICATED, "login", "wrong_credentials", "wrong login or password");
	return user_get(st, login, out, err);
}
