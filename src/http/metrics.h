/*
 * metrics.h — counters for GET /metrics (Prometheus text format 0.0.4).
 *
 * Lock-free (C11 atomics): updated by every HTTP thread on every response.
 * The counters are process-wide state, the one mutable global of the
 * server besides libmicrohttpd's own.
 */
#pragma once

#include <jansson.h>

#include "http/respcache.h"

/* Count one response with its status and duration. */
void metrics_observe(int status, double seconds);

/*
 * Render all metrics; `request_counts` (may be NULL) is the store's count
 * of requests per status, `cache` (may be NULL) the answer cache's counters.
 * Returns a malloc'd string; caller frees.
 */
char *metrics_render(const json_t *request_counts, const struct respcache_stats *cache);
