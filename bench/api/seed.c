/*
 * seed.c — fill a database with N requests for the API benchmark.
 *
 * The requests go through the real store API (store_request_create), from
 * several threads at once so that the store's group commit batches them,
 * with the store opened STORE_NOSYNC: a seeding tool may lose its work on a
 * crash, the server under test never runs that way.  Every request gets the
 * same fixed creation time, so the codes are SDyymmdd-000001..N of one
 * known day and the load scripts can draw codes at random.
 *
 * usage: bench_seed --db PATH [--count N] [--threads T] [--day YYYY-MM-DD]
 *   The database must exist with the demo data (`ungcuu init --db PATH
 *   --demo`): units 0010, 0110, 0010-HK and services DVC, QLVB, EMAIL.
 *   The day (default 2026-01-01) must have no request yet.
 *   Prints the code prefix of the day ("SD260101") on stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tag.h"
#include "store/store.h"

#define SEED_ACTOR "bench"

static const char *const units[] = { "0010", "0110", "0010-HK" };
static const char *const services[] = { "DVC", "QLVB", "EMAIL" };
static const char *const subjects[] = {
	"Lỗi đăng nhập Dịch vụ công",
	"Không ký số được hồ sơ thanh toán",
	"Hộp thư công vụ bị đầy",
	"Văn bản đến không hiển thị tệp đính kèm",
	"Đề nghị cấp lại mật khẩu",
	"Chậm khi tra cứu hồ sơ",
};
static const char *const names[] = { "Trần Thị Bình", "Lê Văn Cường", "Phạm Đức Dũng",
				     "Nguyễn Thị Hoa" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct seed {
	struct store *st;
	time_t now;
	unsigned long count;
	atomic_ulong next;        /* index of the next request to create */
	atomic_ulong bad_code;    /* codes outside 1..count (the day was not empty) */
	atomic_int rc;            /* first failure, 0 when none */
	struct store_err err;     /* of the first failure */
	pthread_mutex_t err_lock;
};

static void *seed_main(void *arg)
{
	struct seed *s = arg;
	unsigned long i;

	while (atomic_load(&s->rc) == 0 && (i = atomic_fetch_add(&s->next, 1)) < s->count) {
		char subject[160], description[400], email[64], phone[16], code[TAG_CODE_SIZE];
		struct store_err err = { 0 };
		struct tag_code tc;
		struct request_in in = {
			.kind = i % 10 == 9 ? KIND_INCIDENT : KIND_SUPPORT,
			.unit = units[i % N(units)],
			.service = services[(i / 3) % N(services)],
			.subject = subject,
			.description = description,
			.requester_name = names[i % N(names)],
			.requester_email = email,
			.requester_phone = phone,
			.channel = (enum req_channel)(i % 4),
			.priority = i % 7 == 0 ? PRIO_HIGH : PRIO_NORMAL,
			.now = s->now,
		};
		int rc;

		snprintf(subject, sizeof(subject), "[%s#%s] %s (%lu)", in.unit, in.service,
			 subjects[i % N(subjects)], i + 1);
		snprintf(description, sizeof(description),
			 "Đơn vị báo lỗi khi sử dụng hệ thống: %s. Đã thử khởi động lại máy và xoá "
			 "bộ nhớ đệm của trình duyệt nhưng vẫn không được. Yêu cầu số %lu.",
			 subjects[(i / 7) % N(subjects)], i + 1);
		snprintf(email, sizeof(email), "nguoidung%lu@example.gov.vn", i % 5000);
		snprintf(phone, sizeof(phone), "09%08lu", i % 100000000);
		rc = store_request_create(s->st, &in, SEED_ACTOR, code, &err);
		if (rc < 0) {
			int zero = 0;
			pthread_mutex_lock(&s->err_lock);
			if (atomic_compare_exchange_strong(&s->rc, &zero, rc))
				s->err = err;
			pthread_mutex_unlock(&s->err_lock);
			break;
		}
		if (tag_code_parse(code, strlen(code), &tc) < 0 || tc.seq > s->count)
			atomic_fetch_add(&s->bad_code, 1);
	}
	return NULL;
}

static int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '-' || *end || end == s || errno || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Noon in Asia/Ho_Chi_Minh (05:00 UTC) of "YYYY-MM-DD", or -1. */
static time_t parse_day(const char *s)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%d", &tm);

	if (!end || *end)
		return -1;
	tm.tm_hour = 5;
	return timegm(&tm);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "day", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct seed s = { .count = 100000 };
	const char *db = NULL, *day = "2026-01-01";
	unsigned long nthreads = 32;
	struct store_err err = { 0 };
	struct tag_code tc;
	char prefix[TAG_DAY_SIZE];
	struct timespec t0, t1;
	pthread_t *threads;
	double secs;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n':
			if (parse_ulong(optarg, 1, TAG_SEQ_MAX, &s.count) < 0) {
				fprintf(stderr, "bench_seed: --count must be 1..%u, not '%s'\n",
					TAG_SEQ_MAX, optarg);
				return 64;
			}
			break;
		case 't':
			if (parse_ulong(optarg, 1, 512, &nthreads) < 0) {
				fprintf(stderr, "bench_seed: --threads must be 1..512, not '%s'\n", optarg);
				return 64;
			}
			break;
		case 'D': day = optarg; break;
		case 'h':
			puts("usage: bench_seed --db PATH [--count N] [--threads T] [--day YYYY-MM-DD]");
			return 0;
		default: return 64;
		}
	}
	if (!db || optind < argc) {
		fprintf(stderr, "usage: bench_seed --db PATH [--count N] [--threads T] [--day YYYY-MM-DD]\n");
		return 64;
	}
	if ((s.now = parse_day(day)) < 0 || tag_code_day(s.now, &tc) < 0 ||
	    tag_code_dayfmt(&tc, prefix) < 0) {
		fprintf(stderr, "bench_seed: invalid day '%s' (expected YYYY-MM-DD, 2000..2099)\n", day);
		return 64;
	}
	if ((rc = store_open(db, STORE_NOSYNC, &s.st, &err)) < 0) {
		fprintf(stderr, "bench_seed: %s\n", err.message[0] ? err.message : store_strerror(rc));
		return 69;
	}
	pthread_mutex_init(&s.err_lock, NULL);
	if (!(threads = calloc(nthreads, sizeof(*threads)))) {
		store_close(s.st);
		return 70;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < nthreads; i++)
		if ((rc = pthread_create(&threads[i], NULL, seed_main, &s)) != 0) {
			fprintf(stderr, "bench_seed: cannot start a thread: %s\n", strerror(rc));
			nthreads = i;
			atomic_store(&s.rc, -rc);
			break;
		}
	for (unsigned long i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(threads);
	store_close(s.st);
	pthread_mutex_destroy(&s.err_lock);

	if ((rc = atomic_load(&s.rc)) < 0) {
		fprintf(stderr, "bench_seed: create failed: %s\n",
			s.err.message[0] ? s.err.message : store_strerror(rc));
		return 1;
	}
	if (atomic_load(&s.bad_code)) {
		fprintf(stderr, "bench_seed: day %s had requests already: %lu codes are past %lu\n",
			day, (unsigned long)atomic_load(&s.bad_code), s.count);
		return 1;
	}
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "bench_seed: %lu requests in %.1f s (%.0f/s, %lu threads), codes SD%s-000001..%06lu\n",
		s.count, secs, (double)s.count / secs, nthreads, prefix, s.count);
	printf("SD%s\n", prefix);
	return fflush(stdout) == 0 ? 0 : 1;
}
