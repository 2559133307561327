/*
 * mime.h - one RFC 5322 / MIME message in, one struct inbound_msg out.
 *
 * This is the pure parsing step of the mail channel (see docs/architecture.md):
 * the LMTP server and the mailgate hand over the raw bytes they received, and
 * get back what intake needs to route and store a support request: the
 * threading headers, decoded sender and recipients, the subject and a plain
 * text body in UTF-8, the attachments with their decoded bytes and SHA-256,
 * and the header flags used for loop and bounce protection.
 *
 * Real mail to a Vietnamese government mailbox is often broken: raw 8-bit
 * headers in windows-1258 or VISCII, mislabeled charsets, bad base64, lost
 * boundaries. Such input is decoded as well as possible and never rejected;
 * only input that is not a message at all (-EBADMSG) or over the size limit
 * (-EMSGSIZE) fails, so that the LMTP layer can answer 5xx for exactly those.
 *
 * Every resource the sender controls is capped by struct mime_limits. When a
 * cap other than the message size is reached, parsing keeps what it found up
 * to that point and records which cap was hit in inbound_msg.truncated.
 *
 * MIME work is done by GMime 3, which keeps process-wide state (type
 * registrations, charset tables). mime_global_init() sets it up once; after
 * that, every function here may be called from any number of threads at the
 * same time, each on its own input: a parse creates its own GMime parser,
 * parser options and streams and shares no mutable object with other parses.
 * Apart from that one-time initialisation the functions do no I/O and keep
 * no state.
 */
#ifndef MIME_H
#define MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define MIME_SHA256_HEX 65      /* 64 hex digits + NUL */

/*
 * Caps on what one message may cost. Any field left 0 takes the value of
 * MIME_LIMITS_DEFAULT, so callers can override only what they care about.
 *
 * Besides the caps named here, the structure pre-scan that runs before GMime
 * sees the input cuts the message short (MIME_CUT_STRUCTURE) at the first of:
 * the (max_parts + 1)-th Content-Type line naming a multipart or message
 * type, the (16 * max_parts + 1)-th line starting with "--" (every boundary
 * line does), or the (50 * max_headers + 1)-th line after the top-level
 * header that could be a header field. Those three counts bound the number
 * of objects, the nesting and the boundary checks GMime has to make, so the
 * memory and time of a parse stay proportional to max_size.
 */
struct mime_limits {
	size_t max_size;                /* whole message, bytes */
	size_t max_header_line;         /* one top-level header field, unfolded */
	unsigned max_headers;           /* top-level header fields */
	unsigned max_depth;             /* multipart/message nesting walked */
	unsigned max_parts;             /* MIME parts walked, containers too */
	unsigned max_attachments;       /* entries in inbound_msg.attachments */
	size_t max_attachment_bytes;    /* decoded attachment bytes kept, total */
	size_t max_text;                /* bytes of body_text */
	unsigned max_recipients;        /* entries in to and in cc, each */
	unsigned max_references;        /* entries in references */
};

#define MIME_LIMITS_DEFAULT {                                   \
	.max_size = 25u << 20,                                  \
	.max_header_line = 64u << 10,                           \
	.max_headers = 1000,                                    \
	.max_depth = 32,                                        \
	.max_parts = 256,                                       \
	.max_attachments = 100,                                 \
	.max_attachment_bytes = 25u << 20,                      \
	.max_text = 4u << 20,                                   \
	.max_recipients = 500,                                  \
	.max_references = 100,                                  \
}

/* Bits of inbound_msg.truncated: which cap cut the message short. */
enum {
	MIME_CUT_HEADER_LINE    = 1u << 0,      /* a header field was shortened */
	MIME_CUT_HEADERS        = 1u << 1,      /* header fields were dropped */
	MIME_CUT_STRUCTURE      = 1u << 2,      /* pre-scan cut the input */
	MIME_CUT_DEPTH          = 1u << 3,      /* parts below max_depth skipped */
	MIME_CUT_PARTS          = 1u << 4,      /* parts after max_parts skipped */
	MIME_CUT_ATTACHMENTS    = 1u << 5,      /* attachments not listed */
	MIME_CUT_ATTACHMENT_BYTES = 1u << 6,    /* attachment data not kept */
	MIME_CUT_TEXT           = 1u << 7,      /* body_text shortened */
	MIME_CUT_RECIPIENTS     = 1u << 8,      /* to or cc shortened */
	MIME_CUT_REFERENCES     = 1u << 9,      /* references shortened */
};

/*
 * Strings below are NUL-terminated, valid UTF-8 in Unicode NFC, and hold no
 * control characters (body_text keeps '\n' and '\t'). All of them, and all
 * arrays, are owned by the struct and freed by mime_free().
 */
struct mime_addr {
	char *name;             /* display name, decoded; "" when none */
	char *addr;             /* local@domain, domain lower-cased; never NULL */
};

