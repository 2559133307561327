/*
 * public.h — what the public JSON API (api_public.c) and the server-rendered
 * public pages (pages.c) share: the language of the answer, the
 * verification check, the public request form.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* English when ?lang=en, else when ?lang is absent and the lang cookie is "en". */
bool public_lang_en(const struct http_req *req);

/*
 * The verification check: code, requester (email or phone the request was
 * filed with), contact (optional: who contacted the user).  Returns the
 * answer object of POST /api/v1/verify (caller owns it), or NULL with the
 * error in resp (400 naming the field, 429, 503).  Rate-limited and audited.
 */
json_t *public_verify(const struct http_req *req, const char *code, const char *requester,
		      const char *contact, bool en, struct http_resp *resp);

/* The fixed warning: support never asks for passwords, PINs, remote access. */
const char *public_warning(bool en);

/* A status label in the reader's language; borrowed static string. */
const char *public_status_label(const char *status, bool en);

/* The fields of the public request form, as received. */
struct public_form {
	char *unit, *service, *subject, *description, *name, *email, *phone;
	char *website;          /* honeypot: people leave it empty */
	char *code, *requester, *contact; /* the verification form */
	unsigned char *file;    /* screenshot bytes */
	size_t file_len;
	char *file_name;
	bool file_too_large;    /* over the limit: dropped */
	bool bad;               /* unparsable body */
};

#define PUBLIC_SCREENSHOT_MAX (5u << 20)

/* Parse an application/x-www-form-urlencoded or multipart/form-data body. */
int public_form_parse(const struct http_req *req, struct public_form *ret);
void public_form_clear(struct public_form *f);

/*
 * File a request from the public form: validate (400 naming the field),
 * rate-limit per address (429), store the screenshot and the request.
 * On success writes the code (16 bytes) and returns true; else false with
 * the error in resp.
 */
bool public_submit(const struct http_req *req, const struct public_form *f, char ret_code[16],
		   struct http_resp *resp);

/* The handlers (api_public.c, pages.c). */
void api_verify(const struct http_req *req, struct http_resp *resp);
void api_contacts_list(const struct http_req *req, struct http_resp *resp);
void api_contacts_create(const struct http_req *req, struct http_resp *resp);
void api_contacts_update(const struct http_req *req, struct http_resp *resp);
void api_contacts_delete(const struct http_req *req, struct http_resp *resp);
void api_announcements_list(const struct http_req *req, struct http_resp *resp);
void api_announcements_create(const struct http_req *req, struct http_resp *resp);
void api_announcements_update(const struct http_req *req, struct http_resp *resp);
void api_announcements_delete(const struct http_req *req, struct http_resp *resp);
void api_public_units(const struct http_req *req, struct http_resp *resp);
void api_public_services(const struct http_req *req, struct http_resp *resp);
void api_public_request(const struct http_req *req, struct http_resp *resp);
void page_home(const struct http_req *req, struct http_resp *resp);
void page_verify(const struct http_req *req, struct http_resp *resp);
void page_submit(const struct http_req *req, struct http_resp *resp);
