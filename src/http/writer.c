/*
 * writer.c - group commit: the API's writes, queued by the request threads,
 * run one after another on one writer thread inside one transaction per
 * batch, each in a savepoint of its own (a refused write undoes only itself),
 * and the batch is committed with one sync. Each job hears its end only after
 * that commit (or its failure), so nothing is answered before it is durable.
 * A batch is what queued up while the previous one ran: no timer waits for
 * company, a lone write commits at once.
 *
 * On SQLite the sync is taken off the writer: its commits return once
 * written (store_defer_sync), and a second thread, the syncer, makes every
 * batch committed so far durable with one fdatasync of the WAL
 * (store_sync) while the writer already runs the next batch; only then are
 * the batch's jobs told. Others may read a committed batch before its sync;
 * no one is told it was written before it is on disk. On PostgreSQL each
 * batch's commit waits for its flush, and the jobs are told at once.
 *
 * The WAL is kept bounded (serve --wal-limit). Each time it has grown by an
 * eighth of the bound the syncer, after telling its batches, copies its frames
 * into the database beside the writer (a passive checkpoint). Under a steady
 * stream of writes that never catches up, and a WAL starts over only once
 * every frame is copied: past the bound the writer itself, between two
 * batches, copies what the syncer has not, and its next commit starts the WAL
 * over from its beginning. The file then stays about that size (overwritten,
 * not grown, which also makes its syncs cheaper), whatever the load; a batch
 * may take it past the bound by its own frames.
 */
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/xalloc.h"
#include "core/tx.h"
#include "http/http.h"
#include "base/banned.h"

/*
 * At most this many jobs in one transaction: a batch's answers wait for its
 * slowest job, and a burst beyond this waits for the next sync.
 */
#define BATCH_MAX 512

/* The WAL's bound when serve is given none (MiB). */
#define WAL_LIMIT_MB 64

/* A committed batch waiting for the syncer. */
struct synced {
	struct writer_job *jobs;
	struct synced *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work, unsynced;
	pthread_t thread, syncer;
	int running;  /* the threads were started and not yet joined */
	int stopping; /* no more jobs are taken; the queued ones are run */
	int writer_done; /* the writer ended: the syncer ends once nothing waits */
	struct writer_job *head, **tail;
	struct synced *sync_head, **sync_tail;
	int64_t bound;      /* the WAL's bound, bytes: past it the writer checkpoints */
	int64_t tidy_every; /* the syncer checkpoints each time the WAL grew this much */
	int64_t tidy_at; /* the WAL's size at which the syncer checkpoints next */
	int tidy;        /* the syncer is to checkpoint after its next sync */
	struct store *(*open)(struct err *err);
	/* figures for /metrics */
	unsigned long long batches, jobs;
	int64_t busy_since; /* monotonic ms the batch now running began; 0: waiting for work */
	int queued;         /* jobs waiting for the writer */
} w = { .lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.unsynced = PTHREAD_COND_INITIALIZER };

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Tell every job of the list how its batch ended. */
static void tell(struct writer_job *j, const struct err *err)
{
	while (j) {
		struct writer_job *next = j->next;
		j->done(j, err);
		j = next;
	}
}

/* Everything queued, up to BATCH_MAX, in order; NULL when stopping with nothing left. */
static struct writer_job *take(void)
{
	struct writer_job *first, *j;
	int n = 1;

	pthread_mutex_lock(&w.lock);
	w.busy_since = 0;
	while (!w.head && !w.stopping)
		pthread_cond_wait(&w.work, &w.lock);
	first = w.head;
	if (first)
		w.busy_since = mono_ms();
	if (first) {
		for (j = first; j->next && n < BATCH_MAX; j = j->next)
			n++;
		w.head = j->next;
		j->next = NULL;
		w.queued -= n;
		if (!w.head)
			w.tail = &w.head;
	}
	pthread_mutex_unlock(&w.lock);
	return first;
}

/*
 * Run one batch in one transaction on st (NULL: it could not be opened, err
 * says why). Committed with a deferred sync, it goes to the syncer;
 * otherwise every job hears the outcome now.
 */
