/*
 * lookup.c — in-process lookup latency of a breached-password index
 * (bench/pwned/run.sh).
 *
 * usage: bench_pwned_lookup INDEX [QUERIES [FULL_INDEX]]
 *
 * Loads the whole index into the page cache and maps all its pages first
 * (pwned_populate: a server that has answered for a while has them all
 * mapped), then times QUERIES lookups (default 1,000,000),
 * half of hashes present in the index and half of random ones (present
 * ones are drawn from FULL_INDEX, default INDEX: a compact index cannot
 * list its hashes), each with clock_gettime around one pwned_lookup():
 *   random  every query a new one: page cache warm, CPU caches and TLB
 *           mostly cold (the index is far larger than them)
 *   hot     1,000 of the queries, asked 1,000 times each: all in CPU caches
 * and prints percentiles in nanoseconds (the timer's own cost, measured and
 * printed, is included), and the untimed throughput of one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pwned/pwned.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct pick {
	unsigned char *dst;
	uint64_t want, seen;
};

static int pick_one(const unsigned char *hash, uint32_t count, void *ctx)
{
	struct pick *p = ctx;

	(void)count;
	if (p->seen++ == p->want) {
		memcpy(p->dst, hash, PWNED_HASH_MAX);
		return 1;
	}
	return 0;
}

/* Read every page of the file so that it sits in the page cache. */
static void preload(const char *path)
{
	char buf[1 << 20];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void report(const char *name, uint64_t *t, size_t n, uint64_t overhead)
{
	double sum = 0;

	qsort(t, n, sizeof(*t), cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += (double)t[i];
	printf("%-9s n=%zu  p50 %llu ns  p90 %llu ns  p99 %llu ns  p99.9 %llu ns  max %llu ns"
	       "  mean %.0f ns  (timer %llu ns included)\n",
	       name, n, (unsigned long long)t[n / 2], (unsigned long long)t[n * 9 / 10],
	       (unsigned long long)t[n * 99 / 100], (unsigned long long)t[n * 999 / 1000],
	       (unsigned long long)t[n - 1], sum / (double)n, (unsigned long long)overhead);
}

static void run(const char *name, struct pwned *p, size_t hs, unsigned char *q, size_t n,
		uint64_t *t, uint64_t overhead)
{
	uint32_t count;

	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		int rc = pwned_lookup(p, q + i * PWNED_HASH_MAX, hs, &count);
		t[i] = now_ns() - t0;
		if (rc < 0 && rc != -ENOENT) {
			fprintf(stderr, "lookup failed: %s\n", pwned_strerror(rc));
			exit(1);
		}
	}
	report(name, t, n, overhead);
}

int main(int argc, char **argv)
{
	struct pwned_info info;
	struct pwned *p, *src;
	size_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000, hs, found = 0;
	unsigned char *q;
	uint64_t *t, overhead, t0;
	uint32_t count;
	int rc;

	if (argc < 2 || argc > 4 || n < 1000) {
		fprintf(stderr, "usage: bench_pwned_lookup INDEX [QUERIES >= 1000 [FULL_INDEX]]\n");
		return 64;
	}
	preload(argv[1]);
	if ((rc = pwned_open(argv[1], &p)) < 0 ||
	    (rc = pwned_open(argc > 3 ? argv[3] : argv[1], &src)) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], pwned_strerror(rc));
		return 1;
	}
	if ((rc = pwned_populate(p)) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], pwned_strerror(rc));
		return 1;
	}
	pwned_get_info(p, &info);
	hs = pwned_hash_size(info.kind);
	q = calloc(n, PWNED_HASH_MAX);
	t = calloc(n, sizeof(*t));
	if (!q || !t)
		return 1;
	/* half present (a random record of a random range), half random */
	for (size_t i = 0; i < n; i++) {
		unsigned char *h = q + i * PWNED_HASH_MAX;
		for (size_t b = 0; b < PWNED_HASH_MAX; b++)
			h[b] = (unsigned char)next();
		if (i % 2 == 0) {
			uint32_t prefix = (uint32_t)(next() % PWNED_PREFIXES);
			uint64_t size = pwned_range_size(src, prefix);
			struct pick pk = { h, size ? next() % size : 0, 0 };
			if (size)
				pwned_range(src, prefix, pick_one, &pk);
		}
	}
	t0 = now_ns();
	for (int i = 0; i < 1000000; i++)
		now_ns();
	overhead = (now_ns() - t0) / 1000000;
	printf("index %s: %s, %s, %llu hashes, %.2f bytes per hash\n", argv[1],
	       pwned_kind_name(info.kind), pwned_density_name(info.density),
	       (unsigned long long)info.hashes, (double)info.file_size / (double)info.hashes);
	run("random", p, hs, q, n, t, overhead);
	t0 = now_ns();
	for (size_t i = 0; i < n; i++)
		found += pwned_lookup(p, q + i * PWNED_HASH_MAX, hs, &count) == 0;
	printf("random    %.2f M lookups/s on one thread, untimed (%zu of %zu found)\n",
	       (double)n / ((double)(now_ns() - t0) / 1e9) / 1e6, found, n);
	/* hot: the first 1,000 queries over and over */
	for (size_t i = 0; i < n; i++)
		memmove(q + i * PWNED_HASH_MAX, q + (i % 1000) * PWNED_HASH_MAX, PWNED_HASH_MAX);
	run("hot", p, hs, q, n, t, overhead);
	free(q);
	free(t);
	pwned_close(src);
	pwned_close(p);
	return 0;
}
