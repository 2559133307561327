/*
 * api_public.c — the public JSON API: the "is this really support?" check,
 * the registry of official contacts, announcements, the public unit and
 * service lists (see docs/api.md, "Public").
 *
 * The check must not help someone who guesses codes: without the
 * requester's own address or number the answer is byte for byte the one a
 * code that does not exist gets, both cost the same store work (one write
 * job), and checks are rate-limited per client address and per code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/contact.h"
#include "core/upload.h"
#include "core/tag.h"
#include "core/validate.h"
#include "http/public.h"
#include "store/blob.h"

#define LABEL_MAX 200      /* characters */
#define TITLE_MAX 300
#define BODY_MAX 20000     /* bytes */

/* ------------------------------------------------------------------------ */
/* Language and texts                                                       */
/* ------------------------------------------------------------------------ */

bool public_lang_en(const struct http_req *req)
{
	const char *q = req->query ? req->query(req, "lang") : NULL;
	const char *cookie = req->header ? req->header(req, "Cookie") : NULL;

	if (q)
		return !strcmp(q, "en");
	/* the lang cookie among "a=b; lang=en; c=d" */
	for (const char *p = cookie; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!strncmp(p, "lang=", 5))
			return !strncmp(p + 5, "en", 2) && (p[7] == '\0' || p[7] == ';' || p[7] == ' ');
		p += strcspn(p, ";");
	}
	return false;
}

const char *public_status_label(const char *status, bool en)
{
	static const struct {
		const char *status, *vi, *en;
	} labels[] = {
		{ "new", "Mới tiếp nhận", "Received" },
		{ "open", "Đang xử lý", "In progress" },
		{ "pending", "Chờ Quý đơn vị phản hồi", "Waiting for your reply" },
		{ "resolved", "Đã xử lý xong", "Resolved" },
		{ "closed", "Đã đóng", "Closed" },
	};

	for (size_t i = 0; status && i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].status, status))
			return en ? labels[i].en : labels[i].vi;
	return status ? status : "";
}

static const char WARNING_VI[] =
	"Cán bộ hỗ trợ KHÔNG BAO GIỜ đề nghị cung cấp mật khẩu, mã PIN chứng thư số hay cài đặt "
	"phần mềm truy cập từ xa (UltraViewer, TeamViewer, AnyDesk...). Ai đề nghị như vậy là kẻ "
	"giả mạo: hãy dừng liên lạc và báo cho đầu mối hỗ trợ qua kênh chính thức.";
static const char WARNING_EN[] =
	"Support staff NEVER ask for passwords, digital certificate PINs or remote-access software "
	"(UltraViewer, TeamViewer, AnyDesk...). Anyone who does is an impostor: stop the "
	"conversation and report it to the support desk through an official channel.";

const char *public_warning(bool en)
{
	return en ? WARNING_EN : WARNING_VI;
}

/* ------------------------------------------------------------------------ */
/* Verification                                                             */
/* ------------------------------------------------------------------------ */

/* What the audit keeps of the requester: "b***@hanoi.gov.vn", "091*****78". */
static void mask(const char *norm, bool email, char *buf, size_t size)
{
	size_t n = strlen(norm);

	if (email) {
		const char *at = strchr(norm, '@');
		snprintf(buf, size, "%c***%s", norm[0], at ? at : "");
	} else if (n > 5) {
		snprintf(buf, size, "%.3s*****%s", norm, norm + n - 2);
	} else {
		snprintf(buf, size, "*****");
	}
}

static void too_many(struct http_resp *resp, unsigned wait)
{
	http_error(resp, 429, "rate_limited", NULL, "too many attempts, try again in %u seconds",
		   wait);
	resp->retry_after = wait;
}

/* 429 when `key` must still wait. */
static bool rate_wait_ok(struct ratelimit *t, const char *key, struct http_resp *resp)
{
	unsigned wait = ratelimit_wait(t, key, (int64_t)time(NULL));

	if (wait)
		too_many(resp, wait);
	return !wait;
}

