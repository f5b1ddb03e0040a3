/*
 * test_rng.c - the forecast's generator: the published first outputs of
 * xoshiro256** from the state {1, 2, 3, 4}, the same seed giving the same
 * sequence, and bounded draws that stay in range and are spread evenly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "base/rng.h"

/* The reference implementation's outputs from s = {1, 2, 3, 4} (Vigna's xoshiro256starstar.c). */
static void test_reference_sequence(void **state)
{
	struct rng r = {{1, 2, 3, 4}};
	(void)state;
	assert_int_equal(rng_next(&r), 11520);
	assert_int_equal(rng_next(&r), 0);
	assert_int_equal(rng_next(&r), 1509978240);
	assert_int_equal(rng_next(&r), 1215971899390074240ULL);
}

static void test_same_seed_same_sequence(void **state)
{
	struct rng a, b, c;
	int differ = 0;
	(void)state;
	rng_seed(&a, 42);
	rng_seed(&b, 42);
	rng_seed(&c, 43);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a);
		assert_int_equal(x, rng_next(&b));
		differ |= x != rng_next(&c);
	}
	assert_true(differ);
}

static void test_uniform_range_and_mean(void **state)
{
	struct rng r;
	double sum = 0;
	const int n = 100000;
	(void)state;
	rng_seed(&r, 7);
	for (int i = 0; i < n; i++) {
		double u = rng_uniform(&r);
		assert_true(u >= 0.0 && u < 1.0);
		sum += u;
	}
	/* the mean of n uniforms has sd 1/sqrt(12 n) ~ 0.0009: 5 sd */
	assert_true(fabs(sum / n - 0.5) < 0.0046);
}

/* Draws below 10 land in each bin about n/10 times (chi-square, 9 df, p = 0.001: 27.9). */
static void test_below_spread(void **state)
{
	struct rng r;
	long bins[10] = {0};
	const long n = 100000;
	double chi = 0;
	(void)state;
	rng_seed(&r, 2026);
	for (long i = 0; i < n; i++) {
		uint64_t k = rng_below(&r, 10);
		assert_true(k < 10);
		bins[k]++;
	}
	for (int k = 0; k < 10; k++)
		chi += (bins[k] - n / 10.0) * (bins[k] - n / 10.0) / (n / 10.0);
	assert_true(chi < 27.9);
	assert_int_equal(rng_below(&r, 0), 0);
	assert_int_equal(rng_below(&r, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_reference_sequence),
	        cmocka_unit_test(test_same_seed_same_sequence),
	        cmocka_unit_test(test_uniform_range_and_mean),
	        cmocka_unit_test(test_below_spread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
