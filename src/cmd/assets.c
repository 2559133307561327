/*
 * assets.c — `ungcuu assets import|list`: the units' inventory.
 *
 * The CSV import reads the whole file, checks every line and reports every
 * error with its line number; only a file without errors is imported, in
 * one transaction, and the assets are matched against the advisories in
 * that same transaction.  A line names an existing asset by (unit, name,
 * product): importing the same file again changes nothing.
 *
 * CSV columns (header row required, any order, names case-insensitive):
 *   unit, name                      required
 *   vendor, product, version, cpe   product or cpe required on each line
 *   exposure                        internet | internal (empty: internal)
 *   owner                           who answers for the asset
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "core/advisory.h"
#include "core/csvrec.h"
#include "core/validate.h"
#include "store/store_adv.h"

#define FILE_MAX (64u << 20)
#define ERRORS_MAX 50
#define ASSETS_MAX 1000000

enum col { C_UNIT, C_NAME, C_VENDOR, C_PRODUCT, C_VERSION, C_CPE, C_EXPOSURE, C_OWNER, C__MAX };
static const char *const col_names[C__MAX] = { "unit", "name", "vendor", "product",
					       "version", "cpe", "exposure", "owner" };

struct import {
	const char *file;
	json_t *units;           /* known unit codes */
	int col[C__MAX];
	size_t ncols;
	struct asset_in *in;
	size_t n, cap;
	char **owned;
	size_t nowned, capowned;
	int errors;
};

