/*
 * test_forecast.c - the forecast's two computations with known answers: the
 * least-squares line and its prediction interval on points worked out by hand,
 * and the Monte Carlo probability on pipelines whose answer is known exactly
 * (one deal at 50% for the gap: 50%; reached: 100%; nothing: 0%; two deals at
 * p: 1 - (1 - p)^2), each within three standard errors of a binomial of
 * 10,000 runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "analytics/forecast.h"
#include "base/date.h"

#define RUNS 10000

/* Three standard errors of a share p over RUNS runs. */
static double three_sigma(double p)
{
	return 3.0 * sqrt(p * (1.0 - p) / RUNS);
}

/*
 * (0,1) (1,3) (2,2) (3,5): mean x 1.5, mean y 2.75, Sxx 5, Sxy 5.5, so
 * slope 1.1 and intercept 1.1; residuals -0.1 0.8 -1.3 0.6, SSE 2.7, s =
 * sqrt(1.35). At x0 = 5: 6.6, se = s sqrt(1 + 1/4 + 3.5^2/5) = 2.23495,
 * t(0.90, 2 df) = 1.886, band 6.6 -+ 4.21511.
 */
static void test_line_by_hand(void **state)
{
	const double x[] = {0, 1, 2, 3}, y[] = {1, 3, 2, 5};
	double v, lo, hi, se;
	(void)state;
	assert_int_equal(forecast_line(x, y, 4, 5.0, &v, &lo, &hi, &se), 0);
	assert_true(fabs(v - 6.6) < 1e-9);
	assert_true(fabs(se - 2.23495) < 1e-4);
	assert_true(fabs(lo - 2.38488) < 1e-4);
	assert_true(fabs(hi - 10.81512) < 1e-4);
}

/* A straight line has no spread: the band is the value itself. */
static void test_line_exact_and_too_short(void **state)
{
	const double x[] = {0, 1, 2}, y[] = {10, 20, 30}, same[] = {4, 4, 4};
	double v, lo, hi, se;
	(void)state;
	assert_int_equal(forecast_line(x, y, 3, 9.0, &v, &lo, &hi, &se), 0);
	assert_true(fabs(v - 100.0) < 1e-9 && fabs(lo - 100.0) < 1e-9 && fabs(hi - 100.0) < 1e-9);
	assert_int_equal(forecast_line(x, y, 2, 9.0, &v, &lo, &hi, &se), -1);
	assert_int_equal(forecast_line(same, y, 3, 9.0, &v, &lo, &hi, &se), -1);
}

/*
 * A running total 0, 2, 3, 6 on days 0..3: slope 9.5 / 5 = 1.9; steps 2, 1, 3
 * miss it by 0.1, -0.9, 1.1, so sigma^2 = 2.03 / 2 = 1.015; 4 days ahead of a
 * pace learned over 3: se = sqrt(1.015 (4 + 16 / 3)) = 3.07788, half width
 * 1.886 x se = 5.80488 (today's 6 + 4 x 1.9 = 13.6 in the middle).
 */
static void test_pace_by_hand(void **state)
{
	const double x[] = {0, 1, 2, 3}, y[] = {0, 2, 3, 6};
	double rate, half, se;
	(void)state;
	assert_int_equal(forecast_pace(x, y, 4, 4.0, &rate, &half, &se), 0);
	assert_true(fabs(rate - 1.9) < 1e-9);
	assert_true(fabs(se - 3.07788) < 1e-4);
	assert_true(fabs(half - 5.80488) < 1e-4);
	assert_int_equal(forecast_pace(x, y, 2, 4.0, &rate, &half, &se), -1);
}

/* A window of 2026-10-01 .. 2026-12-31 judged on 2026-11-30 (31 days left). */
static void base_input(struct sim_input *in)
{
	int32_t d;
	memset(in, 0, sizeof(*in));
	date_parse("2026-10-01", 10, &d, "d", NULL);
	in->start = d;
	date_parse("2026-12-31", 10, &d, "d", NULL);
	in->due = d;
	date_parse("2026-11-30", 10, &d, "d", NULL);
	in->today = d;
	in->actual = 700;
	in->target = 1000;
	in->runs = RUNS;
	in->seed = 1; /* the API's default seed */
}

