/*
 * test_buf.c - growable byte strings: appends of every kind, growth, the cap
 * (refused appends change nothing and set overflow), reset, detach, release.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static void test_empty(void **state)
{
	struct buf a = BUF_INIT, b;
	(void)state;
	buf_init(&b, 0);
	assert_string_equal(buf_cstr(&a), "");
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(a.len, 0);
	assert_int_equal(b.overflow, 0);
	/* Appending nothing gives a valid empty string. */
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_release(&a);
	buf_release(&b);
}

static void test_appends(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "ab"), 0);
	assert_int_equal(buf_addch(&b, 'c'), 0);
	assert_int_equal(buf_add(&b, "d\0e", 3), 0);
	assert_int_equal(buf_addf(&b, "[%d|%s|%05.1f]", -12, "x", 2.25), 0);
	assert_int_equal(b.len, 6 + strlen("[-12|x|002.2]"));
	assert_memory_equal(b.p, "abcd\0e[-12|x|002.2]", b.len);
	/* Always NUL-terminated after an append. */
	assert_int_equal(b.p[b.len], '\0');
	buf_release(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
}

static void test_growth(void **state)
{
	struct buf b;
	char *want = malloc(200000);
	size_t n = 0;
	(void)state;

	buf_init(&b, 0);
	/* Mix the append kinds across many reallocations. */
	for (int i = 0; i < 20000; i++) {
		char piece[32];
		int len = snprintf(piece, sizeof(piece), "%d,", i);
		memcpy(want + n, piece, (size_t)len);
		n += (size_t)len;
		switch (i % 3) {
		case 0:
			assert_int_equal(buf_addf(&b, "%d,", i), 0);
			break;
		case 1:
			assert_int_equal(buf_adds(&b, piece), 0);
			break;
		default:
			for (int k = 0; k < len; k++)
				assert_int_equal(buf_addch(&b, piece[k]), 0);
		}
		assert_int_equal(b.len, n);
		assert_true(b.alloc > b.len);
	}
	assert_memory_equal(b.p, want, n);
	assert_int_equal(b.p[n], '\0');

	/* One formatted append far larger than the current allocation. */
	char big[5000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_reset(&b);
	assert_int_equal(buf_addf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, sizeof(big) + 1);
	assert_int_equal(b.p[0], '<');
	assert_int_equal(b.p[b.len - 1], '>');
	assert_int_equal(b.p[b.len], '\0');
	buf_release(&b);
	free(want);
}

static void test_cap(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	/* Past the cap: refused, nothing appended, overflow set. */
	assert_int_equal(buf_adds(&b, "678901"), -1);
	assert_int_equal(b.len, 5);
	assert_string_equal(buf_cstr(&b), "12345");
	assert_int_equal(b.overflow, 1);
	/* The refusal sticks: an append that would fit is refused too, in every form. */
	assert_int_equal(buf_adds(&b, "67"), -1);
	assert_int_equal(buf_addch(&b, '6'), -1);
	assert_int_equal(buf_addf(&b, "%d", 6), -1);
	assert_string_equal(buf_cstr(&b), "12345");
	/* Until the buffer is reset: then exactly up to the cap is fine. */
	buf_reset(&b);
	assert_int_equal(b.overflow, 0);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	assert_int_equal(buf_adds(&b, "67890"), 0);
	assert_string_equal(buf_cstr(&b), "1234567890");
	assert_int_equal(b.overflow, 0);
	/* An empty append at the cap is not an overflow of anything. */
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(b.overflow, 0);
	assert_int_equal(buf_addch(&b, 'x'), -1);
	assert_int_equal(buf_addf(&b, "%d", 1), -1);
	assert_int_equal(buf_add(&b, "y", 1), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_cstr(&b), "1234567890");
	buf_release(&b);

	/* addch honours the cap even while the allocation has room. */
	buf_init(&b, 3);
	assert_int_equal(buf_addch(&b, 'a'), 0);
	assert_int_equal(buf_addch(&b, 'b'), 0);
	assert_int_equal(buf_addch(&b, 'c'), 0);
	assert_true(b.alloc > 4);
	assert_int_equal(buf_addch(&b, 'd'), -1);
	assert_int_equal(b.overflow, 1);
	assert_string_equal(buf_cstr(&b), "abc");
	buf_release(&b);

	/* A formatted append that would cross the cap is refused whole. */
	buf_init(&b, 8);
	assert_int_equal(buf_addf(&b, "%s", "abcd"), 0);
	assert_int_equal(buf_addf(&b, "%s", "efghi"), -1);
	assert_string_equal(buf_cstr(&b), "abcd");
	assert_int_equal(buf_addf(&b, "%s", "efgh"), -1);
	assert_string_equal(buf_cstr(&b), "abcd");
	buf_release(&b);
	/* Release forgets the refusal with the bytes. */
	assert_int_equal(b.overflow, 0);
	assert_int_equal(buf_addf(&b, "%s", "efgh"), 0);
	assert_string_equal(buf_cstr(&b), "efgh");
	buf_release(&b);

	/* The cap survives release and reset. */
	buf_init(&b, 2);
	buf_adds(&b, "ab");
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "abc"), -1);
	buf_release(&b);
	assert_int_equal(buf_adds(&b, "abc"), -1);
	buf_release(&b);
}