/* Count one more use of `key`: 429 when that one is over the limit. */
static bool rate_count_ok(struct ratelimit *t, const char *key, struct http_resp *resp)
{
	unsigned wait = ratelimit_hit(t, key, (int64_t)time(NULL));

	if (wait)
		too_many(resp, wait);
	return !wait;
}

json_t *public_verify(const struct http_req *req, const char *code_in, const char *requester,
		      const char *contact, bool en, struct http_resp *resp)
{
	struct http_ctx *ctx = req->ctx;
	struct verify_in in = { 0 };
	struct verify_result r;
	struct contact_phone ph;
	char code[TAG_CODE_SIZE + 16], rnorm[CONTACT_NORM_SIZE], cnorm[CONTACT_NORM_SIZE];
	char rlog[CONTACT_NORM_SIZE + 8], ckey[48], ikey[80], agent[256];
	char msg[2048], label[600];
	struct tag_code tc;
	json_t *cj = json_null(), *out;
	enum contact_kind ck = CONTACT_NONE;
	int rc;

	snprintf(ikey, sizeof(ikey), "ip:%s", req->ip);
	if (!rate_wait_ok(ctx->verify_ip, ikey, resp))
		return NULL;
	/* the code: trimmed, upper-cased; anything but a code's shape is refused */
	if (!code_in || strlen(code_in) > TAG_CODE_LEN + 8) {
		http_error(resp, 400, code_in ? "invalid_field" : "missing_field", "code",
			   "'code' must be a request code such as SD211208-123456");
		return NULL;
	}
	snprintf(code, sizeof(code), "%s", code_in);
	upcase_ascii(trim_space(code));
	if (tag_code_parse(code, strlen(code), &tc) < 0) {
		http_error(resp, 400, "invalid_field", "code",
			   "'code' must be a request code such as SD211208-123456");
		return NULL;
	}
	snprintf(ckey, sizeof(ckey), "code:%s", code);
	if (!rate_wait_ok(ctx->verify_code, ckey, resp) ||
	    !rate_count_ok(ctx->verify_ip, ikey, resp) ||
	    !rate_count_ok(ctx->verify_code, ckey, resp))
		return NULL;

	if (!requester || !*requester) {
		http_error(resp, 400, "missing_field", "requester",
			   "'requester' (the email address or phone number the request was sent with) "
			   "is required");
		return NULL;
	}
	if (valid_line(requester, 256)) {
		http_error(resp, 400, "invalid_field", "requester",
			   "'requester' must be an email address or a phone number");
		return NULL;
	}
	if (contact && *contact && valid_line(contact, 256)) {
		http_error(resp, 400, "invalid_field", "contact",
			   "'contact' must be an email address or a phone number");
		return NULL;
	}
	if (strchr(requester, '@')) {
		if (contact_email_norm(requester, rnorm, sizeof(rnorm)) < 0) {
			http_error(resp, 400, "invalid_field", "requester",
				   "'requester' must be an email address or a phone number");
			return NULL;
		}
		in.requester_is_email = true;
	} else if (contact_phone_parse(requester, &ph) == 0) {
		snprintf(rnorm, sizeof(rnorm), "%s", ph.number);
	} else {
		http_error(resp, 400, "invalid_field", "requester",
			   "'requester' must be an email address or a phone number");
		return NULL;
	}
	if (contact && *contact) {
		if (strchr(contact, '@')) {
			if (contact_email_norm(contact, cnorm, sizeof(cnorm)) == 0)
				ck = CONTACT_EMAIL;
			in.contact = cnorm;
			in.contact_ext = "";
		} else if (contact_phone_parse(contact, &ph) == 0) {
			ck = CONTACT_PHONE;
			snprintf(cnorm, sizeof(cnorm), "%s", ph.number);
			in.contact = cnorm;
			in.contact_ext = ph.ext;
		}
		if (ck == CONTACT_NONE) {
			http_error(resp, 400, "invalid_field", "contact",
				   "'contact' must be an email address or a phone number");
			return NULL;
		}
	}
	mask(rnorm, in.requester_is_email, rlog, sizeof(rlog));
	in.code = code;
	in.requester = rnorm;
	in.requester_log = rlog;
	in.contact_kind = ck;
	in.ip = req->ip;
	if ((rc = store_verify_check(req->store, &in, &r)) < 0) {
		http_store_error(resp, rc, NULL);
		return NULL;
	}

	if (ck != CONTACT_NONE) {
		char full[CONTACT_NORM_SIZE];
		if (ck == CONTACT_PHONE)
			contact_phone_format(&ph, full, sizeof(full));
		else
			snprintf(full, sizeof(full), "%s", cnorm);
		if (r.official && r.display_name[0])
			snprintf(label, sizeof(label), "%s — %s", r.label, r.display_name);
		else
			snprintf(label, sizeof(label), "%s", r.official ? r.label : "");
		cj = json_pack("{ss ss sb s:s?}", "given", contact, "normalized", full, "official",
			       r.official, "label", r.official ? label : NULL);
	}
	if (r.genuine) {
		const char *sl = public_status_label(r.status, en);
		agent[0] = '\0';
		if (r.agent[0])
			contact_given_name(r.agent, agent, sizeof(agent));
		if (en)
			snprintf(msg, sizeof(msg), "The request code %s is genuine: it was issued for "
				 "the request sent from this address or number. Status: %s. %s%s%s",
				 code, sl, agent[0] ? "Handled by: " : "Not yet assigned to a member "
				 "of staff.", agent, agent[0] ? "." : "");
		else
			snprintf(msg, sizeof(msg), "Mã yêu cầu %s là mã thật, được cấp cho yêu cầu gửi "
				 "từ địa chỉ thư hoặc số điện thoại này. Trạng thái: %s. %s%s%s", code, sl,
				 agent[0] ? "Cán bộ phụ trách: " : "Yêu cầu chưa được giao cho cán bộ "
				 "nào.", agent, agent[0] ? "." : "");
	} else if (r.unconfirmed && en) {
		snprintf(msg, sizeof(msg), "The request code %s exists and was filed through the "
			 "public web form with this address or number, but support has not yet "
			 "contacted this requester about it. Anyone who calls or writes to you about "
			 "it is NOT support: give them nothing and contact the support desk through an "
			 "official channel.", code);
	} else if (r.unconfirmed) {
		snprintf(msg, sizeof(msg), "Mã yêu cầu %s có tồn tại và được gửi qua biểu mẫu trên "
			 "trang web với địa chỉ thư hoặc số điện thoại này, nhưng đầu mối hỗ trợ chưa "
			 "liên hệ với người gửi về yêu cầu này. Bất kỳ ai gọi điện hoặc nhắn tin cho "
			 "quý vị về mã này đều KHÔNG phải cán bộ hỗ trợ: không cung cấp bất kỳ thông "
			 "tin nào và liên hệ đầu mối hỗ trợ qua kênh chính thức.", code);
	} else if (en) {
		snprintf(msg, sizeof(msg), "No request with the code %s was sent from this address or "
			 "number. If someone claiming to be support gave you this code, treat it as a "
			 "scam: give them nothing and contact the support desk through an official "
			 "channel.", code);
	} else {
		snprintf(msg, sizeof(msg), "Không có yêu cầu nào mang mã %s được gửi từ địa chỉ thư "
			 "hoặc số điện thoại này. Nếu người xưng là cán bộ hỗ trợ đưa ra mã này, hãy "
			 "coi đó là lừa đảo: không cung cấp bất kỳ thông tin nào và liên hệ đầu mối hỗ "
			 "trợ qua kênh chính thức.", code);
	}
	if (ck != CONTACT_NONE) {
		size_t n = strlen(msg);
		char given[2 * CONTACT_NORM_SIZE + 32], pretty[CONTACT_NORM_SIZE];
		if (ck == CONTACT_PHONE)
			contact_phone_pretty(ph.number, pretty, sizeof(pretty));
		if (ck == CONTACT_PHONE && ph.ext[0])
			snprintf(given, sizeof(given), "%s %s %s", pretty, en ? "ext." : "máy lẻ",
				 ph.ext);
		else
			snprintf(given, sizeof(given), "%s", ck == CONTACT_PHONE ? pretty : cnorm);
		if (r.official)
			snprintf(msg + n, sizeof(msg) - n, en ? " %s is an official contact (%s)."
							      : " %s là kênh liên hệ chính thức (%s).",
				 given, label);
		else
			snprintf(msg + n, sizeof(msg) - n,
				 en ? " %s is NOT one of the official contacts: do not follow the "
				      "instructions of whoever uses it."
				    : " %s KHÔNG có trong danh sách kênh liên hệ chính thức: đừng làm "
				      "theo yêu cầu của người liên hệ qua kênh này.", given);
	}
	out = json_pack("{ss ss so so so so ss ss}", "result",
			r.genuine ? "genuine" : r.unconfirmed ? "unconfirmed" : "unknown",
			"code", code, "status", r.genuine ? json_string(r.status) : json_null(),
			"status_label", r.genuine ? json_string(public_status_label(r.status, en))
						  : json_null(),
			"agent", r.genuine && agent[0] ? json_string(agent) : json_null(), "contact", cj,
			"warning", en ? WARNING_EN : WARNING_VI, "message", msg);
	if (!out)
		http_error(resp, 500, "internal", NULL, "internal error");
	return out;
}

