/*
 * test_core.c - the domain core on a real store: workspace creation, actors,
 * projects (create / update / delete with version conflicts and audit rows),
 * permission rules, members with last-owner protection, users and passwords,
 * and the text validation helpers every noun uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/jw.h"
#include "core/catalog.h"
#include "core/core.h"
#include "core/entity.h"
#include "core/goal.h"
#include "core/project.h"
#include "core/user.h"
#include "core/workspace.h"

/* 2026-03-01T09:30:00Z: 20513 days (56*365 + 14 leap days + 31 + 28) and 9.5 hours. */
#define NOW ((int64_t)20513 * 86400 + 9 * 3600 + 30 * 60)
#define NOW_TEXT "2026-03-01T09:30:00Z"
#define DAY(y_off) (20513 + (y_off))

static char dir[64];
static int dbseq;

struct fx {
	struct store *st;
	struct actor admin, mia, max, rob, vic; /* admin, 2 managers, a rep, a viewer */
};

/* --- fixture ---------------------------------------------------------------------- */

static void empty_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/salespm-test-core-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	setenv("SALESPM_NOW", NOW_TEXT, 1);
	store_global_init();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	empty_dir();
	rmdir(dir);
	return 0;
}

static struct store *new_store(void)
{
	char p[256];
	struct err err;
	struct store *st;
	snprintf(p, sizeof(p), "%s/core%d.db", dir, ++dbseq);
	st = store_open(p, 1, &err);
	if (!st)
		print_error("store_open: %s\n", err.msg);
	return st;
}

static void add_user(struct fx *f, const char *login, const char *role, struct actor *out)
{
	struct user_input in = { 0 };
	struct user u;
	struct err err;
	in.login = login;
	in.name = login;
	in.role = role;
	if (user_create(f->st, &f->admin, &in, &u, &err) || actor_load(f->st, login, out, &err)) {
		print_error("user %s: %s\n", login, err.msg);
		fail();
	}
}

/* A fresh database per test with a workspace and five users. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct workspace_input wi = { 0 };
	struct err err;

	f->st = new_store();
	if (!f->st)
		return -1;
	wi.currency = "CNY";
	wi.timezone = "UTC";
	wi.admin = "admin";
	wi.admin_name = "The Admin";
	if (workspace_init(f->st, &wi, &err) || actor_load(f->st, "admin", &f->admin, &err)) {
		print_error("init: %s\n", err.msg);
		return -1;
	}
	add_user(f, "mia", "manager", &f->mia);
	add_user(f, "max", "manager", &f->max);
	add_user(f, "rob", "rep", &f->rob);
	add_user(f, "vic", "viewer", &f->vic);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (f) {
		store_free(f->st);
		free(f);
	}
	return 0;
}

/* --- helpers ------------------------------------------------------------------------- */

static int64_t count(struct store *st, const char *sql)
{
	struct err err;
	int64_t n = -1;
	if (store_query_int(st, sql, &n, &err)) {
		print_error("%s: %s\n", sql, err.msg);
		fail();
	}
	return n;
}

static const char SQL_AUDIT_ROW[] =
	"SELECT actor_id, at, before, after, before IS NULL, after IS NULL FROM audit "
	"WHERE entity = ? AND entity_id = ? AND action = ? ORDER BY id DESC LIMIT 1";
static const char SQL_AUDIT_COUNT[] =
	"SELECT COUNT(*) FROM audit WHERE entity = ? AND entity_id = ?";

struct audit_row {
	int64_t actor_id, at;
	char before[4096], after[4096];
	int before_null, after_null;
};

/* The latest audit row for entity/id/action; fails the test when there is none. */
static void audit_row(struct store *st, const char *entity, int64_t id, const char *action,
		      struct audit_row *out)
{
	struct err err;
	struct stmt *s = store_prepare(st, SQL_AUDIT_ROW, &err);
	assert_non_null(s);
	store_bind_text(st, s, 1, entity);
	store_bind_int(st, s, 2, id);
	store_bind_text(st, s, 3, action);
	if (store_step(st, s, &err) != STORE_ROW) {
		store_done(st, s);
		print_error("no audit row for %s %lld %s\n", entity, (long long)id, action);
		fail();
	}
	out->actor_id = store_col_int(st, s, 0);
	out->at = store_col_int(st, s, 1);
	snprintf(out->before, sizeof(out->before), "%s", store_col_text(st, s, 2));
	snprintf(out->after, sizeof(out->after), "%s", store_col_text(st, s, 3));
	out->before_null = (int)store_col_int(st, s, 4);
	out->after_null = (int)store_col_int(st, s, 5);
	store_done(st, s);
}

static int64_t audit_count(struct store *st, const char *entity, int64_t id)
{
	struct err err;
	struct stmt *s = store_prepare(st, SQL_AUDIT_COUNT, &err);
	int64_t n;
	store_bind_text(st, s, 1, entity);
	store_bind_int(st, s, 2, id);
	assert_int_equal(store_step(st, s, &err), STORE_ROW);
	n = store_col_int(st, s, 0);
	store_done(st, s);
	return n;
}

static void project_input(struct project *p, const char *code, const char *name)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->code, sizeof(p->code), "%s", code);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->start_on = DAY(0);
	p->end_on = DAY(90);
	p->budget_minor = 5000000;
	p->owner_id = NO_ID;
}

static void make_project(struct fx *f, const struct actor *a, const char *code,
			 struct project *out)
{
	struct project in;
	struct err err;
	project_input(&in, code, "Spring push");
	if (project_create(f->st, a, &in, out, &err)) {
		print_error("project_create %s: %s\n", code, err.msg);
		fail();
	}
}

static void expect_err(int rc, const struct err *err, enum err_code code, const char *field)
{
	if (rc != -1 || err->code != code || (field && strcmp(err->field, field))) {
		print_error("got rc %d code %s field \"%s\" (%s); want code %s field \"%s\"\n", rc,
			    err_code_str(err->code), err->field, err->msg, err_code_str(code),
			    field ? field : "(any)");
		fail();
	}
}

/* --- workspace and actors ------------------------------------------------------------ */

static void test_workspace(void **state)
{
	struct fx *f = *state;
	struct workspace ws;
	struct workspace_input wi = { 0 };
	struct actor a;
	struct err err;
	struct audit_row row;

	assert_int_equal(workspace_load(f->st, &ws, &err), 0);
	assert_string_equal(ws.currency, "CNY");
	assert_string_equal(ws.timezone, "UTC");
	assert_string_equal(ws.admin, "admin");

	assert_int_equal(f->admin.role, ROLE_ADMIN);
	assert_true(f->admin.user_id > 0);
	assert_string_equal(f->admin.login, "admin");
	assert_int_equal(f->mia.role, ROLE_MANAGER);
	assert_int_equal(f->rob.role, ROLE_REP);
	assert_int_equal(f->vic.role, ROLE_VIEWER);
	assert_true(f->mia.user_id != f->admin.user_id);

	/* The initialisation is audited with the settings, and so is the first admin. */
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM audit WHERE entity = 'workspace' AND "
				      "action = 'init' AND entity_id IS NULL AND before IS NULL AND "
				      "after LIKE '%\"currency\":\"CNY\"%'"),
			 1);
	audit_row(f->st, "user", f->admin.user_id, "create", &row);
	assert_non_null(strstr(row.after, "\"login\":\"admin\""));
	assert_non_null(strstr(row.after, "\"role\":\"admin\""));
	assert_null(strstr(row.after, "argon2"));

	/* A second init is refused and changes nothing. */
	wi.currency = "USD";
	wi.timezone = "UTC";
	wi.admin = "other";
	err_clear(&err);
	expect_err(workspace_init(f->st, &wi, &err), &err, ERR_CONFLICT, "db");
	assert_int_equal(workspace_load(f->st, &ws, &err), 0);
	assert_string_equal(ws.currency, "CNY");
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM users WHERE login = 'other'"), 0);

	err_clear(&err);
	expect_err(actor_load(f->st, "nobody", &a, &err), &err, ERR_NOT_FOUND, "login");
	assert_non_null(strstr(err.msg, "\"nobody\""));
}

