/*
 * audit.c — `ungcuu audit verify`: walk the audit chain and report the
 * first entry that was altered, removed or inserted.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct store_err err = { 0 };
	const char *db = NULL;
	struct store *st;
	int64_t count, bad;
	char head[65];
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "verify")) {
		puts("usage: ungcuu audit verify [--db PATH]\n\n"
		     "Check every entry of the audit chain; exit 1 at the first broken one.");
		return argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) ? 0
											  : EXIT_USAGE;
	}
	argc--, argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else
			return EXIT_USAGE;
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	rc = store_audit_verify(st, &count, &bad, head, &err);
	store_close(st);
	if (rc < 0) {
		cmd_store_err("audit verify", rc, &err);
		return 1;
	}
	if (bad) {
		cmd_err("audit verify: %s", err.message);
		printf("audit chain BROKEN at entry %lld\n", (long long)bad);
		return 1;
	}
	printf("audit chain ok: %lld entries, head %s\n", (long long)count, head);
	return 0;
}