void api_verify(const struct http_req *req, struct http_resp *resp)
{
	static const char *const fields[] = { "code", "requester", "contact", NULL };
	const char *code, *requester, *contact;
	json_t *o, *out;

	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (http_get_str(o, "code", true, resp, &code) &&
	    http_get_str(o, "requester", true, resp, &requester) &&
	    http_get_str(o, "contact", false, resp, &contact) &&
	    (out = public_verify(req, code, requester, contact, public_lang_en(req), resp)))
		http_json(resp, 200, out);
	json_decref(o);
}

/* ------------------------------------------------------------------------ */
/* Official contacts                                                        */
/* ------------------------------------------------------------------------ */

static bool id_param(const struct http_req *req, struct http_resp *resp, int64_t *ret)
{
	char *end;
	long long id = strtoll(req->params[0], &end, 10);

	if (*end || id < 1) {
		http_error(resp, 404, "not_found", NULL, "no such object");
		return false;
	}
	*ret = id;
	return true;
}

/* ?all=1 from an admin: inactive contacts, scheduled announcements too. */
/* The caller may write (`a`) and, when need_id, names a valid id in the path;
 * otherwise the answer (403 or 400) is made and false returned. */
static bool may_write(const struct http_req *req, struct http_resp *resp, enum rbac_action a,
		      bool need_id, int64_t *ret_id)
{
	if (!rbac_decide(req->who, a, NULL).allowed) {
		http_forbidden(resp, NULL);
		return false;
	}
	return !need_id || id_param(req, resp, ret_id);
}

