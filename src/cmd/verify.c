/*
 * verify.c — `ungcuu verify CODE --email E | --phone P [--contact C]`: the
 * public "is this really support?" check from the shell, for the desk
 * answering a phone call.  Audited like a check from the web page (actor
 * "public:cli").  Exit 0 when the code is genuine for that requester, 1
 * when not.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/contact.h"
#include "core/tag.h"
#include "core/validate.h"

static const char usage_text[] =
	"usage: ungcuu verify CODE (--email ADDR | --phone NUMBER) [--contact NUMBER|ADDR] [--db PATH]\n\n"
	"Whether the request CODE was filed by that requester (its status and assigned agent when\n"
	"it was), and whether the contact is in the registry of official contacts.  Exit 0 when\n"
	"genuine, 1 when not.";

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "email", required_argument, NULL, 'e' },
		{ "phone", required_argument, NULL, 'p' },
		{ "contact", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *db = NULL, *email = NULL, *phone = NULL, *contact = NULL;
	char code[TAG_CODE_SIZE + 16], rnorm[CONTACT_NORM_SIZE], cnorm[CONTACT_NORM_SIZE];
	char rlog[CONTACT_NORM_SIZE];
	struct verify_in in = { .ip = "cli", .contact_ext = "" };
	struct contact_phone ph, cph;
	struct verify_result r;
	struct tag_code tc;
	struct store *st;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'e': email = optarg; break;
		case 'p': phone = optarg; break;
		case 'c': contact = optarg; break;
		case 'h': puts(usage_text); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (!email == !phone)) {
		cmd_err("verify: give the CODE and one of --email or --phone");
		return EXIT_USAGE;
	}
	snprintf(code, sizeof(code), "%s", argv[optind]);
	upcase_ascii(trim_space(code));
	if (tag_code_parse(code, strlen(code), &tc) < 0) {
		cmd_err("verify: '%s' is not a request code such as SD211208-123456", argv[optind]);
		return EXIT_USAGE;
	}
	if (email) {
		if (contact_email_norm(email, rnorm, sizeof(rnorm)) < 0) {
			cmd_err("verify: '%s' is not an email address", email);
			return EXIT_USAGE;
		}
		in.requester_is_email = true;
		snprintf(rlog, sizeof(rlog), "%c***%s", rnorm[0], strchr(rnorm, '@'));
	} else {
		if (contact_phone_parse(phone, &ph) < 0) {
			cmd_err("verify: '%s' is not a phone number", phone);
			return EXIT_USAGE;
		}
		snprintf(rnorm, sizeof(rnorm), "%s", ph.number);
		snprintf(rlog, sizeof(rlog), "%.3s*****%s", rnorm,
			 strlen(rnorm) > 5 ? rnorm + strlen(rnorm) - 2 : "");
	}
	if (contact) {
		if (strchr(contact, '@') && contact_email_norm(contact, cnorm, sizeof(cnorm)) == 0) {
			in.contact_kind = CONTACT_EMAIL;
		} else if (!strchr(contact, '@') && contact_phone_parse(contact, &cph) == 0) {
			in.contact_kind = CONTACT_PHONE;
			snprintf(cnorm, sizeof(cnorm), "%s", cph.number);
			in.contact_ext = cph.ext;
		} else {
			cmd_err("verify: the contact '%s' is neither an email address nor a phone number",
				contact);
			return EXIT_USAGE;
		}
		in.contact = cnorm;
	}
	in.code = code;
	in.requester = rnorm;
	in.requester_log = rlog;
	if (!(st = cmd_open(cmd_db(db), 0)))
		return EXIT_UNAVAILABLE;
	rc = store_verify_check(st, &in, &r);
	store_close(st);
	if (rc < 0) {
		cmd_store_err("verify", rc, NULL);
		return EXIT_UNAVAILABLE;
	}
	printf("%s: %s\n", code, r.genuine ? "genuine, filed by this requester"
			       : r.unconfirmed ? "unconfirmed: filed through the public form, support "
						 "has not contacted this requester about it yet"
					       : "unknown: no such request from this requester");
	if (r.genuine) {
		char given[256] = "";
		if (r.agent[0])
			contact_given_name(r.agent, given, sizeof(given));
		printf("status: %s\nagent: %s\n", r.status, given[0] ? given : "(not assigned)");
	}
	if (contact)
		printf("contact: %s%s%s %s%s%s\n", cnorm, in.contact_ext[0] ? ";ext=" : "",
		       in.contact_ext, r.official ? "official" : "NOT official",
		       r.official ? ": " : "", r.official ? r.label : "");
	return r.genuine ? 0 : 1;
}
