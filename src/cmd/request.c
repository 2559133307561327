/*
 * request.c — `ungcuu request show CODE` and `ungcuu request list`:
 * read-only views from the shell, as an agent sees them (internal notes
 * included).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"

static const char usage_text[] =
	"usage: ungcuu request show CODE [--db PATH]\n"
	"       ungcuu request list [--status S] [--unit CODE] [--q TEXT] [--limit N] [--db PATH]";

int cmd_request(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "status", required_argument, NULL, 's' },
		{ "unit", required_argument, NULL, 'u' },
		{ "q", required_argument, NULL, 'q' },
		{ "limit", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct request_filter f = { .internal = true, .limit = 50 };
	const char *db = NULL, *sub;
	struct store *st;
	json_t *out;
	int64_t next;
	int c, rc;

	if ((c = cmd_subcommand(&argc, &argv, usage_text, &sub)) >= 0)
		return c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's': f.status = optarg; break;
		case 'u': f.unit = optarg; break;
		case 'q': f.q = optarg; break;
		case 'n': f.limit = atoi(optarg); break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (strcmp(sub, "show") && strcmp(sub, "list")) {
		cmd_err("request: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "show") && optind + 1 != argc) {
		cmd_err("request show: give one request CODE");
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	if (!strcmp(sub, "show")) {
		rc = store_request_get(st, argv[optind], NULL, true, true, &out);
		/* an incident shows its record, observables, tasks and links */
		if (rc == 0) {
			json_t *inc;
			if (store_incident_get(st, argv[optind], NULL, true, (int64_t)time(NULL), &inc) == 0)
				json_object_set_new(out, "incident", inc);
		}
	} else
		rc = store_request_list(st, &f, &out, &next);
	store_close(st);
	if (rc < 0) {
		if (rc == -ENOENT && !strcmp(sub, "show"))
			cmd_err("request show: unknown request code '%s'", argv[optind]);
		else
			cmd_store_err("request", rc, NULL);
		return 1;
	}
	if (!strcmp(sub, "show")) {
		cmd_print_json(out);
	} else {
		size_t i;
		json_t *r;
		json_array_foreach(out, i, r)
			printf("%s  %-8s %-8s %s\n", json_string_value(json_object_get(r, "code")),
			       json_string_value(json_object_get(r, "status")),
			       json_string_value(json_object_get(r, "unit")) ?: "-",
			       json_string_value(json_object_get(r, "subject")));
	}
	json_decref(out);
	return 0;
}
