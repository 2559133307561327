/*
 * test_lmtp.c — the LMTP protocol engine without sockets: the dialogue,
 * pipelining, dot-stuffing and the end of data split at every byte,
 * per-recipient replies, limits, and refusals.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mail/lmtp.h"

struct sink {
	char data[4096];
	size_t len;
	int calls;
	size_t nrcpt;
	int answer;
};

static int deliver(void *ctx, const char *sender, const char *const *rcpts, size_t nrcpt,
		   const char *data, size_t len, char *reply, size_t size)
{
	struct sink *k = ctx;

	(void)sender, (void)rcpts;
	k->calls++;
	k->nrcpt = nrcpt;
	k->len = len < sizeof(k->data) ? len : sizeof(k->data) - 1;
	memcpy(k->data, data, k->len);
	k->data[k->len] = '\0';
	snprintf(reply, size, "%d %s", k->answer, k->answer == 250 ? "2.0.0 stored" : "4.3.0 later");
	return k->answer;
}

/* Feed `in` in pieces of `step` bytes; collect all replies into out. */
static int run(struct lmtp_session *s, const char *in, size_t step, char *out, size_t size)
{
	size_t n = strlen(in), used = 0;
	int more = 1;

	out[0] = '\0';
	for (size_t i = 0; i < n && more > 0; i += step) {
		char *o;
		size_t olen;
		more = lmtp_session_feed(s, in + i, i + step > n ? n - i : step, &o, &olen);
		if (olen && used + olen < size) {
			memcpy(out + used, o, olen);
			used += olen;
			out[used] = '\0';
		}
		free(o);
	}
	return more;
}

static const struct lmtp_limits lim = { 512, 1000, 3 };

static void dialogue_at_every_split(void **state)
{
	const char *in = "LHLO client\r\nMAIL FROM:<a@b.vn>\r\nRCPT TO:<x@y.vn>\r\nRCPT TO:<z@y.vn>\r\n"
			 "DATA\r\nSubject: t\r\n\r\n..one\r\n...\r\nlast\r\n.\r\nQUIT\r\n";
	char out[8192];

	(void)state;
	for (size_t step = 1; step <= strlen(in); step++) {
		struct sink k = { .answer = 250 };
		struct lmtp_session *s = lmtp_session_new(&lim, "mx.test", deliver, &k);
		assert_int_equal(run(s, in, step, out, sizeof(out)), 0); /* closed after QUIT */
		assert_int_equal(k.calls, 1);
		assert_int_equal(k.nrcpt, 2);
		assert_string_equal(k.data, "Subject: t\r\n\r\n.one\r\n..\r\nlast\r\n");
		assert_non_null(strstr(out, "250 SIZE 1000\r\n"));
		assert_non_null(strstr(out, "354 "));
		/* one reply per recipient */
		assert_non_null(strstr(out, "250 2.0.0 stored\r\n250 2.0.0 stored\r\n221 "));
		lmtp_session_free(s);
	}
}

static void temporary_answer_repeated(void **state)
{
	struct sink k = { .answer = 451 };
	struct lmtp_session *s = lmtp_session_new(&lim, "mx.test", deliver, &k);
	char out[4096];

	(void)state;
	run(s, "LHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\nhi\r\n.\r\n", 7, out, sizeof(out));
	assert_non_null(strstr(out, "451 4.3.0 later\r\n"));
	assert_int_equal(k.calls, 1);
	lmtp_session_free(s);
}

static void too_big(void **state)
{
	struct sink k = { .answer = 250 };
	struct lmtp_session *s = lmtp_session_new(&lim, "mx.test", deliver, &k);
	char big[3000], in[3200], out[4096];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(in, sizeof(in), "LHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nDATA\r\n%s\r\n.\r\nNOOP\r\n", big);
	run(s, in, 100, out, sizeof(out));
	assert_int_equal(k.calls, 0); /* never handed over */
	assert_non_null(strstr(out, "552 5.3.4"));
	assert_non_null(strstr(out, "250 2.0.0 ok")); /* the session goes on */
	lmtp_session_free(s);
}

static void refusals(void **state)
{
	struct sink k = { .answer = 250 };
	struct lmtp_session *s = lmtp_session_new(&lim, "mx.test", deliver, &k);
	char out[8192], longline[1000];

	(void)state;
	run(s, "MAIL FROM:<a@b>\r\nEHLO x\r\nLHLO\r\nLHLO c\r\nRCPT TO:<x@y>\r\nDATA\r\n"
	       "MAIL FROM:<a b>\r\nMAIL FROM:<a@b> SIZE=5000\r\nMAIL FROM:<a@b>\r\nMAIL FROM:<c@d>\r\n"
	       "RCPT TO:<>\r\nRCPT TO:<1@y>\r\nRCPT TO:<2@y>\r\nRCPT TO:<3@y>\r\nRCPT TO:<4@y>\r\n"
	       "BOGUS\r\nVRFY x\r\nRSET\r\nDATA\r\nNOOP\0x\r\n",
	    5, out, sizeof(out));
	assert_non_null(strstr(out, "503 5.5.1 say LHLO first"));
	assert_non_null(strstr(out, "500 5.5.1 this is LMTP"));
	assert_non_null(strstr(out, "501 5.5.4"));
	assert_non_null(strstr(out, "503 5.5.1 say MAIL first"));
	assert_non_null(strstr(out, "501 5.1.7"));
	assert_non_null(strstr(out, "552 5.3.4"));
	assert_non_null(strstr(out, "503 5.5.1 nested MAIL"));
	assert_non_null(strstr(out, "501 5.1.3"));
	assert_non_null(strstr(out, "452 4.5.3 too many recipients"));
	assert_non_null(strstr(out, "500 5.5.2 unknown command"));
	assert_non_null(strstr(out, "252 "));
	assert_non_null(strstr(out, "250 2.0.0 reset"));
	assert_int_equal(k.calls, 0);
	/* a command line over the limit is refused, and the session goes on */
	memset(longline, 'A', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	{
		char in[1200];
		snprintf(in, sizeof(in), "NOOP %s\r\nNOOP\r\n", longline);
		run(s, in, 64, out, sizeof(out));
		assert_non_null(strstr(out, "500 5.5.2 line too long\r\n250 2.0.0 ok\r\n"));
	}
	lmtp_session_free(s);
}

static void bare_lf_and_empty_message(void **state)
{
	struct sink k = { .answer = 250 };
	struct lmtp_session *s = lmtp_session_new(&lim, "mx.test", deliver, &k);
	char out[4096];

	(void)state;
	run(s, "LHLO c\nMAIL FROM:<a@b>\nRCPT TO:<x@y>\nDATA\n.\n", 3, out, sizeof(out));
	assert_int_equal(k.calls, 1);
	assert_int_equal(k.len, 0);
	lmtp_session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dialogue_at_every_split),
		cmocka_unit_test(temporary_answer_repeated),
		cmocka_unit_test(too_big),
		cmocka_unit_test(refusals),
		cmocka_unit_test(bare_lf_and_empty_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
