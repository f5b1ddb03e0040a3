/*
 * dl.h - the office and PDF libraries (libxlsxwriter, libzip, libexpat,
 * pango/cairo) loaded with dlopen when a first file needs them, not linked:
 * linked, they add shared objects and milliseconds to every start (SPEC: cold
 * start <= 30 ms), as libpq and libcurl would (store/pg.c, http/webhook_worker.c).
 *
 * A user lists the functions it calls once, as an X-macro, and gets a struct
 * of pointers of each function's own type:
 *
 *     #define ZIP_FUNCTIONS(X) X(zip_open) X(zip_close)
 *     static struct { ZIP_FUNCTIONS(DL_MEMBER) } zipf;
 *     #define ZIP_ENTRY(f) DL_ENTRY(zipf, f)
 *     static const struct dl_sym zip_syms[] = { ZIP_FUNCTIONS(ZIP_ENTRY) };
 *     static struct dl_lib zip_lib = DL_LIB("libzip.so.4", "xlsx_unavailable",
 *                                          "reading .xlsx files", zip_syms);
 *     ...
 *     if (dl_load(&zip_lib, err)) return -1;
 *     zipf.zip_open(path, 0, &e);
 */
#ifndef REPORT_DL_H
#define REPORT_DL_H

#include <stddef.h>

#include "base/err.h"

/* One function of a library: its name and where its address goes. */
struct dl_sym {
	const char *name;
	void **fn;
};

/* A library loaded once for the process (and kept until it ends). */
struct dl_lib {
	const char *soname;  /* "libzip.so.4": the runtime name, no -dev package needed */
	const char *reason;  /* the reason code when it cannot be loaded: "xlsx_unavailable" */
	const char *purpose; /* for the message: "reading .xlsx files" */
	const struct dl_sym *syms;
	size_t nsyms;
	int state;           /* 0 not tried, 1 loaded, -1 failed (why in error); dl.c's */
	char error[160];
};

/* A member of the pointers' struct: `__typeof__(f) *f;`. */
#define DL_MEMBER(f) __typeof__(f) *f;
/* An entry of the symbols' table: function f, its pointer in the struct s. */
#define DL_ENTRY(s, f) { #f, (void **)&s.f },
/* A dl_lib's initialiser. */
#define DL_LIB(soname, reason, purpose, syms) \
	{ soname, reason, purpose, syms, sizeof(syms) / sizeof((syms)[0]), 0, { 0 } }

/*
 * Load lib (the first call; later ones answer at once) and fill every
 * pointer of its table. A missing library or function gives ERR_UNAVAILABLE
 * with lib->reason ("xlsx_unavailable" ...), param "library", and the
 * loader's words in the message; the failure is kept (not retried).
 * Thread-safe.
 */
int dl_load(struct dl_lib *lib, struct err *err);

#endif
