/*
 * webhook_worker.h - the thread of `salespm serve` that delivers webhooks
 * (core/webhook.h has the records and the outbox; this has libcurl).
 */
#ifndef HTTP_WEBHOOK_WORKER_H
#define HTTP_WEBHOOK_WORKER_H

#include <stdint.h>

#include "base/err.h"

/*
 * Start the thread on the database at db_path; retry_base is the backoff's
 * unit in seconds (0: WEBHOOK_RETRY_BASE, 30 s): retries come after 1, 4, 20,
 * 120 and 720 times it, then the delivery is marked failed.
 */
int webhook_worker_start(const char *db_path, int64_t retry_base, const char *public_url,
			 struct err *err);

/* Stop it: a transfer under way is cut short; what was not recorded stays due. */
void webhook_worker_stop(void);

#endif