/* The answer to a delete: the store's failure or {"ok": true}. */
static void deleted(struct http_resp *resp, int rc)
{
	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_json(resp, 200, json_pack("{sb}", "ok", 1));
}

static bool want_all(const struct http_req *req, enum rbac_action a)
{
	const char *all = req->query(req, "all");

	return all && !strcmp(all, "1") && rbac_decide(req->who, a, NULL).allowed;
}

void api_contacts_list(const struct http_req *req, struct http_resp *resp)
{
	json_t *items;
	int rc = store_official_list(req->store, want_all(req, RBAC_CONTACT_WRITE), &items);

	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_page(resp, items, 0);
}

/* Storage for the normalised values of one contact. */
struct official_buf {
	char email[CONTACT_NORM_SIZE], phone[CONTACT_NUMBER_MAX + 2], ext[CONTACT_EXT_MAX + 1];
};

/*
 * Read the fields of a contact body into `in` (normalising addresses and
 * numbers); on update only the fields given are set (in->set).
 */
static bool official_fields(json_t *o, bool create, struct official_in *in, struct official_buf *b,
			    struct http_resp *resp)
{
	static const char *const kinds[] = { "mailbox", "phone", "staff", NULL };
	const char *s;
	json_t *v;

	in->active = -1;
	if (!http_get_str(o, "kind", create, resp, &in->kind))
		return false;
	if (in->kind) {
		bool ok = false;
		for (const char *const *k = kinds; *k; k++)
			ok |= !strcmp(*k, in->kind);
		if (!ok) {
			http_error(resp, 400, "invalid_field", "kind",
				   "'kind' must be mailbox, phone or staff");
			return false;
		}
		in->set |= OFFICIAL_SET_KIND;
	}
	if (!http_get_str(o, "display_name", false, resp, &in->display_name))
		return false;
	if (in->display_name) {
		if (valid_line(in->display_name, LABEL_MAX)) {
			http_error(resp, 400, "invalid_field", "display_name", "'display_name' %s",
				   valid_line(in->display_name, LABEL_MAX));
			return false;
		}
	}
	if (json_object_get(o, "display_name"))
		in->set |= OFFICIAL_SET_DISPLAY_NAME;
	if (!http_get_str(o, "label", false, resp, &in->label))
		return false;
	if (create && !in->label)
		in->label = in->display_name;
	if ((create || in->label) && (!in->label || valid_line(in->label, LABEL_MAX))) {
		http_error(resp, 400, in->label ? "invalid_field" : "missing_field", "label",
			   "'label' must be one line of text (what the contact is)");
		return false;
	}
	if (in->label)
		in->set |= OFFICIAL_SET_LABEL;
	if (!http_get_str(o, "email", false, resp, &s))
		return false;
	if (s) {
		if (contact_email_norm(s, b->email, sizeof(b->email)) < 0) {
			http_error(resp, 400, "invalid_field", "email",
				   "'email' must be an email address such as hotrocntt@vst.gov.vn");
			return false;
		}
		in->email = b->email;
	}
	if (json_object_get(o, "email"))
		in->set |= OFFICIAL_SET_EMAIL;
	if (!http_get_str(o, "extension", false, resp, &s))
		return false;
	if (s) {
		size_t n = strlen(s);
		if (n < 1 || n > CONTACT_EXT_MAX || strspn(s, "0123456789") != n) {
			http_error(resp, 400, "invalid_field", "extension",
				   "'extension' must be 1 to 8 digits");
			return false;
		}
		memcpy(b->ext, s, n + 1);
		in->extension = b->ext;
	}
	if (json_object_get(o, "extension"))
		in->set |= OFFICIAL_SET_EXTENSION;
	if (!http_get_str(o, "phone", false, resp, &s))
		return false;
	if (s) {
		struct contact_phone p;
		if (contact_phone_parse(s, &p) < 0) {
			http_error(resp, 400, "invalid_field", "phone",
				   "'phone' must be a phone number such as 024 6276 4300");
			return false;
		}
		snprintf(b->phone, sizeof(b->phone), "%s", p.number);
		in->phone = b->phone;
		if (p.ext[0] && !in->extension) {
			/* "024 6276 4300 máy lẻ 88617" names the extension too */
			memcpy(b->ext, p.ext, sizeof(b->ext));
			in->extension = b->ext;
			in->set |= OFFICIAL_SET_EXTENSION;
		}
	}
	if (json_object_get(o, "phone"))
		in->set |= OFFICIAL_SET_PHONE;
	v = json_object_get(o, "active");
	if (v && !json_is_boolean(v)) {
		http_error(resp, 400, "invalid_field", "active", "'active' must be true or false");
		return false;
	}
	if (v)
		in->active = json_is_true(v);
	else if (create)
		in->active = 1;
	if (create) {
		const char *need = NULL;
		if (!strcmp(in->kind, "mailbox") && !in->email)
			need = "email";
		else if (!strcmp(in->kind, "phone") && !in->phone)
			need = "phone";
		else if (!strcmp(in->kind, "staff") && !in->display_name)
			need = "display_name";
		else if (!strcmp(in->kind, "staff") && !in->email && !in->extension)
			need = "extension";
		if (need) {
			http_error(resp, 400, "missing_field", need, "a %s contact needs '%s'", in->kind,
				   need);
			return false;
		}
	}
	return true;
}

