/*
 * accesslog.c - the access log's lines reach stderr a few at a time: the
 * request threads append each line to one buffer, and a thread of its own
 * writes what gathered at most ACCESS_LOG_DELAY_MS later (at once past
 * ACCESS_LOG_HIGH bytes). A write(2) per request cost as much as a quarter of
 * a cached answer on a virtual machine; lines keep the order the requests
 * ended in. A stop writes every line before the server exits.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "base/banned.h"

#define ACCESS_LOG_DELAY_MS 20
#define ACCESS_LOG_HIGH ((size_t)64 << 10)
#define ACCESS_LOG_MAX ((size_t)8 << 20) /* past it a line waits for room */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct buf lines;  /* gathered, not yet written */
	int running, stopping;
	pthread_t thread;
} alog = { .lock = PTHREAD_MUTEX_INITIALIZER,
	   .more = PTHREAD_COND_INITIALIZER,
	   .room = PTHREAD_COND_INITIALIZER,
	   .lines = BUF_INIT };

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere left to report to */
		p += w;
		n -= (size_t)w;
	}
}

static void *writer(void *arg)
{
	struct buf out = BUF_INIT;
	(void)arg;

	pthread_setname_np(pthread_self(), "salespm-log");
	pthread_mutex_lock(&alog.lock);
	for (;;) {
		struct buf t;

		while (!alog.lines.len && !alog.stopping)
			pthread_cond_wait(&alog.more, &alog.lock);
		if (!alog.lines.len)
			break;
		if (alog.lines.len < ACCESS_LOG_HIGH && !alog.stopping) {
			/* a little longer: the lines of the next requests go with these */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += ACCESS_LOG_DELAY_MS * 1000000L;
			until.tv_sec += until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			while (alog.lines.len < ACCESS_LOG_HIGH && !alog.stopping &&
			       pthread_cond_timedwait(&alog.more, &alog.lock, &until) == 0)
				;
		}
		t = alog.lines;
		alog.lines = out;
		out = t;
		pthread_cond_broadcast(&alog.room);
		pthread_mutex_unlock(&alog.lock);
		write_all(out.p, out.len);
		buf_reset(&out);
		if (out.alloc > 4 * ACCESS_LOG_HIGH)
			buf_release(&out); /* a burst's room is not kept */
		pthread_mutex_lock(&alog.lock);
	}
	pthread_mutex_unlock(&alog.lock);
	buf_release(&out);
	return NULL;
}

int access_log_start(void)
{
	alog.stopping = 0;
	if (pthread_create(&alog.thread, NULL, writer, NULL))
		return -1;
	alog.running = 1;
	return 0;
}

void access_log_add(const char *line, size_t len)
{
	pthread_mutex_lock(&alog.lock);
	if (!alog.running || alog.stopping) {
		pthread_mutex_unlock(&alog.lock);
		write_all(line, len);
		return;
	}
	while (alog.lines.len + len > ACCESS_LOG_MAX && alog.running && !alog.stopping)
		pthread_cond_wait(&alog.room, &alog.lock);
	buf_add(&alog.lines, line, len);
	if (alog.lines.len == len || alog.lines.len >= ACCESS_LOG_HIGH)
		pthread_cond_signal(&alog.more);
	pthread_mutex_unlock(&alog.lock);
}

void access_log_stop(void)
{
	if (!alog.running)
		return;
	pthread_mutex_lock(&alog.lock);
	alog.stopping = 1;
	pthread_cond_broadcast(&alog.more);
	pthread_cond_broadcast(&alog.room);
	pthread_mutex_unlock(&alog.lock);
	pthread_join(alog.thread, NULL);
	alog.running = 0;
	buf_release(&alog.lines);
}
