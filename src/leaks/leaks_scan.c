/*
 * leaks_scan.c — the dump reader (see leaks_scan.h).
 *
 * Per line, the work is: find the '\n' (memchr), check the bytes eight at a
 * time, split the fields, lower-case and hash the account name in one pass.
 * Lines are handled in batches of BATCH: the hash-table slot of each is
 * prefetched before any is probed, so the probes of a batch overlap their
 * cache misses instead of waiting for each in turn.
 */
#include "leaks/leaks_scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "leaks/leaks_match.h"
#include "leaks/leaks_parse.h"
#include "pwned/instream.h"

#define BUF_SIZE (1u << 20)
#define CHUNK_MIN (4u << 20)
#define CHUNK_MAX (64u << 20)
#define SNIFF 4096
#define BATCH 32
#define DEPTH_MAX 32
#define HIT_ACCOUNTS 16

struct input {
	char *path;
	const char *source;  /* borrowed from the label list */
	bool block;          /* a stealer log */
	bool stream;         /* compressed or not a regular file: one reader */
	uint64_t size;
};

struct item {
	size_t input;
	uint64_t start, end; /* byte range of a plain file; lines starting in it */
	bool whole;
};

struct scan {
	const struct leaks_match *m;
	const struct leaks_scan_opts *o;
	struct input *in;
	size_t nin, cap_in;
	char **labels;
	size_t nlabels;
	struct item *items;
	size_t nitems;
	atomic_size_t next;
	atomic_uint_fast64_t done_bytes;
	atomic_uint_fast64_t done_lines; /* for progress: updated once a block */
	atomic_bool stop;
	atomic_uint finished; /* workers that ran out of items */
	pthread_mutex_t lock; /* hits, the error, the totals */
	int rc;
	char *errbuf;
	size_t errlen;
	struct leaks_stats total;
	bool has_hosts, has_domains;
};

struct pending {
	uint64_t h;
	bool maybe;           /* the filter says it may be one of our names */
	const char *pass;
	size_t pass_len;
	const char *system;
	bool email;
	size_t klen;
	char key[LEAKS_KEY_MAX];
};

struct worker {
	struct scan *sc;
	const struct leaks_filter *filter;
	struct leaks_stats st;
	struct pending batch[BATCH];
	size_t nbatch;
	const struct input *cur;
	struct leaks_block block;
	char *buf;
};

static void fail(struct scan *sc, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct scan *sc, int rc, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&sc->lock);
	if (!sc->rc) {
		sc->rc = rc;
		va_start(ap, fmt);
		vsnprintf(sc->errbuf, sc->errlen, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&sc->lock);
	atomic_store(&sc->stop, true);
}

/* ------------------------------------------------------------------------ */
/* Lines                                                                    */
/* ------------------------------------------------------------------------ */

static int report(struct worker *w, const struct pending *p, const uint32_t *acc, size_t nacc,
		  const char *domain)
{
	struct scan *sc = w->sc;
	struct leaks_hit h = {
		.key = p->key, .key_len = p->klen, .accounts = acc, .naccounts = nacc,
		.domain = domain, .pass = p->pass, .pass_len = p->pass_len, .system = p->system,
		.source = w->cur->source, .file = w->cur->path,
	};
	int rc = 0;

	w->st.matched++;
	if (!sc->o->on_hit)
		return 0;
	pthread_mutex_lock(&sc->lock);
	rc = sc->o->on_hit(sc->o->arg, &h);
	pthread_mutex_unlock(&sc->lock);
	if (rc < 0)
		fail(sc, rc, "the scan was stopped: %s", rc == -E2BIG ? "too many hits" : strerror(-rc));
	return rc;
}

static void flush(struct worker *w)
{
	const struct leaks_match *m = w->sc->m;
	uint32_t acc[HIT_ACCOUNTS];

	/* first the filter for the whole batch (its words were prefetched when
	 * the lines were read), prefetching the table slots of the few maybes;
	 * then the table */
	for (size_t i = 0; i < w->nbatch; i++)
		if ((w->batch[i].maybe = leaks_filter_maybe(w->filter, w->batch[i].h)))
			leaks_match_prefetch(m, w->batch[i].h);
	for (size_t i = 0; i < w->nbatch; i++) {
		struct pending *p = &w->batch[i];
		size_t n = p->maybe ? leaks_match_find(m, p->h, p->key, p->klen, acc, HIT_ACCOUNTS) : 0;
		if (n) {
			report(w, p, acc, n < HIT_ACCOUNTS ? n : HIT_ACCOUNTS, NULL);
		} else if (p->email && w->sc->has_domains) {
			/* not ours: still a finding when the domain is one we watch */
			const char *d = leaks_key_domain(p->key, p->klen);
			const char *wd = d ? leaks_match_domain(m, d, p->klen - (size_t)(d - p->key)) : NULL;
			if (wd)
				report(w, p, NULL, 0, wd);
		}
	}
	w->nbatch = 0;
}

