/*
 * fuzz_contact.c - libFuzzer target for phone and email normalisation and
 * given names.
 *
 * Besides memory safety it checks the shape of every result: a canonical
 * number is '0' or '+' or a digit followed by digits only, an extension is
 * digits, normalising the canonical text again gives the same text, and a
 * given name is a non-empty part of the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), norm[CONTACT_NORM_SIZE], again[CONTACT_NORM_SIZE], name[64];
	struct contact_phone p;
	enum contact_kind k;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (contact_phone_parse(s, &p) == 0) {
		size_t n = strlen(p.number);
		check(n >= 3 && n <= CONTACT_NUMBER_MAX);
		check(strspn(p.number + 1, "0123456789") == n - 1);
		check(p.number[0] == '+' || (p.number[0] >= '0' && p.number[0] <= '9'));
		check(strspn(p.ext, "0123456789") == strlen(p.ext));
	}
	k = contact_norm(s, norm, sizeof(norm));
	if (k == CONTACT_EMAIL) {
		check(contact_norm(norm, again, sizeof(again)) == CONTACT_EMAIL);
		check(strcmp(norm, again) == 0);
	} else if (k == CONTACT_PHONE) {
		/* the canonical "N;ext=E" reads back as itself */
		check(contact_norm(norm, again, sizeof(again)) == CONTACT_PHONE);
		check(strcmp(norm, again) == 0);
	}
	if (contact_given_name(s, name, sizeof(name)) == 0)
		check(name[0] && strstr(s, name) != NULL);
	free(s);
	return 0;
}