static void test_one_deal_half(void **state)
{
	struct sim_input in;
	struct sim_deal deal = {0.5, 0, 300, 300};
	double mean, p;
	(void)state;
	base_input(&in);
	deal.close_on = in.today + 10;
	in.deals = &deal;
	in.ndeals = 1;
	p = sim_probability(&in, &mean);
	assert_true(fabs(p - 0.5) <= three_sigma(0.5));
	/* the mean reached: 700 + 300 x about half */
	assert_true(fabs(mean - (700 + 300 * p)) < 1e-6);
}

static void test_reached_and_nothing(void **state)
{
	struct sim_input in;
	double mean;
	(void)state;
	base_input(&in);
	in.actual = 1000;
	assert_true(sim_probability(&in, &mean) == 1.0);
	base_input(&in);
	assert_true(sim_probability(&in, &mean) == 0.0);
	assert_true(mean == 700.0);
}

static void test_two_deals(void **state)
{
	struct sim_input in;
	struct sim_deal deals[2] = {{0.3, 0, 300, 300}, {0.3, 0, 300, 300}};
	double mean, p, want = 1.0 - 0.7 * 0.7;
	(void)state;
	base_input(&in);
	deals[0].close_on = deals[1].close_on = NO_DATE; /* today */
	in.deals = deals;
	in.ndeals = 2;
	p = sim_probability(&in, &mean);
	if (fabs(p - want) > three_sigma(want))
		print_error("p = %f, want %f\n", p, want);
	assert_true(fabs(p - want) <= three_sigma(want));
}

/* Same seed, same answer; a slip past the due date loses the deal. */
static void test_seed_and_slip(void **state)
{
	struct sim_input in;
	struct sim_deal deal = {0.5, 0, 300, 300};
	const int32_t late[] = {10};
	double m1, m2, p1, p2;
	(void)state;
	base_input(&in);
	deal.close_on = in.due - 5;
	in.deals = &deal;
	in.ndeals = 1;
	p1 = sim_probability(&in, &m1);
	p2 = sim_probability(&in, &m2);
	assert_true(p1 == p2 && m1 == m2);
	in.slips = late;
	in.nslips = 1;
	assert_true(sim_probability(&in, &m1) == 0.0);
}

/* The run rate: 31 days left are 4 weeks and 3/7 of one, of 70 each: 280 + 30 = 310. */
static void test_run_rate(void **state)
{
	struct sim_input in;
	const int64_t weeks[] = {70, 70, 70};
	double mean;
	(void)state;
	base_input(&in);
	in.weeks = weeks;
	in.nweeks = 3;
	in.target = 1010;
	assert_true(sim_probability(&in, &mean) == 1.0);
	assert_true(mean == 1010.0);
	in.target = 1011;
	assert_true(sim_probability(&in, &mean) == 0.0);
}

/* An average deal size: one won deal of 100 so far, an open one of 300 at 40%; target 150. */
static void test_average(void **state)
{
	struct sim_input in;
	struct sim_deal deal = {0.4, 0, 300, 300};
	double mean, p;
	(void)state;
	base_input(&in);
	in.average = 1;
	in.won_count = 1;
	in.won_amount = 100;
	in.actual = 100;
	in.target = 150;
	deal.close_on = NO_DATE;
	in.deals = &deal;
	in.ndeals = 1;
	p = sim_probability(&in, &mean);
	if (fabs(p - 0.4) > three_sigma(0.4))
		print_error("p = %f\n", p);
	assert_true(fabs(p - 0.4) <= three_sigma(0.4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_line_by_hand),
	        cmocka_unit_test(test_line_exact_and_too_short),
	        cmocka_unit_test(test_pace_by_hand),
	        cmocka_unit_test(test_one_deal_half),
	        cmocka_unit_test(test_reached_and_nothing),
	        cmocka_unit_test(test_two_deals),
	        cmocka_unit_test(test_seed_and_slip),
	        cmocka_unit_test(test_run_rate),
	        cmocka_unit_test(test_average),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