/* Queue one credential for matching, if its name could be one of ours. */
static void consider(struct worker *w, const struct leaks_cred *c)
{
	struct scan *sc = w->sc;
	struct pending *p = &w->batch[w->nbatch];
	const char *system = NULL;
	int kl;

	if (c->host && sc->has_hosts)
		system = leaks_match_host(sc->m, c->host, c->host_len);
	if (!c->host && !system)
		system = sc->o->system;
	if ((kl = leaks_key_norm(c->user, c->user_len, p->key)) < 0)
		return;
	p->klen = (size_t)kl;
	p->email = leaks_key_domain(p->key, p->klen) != NULL;
	/* a bare username means something only on a system we know */
	if (!p->email && !system)
		return;
	p->h = leaks_match_hash(p->key, p->klen);
	__builtin_prefetch(&w->filter->words[(p->h >> 24) & w->filter->mask]);
	p->pass = c->pass;
	p->pass_len = c->pass_len;
	p->system = system;
	if (++w->nbatch == BATCH)
		flush(w);
}

/* Any line, counted already: the general path. */
static void slow_line(struct worker *w, const char *s, size_t len)
{
	struct leaks_cred c[2];
	int n;

	leaks_line_trim(&s, &len);
	if (!len)
		return;
	if (leaks_line_check(s, len) < 0) {
		w->st.skipped++;
		return;
	}
	if (w->cur->block) {
		if (leaks_block_feed(&w->block, s, len, c) == 1) {
			w->st.creds++;
			consider(w, c);
			flush(w); /* the credential lives in the block parser until the next line */
		}
		return;
	}
	n = leaks_combo_parse(s, len, c);
	if (n)
		w->st.creds++;
	for (int i = 0; i < n; i++)
		consider(w, &c[i]);
}

/* ------------------------------------------------------------------------ */
/* The fast path: printable-ASCII `email:password` lines                    */
/* ------------------------------------------------------------------------ */

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* 0x80 in each byte that is < 0x20, 0x7f or >= 0x80; exact up to the
 * first such byte (borrows only make false positives above it). */
static inline uint64_t special(uint64_t w)
{
	uint64_t d = w ^ (0x7f * ONES);

	return (w & HIGHS) | ((w - 0x20 * ONES) & ~w & HIGHS) | ((d - ONES) & ~d & HIGHS);
}

/* 0x80 in each byte equal to '\n'; exact up to the first. */
static inline uint64_t newlines(uint64_t w)
{
	uint64_t d = w ^ (0x0a * ONES);

	return (d - ONES) & ~d & HIGHS;
}

/* 0x80 in each byte of w equal to c; exact when every byte of w is < 0x80. */
static inline uint64_t eq7(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (c * ONES);

	return ~(x + 0x7f * ONES) & HIGHS;
}

/* How many bytes of a mask of eq7() are set (no POPCNT in the baseline ISA). */
static inline size_t count7(uint64_t m)
{
	return (size_t)(((m >> 7) * ONES) >> 56);
}

/* w with A-Z lower-cased; every byte < 0x80. */
static inline uint64_t lower7(uint64_t w)
{
	uint64_t ge_a = w + (0x80 - 'A') * ONES, gt_z = w + (0x80 - 'Z' - 1) * ONES;

	return w | ((ge_a & ~gt_z & HIGHS) >> 2);
}

static void slow_line(struct worker *w, const char *s, size_t len);

/*
 * A line of printable ASCII: when it reads `email<sep>password` (one '@',
 * no spaces, no URL), lower-case the address straight into the batch;
 * anything else takes the general path.
 */
