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
#include "core/unitcsv.h"
#include "core/validate.h"

#define FILE_MAX (16u << 20)

static int unit_import(const char *db, const char *path)
{
	struct unitcsv im;
	struct store_err err = { 0 };
	size_t len, created, updated;
	struct store *st;
	char *buf;
	int rc, ret = 1;

	if (!(buf = cmd_read_file("unit import: ", path, FILE_MAX, ": larger than 16 MiB", &len)))
		return 1;
	if (unitcsv_parse(buf, len, &im) < 0) {
		cmd_err("unit import: out of memory");
		goto out;
	}
	for (size_t i = 0; i < im.nkept; i++)
		if (im.error[i].line)
			fprintf(stderr, "%s:%zu: %s\n", path, im.error[i].line, im.error[i].message);
		else
			fprintf(stderr, "%s: %s\n", path, im.error[i].message);
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
		size_t line = 0;
		if (q) {
			char code[40];
			snprintf(code, sizeof(code), "%.*s", (int)strcspn(q + 1, "'"), q + 1);
			line = unitcsv_line_of(&im, code);
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
	unitcsv_clear(&im);
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

	if ((c = cmd_subcommand(&argc, &argv, usage_text, &sub)) >= 0)
		return c;
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
