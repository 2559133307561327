/*
 * form.c — reading HTML form bodies (application/x-www-form-urlencoded and
 * multipart/form-data) into struct public_form, with libmicrohttpd's post
 * processor: the only handler-side code that uses libmicrohttpd, because
 * the parser needs the connection's Content-Type.
 *
 * Limits: each text field keeps at most its cap + 1 bytes (validation then
 * refuses it as too long), the screenshot at most PUBLIC_SCREENSHOT_MAX
 * bytes (beyond, it is dropped and flagged) and only the first file part,
 * unknown fields are ignored,
 * and the whole body was bounded by the server before we see it.
 */
#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "http/public.h"

#define TEXT_CAP 65536     /* description */
#define LINE_CAP 1024      /* everything else */

struct field_def {
	const char *name;
	size_t off;            /* of the char * in struct public_form */
	size_t cap;
};

#define F(n, cap) { #n, offsetof(struct public_form, n), cap }
static const struct field_def fields[] = {
	F(unit, LINE_CAP), F(service, LINE_CAP), F(subject, LINE_CAP),
	F(description, TEXT_CAP), F(name, LINE_CAP), F(email, LINE_CAP), F(phone, LINE_CAP),
	F(website, LINE_CAP), F(code, LINE_CAP), F(requester, LINE_CAP), F(contact, LINE_CAP),
};
#undef F

struct parse {
	struct public_form *f;
	size_t len[sizeof(fields) / sizeof(fields[0])];
	size_t file_cap;
	unsigned file_parts;   /* screenshot parts seen: only the first is kept */
};

/* Append data to a growing NUL-terminated buffer, keeping at most cap + 1 bytes. */
static int append(char **buf, size_t *len, const char *data, size_t size, size_t cap)
{
	size_t room = *len > cap ? 0 : cap + 1 - *len, n = size < room ? size : room;
	char *nb;

	if (!*buf) {
		if (!(*buf = calloc(1, 1)))
			return -ENOMEM;
	}
	if (!n)
		return 0;
	if (!(nb = realloc(*buf, *len + n + 1)))
		return -ENOMEM;
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
	return 0;
}

static enum MHD_Result iter(void *cls, enum MHD_ValueKind kind, const char *key,
			    const char *filename, const char *content_type,
			    const char *transfer_encoding, const char *data, uint64_t off, size_t size)
{
	struct parse *p = cls;
	struct public_form *f = p->f;

	(void)kind, (void)content_type, (void)transfer_encoding;
	if (!key)
		return MHD_YES;
	if (!strcmp(key, "screenshot")) {
		if (off == 0)
			p->file_parts++;
		if (p->file_parts > 1)
			return MHD_YES; /* a second file: ignored */
		if (filename && !f->file_name && !(f->file_name = strdup(filename)))
			return MHD_NO;
		if (f->file_too_large)
			return MHD_YES;
		if (f->file_len + size > p->file_cap) {
			f->file_too_large = true;
			free(f->file);
			f->file = NULL;
			f->file_len = 0;
			return MHD_YES;
		}
		if (size) {
			unsigned char *nb = realloc(f->file, f->file_len + size);
			if (!nb)
				return MHD_NO;
			memcpy(nb + f->file_len, data, size);
			f->file = nb;
			f->file_len += size;
		}
		return MHD_YES;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(key, fields[i].name)) {
			char **slot = (char **)((char *)f + fields[i].off);
			return append(slot, &p->len[i], data, size, fields[i].cap) < 0 ? MHD_NO : MHD_YES;
		}
	return MHD_YES; /* unknown fields are ignored */
}

int public_form_parse(const struct http_req *req, struct public_form *ret)
{
	struct parse p = { .f = ret, .file_cap = PUBLIC_SCREENSHOT_MAX };
	struct MHD_PostProcessor *pp;
	int rc = 0;

	memset(ret, 0, sizeof(*ret));
	if (req->body_len == 0)
		return 0;
	pp = MHD_create_post_processor((struct MHD_Connection *)req->conn, 16 * 1024, iter, &p);
	if (!pp) {
		ret->bad = true; /* not a form content type */
		return -EINVAL;
	}
	if (MHD_post_process(pp, req->body, req->body_len) != MHD_YES)
		rc = -EINVAL;
	/* the last urlencoded value is only delivered here */
	if (MHD_destroy_post_processor(pp) != MHD_YES)
		rc = -EINVAL;
	if (rc < 0)
		ret->bad = true;
	return rc;
}

void public_form_clear(struct public_form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free(*(char **)((char *)f + fields[i].off));
	free(f->file);
	free(f->file_name);
	memset(f, 0, sizeof(*f));
}
