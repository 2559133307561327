/*
 * password.h — password hashing with Argon2id (libsodium crypto_pwhash),
 * and random initial passwords.
 *
 * Parameters come from the configuration; the defaults are OWASP's
 * minimum for Argon2id (m = 19 MiB, t = 2, p = 1).  A hash made with
 * weaker parameters than the current ones is reported by
 * password_needs_rehash() so that a login can upgrade it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sodium.h>

struct pwhash_params {
	unsigned long long opslimit; /* t */
	size_t memlimit;             /* bytes */
};

#define PWHASH_DEFAULTS { 2, 19u << 20 }
#define PASSWORD_HASH_SIZE crypto_pwhash_STRBYTES

/* Hash into ret (NUL-terminated "$argon2id$..."). 0, or -ENOMEM. */
int password_hash(const struct pwhash_params *p, const char *password,
		  char ret[PASSWORD_HASH_SIZE]);

/* 0 when `password` matches `hash`, -EACCES when not (or hash malformed). */
int password_verify(const char *hash, const char *password);

bool password_needs_rehash(const struct pwhash_params *p, const char *hash);

/*
 * A random password of `len` characters (len >= 12, buffer len + 1) with
 * at least one lower-case letter, upper-case letter, digit and special
 * character, without look-alike characters (0/O, 1/l/I), for initial and
 * reset passwords that are read from a screen and typed once.
 */
void password_generate(char *buf, size_t len);