static void line_err(struct import *im, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line_err(struct import *im, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (im->errors++ >= ERRORS_MAX)
		return;
	fprintf(stderr, "%s:%zu: ", im->file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A trimmed copy of column c, NULL when absent or empty; *oom on failure. */
static const char *field(struct import *im, char **fields, size_t nf, enum col c, bool *oom)
{
	char *s;

	if (im->col[c] < 0 || (size_t)im->col[c] >= nf)
		return NULL;
	if (im->nowned == im->capowned) {
		size_t cap = im->capowned ? im->capowned * 2 : 1024;
		char **o = realloc(im->owned, cap * sizeof(*o));
		if (!o) {
			*oom = true;
			return NULL;
		}
		im->owned = o;
		im->capowned = cap;
	}
	if (!(s = strdup(fields[im->col[c]]))) {
		*oom = true;
		return NULL;
	}
	im->owned[im->nowned++] = s;
	trim_space(s);
	return *s ? s : NULL;
}

static int header(struct import *im, char **fields, size_t nf, size_t line)
{
	for (int c = 0; c < C__MAX; c++)
		im->col[c] = -1;
	for (size_t i = 0; i < nf; i++) {
		char name[64];
		int found = -1;
		snprintf(name, sizeof(name), "%s", fields[i]);
		trim_space(name);
		for (int c = 0; c < C__MAX; c++)
			if (!strcasecmp(name, col_names[c]))
				found = c;
		if (found < 0) {
			line_err(im, line, "unknown column '%s' (expected unit, name, vendor, product, "
				 "version, cpe, exposure, owner)", name);
			return 0;
		}
		if (im->col[found] >= 0) {
			line_err(im, line, "column '%s' appears twice", name);
			return 0;
		}
		im->col[found] = (int)i;
	}
	if (im->col[C_UNIT] < 0 || im->col[C_NAME] < 0 ||
	    (im->col[C_PRODUCT] < 0 && im->col[C_CPE] < 0))
		line_err(im, line, "the header needs the columns 'unit', 'name', and 'product' or 'cpe'");
	im->ncols = nf;
	return 0;
}

static int on_record(size_t line, char **fields, size_t nf, void *arg)
{
	struct import *im = arg;
	struct asset_in a = { .line = line };
	const char *why, *fname;
	char *unit;
	bool oom = false;

	if (im->ncols == 0)
		return header(im, fields, nf, line);
	if (im->col[C_UNIT] < 0 || im->col[C_NAME] < 0)
		return 0;
	if (nf != im->ncols) {
		line_err(im, line, "%zu fields, the header has %zu", nf, im->ncols);
		return 0;
	}
	a.unit = field(im, fields, nf, C_UNIT, &oom);
	a.name = field(im, fields, nf, C_NAME, &oom);
	a.vendor = field(im, fields, nf, C_VENDOR, &oom);
	a.product = field(im, fields, nf, C_PRODUCT, &oom);
	a.version = field(im, fields, nf, C_VERSION, &oom);
	a.cpe = field(im, fields, nf, C_CPE, &oom);
	a.exposure = field(im, fields, nf, C_EXPOSURE, &oom);
	a.owner = field(im, fields, nf, C_OWNER, &oom);
	if (oom)
		return -ENOMEM;
	if (!a.exposure)
		a.exposure = "internal";
	if (!a.unit) {
		line_err(im, line, "'unit' is empty");
		return 0;
	}
	unit = (char *)a.unit;
	upcase_ascii(unit);
	if ((why = valid_unit_code(a.unit))) {
		line_err(im, line, "unit '%s' %s", a.unit, why);
		return 0;
	}
	if (!json_object_get(im->units, a.unit)) {
		line_err(im, line, "unknown unit code '%s'", a.unit);
		return 0;
	}
	if ((why = advisory_asset_check(a.name, a.vendor, a.product, a.version, a.cpe, a.exposure,
					a.owner, &fname))) {
		line_err(im, line, "%s %s", fname, why);
		return 0;
	}
	if (im->n == ASSETS_MAX) {
		line_err(im, line, "more than %d assets in one file", ASSETS_MAX);
		return -E2BIG;
	}
	if (im->n == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 1024;
		struct asset_in *ni = realloc(im->in, cap * sizeof(*ni));
		if (!ni)
			return -ENOMEM;
		im->in = ni;
		im->cap = cap;
	}
	im->in[im->n++] = a;
	return 0;
}

static void import_free(struct import *im)
{
	for (size_t i = 0; i < im->nowned; i++)
		free(im->owned[i]);
	free(im->owned);
	free(im->in);
	json_decref(im->units);
}

static void print_stats(const struct adv_stats *s)
{
	printf("matched %zu assets: %zu matches, %zu new items, %zu closed, %zu reopened, "
	       "%zu new requests, %zu notices queued\n", s->assets, s->matches, s->items_new,
	       s->items_closed, s->items_reopened, s->requests_new, s->notices);
}

static int assets_import(const char *db, const char *path, int64_t now, bool match)
{
	static const struct csvrec_limits lim = { .max_records = ASSETS_MAX + 1 };
	struct import im = { .file = path };
	struct store_err err = { 0 };
	struct adv_stats stats = { 0 };
	size_t len, created, updated, i;
	char errbuf[256];
	struct store *st;
	json_t *list, *u;
	char *buf;
	int rc, ret = 1;

	if (!(buf = cmd_read_file("", path, FILE_MAX, ": the file is too large", &len)))
		return 1;
	if (!(st = cmd_open(db, 0))) {
		free(buf);
		return 1;
	}
	if ((rc = store_unit_list(st, &list)) < 0) {
		cmd_store_err("assets import", rc, NULL);
		goto out;
	}
	im.units = json_object();
	json_array_foreach(list, i, u)
		json_object_set_new(im.units, json_string_value(json_object_get(u, "code")), json_true());
	json_decref(list);
	rc = csvrec_parse(buf, len, &lim, on_record, &im, errbuf, sizeof(errbuf));
	if (rc == -ENOMEM) {
		cmd_err("assets import: out of memory");
		goto out;
	}
	if (rc < 0 && errbuf[0]) {
		fprintf(stderr, "%s: %s\n", path, errbuf);
		im.errors++;
	}
	if (im.ncols == 0 && !im.errors) {
		cmd_err("assets import: '%s' is empty", path);
		goto out;
	}
	if (im.errors) {
		cmd_err("assets import: %d error%s in '%s'; nothing imported", im.errors,
			im.errors == 1 ? "" : "s", path);
		ret = EXIT_DATAERR;
		goto out;
	}
	rc = store_asset_import(st, im.in, im.n, match, CMD_ACTOR, now, &created, &updated, &stats,
				&err);
	if (rc < 0) {
		cmd_store_err("assets import: nothing imported", rc, &err);
		ret = rc == -EINVAL ? EXIT_DATAERR : 1;
		goto out;
	}
	printf("imported %zu assets from %s: %zu created, %zu updated, %zu unchanged\n", im.n, path,
	       created, updated, im.n - created - updated);
	if (created + updated && match)
		print_stats(&stats);
	else if (created + updated)
		puts("not matched yet: run 'ungcuu advisories match' (serve does every night)");
	ret = 0;
out:
	store_close(st);
	import_free(&im);
	free(buf);
	return ret;
}

static const char usage_text[] =
	"usage: ungcuu assets import FILE.csv [--no-match] [--now TIME] [--db PATH]\n"
	"       ungcuu assets list [--unit CODE] [--q TEXT] [--limit N] [--db PATH]\n\n"
	"CSV columns: unit,name,vendor,product,version,cpe,exposure,owner\n"
	"(unit and name required; product or cpe on each line; exposure internet|internal)";

int cmd_assets(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "unit", required_argument, NULL, 'u' },
		{ "q", required_argument, NULL, 'q' },
		{ "limit", required_argument, NULL, 'n' },
		{ "now", required_argument, NULL, 'N' },
		{ "no-match", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct asset_filter f = { .limit = 500 };
	const char *db = NULL, *sub;
	int64_t now = 0;
	bool match = true;
	struct store *st;
	json_t *items, *a;
	int64_t next;
	size_t i;
	int c, rc;

	if ((c = cmd_subcommand(&argc, &argv, usage_text, &sub)) >= 0)
		return c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'u': f.unit = optarg; break;
		case 'q': f.q = optarg; break;
		case 'n': f.limit = atoi(optarg); break;
		case 'N':
			if ((now = cmd_time(optarg)) < 0) {
				cmd_err("assets: --now must be YYYY-MM-DD[THH:MM:SSZ] or Unix seconds");
				return EXIT_USAGE;
			}
			break;
		case 'M': match = false; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	db = cmd_db(db);
	if (!strcmp(sub, "import")) {
		if (optind + 1 != argc) {
			cmd_err("assets import: give one FILE.csv");
			return EXIT_USAGE;
		}
		return assets_import(db, argv[optind], now, match);
	}
	if (strcmp(sub, "list")) {
		cmd_err("assets: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(db, 0)))
		return 1;
	rc = store_asset_list(st, &f, &items, &next);
	store_close(st);
	if (rc < 0) {
		cmd_store_err("assets list", rc, NULL);
		return 1;
	}
	json_array_foreach(items, i, a) {
		json_t *flags = json_object_get(a, "flags"), *fl;
		size_t k;
		printf("%-6lld %-8s %-24s %-32s %-16s", (long long)json_integer_value(json_object_get(a, "id")),
		       json_string_value(json_object_get(a, "unit")),
		       json_string_value(json_object_get(a, "name")),
		       json_string_value(json_object_get(a, "canon")),
		       json_string_value(json_object_get(a, "version")) ?: "-");
		json_array_foreach(flags, k, fl)
			printf(" %s", json_string_value(fl));
		putchar('\n');
	}
	json_decref(items);
	return 0;
}
