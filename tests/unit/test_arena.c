/*
 * test_arena.c - the bump allocator: alignment, no overlap between live
 * allocations, allocations larger than a block, zeroing, string copies, and
 * release/reuse (leaks show under valgrind and ASan).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdalign.h>
#include <string.h>

#include "base/arena.h"

#define NALLOC 5000

static void test_alignment_and_overlap(void **state)
{
	struct arena a;
	static unsigned char *ptr[NALLOC];
	static size_t size[NALLOC];
	uint64_t x = 0x1234567;
	(void)state;

	arena_init(&a, 1024);
	for (int i = 0; i < NALLOC; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		/* Mostly small sizes, some larger than a block, some zero. */
		size[i] = (x >> 33) % 10 == 0 ? (size_t)((x >> 20) % 5000) : (size_t)((x >> 40) % 40);
		ptr[i] = arena_alloc(&a, size[i]);
		assert_non_null(ptr[i]);
		assert_int_equal((uintptr_t)ptr[i] % alignof(max_align_t), 0);
		memset(ptr[i], (unsigned char)i, size[i]);
	}
	/* Every allocation still holds its own pattern: none overlapped another. */
	for (int i = 0; i < NALLOC; i++)
		for (size_t k = 0; k < size[i]; k++)
			if (ptr[i][k] != (unsigned char)i) {
				print_error("allocation %d byte %zu was overwritten\n", i, k);
				fail();
			}
	/* Distinct pointers even for zero-byte requests. */
	for (int i = 1; i < NALLOC; i++)
		assert_true(ptr[i] != ptr[i - 1]);
	arena_release(&a);
	assert_null(a.head);
}

static void test_large(void **state)
{
	struct arena a;
	unsigned char *small, *big, *after;
	(void)state;
	arena_init(&a, 256);
	small = arena_alloc(&a, 10);
	memset(small, 1, 10);
	big = arena_alloc(&a, 100000);
	memset(big, 2, 100000);
	after = arena_alloc(&a, 10);
	memset(after, 3, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(small[i], 1);
	assert_int_equal(big[0], 2);
	assert_int_equal(big[99999], 2);
	arena_release(&a);
}

static void test_zeroed(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 64);
	for (int round = 0; round < 3; round++) {
		/* Dirty the memory first so zeroing is not an accident of fresh pages. */
		for (int i = 0; i < 50; i++)
			memset(arena_alloc(&a, 48), 0xAB, 48);
		arena_release(&a);
		for (int i = 0; i < 50; i++) {
			unsigned char *p = arena_calloc(&a, 48);
			for (int k = 0; k < 48; k++)
				assert_int_equal(p[k], 0);
			memset(p, 0xCD, 48);
		}
		unsigned char *z = arena_calloc(&a, 0);
		assert_non_null(z);
	}
	arena_release(&a);
}

static void test_strings(void **state)
{
	struct arena a;
	char src[] = "hello, world";
	char *d, *n, *e, *full;
	(void)state;
	arena_init(&a, 0); /* 0 picks the default block size */
	assert_true(a.block_size > 0);
	d = arena_strdup(&a, src);
	n = arena_strndup(&a, src, 5);
	e = arena_strdup(&a, "");
	full = arena_strndup(&a, "中文", strlen("中文"));
	/* Copies, not aliases. */
	src[0] = 'J';
	assert_string_equal(d, "hello, world");
	assert_string_equal(n, "hello");
	assert_string_equal(e, "");
	assert_string_equal(full, "中文");
	assert_true(d != src);
	/* strndup stops at n even inside a longer string. */
	assert_int_equal(strlen(n), 5);
	arena_release(&a);
}

static void test_release_reuse(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 128);
	arena_release(&a); /* releasing an empty arena is fine */
	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 100; i++) {
			char *p = arena_alloc(&a, (size_t)(i % 17) + 1);
			p[0] = 'x';
		}
		arena_release(&a);
		assert_null(a.head);
	}
	/* The block size is kept across releases. */
	assert_int_equal(a.block_size, 128);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment_and_overlap),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_zeroed),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_release_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
