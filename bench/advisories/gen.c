/*
 * gen.c — bench/advisories: the inventory and the baseline.
 *
 *   bench_adv_gen setup DB KEV.json [--units N] [--assets N] [--seed S]
 *       a fresh database with N units (one parent per 100, a focal contact
 *       each), an advisory file of ours giving version ranges to every KEV
 *       entry (imported before any asset exists: nothing matches yet), then
 *       the assets, stored without matching (`assets import --no-match`).
 *       Products are drawn from the KEV catalog's vendor/products (85 %) and
 *       the seeds' FortiOS (10 %) and Exchange (5 %); each product has six
 *       release branches, each entry affects one to three of them below a
 *       fixed patch level, and nine assets in ten run their branch's latest
 *       patch: most KEV entries match nothing, as in a kept inventory.
 *   bench_adv_gen naive DB
 *       the baseline: the same matching as the naive O(advisories x assets)
 *       loop, names compared as keys and every version and range parsed
 *       again for every pair; prints its time and the number of matches.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>

#include "core/advisory.h"
#include "core/version.h"
#include "store/store.h"
#include "store/store_adv.h"

#define BRANCHES 6

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned below(unsigned n)
{
	return (unsigned)(next() % n);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

struct product {
	const char *vendor, *product;
	unsigned major; /* branches major..major+2, minor 0 and 2 */
};

static int product_find(struct product *p, size_t n, const char *vendor, const char *product)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].vendor, vendor) && !strcmp(p[i].product, product))
			return (int)i;
	return -1;
}

static void branch(const struct product *p, unsigned b, unsigned *major, unsigned *minor)
{
	*major = p->major + b / 2;
	*minor = (b % 2) * 2;
}

