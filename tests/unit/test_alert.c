/*
 * test_alert.c - the alerts' kinds and the thresholds' JSON (analytics/alert.h):
 * the eight kinds in the order the settings list them, and the settings as the
 * API and `alert settings --json` write them, a probability in basis points as a
 * number in [0, 1], written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "analytics/alert.h"
#include "base/buf.h"
#include "base/jw.h"

static void test_kinds(void **state)
{
	static const char *const want[] = { "goal_status",	"goal_probability",
					    "deal_stalled",	"task_overdue",
					    "problem_sla",	"promotion_budget",
					    "collection_overdue", "budget_overspent" };
	(void)state;
	for (int k = 0; k < AK__COUNT; k++)
		assert_string_equal(alert_kinds[k], want[k]);
	assert_null(alert_kinds[AK__COUNT]);
}

static void test_settings_json(void **state)
{
	struct alert_settings s = { .probability_bp = 4050, .collection_days = 7, .version = 3 };
	struct buf b = BUF_INIT;
	struct jw w;

	(void)state;
	for (int k = 0; k < AK__COUNT; k++)
		s.on[k] = k != AK_TASK_OVERDUE;
	jw_init(&w, &b);
	alert_settings_write_json(&w, &s);
	assert_string_equal(buf_cstr(&b),
			    "{\"probability\":0.405,\"collection_days\":7,\"goal_status\":true,"
			    "\"goal_probability\":true,\"deal_stalled\":true,\"task_overdue\":false,"
			    "\"problem_sla\":true,\"promotion_budget\":true,"
			    "\"collection_overdue\":true,\"budget_overspent\":true,\"version\":3}");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_settings_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
