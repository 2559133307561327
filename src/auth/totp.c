/*
 * totp.c — RFC 6238 codes with liboath, recovery codes (see totp.h).
 */
#include "auth/totp.h"

#include <ctype.h>
#include <errno.h>
#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int totp_global_init(void)
{
	return oath_init() == OATH_OK ? 0 : -EIO;
}

void totp_secret_new(unsigned char ret[TOTP_SECRET_SIZE])
{
	randombytes_buf(ret, TOTP_SECRET_SIZE);
}

int totp_secret_b32(const unsigned char secret[TOTP_SECRET_SIZE], char ret[TOTP_B32_SIZE])
{
	char *out = NULL;
	size_t len = 0;

	if (oath_base32_encode((const char *)secret, TOTP_SECRET_SIZE, &out, &len) != OATH_OK)
		return -ENOMEM;
	/* 20 bytes encode to exactly 32 characters: no padding to strip */
	snprintf(ret, TOTP_B32_SIZE, "%.*s", (int)len, out);
	free(out);
	return 0;
}

/* Percent-encode everything but RFC 3986 unreserved characters. */
static void pct(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
	}
}

char *totp_uri(const char *issuer, const char *account, const char secret_b32[TOTP_B32_SIZE])
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("otpauth://totp/", f);
	pct(f, issuer);
	fputs(":", f);
	pct(f, account);
	fprintf(f, "?secret=%s&issuer=", secret_b32);
	pct(f, issuer);
	fprintf(f, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int totp_generate(const unsigned char *secret, size_t len, time_t now, unsigned digits, char *ret)
{
	return oath_totp_generate((const char *)secret, len, now, TOTP_STEP, 0, digits, ret) ==
			       OATH_OK
		       ? 0
		       : -EINVAL;
}

int totp_verify(const unsigned char *secret, size_t len, const char *code, time_t now,
		unsigned window, int64_t *last_step)
{
	uint64_t counter = 0;
	int pos = 0, rc;

	if (!code || strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return -EACCES;
	rc = oath_totp_validate4((const char *)secret, len, now, TOTP_STEP, 0, window, &pos, &counter,
				 0, code);
	if (rc < 0)
		return -EACCES;
	if ((int64_t)counter <= *last_step)
		return -EACCES; /* replay of a code already used */
	*last_step = (int64_t)counter;
	return 0;
}

static const char rc_alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* 31 symbols */

void recovery_code_new(char ret[RECOVERY_CODE_SIZE])
{
	for (int i = 0, o = 0; i < 12; i++) {
		if (i && i % 4 == 0)
			ret[o++] = '-';
		ret[o++] = rc_alphabet[randombytes_uniform(sizeof(rc_alphabet) - 1)];
		ret[o] = '\0';
	}
}

int recovery_code_normalise(const char *typed, char ret[RECOVERY_CODE_SIZE])
{
	char raw[13];
	int n = 0;

	for (const char *p = typed; *p; p++) {
		char c = (char)tolower((unsigned char)*p);
		if (c == '-' || c == ' ')
			continue;
		if (!strchr(rc_alphabet, c) || n == 12)
			return -EINVAL;
		raw[n++] = c;
	}
	if (n != 12)
		return -EINVAL;
	snprintf(ret, RECOVERY_CODE_SIZE, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
	return 0;
}
