/*
 * token.c — generation and hashing of bearer tokens (see token.h).
 */
#include "auth/token.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

#define RAW_BYTES 32

void token_generate(char ret[TOKEN_SIZE])
{
	unsigned char raw[RAW_BYTES];

	randombytes_buf(raw, sizeof(raw));
	memcpy(ret, TOKEN_PREFIX, 4);
	sodium_bin2base64(ret + 4, TOKEN_SIZE - 4, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

int token_hash(const char *token, size_t len, unsigned char ret[TOKEN_HASH_SIZE])
{
	if (len != TOKEN_SIZE - 1 || memcmp(token, TOKEN_PREFIX, 4) != 0)
		return -EINVAL;
	for (size_t i = 4; i < len; i++) {
		char c = token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return -EINVAL;
	}
	crypto_hash_sha256(ret, (const unsigned char *)token, len);
	return 0;
}