static void test_workspace_init_invalid(void **state)
{
	struct store *st = new_store();
	struct workspace_input wi = { 0 };
	struct err err;
	(void)state;
	assert_non_null(st);

	wi.currency = "cny";
	wi.timezone = "UTC";
	err_clear(&err);
	expect_err(workspace_init(st, &wi, &err), &err, ERR_INVALID, "currency");
	wi.currency = "CNY";
	wi.timezone = "Mars/Olympus_Mons";
	err_clear(&err);
	expect_err(workspace_init(st, &wi, &err), &err, ERR_INVALID, "timezone");
	wi.timezone = "../../etc/passwd";
	expect_err(workspace_init(st, &wi, &err), &err, ERR_INVALID, "timezone");
	/* A bad admin login fails inside the transaction: all of it is rolled back. */
	wi.timezone = "UTC";
	wi.admin = "bad login";
	err_clear(&err);
	expect_err(workspace_init(st, &wi, &err), &err, ERR_INVALID, "login");

	assert_int_equal(count(st, "SELECT COUNT(*) FROM settings"), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM users"), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM audit"), 0);
	store_free(st);
}

static void test_deactivated_actor(void **state)
{
	struct fx *f = *state;
	struct user u, out;
	struct actor a;
	struct err err;

	assert_int_equal(user_get(f->st, "rob", &u, &err), 0);
	u.active = 0;
	assert_int_equal(user_update(f->st, &f->admin, &u, &out, &err), 0);
	assert_int_equal(out.version, u.version + 1);
	err_clear(&err);
	expect_err(actor_load(f->st, "rob", &a, &err), &err, ERR_DENIED, "login");
}

/* --- projects -------------------------------------------------------------------------- */

static void test_project_create(void **state)
{
	struct fx *f = *state;
	struct project in, out, got;
	struct audit_row row;
	struct err err;

	project_input(&in, "P1", "Spring push");
	assert_int_equal(project_create(f->st, &f->mia, &in, &out, &err), 0);
	assert_true(out.id > 0);
	assert_int_equal(out.version, 1);
	assert_string_equal(out.status, "draft");
	assert_int_equal(out.owner_id, f->mia.user_id);
	assert_int_equal(out.created_at, NOW);

	/* What was stored reads back the same. */
	assert_int_equal(project_get(f->st, &f->mia, "P1", &got, &err), 0);
	assert_int_equal(got.id, out.id);
	assert_string_equal(got.name, "Spring push");
	assert_int_equal(got.start_on, DAY(0));
	assert_int_equal(got.end_on, DAY(90));
	assert_int_equal(got.budget_minor, 5000000);
	assert_int_equal(got.version, 1);

	/* The creator is the owner member. */
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM members m JOIN users u ON "
				      "u.id = m.user_id WHERE u.login = 'mia' AND m.role = 'owner'"),
			 1);

	/* One audit row: who, when, no before, the record after. */
	assert_int_equal(audit_count(f->st, "project", out.id), 1);
	audit_row(f->st, "project", out.id, "create", &row);
	assert_int_equal(row.actor_id, f->mia.user_id);
	assert_int_equal(row.at, NOW);
	assert_true(row.before_null);
	assert_false(row.after_null);
	assert_non_null(strstr(row.after, "\"code\":\"P1\""));
	assert_non_null(strstr(row.after, "\"name\":\"Spring push\""));
	assert_non_null(strstr(row.after, "\"start\":\"2026-03-01\""));
	assert_non_null(strstr(row.after, "\"version\":1"));
}

static void test_project_create_refused(void **state)
{
	struct fx *f = *state;
	struct project in, out, p1;
	struct err err;
	int64_t audits;

	make_project(f, &f->mia, "P1", &p1);
	audits = count(f->st, "SELECT COUNT(*) FROM audit");

	/* Reps and viewers cannot create projects. */
	project_input(&in, "P2", "Nope");
	err_clear(&err);
	expect_err(project_create(f->st, &f->rob, &in, &out, &err), &err, ERR_DENIED, NULL);
	assert_non_null(strstr(err.msg, "rob"));
	err_clear(&err);
	expect_err(project_create(f->st, &f->vic, &in, &out, &err), &err, ERR_DENIED, NULL);

	/* A code already in use. */
	project_input(&in, "P1", "Again");
	err_clear(&err);
	expect_err(project_create(f->st, &f->max, &in, &out, &err), &err, ERR_CONFLICT, "code");

	/* Invalid input, each naming its field. */
	project_input(&in, "bad code", "x");
	expect_err(project_create(f->st, &f->mia, &in, &out, &err), &err, ERR_INVALID, "code");
	project_input(&in, "P3", "");
	expect_err(project_create(f->st, &f->mia, &in, &out, &err), &err, ERR_INVALID, "name");
	project_input(&in, "P3", "ok");
	in.end_on = DAY(-1);
	expect_err(project_create(f->st, &f->mia, &in, &out, &err), &err, ERR_INVALID, "end");
	assert_non_null(strstr(err.msg, "2026-02-28"));
	project_input(&in, "P3", "ok");
	in.start_on = NO_DATE;
	expect_err(project_create(f->st, &f->mia, &in, &out, &err), &err, ERR_INVALID, "start");
	project_input(&in, "P3", "ok");
	snprintf(in.status, sizeof(in.status), "open");
	expect_err(project_create(f->st, &f->mia, &in, &out, &err), &err, ERR_INVALID, "status");
	project_input(&in, "P3", "ok");
	in.budget_minor = -1;
	expect_err(project_create(f->st, &f->mia, &in, &out, &err), &err, ERR_INVALID, "budget");
	project_input(&in, "P3", "bad \xC3\x28 utf8");
	expect_err(project_create(f->st, &f->mia, &in, &out, &err), &err, ERR_INVALID, "name");

	/* None of that left a trace. */
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM projects"), 1);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM members"), 1);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM audit"), audits);
}

