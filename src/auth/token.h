/*
 * token.h — bearer API tokens.
 *
 * A token is "ugc_" followed by 43 base64url characters: 256 random bits.
 * Only its SHA-256 is stored.  A fast hash is right here (unlike passwords):
 * the secret is uniformly random and too long to guess, so a stolen hash
 * table gives nothing to brute-force.
 */
#pragma once

#include <stddef.h>

#define TOKEN_PREFIX "ugc_"
#define TOKEN_SIZE 48      /* 4 + 43 characters + NUL */
#define TOKEN_HASH_SIZE 32

/* Fill ret with a new random token (NUL-terminated). */
void token_generate(char ret[TOKEN_SIZE]);

/*
 * Hash a presented token.  Returns 0, or -EINVAL when the string does not
 * have the shape of a token (then ret is untouched and no lookup is due).
 */
int token_hash(const char *token, size_t len, unsigned char ret[TOKEN_HASH_SIZE]);
