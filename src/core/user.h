/*
 * user.h - workspace users: login, name, role, argon2id password hash
 * (libsodium), active flag. Hashes never leave this module.
 */
#ifndef CORE_USER_H
#define CORE_USER_H

#include <stddef.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/tx.h"

struct user {
	int64_t id;
	char login[64];
	char name[128];
	char email[128];
	enum role role;
	int active;
	int64_t version, created_at, updated_at;
};

struct user_input {
	const char *login, *name, *email, *role;
	const char *password; /* NULL: no password (cannot log in until one is set) */
};

struct user_list {
	struct user *items;
	size_t n, alloc;
};

/* Minimum password length (OWASP ASVS L2). */
#define PASSWORD_MIN 12

/* Create a user (admin only). */
int user_create(struct store *st, const struct actor *a, const struct user_input *in,
		struct user *out, struct err *err);

/*
 * Insert inside an open transaction (used by user_create and workspace_init).
 * pw_hash, when given, is used as is instead of hashing in->password.
 */
int user_insert(struct tx *tx, const struct user_input *in, const char *pw_hash,
		struct user *out, struct err *err);

/* Look a user up by login. */
int user_get(struct store *st, const char *login, struct user *out, struct err *err);

/* Look a user up by id. */
int user_get_id(struct store *st, int64_t id, struct user *out, struct err *err);

/* Every user, by login. Any signed-in role may list (names are shared data). */
int user_list(struct store *st, const struct actor *a, struct user_list *out, struct err *err);
void user_list_release(struct user_list *l);

/*
 * Update name / email / role / active of want->login at want->version (admin
 * only, or the user themself for name and email). Deactivating a user ends
 * their sessions and revokes their API tokens in the same transaction.
 */
int user_update(struct store *st, const struct actor *a, const struct user *want,
		struct user *out, struct err *err);

/* Set a password (admin, or the user themself); invalidates sessions later issues keep. */
int user_set_password(struct store *st, const struct actor *a, const char *login,
		      const char *password, struct err *err);

/* Check login + password; on success fill out. Same error for unknown and wrong. */
int user_verify_password(struct store *st, const char *login, const char *password,
			 struct user *out, struct err *err);

/* Hash a password with argon2id into out (crypto_pwhash_STRBYTES bytes). */
int password_hash(const char *password, char *out, size_t outlen, struct err *err);

/* The user as JSON (no secrets). */
void user_write_json(struct jw *w, const struct user *u);

#endif
