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

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * --url lmtp://HOST:PORT: hand the message to a running server over LMTP
 * instead of opening the database, so that its intake rules, limits and
 * durability apply unchanged.  Returns the reply code of the message (or
 * 451 when the server cannot be reached), with its text in reply.
 */
static int lmtp_client(const char *url, const char *msg, size_t len, char *reply, size_t size)
{
	char host[256], port[16], line[1024], *buf = NULL;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	const char *h = url + 7, *colon = strrchr(h, ':');
	size_t used = 0, cap = len + len / 32 + 64;
	int fd = -1, code = 451, step;
	FILE *in = NULL;

	snprintf(reply, size, "451 4.4.1 cannot reach %s", url);
	if (strncmp(url, "lmtp://", 7) || !colon || colon == h || (size_t)(colon - h) >= sizeof(host))
		return 451;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - h), h);
	snprintf(port, sizeof(port), "%s", colon + 1);
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return 451;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 || !(in = fdopen(dup(fd), "r")))
		goto out;
	/* the message, dot-stuffed, ending in CRLF.CRLF */
	if (!(buf = malloc(cap)))
		goto out;
	for (size_t i = 0; i < len; i++) {
		if (used + 8 > cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				goto out;
			buf = nb;
		}
		if (msg[i] == '.' && (i == 0 || msg[i - 1] == '\n'))
			buf[used++] = '.';
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			buf[used++] = '\r';
		buf[used++] = msg[i];
	}
	if (used && buf[used - 1] != '\n') {
		memcpy(buf + used, "\r\n", 2);
		used += 2;
	}
	memcpy(buf + used, ".\r\n", 3);
	used += 3;
	/* greeting, LHLO, MAIL, RCPT, DATA, message: read one final reply each */
	for (step = 0; step < 6; step++) {
		static const char *const cmds[] = { NULL, "LHLO mailgate\r\n", "MAIL FROM:<>\r\n",
						     "RCPT TO:<mailgate@localhost>\r\n", "DATA\r\n", NULL };
		if (step == 5 && send(fd, buf, used, MSG_NOSIGNAL) != (ssize_t)used)
			goto out;
		if (cmds[step] && send(fd, cmds[step], strlen(cmds[step]), MSG_NOSIGNAL) < 0)
			goto out;
		do {
			if (!fgets(line, sizeof(line), in))
				goto out;
		} while (strlen(line) > 3 && line[3] == '-');
		code = atoi(line);
		line[strcspn(line, "\r\n")] = '\0';
		snprintf(reply, size, "%s", line);
		if ((step == 4 && code != 354) || (step != 4 && step != 5 && code / 100 != 2))
			break;
	}
	if (step < 5 && code / 100 == 2)
		code = 451;
	send(fd, "QUIT\r\n", 6, MSG_NOSIGNAL);
out:
	if (in)
		fclose(in);
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	free(buf);
	return code;
}

int cmd_mailgate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "blob-dir", required_argument, NULL, 'b' },
		{ "mail-from", required_argument, NULL, 'f' },
		{ "url", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct intake_config cfg = { .ack_per_hour = 5, .lim = MIME_LIMITS_DEFAULT,
				     .loop_id = "ungcuu" };
	const char *db = NULL, *blob = NULL, *url = NULL;
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
		case 'u': url = optarg; break;
		case 'h':
			puts("usage: ungcuu mailgate [--db PATH] [--blob-dir DIR] [--mail-from ADDR] < message\n"
			     "       ungcuu mailgate --url lmtp://HOST:PORT < message\n\n"
			     "Deliver one message from stdin, into the database or to a running server.\n"
			     "Exit 0 delivered, 75 try again later, 65 never deliverable.");
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
	if (url) {
		code = lmtp_client(url, buf, len, reply, sizeof(reply));
	} else if (mime_global_init() < 0 || !(st = cmd_open(db, 0))) {
		free(buf);
		return EXIT_TEMPFAIL;
	} else {
		code = intake_deliver(st, &cfg, buf, len, &res, reply, sizeof(reply));
		store_close(st);
	}
	free(buf);
	if (code == 250) {
		printf("%s\n", reply + 10);
		return 0;
	}
	cmd_err("mailgate: %s", reply);
	return code >= 500 ? EXIT_DATAERR : EXIT_TEMPFAIL;
}
