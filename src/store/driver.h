/*
 * driver.h - what store.c needs from the drivers; private to src/store/.
 */
#ifndef STORE_DRIVER_H
#define STORE_DRIVER_H

#include "store/store.h"

extern const struct store_driver store_sqlite_driver;
extern const struct store_driver store_pg_driver;

/*
 * Apply the embedded schema migrations (src/store/schema/NNN-*.sql) not yet
 * recorded in the database's schema_migrations, each in its own transaction,
 * in the driver's dialect (driver->ddl). Refuses a database newer than the
 * newest migration this build knows.
 */
int store_migrate(struct store *st, struct err *err);

/* sqlite3_config() calls that must precede any connection. */
void store_sqlite_global_init(void);

/* walbuf.c: the VFS that gathers each WAL's frames into one write, made the default. */
int store_walbuf_register(void);

/* pg.c: end the listener threads (store_global_release). */
void pg_versions_stop(void);

/* Whether a database file exists at path. */
int store_sqlite_exists(const char *path);

/*
 * A load remembers its driver in its first member, so store.c's wrappers
 * need no store: each driver's struct store_load starts with this.
 */
struct store_load_head {
	const struct store_driver *drv;
};

#endif
