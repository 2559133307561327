/*
 * fuzz_version.c - libFuzzer target for versions and version ranges.
 *
 * The input is split at its first newline: the part before is parsed as a
 * version, the part after as a range (and as a second version).  Checks
 * the comparison contract: reflexive, antisymmetric, and a parsed range
 * gives the same answer for versions that compare equal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/version.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl = memchr(s, '\n', size);
	size_t n1 = nl ? (size_t)(nl - s) : size, n2 = nl ? size - n1 - 1 : 0;
	struct version a, b;
	struct version_range r;
	const char *why = NULL;
	char buf[RANGE_MAX + 2];
	int pa, pb;

	pa = version_parse(s, n1, &a, &why);
	check(pa == 0 || why != NULL);
	if (pa == 0)
		check(version_cmp(&a, &a) == 0);
	if (!nl)
		return 0;
	pb = version_parse(nl + 1, n2, &b, NULL);
	if (pa == 0 && pb == 0) {
		int ab = version_cmp(&a, &b), ba = version_cmp(&b, &a);
		check((ab < 0 && ba > 0) || (ab > 0 && ba < 0) || (ab == 0 && ba == 0));
	}
	if (n2 > RANGE_MAX + 1 || memchr(nl + 1, '\0', n2))
		return 0;
	memcpy(buf, nl + 1, n2);
	buf[n2] = '\0';
	why = NULL;
	if (version_range_parse(buf, &r, &why) < 0) {
		check(why != NULL);
		return 0;
	}
	check(r.nalt >= 1 && r.nalt <= RANGE_ALTS);
	if (pa == 0) {
		bool in = version_in_range(&a, &r);
		/* the same version written with padding zeros answers the same */
		char pad[VERSION_MAX + 8];
		if (n1 + 2 <= VERSION_MAX && !memchr(s, 'b', n1) && !memchr(s, 'B', n1)) {
			struct version p;
			memcpy(pad, s, n1);
			memcpy(pad + n1, ".0", 2);
			if (version_parse(pad, n1 + 2, &p, NULL) == 0 && version_cmp(&a, &p) == 0)
				check(version_in_range(&p, &r) == in);
		}
	}
	return 0;
}