static void test_project_update_conflict(void **state)
{
	struct fx *f = *state;
	struct project p, want, out, got;
	struct audit_row row;
	struct err err;

	make_project(f, &f->mia, "P1", &p);
	want = p;
	snprintf(want.name, sizeof(want.name), "Renamed");
	snprintf(want.status, sizeof(want.status), "active");
	assert_int_equal(project_update(f->st, &f->mia, &want, &out, &err), 0);
	assert_int_equal(out.version, 2);
	assert_string_equal(out.name, "Renamed");

	audit_row(f->st, "project", p.id, "update", &row);
	assert_non_null(strstr(row.before, "\"name\":\"Spring push\""));
	assert_non_null(strstr(row.before, "\"version\":1"));
	assert_non_null(strstr(row.after, "\"name\":\"Renamed\""));
	assert_non_null(strstr(row.after, "\"status\":\"active\""));
	assert_non_null(strstr(row.after, "\"version\":2"));
	assert_int_equal(audit_count(f->st, "project", p.id), 2);

	/* A second editor still holding version 1 gets a conflict... */
	want = p;
	snprintf(want.name, sizeof(want.name), "Stale edit");
	err_clear(&err);
	expect_err(project_update(f->st, &f->admin, &want, &out, &err), &err, ERR_CONFLICT,
		   "version");
	assert_non_null(strstr(err.msg, "version 1"));
	assert_non_null(strstr(err.msg, "version 2"));
	/* ...a version from the future too... */
	want.version = 3;
	expect_err(project_update(f->st, &f->admin, &want, &out, &err), &err, ERR_CONFLICT,
		   "version");

	/* ...and nothing changed. */
	assert_int_equal(project_get(f->st, &f->mia, "P1", &got, &err), 0);
	assert_string_equal(got.name, "Renamed");
	assert_int_equal(got.version, 2);
	assert_int_equal(audit_count(f->st, "project", p.id), 2);

	/* An invalid update is refused before the version is even considered. */
	want = got;
	want.end_on = DAY(-10);
	expect_err(project_update(f->st, &f->mia, &want, &out, &err), &err, ERR_INVALID, "end");
	assert_int_equal(project_get(f->st, &f->mia, "P1", &got, &err), 0);
	assert_int_equal(got.version, 2);
}

static void test_project_delete(void **state)
{
	struct fx *f = *state;
	struct project p, got;
	struct member m;
	struct audit_row row;
	struct err err;

	make_project(f, &f->mia, "P1", &p);
	assert_int_equal(member_add(f->st, &f->mia, "P1", "max", PROLE_MANAGER, &m, &err), 0);

	/* A project manager who is not an owner may not delete. */
	err_clear(&err);
	expect_err(project_delete(f->st, &f->max, "P1", 1, &err), &err, ERR_DENIED, NULL);
	/* A stale version is a conflict. */
	expect_err(project_delete(f->st, &f->mia, "P1", 7, &err), &err, ERR_CONFLICT, "version");
	assert_int_equal(project_get(f->st, &f->mia, "P1", &got, &err), 0);

	assert_int_equal(project_delete(f->st, &f->mia, "P1", 1, &err), 0);
	err_clear(&err);
	expect_err(project_get(f->st, &f->admin, "P1", &got, &err), &err, ERR_NOT_FOUND,
		   "project");
	/* Its members went with it. */
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM members"), 0);
	audit_row(f->st, "project", p.id, "delete", &row);
	assert_false(row.before_null);
	assert_true(row.after_null);
	assert_non_null(strstr(row.before, "\"code\":\"P1\""));
	assert_int_equal(row.actor_id, f->mia.user_id);

	/* Deleting it again: not found. */
	expect_err(project_delete(f->st, &f->mia, "P1", 1, &err), &err, ERR_NOT_FOUND, "project");
}

static void test_project_permissions(void **state)
{
	struct fx *f = *state;
	struct project p1, p2, got, want, out;
	struct project_list list = { 0 };
	struct member m;
	struct err err, missing;

	make_project(f, &f->mia, "P1", &p1);
	make_project(f, &f->max, "P2", &p2);

	/* A non-member cannot tell a hidden project from a missing one. */
	err_clear(&err);
	expect_err(project_get(f->st, &f->rob, "P1", &got, &err), &err, ERR_NOT_FOUND, "project");
	err_clear(&missing);
	expect_err(project_get(f->st, &f->rob, "NOPE", &got, &missing), &missing, ERR_NOT_FOUND,
		   "project");
	assert_string_equal(err.msg, "no project \"P1\"");
	assert_string_equal(missing.msg, "no project \"NOPE\"");
	/* Other workspace managers see every project (drafts too) but write only with a role. */
	assert_string_equal(p1.status, "draft");
	assert_int_equal(project_get(f->st, &f->max, "P1", &got, &err), 0);
	assert_int_equal(project_access(f->st, &f->max, p1.id, &err), PROLE_VIEWER);
	assert_int_equal(project_list(f->st, &f->max, &list, &err), 0);
	assert_int_equal(list.n, 2);
	project_list_release(&list);
	want = p1;
	err_clear(&err);
	expect_err(project_update(f->st, &f->max, &want, &out, &err), &err, ERR_DENIED, NULL);
	/* Reps and viewers off the project do not see it, draft or not. */
	expect_err(project_get(f->st, &f->vic, "P1", &got, &err), &err, ERR_NOT_FOUND, "project");
	assert_int_equal(project_list(f->st, &f->rob, &list, &err), 0);
	assert_int_equal(list.n, 0);
	project_list_release(&list);

	/* Admins see every project. */
	assert_int_equal(project_get(f->st, &f->admin, "P1", &got, &err), 0);
	assert_int_equal(project_list(f->st, &f->admin, &list, &err), 0);
	assert_int_equal(list.n, 2);
	project_list_release(&list);

	/* A member may read but a plain member may not change. */
	assert_int_equal(member_add(f->st, &f->mia, "P1", "rob", PROLE_MEMBER, &m, &err), 0);
	assert_int_equal(project_get(f->st, &f->rob, "P1", &got, &err), 0);
	err_clear(&err);
	expect_err(project_update(f->st, &f->rob, &want, &out, &err), &err, ERR_DENIED, NULL);
	assert_int_equal(project_list(f->st, &f->rob, &list, &err), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.items[0].code, "P1");
	project_list_release(&list);

	/* A workspace viewer stays a viewer whatever role the project gives. */
	assert_int_equal(member_add(f->st, &f->mia, "P1", "vic", PROLE_MANAGER, &m, &err), 0);
	assert_int_equal(project_get(f->st, &f->vic, "P1", &got, &err), 0);
	expect_err(project_update(f->st, &f->vic, &want, &out, &err), &err, ERR_DENIED, NULL);
	assert_int_equal(project_access(f->st, &f->vic, p1.id, &err), PROLE_VIEWER);
	assert_int_equal(project_access(f->st, &f->admin, p1.id, &err), PROLE_OWNER);
	assert_int_equal(project_access(f->st, &f->rob, p2.id, &err), PROLE_NONE);

	/* Nothing above changed P1. */
	assert_int_equal(project_get(f->st, &f->mia, "P1", &got, &err), 0);
	assert_int_equal(got.version, 1);
}

/* --- writes inside an enclosing transaction ------------------------------------------- */