static void contact_write(const struct http_req *req, struct http_resp *resp, bool create)
{
	static const char *const fields[] = { "kind", "label", "email", "phone", "extension",
					      "display_name", "active", NULL };
	struct official_in in = { 0 };
	struct official_buf b;
	struct store_err err = { 0 };
	int64_t id = 0;
	json_t *o, *out;
	int rc;

	if (!may_write(req, resp, RBAC_CONTACT_WRITE, !create, &id))
		return;
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!official_fields(o, create, &in, &b, resp))
		goto out;
	rc = create ? store_official_create(req->store, &in, req->who->username, &id, &err)
		    : store_official_update(req->store, id, &in, req->who->username, &err);
	if (rc == 0)
		rc = store_official_get(req->store, id, &out);
	if (rc < 0)
		http_store_error(resp, rc, &err);
	else
		http_json(resp, create ? 201 : 200, out);
out:
	json_decref(o);
}

void api_contacts_create(const struct http_req *req, struct http_resp *resp)
{
	contact_write(req, resp, true);
}

void api_contacts_update(const struct http_req *req, struct http_resp *resp)
{
	contact_write(req, resp, false);
}

void api_contacts_delete(const struct http_req *req, struct http_resp *resp)
{
	int64_t id;

	if (!may_write(req, resp, RBAC_CONTACT_WRITE, true, &id))
		return;
	deleted(resp, store_official_delete(req->store, id, req->who->username));
}