struct mime_attachment {
	char *filename;         /* decoded, no directory part; never NULL */
	char *content_type;     /* "type/subtype", lower-case; never NULL */
	char *content_id;       /* without <>, or NULL */
	bool is_inline;         /* Content-Disposition: inline (or none) */
	bool forwarded;         /* found inside an attached message/rfc822 */
	/*
	 * The decoded content: size bytes at data. data is NULL when size is
	 * 0 or when the bytes were not kept because max_attachment_bytes was
	 * reached (size is still the real decoded size, sha256 is then "").
	 */
	unsigned char *data;
	size_t size;
	char sha256[MIME_SHA256_HEX];   /* lower-case hex of data */
	bool dangerous;         /* executable, script, macro document... */
	const char *danger;     /* why (static string), or NULL */
};

struct inbound_msg {
	char *message_id;       /* without <>, or NULL when missing */
	char *in_reply_to;      /* first message id, without <>, or NULL */
	char **references;      /* without <>, in header order */
	size_t n_references;

	char *from_name;        /* decoded display name, "" when none */
	char *from_addr;        /* domain lower-cased, "" when none */
	char *reply_to;         /* address only, or NULL */
	char *return_path;      /* address only, "" for <>, NULL if absent */
	struct mime_addr *to;
	size_t n_to;
	struct mime_addr *cc;
	size_t n_cc;

	char *subject;          /* decoded, unfolded, trimmed; "" when none */
	time_t date;            /* Date header, 0 when missing or bad */

	char *body_text;        /* never NULL */
	bool body_from_html;    /* converted from the only text/html body */

	struct mime_attachment *attachments;
	size_t n_attachments;

	/* Loop and bounce signals: header values trimmed, or NULL. */
	char *auto_submitted;   /* lower-case token, e.g. "auto-replied" */
	char *precedence;       /* lower-case token, e.g. "bulk" */
	char *x_loop;
	char *list_id;
	/*
	 * is_auto_reply: Auto-Submitted other than "no", Precedence bulk, junk,
	 * list or auto_reply, or any of X-Autoreply, X-Autorespond,
	 * X-Autogenerated. is_bounce: a multipart/report with
	 * report-type=delivery-status, a null Return-Path (<>), or a
	 * Return-Path or From whose local part is MAILER-DAEMON.
	 */
	bool is_auto_reply;
	bool is_bounce;

	char raw_sha256[MIME_SHA256_HEX];       /* of the raw input bytes */
	unsigned truncated;                     /* MIME_CUT_* bits */
};

/*
 * Initialise GMime (and libsodium) once per process. Safe to call any number
 * of times from any thread; mime_parse() calls it too, so calling it at
 * start-up only moves the cost and the error earlier.
 * Returns 0, or -EIO when libsodium cannot be initialised.
 */
int mime_global_init(void);

/*
 * Parse len bytes of raw (a complete message: header, blank line, body; CRLF
 * or LF; need not be NUL-terminated; an mbox "From " line in front is
 * skipped). lim may be NULL for MIME_LIMITS_DEFAULT.
 *
 * On success stores a new message in *ret (caller frees with mime_free())
 * and returns 0. On failure *ret is untouched, and a lower-case reason is
 * written to errbuf when errbuf is not NULL and errlen > 0:
 *   -EMSGSIZE  len is over lim->max_size
 *   -EBADMSG   not a message at all: the first line is not a header field
 *   -EINVAL    raw is NULL with len > 0, or ret is NULL
 *   -ENOMEM
 */
int mime_parse(const char *raw, size_t len, const struct mime_limits *lim,
	       struct inbound_msg **ret, char *errbuf, size_t errlen);

/* Free a message from mime_parse(); NULL is fine. */
void mime_free(struct inbound_msg *msg);

/*
 * Convert n bytes of text in charset (a MIME charset name, or NULL when
 * none was declared) to UTF-8 NFC, never failing on content. The chain:
 * the declared charset if the bytes convert cleanly (for single-byte
 * charsets only when the bytes are not valid UTF-8, which catches the
 * common mislabeled UTF-8), then UTF-8 if valid or nearly so (at least two
 * valid multi-byte sequences per invalid byte; those bytes become U+FFFD),
 * then windows-1258, then ISO-8859-1. CRLF and CR become LF; NULs and other
 * control characters except '\n' and '\t' are dropped.
 * Returns a string the caller frees with free(), or NULL when out of memory.
 */
char *mime_text_to_utf8(const char *s, size_t n, const char *charset);

/*
 * Turn n bytes of UTF-8 HTML into readable plain text: script, style, head
 * and comments dropped, tags removed, block tags (br, p, div, li, tr,
 * headings...) turned into line breaks, entities decoded, white space
 * collapsed outside <pre>, the result in NFC; linear in n whatever the
 * markup. Returns a string the caller frees with free(), or NULL when out
 * of memory.
 */
char *mime_html_to_text(const char *html, size_t n);

/*
 * Why an attachment is dangerous to open, or NULL when it is not: an
 * executable, script, shortcut, disk image or macro-enabled document
 * extension (also behind a decoy like "invoice.pdf.exe", and with the
 * trailing dots or spaces Windows ignores), such a content type, a Windows
 * or ELF executable in the first bytes of data (data may be NULL), or
 * bidirectional-override characters in the name. filename and
 * content_type may be NULL. Returns a static string.
 */
const char *mime_danger(const char *filename, const char *content_type,
			const unsigned char *data, size_t size);

#endif /* MIME_H */
