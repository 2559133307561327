/*
 * fuzz_mime.c - libFuzzer target for the MIME parser and secret masking.
 *
 * Parses the input as a message with small limits (so that the fuzzer
 * reaches every cap quickly) and checks what mail/mime promises: the parse
 * either succeeds or fails with -EBADMSG / -EMSGSIZE and a reason; every
 * string is valid UTF-8 without control characters; counts and attachment
 * bytes stay within the limits. The body and subject then go through
 * redact_secrets(), whose output must be valid UTF-8 and equal to its
 * input when nothing was found. The charset and HTML converters are also
 * run on the raw input directly, with a charset picked by its first byte.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "mail/mime.h"
#include "mail/redact.h"

static const struct mime_limits fuzz_limits = {
	.max_size = 256 << 10,
	.max_header_line = 2048,
	.max_headers = 64,
	.max_depth = 8,
	.max_parts = 32,
	.max_attachments = 8,
	.max_attachment_bytes = 16 << 10,
	.max_text = 16 << 10,
	.max_recipients = 8,
	.max_references = 8,
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_utf8(const char *s, int multiline)
{
	check(s != NULL);
	check(u8_check((const uint8_t *)s, strlen(s)) == NULL);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		check(*p >= 0x20 ? *p != 0x7F :
		      multiline && (*p == '\n' || *p == '\t'));
}

static void check_opt(const char *s)
{
	if (s)
		check_utf8(s, 0);
}

static void check_redact(const char *s)
{
	unsigned found = 0xFFFF;
	char *r = redact_secrets(s, &found);

	check(r != NULL);
	check((found & ~(unsigned)(REDACT_PASSWORD | REDACT_PIN |
				   REDACT_REMOTE_ACCESS)) == 0);
	check(u8_check((const uint8_t *)r, strlen(r)) == NULL);
	if (found == 0)
		check(strcmp(r, s) == 0);
	else
		check(strstr(r, REDACT_MASK) != NULL);
	free(r);
}

static void check_msg(const struct inbound_msg *m)
{
	const struct mime_limits *l = &fuzz_limits;
	size_t kept = 0;

	check_opt(m->message_id);
	check_opt(m->in_reply_to);
	check(m->n_references <= l->max_references);
	for (size_t i = 0; i < m->n_references; i++)
		check_utf8(m->references[i], 0);
	check_utf8(m->from_name, 0);
	check_utf8(m->from_addr, 0);
	check_opt(m->reply_to);
	check_opt(m->return_path);
	check(m->n_to <= l->max_recipients && m->n_cc <= l->max_recipients);
	for (size_t i = 0; i < m->n_to; i++) {
		check_utf8(m->to[i].name, 0);
		check_utf8(m->to[i].addr, 0);
	}
	for (size_t i = 0; i < m->n_cc; i++) {
		check_utf8(m->cc[i].name, 0);
		check_utf8(m->cc[i].addr, 0);
	}
	check_utf8(m->subject, 0);
	check_utf8(m->body_text, 1);
	check(strlen(m->body_text) <= l->max_text);
	check(m->n_attachments <= l->max_attachments);
	for (size_t i = 0; i < m->n_attachments; i++) {
		const struct mime_attachment *a = &m->attachments[i];

		check_utf8(a->filename, 0);
		check(a->filename[0] != '\0' && strlen(a->filename) <= 255);
		check(strchr(a->filename, '/') == NULL);
		check_utf8(a->content_type, 0);
		check_opt(a->content_id);
		check(a->dangerous == (a->danger != NULL));
		if (a->data) {
			check(a->size > 0 && strlen(a->sha256) == 64);
			kept += a->size;
		} else {
			check(a->sha256[0] == '\0');
		}
	}
	check(kept <= l->max_attachment_bytes);
	check_opt(m->auto_submitted);
	check_opt(m->precedence);
	check_opt(m->x_loop);
	check_opt(m->list_id);
	check(strlen(m->raw_sha256) == 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = {
		NULL, "utf-8", "windows-1258", "viscii", "iso-8859-1",
		"utf-7", "x-unknown", "iso-2022-jp", "us-ascii", "utf-16",
	};
	struct inbound_msg *m = NULL;
	char err[160] = "";
	char *t;
	int r;

	r = mime_parse((const char *)data, size, &fuzz_limits, &m, err,
		       sizeof(err));
	if (r < 0) {
		check(r == -EBADMSG || r == -EMSGSIZE);
		check(m == NULL && err[0] != '\0');
	} else {
		check(m != NULL);
		check_msg(m);
		check_redact(m->body_text);
		check_redact(m->subject);
		mime_free(m);
	}

	if (size > 0 && size <= 64 << 10) {
		const char *cs = charsets[data[0] % (sizeof(charsets) /
						     sizeof(charsets[0]))];

		t = mime_text_to_utf8((const char *)data + 1, size - 1, cs);
		check(t != NULL);
		check_utf8(t, 1);
		free(t);
		t = mime_html_to_text((const char *)data, size);
		check(t != NULL);
		check_utf8(t, 1);
		free(t);
	}
	return 0;
}
