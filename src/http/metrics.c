/*
 * metrics.c - request counters by status class, a latency histogram, the
 * requests in flight and the connections closed for missing a deadline, kept
 * with relaxed atomics and shown as Prometheus text.
 */
#include <stdatomic.h>

#include "api/cache.h"
#include "http/http.h"
#include "base/banned.h"

/* Histogram bucket bounds in microseconds (Prometheus "le" in seconds). */
static const int64_t bounds_us[] = { 100,    250,    500,     1000,    2500,   5000,
				     10000,  25000,  50000,   100000,  250000, 500000,
				     1000000, 2500000, 10000000 };
#define NBOUNDS (sizeof(bounds_us) / sizeof(bounds_us[0]))

static atomic_ullong by_class[6]; /* 1xx..5xx; [0] anything else */
static atomic_ullong buckets[NBOUNDS + 1];
static atomic_ullong sum_us, count;
static atomic_llong inflight;

void metrics_record(int status, int64_t duration_us)
{
	int cls = status / 100;
	size_t i = 0;

	if (cls < 1 || cls > 5)
		cls = 0;
	atomic_fetch_add_explicit(&by_class[cls], 1, memory_order_relaxed);
	while (i < NBOUNDS && duration_us > bounds_us[i])
		i++;
	atomic_fetch_add_explicit(&buckets[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_us, (unsigned long long)(duration_us > 0 ? duration_us : 0),
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&count, 1, memory_order_relaxed);
}

/* A histogram with fixed bounds, kept with relaxed atomics. */
struct hist {
	const double *bounds; /* ascending; in the unit shown */
	size_t n;
	atomic_ullong b[16];
	atomic_ullong count;
	_Atomic double sum;
};

static void hist_add(struct hist *h, double v)
{
	size_t i = 0;
	double old;
	while (i < h->n && v > h->bounds[i])
		i++;
	atomic_fetch_add_explicit(&h->b[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
	old = atomic_load_explicit(&h->sum, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(&h->sum, &old, old + v, memory_order_relaxed,
						      memory_order_relaxed))
		;
}

static void hist_render(struct buf *b, const struct hist *h, const char *name, const char *help)
{
	unsigned long long cum = 0;
	buf_addf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
	for (size_t i = 0; i < h->n; i++) {
		cum += atomic_load_explicit(&h->b[i], memory_order_relaxed);
		buf_addf(b, "%s_bucket{le=\"%g\"} %llu\n", name, h->bounds[i], cum);
	}
	cum += atomic_load_explicit(&h->b[h->n], memory_order_relaxed);
	buf_addf(b, "%s_bucket{le=\"+Inf\"} %llu\n", name, cum);
	buf_addf(b, "%s_sum %.6f\n", name, atomic_load_explicit(&h->sum, memory_order_relaxed));
	buf_addf(b, "%s_count %llu\n", name, atomic_load_explicit(&h->count, memory_order_relaxed));
}

static const double size_bounds[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256 };
static const double time_bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
				       0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
static struct hist batch_sizes = { size_bounds, sizeof(size_bounds) / sizeof(double) };
static struct hist batch_seconds = { time_bounds, sizeof(time_bounds) / sizeof(double) };
static struct hist sync_seconds = { time_bounds, sizeof(time_bounds) / sizeof(double) };

void metrics_batch(int writes, int64_t duration_us)
{
	hist_add(&batch_sizes, (double)writes);
	hist_add(&batch_seconds, (double)duration_us / 1e6);
}

void metrics_sync(int64_t duration_us)
{
	hist_add(&sync_seconds, (double)duration_us / 1e6);
}

void metrics_inflight(int delta)
{
	atomic_fetch_add_explicit(&inflight, delta, memory_order_relaxed);
}

void metrics_render(struct buf *b)
{
	static const char *const classes[] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx" };
	unsigned long long cum = 0;

	buf_adds(b, "# HELP salespm_http_requests_total HTTP requests answered, by status class.\n"
		    "# TYPE salespm_http_requests_total counter\n");
	for (int i = 1; i <= 5; i++)
		buf_addf(b, "salespm_http_requests_total{class=\"%s\"} %llu\n", classes[i],
			 atomic_load_explicit(&by_class[i], memory_order_relaxed));
	buf_addf(b, "salespm_http_requests_total{class=\"%s\"} %llu\n", classes[0],
		 atomic_load_explicit(&by_class[0], memory_order_relaxed));
	buf_adds(b, "# HELP salespm_http_request_duration_seconds Time to answer a request.\n"
		    "# TYPE salespm_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < NBOUNDS; i++) {
		cum += atomic_load_explicit(&buckets[i], memory_order_relaxed);
		buf_addf(b, "salespm_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			 (double)bounds_us[i] / 1e6, cum);
	}
	cum += atomic_load_explicit(&buckets[NBOUNDS], memory_order_relaxed);
	buf_addf(b, "salespm_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	buf_addf(b, "salespm_http_request_duration_seconds_sum %.6f\n",
		 (double)atomic_load_explicit(&sum_us, memory_order_relaxed) / 1e6);
	buf_addf(b, "salespm_http_request_duration_seconds_count %llu\n",
		 atomic_load_explicit(&count, memory_order_relaxed));
	buf_adds(b, "# HELP salespm_http_requests_in_flight Requests being answered now.\n"
		    "# TYPE salespm_http_requests_in_flight gauge\n");
	buf_addf(b, "salespm_http_requests_in_flight %lld\n",
		 atomic_load_explicit(&inflight, memory_order_relaxed));
	buf_adds(b, "# HELP salespm_http_connections_timed_out_total Connections closed for "
		    "not sending a request head or body in time.\n"
		    "# TYPE salespm_http_connections_timed_out_total counter\n");
	buf_addf(b, "salespm_http_connections_timed_out_total %llu\n", guard_closed_total());
	{
		unsigned long long batches, jobs;
		writer_figures(&batches, &jobs);
		buf_adds(b, "# HELP salespm_write_commits_total Transactions the writer thread "
			    "committed (one sync each, for every write queued meanwhile).\n"
			    "# TYPE salespm_write_commits_total counter\n");
		buf_addf(b, "salespm_write_commits_total %llu\n", batches);
		buf_adds(b, "# HELP salespm_writes_total API writes run by the writer thread.\n"
			    "# TYPE salespm_writes_total counter\n");
		buf_addf(b, "salespm_writes_total %llu\n", jobs);
		buf_adds(b, "# HELP salespm_write_queue_depth API writes queued for the writer "
			    "thread, not yet taken.\n"
			    "# TYPE salespm_write_queue_depth gauge\n");
		buf_addf(b, "salespm_write_queue_depth %d\n", writer_queue_depth());
		hist_render(b, &batch_sizes, "salespm_write_batch_size",
			    "Writes committed together in one transaction (group commit).");
		hist_render(b, &batch_seconds, "salespm_write_batch_seconds",
			    "Database time of a batch: its writes run and committed.");
		hist_render(b, &sync_seconds, "salespm_write_sync_seconds",
			    "Database time of a sync that made committed batches durable (SQLite).");
	}
	{
		unsigned long long hit, miss;
		api_cache_figures(&hit, &miss);
		buf_adds(b, "# HELP salespm_cache_lookups_total Lookups of kept answers (dashboards, "
			    "forecasts), by whether one was found for the data as it is.\n"
			    "# TYPE salespm_cache_lookups_total counter\n");
		buf_addf(b, "salespm_cache_lookups_total{result=\"hit\"} %llu\n", hit);
		buf_addf(b, "salespm_cache_lookups_total{result=\"miss\"} %llu\n", miss);
	}
	{
		unsigned long long sent;
		int open;
		live_figures(&open, &sent);
		buf_adds(b, "# HELP salespm_live_streams Live event streams open now (GET /api/v1/events; "
			    "each is also a request in flight).\n"
			    "# TYPE salespm_live_streams gauge\n");
		buf_addf(b, "salespm_live_streams %d\n", open);
		buf_adds(b, "# HELP salespm_live_events_total Changes sent on live event streams.\n"
			    "# TYPE salespm_live_events_total counter\n");
		buf_addf(b, "salespm_live_events_total %llu\n", sent);
	}
}
