/*
 * pwned_build.c — inputs to index: list the inputs, read each through
 * instream, parse with hibp_input, add to a pwned_builder, commit (see
 * pwned_build.h).  Single-threaded and streaming: memory use does not grow
 * with the input.
 */
#include "pwned/pwned_build.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pwned/hibp_input.h"
#include "pwned/instream.h"

#define CHUNK (4u << 20)

struct source {
	char *path;
	long prefix;
};

struct sources {
	struct source *v;
	size_t n, cap;
	uint64_t total; /* sum of sizes; 0 once one is unknown */
	bool unknown;
};

struct run {
	struct pwned_builder *b;
	struct pwned_build_progress pr;
	pwned_build_progress_fn fn;
	void *ctx;
};

static void set_err(struct pwned_build_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(struct pwned_build_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

static int add_source(struct sources *s, const char *path, long prefix, const struct stat *st)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct source *nv = realloc(s->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	if (!(s->v[s->n].path = strdup(path)))
		return -ENOMEM;
	s->v[s->n].prefix = prefix;
	s->n++;
	if (st && S_ISREG(st->st_mode))
		s->total += (uint64_t)st->st_size;
	else
		s->unknown = true;
	return 0;
}

static void free_sources(struct sources *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
}

static int visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* A directory of per-prefix files, in name (= prefix) order. */
static int add_dir(struct sources *s, const char *dir, struct pwned_build_err *err)
{
	struct dirent **list;
	int n = scandir(dir, &list, visible, alphasort), rc = 0;

	if (n < 0) {
		rc = -errno;
		set_err(err, "%s: cannot list: %s", dir, strerror(-rc));
		return rc;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		long prefix = hibp_input_name_prefix(list[i]->d_name);
		struct stat st;

		if (rc == 0 && prefix == HIBP_INPUT_NO_PREFIX) {
			set_err(err, "%s: unexpected file '%s' (expected files named after their "
				"5-hex prefix, as the HIBP downloader writes)", dir, list[i]->d_name);
			rc = -EINVAL;
		} else if (rc == 0 && snprintf(path, sizeof(path), "%s/%s", dir,
					       list[i]->d_name) >= (int)sizeof(path)) {
			set_err(err, "%s: path too long", dir);
			rc = -ENAMETOOLONG;
		} else if (rc == 0 && stat(path, &st) < 0) {
			rc = -errno;
			set_err(err, "%s: %s", path, strerror(-rc));
		} else if (rc == 0 && (rc = add_source(s, path, prefix, &st)) < 0) {
			set_err(err, "%s: %s", path, strerror(-rc));
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

static int cmp_source(const void *a, const void *b)
{
	long x = ((const struct source *)a)->prefix, y = ((const struct source *)b)->prefix;

	return x < y ? -1 : x > y;
}

static int list_sources(const char *const *inputs, size_t n, struct sources *s,
			struct pwned_build_err *err)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		struct stat st;
		const char *base;

		if (strcmp(inputs[i], "-") == 0) {
			if ((rc = add_source(s, "-", HIBP_INPUT_NO_PREFIX, NULL)) < 0)
				return rc;
			continue;
		}
		if (stat(inputs[i], &st) < 0) {
			rc = -errno;
			set_err(err, "%s: %s", inputs[i], strerror(-rc));
			return rc;
		}
		if (S_ISDIR(st.st_mode)) {
			size_t first = s->n;
			if ((rc = add_dir(s, inputs[i], err)) < 0)
				return rc;
			/* names sort in locale order ("abcde" vs "ABCDE"): sort by prefix */
			qsort(s->v + first, s->n - first, sizeof(*s->v), cmp_source);
			for (size_t k = first + 1; k < s->n; k++)
				if (s->v[k - 1].prefix == s->v[k].prefix) {
					set_err(err, "%s: two files for prefix %05lX", inputs[i],
						(unsigned long)s->v[k].prefix);
					return -EINVAL;
				}
			continue;
		}
		base = strrchr(inputs[i], '/');
		base = base ? base + 1 : inputs[i];
		if ((rc = add_source(s, inputs[i], hibp_input_name_prefix(base), &st)) < 0) {
			set_err(err, "%s: %s", inputs[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int add_record(const unsigned char *hash, size_t len, uint32_t count, void *ctx)
{
	struct run *r = ctx;
	int rc = pwned_builder_add(r->b, hash, len, count);

	if (rc == 0)
		r->pr.hashes++;
	return rc;
}

static void verify_progress(uint64_t done, uint64_t total, void *ctx)
{
	struct run *r = ctx;

	r->pr.verifying = true;
	r->pr.verify_done = done;
	r->pr.verify_total = total;
	if (r->fn)
		r->fn(&r->pr, r->ctx);
}

/* Read one source to its end through the parser. */
static int read_source(struct run *r, struct hibp_input *hp, const struct source *src,
		       char *buf, const char *out, struct pwned_build_err *err)
{
	const char *name = strcmp(src->path, "-") ? src->path : "(stdin)";
	struct instream *in;
	uint64_t base = r->pr.file_bytes;
	ssize_t n;
	int rc;

	if ((rc = instream_open(src->path, &in)) < 0) {
		set_err(err, "%s: %s", name, strerror(-rc));
		return rc;
	}
	r->pr.file = name;
	hibp_input_begin(hp, src->prefix);
	while ((n = instream_read(in, buf, CHUNK)) > 0) {
		rc = hibp_input_feed(hp, buf, (size_t)n, add_record, r);
		r->pr.text_bytes += (uint64_t)n;
		r->pr.file_bytes = base + instream_consumed(in);
		if (rc < 0)
			goto bad;
		if (r->fn)
			r->fn(&r->pr, r->ctx);
	}
	if (n < 0) {
		rc = (int)n;
		set_err(err, "%s: %s", name,
			rc == -EBADMSG ? "corrupt or truncated compressed data" : strerror(-rc));
		goto out;
	}
	if ((rc = hibp_input_end(hp, add_record, r)) < 0)
		goto bad;
	goto out;
bad:
	if (rc == -EINVAL && *hibp_input_error(hp))
		set_err(err, "%s:%llu: %s", name, (unsigned long long)hibp_input_line(hp),
			hibp_input_error(hp));
	else
		set_err(err, "%s:%llu: cannot add to '%s': %s", name,
			(unsigned long long)hibp_input_line(hp), out, pwned_strerror(rc));
out:
	instream_close(in);
	return rc;
}

int pwned_build(const char *const *inputs, size_t n, const char *out,
		const struct pwned_build_options *o, bool verify, pwned_build_progress_fn fn,
		void *ctx, struct pwned_build_stats *ret_stats, struct pwned_build_err *err)
{
	struct sources s = { 0 };
	struct run r = { .fn = fn, .ctx = ctx };
	struct hibp_input *hp = NULL;
	struct pwned *idx;
	char *buf = NULL;
	int rc;

	if (err)
		err->message[0] = '\0';
	if ((rc = list_sources(inputs, n, &s, err)) < 0)
		goto out;
	r.pr.file_total = s.unknown ? 0 : s.total;
	if ((rc = hibp_input_new(o ? pwned_hash_size(o->kind) : 0, &hp)) < 0 ||
	    !(buf = malloc(CHUNK))) {
		rc = rc < 0 ? rc : -ENOMEM;
		set_err(err, "%s", strerror(-rc));
		goto out;
	}
	if ((rc = pwned_builder_new(out, o, &r.b)) < 0) {
		set_err(err, "%s: cannot create: %s", out, strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < s.n; i++)
		if ((rc = read_source(&r, hp, &s.v[i], buf, out, err)) < 0)
			goto out;
	rc = pwned_builder_commit(r.b, verify, verify_progress, &r);
	r.b = NULL;
	if (rc < 0) {
		set_err(err, "%s: %s", out, pwned_strerror(rc));
		goto out;
	}
	if ((rc = pwned_open(out, &idx)) < 0) {
		set_err(err, "%s: %s", out, pwned_strerror(rc));
		goto out;
	}
	if (ret_stats) {
		ret_stats->files = s.n;
		ret_stats->text_bytes = r.pr.text_bytes;
		ret_stats->file_bytes = r.pr.file_bytes;
		ret_stats->hashes = r.pr.hashes;
		ret_stats->skipped = hibp_input_skipped(hp);
		pwned_get_info(idx, &ret_stats->info);
	}
	pwned_close(idx);
out:
	pwned_builder_free(r.b);
	hibp_input_free(hp);
	free(buf);
	free_sources(&s);
	return rc;
}
