/*
 * unit.c — `ungcuu unit add|list|import`.
 *
 * The CSV import reads the whole file, validates every line and reports
 * every error with its line number; only a file without errors is
 * imported, in one transaction (all or nothing).
 *
 * CSV columns (header row required, any order, names case-insensitive):
 *   code, name                       required
 *   parent, province                 optional
 *   contact_name, contact_title,
 *   contact_email, contact_phone     optional: one focal-point contact
 * A code may appear on several lines to list several contacts; its name,
 * parent and province on the later lines must be empty or the same.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "core/csvrec.h"
#include "core/validate.h"

#define FILE_MAX (16u << 20)
#define ERRORS_MAX 50

enum col { C_CODE, C_NAME, C_PARENT, C_PROVINCE, C_CNAME, C_CTITLE, C_CEMAIL, C_CPHONE, C__MAX };
static const char *const col_names[C__MAX] = { "code", "name", "parent", "province",
					       "contact_name", "contact_title", "contact_email",
					       "contact_phone" };

struct import {
	const char *file;
	int col[C__MAX];         /* field index of each column, -1 when absent */
	size_t ncols;
	struct unit_in *units;
	size_t *lines;           /* first line of each unit */
	size_t n, cap;
	char **owned;            /* every string we copied, freed at the end */
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

/* Keep a trimmed copy of field `c` of the record, NULL when absent or empty. */
static const char *field(struct import *im, char **fields, size_t nf, enum col c, bool upper)
{
	char *s;

	if (im->col[c] < 0 || (size_t)im->col[c] >= nf || !fields[im->col[c]])
		return NULL;
	if (im->nowned == im->capowned) {
		size_t cap = im->capowned ? im->capowned * 2 : 64;
		char **o = realloc(im->owned, cap * sizeof(*o));
		if (!o)
			return NULL;
		im->owned = o;
		im->capowned = cap;
	}
	if (!(s = strdup(fields[im->col[c]])))
		return NULL;
	im->owned[im->nowned++] = s;
	trim_space(s);
	if (upper)
		upcase_ascii(s);
	return *s ? s : NULL;
}

static int header(struct import *im, char **fields, size_t nf, size_t line)
{
	for (int c = 0; c < C__MAX; c++)
		im->col[c] = -1;
	for (size_t i = 0; i < nf; i++) {
		char name[64];
		int found = -1;
		snprintf(name, sizeof(name), "%s", fields[i] ? fields[i] : "");
		trim_space(name);
		for (int c = 0; c < C__MAX; c++)
			if (!strcasecmp(name, col_names[c]))
				found = c;
		if (found < 0) {
			line_err(im, line, "unknown column '%s' (expected %s, %s, %s, %s, %s, %s, %s, %s)",
				 name, col_names[0], col_names[1], col_names[2], col_names[3],
				 col_names[4], col_names[5], col_names[6], col_names[7]);
			return 0;
		}
		if (im->col[found] >= 0) {
			line_err(im, line, "column '%s' appears twice", name);
			return 0;
		}
		im->col[found] = (int)i;
	}
	if (im->col[C_CODE] < 0 || im->col[C_NAME] < 0)
		line_err(im, line, "the header needs the columns 'code' and 'name'");
	im->ncols = nf;
	return 0;
}

static struct unit_in *find_unit(struct import *im, const char *code, size_t *ret_i)
{
	for (size_t i = 0; i < im->n; i++)
		if (!strcmp(im->units[i].code, code)) {
			*ret_i = i;
			return &im->units[i];
		}
	return NULL;
}

static bool same(const char *a, const char *b)
{
	return !a || !b || !strcmp(a, b);
}