static int setup(const char *db, const char *kev, unsigned nunits, unsigned nassets)
{
	struct advisory_set *set, *kevset;
	struct store *st;
	struct store_err err = { 0 };
	struct adv_stats s;
	struct product *prods;
	struct unit_in *units;
	struct contact_in *contacts;
	struct asset_in *assets;
	char errbuf[256], (*codes)[16], (*emails)[48], (*names)[24], (*versions)[24];
	size_t len, nprod = 0, created, updated;
	int from, to, rc, fortios, exchange;
	json_t *file, *advs;
	char *buf = slurp(kev, &len), *text;
	double t0 = now_s();

	if (!buf || advisory_parse(buf, len, &set, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "bench: cannot read %s: %s\n", kev, buf ? errbuf : "open failed");
		return 1;
	}
	free(buf);
	prods = calloc(set->n + 2, sizeof(*prods));
	for (size_t i = 0; i < set->n; i++)
		if (product_find(prods, nprod, set->items[i].vendor, set->items[i].product) < 0)
			prods[nprod++] = (struct product){ set->items[i].vendor, set->items[i].product,
							   1 + below(15) };
	if ((fortios = product_find(prods, nprod, "Fortinet", "FortiOS")) < 0 ||
	    (exchange = product_find(prods, nprod, "Microsoft", "Exchange Server")) < 0) {
		fprintf(stderr, "bench: the KEV file lacks FortiOS or Exchange Server\n");
		return 1;
	}
	prods[fortios].major = 6;
	prods[exchange].major = 13;

	/* our advisory file: ranges for every KEV entry */
	advs = json_array();
	for (size_t i = 0; i < set->n; i++) {
		const struct advisory *a = &set->items[i];
		struct product *p = &prods[product_find(prods, nprod, a->vendor, a->product)];
		unsigned nb = 1 + below(3), first = below(BRANCHES);
		static const char *const sev[] = { "critical", "high", "high", "medium" };
		json_t *ranges = json_array();
		for (unsigned k = 0; k < nb; k++) {
			unsigned M, m, fix = 3 + below(28);
			char r[64];
			branch(p, (first + k) % BRANCHES, &M, &m);
			snprintf(r, sizeof(r), ">=%u.%u.0 <%u.%u.%u", M, m, M, m, fix);
			json_array_append_new(ranges, json_string(r));
		}
		json_array_append_new(advs, json_pack("{ss ss ss sb s[{ss ss so}]}", "cve", a->cve,
						      "title", a->title, "severity", sev[below(4)],
						      "exploited", 1, "affected", "vendor", a->vendor,
						      "product", a->product, "ranges", ranges));
	}
	file = json_pack("{ss so}", "format", "ungcuu-advisories/1", "advisories", advs);
	text = json_dumps(file, JSON_COMPACT);
	json_decref(file);
	kevset = set; /* the products borrow its names */
	if (advisory_parse(text, strlen(text), &set, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "bench: generated ranges refused: %s\n", errbuf);
		return 1;
	}

	if ((rc = store_open(db, STORE_CREATE | STORE_NOSYNC, &st, &err)) < 0 ||
	    (rc = store_migrate(st, &from, &to)) < 0) {
		fprintf(stderr, "bench: %s: %s\n", db, err.message[0] ? err.message : store_strerror(rc));
		return 1;
	}
	units = calloc(nunits, sizeof(*units));
	contacts = calloc(nunits, sizeof(*contacts));
	codes = calloc(nunits, sizeof(*codes));
	emails = calloc(nunits, sizeof(*emails));
	for (unsigned u = 0; u < nunits; u++) {
		bool parent = u % 100 == 0;
		snprintf(codes[u], sizeof(codes[u]), "%s%04u", parent ? "SO" : "U", u);
		snprintf(emails[u], sizeof(emails[u]), "u%04u@example.gov.vn", u);
		contacts[u] = (struct contact_in){ "Đầu mối an toàn thông tin", NULL, emails[u], NULL };
		units[u] = (struct unit_in){ .code = codes[u], .name = "Đơn vị thử nghiệm",
					     .parent = parent ? NULL : codes[u - u % 100],
					     .contacts = &contacts[u], .ncontacts = 1, .set_contacts = true };
	}
	if ((rc = store_unit_import(st, units, nunits, "bench", &created, &updated, &err)) < 0) {
		fprintf(stderr, "bench: units: %s\n", err.message);
		return 1;
	}
	/* advisories first: with no asset yet, nothing matches */
	if ((rc = store_advisory_import(st, set, "bench", 0, &s, &err)) < 0) {
		fprintf(stderr, "bench: ranges import: %s\n", err.message);
		return 1;
	}
	assets = calloc(nassets, sizeof(*assets));
	names = calloc(nassets, sizeof(*names));
	versions = calloc(nassets, sizeof(*versions));
	for (unsigned i = 0; i < nassets; i++) {
		unsigned pick = below(100), M, m, patch;
		const struct product *p = pick < 10 ? &prods[fortios] : pick < 15 ? &prods[exchange]
								 : &prods[below((unsigned)nprod)];
		branch(p, below(BRANCHES), &M, &m);
		patch = below(10) ? 40 : below(41);
		snprintf(names[i], sizeof(names[i]), "host-%06u", i);
		snprintf(versions[i], sizeof(versions[i]), "%u.%u.%u", M, m, patch);
		assets[i] = (struct asset_in){ codes[i / (nassets / nunits ? nassets / nunits : 1) % nunits],
					       names[i], p->vendor, p->product, versions[i], NULL,
					       below(3) ? "internal" : "internet", NULL, i + 2 };
	}
	if ((rc = store_asset_import(st, assets, nassets, false, "bench", 0, &created, &updated, NULL,
				     &err)) < 0) {
		fprintf(stderr, "bench: assets: %s\n", err.message);
		return 1;
	}
	printf("setup: %u units, %zu assets of %zu products, %zu advisories with ranges, %.1f s\n",
	       nunits, created, nprod, set->n, now_s() - t0);
	advisory_set_free(set);
	advisory_set_free(kevset);
	free(text);
	free(prods);
	free(units);
	free(contacts);
	free(codes);
	free(emails);
	free(assets);
	free(names);
	free(versions);
	store_close(st);
	return 0;
}

