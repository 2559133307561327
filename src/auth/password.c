/*
 * password.c — Argon2id hashing and random passwords (see password.h).
 */
#include "auth/password.h"

#include <errno.h>
#include <string.h>

int password_hash(const struct pwhash_params *p, const char *password,
		  char ret[PASSWORD_HASH_SIZE])
{
	if (crypto_pwhash_str_alg(ret, password, strlen(password), p->opslimit, p->memlimit,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -ENOMEM;
	return 0;
}

int password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash)
		return -EACCES;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -EACCES;
}

bool password_needs_rehash(const struct pwhash_params *p, const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, p->opslimit, p->memlimit) != 0;
}

static char pick(const char *set)
{
	return set[randombytes_uniform((uint32_t)strlen(set))];
}

void password_generate(char *buf, size_t len)
{
	static const char lower[] = "abcdefghijkmnopqrstuvwxyz";
	static const char upper[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
	static const char digit[] = "23456789";
	static const char special[] = "#@!%+=?";
	static const char all[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789#@!%+=?";

	if (len < 12)
		len = 12;
	buf[0] = pick(lower);
	buf[1] = pick(upper);
	buf[2] = pick(digit);
	buf[3] = pick(special);
	for (size_t i = 4; i < len; i++)
		buf[i] = pick(all);
	/* shuffle so the classes are not at fixed places (Fisher-Yates) */
	for (size_t i = len - 1; i > 0; i--) {
		size_t j = randombytes_uniform((uint32_t)(i + 1));
		char t = buf[i];
		buf[i] = buf[j];
		buf[j] = t;
	}
	buf[len] = '\0';
}
