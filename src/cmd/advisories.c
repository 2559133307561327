/*
 * advisories.c — `ungcuu advisories ...`: import the CISA KEV catalog or
 * our own advisory JSON, match, send reminders and escalations, list,
 * the dashboard, the local deadlines, the alias table and the register of
 * approved applications.
 *
 * An import parses and checks the whole file first (a bad entry is named
 * with its field, and nothing is stored), then stores and matches it in
 * one transaction.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/advisory.h"
#include "store/store_adv.h"

int64_t cmd_time(const char *s)
{
	struct tm tm = { 0 };
	char *end;
	long long v;
	int n = 0;

	if (!s || !*s)
		return -1;
	v = strtoll(s, &end, 10);
	if (!*end && v > 0)
		return v;
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) != 3)
		return -1;
	if (s[n] == 'T' && sscanf(s + n, "T%2d:%2d:%2d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_stats(const struct adv_stats *s)
{
	printf("matched %zu assets: %zu matches, %zu new items, %zu closed, %zu reopened, "
	       "%zu new requests, %zu notices queued\n", s->assets, s->matches, s->items_new,
	       s->items_closed, s->items_reopened, s->requests_new, s->notices);
}

static int do_import(struct store *st, const char *path, int64_t now, bool timing)
{
	struct advisory_set *set;
	struct store_err err = { 0 };
	struct adv_stats s = { 0 };
	char errbuf[512];
	double t0 = mono(), t1, t2;
	size_t len;
	char *buf;
	int rc;

	if (!(buf = cmd_read_file("advisories import: ", path, ADVISORY_FILE_MAX,
				   ": the file is too large", &len)))
		return 1;
	rc = advisory_parse(buf, len, &set, errbuf, sizeof(errbuf));
	free(buf);
	if (rc < 0) {
		if (rc == -ENOMEM)
			cmd_err("advisories import: out of memory");
		else
			cmd_err("advisories import: %s: %s; nothing imported", path, errbuf);
		return rc == -EINVAL ? EXIT_DATAERR : 1;
	}
	t1 = mono();
	rc = store_advisory_import(st, set, CMD_ACTOR, now, &s, &err);
	t2 = mono();
	if (rc < 0) {
		cmd_store_err("advisories import: nothing imported", rc, &err);
		advisory_set_free(set);
		return 1;
	}
	printf("imported %zu %s entries from %s: %zu created, %zu updated, %zu unchanged\n", set->n,
	       set->format == ADV_KEV ? "KEV" : "advisory", path, s.created, s.updated, s.unchanged);
	print_stats(&s);
	if (timing)
		printf("time: parse %.3f s, load %.3f s, match %.3f s, store %.3f s, commit %.3f s, "
		       "total %.3f s\n", t1 - t0, s.t_load, s.t_match, s.t_store,
		       (t2 - t1) - (s.t_load + s.t_match + s.t_store), t2 - t0);
	advisory_set_free(set);
	return 0;
}

static void csv_field(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static int do_dashboard(struct store *st, bool csv)
{
	json_t *d, *v;
	size_t i;
	int rc = store_advisory_dashboard(st, NULL, 0, &d);

	if (rc < 0) {
		cmd_store_err("advisories dashboard", rc, NULL);
		return 1;
	}
	if (!csv) {
		cmd_print_json(d);
		json_decref(d);
		return 0;
	}
	puts("kind,key,name,open,overdue,closed");
	json_array_foreach(json_object_get(d, "advisories"), i, v) {
		fputs("advisory,", stdout);
		csv_field(stdout, json_string_value(json_object_get(v, "ref")));
		fputc(',', stdout);
		csv_field(stdout, json_string_value(json_object_get(v, "title")));
		printf(",%lld,%lld,%lld\n", json_integer_value(json_object_get(v, "open")),
		       json_integer_value(json_object_get(v, "overdue")),
		       json_integer_value(json_object_get(v, "closed")));
	}
	json_array_foreach(json_object_get(d, "units"), i, v) {
		fputs("unit,", stdout);
		csv_field(stdout, json_string_value(json_object_get(v, "unit")));
		fputc(',', stdout);
		csv_field(stdout, json_string_value(json_object_get(v, "name")));
		printf(",%lld,%lld,%lld\n", json_integer_value(json_object_get(v, "open")),
		       json_integer_value(json_object_get(v, "overdue")),
		       json_integer_value(json_object_get(v, "closed")));
	}
	json_decref(d);
	return 0;
}

static const char usage_text[] =
	"usage: ungcuu advisories import FILE.json [--now TIME] [--timing] [--db PATH]\n"
	"       ungcuu advisories match [--now TIME] [--db PATH]\n"
	"       ungcuu advisories remind [--now TIME] [--db PATH]\n"
	"       ungcuu advisories list [--q TEXT] [--limit N] [--db PATH]\n"
	"       ungcuu advisories show ID [--db PATH]\n"
	"       ungcuu advisories dashboard [--csv] [--db PATH]\n"
	"       ungcuu advisories config [KEY VALUE] [--db PATH]\n"
	"       ungcuu advisories alias list|add|remove [--vendor-alias] VENDOR ALIAS CANON_VENDOR [PRODUCT]\n"
	"       ungcuu advisories apps list | add NAME VENDOR [--min V] [--source URL] [--notes TEXT]\n"
	"                             | remove ID\n\n"
	"FILE is the CISA KEV catalog as published, or our advisory JSON (docs/advisories.md).\n"
	"TIME is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or Unix seconds (default: now).\n"
	"config keys: deadline.critical, deadline.high, deadline.medium, deadline.low (days),\n"
	"remind_days (days before a deadline).  alias add VENDOR ALIAS CANON_VENDOR PRODUCT maps a\n"
	"product name ('*' for any vendor); --vendor-alias: alias add - ALIAS VENDOR.";

int cmd_advisories(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'N' },
		{ "timing", no_argument, NULL, 't' },
		{ "csv", no_argument, NULL, 'c' },
		{ "q", required_argument, NULL, 'q' },
		{ "limit", required_argument, NULL, 'n' },
		{ "vendor-alias", no_argument, NULL, 'V' },
		{ "min", required_argument, NULL, 'm' },
		{ "source", required_argument, NULL, 's' },
		{ "notes", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct advisory_filter f = { .limit = 500 };
	struct app_in app = { 0 };
	struct store_err err = { 0 };
	const char *db = NULL, *sub;
	bool timing = false, csv = false, valias = false;
	int64_t now = 0, next;
	struct store *st;
	json_t *out;
	int c, rc, ret = 0;
	char **args;
	int nargs;

	if ((c = cmd_subcommand(&argc, &argv, usage_text, &sub)) >= 0)
		return c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'N':
			if ((now = cmd_time(optarg)) < 0) {
				cmd_err("advisories: --now must be YYYY-MM-DD[THH:MM:SSZ] or Unix seconds");
				return EXIT_USAGE;
			}
			break;
		case 't': timing = true; break;
		case 'c': csv = true; break;
		case 'q': f.q = optarg; break;
		case 'n': f.limit = atoi(optarg); break;
		case 'V': valias = true; break;
		case 'm': app.min_version = optarg; break;
		case 's': app.source = optarg; break;
		case 'o': app.notes = optarg; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	db = cmd_db(db);
	if (!strcmp(sub, "import") && nargs != 1) {
		cmd_err("advisories import: give one FILE");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "import") && strcmp(sub, "match") && strcmp(sub, "remind") &&
	    strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "dashboard") &&
	    strcmp(sub, "config") && strcmp(sub, "alias") && strcmp(sub, "apps")) {
		cmd_err("advisories: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	/* an import or a match writes thousands of rows in one transaction, each
	 * statement with its own in-memory journal: keep freed memory for the
	 * next statement instead of returning it to the kernel and faulting it
	 * back in (a third of the time otherwise) */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	if (!(st = cmd_open(db, 0)))
		return 1;
	if (!strcmp(sub, "import")) {
		ret = do_import(st, args[0], now, timing);
	} else if (!strcmp(sub, "match")) {
		struct adv_stats s = { 0 };
		if ((rc = store_advisory_match(st, CMD_ACTOR, now, &s)) < 0) {
			cmd_store_err("advisories match", rc, NULL);
			ret = 1;
		} else {
			print_stats(&s);
			if (timing)
				printf("time: load %.3f s, match %.3f s, store %.3f s\n", s.t_load,
				       s.t_match, s.t_store);
		}
	} else if (!strcmp(sub, "remind")) {
		struct remind_stats s = { 0 };
		if ((rc = store_advisory_remind(st, CMD_ACTOR, now, &s)) < 0) {
			cmd_store_err("advisories remind", rc, NULL);
			ret = 1;
		} else {
			printf("%zu reminders, %zu escalations, %zu notices queued\n", s.reminded,
			       s.escalated, s.notices);
		}
	} else if (!strcmp(sub, "list")) {
		json_t *a;
		size_t i;
		if ((rc = store_advisory_list(st, &f, &out, &next)) < 0) {
			cmd_store_err("advisories list", rc, NULL);
			ret = 1;
		} else {
			json_array_foreach(out, i, a)
				printf("%-6lld %-18s %-9s %4lld open  %s\n",
				       (long long)json_integer_value(json_object_get(a, "id")),
				       json_string_value(json_object_get(a, "ref")),
				       json_string_value(json_object_get(a, "severity")) ?: "-",
				       (long long)json_integer_value(json_object_get(a, "open")),
				       json_string_value(json_object_get(a, "title")));
			json_decref(out);
		}
	} else if (!strcmp(sub, "show")) {
		if (nargs != 1 || atoll(args[0]) <= 0) {
			cmd_err("advisories show: give one advisory ID");
			ret = EXIT_USAGE;
		} else if ((rc = store_advisory_get(st, atoll(args[0]), NULL, &out)) < 0) {
			cmd_store_err("advisories show", rc, NULL);
			ret = 1;
		} else {
			cmd_print_json(out);
			json_decref(out);
		}
	} else if (!strcmp(sub, "dashboard")) {
		ret = do_dashboard(st, csv);
	} else if (!strcmp(sub, "config")) {
		if (nargs == 2) {
			char *end;
			long long v = strtoll(args[1], &end, 10);
			if (*end || end == args[1]) {
				cmd_err("advisories config: VALUE must be a number of days");
				ret = EXIT_USAGE;
			} else if ((rc = store_advisory_config_set(st, &(struct adv_setting){ args[0], v }, 1,
								  CMD_ACTOR, &err)) < 0) {
				cmd_store_err("advisories config", rc, &err);
				ret = rc == -EINVAL ? EXIT_USAGE : 1;
			}
		} else if (nargs != 0) {
			cmd_err("advisories config: give KEY VALUE, or nothing to list");
			ret = EXIT_USAGE;
		}
		if (ret == 0 && (rc = store_advisory_config_get(st, &out)) == 0) {
			const char *k;
			json_t *v;
			json_object_foreach(out, k, v)
				printf("%s %lld\n", k, (long long)json_integer_value(v));
			json_decref(out);
		}
	} else if (!strcmp(sub, "alias")) {
		const char *op = nargs ? args[0] : "list";
		if (!strcmp(op, "list")) {
			if ((rc = store_alias_list(st, &out)) < 0) {
				cmd_store_err("advisories alias", rc, NULL);
				ret = 1;
			} else {
				json_t *v;
				size_t i;
				json_array_foreach(json_object_get(out, "vendors"), i, v)
					printf("vendor  %-32s -> %s\n",
					       json_string_value(json_object_get(v, "alias")),
					       json_string_value(json_object_get(v, "vendor")));
				json_array_foreach(json_object_get(out, "products"), i, v)
					printf("product %s/%-30s -> %s:%s\n",
					       json_string_value(json_object_get(v, "vendor")),
					       json_string_value(json_object_get(v, "alias")),
					       json_string_value(json_object_get(v, "canon_vendor")),
					       json_string_value(json_object_get(v, "product")));
				json_decref(out);
			}
		} else if ((!strcmp(op, "add") || !strcmp(op, "remove")) &&
			   nargs == (valias ? 4 : 5)) {
			struct alias_in in = { .vendor_alias = valias, .vendor = args[1],
					       .alias = args[2], .canon_vendor = args[3],
					       .canon_product = valias ? NULL : args[4] };
			if ((rc = store_alias_set(st, &in, !strcmp(op, "remove"), CMD_ACTOR, now, &err)) < 0) {
				cmd_store_err("advisories alias", rc, &err);
				ret = rc == -EINVAL ? EXIT_USAGE : 1;
			} else {
				printf("alias %s\n", !strcmp(op, "add") ? "added" : "removed");
			}
		} else {
			cmd_err("advisories alias: add|remove VENDOR ALIAS CANON_VENDOR PRODUCT, or "
				"--vendor-alias add|remove - ALIAS VENDOR");
			ret = EXIT_USAGE;
		}
	} else {
		const char *op = nargs ? args[0] : "list";
		if (!strcmp(op, "list")) {
			if ((rc = store_app_list(st, &out)) < 0) {
				cmd_store_err("advisories apps", rc, NULL);
				ret = 1;
			} else {
				cmd_print_json(out);
				json_decref(out);
			}
		} else if (!strcmp(op, "add") && nargs == 3) {
			int64_t id;
			app.name = args[1];
			app.vendor = args[2];
			if ((rc = store_app_write(st, 0, &app, CMD_ACTOR, &id, &err)) < 0) {
				cmd_store_err("advisories apps add", rc, &err);
				ret = rc == -EINVAL || rc == -EEXIST ? EXIT_DATAERR : 1;
			} else {
				printf("application %lld added\n", (long long)id);
			}
		} else if (!strcmp(op, "remove") && nargs == 2 && atoll(args[1]) > 0) {
			if ((rc = store_app_delete(st, atoll(args[1]), CMD_ACTOR)) < 0) {
				cmd_store_err("advisories apps remove", rc, NULL);
				ret = 1;
			}
		} else {
			cmd_err("advisories apps: list | add NAME VENDOR [--min V] [--source URL] "
				"[--notes TEXT] | remove ID");
			ret = EXIT_USAGE;
		}
	}
	store_close(st);
	return ret;
}
