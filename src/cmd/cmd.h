/*
 * cmd.h — what every subcommand shares: its entry point signature, the
 * database location, opening the store with a clear message.
 *
 * Subcommands parse arguments, call library code, print, and exit; they
 * hold no business logic (STYLE.md).
 */
#pragma once

#include "store/store.h"

/* Exit codes (sysexits.h where one fits). */
#define EXIT_USAGE 64
#define EXIT_DATAERR 65
#define EXIT_UNAVAILABLE 69
#define EXIT_TEMPFAIL 75

typedef int (*cmd_fn)(int argc, char **argv);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_unit(int argc, char **argv);
int cmd_service(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_request(int argc, char **argv);
int cmd_mailgate(int argc, char **argv);
int cmd_pwned(int argc, char **argv);
int cmd_sla(int argc, char **argv);
int cmd_duty(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_contacts(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_leaks(int argc, char **argv);
int cmd_advisories(int argc, char **argv);
int cmd_assets(int argc, char **argv);
int cmd_export(int argc, char **argv);

/*
 * The subcommand of "ungcuu CMD SUB [options]": without one, or with --help
 * or -h, print `usage` and return the exit code (EXIT_USAGE, 0); else set
 * *ret_sub, shift argc/argv onto it, reset getopt and return -1.
 */
int cmd_subcommand(int *argc, char ***argv, const char *usage, const char **ret_sub);

/* The database: --db if given, else $UNGCUU_DB, else var/ungcuu.db. */
const char *cmd_db(const char *opt);

/* Open the store or print why not (prefixed "ungcuu: ") and return NULL. */
struct store *cmd_open(const char *db, unsigned flags);

/* Print "ungcuu: <message>" on stderr. */
void cmd_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a store failure: "ungcuu: <what>: <reason>". */
void cmd_store_err(const char *what, int rc, const struct store_err *err);

/* The actor recorded in the audit log for shell commands. */
#define CMD_ACTOR "cli"

/*
 * Give `username` a new random password that must be changed at first
 * login (Argon2id with the default parameters); the password is written
 * into ret (17 bytes) for the caller to show once.  `reason` is audited.
 */
int cmd_issue_password(struct store *st, const char *username, const char *reason, char ret[17]);

/* The blob store of a database: --blob-dir if given, else DIR/blobs beside it. */
void cmd_blob_dir(const char *opt, const char *db, char *buf, size_t size);

/*
 * Read a whole file of at most `max` bytes, NUL-terminated, its length in
 * *ret_len; NULL after printing "<what>cannot open|read '<path>'..." where
 * `what` is a prefix such as "unit import: " (or "") and `too_large` the
 * tail printed when the file is over `max`.  The caller frees the buffer.
 */
char *cmd_read_file(const char *what, const char *path, size_t max, const char *too_large,
		    size_t *ret_len);

/* Print a JSON value on stdout, indented. */
void cmd_print_json(json_t *v);

/* A time given as YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (UTC) or Unix seconds;
 * -1 when it is none of these (advisories.c). */
int64_t cmd_time(const char *s);

/* The escalation worker of serve (sla.c): store_sla_tick every `interval` seconds. */
struct sla_worker;
int sla_worker_start(struct store *st, unsigned interval, struct sla_worker **ret);
void sla_worker_stop(struct sla_worker *w);