static void run_batch(struct writer_job *batch, struct store *st, int deferred,
		      struct err *err)
{
	int ok = 0;
	unsigned long long n = 0;
	int64_t began = mono_us();

	if (st && !store_begin(st, 1, err)) {
		/*
		 * A job whose failure ended the transaction (the database rolled it all
		 * back) leaves none for the next: those are not run, so none of them
		 * begins a transaction of its own that would commit while its batch is
		 * told it failed. They hear the batch's failure with the rest.
		 */
		tx_batch_begin(st);
		for (struct writer_job *j = batch; j && st->in_tx == 1; j = j->next) {
			/* what the batch's writes left to its end is written before a job that reads it */
			if (tx_batch_job(st, j->batched, err))
				break;
			j->run(j, st);
			n++;
		}
		/* a job's failure may have ended the transaction: then nothing of it is kept */
		ok = st->in_tx == 1 && !tx_batch_settle(st, err) && !store_commit(st, err);
		tx_batch_end(st);
		if (!ok && err->code != ERR_OK) {
			/*
			 * The commit was refused (a disk full, a deferred key): every job
			 * hears the same retryable answer, whichever backend, not the
			 * database's words about what may be another job's write.
			 */
			char why[160];
			size_t i;
			/* the database's words may quote a value: no control byte reaches the log */
			for (i = 0; i + 1 < sizeof(why) && err->msg[i]; i++)
				why[i] = (unsigned char)err->msg[i] < 0x20 || err->msg[i] == 0x7f
						 ? ' '
						 : err->msg[i];
			why[i] = '\0';
			fprintf(stderr, "salespm: a batch of %llu writes was not committed: %s\n", n,
				why);
			*err = (struct err){ 0 };
		}
		if (!ok)
			err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable",
				"the database did not commit this write, nor the others queued with "
				"it; nothing of them was kept: send it again");
	}
	if (st)
		store_rollback_all(st);
	if (!ok && err->code == ERR_OK)
		err_set(err, ERR_UNAVAILABLE, "db", "db_unavailable", "the database cannot be opened");
	if (ok)
		metrics_batch((int)n, mono_us() - began);
	pthread_mutex_lock(&w.lock);
	w.batches += ok;
	w.jobs += n;
	if (ok && deferred) {
		struct synced *b = xmalloc(sizeof(*b));
		b->jobs = batch;
		b->next = NULL;
		*w.sync_tail = b;
		w.sync_tail = &b->next;
		pthread_cond_signal(&w.unsynced);
		batch = NULL;
	}
	pthread_mutex_unlock(&w.lock);
	tell(batch, ok ? NULL : err);
}

/* The syncer: every batch committed so far made durable by one sync, then told. */
static void *syncer_main(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "salespm-sync");
	for (;;) {
		struct synced *list;
		struct err err = { 0 };
		struct store *st;
		int rc, tidy;

		pthread_mutex_lock(&w.lock);
		while (!w.sync_head && !w.writer_done)
			pthread_cond_wait(&w.unsynced, &w.lock);
		list = w.sync_head;
		w.sync_head = NULL;
		w.sync_tail = &w.sync_head;
		pthread_mutex_unlock(&w.lock);
		if (!list)
			return NULL;
		st = w.open(&err);
		{
			int64_t t0 = mono_us();
			rc = st ? store_sync(st, &err) : -1;
			if (!rc)
				metrics_sync(mono_us() - t0);
		}
		while (list) {
			struct synced *next = list->next;
			tell(list->jobs, rc ? &err : NULL);
			free(list);
			list = next;
		}
		/* after the answers: a checkpoint delays the next sync, never these */
		pthread_mutex_lock(&w.lock);
		tidy = w.tidy;
		w.tidy = 0;
		pthread_mutex_unlock(&w.lock);
		if (st && tidy)
			store_tidy(st);
	}
}

