/*
 * version.h — vendor version strings and affected-version ranges.
 *
 * Vendors number releases in many ways; these are the ones an advisory
 * campaign meets, and how they compare:
 *   dotted numerics      7.0.5 < 7.0.12 < 7.2;  7.0 == 7.0.0
 *   build suffixes       "7.0.12 build0523", "v7.0.12,build0523 (GA)": the
 *                        build counts only when both sides name one, so
 *                        "7.0.12 build0523" == "7.0.12" and <7.0.12 is false
 *   Microsoft CUs/SUs    15.2.1118.7 < 15.2.1118.12 < 15.2.1258.12
 *   letter suffixes      2.4.57 < 2.4.57a < 2.4.57b < 2.4.58;  9.3 < 9.3p2
 *   pre-releases         1.0-alpha < 1.0-beta2 < 1.0rc1 < 1.0
 * A version is split into runs of digits and runs of letters; '.', '-',
 * '_', '+', '~', ',', ':', '/', spaces and parentheses only separate.  A
 * leading "v" is dropped; the words ga, final, release, stable and lts are
 * ignored; letters compare case-insensitively on their first 8 characters.
 *
 * A range is one or more comparators that must all hold ("AND"):
 *   ">=7.0.0 <7.0.9"   "<=15.2.1118.7"   "=2.4.57"   "2.4.57"   "*"
 * and alternatives joined by "||" ("OR").
 *
 * Pure: no I/O, no allocation, bounded input (VERSION_MAX, RANGE_MAX).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERSION_MAX 128     /* bytes of a version string */
#define VERSION_TOKENS 16   /* digit/letter runs in a version */
#define RANGE_MAX 512       /* bytes of a range string */
#define RANGE_TERMS 4       /* comparators in one alternative */
#define RANGE_ALTS 8        /* alternatives joined by || */

struct version {
	unsigned char n;
	unsigned char kind[VERSION_TOKENS]; /* enum in version.c */
	uint64_t v[VERSION_TOKENS];         /* number, or up to 8 letters packed big-endian */
};

enum version_op { VOP_EQ, VOP_LT, VOP_LE, VOP_GT, VOP_GE };

struct version_range {
	unsigned char nalt;
	struct version_alt {
		unsigned char n; /* 0: every version */
		struct version_term {
			unsigned char op; /* enum version_op */
			struct version v;
		} t[RANGE_TERMS];
	} alt[RANGE_ALTS];
};

/*
 * Parse s[0..len) into ret.  Returns 0, or -EINVAL with *ret_reason set to
 * a static phrase ("is empty", "has no digits", ...); ret is then
 * untouched.  ret_reason may be NULL.
 */
int version_parse(const char *s, size_t len, struct version *ret, const char **ret_reason);

/* <0, 0, >0 as a is older than, the same as, newer than b. */
int version_cmp(const struct version *a, const struct version *b);

/*
 * Compare two version strings; 0 with *ret set, or -EINVAL when either
 * does not parse.
 */
int version_cmp_str(const char *a, const char *b, int *ret);

/* Parse a NUL-terminated range; like version_parse for errors. */
int version_range_parse(const char *s, struct version_range *ret, const char **ret_reason);

/* Whether v is inside r. */
bool version_in_range(const struct version *v, const struct version_range *r);
