/*
 * guard.c - deadlines on connections that libmicrohttpd's idle timeout cannot
 * give: a client that sends its headers a byte every few seconds is never idle.
 * Each connection carries a deadline (armed for the headers, then the body);
 * one watchdog thread shuts down the sockets that miss theirs.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "http/http.h"
#include "base/banned.h"

/* How often the watchdog looks (the slack of every deadline). */
#define WATCH_INTERVAL_MS 250

struct guard_conn {
	struct guard_conn *prev, *next;
	int fd;
	atomic_llong deadline_ms; /* monotonic; 0 = none */
	int shut;                 /* shut down by the watchdog (under lock) */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct guard_conn *head;
	pthread_t thread;
	int running, stopping;
	atomic_ullong closed; /* connections shut down for a missed deadline */
} g = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct guard_conn *guard_open(int fd, int seconds)
{
	struct guard_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->fd = fd;
	atomic_init(&c->deadline_ms, seconds > 0 ? now_ms() + (int64_t)seconds * 1000 : 0);
	pthread_mutex_lock(&g.lock);
	c->next = g.head;
	if (g.head)
		g.head->prev = c;
	g.head = c;
	pthread_mutex_unlock(&g.lock);
	return c;
}

void guard_close(struct guard_conn *c)
{
	if (!c)
		return;
	/* Unlinked under the lock before the socket is closed: the fd is never reused under us. */
	pthread_mutex_lock(&g.lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		g.head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&g.lock);
	free(c);
}

void guard_arm(struct guard_conn *c, int seconds)
{
	if (c)
		atomic_store_explicit(&c->deadline_ms, now_ms() + (int64_t)seconds * 1000,
				      memory_order_relaxed);
}

void guard_disarm(struct guard_conn *c)
{
	if (c)
		atomic_store_explicit(&c->deadline_ms, 0, memory_order_relaxed);
}

unsigned long long guard_closed_total(void)
{
	return atomic_load_explicit(&g.closed, memory_order_relaxed);
}

static void *watch(void *arg)
{
	struct timespec until;
	(void)arg;
	pthread_mutex_lock(&g.lock);
	while (!g.stopping) {
		int64_t now = now_ms();
		for (struct guard_conn *c = g.head; c; c = c->next) {
			int64_t d = atomic_load_explicit(&c->deadline_ms, memory_order_relaxed);
			if (d && d <= now && !c->shut) {
				/*
				 * The server's thread sees the end of the stream and closes
				 * the connection as if the client had gone.
				 */
				shutdown(c->fd, SHUT_RDWR);
				c->shut = 1;
				atomic_fetch_add_explicit(&g.closed, 1, memory_order_relaxed);
			}
		}
		http_clock_in(&until, WATCH_INTERVAL_MS);
		pthread_cond_timedwait(&g.wake, &g.lock, &until);
	}
	pthread_mutex_unlock(&g.lock);
	return NULL;
}

void http_clock_in(struct timespec *until, long ms)
{
	clock_gettime(CLOCK_REALTIME, until);
	until->tv_sec += ms / 1000;
	until->tv_nsec += (ms % 1000) * 1000000L;
	if (until->tv_nsec >= 1000000000L) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000L;
	}
}

int guard_start(void)
{
	g.stopping = 0;
	if (pthread_create(&g.thread, NULL, watch, NULL))
		return -1;
	g.running = 1;
	return 0;
}

void guard_stop(void)
{
	if (!g.running)
		return;
	pthread_mutex_lock(&g.lock);
	g.stopping = 1;
	pthread_cond_signal(&g.wake);
	pthread_mutex_unlock(&g.lock);
	pthread_join(g.thread, NULL);
	g.running = 0;
}

long guard_raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = rl;
		/* "unlimited" is refused for files: take a large finite number then */
		want.rlim_cur = rl.rlim_max == RLIM_INFINITY ? (rlim_t)1 << 20 : rl.rlim_max;
		if (!setrlimit(RLIMIT_NOFILE, &want))
			rl = want;
	}
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)1 << 30 ? 1L << 30
									   : (long)rl.rlim_cur;
}
