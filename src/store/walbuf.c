/*
 * walbuf.c - a VFS over SQLite's own that gathers a WAL's writes into one.
 *
 * SQLite writes each frame of the WAL with two calls (its 24-byte header,
 * then the page), so a commit of a hundred pages is two hundred write(2)s;
 * on a virtual machine each costs more than copying the page. This VFS
 * keeps the frames a connection appends in a buffer and writes them with
 * one call:
 *
 * - when the page of a commit frame (a frame header whose "database size
 *   after commit" is not zero) has been given: the commit is in the file
 *   before SQLite publishes it in the WAL index, and an error of that write
 *   is the commit's error, as it would have been without the buffer;
 * - before anything else touches the file (a read, a sync, a truncation, its
 *   size, a file control, the close), and when a write is not the next byte
 *   of the buffer, or the buffer is full.
 *
 * Frames not yet written belong to a transaction that has not committed: a
 * crash loses only what was never acknowledged, as before. Every file other
 * than a WAL is SQLite's own, untouched.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "base/banned.h"

/*
 * Bytes gathered at most: SQLite's unix VFS writes at most 128 KiB - 1 with
 * one call (it masks the length), so larger writes must not reach it.
 */
#define WALBUF_CAP ((size_t)64 << 10)
#define FRAME_HEADER 24               /* SQLite's WAL frame header */
#define WAL_HEADER 32                 /* SQLite's WAL file header */
#define WAL_FILE_ROOM ((sizeof(struct wal_file) + 7) & ~(size_t)7)

struct wal_file {
	sqlite3_file base;     /* pMethods: wal_methods */
	sqlite3_file *real;    /* SQLite's file, right after this struct */
	unsigned char *buf;    /* the gathered bytes, for [at, at + len) of the file */
	size_t len;
	sqlite3_int64 at;
	int commit_page_next;  /* the next write is a commit frame's page */
};

static sqlite3_vfs *base_vfs;
static sqlite3_vfs walbuf_vfs;
static sqlite3_io_methods wal_methods;

/* Write what is gathered; SQLite's result code. */
static int wal_flush(struct wal_file *f)
{
	int rc;

	if (!f->len)
		return SQLITE_OK;
	rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->at);
	f->len = 0;
	return rc;
}

static int wal_write(sqlite3_file *file, const void *data, int n, sqlite3_int64 at)
{
	struct wal_file *f = (struct wal_file *)file;
	const unsigned char *p = data;
	int commit_page = f->commit_page_next, rc;

	f->commit_page_next = 0;
	/* a frame header that ends a transaction: the write after it is the last of the commit */
	if (n == FRAME_HEADER && at >= WAL_HEADER &&
	    (p[4] | p[5] | p[6] | p[7]) != 0)
		f->commit_page_next = 1;
	if (!f->buf && !(f->buf = malloc(WALBUF_CAP)))
		return f->real->pMethods->xWrite(f->real, data, n, at);
	if (f->len && (at != f->at + (sqlite3_int64)f->len || f->len + (size_t)n > WALBUF_CAP)) {
		if ((rc = wal_flush(f)) != SQLITE_OK)
			return rc;
	}
	if ((size_t)n > WALBUF_CAP)
		return f->real->pMethods->xWrite(f->real, data, n, at);
	if (!f->len)
		f->at = at;
	memcpy(f->buf + f->len, data, (size_t)n);
	f->len += (size_t)n;
	return commit_page ? wal_flush(f) : SQLITE_OK;
}

static int wal_close(sqlite3_file *file)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = wal_flush(f), rc2 = f->real->pMethods->xClose(f->real);

	free(f->buf);
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int wal_read(sqlite3_file *file, void *out, int n, sqlite3_int64 at)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, n, at);
}

static int wal_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int wal_sync(sqlite3_file *file, int flags)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int wal_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int wal_lock(sqlite3_file *file, int level)
{
	struct wal_file *f = (struct wal_file *)file;
	return f->real->pMethods->xLock(f->real, level);
}

static int wal_unlock(sqlite3_file *file, int level)
{
	struct wal_file *f = (struct wal_file *)file;
	return f->real->pMethods->xUnlock(f->real, level);
}

static int wal_check_reserved(sqlite3_file *file, int *out)
{
	struct wal_file *f = (struct wal_file *)file;
	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int wal_file_control(sqlite3_file *file, int op, void *arg)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc = wal_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int wal_sector_size(sqlite3_file *file)
{
	struct wal_file *f = (struct wal_file *)file;
	return f->real->pMethods->xSectorSize(f->real);
}

static int wal_device_characteristics(sqlite3_file *file)
{
	struct wal_file *f = (struct wal_file *)file;
	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* A WAL is opened with the buffer around SQLite's file; every other file is SQLite's own. */
static int walbuf_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
		       int *out_flags)
{
	struct wal_file *f = (struct wal_file *)file;
	int rc;

	(void)vfs;
	if (!(flags & SQLITE_OPEN_WAL))
		return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)((char *)f + WAL_FILE_ROOM);
	rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		f->base.pMethods = NULL; /* nothing to close */
		return rc;
	}
	f->base.pMethods = &wal_methods;
	return SQLITE_OK;
}

int store_walbuf_register(void)
{
	if (base_vfs)
		return SQLITE_OK;
	if (!(base_vfs = sqlite3_vfs_find(NULL)))
		return SQLITE_ERROR;
	walbuf_vfs = *base_vfs;
	walbuf_vfs.pNext = NULL;
	walbuf_vfs.zName = "salespm-walbuf";
	/* room for SQLite's file after ours, aligned as SQLite aligns it */
	walbuf_vfs.szOsFile = (int)WAL_FILE_ROOM + base_vfs->szOsFile;
	walbuf_vfs.xOpen = walbuf_open;
	wal_methods = (sqlite3_io_methods){
		.iVersion = 1,
		.xClose = wal_close,
		.xRead = wal_read,
		.xWrite = wal_write,
		.xTruncate = wal_truncate,
		.xSync = wal_sync,
		.xFileSize = wal_file_size,
		.xLock = wal_lock,
		.xUnlock = wal_unlock,
		.xCheckReservedLock = wal_check_reserved,
		.xFileControl = wal_file_control,
		.xSectorSize = wal_sector_size,
		.xDeviceCharacteristics = wal_device_characteristics,
	};
	return sqlite3_vfs_register(&walbuf_vfs, 1);
}