static int naive(const char *db)
{
	struct a_row {
		char key[2 * ADVISORY_KEY_MAX + 2];
		char *version;
	} *as = NULL;
	struct p_row {
		char key[2 * ADVISORY_KEY_MAX + 2];
		char *ranges;
	} *ps = NULL;
	size_t na = 0, np = 0, cap = 0, matches = 0;
	sqlite3 *h;
	sqlite3_stmt *s;
	double t0, t1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 1;
	sqlite3_prepare_v2(h, "SELECT vendor, product, version FROM assets", -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char v[ADVISORY_KEY_MAX], p[ADVISORY_KEY_MAX];
		if (na == cap)
			as = realloc(as, (cap = cap ? cap * 2 : 1024) * sizeof(*as));
		advisory_key((const char *)sqlite3_column_text(s, 0), v, sizeof(v));
		advisory_key((const char *)sqlite3_column_text(s, 1), p, sizeof(p));
		snprintf(as[na].key, sizeof(as[na].key), "%s:%s", v, p);
		as[na++].version = strdup((const char *)sqlite3_column_text(s, 2));
	}
	sqlite3_finalize(s);
	cap = 0;
	sqlite3_prepare_v2(h, "SELECT vendor, product, ranges FROM advisory_products", -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char v[ADVISORY_KEY_MAX], p[ADVISORY_KEY_MAX];
		if (np == cap)
			ps = realloc(ps, (cap = cap ? cap * 2 : 1024) * sizeof(*ps));
		advisory_key((const char *)sqlite3_column_text(s, 0), v, sizeof(v));
		advisory_key((const char *)sqlite3_column_text(s, 1), p, sizeof(p));
		snprintf(ps[np].key, sizeof(ps[np].key), "%s:%s", v, p);
		ps[np++].ranges = strdup((const char *)sqlite3_column_text(s, 2));
	}
	sqlite3_finalize(s);
	sqlite3_close(h);

	t0 = now_s();
	for (size_t i = 0; i < np; i++)
		for (size_t k = 0; k < na; k++) {
			json_t *arr, *r;
			struct version v;
			size_t x;
			if (strcmp(ps[i].key, as[k].key))
				continue;
			if (version_parse(as[k].version, strlen(as[k].version), &v, NULL) < 0)
				continue;
			arr = json_loads(ps[i].ranges, 0, NULL);
			json_array_foreach(arr, x, r) {
				struct version_range vr;
				if (version_range_parse(json_string_value(r), &vr, NULL) == 0 &&
				    version_in_range(&v, &vr)) {
					matches++;
					break;
				}
			}
			json_decref(arr);
		}
	t1 = now_s();
	printf("naive: %zu advisory products x %zu assets: %zu matches in %.3f s\n", np, na, matches,
	       t1 - t0);
	for (size_t i = 0; i < na; i++)
		free(as[i].version);
	for (size_t i = 0; i < np; i++)
		free(ps[i].ranges);
	free(as);
	free(ps);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned units = 1000, assets = 100000;

	for (int i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--units"))
			units = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--assets"))
			assets = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			rng = (uint64_t)strtoull(argv[i + 1], NULL, 10) | 1;
	}
	if (argc >= 4 && !strcmp(argv[1], "setup") && units >= 1 && assets >= units)
		return setup(argv[2], argv[3], units, assets);
	if (argc == 3 && !strcmp(argv[1], "naive"))
		return naive(argv[2]);
	fputs("usage: bench_adv_gen setup DB KEV.json [--units N] [--assets N] [--seed S]\n"
	      "       bench_adv_gen naive DB\n", stderr);
	return 64;
}