static inline void fast_line(struct worker *w, const char *s, size_t len, const char *end)
{
	struct pending *p = &w->batch[w->nbatch];
	size_t i = 0, ats = 0;
	uint64_t h = 0;

	if (len > LEAKS_LINE_MAX)
		goto slow;
	/* eight bytes at a time: lower-case into the key, find the separator
	 * (':' ';' '|') or a space, count the '@' before it; bytes past the
	 * line (its '\n' and beyond, still in the buffer) are masked off */
	for (;;) {
		uint64_t wd, stop, at, below;
		if (i + 8 > LEAKS_KEY_MAX - 8 || s + i + 8 > end)
			goto slow;
		memcpy(&wd, s + i, 8);
		stop = eq7(wd, ':') | eq7(wd, ';') | eq7(wd, '|') | eq7(wd, ' ');
		at = eq7(wd, '@');
		if (len - i < 8) {
			uint64_t valid = (1ull << ((len - i) * 8)) - 1;
			stop &= valid;
			at &= valid;
			if (!stop)
				goto slow; /* no separator: not `email:password` */
		}
		wd = lower7(wd);
		memcpy(p->key + i, &wd, 8);
		if (stop) {
			unsigned pos = (unsigned)__builtin_ctzll(stop) >> 3;
			below = (stop & -stop) - 1;
			ats += count7(at & below);
			if (pos) /* the bytes before the separator, as leaks_match_hash pads them */
				h = leaks_hash_step(h, wd & (((stop & -stop) >> 7) - 1));
			i += pos;
			break;
		}
		h = leaks_hash_step(h, wd);
		ats += count7(at);
		i += 8;
	}
	if (s[i] == ' ' || ats != 1 || i == 0 || i + 1 >= len || s[0] == '@' || s[i - 1] == '@' ||
	    (s[i] == ':' && s[i + 1] == '/'))
		goto slow;
	w->st.creds++;
	p->h = leaks_hash_end(h, i);
	/* the filter word is read when the batch is full, by then in the cache */
	__builtin_prefetch(&w->filter->words[(p->h >> 24) & w->filter->mask]);
	p->key[i] = '\0';
	p->klen = i;
	p->email = true;
	p->pass = s + i + 1;
	p->pass_len = len - i - 1;
	p->system = w->sc->o->system;
	if (++w->nbatch == BATCH)
		flush(w);
	return;
slow:
	slow_line(w, s, len);
}

/*
 * Every line of [p, end) that starts before `stop`: finds the '\n' and
 * checks the bytes eight at a time in one pass.  Returns where the first
 * line without its '\n' starts (or `stop`, with *ret_done set).
 */
