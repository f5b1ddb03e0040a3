/*
 * spool.c - bulk request bodies (CSV imports) go to an unlinked file in
 * $TMPDIR as they arrive, never whole into memory while they are received,
 * and only SPOOL_SLOTS of them are taken at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http.h"
#include "base/banned.h"

static atomic_int slots_used;

int spool_slot_take(void)
{
	int n = atomic_load(&slots_used);
	while (n < SPOOL_SLOTS)
		if (atomic_compare_exchange_weak(&slots_used, &n, n + 1))
			return 1;
	return 0;
}

void spool_slot_give(void)
{
	atomic_fetch_sub(&slots_used, 1);
}

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

int spool_open(struct err *err)
{
	const char *dir = tmp_dir();
	char path[4096];
	int fd;

#ifdef O_TMPFILE
	/* Nameless from the start: nothing to clean up after a crash. */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	/* A file system without O_TMPFILE: a private name, unlinked at once. */
	if ((size_t)snprintf(path, sizeof(path), "%s/salespm-upload-XXXXXX", dir) >= sizeof(path))
		return err_set(err, ERR_INTERNAL, NULL, "internal", "TMPDIR is too long");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return err_set(err, ERR_UNAVAILABLE, NULL, "spool_unavailable:dir,reason",
			       "cannot keep the upload in %.100s: %s", dir, strerror(errno));
	unlink(path);
	return fd;
}

int spool_write(int fd, const void *data, size_t len, struct err *err)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(err, ERR_UNAVAILABLE, NULL, "spool_unavailable:dir,reason",
				       "cannot keep the upload in %.100s: %s", tmp_dir(),
				       n < 0 ? strerror(errno) : "nothing written");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

char *spool_load(int fd, size_t len, struct err *err)
{
	char *p = malloc(len + 1);
	size_t got = 0;

	if (!p) {
		err_set(err, ERR_UNAVAILABLE, NULL, "spool_unavailable:dir,reason",
			"cannot keep the upload in %.100s: %s", "memory", "out of memory");
		return NULL;
	}
	while (got < len) {
		ssize_t n = pread(fd, p + got, len - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_set(err, ERR_INTERNAL, NULL, "internal", "cannot read the upload back: %s",
				n < 0 ? strerror(errno) : "it is shorter than received");
			free(p);
			return NULL;
		}
		got += (size_t)n;
	}
	p[len] = '\0';
	return p;
}
