/*
 * common.c — helpers shared by the subcommands (see cmd.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "auth/policy.h"
#include "cmd/cmd.h"

int cmd_subcommand(int *argc, char ***argv, const char *usage, const char **ret_sub)
{
	if (*argc < 2 || !strcmp((*argv)[1], "--help") || !strcmp((*argv)[1], "-h")) {
		puts(usage);
		return *argc < 2 ? EXIT_USAGE : 0;
	}
	*ret_sub = (*argv)[1];
	(*argc)--, (*argv)++;
	optind = 0;
	return -1;
}

const char *cmd_db(const char *opt)
{
	const char *env = getenv("UNGCUU_DB");

	if (opt && *opt)
		return opt;
	return env && *env ? env : "var/ungcuu.db";
}

void cmd_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ungcuu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_store_err(const char *what, int rc, const struct store_err *err)
{
	if (err && err->message[0])
		cmd_err("%s: %s", what, err->message);
	else
		cmd_err("%s: %s", what, store_strerror(rc));
}

struct store *cmd_open(const char *db, unsigned flags)
{
	struct store_err err = { 0 };
	struct store *st;
	int rc = store_open(db, flags, &st, &err);

	if (rc < 0) {
		cmd_store_err("cannot open the database", rc, &err);
		return NULL;
	}
	return st;
}

char *cmd_read_file(const char *what, const char *path, size_t max, const char *too_large,
		    size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		cmd_err("%scannot open '%s': %s", what, path, strerror(errno));
		return NULL;
	}
	buf = malloc(max + 1);
	n = buf ? fread(buf, 1, max + 1, f) : 0;
	if (!buf || ferror(f) || n > max) {
		cmd_err("%scannot read '%s'%s", what, path, n > max ? too_large : "");
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*ret_len = n;
	return buf;
}

void cmd_print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
}

int cmd_issue_password(struct store *st, const char *username, const char *reason, char ret[17])
{
	const struct pwhash_params params = PWHASH_DEFAULTS;
	const struct policy policy = POLICY_DEFAULTS;
	char hash[PASSWORD_HASH_SIZE];
	int rc;

	password_generate(ret, 16);
	if ((rc = password_hash(&params, ret, hash)) < 0)
		return rc;
	return store_password_set(st, username, hash, true, policy.history, reason, 0, CMD_ACTOR);
}

void cmd_blob_dir(const char *opt, const char *db, char *buf, size_t size)
{
	const char *slash = strrchr(db, '/');

	if (opt && *opt)
		snprintf(buf, size, "%s", opt);
	else if (slash)
		snprintf(buf, size, "%.*s/blobs", (int)(slash - db), db);
	else
		snprintf(buf, size, "blobs");
}
