/*
 * fuzz_lmtp.c — libFuzzer target for the LMTP protocol engine: the input
 * is a client's byte stream, fed in pieces whose sizes come from the first
 * byte.  Replies must be CRLF-terminated lines starting with a 3-digit
 * code; a message is handed over only within the size limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/lmtp.h"

static const struct lmtp_limits lim = { 256, 2048, 4 };

static int deliver(void *ctx, const char *sender, const char *const *rcpts, size_t nrcpt,
		   const char *data, size_t len, char *reply, size_t size)
{
	(void)ctx, (void)sender, (void)rcpts, (void)data;
	if (nrcpt == 0 || nrcpt > lim.max_rcpt || len > lim.max_size)
		abort();
	strncpy(reply, len % 2 ? "250 2.0.0 ok" : "451 4.3.0 later", size);
	return len % 2 ? 250 : 451;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lmtp_session *s;
	size_t step, i;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 64) + 1;
	s = lmtp_session_new(&lim, "fuzz", deliver, NULL);
	if (!s)
		return 0;
	for (i = 1; i < size; i += step) {
		char *out = NULL;
		size_t olen = 0;
		int more = lmtp_session_feed(s, (const char *)data + i, i + step > size ? size - i : step,
					     &out, &olen);
		/* every reply: a code, then lines ending in CRLF */
		if (olen && (olen < 5 || out[olen - 2] != '\r' || out[olen - 1] != '\n' ||
			     out[0] < '2' || out[0] > '5'))
			abort();
		free(out);
		if (more <= 0)
			break;
	}
	lmtp_session_free(s);
	return 0;
}
