/*
 * main.c — the ungcuu command: one binary, subcommands (as git does).
 *
 * Each subcommand is one row of the table below, its code in
 * src/cmd/<name>.c.  The dispatcher checks that stdout was written
 * completely before exiting (a full disk or closed pipe is an error).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct {
	const char *name;
	cmd_fn fn;
	const char *help;
} commands[] = {
	{ "init", cmd_init, "create or migrate the database (--demo adds demo data)" },
	{ "serve", cmd_serve, "run the HTTP API" },
	{ "user", cmd_user, "add, list users; issue API tokens" },
	{ "unit", cmd_unit, "add, list, import (CSV) units" },
	{ "service", cmd_service, "add, list services" },
	{ "request", cmd_request, "show and list requests" },
	{ "mailgate", cmd_mailgate, "deliver one message from stdin (MTA pipe)" },
	{ "audit", cmd_audit, "verify the audit chain" },
	{ "pwned", cmd_pwned, "build, verify, check the breached-password index" },
	{ "contacts", cmd_contacts, "list, add, remove official contacts (verification)" },
	{ "verify", cmd_verify, "check a request code, its requester and a contact" },
	{ "leaks", cmd_leaks, "scan credential dumps and stealer logs for our accounts" },
	{ "advisories", cmd_advisories, "import KEV/advisories, match, remind, dashboard" },
	{ "assets", cmd_assets, "import (CSV), list the units' assets" },
	{ "sla", cmd_sla, "SLA states, escalation tick, policies, business calendar" },
	{ "duty", cmd_duty, "the duty roster: add, list, who is on duty now" },
	{ "stats", cmd_stats, "statistics: categories, units, months, response times (JSON, CSV)" },
	{ "export", cmd_export, "an incident as STIX 2.1, or its Circular 20/2017 report forms" },
};

static int usage(FILE *f)
{
	fputs("usage: ungcuu COMMAND [ARGS...]   (ungcuu COMMAND --help for details)\n\n"
	      "commands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\nThe database is --db PATH, else $UNGCUU_DB, else var/ungcuu.db.\n", f);
	return f == stdout ? 0 : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	int rc = -1;

	if (sodium_init() < 0) {
		cmd_err("cannot initialise libsodium");
		return 1;
	}
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(stdout);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		puts("ungcuu " UNGCUU_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			rc = commands[i].fn(argc - 1, argv + 1);
			break;
		}
	if (rc < 0) {
		cmd_err("unknown command '%s'", argv[1]);
		return usage(stderr);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cmd_err("cannot write the output");
		return 1;
	}
	return rc;
}
