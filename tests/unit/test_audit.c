/*
 * test_audit.c - the audit log read forward as changes (the live stream's and
 * webhooks' source): a top-level string of a record's JSON, each row's project
 * (from its record, else from the JSON of a record gone), ids skipped, limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/project.h"
#include "core/workspace.h"

static char dir[64];

static void test_json_str(void **state)
{
	char out[16];

	(void)state;
	audit_json_str("{\"project\":\"P1\",\"x\":1}", "project", out, sizeof(out));
	assert_string_equal(out, "P1");
	/* nested objects and a value that reads like the key do not count */
	audit_json_str("{\"a\":{\"project\":\"IN\"},\"t\":\"project\",\"project\":\"P2\"}", "project",
		       out, sizeof(out));
	assert_string_equal(out, "P2");
	audit_json_str("{\"project\":7}", "project", out, sizeof(out));
	assert_string_equal(out, "");
	audit_json_str(NULL, "project", out, sizeof(out));
	assert_string_equal(out, "");
	/* cut to the room given */
	audit_json_str("{\"k\":\"0123456789abcdefXYZ\"}", "k", out, sizeof(out));
	assert_string_equal(out, "0123456789abcde");
}

static void test_changes(void **state)
{
	char p[128];
	struct err err = { 0 };
	struct store *st;
	struct workspace_input wi = { 0 };
	struct actor admin;
	struct project in, a, b;
	struct audit_change *ch = NULL;
	size_t n = 0;
	int64_t base = 0, skip[1];

	(void)state;
	snprintf(p, sizeof(p), "%s/a.db", dir);
	st = store_open(p, 1, &err);
	assert_non_null(st);
	wi.currency = "CNY";
	wi.timezone = "UTC";
	wi.admin = "admin";
	wi.admin_name = "Admin";
	assert_int_equal(workspace_init(st, &wi, &err), 0);
	assert_int_equal(actor_load(st, "admin", &admin, &err), 0);
	memset(&in, 0, sizeof(in));
	snprintf(in.name, sizeof(in.name), "Push");
	in.start_on = 20454;
	in.end_on = 20544;
	in.owner_id = NO_ID;
	snprintf(in.code, sizeof(in.code), "PA");
	assert_int_equal(project_create(st, &admin, &in, &a, &err), 0);
	snprintf(in.code, sizeof(in.code), "PB");
	assert_int_equal(project_create(st, &admin, &in, &b, &err), 0);
	assert_int_equal(audit_last_id(st, &base, &err), 0);

	/*
	 * After base: a row of project PB (by its record), one of a record gone
	 * (a deal deleted: its project from the JSON before), a workspace row
	 * (a user: no project), and one more of PA.
	 */
	{
		char sql[512];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO audit (at, entity, entity_id, action, before, after) VALUES "
			 "(1, 'project', %lld, 'update', NULL, '{}'), "
			 "(1, 'deal', 999, 'delete', '{\"id\":999,\"project\":\"PA\"}', NULL), "
			 "(1, 'user', 1, 'update', NULL, '{\"login\":\"admin\"}'), "
			 "(1, 'project', %lld, 'update', NULL, '{}')",
			 (long long)b.id, (long long)a.id);
		assert_int_equal(store_exec(st, sql, &err), 0);
	}
	assert_int_equal(audit_changes_after(st, base, 100, NULL, 0, &ch, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ch[0].id, base + 1);
	assert_string_equal(ch[0].project, "PB");
	assert_string_equal(ch[0].entity, "project");
	assert_string_equal(ch[0].action, "update");
	assert_string_equal(ch[1].project, "PA");
	assert_int_equal(ch[1].entity_id, 999);
	assert_string_equal(ch[2].project, "");
	assert_string_equal(ch[3].project, "PA");
	for (size_t i = 0; i < n; i++)
		assert_null(ch[i].before), assert_null(ch[i].after);
	free(ch);

	/* an id already seen is skipped; the limit counts the rows read */
	skip[0] = base + 2;
	assert_int_equal(audit_changes_after(st, base, 100, skip, 1, &ch, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ch[0].id, base + 1);
	assert_int_equal(ch[1].id, base + 3);
	free(ch);
	assert_int_equal(audit_changes_after(st, base, 2, NULL, 0, &ch, &n, &err), 0);
	assert_int_equal(n, 2);
	free(ch);
	assert_int_equal(audit_changes_after(st, base + 4, 100, NULL, 0, &ch, &n, &err), 0);
	assert_int_equal(n, 0);
	free(ch);
	store_free(st);
	unlink(p);
	for (const char *const *sfx = (const char *const[]){ "-wal", "-shm", "-version", NULL }; *sfx;
	     sfx++) {
		char q[160];
		snprintf(q, sizeof(q), "%s%s", p, *sfx);
		unlink(q);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_changes),
	};
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/salespm-test-audit-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	setenv("SALESPM_NOW", "2026-03-01T09:30:00Z", 1);
	store_global_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
