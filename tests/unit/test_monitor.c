/*
 * test_monitor.c - the monitoring panels' rules (analytics/monitor.h): ISO
 * weeks at the turn of the year, a problem's age in whole days and its SLA
 * state at the edges (a quarter of the time left is "due soon", a second past
 * the due time "breached"), and the drill-down filters the JSON gives each
 * figure (days and instants worked out by hand).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "analytics/monitor.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/jw.h"

/* ISO 8601 weeks: the week of a Monday belongs to the year of its Thursday. */
static void test_iso_weeks(void **state)
{
	static const struct {
		int y, m, d;
		const char *iso;
	} table[] = {
		{ 2025, 12, 29, "2026-W01" }, /* 2026-01-01 is a Thursday */
		{ 2027, 1, 4, "2027-W01" },   /* 2027-01-01 is a Friday: its week is 2026's */
		{ 2026, 12, 28, "2026-W53" }, /* 2026 has 53 weeks (it begins on a Thursday) */
		{ 2020, 12, 28, "2020-W53" },
		{ 2026, 6, 15, "2026-W25" },
	};
	char out[16];

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int32_t day = date_from_ymd(table[i].y, table[i].m, table[i].d);
		assert_int_equal(date_weekday(day), 0);
		monitor_iso_week(day, out, sizeof(out));
		assert_string_equal(out, table[i].iso);
	}
}

/* Ages in whole days: 0-2, 3-7, 8-30, 31+ (2 days 23:59:59 is still 2). */
static void test_ages(void **state)
{
	const int64_t at = 1781697600, d = 86400; /* 2026-06-17T12:00:00Z */

	(void)state;
	assert_int_equal(monitor_age(at, at), 0);
	assert_int_equal(monitor_age(at + 3600, at), 0); /* opened "later" (a clock skew): new */
	assert_int_equal(monitor_age(at - 3 * d + 1, at), 0);
	assert_int_equal(monitor_age(at - 3 * d, at), 1);
	assert_int_equal(monitor_age(at - 8 * d + 1, at), 1);
	assert_int_equal(monitor_age(at - 8 * d, at), 2);
	assert_int_equal(monitor_age(at - 31 * d + 1, at), 2);
	assert_int_equal(monitor_age(at - 31 * d, at), 3);
	assert_int_equal(monitor_age(at - 400 * d, at), 3);
}

/* A 24-hour SLA: within while more than 6 hours are left, due soon from 6 hours to the due time. */
static void test_sla(void **state)
{
	const int64_t opened = 1781697600, h = 3600, due = opened + 24 * h;

	(void)state;
	assert_int_equal(monitor_sla(opened, due, opened), 0);
	assert_int_equal(monitor_sla(opened, due, due - 6 * h - 1), 0);
	assert_int_equal(monitor_sla(opened, due, due - 6 * h), 1);
	assert_int_equal(monitor_sla(opened, due, due), 1);
	assert_int_equal(monitor_sla(opened, due, due + 1), 2);
	/* a 4-hour one: due soon for its last hour */
	assert_int_equal(monitor_sla(opened, opened + 4 * h, opened + 3 * h - 1), 0);
	assert_int_equal(monitor_sla(opened, opened + 4 * h, opened + 3 * h), 1);
}

/* The drill-down filters of a panel built by hand: as of Wednesday 2026-06-17. */
static void test_queries(void **state)
{
	struct monitor m;
	struct buf b = BUF_INIT;
	struct jw w;
	const char *s;

	(void)state;
	memset(&m, 0, sizeof(m));
	snprintf(m.project, sizeof(m.project), "P1");
	m.as_of = date_from_ymd(2026, 6, 17);
	m.at = 1781697600; /* 2026-06-17T12:00:00Z */
	m.week_end = date_from_ymd(2026, 6, 21);
	m.nweeks = 1;
	m.monday[0] = date_from_ymd(2026, 6, 15);
	m.week_last[0] = m.as_of;
	m.week_total[0][0] = 2;
	jw_init(&w, &b);
	monitor_write_json(&w, &m);
	s = buf_cstr(&b);
	/* this week's activities: Monday to today, done */
	assert_non_null(strstr(s, "\"iso\":\"2026-W25\",\"week\":\"2026-06-15\",\"to\":\"2026-06-17\""));
	assert_non_null(strstr(s, "\"query\":{\"status\":\"done\",\"date\":\"2026-06-15..2026-06-17\"}"));
	/* problems 0-2 days old: opened after 2026-06-14T12:00:00Z, up to now */
	assert_non_null(strstr(s, "\"age\":\"0-2\""));
	assert_non_null(strstr(s, "\"opened_at\":\"2026-06-14T12:00:01Z..2026-06-17T12:00:00Z\""));
	/* over 30 days: opened up to 31 days ago, no lower bound */
	assert_non_null(strstr(s, "\"opened_at\":\"..2026-05-17T12:00:00Z\""));
	/* breached: open and past the SLA; within: open, neither breached nor due soon */
	assert_non_null(strstr(s, "{\"sla\":\"breached\",\"count\":0,\"query\":{\"open\":\"true\","
				  "\"breached\":\"true\"}}"));
	assert_non_null(strstr(s, "{\"sla\":\"within\",\"count\":0,\"query\":{\"open\":\"true\","
				  "\"breached\":\"false\",\"due_soon\":\"false\"}}"));
	/* collections: the next 7 days are today and the 6 after; 1-30 days late from 30 days ago */
	assert_non_null(strstr(s, "\"due_7\":{\"count\":0,\"amount\":0,\"query\":{\"unpaid\":\"true\","
				  "\"due\":\"2026-06-17..2026-06-23\"}}"));
	assert_non_null(strstr(s, "\"days\":\"1-30\",\"bucket\":{\"count\":0,\"amount\":0,\"query\":"
				  "{\"unpaid\":\"true\",\"due\":\"2026-05-18..2026-06-16\"}}"));
	assert_non_null(strstr(s, "\"days\":\"91+\",\"bucket\":{\"count\":0,\"amount\":0,\"query\":"
				  "{\"unpaid\":\"true\",\"due\":\"..2026-03-18\"}}"));
	/* tasks: overdue before today, this week from today to Sunday */
	assert_non_null(strstr(s, "\"query_overdue\":{\"open\":\"true\",\"due\":\"..2026-06-16\"}"));
	assert_non_null(strstr(s, "\"query_due_week\":{\"open\":\"true\",\"due\":\"2026-06-17..2026-06-21\"}"));
	assert_non_null(strstr(s, "\"oldest\":null"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_weeks),
		cmocka_unit_test(test_ages),
		cmocka_unit_test(test_sla),
		cmocka_unit_test(test_queries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
