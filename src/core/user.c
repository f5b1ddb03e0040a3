/*
 * user.c - users and their argon2id password hashes: a noun of the entity
 * engine (its description, and the rules hooked in: who writes what, the last
 * admin, hashing before the write, sessions ended on deactivation).
 */
#include "core/user.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "core/auth.h"
#include "base/banned.h"

#define F(field) offsetof(struct user, field), sizeof(((struct user *)0)->field)

static const char SQL_USER_SET_PW[] =
	"UPDATE users SET pw_hash = ?, pw_changed_at = ?, version = version + 1, updated_at = ? "
	"WHERE id = ?";
static const char SQL_USER_NEW_PW[] =
	"UPDATE users SET pw_hash = ?1, pw_changed_at = ?2 WHERE id = ?3";
static const char SQL_USER_HASH[] = "SELECT pw_hash, active FROM users WHERE login = ?";
static const char SQL_ADMIN_COUNT[] =
	"SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1";

/* In the order of enum role. */
static const char *const user_roles[] = { "viewer", "rep", "manager", "admin", NULL };

static int user_authorize(struct store *st, const struct actor *a, const void *before,
			  const struct ent_input *in, struct err *err);
static int user_prepare(struct store *st, const struct actor *a, const char *key,
			struct ent_input *in, struct err *err);
static int user_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err);
static int user_after(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err);

static const struct ent_field user_fields[] = {
	{ "id", EK_ID, EF_READONLY, "id", F(id) },
	{ "login", EK_CODE, EF_KEY | EF_REQUIRED | EF_SORT | EF_FILTER, "login", F(login),
	  .help = "the sign-in name", .example = "wang.fang" },
	{ "name", EK_TEXT, EF_REQUIRED | EF_SORT | EF_FILTER, "name", F(name),
	  .help = "the name shown to others", .example = "王芳" },
	{ "email", EK_EMAIL, EF_FILTER, "email", F(email),
	  .help = "email address", .example = "wang.fang@example.com" },
	{ "role", EK_CHOICE, EF_REQUIRED | EF_SORT | EF_FILTER, "role", F(role),
	  ROLE_VIEWER, ROLE_ADMIN, .values = user_roles,
	  .help = "the workspace role (an admin changes it)", .example = "rep" },
	{ "active", EK_BOOL, EF_FILTER, "active", F(active),
	  .help = "may sign in (no: signed out everywhere, tokens revoked)" },
	{ "password", EK_TEXT, EF_INPUT | EF_SECRET | EF_CREATE, NULL, F(password),
	  .help = "initial password, at least 12 characters (first line of the file)",
	  .example = "pw.txt" },
	{ "version", EK_VERSION, EF_READONLY, "version", F(version) },
	{ "created_at", EK_INSTANT, EF_READONLY, "created_at", F(created_at) },
	{ "updated_at", EK_INSTANT, EF_READONLY, "updated_at", F(updated_at) },
	{ NULL },
};

ENTITY(user) = {
	.name = "user",
	.plural = "users",
	.table = "users",
	.summary = "a user of the workspace",
	.size = sizeof(struct user),
	.fields = user_fields,
	.scope = ENT_WORKSPACE,
	/* names are shared data: every signed-in role lists users */
	.read_role = ROLE_VIEWER,
	.write_role = ROLE_ADMIN,
	.order = "t.login",
	.hooks = { .check = user_check, .authorize = user_authorize, .after = user_after,
		   .prepare = user_prepare },
	/* users are deactivated, never deleted: their records keep their name */
	.omit = ENT_NO_DELETE,
};

static int given(const struct ent_input *in, const char *name)
{
	const struct ent_field *f = entity_field(&user_entity, name);
	int i = entity_field_index(&user_entity, f);
	return (in->set >> i & 1) != 0;
}

/*
 * Admins write any user; anyone else only their own name and email: a role
 * or active flag given unchanged is no change.
 */
static int user_authorize(struct store *st, const struct actor *a, const void *before,
			  const struct ent_input *in, struct err *err)
{
	const struct user *cur = before;
	const struct user *want = in ? in->rec : NULL;

	(void)st;
	if (a->role == ROLE_ADMIN)
		return 0;
	if (!cur)
		return require_role(a, ROLE_ADMIN, "adding users", err);
	if (a->user_id == NO_ID || strcmp(a->login, cur->login))
		return err_set(err, ERR_DENIED, NULL, "admin_only",
			       "only an admin may change another user");
	if (want && ((given(in, "role") && want->role != cur->role) ||
		     (given(in, "active") && want->active != cur->active)))
		return err_set(err, ERR_DENIED, "role", "admin_only",
			       "only an admin may change roles or deactivate users");
	return 0;
}

/* Hash a new user's password before the write lock is taken; the text is wiped. */
static int user_prepare(struct store *st, const struct actor *a, const char *key,
			struct ent_input *in, struct err *err)
{
	struct user *u = in->rec;
	int r;

	(void)st;
	(void)a;
	u->pw_hash[0] = '\0';
	if (!given(in, "password") || (in->null >> entity_field_index(&user_entity,
			entity_field(&user_entity, "password")) & 1))
		return 0;
	if (key) {
		sodium_memzero(u->password, sizeof(u->password));
		return err_set(err, ERR_INVALID, "password", "key_immutable",
			       "a password changes at POST /api/v1/users/%.60s/password "
			       "(salespm user passwd)", key);
	}
	r = password_hash(u->password, u->pw_hash, sizeof(u->pw_hash), err);
	sodium_memzero(u->password, sizeof(u->password));
	return r;
}