/* After a batch on the deferring connection: the syncer or the writer checkpoints (see above). */
static void bound_wal(struct store *st)
{
	if (st->wal_bytes >= w.bound) {
		store_tidy(st);
		return;
	}
	pthread_mutex_lock(&w.lock);
	if (st->wal_bytes < w.tidy_at - w.tidy_every) /* the WAL started over */
		w.tidy_at = w.tidy_every;
	if (st->wal_bytes >= w.tidy_at) {
		w.tidy = 1;
		w.tidy_at = st->wal_bytes + w.tidy_every;
	}
	pthread_mutex_unlock(&w.lock);
}

static void *writer_main(void *arg)
{
	struct writer_job *batch;
	struct store *deferred_on = NULL;
	(void)arg;
	pthread_setname_np(pthread_self(), "salespm-writer");
	while ((batch = take())) {
		struct err err = { 0 };
		struct store *st = w.open(&err);
		/* a store opened anew (the first, or after one was lost) defers its syncs */
		if (st && st != deferred_on) {
			int rc = store_defer_sync(st, &err);
			if (rc < 0) {
				tell(batch, &err);
				continue;
			}
			deferred_on = rc == 0 ? st : NULL;
		}
		run_batch(batch, st, st && st == deferred_on, &err);
		if (st && st == deferred_on)
			bound_wal(st);
	}
	api_thread_release();
	pthread_mutex_lock(&w.lock);
	w.writer_done = 1;
	pthread_cond_signal(&w.unsynced);
	pthread_mutex_unlock(&w.lock);
	return NULL;
}

int writer_start(struct store *(*open)(struct err *err), int wal_limit_mb, struct err *err)
{
	pthread_mutex_lock(&w.lock);
	w.open = open;
	w.stopping = 0;
	w.writer_done = 0;
	w.head = NULL;
	w.tail = &w.head;
	w.sync_head = NULL;
	w.sync_tail = &w.sync_head;
	w.bound = (int64_t)(wal_limit_mb > 0 ? wal_limit_mb : WAL_LIMIT_MB) << 20;
	w.tidy_every = w.bound / 8;
	w.tidy_at = w.tidy_every;
	w.tidy = 0;
	pthread_mutex_unlock(&w.lock);
	if (pthread_create(&w.syncer, NULL, syncer_main, NULL))
		return err_set(err, ERR_INTERNAL, NULL, "internal", "cannot start the sync thread");
	if (pthread_create(&w.thread, NULL, writer_main, NULL)) {
		pthread_mutex_lock(&w.lock);
		w.writer_done = 1;
		pthread_cond_signal(&w.unsynced);
		pthread_mutex_unlock(&w.lock);
		pthread_join(w.syncer, NULL);
		return err_set(err, ERR_INTERNAL, NULL, "internal", "cannot start the writer thread");
	}
	w.running = 1;
	return 0;
}

int writer_submit(struct writer_job *j)
{
	int taken = 0;
	j->next = NULL;
	pthread_mutex_lock(&w.lock);
	if (w.running && !w.stopping) {
		*w.tail = j;
		w.tail = &j->next;
		w.queued++;
		taken = 1;
		pthread_cond_signal(&w.work);
	}
	pthread_mutex_unlock(&w.lock);
	return taken ? 0 : -1;
}

void writer_stop(void)
{
	if (!w.running)
		return;
	pthread_mutex_lock(&w.lock);
	w.stopping = 1;
	pthread_cond_signal(&w.work);
	pthread_mutex_unlock(&w.lock);
	pthread_join(w.thread, NULL);
	pthread_join(w.syncer, NULL);
	w.running = 0;
}

int writer_queue_depth(void)
{
	int n;
	pthread_mutex_lock(&w.lock);
	n = w.queued;
	pthread_mutex_unlock(&w.lock);
	return n;
}

int64_t writer_busy_ms(void)
{
	int64_t since;
	pthread_mutex_lock(&w.lock);
	since = w.busy_since;
	pthread_mutex_unlock(&w.lock);
	return since ? mono_ms() - since : 0;
}

void writer_figures(unsigned long long *batches, unsigned long long *jobs)
{
	pthread_mutex_lock(&w.lock);
	*batches = w.batches;
	*jobs = w.jobs;
	pthread_mutex_unlock(&w.lock);
}