static void test_tx_inside_open_transaction(void **state)
{
	struct fx *f = *state;
	struct project p1, in, out;
	struct err err;
	int64_t audits = count(f->st, "SELECT COUNT(*) FROM audit");

	/* Two core writes in one store transaction: each a savepoint, one commit. */
	assert_int_equal(store_begin(f->st, 1, &err), 0);
	make_project(f, &f->mia, "T1", &p1);
	assert_int_equal(f->st->in_tx, 1);
	/* A refused write (a taken code) undoes only its own savepoint. */
	project_input(&in, "T1", "Again");
	err_clear(&err);
	expect_err(project_create(f->st, &f->mia, &in, &out, &err), &err, ERR_CONFLICT, "code");
	assert_int_equal(f->st->in_tx, 1);
	make_project(f, &f->mia, "T2", &out);
	/* Nothing is visible to another connection before the outer commit. */
	{
		char p[256];
		struct store *other;
		int64_t n = -1;
		snprintf(p, sizeof(p), "%s/core%d.db", dir, dbseq);
		other = store_open(p, 0, &err);
		assert_non_null(other);
		assert_int_equal(store_query_int(other, "SELECT COUNT(*) FROM projects", &n, &err), 0);
		assert_int_equal(n, 0);
		store_free(other);
	}
	assert_int_equal(store_commit(f->st, &err), 0);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM projects"), 2);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM audit"), audits + 2);

	/* An outer rollback takes the released writes with it. */
	assert_int_equal(store_begin(f->st, 1, &err), 0);
	make_project(f, &f->mia, "T3", &out);
	store_rollback(f->st);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM projects"), 2);
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM audit"), audits + 2);
}

/* --- members -------------------------------------------------------------------------- */

static void test_members(void **state)
{
	struct fx *f = *state;
	struct project p;
	struct member m, out, vicm;
	struct member_list ml = { 0 };
	struct audit_row row;
	struct err err;

	make_project(f, &f->mia, "P1", &p);

	assert_int_equal(member_add(f->st, &f->mia, "P1", "rob", PROLE_MEMBER, &m, &err), 0);
	assert_string_equal(m.login, "rob");
	assert_int_equal(m.role, PROLE_MEMBER);
	assert_int_equal(m.version, 1);
	assert_int_equal(m.user_id, f->rob.user_id);
	audit_row(f->st, "member", m.id, "create", &row);
	assert_true(row.before_null);
	assert_non_null(strstr(row.after, "\"login\":\"rob\""));

	err_clear(&err);
	expect_err(member_add(f->st, &f->mia, "P1", "rob", PROLE_VIEWER, &out, &err), &err,
		   ERR_CONFLICT, "login");
	expect_err(member_add(f->st, &f->mia, "P1", "ghost", PROLE_MEMBER, &out, &err), &err,
		   ERR_INVALID, "login");
	/* A plain member cannot add members. */
	expect_err(member_add(f->st, &f->rob, "P1", "vic", PROLE_VIEWER, &out, &err), &err,
		   ERR_DENIED, NULL);

	/* A project manager may add members but not owners. */
	assert_int_equal(member_add(f->st, &f->mia, "P1", "max", PROLE_MANAGER, &out, &err), 0);
	expect_err(member_add(f->st, &f->max, "P1", "vic", PROLE_OWNER, &out, &err), &err,
		   ERR_DENIED, "role");
	assert_int_equal(member_add(f->st, &f->max, "P1", "vic", PROLE_VIEWER, &vicm, &err), 0);

	/* Role changes name the version they edit. */
	expect_err(member_update(f->st, &f->mia, "P1", "rob", PROLE_MANAGER, 5, &out, &err), &err,
		   ERR_CONFLICT, "version");
	assert_int_equal(member_update(f->st, &f->mia, "P1", "rob", PROLE_MANAGER, 1, &out, &err),
			 0);
	assert_int_equal(out.version, 2);
	assert_int_equal(out.role, PROLE_MANAGER);
	audit_row(f->st, "member", m.id, "update", &row);
	assert_non_null(strstr(row.before, "\"role\":\"member\""));
	assert_non_null(strstr(row.after, "\"role\":\"manager\""));
	expect_err(member_update(f->st, &f->mia, "P1", "rob", PROLE_MEMBER, 1, &out, &err), &err,
		   ERR_CONFLICT, "version");
	expect_err(member_update(f->st, &f->mia, "P1", "nobody", PROLE_MEMBER, 1, &out, &err),
		   &err, ERR_NOT_FOUND, NULL);

	assert_int_equal(member_list(f->st, &f->vic, "P1", &ml, &err), 0);
	assert_int_equal(ml.n, 4);
	/* By login. */
	assert_string_equal(ml.items[0].login, "max");
	assert_string_equal(ml.items[1].login, "mia");
	assert_string_equal(ml.items[2].login, "rob");
	assert_string_equal(ml.items[3].login, "vic");
	member_list_release(&ml);

	assert_int_equal(member_remove(f->st, &f->mia, "P1", "vic", &err), 0);
	expect_err(member_remove(f->st, &f->mia, "P1", "vic", &err), &err, ERR_NOT_FOUND, NULL);
	audit_row(f->st, "member", vicm.id, "delete", &row);
	assert_false(row.before_null);
	assert_true(row.after_null);
	assert_non_null(strstr(row.before, "\"login\":\"vic\""));
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM members"), 3);
}

static void test_last_owner(void **state)
{
	struct fx *f = *state;
	struct project p;
	struct member mia, maxm, out;
	struct err err;

	make_project(f, &f->mia, "P1", &p);
	assert_int_equal(member_find(f->st, p.id, "mia", &mia, "login", &err), 0);
	assert_int_equal(mia.role, PROLE_OWNER);

	/* The only owner can neither step down nor leave. */
	err_clear(&err);
	expect_err(member_update(f->st, &f->mia, "P1", "mia", PROLE_MANAGER, mia.version, &out,
				 &err),
		   &err, ERR_CONFLICT, "role");
	assert_non_null(strstr(err.msg, "last owner"));
	expect_err(member_remove(f->st, &f->mia, "P1", "mia", &err), &err, ERR_CONFLICT, "login");
	/* An admin is bound by the same rule. */
	expect_err(member_remove(f->st, &f->admin, "P1", "mia", &err), &err, ERR_CONFLICT,
		   "login");
	assert_int_equal(member_find(f->st, p.id, "mia", &out, "login", &err), 0);
	assert_int_equal(out.role, PROLE_OWNER);
	assert_int_equal(out.version, mia.version);

	/* A manager who is not an owner cannot remove or demote the owner. */
	assert_int_equal(member_add(f->st, &f->mia, "P1", "max", PROLE_MANAGER, &maxm, &err), 0);
	expect_err(member_remove(f->st, &f->max, "P1", "mia", &err), &err, ERR_DENIED, NULL);
	expect_err(member_update(f->st, &f->max, "P1", "mia", PROLE_MEMBER, mia.version, &out,
				 &err),
		   &err, ERR_DENIED, NULL);
	/* Nor promote themself. */
	expect_err(member_update(f->st, &f->max, "P1", "max", PROLE_OWNER, maxm.version, &out,
				 &err),
		   &err, ERR_DENIED, NULL);

	/* With a second owner, the first may go. */
	assert_int_equal(member_update(f->st, &f->mia, "P1", "max", PROLE_OWNER, maxm.version,
				       &out, &err),
			 0);
	assert_int_equal(member_remove(f->st, &f->mia, "P1", "mia", &err), 0);
	/* And now max is the last owner. */
	assert_int_equal(member_find(f->st, p.id, "max", &maxm, "login", &err), 0);
	expect_err(member_update(f->st, &f->max, "P1", "max", PROLE_MEMBER, maxm.version, &out,
				 &err),
		   &err, ERR_CONFLICT, "role");
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM members WHERE role = 'owner'"), 1);
}

/* --- users and passwords ------------------------------------------------------------ */

