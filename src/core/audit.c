/*
 * audit.c — hash of one audit entry in the chain (see audit.h).
 */
#include "core/audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char audit_genesis[AUDIT_HEX_SIZE] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static void put(crypto_hash_sha256_state *st, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof(len), "%zu:", n);

	crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)k);
	if (n)
		crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

void audit_hash(const char *prev_hex, int64_t id, const char *at, const char *actor,
		const char *action, const char *object, const char *detail,
		char ret_hex[AUDIT_HEX_SIZE])
{
	crypto_hash_sha256_state st;
	unsigned char out[crypto_hash_sha256_BYTES];
	char idbuf[24];

	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	crypto_hash_sha256_init(&st);
	put(&st, prev_hex);
	put(&st, idbuf);
	put(&st, at);
	put(&st, actor);
	put(&st, action);
	put(&st, object);
	put(&st, detail);
	crypto_hash_sha256_final(&st, out);
	sodium_bin2hex(ret_hex, AUDIT_HEX_SIZE, out, sizeof(out));
}
