/*
 * xalloc.h - allocation wrappers that abort on exhaustion, for long-lived data.
 * Request-scoped data uses an arena (arena.h) instead.
 */
#ifndef BASE_XALLOC_H
#define BASE_XALLOC_H

#include <stddef.h>

/* malloc/calloc/realloc/strdup that print a message and abort when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * As xmalloc and xrealloc, for large blocks that bulk work fills at once (an
 * import's file and lines): from XALLOC_BULK_MIN bytes up, backed by huge
 * pages where the system allows, so filling them costs few page faults.
 * Freed with free().
 */
#define XALLOC_BULK_MIN ((size_t)2 << 20)
void *xmalloc_bulk(size_t n);
void *xrealloc_bulk(void *p, size_t n);

/* Grow *arr (of *alloc elements of elem bytes) to hold at least n elements. */
#define ALLOC_GROW(arr, n, alloc)                                                  \
	do {                                                                       \
		if ((size_t)(n) > (size_t)(alloc)) {                               \
			size_t alloc_new_ = (size_t)(alloc) * 2 + 16;              \
			if (alloc_new_ < (size_t)(n))                              \
				alloc_new_ = (size_t)(n);                          \
			(arr) = xrealloc((arr), alloc_new_ * sizeof(*(arr)));      \
			(alloc) = alloc_new_;                                      \
		}                                                                  \
	} while (0)

/* ALLOC_GROW for arrays that may grow large (xrealloc_bulk). */
#define ALLOC_GROW_BULK(arr, n, alloc)                                             \
	do {                                                                       \
		if ((size_t)(n) > (size_t)(alloc)) {                               \
			size_t alloc_new_ = (size_t)(alloc) * 2 + 16;              \
			if (alloc_new_ < (size_t)(n))                              \
				alloc_new_ = (size_t)(n);                          \
			(arr) = xrealloc_bulk((arr), alloc_new_ * sizeof(*(arr))); \
			(alloc) = alloc_new_;                                      \
		}                                                                  \
	} while (0)

#endif
