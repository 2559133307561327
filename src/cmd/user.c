/*
 * user.c — `ungcuu user add|list|token`.
 */
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/token.h"
#include "cmd/cmd.h"
#include "core/validate.h"

static const char usage_text[] =
	"usage: ungcuu user add USERNAME --role admin|agent|unit [--unit CODE] [--name NAME]\n"
	"                       [--email EMAIL] [--phone PHONE] [--db PATH]\n"
	"       ungcuu user list [--db PATH]\n"
	"       ungcuu user token USERNAME [--db PATH]   print a new API token\n"
	"       ungcuu user passwd USERNAME [--db PATH]  reset: print a new one-time password\n\n"
	"A new account gets a random initial password, shown once, to be changed at first login.";

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "unit", required_argument, NULL, 'u' },
		{ "name", required_argument, NULL, 'n' },
		{ "email", required_argument, NULL, 'e' },
		{ "phone", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct user_in in = { .role = ROLE__MAX };
	struct store_err err = { 0 };
	const char *db = NULL, *sub, *reason;
	struct store *st;
	char unit[40] = "";
	int c, rc, ret = 0;

	if ((c = cmd_subcommand(&argc, &argv, usage_text, &sub)) >= 0)
		return c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'r':
			if ((rc = role_parse(optarg)) < 0) {
				cmd_err("user: unknown role '%s' (admin, agent or unit)", optarg);
				return EXIT_USAGE;
			}
			in.role = (enum role)rc;
			break;
		case 'u':
			snprintf(unit, sizeof(unit), "%s", optarg);
			in.unit = upcase_ascii(unit);
			break;
		case 'n': in.display_name = optarg; break;
		case 'e': in.email = optarg; break;
		case 'p': in.phone = optarg; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (!strcmp(sub, "list")) {
		json_t *users;
		if (!(st = cmd_open(cmd_db(db), 0)))
			return 1;
		if ((rc = store_user_list(st, &users)) < 0) {
			cmd_store_err("user list", rc, NULL);
			ret = 1;
		} else {
			size_t i;
			json_t *u;
			json_array_foreach(users, i, u)
				printf("%-16s %-6s %-8s %s\n",
				       json_string_value(json_object_get(u, "username")),
				       json_string_value(json_object_get(u, "role")),
				       json_string_value(json_object_get(u, "unit")) ?: "-",
				       json_string_value(json_object_get(u, "display_name")));
			json_decref(users);
		}
		store_close(st);
		return ret;
	}
	if (strcmp(sub, "add") && strcmp(sub, "token") && strcmp(sub, "passwd")) {
		cmd_err("user: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	if (optind + 1 != argc) {
		cmd_err("user %s: give exactly one USERNAME", sub);
		return EXIT_USAGE;
	}
	in.username = argv[optind];
	if ((reason = valid_username(in.username))) {
		cmd_err("user %s: username '%s' %s", sub, in.username, reason);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "passwd")) {
		char pw[17];
		if (!(st = cmd_open(cmd_db(db), 0)))
			return 1;
		rc = cmd_issue_password(st, in.username, "reset", pw);
		if (rc < 0) {
			cmd_err("user passwd: %s", rc == -ENOENT ? "no such user" : store_strerror(rc));
			ret = 1;
		} else {
			printf("new password for '%s' (to be changed at first login): %s\n", in.username, pw);
		}
		sodium_memzero(pw, sizeof(pw));
		store_close(st);
		return ret;
	}
	if (!strcmp(sub, "token")) {
		unsigned char hash[TOKEN_HASH_SIZE];
		char token[TOKEN_SIZE];
		if (!(st = cmd_open(cmd_db(db), 0)))
			return 1;
		token_generate(token);
		token_hash(token, strlen(token), hash);
		rc = store_token_add(st, in.username, hash, CMD_ACTOR, &err);
		if (rc < 0) {
			cmd_store_err("user token", rc, &err);
			ret = 1;
		} else {
			puts(token);
		}
		sodium_memzero(token, sizeof(token));
		store_close(st);
		return ret;
	}
	if (in.role == ROLE__MAX) {
		cmd_err("user add: --role is required (admin, agent or unit)");
		return EXIT_USAGE;
	}
	if (!in.display_name)
		in.display_name = in.username;
	if ((reason = valid_line(in.display_name, 200)) ||
	    (in.email && (reason = valid_email(in.email))) ||
	    (in.phone && (reason = valid_phone(in.phone))) ||
	    (in.unit && (reason = valid_unit_code(in.unit)))) {
		cmd_err("user add: %s", reason);
		return EXIT_USAGE;
	}
	if (in.role != ROLE_UNIT && in.unit) {
		cmd_err("user add: only unit users belong to a unit");
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	if ((rc = store_user_create(st, &in, CMD_ACTOR, &err)) < 0) {
		cmd_store_err("user add", rc, &err);
		ret = 1;
	} else {
		char pw[17];
		printf("user '%s' added (%s)\n", in.username, role_name(in.role));
		if (cmd_issue_password(st, in.username, "initial", pw) == 0)
			printf("initial password (to be changed at first login): %s\n", pw);
		else
			cmd_err("user add: no initial password set; use 'ungcuu user passwd'");
		sodium_memzero(pw, sizeof(pw));
	}
	store_close(st);
	return ret;
}
