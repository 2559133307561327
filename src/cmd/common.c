/*
 * common.c — helpers shared by the subcommands (see cmd.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"

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

void cmd_print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
}