static const char *lines(struct worker *w, const char *p, const char *end, const char *stop,
			 bool *ret_done)
{
	while (p < end) {
		const char *q = p, *nl;
		bool plain, crlf = false;

		if (p >= stop) {
			*ret_done = true;
			return p;
		}
		for (;;) {
			uint64_t wd, m, n;
			if (end - q < 8) {
				if (!(nl = memchr(q, '\n', (size_t)(end - q))))
					return p;
				plain = leaks_line_check(q, (size_t)(nl - q)) == 0 &&
					memchr(q, '\t', (size_t)(nl - q)) == NULL && (nl == q || nl[-1] != '\r');
				break;
			}
			memcpy(&wd, q, 8);
			if (!(m = special(wd))) {
				q += 8;
				continue;
			}
			if ((n = newlines(wd))) {
				uint64_t first = n & -n, below;
				nl = q + (__builtin_ctzll(first) >> 3);
				below = m & (first - 1);
				plain = !below;
				/* CRLF: the CR just before the '\n' is the only other one */
				if (below && below == first >> 8 && nl[-1] == '\r')
					crlf = plain = true;
			} else {
				if (!(nl = memchr(q + 8, '\n', (size_t)(end - q - 8))))
					return p;
				plain = false;
			}
			break;
		}
		w->st.lines++;
		if (plain && !w->cur->block)
			fast_line(w, p, (size_t)(nl - p) - crlf, end);
		else
			slow_line(w, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return p;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Read one item: a chunk of a plain file with pread(), or a whole file as a
 * stream.  Lines longer than the buffer's spare room are counted and
 * skipped without being held.
 */
static int run_item(struct worker *w, const struct item *it)
{
	const struct input *in = &w->sc->in[it->input];
	const size_t cap = BUF_SIZE + LEAKS_LINE_MAX + 1;
	struct instream *is = NULL;
	uint64_t base = it->start, consumed = 0;
	size_t have = 0;
	bool skip_first = false, discarding = false, eof = false;
	int fd = -1, rc = 0;

	w->cur = in;
	leaks_block_init(&w->block);
	if (it->whole) {
		if ((rc = instream_open(in->path, &is)) < 0) {
			fail(w->sc, rc, "cannot open '%s': %s", in->path, strerror(-rc));
			return rc;
		}
	} else {
		if ((fd = open(in->path, O_RDONLY | O_CLOEXEC)) < 0) {
			rc = -errno;
			fail(w->sc, rc, "cannot open '%s': %s", in->path, strerror(-rc));
			return rc;
		}
		if (it->start > 0) {
			base = it->start - 1; /* a line starts at `start` if the byte before is '\n' */
			skip_first = true;
		}
	}
	while (!eof && !atomic_load_explicit(&w->sc->stop, memory_order_relaxed)) {
		ssize_t n;
		char *p, *end, *nl, *stop;
		bool done = false;

		if (is) {
			n = instream_read(is, w->buf + have, cap - have);
			if (n >= 0) {
				uint64_t c = instream_consumed(is);
				atomic_fetch_add(&w->sc->done_bytes, c - consumed);
				consumed = c;
			}
		} else {
			do
				n = pread(fd, w->buf + have, cap - have, (off_t)(base + have));
			while (n < 0 && errno == EINTR);
			if (n < 0)
				n = -errno;
			else
				atomic_fetch_add(&w->sc->done_bytes, (uint64_t)n);
		}
		if (n < 0) {
			rc = (int)n;
			fail(w->sc, rc, "cannot read '%s': %s", in->path,
			     rc == -EBADMSG ? "corrupt or truncated compressed data" : strerror(-rc));
			break;
		}
		eof = n == 0;
		w->st.text += (uint64_t)n;
		p = w->buf;
		end = w->buf + have + (size_t)n;
		if (skip_first || discarding) {
			if (!(nl = memchr(p, '\n', (size_t)(end - p)))) {
				base += (uint64_t)(end - w->buf);
				have = 0;
				continue;
			}
			p = nl + 1;
			skip_first = discarding = false;
		}
		stop = end;
		if (!it->whole && base >= it->end)
			stop = w->buf;
		else if (!it->whole && it->end - base < (uint64_t)(end - w->buf))
			stop = w->buf + (it->end - base);
		{
			uint64_t before = w->st.lines;
			p = (char *)lines(w, p, end, stop, &done);
			atomic_fetch_add_explicit(&w->sc->done_lines, w->st.lines - before,
						  memory_order_relaxed);
		}
		if (!done && eof && p < end && p < stop) {
			w->st.lines++; /* the last line has no '\n' */
			slow_line(w, p, (size_t)(end - p));
		}
		flush(w);
		if (done)
			break;
		if ((size_t)(end - p) > LEAKS_LINE_MAX) {
			if (!it->whole && base + (uint64_t)(p - w->buf) >= it->end)
				break;
			w->st.lines++;
			w->st.skipped++;
			discarding = true;
			base += (uint64_t)(end - w->buf);
			have = 0;
		} else {
			have = (size_t)(end - p);
			memmove(w->buf, p, have);
			base += (uint64_t)(p - w->buf);
		}
	}
	if (in->block && !rc) {
		struct leaks_cred c;
		if (leaks_block_end(&w->block, &c) == 1) {
			w->st.creds++;
			consider(w, &c);
			flush(w);
		}
	}
	instream_close(is);
	if (fd >= 0)
		close(fd);
	return rc;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct scan *sc = w->sc;

	for (;;) {
		size_t i = atomic_fetch_add(&sc->next, 1);
		if (i >= sc->nitems || atomic_load(&sc->stop))
			break;
		if (sc->items[i].start == 0)
			w->st.files++;
		run_item(w, &sc->items[i]);
	}
	atomic_fetch_add(&sc->finished, 1);
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Planning                                                                 */
/* ------------------------------------------------------------------------ */

static int add_input(struct scan *sc, const char *path, const char *source)
{
	struct input *in;

	if (sc->nin == sc->cap_in) {
		size_t cap = sc->cap_in ? sc->cap_in * 2 : 16;
		if (!(in = realloc(sc->in, cap * sizeof(*in))))
			return -ENOMEM;
		sc->in = in;
		sc->cap_in = cap;
	}
	in = &sc->in[sc->nin];
	memset(in, 0, sizeof(*in));
	if (!(in->path = strdup(path)))
		return -ENOMEM;
	in->source = source;
	sc->nin++;
	return 0;
}

static int walk(struct scan *sc, const char *path, const char *source, int depth)
{
	struct dirent **ents;
	struct stat st;
	int n, rc = 0;

	if (strcmp(path, "-") == 0)
		return add_input(sc, path, source);
	if (stat(path, &st) < 0) {
		rc = -errno;
		fail(sc, rc, "cannot read '%s': %s", path, strerror(-rc));
		return rc;
	}
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) || depth == 0 ? add_input(sc, path, source) : 0;
	if (depth >= DEPTH_MAX)
		return 0;
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0) {
		rc = -errno;
		fail(sc, rc, "cannot read '%s': %s", path, strerror(-rc));
		return rc;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		if (!rc && strcmp(name, ".") && strcmp(name, "..")) {
			size_t len = strlen(path) + strlen(name) + 2;
			char *sub = malloc(len);
			if (!sub) {
				rc = -ENOMEM;
			} else {
				snprintf(sub, len, "%s/%s", path, name);
				rc = walk(sc, sub, source, depth + 1);
				free(sub);
			}
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* Whether the first bytes of a file read as a stealer log. */
static bool looks_like_block(const char *path, const char *s, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t keys = 0, lines = 0;

	base = base ? base + 1 : path;
	if (strcasestr(base, "password"))
		return true;
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t l = nl ? (size_t)(nl - s) : len;
		const char *t = s;
		size_t tl = l;
		leaks_line_trim(&t, &tl);
		if (tl) {
			lines++;
			keys += leaks_block_is_key_line(t, tl);
		}
		if (!nl)
			break;
		s = nl + 1;
		len -= l + 1;
	}
	return keys >= 2 && 2 * keys >= lines;
}

/* Format and layout of every input; split large plain files into chunks. */
static int plan(struct scan *sc, unsigned threads)
{
	char *head = malloc(SNIFF);
	size_t cap = 0;
	int rc = 0;

	if (!head)
		return -ENOMEM;
	for (size_t i = 0; i < sc->nin && !rc; i++) {
		struct input *in = &sc->in[i];
		struct instream *is;
		size_t got = 0;
		ssize_t n = 0;
		uint64_t chunk, parts;

		if (strcmp(in->path, "-") == 0) {
			in->stream = true; /* stdin: no sniffing (it cannot be read twice) */
		} else {
			if ((rc = instream_open(in->path, &is)) < 0) {
				fail(sc, rc, "cannot open '%s': %s", in->path, strerror(-rc));
				break;
			}
			while (got < SNIFF && (n = instream_read(is, head + got, SNIFF - got)) > 0)
				got += (size_t)n;
			in->size = instream_size(is);
			in->stream = strcmp(instream_format(is), "plain") != 0 || !in->size;
			instream_close(is);
			if (n < 0) {
				rc = (int)n;
				fail(sc, rc, "cannot read '%s': %s", in->path,
				     rc == -EBADMSG ? "corrupt or truncated compressed data" : strerror(-rc));
				break;
			}
			in->block = looks_like_block(in->path, head, got);
		}
		sc->total.bytes += in->size;
		chunk = in->size / ((uint64_t)threads * 4);
		chunk = chunk < CHUNK_MIN ? CHUNK_MIN : chunk > CHUNK_MAX ? CHUNK_MAX : chunk;
		parts = in->stream || in->block || in->size <= chunk ? 1 : (in->size + chunk - 1) / chunk;
		for (uint64_t k = 0; k < parts; k++) {
			struct item *it;
			if (sc->nitems == cap) {
				cap = cap ? cap * 2 : 64;
				if (!(it = realloc(sc->items, cap * sizeof(*it)))) {
					rc = -ENOMEM;
					break;
				}
				sc->items = it;
			}
			it = &sc->items[sc->nitems++];
			it->input = i;
			it->whole = in->stream || in->block;
			it->start = k * chunk;
			it->end = k + 1 == parts ? UINT64_MAX : (k + 1) * chunk;
		}
	}
	free(head);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* The scan                                                                 */
/* ------------------------------------------------------------------------ */

static const char *label_of(const char *arg, char **ret)
{
	size_t len = strlen(arg);
	const char *b;

	while (len > 1 && arg[len - 1] == '/')
		len--;
	b = arg + len;
	while (b > arg && b[-1] != '/')
		b--;
	*ret = strndup(b, (size_t)(arg + len - b));
	return *ret;
}

static void add_stats(struct leaks_stats *a, const struct leaks_stats *b)
{
	a->files += b->files;
	a->text += b->text;
	a->lines += b->lines;
	a->skipped += b->skipped;
	a->creds += b->creds;
	a->matched += b->matched;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int leaks_scan(const struct leaks_match *m, char *const *paths, size_t npaths,
	       const struct leaks_scan_opts *o, struct leaks_stats *ret, char *errbuf,
	       size_t errlen)
{
	struct scan sc = { .m = m, .o = o, .errbuf = errbuf, .errlen = errlen };
	unsigned threads = o->threads;
	struct worker *ws = NULL;
	pthread_t *tids = NULL;
	unsigned started = 0;
	int rc = 0;

	errbuf[0] = '\0';
	memset(ret, 0, sizeof(*ret));
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	if (threads > 64)
		threads = 64;
	pthread_mutex_init(&sc.lock, NULL);
	if (!leaks_match_sealed(m)) {
		pthread_mutex_destroy(&sc.lock);
		snprintf(errbuf, errlen, "the account names are not indexed (leaks_match_seal)");
		return -EINVAL;
	}
	sc.has_hosts = leaks_match_nhosts(m) > 0;
	sc.has_domains = leaks_match_ndomains(m) > 0;
	if (!(sc.labels = calloc(npaths ? npaths : 1, sizeof(char *)))) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < npaths && !rc; i++) {
		const char *label = o->source;
		if (!label && !(label = label_of(paths[i], &sc.labels[sc.nlabels++]))) {
			rc = -ENOMEM;
			break;
		}
		rc = walk(&sc, paths[i], label, 0);
	}
	if (!rc)
		rc = plan(&sc, threads);
	if (rc)
		goto out;
	if (threads > sc.nitems)
		threads = sc.nitems ? (unsigned)sc.nitems : 1;
	ws = calloc(threads, sizeof(*ws));
	tids = calloc(threads, sizeof(*tids));
	if (!ws || !tids) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned t = 0; t < threads; t++) {
		ws[t].sc = &sc;
		ws[t].filter = leaks_match_filter(m);
		if (!(ws[t].buf = malloc(BUF_SIZE + LEAKS_LINE_MAX + 1))) {
			rc = -ENOMEM;
			break;
		}
	}
	for (unsigned t = 0; !rc && t < threads; t++) {
		if (pthread_create(&tids[t], NULL, worker_main, &ws[t]) != 0) {
			fail(&sc, -EAGAIN, "cannot start a thread");
			break;
		}
		started++;
	}
	if (o->progress && started) {
		/* the workers finish when the items run out; report meanwhile */
		double next = now_s() + o->every;
		while (atomic_load(&sc.finished) < started) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			if (now_s() >= next) {
				struct leaks_stats so_far = { .bytes = atomic_load(&sc.done_bytes),
							      .lines = atomic_load(&sc.done_lines) };
				o->progress(o->progress_arg, &so_far, sc.total.bytes);
				next = now_s() + o->every;
			}
		}
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	if (!rc)
		rc = sc.rc;
out:
	if (rc && !errbuf[0])
		snprintf(errbuf, errlen, "%s", strerror(-rc));
	if (ws)
		for (unsigned t = 0; t < threads; t++) {
			add_stats(&sc.total, &ws[t].st);
			free(ws[t].buf);
		}
	if (!sc.total.bytes)
		sc.total.bytes = atomic_load(&sc.done_bytes); /* stdin: what was read */
	*ret = sc.total;
	for (size_t i = 0; i < sc.nin; i++)
		free(sc.in[i].path);
	for (size_t i = 0; i < sc.nlabels; i++)
		free(sc.labels[i]);
	free(sc.labels);
	free(sc.in);
	free(sc.items);
	free(ws);
	free(tids);
	pthread_mutex_destroy(&sc.lock);
	return rc;
}
