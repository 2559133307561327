/*
 * service.c — `ungcuu service add|list`.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/validate.h"

static const char usage_text[] = "usage: ungcuu service add CODE NAME [--db PATH]\n"
				 "       ungcuu service list [--db PATH]";

int cmd_service(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct store_err err = { 0 };
	const char *db = NULL, *sub, *reason;
	struct store *st;
	int c, rc, ret = 0;

	if ((c = cmd_subcommand(&argc, &argv, usage_text, &sub)) >= 0)
		return c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else if (c == 'h')
			return puts(usage_text), 0;
		else
			return EXIT_USAGE;
	}
	if (!strcmp(sub, "list")) {
		json_t *list, *s;
		size_t i;
		if (!(st = cmd_open(cmd_db(db), 0)))
			return 1;
		if ((rc = store_service_list(st, &list)) < 0) {
			cmd_store_err("service list", rc, NULL);
			ret = 1;
		} else {
			json_array_foreach(list, i, s)
				printf("%-8s %s\n", json_string_value(json_object_get(s, "code")),
				       json_string_value(json_object_get(s, "name")));
			json_decref(list);
		}
		store_close(st);
		return ret;
	}
	if (strcmp(sub, "add")) {
		cmd_err("service: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	if (optind + 2 != argc) {
		cmd_err("service add: give CODE and NAME");
		return EXIT_USAGE;
	}
	char code[40];
	snprintf(code, sizeof(code), "%s", argv[optind]);
	struct service_in in = { upcase_ascii(code), argv[optind + 1] };
	if ((reason = valid_service_code(in.code)) || (reason = valid_line(in.name, 200))) {
		cmd_err("service add: %s", reason);
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	if ((rc = store_service_create(st, &in, CMD_ACTOR, &err)) < 0) {
		cmd_store_err("service add", rc, &err);
		ret = 1;
	} else {
		printf("service '%s' added\n", in.code);
	}
	store_close(st);
	return ret;
}
