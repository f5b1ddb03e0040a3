/*
 * xalloc.c - allocation wrappers that abort on exhaustion.
 */
#include "base/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "base/banned.h"

static void die_oom(size_t n)
{
	fprintf(stderr, "salespm: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* 2 MiB: the huge page of x86-64 and arm64 (4 KiB pages) */
#define HUGE_PAGE ((uintptr_t)2 << 20)

/*
 * Ask for huge pages over the 2 MiB-aligned inside of a block. A page fault
 * costs ~10 us on a virtual machine: 100 MB touched once in 4 KiB pages is
 * 0.3 s, in 2 MiB pages ~0.01 s. Advice only: where it is refused, nothing
 * changes.
 */
static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t e = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);
	if (n >= XALLOC_BULK_MIN && e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

void *xmalloc_bulk(size_t n)
{
	void *p = xmalloc(n);
	advise_huge(p, n);
	return p;
}

void *xrealloc_bulk(void *p, size_t n)
{
	p = xrealloc(p, n);
	advise_huge(p, n);
	return p;
}