/* ------------------------------------------------------------------------ */
/* Announcements                                                            */
/* ------------------------------------------------------------------------ */

void api_announcements_list(const struct http_req *req, struct http_resp *resp)
{
	json_t *items;
	int rc = store_announcement_list(req->store, want_all(req, RBAC_ANNOUNCEMENT_WRITE), &items);

	if (rc < 0)
		http_store_error(resp, rc, NULL);
	else
		http_page(resp, items, 0);
}

/* "2026-11-21T06:12:00Z" or with milliseconds: the stored form. */
static bool valid_iso(const char *s)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s || (strlen(s) != 20 && strlen(s) != 24))
		return false;
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return false;
	if (*end == '.')
		end = strspn(end + 1, "0123456789") == 3 ? end + 4 : end;
	return end[0] == 'Z' && end[1] == '\0';
}

static void announcement_write(const struct http_req *req, struct http_resp *resp, bool create)
{
	static const char *const fields[] = { "title", "body", "published_at", NULL };
	struct announcement_in in = { 0 };
	struct store_err err = { 0 };
	char when[32];
	int64_t id = 0;
	json_t *o, *out;
	int rc;

	if (!may_write(req, resp, RBAC_ANNOUNCEMENT_WRITE, !create, &id))
		return;
	if (!(o = http_body_object(req, resp, fields)))
		return;
	if (!http_get_str(o, "title", create, resp, &in.title) ||
	    !http_get_str(o, "body", create, resp, &in.body) ||
	    !http_get_str(o, "published_at", false, resp, &in.published_at))
		goto out;
	if (in.title && valid_line(in.title, TITLE_MAX)) {
		http_error(resp, 400, "invalid_field", "title", "'title' %s",
			   valid_line(in.title, TITLE_MAX));
		goto out;
	}
	if (in.body && valid_block(in.body, BODY_MAX)) {
		http_error(resp, 400, "invalid_field", "body", "'body' %s", valid_block(in.body, BODY_MAX));
		goto out;
	}
	if (in.published_at && !valid_iso(in.published_at)) {
		http_error(resp, 400, "invalid_field", "published_at",
			   "'published_at' must be a UTC time such as 2026-11-21T06:00:00Z");
		goto out;
	}
	if (in.published_at && strlen(in.published_at) == 20) {
		/* the stored form, with milliseconds, so that times sort as text */
		snprintf(when, sizeof(when), "%.19s.000Z", in.published_at);
		in.published_at = when;
	}
	rc = create ? store_announcement_create(req->store, &in, req->who->username, &id, &err)
		    : store_announcement_update(req->store, id, &in, req->who->username, &err);
	if (rc == 0)
		rc = store_announcement_get(req->store, id, &out);
	if (rc < 0)
		http_store_error(resp, rc, &err);
	else
		http_json(resp, create ? 201 : 200, out);
out:
	json_decref(o);
}