static int on_record(size_t line, char **fields, size_t nf, void *arg)
{
	struct import *im = arg;
	const char *code, *name, *parent, *province, *reason;
	struct contact_in ct;
	struct unit_in *u;
	size_t at;

	if (im->ncols == 0)
		return header(im, fields, nf, line);
	if (im->col[C_CODE] < 0 || im->col[C_NAME] < 0)
		return 0;
	if (nf != im->ncols) {
		line_err(im, line, "%zu fields, the header has %zu", nf, im->ncols);
		return 0;
	}
	code = field(im, fields, nf, C_CODE, true);
	name = field(im, fields, nf, C_NAME, false);
	parent = field(im, fields, nf, C_PARENT, true);
	province = field(im, fields, nf, C_PROVINCE, false);
	ct.name = field(im, fields, nf, C_CNAME, false);
	ct.title = field(im, fields, nf, C_CTITLE, false);
	ct.email = field(im, fields, nf, C_CEMAIL, false);
	ct.phone = field(im, fields, nf, C_CPHONE, false);

	if (!code) {
		line_err(im, line, "'code' is empty");
		return 0;
	}
	if ((reason = valid_unit_code(code))) {
		line_err(im, line, "code '%s' %s", code, reason);
		return 0;
	}
	if (parent && (reason = valid_unit_code(parent)))
		line_err(im, line, "parent '%s' %s", parent, reason);
	if (parent && !strcmp(parent, code))
		line_err(im, line, "unit '%s' cannot be its own parent", code);
	if (province && (reason = valid_line(province, 100)))
		line_err(im, line, "province %s", reason);
	if (name && (reason = valid_line(name, 200)))
		line_err(im, line, "name %s", reason);
	if ((ct.title || ct.email || ct.phone) && !ct.name)
		line_err(im, line, "a contact needs contact_name");
	if (ct.name && (reason = valid_line(ct.name, 200)))
		line_err(im, line, "contact_name %s", reason);
	if (ct.email && (reason = valid_email(ct.email)))
		line_err(im, line, "contact_email '%s' %s", ct.email, reason);
	if (ct.phone && (reason = valid_phone(ct.phone)))
		line_err(im, line, "contact_phone '%s' %s", ct.phone, reason);

	if ((u = find_unit(im, code, &at))) {
		if (!same(name, u->name) || !same(parent, u->parent) || !same(province, u->province)) {
			line_err(im, line, "unit '%s' differs from line %zu", code, im->lines[at]);
			return 0;
		}
	} else {
		if (!name) {
			line_err(im, line, "'name' is empty");
			return 0;
		}
		if (im->n == im->cap) {
			size_t cap = im->cap ? im->cap * 2 : 32;
			struct unit_in *nu = realloc(im->units, cap * sizeof(*nu));
			size_t *nl = realloc(im->lines, cap * sizeof(*nl));
			if (nu)
				im->units = nu;
			if (nl)
				im->lines = nl;
			if (!nu || !nl)
				return -ENOMEM;
			im->cap = cap;
		}
		u = &im->units[im->n];
		im->lines[im->n++] = line;
		*u = (struct unit_in){ .code = code, .name = name, .parent = parent,
				       .province = province, .set_contacts = true };
	}
	if (ct.name) {
		struct contact_in *nc = realloc((void *)u->contacts, (u->ncontacts + 1) * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		nc[u->ncontacts++] = ct;
		u->contacts = nc;
	}
	return 0;
}

static void import_free(struct import *im)
{
	for (size_t i = 0; i < im->n; i++)
		free((void *)im->units[i].contacts);
	free(im->units);
	free(im->lines);
	for (size_t i = 0; i < im->nowned; i++)
		free(im->owned[i]);
	free(im->owned);
}

static char *read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		cmd_err("unit import: cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(FILE_MAX + 1);
	n = buf ? fread(buf, 1, FILE_MAX + 1, f) : 0;
	if (!buf || ferror(f) || n > FILE_MAX) {
		cmd_err("unit import: cannot read '%s'%s", path,
			n > FILE_MAX ? ": larger than 16 MiB" : "");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*ret_len = n;
	return buf;
}

static int unit_import(const char *db, const char *path)
{
	struct import im = { .file = path };
	struct store_err err = { 0 };
	size_t len, created, updated;
	char errbuf[256];
	struct store *st;
	char *buf;
	int rc, ret = 1;

	if (!(buf = read_file(path, &len)))
		return 1;
	rc = csvrec_parse(buf, len, NULL, on_record, &im, errbuf, sizeof(errbuf));
	if (rc == -ENOMEM) {
		cmd_err("unit import: out of memory");
		goto out;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", path, errbuf);
		im.errors++;
	}
	if (im.ncols == 0 && !im.errors) {
		cmd_err("unit import: '%s' is empty", path);
		goto out;
	}
	if (im.errors) {
		cmd_err("unit import: %d error%s in '%s'; nothing imported", im.errors,
			im.errors == 1 ? "" : "s", path);
		ret = EXIT_DATAERR;
		goto out;
	}
	if (!(st = cmd_open(db, 0)))
		goto out;
	rc = store_unit_import(st, im.units, im.n, CMD_ACTOR, &created, &updated, &err);
	store_close(st);
	if (rc < 0) {
		/* name the line of the unit the store refused */
		const char *q = strchr(err.message, '\'');
		size_t line = 0, at;
		if (q) {
			char code[40];
			snprintf(code, sizeof(code), "%.*s", (int)strcspn(q + 1, "'"), q + 1);
			if (find_unit(&im, code, &at))
				line = im.lines[at];
		}
		if (line)
			fprintf(stderr, "%s:%zu: %s\n", path, line, err.message);
		cmd_store_err("unit import: nothing imported", rc, &err);
		ret = rc == -EINVAL ? EXIT_DATAERR : 1;
		goto out;
	}
	printf("imported %zu units from %s: %zu created, %zu updated\n", im.n, path, created, updated);
	ret = 0;
out:
	import_free(&im);
	free(buf);
	return ret;
}

static const char usage_text[] =
	"usage: ungcuu unit import FILE.csv [--db PATH]\n"
	"       ungcuu unit add CODE NAME [--parent CODE] [--province NAME] [--db PATH]\n"
	"       ungcuu unit list [--db PATH]\n\n"
	"CSV columns: code,name[,parent,province,contact_name,contact_title,contact_email,"
	"contact_phone]";

int cmd_unit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "parent", required_argument, NULL, 'p' },
		{ "province", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct unit_in in = { 0 };
	struct store_err err = { 0 };
	const char *db = NULL, *sub, *reason;
	char code[40], parent[40];
	struct store *st;
	int c, rc, ret = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts(usage_text);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	sub = argv[1];
	argc--, argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'p':
			snprintf(parent, sizeof(parent), "%s", optarg);
			in.parent = upcase_ascii(parent);
			break;
		case 'r': in.province = optarg; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	db = cmd_db(db);
	if (!strcmp(sub, "import")) {
		if (optind + 1 != argc) {
			cmd_err("unit import: give one FILE.csv");
			return EXIT_USAGE;
		}
		return unit_import(db, argv[optind]);
	}
	if (!strcmp(sub, "list")) {
		json_t *list, *u;
		size_t i;
		if (!(st = cmd_open(db, 0)))
			return 1;
		if ((rc = store_unit_list(st, &list)) < 0) {
			cmd_store_err("unit list", rc, NULL);
			ret = 1;
		} else {
			json_array_foreach(list, i, u)
				printf("%-10s %-10s %s\n", json_string_value(json_object_get(u, "code")),
				       json_string_value(json_object_get(u, "parent")) ?: "-",
				       json_string_value(json_object_get(u, "name")));
			json_decref(list);
		}
		store_close(st);
		return ret;
	}
	if (strcmp(sub, "add")) {
		cmd_err("unit: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	if (optind + 2 != argc) {
		cmd_err("unit add: give CODE and NAME");
		return EXIT_USAGE;
	}
	snprintf(code, sizeof(code), "%s", argv[optind]);
	in.code = upcase_ascii(code);
	in.name = argv[optind + 1];
	if ((reason = valid_unit_code(in.code)) || (reason = valid_line(in.name, 200)) ||
	    (in.parent && (reason = valid_unit_code(in.parent)))) {
		cmd_err("unit add: %s", reason);
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(db, 0)))
		return 1;
	if ((rc = store_unit_create(st, &in, CMD_ACTOR, &err)) < 0) {
		cmd_store_err("unit add", rc, &err);
		ret = 1;
	} else {
		printf("unit '%s' added\n", in.code);
	}
	store_close(st);
	return ret;
}