static void test_users_and_passwords(void **state)
{
	struct fx *f = *state;
	struct user_input in = { 0 };
	struct user u, got;
	struct err err, wrong, unknown, inactive;
	char hash[256] = "";

	in.login = "sam";
	in.name = "Sam Sales";
	in.email = "sam@example.com";
	in.role = "rep";
	in.password = "correct horse battery";

	/* Only admins add users. */
	err_clear(&err);
	expect_err(user_create(f->st, &f->mia, &in, &u, &err), &err, ERR_DENIED, NULL);
	/* A short password is refused before anything is written. */
	in.password = "short";
	expect_err(user_create(f->st, &f->admin, &in, &u, &err), &err, ERR_INVALID, "password");
	in.password = "correct horse battery";
	in.email = "not-an-email";
	expect_err(user_create(f->st, &f->admin, &in, &u, &err), &err, ERR_INVALID, "email");
	in.email = "sam@example.com";
	in.role = "boss";
	expect_err(user_create(f->st, &f->admin, &in, &u, &err), &err, ERR_INVALID, "role");
	in.role = "rep";
	assert_int_equal(count(f->st, "SELECT COUNT(*) FROM users WHERE login = 'sam'"), 0);

	assert_int_equal(user_create(f->st, &f->admin, &in, &u, &err), 0);
	assert_int_equal(u.role, ROLE_REP);
	assert_int_equal(u.active, 1);
	{
		struct user dup;
		expect_err(user_create(f->st, &f->admin, &in, &dup, &err), &err, ERR_CONFLICT,
			   "login");
	}

	/* The stored hash is argon2id and does not contain the password. */
	{
		struct stmt *s = store_prepare(f->st, "SELECT pw_hash FROM users WHERE login = 'sam'",
					       &err);
		assert_int_equal(store_step(f->st, s, &err), STORE_ROW);
		snprintf(hash, sizeof(hash), "%s", store_col_text(f->st, s, 0));
		store_done(f->st, s);
	}
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	assert_null(strstr(hash, "horse"));
	/* OWASP's argon2id of 7 MiB (7168 KiB), 5 passes, one lane: a server's check fits its memory */
	assert_non_null(strstr(hash, "$m=7168,t=5,p=1$"));

	assert_int_equal(user_verify_password(f->st, "sam", "correct horse battery", &got, &err),
			 0);
	assert_string_equal(got.login, "sam");
	assert_int_equal(got.id, u.id);

	/* A hash made at another cost (libsodium's 64 MiB INTERACTIVE, as before) still verifies. */
	{
		char old[crypto_pwhash_STRBYTES];
		struct stmt *s;
		assert_int_equal(crypto_pwhash_str(old, "correct horse battery", 21,
						   crypto_pwhash_OPSLIMIT_INTERACTIVE,
						   crypto_pwhash_MEMLIMIT_INTERACTIVE),
				 0);
		assert_non_null(strstr(old, "$m=65536,t=2,p=1$"));
		s = store_prepare(f->st, "UPDATE users SET pw_hash = ?1 WHERE login = 'sam'", &err);
		store_bind_text(f->st, s, 1, old);
		assert_int_equal(store_step(f->st, s, &err), STORE_DONE);
		store_done(f->st, s);
		assert_int_equal(
			user_verify_password(f->st, "sam", "correct horse battery", &got, &err), 0);
		assert_int_equal(got.id, u.id);
	}

	/* A wrong password and an unknown login look exactly the same. */
	err_clear(&wrong);
	err_clear(&unknown);
	expect_err(user_verify_password(f->st, "sam", "correct horse batterY", &got, &wrong),
		   &wrong, ERR_UNAUTHENTICATED, NULL);
	expect_err(user_verify_password(f->st, "nosuchuser", "correct horse battery", &got,
					&unknown),
		   &unknown, ERR_UNAUTHENTICATED, NULL);
	assert_string_equal(wrong.msg, unknown.msg);
	assert_string_equal(wrong.field, unknown.field);
	assert_null(strstr(unknown.msg, "nosuchuser"));

	/* A user without a password cannot sign in, and says no more than that. */
	err_clear(&err);
	expect_err(user_verify_password(f->st, "rob", "", &got, &err), &err, ERR_UNAUTHENTICATED,
		   NULL);
	assert_string_equal(err.msg, wrong.msg);

	/* A deactivated user with the right password gets the same answer. */
	u.active = 0;
	assert_int_equal(user_update(f->st, &f->admin, &u, &got, &err), 0);
	err_clear(&inactive);
	expect_err(user_verify_password(f->st, "sam", "correct horse battery", &got, &inactive),
		   &inactive, ERR_UNAUTHENTICATED, NULL);
	assert_string_equal(inactive.msg, wrong.msg);
}

static void test_user_update_rules(void **state)
{
	struct fx *f = *state;
	struct user u, out, adm;
	struct err err;

	/* Users may change their own name but not their role. */
	assert_int_equal(user_get(f->st, "rob", &u, &err), 0);
	snprintf(u.name, sizeof(u.name), "Robert");
	assert_int_equal(user_update(f->st, &f->rob, &u, &out, &err), 0);
	assert_string_equal(out.name, "Robert");
	u = out;
	u.role = ROLE_ADMIN;
	err_clear(&err);
	expect_err(user_update(f->st, &f->rob, &u, &out, &err), &err, ERR_DENIED, "role");
	/* Nor anyone else's anything. */
	assert_int_equal(user_get(f->st, "mia", &u, &err), 0);
	expect_err(user_update(f->st, &f->rob, &u, &out, &err), &err, ERR_DENIED, NULL);
	/* A stale version is a conflict. */
	assert_int_equal(user_get(f->st, "rob", &u, &err), 0);
	u.version--;
	expect_err(user_update(f->st, &f->admin, &u, &out, &err), &err, ERR_CONFLICT, "version");
	/* The last admin cannot be demoted. */
	assert_int_equal(user_get(f->st, "admin", &adm, &err), 0);
	adm.role = ROLE_MANAGER;
	expect_err(user_update(f->st, &f->admin, &adm, &out, &err), &err, ERR_CONFLICT, "role");
	assert_int_equal(user_get(f->st, "admin", &adm, &err), 0);
	assert_int_equal(adm.role, ROLE_ADMIN);
}

/* --- text validation ---------------------------------------------------------------- */

/* RFC 3629's table of well-formed byte sequences, as an independent reference. */
static int ref_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		unsigned lo = 0x80, hi = 0xBF;
		size_t n;
		if (c <= 0x7F) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c == 0xE0)
			n = 2, lo = 0xA0;
		else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
			n = 2;
		else if (c == 0xED)
			n = 2, hi = 0x9F;
		else if (c == 0xF0)
			n = 3, lo = 0x90;
		else if (c >= 0xF1 && c <= 0xF3)
			n = 3;
		else if (c == 0xF4)
			n = 3, hi = 0x8F;
		else
			return 0;
		if (len - i <= n) /* fewer than n bytes follow */
			return 0;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return 0;
		i += n + 1;
	}
	return 1;
}

static int valid(const char *lit, size_t len)
{
	return utf8_valid(lit, len);
}

#define V(lit) valid(lit, sizeof(lit) - 1)