void api_announcements_create(const struct http_req *req, struct http_resp *resp)
{
	announcement_write(req, resp, true);
}

void api_announcements_update(const struct http_req *req, struct http_resp *resp)
{
	announcement_write(req, resp, false);
}

void api_announcements_delete(const struct http_req *req, struct http_resp *resp)
{
	int64_t id;

	if (!may_write(req, resp, RBAC_ANNOUNCEMENT_WRITE, true, &id))
		return;
	deleted(resp, store_announcement_delete(req->store, id, req->who->username));
}

/* ------------------------------------------------------------------------ */
/* Public lists                                                             */
/* ------------------------------------------------------------------------ */

/* {"items":[{"code","name"}]} of a unit or service list. */
static void code_names(struct http_resp *resp, int rc, json_t *all)
{
	json_t *items, *v;
	size_t i;

	if (rc < 0) {
		http_store_error(resp, rc, NULL);
		return;
	}
	items = json_array();
	json_array_foreach(all, i, v)
		json_array_append_new(items, json_pack("{sO sO}", "code", json_object_get(v, "code"),
						       "name", json_object_get(v, "name")));
	json_decref(all);
	http_page(resp, items, 0);
}

void api_public_units(const struct http_req *req, struct http_resp *resp)
{
	json_t *all = NULL;
	int rc = store_unit_list(req->store, &all);

	code_names(resp, rc, all);
}

void api_public_services(const struct http_req *req, struct http_resp *resp)
{
	json_t *all = NULL;
	int rc = store_service_list(req->store, &all);

	code_names(resp, rc, all);
}

/* ------------------------------------------------------------------------ */
/* Requests from the public form                                            */
/* ------------------------------------------------------------------------ */

#define SUBJECT_MAX 300
#define DESCRIPTION_MAX 65536
#define NAME_MAX_CHARS 200

/* A field given with something other than white space. */
static bool given(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return true;
	return false;
}

/* Trim and upper-case an optional code field into buf; "" when absent. */
static const char *code_field(const char *s, char *buf, size_t size)
{
	if (!given(s) || strlen(s) >= size)
		return given(s) ? "?" : NULL;
	snprintf(buf, size, "%s", s);
	return upcase_ascii(trim_space(buf));
}

bool public_submit(const struct http_req *req, const struct public_form *f, char ret_code[16],
		   struct http_resp *resp)
{
	struct http_ctx *ctx = req->ctx;
	struct public_request_in in = { .req = { .kind = KIND_SUPPORT, .channel = CHAN_WEB,
						 .priority = PRIO_NORMAL } };
	struct store_err err = { 0 };
	struct contact_phone ph;
	char ikey[80], unit[40], service[40], email[CONTACT_NORM_SIZE], blob[BLOB_ID_SIZE];
	char fname[128];
	const char *why;
	int rc;