/* A new user is active unless told otherwise; the last active admin stays one. */
static int user_check(struct tx *tx, const void *before, void *rec, const struct ent_input *in,
		      struct err *err)
{
	const struct user *cur = before;
	struct user *u = rec;
	int64_t admins = 0;

	if (!cur) {
		if (!given(in, "active"))
			u->active = 1;
		return 0;
	}
	if (cur->role != ROLE_ADMIN || !cur->active || (u->role == ROLE_ADMIN && u->active))
		return 0;
	if (store_query_int(tx->st, SQL_ADMIN_COUNT, &admins, err))
		return -1;
	if (admins <= 1)
		return err_set(err, ERR_CONFLICT, "role", "last_admin:login",
			       "%s is the last active admin; make another admin first", cur->login);
	return 0;
}

/*
 * A new user's hash is stored with the row; a user made inactive is signed
 * out everywhere and their API tokens stop, at once.
 */
static int user_after(struct tx *tx, const void *before, const void *after,
		      const struct ent_input *in, struct err *err)
{
	const struct user *cur = before, *u = after;
	const struct user *want = in ? in->rec : NULL;

	if (!cur && want && want->pw_hash[0]) {
		struct stmt *s = store_prepare(tx->st, SQL_USER_NEW_PW, err);
		int rc;
		if (!s)
			return -1;
		store_bind_text(tx->st, s, 1, want->pw_hash);
		store_bind_int(tx->st, s, 2, tx->now);
		store_bind_int(tx->st, s, 3, u->id);
		rc = store_step(tx->st, s, err);
		store_done(tx->st, s);
		if (rc < 0)
			return -1;
	}
	if (cur && u && cur->active && !u->active)
		return auth_revoke_user(tx, cur->id, err);
	return 0;
}

/*
 * Argon2id's cost: OWASP's (Password Storage Cheat Sheet) 7 MiB, 5 passes, one
 * lane - of the strength of its 19 MiB, 2 passes - rather than libsodium's
 * INTERACTIVE 64 MiB: each of the server's API_HASH_SLOTS checks holds that
 * memory while it runs, and the server serves in 32 MB (SPEC "Performance").
 * A stored hash carries its own cost, so older hashes still verify.
 */
#define PASSWORD_OPSLIMIT 5
#define PASSWORD_MEMLIMIT (7u << 20)

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
						PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT)) {
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
	if (crypto_pwhash_str(out, password, strlen(password), PASSWORD_OPSLIMIT,
			      PASSWORD_MEMLIMIT))
		return err_set(err, ERR_INTERNAL, NULL, "internal", "out of memory while hashing a password");
	return 0;
}

void user_write_json(struct jw *w, const struct user *u)
{
	entity_write_json(w, &user_entity, u);
}

int user_create(struct store *st, const struct actor *a, const struct user_input *ui,
		struct user *out, struct err *err)
{
	const char *text[][2] = { { "login", ui->login }, { "name", ui->name },
				  { "email", ui->email },  { "role", ui->role },
				  { "password", ui->password } };
	struct user *rec = xcalloc(1, sizeof(*rec));
	struct ent_input in = { 0 };
	int r = -1;

	in.rec = rec;
	for (const struct ent_field *f = user_fields; f->name; f++)
		entity_set_none(f, rec);
	rec->active = 1;
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		const struct ent_field *f = entity_field(&user_entity, text[i][0]);
		if (!text[i][1])
			continue;
		if (entity_parse_text(f, text[i][1], rec, err))
			goto out;
		entity_input_set(&user_entity, &in, f, 0);
	}
	r = entity_create(st, a, &user_entity, NULL, &in, out, err);
out:
	sodium_memzero(rec, sizeof(*rec));
	free(rec);
	return r;
}

int user_get(struct store *st, const char *login, struct user *out, struct err *err)
{
	if (!entity_load(st, &user_entity, NULL, login, 0, out, err))
		return 0;
	if (err->code == ERR_NOT_FOUND)
		err_set(err, ERR_NOT_FOUND, "login", "no_user:login", "no user with login \"%s\"", login);
	return -1;
}

int user_get_id(struct store *st, int64_t id, struct user *out, struct err *err)
{
	char key[24];

	snprintf(key, sizeof(key), "%lld", (long long)id);
	if (!entity_load(st, &user_entity, NULL, key, 1, out, err))
		return 0;
	if (err->code == ERR_NOT_FOUND)
		err_set(err, ERR_NOT_FOUND, "user", "no_user:id", "no user with id %lld", (long long)id);
	return -1;
}

int user_update(struct store *st, const struct actor *a, const struct user *want,
		struct user *out, struct err *err)
{
	static const char *const editable[] = { "name", "email", "role", "active", NULL };
	struct ent_input in = { 0 };

	in.rec = (void *)want;
	in.version = want->version;
	for (int i = 0; editable[i]; i++)
		entity_input_set(&user_entity, &in, entity_field(&user_entity, editable[i]), 0);
	return entity_update(st, a, &user_entity, NULL, want->login, &in, out, err);
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
