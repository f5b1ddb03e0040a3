/*
 * arena.h - a bump allocator for request-scoped data: many allocations, one
 * arena_release() at the end of the request or command.
 */
#ifndef BASE_ARENA_H
#define BASE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t block_size;
};

/* Initialise an empty arena whose blocks are at least block_size bytes. */
void arena_init(struct arena *a, size_t block_size);

/* Free every allocation at once; the arena is empty and usable again. */
void arena_release(struct arena *a);

/* n bytes aligned for any type, valid until arena_release(); aborts on exhaustion. */
void *arena_alloc(struct arena *a, size_t n);

/* Zeroed variant of arena_alloc(). */
void *arena_calloc(struct arena *a, size_t n);

/* Copies of strings into the arena. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

#endif