	snprintf(ikey, sizeof(ikey), "submit:%s", req->ip);
	if (!rate_wait_ok(ctx->submit_ip, ikey, resp))
		return false;
	if (f->bad) {
		http_error(resp, 400, "invalid_form", NULL,
			   "the body must be multipart/form-data (or urlencoded without a screenshot)");
		return false;
	}
	if (given(f->website)) {
		/* the honeypot: a field people never see, that bots fill in */
		rate_count_ok(ctx->submit_ip, ikey, resp);
		http_error(resp, 400, "invalid_field", "website", "leave 'website' empty");
		return false;
	}
	in.req.unit = code_field(f->unit, unit, sizeof(unit));
	if (in.req.unit && (why = valid_unit_code(in.req.unit))) {
		http_error(resp, 400, "invalid_field", "unit", "'unit' %s", why);
		return false;
	}
	in.req.service = code_field(f->service, service, sizeof(service));
	if (in.req.service && (why = valid_service_code(in.req.service))) {
		http_error(resp, 400, "invalid_field", "service", "'service' %s", why);
		return false;
	}
	if (!given(f->subject) || (why = valid_line(f->subject, SUBJECT_MAX))) {
		http_error(resp, 400, given(f->subject) ? "invalid_field" : "missing_field", "subject",
			   "'subject' %s", given(f->subject) ? why : "is required");
		return false;
	}
	if (!given(f->description) || (why = valid_block(f->description, DESCRIPTION_MAX))) {
		http_error(resp, 400, given(f->description) ? "invalid_field" : "missing_field",
			   "description", "'description' %s", given(f->description) ? why
										    : "is required");
		return false;
	}
	if (!given(f->name) || (why = valid_line(f->name, NAME_MAX_CHARS))) {
		http_error(resp, 400, given(f->name) ? "invalid_field" : "missing_field", "name",
			   "'name' %s", given(f->name) ? why : "is required");
		return false;
	}
	if (given(f->email)) {
		if (contact_email_norm(f->email, email, sizeof(email)) < 0) {
			http_error(resp, 400, "invalid_field", "email",
				   "'email' must be an email address such as name@example.gov.vn");
			return false;
		}
		in.req.requester_email = email;
	}
	if (given(f->phone)) {
		if (valid_phone(f->phone) || contact_phone_parse(f->phone, &ph) < 0) {
			http_error(resp, 400, "invalid_field", "phone",
				   "'phone' must be a phone number such as 0912 345 678");
			return false;
		}
		in.req.requester_phone = f->phone;
	}
	if (!in.req.requester_email && !in.req.requester_phone) {
		http_error(resp, 400, "missing_field", "email",
			   "an email address or a phone number is required");
		return false;
	}
	if (f->file_too_large) {
		http_error(resp, 413, "payload_too_large", "screenshot",
			   "'screenshot' must be at most %u MB", PUBLIC_SCREENSHOT_MAX >> 20);
		return false;
	}
	if (f->file_len) {
		if (!(in.att_type = upload_sniff_image(f->file, f->file_len))) {
			http_error(resp, 415, "unsupported_type", "screenshot",
				   "'screenshot' must be a PNG, JPEG, WebP or GIF image");
			return false;
		}
		upload_safe_filename(f->file_name, in.att_type, fname);
		in.att_filename = fname;
		in.att_size = f->file_len;
	}
	if (!rate_count_ok(ctx->submit_ip, ikey, resp))
		return false;
	if (f->file_len) {
		if (!ctx->blob_dir || blob_put(ctx->blob_dir, f->file, f->file_len, 0, blob) < 0) {
			http_error(resp, 503, "unavailable", NULL,
				   "cannot store the screenshot, try again later");
			return false;
		}
		in.att_blob = blob;
	}
	in.req.subject = f->subject;
	in.req.description = f->description;
	in.req.requester_name = f->name;
	in.ip = req->ip;
	in.ack_per_hour = ctx->ack_per_hour;
	if ((rc = store_public_request(req->store, &in, ret_code, &err)) < 0) {
		http_store_error(resp, rc, &err);
		return false;
	}
	return true;
}

void api_public_request(const struct http_req *req, struct http_resp *resp)
{
	struct public_form f;
	char code[16], url[700];

	public_form_parse(req, &f);
	if (public_submit(req, &f, code, resp)) {
		snprintf(url, sizeof(url), "%s/xac-minh?code=%s", req->ctx->public_url, code);
		http_json(resp, 201, json_pack("{ss ss sb}", "code", code, "verify_url", url,
					       "screenshot", f.file_len > 0));
	}
	public_form_clear(&f);
}
