/*
 * contacts.c — `ungcuu contacts list|add|remove`: the registry of official
 * contacts (mailboxes, the switchboard and its extensions, support staff)
 * that the public verification page compares callers against.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/contact.h"
#include "core/validate.h"

static const char usage_text[] =
	"usage: ungcuu contacts list [--all] [--db PATH]\n"
	"       ungcuu contacts add mailbox|phone|staff [LABEL] [--email ADDR] [--phone NUMBER]\n"
	"                           [--extension DIGITS] [--display-name NAME] [--db PATH]\n"
	"       ungcuu contacts remove ID [--db PATH]\n\n"
	"Numbers and addresses are normalised: '024.6276.4300 máy lẻ 88617' is stored as\n"
	"phone 02462764300, extension 88617.  A staff member needs --display-name and an\n"
	"--extension (reached through the official switchboard) or an --email.";

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static int list(struct store *st, bool all)
{
	json_t *items, *o;
	size_t i;
	int rc;

	if ((rc = store_official_list(st, all, &items)) < 0) {
		cmd_store_err("contacts list", rc, NULL);
		return 1;
	}
	json_array_foreach(items, i, o) {
		printf("%-4lld %-7s %-40s", (long long)json_integer_value(json_object_get(o, "id")),
		       str(o, "kind"), str(o, "label"));
		if (*str(o, "email"))
			printf(" %s", str(o, "email"));
		if (*str(o, "phone"))
			printf(" %s", str(o, "phone"));
		if (*str(o, "extension"))
			printf(" ext %s", str(o, "extension"));
		if (*str(o, "display_name"))
			printf(" (%s)", str(o, "display_name"));
		if (!json_is_true(json_object_get(o, "active")))
			printf(" [inactive]");
		putchar('\n');
	}
	json_decref(items);
	return 0;
}

int cmd_contacts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },
		{ "email", required_argument, NULL, 'e' },
		{ "phone", required_argument, NULL, 'p' },
		{ "extension", required_argument, NULL, 'x' },
		{ "display-name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct official_in in = { .active = 1 };
	struct store_err err = { 0 };
	struct contact_phone ph;
	char email[CONTACT_NORM_SIZE];
	const char *db = NULL, *sub, *e = NULL, *p = NULL, *x = NULL, *reason;
	struct store *st;
	bool all = false;
	int64_t id;
	int c, rc, ret = 0;

	if ((c = cmd_subcommand(&argc, &argv, usage_text, &sub)) >= 0)
		return c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'a': all = true; break;
		case 'e': e = optarg; break;
		case 'p': p = optarg; break;
		case 'x': x = optarg; break;
		case 'n': in.display_name = optarg; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (!strcmp(sub, "list")) {
		if (optind != argc) {
			cmd_err("contacts list: unexpected argument '%s'", argv[optind]);
			return EXIT_USAGE;
		}
		if (!(st = cmd_open(cmd_db(db), 0)))
			return 1;
		ret = list(st, all);
		store_close(st);
		return ret;
	}
	if (!strcmp(sub, "remove")) {
		char *end;
		if (optind + 1 != argc || (id = strtoll(argv[optind], &end, 10)) < 1 || *end) {
			cmd_err("contacts remove: give the ID that 'contacts list' shows");
			return EXIT_USAGE;
		}
		if (!(st = cmd_open(cmd_db(db), 0)))
			return 1;
		if ((rc = store_official_delete(st, id, CMD_ACTOR)) < 0) {
			cmd_store_err("contacts remove", rc, NULL);
			ret = 1;
		} else {
			printf("contact %lld removed\n", (long long)id);
		}
		store_close(st);
		return ret;
	}
	if (strcmp(sub, "add")) {
		cmd_err("contacts: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	if (optind >= argc || optind + 2 < argc) {
		cmd_err("contacts add: give the KIND (mailbox, phone or staff) and a LABEL");
		return EXIT_USAGE;
	}
	in.kind = argv[optind];
	in.label = optind + 1 < argc ? argv[optind + 1] : in.display_name;
	if (strcmp(in.kind, "mailbox") && strcmp(in.kind, "phone") && strcmp(in.kind, "staff")) {
		cmd_err("contacts add: unknown kind '%s' (mailbox, phone or staff)", in.kind);
		return EXIT_USAGE;
	}
	if (!in.label || (reason = valid_line(in.label, 200))) {
		cmd_err("contacts add: the label %s", in.label ? reason : "is required");
		return EXIT_USAGE;
	}
	if (in.display_name && (reason = valid_line(in.display_name, 200))) {
		cmd_err("contacts add: --display-name %s", reason);
		return EXIT_USAGE;
	}
	if (e) {
		if (contact_email_norm(e, email, sizeof(email)) < 0) {
			cmd_err("contacts add: '%s' is not an email address", e);
			return EXIT_USAGE;
		}
		in.email = email;
	}
	if (p) {
		if (contact_phone_parse(p, &ph) < 0) {
			cmd_err("contacts add: '%s' is not a phone number", p);
			return EXIT_USAGE;
		}
		in.phone = ph.number;
		if (ph.ext[0] && !x)
			x = ph.ext;
	}
	if (x) {
		size_t n = strlen(x);
		if (n < 1 || n > CONTACT_EXT_MAX || strspn(x, "0123456789") != n) {
			cmd_err("contacts add: the extension '%s' must be 1 to 8 digits", x);
			return EXIT_USAGE;
		}
		in.extension = x;
	}
	if ((!strcmp(in.kind, "mailbox") && !in.email) || (!strcmp(in.kind, "phone") && !in.phone) ||
	    (!strcmp(in.kind, "staff") && (!in.display_name || (!in.email && !in.extension)))) {
		cmd_err("contacts add: a mailbox needs --email, a phone --phone, a staff member "
			"--display-name and --extension or --email");
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	if ((rc = store_official_create(st, &in, CMD_ACTOR, &id, &err)) < 0) {
		cmd_store_err("contacts add", rc, &err);
		ret = 1;
	} else {
		printf("contact %lld added\n", (long long)id);
	}
	store_close(st);
	return ret;
}
