/*
 * metrics.c — HTTP response counters and latency histogram (see metrics.h).
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static const double bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				 0.05,   0.1,   0.25,   0.5,   1.0,  2.5 };
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

static struct {
	atomic_ulong by_status[600];
	atomic_ulong buckets[NBOUNDS + 1]; /* last: above every bound */
	atomic_ulong count;
	atomic_ulong micros; /* sum of durations, microseconds */
} m;

void metrics_observe(int status, double seconds)
{
	size_t b = 0;

	if (status < 100 || status >= 600)
		status = 599;
	atomic_fetch_add_explicit(&m.by_status[status], 1, memory_order_relaxed);
	while (b < NBOUNDS && seconds > bounds[b])
		b++;
	atomic_fetch_add_explicit(&m.buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m.count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m.micros, (unsigned long)(seconds * 1e6), memory_order_relaxed);
}

char *metrics_render(const json_t *request_counts, const struct respcache_stats *cache)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned long cum = 0;
	const char *key;
	json_t *val;

	if (!f)
		return NULL;
	fputs("# HELP ungcuu_http_responses_total HTTP responses by status code.\n"
	      "# TYPE ungcuu_http_responses_total counter\n", f);
	for (int s = 100; s < 600; s++) {
		unsigned long v = atomic_load_explicit(&m.by_status[s], memory_order_relaxed);
		if (v)
			fprintf(f, "ungcuu_http_responses_total{code=\"%d\"} %lu\n", s, v);
	}
	fputs("# HELP ungcuu_http_request_duration_seconds Time from request to response sent.\n"
	      "# TYPE ungcuu_http_request_duration_seconds histogram\n", f);
	for (size_t b = 0; b <= NBOUNDS; b++) {
		cum += atomic_load_explicit(&m.buckets[b], memory_order_relaxed);
		if (b < NBOUNDS)
			fprintf(f, "ungcuu_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
				bounds[b], cum);
		else
			fprintf(f, "ungcuu_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	}
	fprintf(f, "ungcuu_http_request_duration_seconds_sum %.6f\n",
		(double)atomic_load_explicit(&m.micros, memory_order_relaxed) / 1e6);
	fprintf(f, "ungcuu_http_request_duration_seconds_count %lu\n", cum);
	if (request_counts) {
		fputs("# HELP ungcuu_requests Support and incident requests by status.\n"
		      "# TYPE ungcuu_requests gauge\n", f);
		json_object_foreach((json_t *)request_counts, key, val)
			fprintf(f, "ungcuu_requests{status=\"%s\"} %" JSON_INTEGER_FORMAT "\n", key,
				json_integer_value(val));
	}
	if (cache)
		fprintf(f, "# HELP ungcuu_response_cache_hits_total Request answers served from memory.\n"
			"# TYPE ungcuu_response_cache_hits_total counter\n"
			"ungcuu_response_cache_hits_total %llu\n"
			"# HELP ungcuu_response_cache_misses_total Request answers rendered from the store.\n"
			"# TYPE ungcuu_response_cache_misses_total counter\n"
			"ungcuu_response_cache_misses_total %llu\n"
			"# HELP ungcuu_response_cache_bytes Memory held by cached answers.\n"
			"# TYPE ungcuu_response_cache_bytes gauge\n"
			"ungcuu_response_cache_bytes %llu\n",
			(unsigned long long)cache->hits, (unsigned long long)cache->misses,
			(unsigned long long)cache->bytes);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
