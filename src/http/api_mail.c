/*
 * api_mail.c — what the email channel shows through the API: attachment
 * downloads (dangerous ones never inline, never with their own content
 * type) and the outbox, so that failed deliveries are visible.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "store/blob.h"

#define ATTACHMENT_MAX (64u << 20)

/* Types a browser may show inline without running anything: the static
 * name of `type` when it is one, else NULL. */
static const char *inline_safe(const char *type)
{
	static const char *const ok[] = { "image/png", "image/jpeg", "image/gif", "image/webp", NULL };

	for (const char *const *t = ok; *t && type; t++)
		if (!strcmp(*t, type))
			return *t;
	return NULL;
}

/* Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266, 5987). */
static char *disposition(const char *kind, const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s; filename=\"", kind);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		fputc(*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ? *p : '_', f);
	fputs("\"; filename*=UTF-8''", f);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    strchr("-._~", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void api_attachment_get(const struct http_req *req, struct http_resp *resp)
{
	struct rbac_decision d = rbac_decide(req->who, RBAC_REQUEST_READ, NULL);
	char path[4096], *end, *data = NULL;
	const char *type, *name;
	json_t *meta = NULL;
	long long id = strtoll(req->params[1], &end, 10);
	size_t size;
	bool danger;
	FILE *f;
	int rc;

	if (!d.allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if (*end || id < 1) {
		http_error(resp, 404, "not_found", NULL, "no such attachment");
		return;
	}
	if ((rc = store_attachment_get(req->store, req->params[0], d.scope, id, &meta)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	size = (size_t)json_integer_value(json_object_get(meta, "size"));
	type = json_string_value(json_object_get(meta, "content_type"));
	name = json_string_value(json_object_get(meta, "filename"));
	danger = json_is_true(json_object_get(meta, "dangerous"));
	if (!req->ctx->blob_dir || size > ATTACHMENT_MAX ||
	    blob_path(req->ctx->blob_dir, json_string_value(json_object_get(meta, "blob")), path,
		      sizeof(path)) < 0 ||
	    !(f = fopen(path, "rb"))) {
		json_decref(meta);
		http_error(resp, 503, "unavailable", NULL, "the attachment cannot be read now");
		return;
	}
	if (!(data = malloc(size + 1)) || fread(data, 1, size, f) != size) {
		fclose(f);
		free(data);
		json_decref(meta);
		http_error(resp, 503, "unavailable", NULL, "the attachment cannot be read now");
		return;
	}
	fclose(f);
	data[size] = '\0';
	resp->status = 200;
	resp->text = data;
	resp->text_len = size;
	/* a dangerous file is only ever a download, of no type a browser runs */
	resp->ctype = !danger && inline_safe(type) ? inline_safe(type) : "application/octet-stream";
	resp->disposition = disposition(!danger && inline_safe(type) ? "inline" : "attachment", name);
	json_decref(meta);
}

void api_outbox_list(const struct http_req *req, struct http_resp *resp)
{
	const char *status = req->query(req, "status");
	json_t *items;
	int rc;

	if (!rbac_decide(req->who, RBAC_REQUEST_UPDATE, NULL).allowed) {
		http_forbidden(resp, NULL);
		return;
	}
	if (status && strcmp(status, "pending") && strcmp(status, "sent") && strcmp(status, "failed")) {
		http_error(resp, 400, "invalid_field", "status", "'status' is pending, sent or failed");
		return;
	}
	if ((rc = store_outbox_list(req->store, status, 100, &items)) < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	/* bodies of replies stay in the timeline; the list says what happened */
	{
		size_t i;
		json_t *o;
		json_array_foreach(items, i, o)
			json_object_del(o, "body");
	}
	http_json(resp, 200, json_pack("{so}", "items", items));
}
