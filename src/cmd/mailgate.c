/*
 * mailgate.c — `ungcuu mailgate`: deliver ONE message read on stdin, for an
 * MTA pipe transport or a .forward file.
 *
 * Exit codes are sysexits.h's, which MTAs understand: 0 delivered (stored
 * durably, or stored before), 75 EX_TEMPFAIL on any temporary failure (the
 * MTA keeps the message and retries), 65 EX_DATAERR for input that will
 * never be accepted (not a message, too big).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "mail/intake.h"

int cmd_mailgate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "blob-dir", required_argument, NULL, 'b' },
		{ "mail-from", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct intake_config cfg = { .ack_per_hour = 5, .lim = MIME_LIMITS_DEFAULT,
				     .loop_id = "ungcuu" };
	const char *db = NULL, *blob = NULL;
	char blob_dir[4096], reply[512];
	struct mail_result res;
	struct store *st;
	size_t len = 0, cap = 1 << 16;
	char *buf;
	int c, code;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'b': blob = optarg; break;
		case 'f': cfg.own_addrs = optarg; break;
		case 'h':
			puts("usage: ungcuu mailgate [--db PATH] [--blob-dir DIR] [--mail-from ADDR] < message\n\n"
			     "Deliver one message from stdin. Exit 0 delivered, 75 try again later,\n"
			     "65 never deliverable.");
			return 0;
		default: return EXIT_USAGE;
		}
	}
	db = cmd_db(db);
	cmd_blob_dir(blob, db, blob_dir, sizeof(blob_dir));
	cfg.blob_dir = blob_dir;
	if (!(buf = malloc(cap)))
		return EXIT_TEMPFAIL;
	for (;;) {
		size_t n;
		if (len == cap) {
			char *nb;
			if (cap > cfg.lim.max_size) {
				cmd_err("mailgate: message over %zu bytes", cfg.lim.max_size);
				free(buf);
				return EXIT_DATAERR;
			}
			if (!(nb = realloc(buf, cap * 2))) {
				free(buf);
				return EXIT_TEMPFAIL;
			}
			buf = nb;
			cap *= 2;
		}
		n = fread(buf + len, 1, cap - len, stdin);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(stdin)) {
		cmd_err("mailgate: cannot read the message: %s", strerror(errno));
		free(buf);
		return EXIT_TEMPFAIL;
	}
	if (mime_global_init() < 0 || !(st = cmd_open(db, 0))) {
		free(buf);
		return EXIT_TEMPFAIL;
	}
	code = intake_deliver(st, &cfg, buf, len, &res, reply, sizeof(reply));
	store_close(st);
	free(buf);
	if (code == 250) {
		printf("%s\n", reply + 10);
		return 0;
	}
	cmd_err("mailgate: %s", reply);
	return code >= 500 ? EXIT_DATAERR : EXIT_TEMPFAIL;
}