static void test_utf8_cases(void **state)
{
	(void)state;
	assert_true(V(""));
	assert_true(V("plain ascii"));
	assert_true(V("a\0b"));                 /* NUL is ASCII */
	assert_true(V("\xC3\xA9"));             /* é */
	assert_true(V("\xE4\xB8\xAD"));         /* 中 */
	assert_true(V("\xF0\x9F\x98\x80"));     /* 😀 */
	assert_true(V("\xF4\x8F\xBF\xBF"));     /* U+10FFFF */
	assert_true(V("\xE0\xA0\x80"));         /* U+0800 */
	assert_true(V("\xF0\x90\x80\x80"));     /* U+10000 */
	assert_true(V("\xED\x9F\xBF"));         /* U+D7FF */
	assert_true(V("\xEE\x80\x80"));         /* U+E000 */
	assert_true(V("\xEF\xBF\xBF"));         /* U+FFFF */
	/* overlong */
	assert_false(V("\xC0\x80"));
	assert_false(V("\xC1\xBF"));
	assert_false(V("\xE0\x80\x80"));
	assert_false(V("\xE0\x9F\xBF"));
	assert_false(V("\xF0\x80\x80\x80"));
	assert_false(V("\xF0\x8F\xBF\xBF"));
	/* surrogates */
	assert_false(V("\xED\xA0\x80"));
	assert_false(V("\xED\xBF\xBF"));
	assert_false(V("\xED\xA0\xBD\xED\xB8\x80")); /* CESU-8 pair */
	/* beyond U+10FFFF, and bytes that never occur */
	assert_false(V("\xF4\x90\x80\x80"));
	assert_false(V("\xF5\x80\x80\x80"));
	assert_false(V("\xF8\x88\x80\x80\x80"));
	assert_false(V("\xFE"));
	assert_false(V("\xFF"));
	/* truncated and broken sequences */
	assert_false(V("\xC3"));
	assert_false(V("a\xC3"));
	assert_false(V("\xE4\xB8"));
	assert_false(V("\xF0\x9F\x98"));
	assert_false(V("\xC3\x28"));
	assert_false(V("\xE4\x28\xAD"));
	assert_false(V("\xF0\x9F\x28\x80"));
	assert_false(V("\x80"));
	assert_false(V("\xBF"));
	assert_false(V("a\x80z"));
	/* len bounds the check: a valid sequence cut short is invalid */
	assert_false(valid("\xC3\xA9", 1));
	assert_false(valid("\xF0\x9F\x98\x80", 3));
	assert_true(valid("ab\xC3\xA9", 2));
}

static void test_utf8_exhaustive(void **state)
{
	unsigned char b[4];
	(void)state;
	/* Check the reference against the cases above first. */
	assert_true(ref_utf8_valid((const unsigned char *)"\xF4\x8F\xBF\xBF", 4));
	assert_false(ref_utf8_valid((const unsigned char *)"\xED\xA0\x80", 3));
	assert_false(ref_utf8_valid((const unsigned char *)"\xE0\x9F\xBF", 3));
	assert_false(ref_utf8_valid((const unsigned char *)"\xC3", 1));

	/* Every one- and two-byte string. */
	for (unsigned x = 0; x < 256; x++) {
		b[0] = (unsigned char)x;
		assert_int_equal(utf8_valid((char *)b, 1), ref_utf8_valid(b, 1));
	}
	for (unsigned x = 0; x < 65536; x++) {
		b[0] = (unsigned char)(x >> 8);
		b[1] = (unsigned char)x;
		if (utf8_valid((char *)b, 2) != ref_utf8_valid(b, 2)) {
			print_error("disagree on %02x %02x\n", b[0], b[1]);
			fail();
		}
	}
	/* Every three-byte string starting with a lead byte for three or four bytes. */
	for (unsigned x = 0xE0; x < 0x100; x++)
		for (unsigned y = 0; y < 65536; y++) {
			b[0] = (unsigned char)x;
			b[1] = (unsigned char)(y >> 8);
			b[2] = (unsigned char)y;
			if (utf8_valid((char *)b, 3) != ref_utf8_valid(b, 3)) {
				print_error("disagree on %02x %02x %02x\n", b[0], b[1], b[2]);
				fail();
			}
		}
	/* Four-byte strings from the 0xF0-0xF4 leads, continuation bytes around the edges. */
	static const unsigned char edge[] = { 0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
					      0xA0, 0xBF, 0xC0, 0xFF };
	for (unsigned x = 0xF0; x <= 0xF7; x++)
		for (size_t i = 0; i < sizeof(edge); i++)
			for (size_t j = 0; j < sizeof(edge); j++)
				for (size_t k = 0; k < sizeof(edge); k++) {
					b[0] = (unsigned char)x;
					b[1] = edge[i];
					b[2] = edge[j];
					b[3] = edge[k];
					assert_int_equal(utf8_valid((char *)b, 4),
							 ref_utf8_valid(b, 4));
				}
	/* Every code point, encoded by hand, is valid unless it is a surrogate. */
	for (unsigned cp = 0; cp <= 0x10FFFF; cp++) {
		size_t n;
		if (cp < 0x80) {
			b[0] = (unsigned char)cp;
			n = 1;
		} else if (cp < 0x800) {
			b[0] = (unsigned char)(0xC0 | cp >> 6);
			b[1] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 2;
		} else if (cp < 0x10000) {
			b[0] = (unsigned char)(0xE0 | cp >> 12);
			b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			b[2] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 3;
		} else {
			b[0] = (unsigned char)(0xF0 | cp >> 18);
			b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
			b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			b[3] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 4;
		}
		int want = !(cp >= 0xD800 && cp <= 0xDFFF);
		if (utf8_valid((char *)b, n) != want) {
			print_error("U+%04X\n", cp);
			fail();
		}
	}
}

