/*
 * totp.h — time-based one-time passwords (RFC 6238) through liboath, and
 * recovery codes.
 *
 * Secrets are 20 random bytes (160 bits, RFC 4226's recommendation),
 * shown to the user once as base32 inside an otpauth:// URI.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_SECRET_SIZE 20
#define TOTP_B32_SIZE 33      /* base32 of 20 bytes + NUL */
#define TOTP_STEP 30
#define TOTP_DIGITS 6
#define RECOVERY_CODE_SIZE 15 /* "xxxx-xxxx-xxxx" + NUL: 60 random bits */

/* Call once per process before the other functions. 0 or -EIO. */
int totp_global_init(void);

void totp_secret_new(unsigned char ret[TOTP_SECRET_SIZE]);

/* Base32 (RFC 4648, no padding) of the secret. */
int totp_secret_b32(const unsigned char secret[TOTP_SECRET_SIZE], char ret[TOTP_B32_SIZE]);

/*
 * otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
 * with issuer and account percent-encoded.  Malloc'd; caller frees.
 */
char *totp_uri(const char *issuer, const char *account, const char secret_b32[TOTP_B32_SIZE]);

/*
 * Check `code` (6 digits) at time `now`, accepting `window` steps either
 * side for clock drift.  A code whose step is not above *last_step was used
 * already and is refused (replay).  On success *last_step is set to the
 * step used.  Returns 0, or -EACCES.
 */
int totp_verify(const unsigned char *secret, size_t len, const char *code, time_t now,
		unsigned window, int64_t *last_step);

/* The code for `now` (tests and enrolment checks). 0 or -EINVAL. */
int totp_generate(const unsigned char *secret, size_t len, time_t now, unsigned digits,
		  char *ret);

/* A new recovery code "abcd-efgh-jkmn" (lower-case, no look-alikes). */
void recovery_code_new(char ret[RECOVERY_CODE_SIZE]);

/* Normalise a typed recovery code (case, spaces, dashes) into ret; -EINVAL if not one. */
int recovery_code_normalise(const char *typed, char ret[RECOVERY_CODE_SIZE]);