static void test_huge_request(void **state)
{
	struct buf b;
	(void)state;
	/* A length that would overflow size_t arithmetic is refused, not wrapped. */
	buf_init(&b, 0);
	buf_adds(&b, "abc");
	assert_int_equal(buf_add(&b, "x", SIZE_MAX - 1), -1);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX), -1);
	assert_string_equal(buf_cstr(&b), "abc");
	/* and that refusal sticks as the cap's does */
	assert_int_equal(b.overflow, 1);
	assert_int_equal(buf_adds(&b, "d"), -1);
	buf_release(&b);
}

static void test_reset(void **state)
{
	struct buf b;
	size_t alloc;
	char *p;
	(void)state;
	buf_init(&b, 0);
	buf_adds(&b, "hello world");
	alloc = b.alloc;
	p = b.p;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	/* The allocation is kept for reuse. */
	assert_int_equal(b.alloc, alloc);
	assert_ptr_equal(b.p, p);
	buf_adds(&b, "x");
	assert_string_equal(buf_cstr(&b), "x");
	buf_release(&b);
	/* Reset of a never-used buffer is harmless. */
	buf_init(&b, 0);
	buf_reset(&b);
	assert_string_equal(buf_cstr(&b), "");
}

static void test_detach(void **state)
{
	struct buf b;
	size_t len = 99;
	char *s;
	(void)state;
	buf_init(&b, 0);
	buf_adds(&b, "owned");
	s = buf_detach(&b, &len);
	assert_string_equal(s, "owned");
	assert_int_equal(len, 5);
	/* The buffer is empty and usable, and no longer refers to the bytes. */
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.alloc, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_adds(&b, "again");
	assert_string_equal(buf_cstr(&b), "again");
	assert_string_equal(s, "owned");
	free(s);
	buf_release(&b);

	/* Detaching an empty buffer still hands out a string to free. */
	buf_init(&b, 0);
	s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	s = buf_detach(&b, NULL);
	assert_string_equal(s, "");
	free(s);
}

static int vadd(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int vadd(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

static void test_vaddf(void **state)
{
	struct buf b;
	(void)state;
	buf_init(&b, 0);
	assert_int_equal(vadd(&b, "%s=%lld;", "n", 42LL), 0);
	assert_int_equal(vadd(&b, "%c%%", 'z'), 0);
	assert_string_equal(buf_cstr(&b), "n=42;z%");
	assert_int_equal(vadd(&b, "%s", ""), 0);
	assert_int_equal(b.len, 7);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_huge_request),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_vaddf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
