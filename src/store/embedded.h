/*
 * embedded.h - files compiled into the binary by tools/embed.c: the schema
 * migrations (src/store/schema/NNN-*.sql) and the built web UI (web/dist/).
 */
#ifndef STORE_EMBEDDED_H
#define STORE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *path;           /* as given at build time, e.g. "src/store/schema/001-init.sql" */
	const unsigned char *data;  /* NUL-terminated */
	size_t len;
};

/* Every embedded file, ended by an entry with path NULL. */
extern const struct embedded_file embedded_files[];

#endif
