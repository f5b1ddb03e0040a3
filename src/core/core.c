/*
 * core.c - roles, permission checks and text validation shared by all nouns.
 */
#include "core/core.h"

#include <stdio.h>
#include <string.h>
#include "base/banned.h"

static const char *const role_names[] = { "viewer", "rep", "manager", "admin" };
static const char *const prole_names[] = { "none", "viewer", "member", "manager", "owner" };

const char *role_str(enum role r)
{
	return (unsigned)r < 4 ? role_names[r] : "viewer";
}

int role_parse(const char *s, enum role *out, struct err *err)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, role_names[i])) {
			*out = (enum role)i;
			return 0;
		}
	return err_set(err, ERR_INVALID, "role", "bad_role:value",
		       "\"%s\" is not a role (admin, manager, rep or viewer)", s ? s : "");
}

const char *prole_str(enum prole r)
{
	return (unsigned)r < 5 ? prole_names[r] : "none";
}

int prole_parse(const char *s, enum prole *out, struct err *err)
{
	for (int i = 1; i < 5; i++)
		if (s && !strcmp(s, prole_names[i])) {
			*out = (enum prole)i;
			return 0;
		}
	return err_set(err, ERR_INVALID, "role", "bad_project_role:value",
		       "\"%s\" is not a project role (owner, manager, member or viewer)",
		       s ? s : "");
}

static const char SQL_ACTOR[] = "SELECT id, role, active FROM users WHERE login = ?";

int actor_load(struct store *st, const char *login, struct actor *out, struct err *err)
{
	struct stmt *s = store_prepare(st, SQL_ACTOR, err);
	int rc, r = -1;

	if (!s)
		return -1;
	store_bind_text(st, s, 1, login);
	rc = store_step(st, s, err);
	if (rc < 0)
		goto out;
	if (rc == STORE_DONE) {
		err_set(err, ERR_NOT_FOUND, "login", "no_user:login", "no user with login \"%s\"", login);
		goto out;
	}
	if (!store_col_int(st, s, 2)) {
		err_set(err, ERR_DENIED, "login", "user_deactivated:login", "user \"%s\" is deactivated", login);
		goto out;
	}
	out->user_id = store_col_int(st, s, 0);
	if (role_parse(store_col_text(st, s, 1), &out->role, err))
		goto out;
	snprintf(out->login, sizeof(out->login), "%s", login);
	r = 0;
out:
	store_done(st, s);
	return r;
}

int require_role(const struct actor *a, enum role min, const char *what, struct err *err)
{
	if (a->role >= min)
		return 0;
	return err_set(err, ERR_DENIED, NULL, "role_required:what,role,login,have", "%s needs the %s role; %s is a %s", what,
		       role_str(min), a->login, role_str(a->role));
}

static const char SQL_MEMBER_ROLE[] =
	"SELECT role FROM members WHERE project_id = ? AND user_id = ?";

int project_sees_all(const struct actor *a)
{
	return a->role >= ROLE_MANAGER;
}

enum prole project_access(struct store *st, const struct actor *a, int64_t project_id,
			  struct err *err)
{
	struct stmt *s;
	enum prole r = PROLE_NONE;

	if (a->role == ROLE_ADMIN)
		return PROLE_OWNER;
	s = store_prepare(st, SQL_MEMBER_ROLE, err);
	if (!s)
		return PROLE_NONE;
	store_bind_int(st, s, 1, project_id);
	store_bind_int(st, s, 2, a->user_id);
	if (store_step(st, s, err) == STORE_ROW)
		prole_parse(store_col_text(st, s, 0), &r, NULL);
	store_done(st, s);
	/* A workspace viewer never writes, whatever the project says. */
	if (a->role == ROLE_VIEWER && r > PROLE_VIEWER)
		r = PROLE_VIEWER;
	/* Managers see every project; writing in one takes a project role. */
	if (r == PROLE_NONE && project_sees_all(a))
		r = PROLE_VIEWER;
	return r;
}

int require_project(struct store *st, const struct actor *a, int64_t project_id,
		    const char *project_code, enum prole min, const char *what, struct err *err)
{
	enum prole r = project_access(st, a, project_id, err);
	if (r == PROLE_NONE)
		return err_set(err, ERR_NOT_FOUND, "project", "no_project:code", "no project \"%s\"", project_code);
	if (r < min)
		return err_set(err, ERR_DENIED, NULL, "project_role_required:what,role,login,have", "%s needs project role %s; %s is a %s here",
			       what, prole_str(min), a->login, prole_str(r));
	return 0;
}

int utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

int text_field(char *dst, size_t size, const char *s, int required, int multiline,
	       const char *field, struct err *err)
{
	size_t len = s ? strlen(s) : 0;

	if (required && len == 0)
		return err_set(err, ERR_INVALID, field, "required", "%s is required", field);
	if (len >= size)
		return err_set(err, ERR_INVALID, field, "too_long:_,len,max", "%s is too long (%zu bytes, at most %zu)",
			       field, len, size - 1);
	if (!utf8_valid(s ? s : "", len))
		return err_set(err, ERR_INVALID, field, "not_utf8", "%s is not valid UTF-8", field);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) ||
		    c == 0x7f)
			return err_set(err, ERR_INVALID, field, "control_character:_,at",
				       "%s contains a control character at byte %zu", field, i);
	}
	if (len)
		memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

int code_field(char *dst, size_t size, const char *s, const char *field, struct err *err)
{
	size_t len = s ? strlen(s) : 0;
	if (len == 0)
		return err_set(err, ERR_INVALID, field, "required", "%s is required", field);
	if (len >= size || len > 63)
		return err_set(err, ERR_INVALID, field, "code_too_long:_,value", "%s \"%.40s...\" is too long (at most 63)",
			       field, s);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return err_set(err, ERR_INVALID, field, "bad_code:_,value",
				       "%s \"%s\" may hold only letters, digits, '_', '-' and '.'",
				       field, s);
	}
	memcpy(dst, s, len + 1);
	return 0;
}
