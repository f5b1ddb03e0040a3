/*
 * multirow.c - statements for many rows at once (multirow.h).
 */
#include "store/multirow.h"

#include <pthread.h>

#include "base/buf.h"
#include "base/banned.h"

static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

const char *multirow_sql(struct multirow *m, size_t n, size_t *rows)
{
	static const size_t sizes[MULTIROW_LEVELS] = { 1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64 };
	int level = 0;
	const char *sql;

	while (level + 1 < MULTIROW_LEVELS && sizes[level + 1] <= n)
		level++;
	*rows = sizes[level];
	pthread_mutex_lock(&build_lock);
	if (!(sql = m->built[level])) {
		struct buf b = BUF_INIT;
		buf_adds(&b, m->head);
		for (size_t i = 0; i < *rows; i++) {
			if (i)
				buf_adds(&b, ", ");
			buf_adds(&b, m->row);
		}
		buf_adds(&b, m->tail);
		/* kept for the process's life: its address names it in every statement cache */
		sql = m->built[level] = buf_detach(&b, NULL);
	}
	pthread_mutex_unlock(&build_lock);
	return sql;
}
