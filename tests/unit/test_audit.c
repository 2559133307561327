/*
 * test_audit.c — the audit entry hash: deterministic, sensitive to every
 * field and to the previous hash, and unambiguous in its framing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/audit.h"

#define H(out, prev, id, at, actor, action, object, detail) \
	audit_hash(prev, id, at, actor, action, object, detail, out)

static void deterministic_and_sensitive(void **state)
{
	char a[AUDIT_HEX_SIZE], b[AUDIT_HEX_SIZE];

	(void)state;
	H(a, audit_genesis, 1, "t", "agent", "request.create", "SD261121-000001", "{}");
	H(b, audit_genesis, 1, "t", "agent", "request.create", "SD261121-000001", "{}");
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);
	H(b, audit_genesis, 2, "t", "agent", "request.create", "SD261121-000001", "{}");
	assert_string_not_equal(a, b);
	H(b, audit_genesis, 1, "u", "agent", "request.create", "SD261121-000001", "{}");
	assert_string_not_equal(a, b);
	H(b, audit_genesis, 1, "t", "agenT", "request.create", "SD261121-000001", "{}");
	assert_string_not_equal(a, b);
	H(b, audit_genesis, 1, "t", "agent", "request.change", "SD261121-000001", "{}");
	assert_string_not_equal(a, b);
	H(b, audit_genesis, 1, "t", "agent", "request.create", "SD261121-000002", "{}");
	assert_string_not_equal(a, b);
	H(b, audit_genesis, 1, "t", "agent", "request.create", "SD261121-000001", "{ }");
	assert_string_not_equal(a, b);
	H(b, a, 1, "t", "agent", "request.create", "SD261121-000001", "{}");
	assert_string_not_equal(a, b);
}

static void framing(void **state)
{
	char a[AUDIT_HEX_SIZE], b[AUDIT_HEX_SIZE];

	(void)state;
	/* moving a boundary between fields changes the hash */
	H(a, audit_genesis, 1, "t", "ab", "c", "o", "d");
	H(b, audit_genesis, 1, "t", "a", "bc", "o", "d");
	assert_string_not_equal(a, b);
}

static void known_vector(void **state)
{
	/* SHA-256 of "64:<64 zeros>1:12:at5:actor6:action6:object6:detail" */
	char a[AUDIT_HEX_SIZE], want[AUDIT_HEX_SIZE];
	unsigned char d[32];
	char msg[256];
	int n;

	(void)state;
	n = snprintf(msg, sizeof(msg), "64:%s1:12:at5:actor6:action6:object6:detail", audit_genesis);
	crypto_hash_sha256(d, (const unsigned char *)msg, (unsigned long long)n);
	sodium_bin2hex(want, sizeof(want), d, sizeof(d));
	H(a, audit_genesis, 1, "at", "actor", "action", "object", "detail");
	assert_string_equal(a, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deterministic_and_sensitive),
		cmocka_unit_test(framing),
		cmocka_unit_test(known_vector),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
