/*
 * user.h - workspace users: login, name, role, argon2id password hash
 * (libsodium), active flag. Hashes never leave this module.
 */
#ifndef CORE_USER_H
#define CORE_USER_H

#include <stddef.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/entity.h"
#include "core/tx.h"

struct user {
	int64_t id;
	char login[64];
	char name[128];
	char email[128];
	enum role role;
	int active;
	int64_t version, created_at, updated_at;
	/* inputs of a create, never read back: the password, then its argon2id hash */
	char password[1025];
	char pw_hash[128];
};

struct user_input {
	const char *login, *name, *email, *role;
	const char *password; /* NULL: no password (cannot log in until one is set) */
};

/* Minimum password length (OWASP ASVS L2). */
#define PASSWORD_MIN 12

/*
 * The user noun of the entity engine (user_entity): login, name, email, role,
 * active and, on create only, a password (EF_INPUT | EF_SECRET) hashed before
 * the write and never echoed or audited. Only an admin adds users and changes
 * roles or the active flag; a user may change their own name and email; the
 * last active admin cannot be demoted or deactivated; deactivating a user ends
 * their sessions and revokes their API tokens in the same transaction.
 */
extern const struct entity user_entity;

/* Create a user (admin only) from text inputs, as a face or the demo has them. */
int user_create(struct store *st, const struct actor *a, const struct user_input *in,
		struct user *out, struct err *err);

/* Look a user up by login. */
int user_get(struct store *st, const char *login, struct user *out, struct err *err);

/* Look a user up by id. */
int user_get_id(struct store *st, int64_t id, struct user *out, struct err *err);

/*
 * Update name / email / role / active of want->login at want->version (the
 * engine's update with each of them given).
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

/* The user as JSON (no secrets): the engine's record JSON. */
void user_write_json(struct jw *w, const struct user *u);

#endif