static void test_text_field(void **state)
{
	char dst[8];
	struct err err;
	(void)state;

	assert_int_equal(text_field(dst, sizeof(dst), "abc", 1, 0, "name", &err), 0);
	assert_string_equal(dst, "abc");
	/* size-1 bytes fit, size do not. */
	assert_int_equal(text_field(dst, sizeof(dst), "1234567", 1, 0, "name", &err), 0);
	assert_string_equal(dst, "1234567");
	err_clear(&err);
	expect_err(text_field(dst, sizeof(dst), "12345678", 1, 0, "name", &err), &err, ERR_INVALID,
		   "name");
	assert_non_null(strstr(err.msg, "too long"));
	/* Multi-byte characters count in bytes. */
	assert_int_equal(text_field(dst, sizeof(dst), "中文", 1, 0, "name", &err), 0);
	expect_err(text_field(dst, sizeof(dst), "中文中", 1, 0, "name", &err), &err, ERR_INVALID,
		   "name");

	expect_err(text_field(dst, sizeof(dst), "", 1, 0, "name", &err), &err, ERR_INVALID, "name");
	assert_non_null(strstr(err.msg, "required"));
	expect_err(text_field(dst, sizeof(dst), NULL, 1, 0, "name", &err), &err, ERR_INVALID,
		   "name");
	assert_int_equal(text_field(dst, sizeof(dst), NULL, 0, 0, "note", &err), 0);
	assert_string_equal(dst, "");
	assert_int_equal(text_field(dst, sizeof(dst), "", 0, 0, "note", &err), 0);
	assert_string_equal(dst, "");

	/* Control characters: never in single-line text, only \t \n \r in multi-line. */
	expect_err(text_field(dst, sizeof(dst), "a\nb", 1, 0, "name", &err), &err, ERR_INVALID,
		   "name");
	assert_non_null(strstr(err.msg, "byte 1"));
	expect_err(text_field(dst, sizeof(dst), "a\tb", 1, 0, "name", &err), &err, ERR_INVALID,
		   "name");
	assert_int_equal(text_field(dst, sizeof(dst), "a\nb\r\n\tc", 1, 1, "note", &err), 0);
	assert_string_equal(dst, "a\nb\r\n\tc");
	expect_err(text_field(dst, sizeof(dst), "a\x01", 1, 1, "note", &err), &err, ERR_INVALID,
		   "note");
	expect_err(text_field(dst, sizeof(dst), "a\x7f", 1, 1, "note", &err), &err, ERR_INVALID,
		   "note");
	expect_err(text_field(dst, sizeof(dst), "\x1b[31m", 0, 1, "note", &err), &err,
		   ERR_INVALID, "note");

	/* Broken UTF-8 is refused whatever the mode. */
	expect_err(text_field(dst, sizeof(dst), "\xC0\x80", 0, 1, "note", &err), &err, ERR_INVALID,
		   "note");
	assert_non_null(strstr(err.msg, "UTF-8"));
	expect_err(text_field(dst, sizeof(dst), "\xED\xA0\x80", 0, 0, "note", &err), &err,
		   ERR_INVALID, "note");
	/* A refused value leaves dst alone. */
	memcpy(dst, "keep", 5);
	expect_err(text_field(dst, sizeof(dst), "\xFF", 0, 0, "note", &err), &err, ERR_INVALID,
		   "note");
	assert_string_equal(dst, "keep");
}

static void test_code_field(void **state)
{
	char dst[64], s[80];
	struct err err;
	(void)state;

	assert_int_equal(code_field(dst, sizeof(dst), "P-1_a.B9", "code", &err), 0);
	assert_string_equal(dst, "P-1_a.B9");
	err_clear(&err);
	expect_err(code_field(dst, sizeof(dst), "", "code", &err), &err, ERR_INVALID, "code");
	expect_err(code_field(dst, sizeof(dst), NULL, "sku", &err), &err, ERR_INVALID, "sku");
	expect_err(code_field(dst, sizeof(dst), "a b", "code", &err), &err, ERR_INVALID, "code");
	assert_non_null(strstr(err.msg, "\"a b\""));
	expect_err(code_field(dst, sizeof(dst), "a/b", "code", &err), &err, ERR_INVALID, "code");
	expect_err(code_field(dst, sizeof(dst), "中", "code", &err), &err, ERR_INVALID, "code");
	expect_err(code_field(dst, sizeof(dst), "a,b", "code", &err), &err, ERR_INVALID, "code");
	expect_err(code_field(dst, sizeof(dst), "a\"b", "code", &err), &err, ERR_INVALID, "code");

	/* 63 bytes is the most. */
	memset(s, 'x', 63);
	s[63] = '\0';
	assert_int_equal(code_field(dst, sizeof(dst), s, "code", &err), 0);
	assert_int_equal(strlen(dst), 63);
	s[63] = 'y';
	s[64] = '\0';
	expect_err(code_field(dst, sizeof(dst), s, "code", &err), &err, ERR_INVALID, "code");
	assert_non_null(strstr(err.msg, "too long"));
	/* A smaller destination bounds it further. */
	{
		char small[4];
		assert_int_equal(code_field(small, sizeof(small), "abc", "code", &err), 0);
		expect_err(code_field(small, sizeof(small), "abcd", "code", &err), &err, ERR_INVALID,
			   "code");
	}
}

/*
 * A promotion's value is a variant field: the unit follows the kind, in what
 * a user types, what is shown, and the limits judged when the record is
 * written (whatever the order the faces hand the fields over in).
 */
static void test_variant_field(void **state)
{
	struct fx *f = *state;
	const struct entity *e = &promotion_entity;
	const struct ent_field *value = entity_field(e, "value");
	struct promotion rec, out;
	struct ent_input in = { 0 };
	struct err err;
	char text[64];
	int64_t bp;

	memset(&rec, 0, sizeof(rec));
	rec.value = 880;
	snprintf(rec.kind, sizeof(rec.kind), "amount");
	assert_int_equal(entity_variant(value, &rec)->kind, EK_MONEY);
	entity_format(value, &rec, text, sizeof(text));
	assert_string_equal(text, "8.80");
	snprintf(rec.kind, sizeof(rec.kind), "percent"); /* 880 basis points: 8.8% */
	entity_format(value, &rec, text, sizeof(text));
	assert_string_equal(text, "8.8");
	snprintf(rec.kind, sizeof(rec.kind), "bundle");
	entity_format(value, &rec, text, sizeof(text));
	assert_string_equal(text, "880");

	/* 0.15 = 1500 basis points; a fifth decimal or more than 1 is refused */
	assert_int_equal(entity_rate_bp(0.15, "value", &bp, &err), 0);
	assert_int_equal(bp, 1500);
	expect_err(entity_rate_bp(0.12345, "value", &bp, &err), &err, ERR_INVALID, "value");
	expect_err(entity_rate_bp(1.01, "value", &bp, &err), &err, ERR_INVALID, "value");

	/* the value given before the kind is still read as the kind: "12.5" percent = 1250 */
	memset(&rec, 0, sizeof(rec));
	rec.starts_on = rec.ends_on = NO_DATE;
	in.rec = &rec;
	entity_input_raw(e, &in, value, "12.5", 0);
	snprintf(rec.code, sizeof(rec.code), "P1");
	entity_input_set(e, &in, entity_field(e, "code"), 0);
	snprintf(rec.name, sizeof(rec.name), "p");
	entity_input_set(e, &in, entity_field(e, "name"), 0);
	snprintf(rec.kind, sizeof(rec.kind), "percent");
	entity_input_set(e, &in, entity_field(e, "kind"), 0);
	assert_int_equal(entity_create(f->st, &f->mia, e, NULL, &in, &out, &err), 0);
	assert_int_equal(out.value, 1250);

	/* a JSON number of an amount is minor units, and whole */
	snprintf(rec.code, sizeof(rec.code), "P2");
	snprintf(rec.kind, sizeof(rec.kind), "amount");
	entity_input_raw(e, &in, value, "5.5", 1);
	expect_err(entity_create(f->st, &f->mia, e, NULL, &in, &out, &err), &err, ERR_INVALID,
		   "value");
	entity_input_raw(e, &in, value, "550", 1);
	assert_int_equal(entity_create(f->st, &f->mia, e, NULL, &in, &out, &err), 0);
	assert_int_equal(out.value, 550);

	/* a change of kind alone judges the stored value again: 550 is fine as 5.5%... */
	memset(&in, 0, sizeof(in));
	in.rec = &rec;
	in.version = 1;
	snprintf(rec.kind, sizeof(rec.kind), "percent");
	entity_input_set(e, &in, entity_field(e, "kind"), 0);
	assert_int_equal(entity_update(f->st, &f->mia, e, NULL, "P2", &in, &out, &err), 0);
	assert_int_equal(out.value, 550);
	/* ...but 15000 as a percent would be 150% */
	memset(&in, 0, sizeof(in));
	in.rec = &rec;
	in.version = 2;
	snprintf(rec.kind, sizeof(rec.kind), "amount");
	entity_input_set(e, &in, entity_field(e, "kind"), 0);
	entity_input_raw(e, &in, value, "150.00", 0);
	assert_int_equal(entity_update(f->st, &f->mia, e, NULL, "P2", &in, &out, &err), 0);
	assert_int_equal(out.value, 15000);
	memset(&in, 0, sizeof(in));
	in.rec = &rec;
	in.version = 3;
	snprintf(rec.kind, sizeof(rec.kind), "percent");
	entity_input_set(e, &in, entity_field(e, "kind"), 0);
	expect_err(entity_update(f->st, &f->mia, e, NULL, "P2", &in, &out, &err), &err,
		   ERR_INVALID, "value");
	assert_string_equal(err.reason, "percent_range");
}

