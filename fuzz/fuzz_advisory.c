/*
 * fuzz_advisory.c - libFuzzer target for advisory files and CPE strings.
 *
 * The input is parsed as a whole advisory file (KEV or ours) and checks the
 * contract: success gives entries with a key, a title, products with a
 * vendor and a product whose ranges parse; failure gives a message.  Each
 * line is also tried as a CPE 2.3 string and as a name key.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/advisory.h"
#include "core/version.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct advisory_set *set = NULL;
	char err[256], line[600], key[ADVISORY_KEY_MAX];
	const char *s = (const char *)data;
	int rc = advisory_parse(s, size, &set, err, sizeof(err));

	check(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
	if (rc == 0) {
		for (size_t i = 0; i < set->n; i++) {
			const struct advisory *a = &set->items[i];
			check(a->ref && *a->ref && a->title && a->naff >= 1);
			for (size_t k = 0; k < a->naff; k++) {
				check(a->aff[k].vendor && a->aff[k].product);
				check(advisory_key(a->aff[k].product, key, sizeof(key)) > 0);
				for (size_t r = 0; r < a->aff[k].nranges; r++) {
					struct version_range vr;
					check(version_range_parse(a->aff[k].ranges[r], &vr, NULL) == 0);
				}
			}
		}
		advisory_set_free(set);
	} else if (rc == -EINVAL) {
		check(err[0] != '\0');
	}
	for (size_t at = 0; at < size;) {
		const char *nl = memchr(s + at, '\n', size - at);
		size_t n = nl ? (size_t)(nl - (s + at)) : size - at;
		if (n < sizeof(line) && !memchr(s + at, '\0', n)) {
			struct cpe c;
			const char *why = NULL, *field = NULL;
			memcpy(line, s + at, n);
			line[n] = '\0';
			if (cpe_parse(line, &c, &why) == 0)
				check(c.vendor[0] && c.product[0] && strchr("aoh", c.part));
			else
				check(why != NULL);
			advisory_key(line, key, sizeof(key));
			if (advisory_asset_check(line, line, line, line, NULL, "internet", NULL, &field))
				check(field != NULL);
		}
		at += n + 1;
	}
	return 0;
}