static void test_roles(void **state)
{
	enum role r;
	enum prole pr;
	struct err err;
	(void)state;
	assert_int_equal(role_parse("manager", &r, &err), 0);
	assert_int_equal(r, ROLE_MANAGER);
	assert_string_equal(role_str(ROLE_REP), "rep");
	expect_err(role_parse("Manager", &r, &err), &err, ERR_INVALID, "role");
	expect_err(role_parse(NULL, &r, &err), &err, ERR_INVALID, "role");
	assert_int_equal(prole_parse("owner", &pr, &err), 0);
	assert_int_equal(pr, PROLE_OWNER);
	expect_err(prole_parse("none", &pr, &err), &err, ERR_INVALID, "role");
	assert_string_equal(prole_str(PROLE_VIEWER), "viewer");
	/* The order is the order of power. */
	assert_true(ROLE_VIEWER < ROLE_REP && ROLE_REP < ROLE_MANAGER && ROLE_MANAGER < ROLE_ADMIN);
	assert_true(PROLE_NONE < PROLE_VIEWER && PROLE_MEMBER < PROLE_MANAGER &&
		    PROLE_MANAGER < PROLE_OWNER);
}

/* The engine's choice kind and values in the record's unit, on the goal's description. */
static void test_entity_choice_and_unit(void **state)
{
	const struct ent_field *metric = entity_field(&goal_entity, "metric");
	const struct ent_field *target = entity_field(&goal_entity, "target");
	struct goal g;
	struct err err;
	struct buf b = BUF_INIT;
	struct jw w;
	char out[64];
	(void)state;

	assert_non_null(metric);
	assert_non_null(target);
	goal_init(&g, 1);
	assert_true(entity_is_none(metric, &g)); /* METRIC_NONE */
	assert_int_equal(entity_parse_text(metric, "retention_rate", &g, &err), 0);
	assert_int_equal(g.metric, METRIC_RETENTION_RATE);
	expect_err(entity_parse_text(metric, "profit", &g, &err), &err, ERR_INVALID, "metric");
	assert_true(entity_is_none(metric, &g));
	entity_set_none(metric, &g);
	assert_int_equal(g.metric, METRIC_NONE);

	/* 8550 basis points of a ratio metric read 85.5 (percent); the same of units read 8550 */
	g.metric = METRIC_RETENTION_RATE;
	g.target = 8550;
	entity_format(target, &g, out, sizeof(out));
	assert_string_equal(out, "85.5");
	g.metric = METRIC_UNITS;
	entity_format(target, &g, out, sizeof(out));
	assert_string_equal(out, "8550");
	/* 123456 minor units of revenue are 1234.56 */
	g.metric = METRIC_REVENUE;
	g.target = 123456;
	entity_format(target, &g, out, sizeof(out));
	assert_string_equal(out, "1234.56");
	entity_format(metric, &g, out, sizeof(out));
	assert_string_equal(out, "revenue");

	/* JSON: a ratio as a number in [0, 1], the metric by name */
	g.metric = METRIC_GROSS_MARGIN;
	g.target = 2500;
	jw_init(&w, &b);
	entity_write_json(&w, &goal_entity, &g);
	assert_non_null(strstr(buf_cstr(&b), "\"metric\":\"gross_margin\""));
	assert_non_null(strstr(buf_cstr(&b), "\"target\":0.25"));
	assert_null(strstr(buf_cstr(&b), "\"reason\"")); /* an input, never shown */
	buf_release(&b);

	/* a choice from an offset: member roles start at PROLE_VIEWER (1), PROLE_NONE is none */
	{
		const struct ent_field *role = entity_field(&member_entity, "role");
		struct member m;
		memset(&m, 0, sizeof(m));
		assert_int_equal(entity_parse_text(role, "viewer", &m, &err), 0);
		assert_int_equal(m.role, 1);
		assert_int_equal(entity_parse_text(role, "owner", &m, &err), 0);
		assert_int_equal(m.role, 4);
		entity_format(role, &m, out, sizeof(out));
		assert_string_equal(out, "owner");
		entity_set_none(role, &m);
		assert_int_equal(m.role, PROLE_NONE);
		assert_true(entity_is_none(role, &m));
		expect_err(entity_parse_text(role, "boss", &m, &err), &err, ERR_INVALID, "role");
		assert_int_equal(m.role, PROLE_NONE);
		m.role = PROLE_MANAGER;
		jw_init(&w, &b);
		entity_write_json(&w, &member_entity, &m);
		assert_non_null(strstr(buf_cstr(&b), "\"role\":\"manager\""));
		buf_release(&b);
	}
}

/* The metric table: every metric described, names parse back to themselves. */
static void test_metric_defs(void **state)
{
	enum metric m;
	struct err err;
	(void)state;

	for (int i = 0; i < METRIC__COUNT; i++) {
		assert_non_null(metric_defs[i].name);
		assert_non_null(metric_defs[i].help);
		assert_int_equal(metric_parse(metric_defs[i].name, &m, &err), 0);
		assert_int_equal(m, i);
	}
	/* SPEC step 1: ratios are gross margin and retention; custom is typed in, unscoped */
	assert_int_equal(metric_unit(METRIC_GROSS_MARGIN), UNIT_RATIO);
	assert_int_equal(metric_unit(METRIC_AVG_DEAL_SIZE), UNIT_MONEY);
	assert_false(metric_cumulative(METRIC_RETENTION_RATE));
	assert_true(metric_cumulative(METRIC_NEW_CUSTOMERS));
	assert_int_equal(metric_def(METRIC_CUSTOM)->scopes, 0);
	assert_null(metric_def(METRIC_NONE));
	expect_err(metric_parse("profit", &m, &err), &err, ERR_INVALID, "metric");
	assert_non_null(strstr(err.msg, "retention_rate"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_workspace, setup, teardown),
		cmocka_unit_test(test_workspace_init_invalid),
		cmocka_unit_test(test_entity_choice_and_unit),
		cmocka_unit_test(test_metric_defs),
		cmocka_unit_test_setup_teardown(test_deactivated_actor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_project_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_project_create_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_project_update_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_project_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_project_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_inside_open_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_members, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_and_passwords, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_update_rules, setup, teardown),
		cmocka_unit_test(test_utf8_cases),
		cmocka_unit_test(test_utf8_exhaustive),
		cmocka_unit_test(test_text_field),
		cmocka_unit_test(test_code_field),
		cmocka_unit_test(test_roles),
		cmocka_unit_test_setup_teardown(test_variant_field, setup, teardown),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
