/*
 * pages.c — the public pages, rendered on the server so that they work
 * without JavaScript: / (home: links, announcements, official contacts),
 * /xac-minh (verify a request code and a contact) and /gui-yeu-cau (file a
 * request with a screenshot).
 *
 * Rules for every page:
 *   - every interpolated value goes through html_escape() or
 *     html_url_part(); literal text is ours;
 *   - a small inline stylesheet keeps the page readable when
 *     /assets/site.css is missing; the Content-Security-Policy allows that
 *     one inline style by its hash, scripts only from our origin
 *     (/assets/public.js adds the screenshot preview), forms only to us;
 *   - Vietnamese by default, English with ?lang=en or the lang cookie
 *     (?lang= sets the cookie);
 *   - the forms post to the same paths and share their code with the JSON
 *     API (public_verify, public_submit).
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/contact.h"
#include "core/html.h"
#include "core/timefmt.h"
#include "http/public.h"

/* ------------------------------------------------------------------------ */
/* Page frame                                                               */
/* ------------------------------------------------------------------------ */

static const char BASELINE_CSS[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
	"line-height:1.5;margin:0;color:#1a1a1a;background:#fff}"
	".wrap{max-width:48rem;margin:0 auto;padding:1rem}"
	"a{color:#0b4f9c}header{background:#0b4f9c;color:#fff}header a{color:#fff}"
	"nav a{display:inline-block;margin:.25rem 1rem .25rem 0}"
	"a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f0a500;"
	"outline-offset:2px}"
	".skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:#fff;"
	"color:#0b4f9c;padding:.5rem}"
	"label{display:block;font-weight:600;margin-top:1rem}"
	"input,select,textarea{font:inherit;width:100%;max-width:36rem;box-sizing:border-box;"
	"padding:.5rem;border:1px solid #555;border-radius:4px;background:#fff;color:#1a1a1a}"
	"textarea{min-height:8rem}"
	"button{font:inherit;margin-top:1rem;padding:.6rem 1.2rem;background:#0b4f9c;color:#fff;"
	"border:0;border-radius:4px;cursor:pointer}"
	".warn,.err{border-left:6px solid #b00020;background:#fdecee;padding:.75rem 1rem}"
	".ok{border-left:6px solid #1b5e20;background:#e8f5e9;padding:.75rem 1rem}"
	".hint{color:#444;font-size:.9rem;margin:.25rem 0 0}"
	".hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}"
	".pre{white-space:pre-line}";

static pthread_once_t csp_once = PTHREAD_ONCE_INIT;
static char csp[512];

/* The policy, with the SHA-256 of the inline style: computed once. */
static void csp_init(void)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[64];

	crypto_hash_sha256(h, (const unsigned char *)BASELINE_CSS, strlen(BASELINE_CSS));
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
	snprintf(csp, sizeof(csp),
		 "default-src 'none'; style-src 'self' 'sha256-%s'; script-src 'self'; "
		 "img-src 'self' data: blob:; form-action 'self'; base-uri 'none'; "
		 "frame-ancestors 'none'", b64);
}

struct page {
	FILE *f;
	char *buf;
	size_t len;
	bool en;
	const char *path;
	const char *bad_field; /* the field a refusal named: marked aria-invalid */
};

#define T(p, vi, en_) ((p)->en ? (en_) : (vi))
#define E(p, s) html_escape((p)->f, (s))

static bool page_open(struct page *p, const struct http_req *req, struct http_resp *resp)
{
	memset(p, 0, sizeof(*p));
	p->en = public_lang_en(req);
	p->path = req->path;
	if (!(p->f = open_memstream(&p->buf, &p->len))) {
		http_error(resp, 500, "internal", NULL, "out of memory");
		return false;
	}
	return true;
}

static void nav_link(struct page *p, const char *href, const char *label, const char *current)
{
	fprintf(p->f, "<a href=\"%s\"%s>", href,
		current && !strcmp(current, href) ? " aria-current=\"page\"" : "");
	E(p, label);
	fputs("</a>", p->f);
}

static void page_head(struct page *p, const char *title)
{
	FILE *f = p->f;

	fprintf(f, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<title>", p->en ? "en" : "vi");
	E(p, title);
	fputs(T(p, " — Đầu mối hỗ trợ CNTT", " — IT support desk"), f);
	fprintf(f, "</title>\n<style>%s</style>\n"
		   "<link rel=\"stylesheet\" href=\"/assets/site.css\">\n"
		   "<script src=\"/assets/public.js\" defer></script>\n</head>\n<body>\n",
		BASELINE_CSS);
	fprintf(f, "<a class=\"skip\" href=\"#main\">%s</a>\n", T(p, "Bỏ qua, tới nội dung chính",
								   "Skip to the main content"));
	fputs("<header><div class=\"wrap\">\n<p><strong>", f);
	fputs(T(p, "Đầu mối hỗ trợ công nghệ thông tin", "IT support desk"), f);
	fprintf(f, "</strong></p>\n<nav aria-label=\"%s\">", T(p, "Điều hướng chính", "Main"));
	nav_link(p, "/", T(p, "Trang chủ", "Home"), p->path);
	nav_link(p, "/gui-yeu-cau", T(p, "Gửi yêu cầu hỗ trợ", "Request support"), p->path);
	nav_link(p, "/xac-minh", T(p, "Xác minh cán bộ hỗ trợ", "Verify a support contact"), p->path);
	nav_link(p, "/app/", T(p, "Đăng nhập", "Sign in"), NULL);
	fputs("<a href=\"", f);
	E(p, p->path);
	fprintf(f, "?lang=%s\" lang=\"%s\">%s</a>", p->en ? "vi" : "en", p->en ? "vi" : "en",
		p->en ? "Tiếng Việt" : "English");
	fputs("</nav>\n</div></header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n", f);
}

/* Close the page into resp (text/html) with the page policy and the lang cookie. */
static void page_finish(struct page *p, const struct http_req *req, struct http_resp *resp,
			int status)
{
	const char *q = req->query(req, "lang");

	fputs("</main>\n<footer class=\"wrap\"><p class=\"hint\">", p->f);
	E(p, public_warning(p->en));
	fputs("</p></footer>\n</body>\n</html>\n", p->f);
	if (fclose(p->f) != 0 || !p->buf) {
		free(p->buf);
		http_error(resp, 500, "internal", NULL, "out of memory");
		return;
	}
	json_decref(resp->json);
	resp->json = NULL;
	resp->text = p->buf;
	resp->text_len = p->len;
	resp->status = status;
	resp->ctype = "text/html; charset=utf-8";
	pthread_once(&csp_once, csp_init);
	resp->csp = csp;
	if (q && (!strcmp(q, "en") || !strcmp(q, "vi")))
		resp->set_cookie = strdup(!strcmp(q, "en") ? "lang=en; Path=/; Max-Age=31536000; SameSite=Lax"
							  : "lang=vi; Path=/; Max-Age=31536000; SameSite=Lax");
}

/* ` aria-invalid="true"` on the field a refusal named. */
static const char *invalid(const struct page *p, const char *name)
{
	return p->bad_field && !strcmp(p->bad_field, name) ? " aria-invalid=\"true\"" : "";
}

/* The field the JSON error in resp names, or NULL (borrowed from resp). */
static const char *error_field(const struct http_resp *resp)
{
	return json_string_value(json_object_get(json_object_get(resp->json, "error"), "field"));
}

/* A labelled text input; `value` prefilled (escaped); `hint` below the label. */
static void input(struct page *p, const char *name, const char *type, const char *label,
		  const char *hint, const char *value, bool required, const char *extra)
{
	FILE *f = p->f;

	fprintf(f, "<label for=\"%s\">", name);
	E(p, label);
	if (required)
		fputs(T(p, " (bắt buộc)", " (required)"), f);
	fputs("</label>\n", f);
	if (hint) {
		fprintf(f, "<p class=\"hint\" id=\"%s-hint\">", name);
		E(p, hint);
		fputs("</p>\n", f);
	}
	if (!strcmp(type, "textarea")) {
		fprintf(f, "<textarea id=\"%s\" name=\"%s\"%s%s%s%s%s>", name, name,
			required ? " required" : "", hint ? " aria-describedby=\"" : "",
			hint ? name : "", hint ? "-hint\"" : "", invalid(p, name));
		E(p, value);
		fputs("</textarea>\n", f);
		return;
	}
	fprintf(f, "<input id=\"%s\" name=\"%s\" type=\"%s\"%s%s%s%s%s %s value=\"", name, name,
		type, required ? " required" : "", hint ? " aria-describedby=\"" : "",
		hint ? name : "", hint ? "-hint\"" : "", invalid(p, name), extra ? extra : "");
	E(p, value);
	fputs("\">\n", f);
}

/* The error box of a refused form, from the JSON error in resp. */
static void error_box(struct page *p, const struct http_resp *resp,
		      const char *(*field_text)(const char *field, int status, bool en))
{
	json_t *e = json_object_get(resp->json, "error");
	const char *field = json_string_value(json_object_get(e, "field"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *text = field_text(field, resp->status, p->en);

	fputs("<div class=\"err\" role=\"alert\" id=\"errors\"><p><strong>", p->f);
	fputs(T(p, "Chưa gửi được:", "Not sent:"), p->f);
	fputs("</strong> ", p->f);
	if (resp->status == 429) {
		fprintf(p->f, T(p, "Quý vị đã thao tác quá nhiều lần. Vui lòng thử lại sau %u giây.",
				"Too many attempts. Please try again in %u seconds."),
			resp->retry_after);
	} else if (text) {
		if (field) {
			fputs("<a href=\"#", p->f);
			E(p, field);
			fputs("\">", p->f);
		}
		E(p, text);
		if (field)
			fputs("</a>", p->f);
	} else {
		E(p, p->en && msg ? msg : "Không thực hiện được, vui lòng thử lại sau.");
	}
	fputs("</p></div>\n", p->f);
}

/* ------------------------------------------------------------------------ */
/* Home                                                                     */
/* ------------------------------------------------------------------------ */

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Whether the string `key` of `o` is `v`; a missing one never is. */
static bool str_is(json_t *o, const char *key, const char *v)
{
	const char *s = str(o, key);
	return s && v && !strcmp(s, v);
}

/* The official contacts, grouped: mailboxes, switchboards with extensions, staff. */
static void contacts_section(struct page *p, json_t *items)
{
	FILE *f = p->f;
	char pretty[CONTACT_NORM_SIZE];
	json_t *c, *x;
	size_t i, j;

	fprintf(f, "<section aria-labelledby=\"contacts-h\">\n<h2 id=\"contacts-h\">%s</h2>\n",
		T(p, "Kênh liên hệ chính thức", "Official contacts"));
	fprintf(f, "<p>%s</p>\n<ul>\n", T(p, "Chỉ những kênh dưới đây là của đầu mối hỗ trợ. Cán "
					      "bộ hỗ trợ gọi từ số tổng đài và gửi thư từ các địa "
					      "chỉ này, kèm mã yêu cầu dạng SDyymmdd-xxxxxx.",
					      "Only the channels below belong to the support desk. "
					      "Staff call from the switchboard and write from these "
					      "addresses, quoting a request code SDyymmdd-xxxxxx."));
	json_array_foreach(items, i, c) {
		if (!str_is(c, "kind", "mailbox") || !str(c, "email"))
			continue;
		fputs("<li>", f);
		E(p, str(c, "label"));
		fputs(": <a href=\"mailto:", f);
		E(p, str(c, "email"));
		fputs("\">", f);
		E(p, str(c, "email"));
		fputs("</a></li>\n", f);
	}
	json_array_foreach(items, i, c) {
		bool first = true;
		/* a switchboard: a phone contact with a number and no extension */
		if (!str_is(c, "kind", "phone") || str(c, "extension") || !str(c, "phone"))
			continue;
		fputs("<li>", f);
		E(p, str(c, "label") ? str(c, "label") : "");
		fputs(": ", f);
		if (contact_phone_pretty(str(c, "phone"), pretty, sizeof(pretty)) == 0)
			E(p, pretty);
		json_array_foreach(items, j, x) {
			if (!str_is(x, "kind", "phone") || !str(x, "extension") ||
			    !str_is(x, "phone", str(c, "phone")))
				continue;
			fputs(first ? T(p, ", máy lẻ ", ", extensions ") : ", ", f);
			E(p, str(x, "extension"));
			first = false;
		}
		fputs("</li>\n", f);
	}
	json_array_foreach(items, i, c) {
		if (!str_is(c, "kind", "staff") && !(str_is(c, "kind", "phone") &&
						      str(c, "extension") && !str(c, "phone")))
			continue;
		fputs("<li>", f);
		E(p, str(c, "display_name") ? str(c, "display_name")
					    : str(c, "label") ? str(c, "label") : "");
		if (str(c, "display_name") && str(c, "label") &&
		    !str_is(c, "display_name", str(c, "label"))) {
			fputs(" (", f);
			E(p, str(c, "label"));
			fputs(")", f);
		}
		if (str(c, "extension")) {
			fputs(T(p, ", máy lẻ ", ", extension "), f);
			E(p, str(c, "extension"));
		}
		if (str(c, "email")) {
			fputs(", ", f);
			E(p, str(c, "email"));
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n</section>\n", f);
}

/* "2026-11-21T18:12:00.123Z" → "22/11/2026 01:12", Hà Nội time (UTC+7, no DST). */
static void vn_date(FILE *f, const char *iso)
{
	struct tm tm = { 0 };
	char buf[32];
	time_t t;

	if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
		return;
	t = timegm(&tm) + 7 * 3600;
	if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%d/%m/%Y %H:%M", &tm))
		fputs(buf, f);
}

void page_home(const struct http_req *req, struct http_resp *resp)
{
	json_t *contacts = NULL, *news = NULL, *a;
	struct page p;
	size_t i;

	if (!page_open(&p, req, resp))
		return;
	store_official_list(req->store, false, &contacts);
	store_announcement_list(req->store, false, &news);
	page_head(&p, T(&p, "Trang chủ", "Home"));
	fprintf(p.f, "<h1>%s</h1>\n<p class=\"warn\"><strong>%s</strong> ",
		T(&p, "Đầu mối hỗ trợ công nghệ thông tin", "IT support desk"),
		T(&p, "Cảnh báo giả mạo:", "Beware of impostors:"));
	E(&p, public_warning(p.en));
	fprintf(p.f, "</p>\n<ul>\n<li><a href=\"/gui-yeu-cau\">%s</a></li>\n"
		     "<li><a href=\"/xac-minh\">%s</a></li>\n<li><a href=\"/app/\">%s</a></li>\n</ul>\n",
		T(&p, "Gửi yêu cầu hỗ trợ (kèm ảnh chụp màn hình lỗi)",
		  "Request support (with a screenshot of the error)"),
		T(&p, "Xác minh người xưng là cán bộ hỗ trợ: mã yêu cầu, số điện thoại, địa chỉ thư",
		  "Check someone who says they are support: request code, phone number, address"),
		T(&p, "Đăng nhập dành cho cán bộ hỗ trợ và đơn vị", "Sign in for staff and units"));
	fprintf(p.f, "<section aria-labelledby=\"news-h\">\n<h2 id=\"news-h\">%s</h2>\n",
		T(&p, "Thông báo", "Announcements"));
	if (!json_array_size(news))
		fprintf(p.f, "<p>%s</p>\n", T(&p, "Chưa có thông báo.", "No announcements."));
	json_array_foreach(news, i, a) {
		const char *at = str(a, "published_at");
		fputs("<article>\n<h3>", p.f);
		E(&p, str(a, "title"));
		fputs("</h3>\n<p class=\"hint\"><time datetime=\"", p.f);
		E(&p, at);
		fputs("\">", p.f);
		vn_date(p.f, at);
		fputs("</time></p>\n<p class=\"pre\">", p.f);
		E(&p, str(a, "body"));
		fputs("</p>\n</article>\n", p.f);
	}
	fputs("</section>\n", p.f);
	if (contacts)
		contacts_section(&p, contacts);
	fprintf(p.f, "<section aria-labelledby=\"mail-h\">\n<h2 id=\"mail-h\">%s</h2>\n<p>%s</p>\n"
		     "</section>\n",
		T(&p, "Gửi yêu cầu qua thư điện tử", "Requests by email"),
		T(&p, "Mô tả đầy đủ lỗi, chụp màn hình lỗi, ghi thông tin liên hệ của người gửi và "
		      "nhập tiêu đề thư theo cấu trúc [SHKB#DVC], ví dụ [0010#DVC] cho các đơn vị trên "
		      "địa bàn thành phố Hà Nội.",
		  "Describe the error fully, attach a screenshot, give your contact details and put "
		  "[SHKB#DVC] in the subject, for example [0010#DVC] for units in Hà Nội."));
	json_decref(contacts);
	json_decref(news);
	page_finish(&p, req, resp, 200);
}

/* ------------------------------------------------------------------------ */
/* Verify                                                                   */
/* ------------------------------------------------------------------------ */

static const char *verify_field_text(const char *field, int status, bool en)
{
	(void)status;
	if (!field)
		return NULL;
	if (!strcmp(field, "code"))
		return en ? "The request code looks like SD211208-123456."
			  : "Mã yêu cầu có dạng SDyymmdd-xxxxxx, ví dụ SD211208-123456.";
	if (!strcmp(field, "requester"))
		return en ? "Enter the email address or phone number you sent the request with."
			  : "Nhập địa chỉ thư điện tử hoặc số điện thoại Quý vị đã dùng khi gửi yêu cầu.";
	if (!strcmp(field, "contact"))
		return en ? "Enter the phone number or email address that contacted you."
			  : "Nhập số điện thoại hoặc địa chỉ thư của người đã liên hệ với Quý vị.";
	return NULL;
}

static void verify_form(struct page *p, const char *code, const char *requester,
			const char *contact)
{
	fprintf(p->f, "<form method=\"post\" action=\"/xac-minh%s\">\n", p->en ? "?lang=en" : "");
	input(p, "code", "text", T(p, "Mã yêu cầu", "Request code"),
	      T(p, "Dạng SDyymmdd-xxxxxx, có trong thư xác nhận và trong lời của cán bộ hỗ trợ.",
		"Like SDyymmdd-xxxxxx: in the acknowledgement and given by the support contact."),
	      code, true, "autocomplete=\"off\" spellcheck=\"false\" maxlength=\"32\"");
	input(p, "requester", "text",
	      T(p, "Địa chỉ thư hoặc số điện thoại của Quý vị", "Your email address or phone number"),
	      T(p, "Địa chỉ hoặc số điện thoại đã dùng khi gửi yêu cầu.",
		"The one you sent the request with."),
	      requester, true, "autocomplete=\"email\" maxlength=\"128\"");
	input(p, "contact", "text",
	      T(p, "Số điện thoại hoặc địa chỉ thư của người liên hệ",
		"Phone number or address of the person who contacted you"),
	      T(p, "Không bắt buộc. Ví dụ: 024 6276 4300 máy lẻ 88617.",
		"Optional. For example: 024 6276 4300 ext. 88617."),
	      contact, false, "autocomplete=\"off\" maxlength=\"128\"");
	fprintf(p->f, "<button type=\"submit\">%s</button>\n</form>\n", T(p, "Xác minh", "Verify"));
}

static void verify_result(struct page *p, json_t *r)
{
	bool genuine = str_is(r, "result", "genuine");
	bool unconfirmed = str_is(r, "result", "unconfirmed");
	json_t *c = json_object_get(r, "contact");

	fprintf(p->f, "<section aria-labelledby=\"result-h\" class=\"%s\" role=\"status\">\n"
		      "<h2 id=\"result-h\">", genuine ? "ok" : "warn");
	fputs(genuine ? T(p, "Mã yêu cầu hợp lệ", "Genuine request code")
	      : unconfirmed ? T(p, "Chưa được đầu mối hỗ trợ xác nhận",
				"Not yet confirmed by the support desk")
			    : T(p, "Không xác minh được", "Could not be verified"), p->f);
	fputs("</h2>\n<p>", p->f);
	E(p, str(r, "message") ? str(r, "message") : "");
	fputs("</p>\n<dl>\n", p->f);
	if (genuine) {
		fprintf(p->f, "<dt>%s</dt><dd>", T(p, "Trạng thái", "Status"));
		E(p, str(r, "status_label"));
		fprintf(p->f, "</dd>\n<dt>%s</dt><dd>", T(p, "Cán bộ phụ trách", "Handled by"));
		E(p, str(r, "agent") ? str(r, "agent") : T(p, "chưa phân công", "not yet assigned"));
		fputs("</dd>\n", p->f);
	}
	if (json_is_object(c)) {
		fprintf(p->f, "<dt>%s</dt><dd>", T(p, "Kênh liên hệ", "Contact"));
		E(p, str(c, "given"));
		fputs(" — <strong>", p->f);
		fputs(json_is_true(json_object_get(c, "official"))
			      ? T(p, "chính thức", "official")
			      : T(p, "KHÔNG chính thức", "NOT official"), p->f);
		fputs("</strong>", p->f);
		if (str(c, "label")) {
			fputs(" (", p->f);
			E(p, str(c, "label"));
			fputs(")", p->f);
		}
		fputs("</dd>\n", p->f);
	}
	fputs("</dl>\n<p><strong>", p->f);
	E(p, str(r, "warning"));
	fputs("</strong></p>\n</section>\n", p->f);
}

void page_verify(const struct http_req *req, struct http_resp *resp)
{
	struct public_form f = { 0 };
	json_t *r = NULL;
	struct page p;
	int status = 200;

	if (!page_open(&p, req, resp))
		return;
	if (!strcmp(req->method, "POST")) {
		public_form_parse(req, &f);
		if (f.bad)
			http_error(resp, 400, "invalid_form", NULL, "the form could not be read");
		else if ((r = public_verify(req, f.code, f.requester, f.contact, p.en, resp)))
			json_decref(resp->json), resp->json = NULL;
		if (!r)
			status = resp->status;
	}
	if (!r && status != 200)
		p.bad_field = error_field(resp);
	page_head(&p, T(&p, "Xác minh cán bộ hỗ trợ", "Verify a support contact"));
	fprintf(p.f, "<h1>%s</h1>\n<p>%s</p>\n",
		T(&p, "Xác minh người xưng là cán bộ hỗ trợ", "Check someone who says they are support"),
		T(&p, "Khi có người gọi điện, nhắn tin hay gửi thư xưng là cán bộ hỗ trợ, hãy nhập mã "
		      "yêu cầu họ đưa ra và địa chỉ thư hoặc số điện thoại Quý vị đã dùng khi gửi yêu "
		      "cầu. Trang này cho biết mã có thật và thuộc về yêu cầu của Quý vị hay không, và "
		      "số điện thoại hoặc địa chỉ của người liên hệ có phải kênh chính thức không.",
		  "When someone calls, messages or writes claiming to be support, enter the request "
		  "code they gave and the email address or phone number you sent your request with. "
		  "This page tells you whether the code is genuine and yours, and whether their number "
		  "or address is an official one."));
	if (r)
		verify_result(&p, r);
	else if (status != 200)
		error_box(&p, resp, verify_field_text);
	verify_form(&p, f.code ? f.code : req->query(req, "code"), f.requester, f.contact);
	json_decref(r);
	public_form_clear(&f);
	page_finish(&p, req, resp, status);
}

/* ------------------------------------------------------------------------ */
/* Submit                                                                   */
/* ------------------------------------------------------------------------ */

static const char *submit_field_text(const char *field, int status, bool en)
{
	static const struct {
		const char *field, *vi, *en;
	} texts[] = {
		{ "unit", "Đơn vị không có trong danh sách.", "Choose a unit from the list." },
		{ "service", "Dịch vụ không có trong danh sách.", "Choose a service from the list." },
		{ "subject", "Nhập tiêu đề: một dòng, tối đa 300 ký tự.",
		  "Enter a subject: one line, at most 300 characters." },
		{ "description", "Mô tả lỗi gặp phải (tối đa 64 KB).",
		  "Describe the problem (at most 64 KB)." },
		{ "name", "Nhập họ và tên người gửi.", "Enter your name." },
		{ "email", "Nhập địa chỉ thư điện tử hợp lệ, hoặc số điện thoại.",
		  "Enter a valid email address, or a phone number." },
		{ "phone", "Số điện thoại không hợp lệ, ví dụ 0912 345 678.",
		  "Enter a phone number such as 0912 345 678." },
		{ "website", "Yêu cầu bị từ chối.", "The request was refused." },
	};

	if (!field)
		return NULL;
	if (!strcmp(field, "screenshot"))
		return status == 413 ? (en ? "The screenshot may be at most 5 MB."
					   : "Ảnh chụp màn hình tối đa 5 MB.")
				     : (en ? "The screenshot must be a PNG, JPEG, WebP or GIF image."
					   : "Ảnh chụp màn hình phải là tệp PNG, JPEG, WebP hoặc GIF.");
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(texts[i].field, field))
			return en ? texts[i].en : texts[i].vi;
	return NULL;
}

/* A <select> of code/name items, `value` selected; an empty first choice. */
static void picker(struct page *p, const char *name, const char *label, const char *hint,
		   const char *none, json_t *items, const char *value)
{
	json_t *o;
	size_t i;

	fprintf(p->f, "<label for=\"%s\">", name);
	E(p, label);
	fprintf(p->f, "</label>\n<p class=\"hint\" id=\"%s-hint\">", name);
	E(p, hint);
	fprintf(p->f, "</p>\n<select id=\"%s\" name=\"%s\" aria-describedby=\"%s-hint\"%s>\n"
		      "<option value=\"\">", name, name, name, invalid(p, name));
	E(p, none);
	fputs("</option>\n", p->f);
	json_array_foreach(items, i, o) {
		const char *code = str(o, "code");
		fputs("<option value=\"", p->f);
		E(p, code);
		fprintf(p->f, "\"%s>", value && code && !strcasecmp(value, code) ? " selected" : "");
		E(p, code);
		fputs(" — ", p->f);
		E(p, str(o, "name"));
		fputs("</option>\n", p->f);
	}
	fputs("</select>\n", p->f);
}

static void submit_form(struct page *p, const struct http_req *req, const struct public_form *f)
{
	json_t *units = NULL, *services = NULL;

	store_unit_list(req->store, &units);
	store_service_list(req->store, &services);
	fprintf(p->f, "<form method=\"post\" action=\"/gui-yeu-cau%s\" "
		      "enctype=\"multipart/form-data\">\n", p->en ? "?lang=en" : "");
	picker(p, "unit", T(p, "Đơn vị", "Unit"),
	       T(p, "Mã và tên đơn vị của Quý vị (SHKB). Chưa rõ thì để trống.",
		 "Your unit's code and name. Leave it empty if you are not sure."),
	       T(p, "— Chưa rõ —", "— Not sure —"), units, f->unit);
	picker(p, "service", T(p, "Dịch vụ", "Service"),
	       T(p, "Hệ thống gặp lỗi.", "The system with the problem."),
	       T(p, "— Chưa rõ —", "— Not sure —"), services, f->service);
	input(p, "subject", "text", T(p, "Tiêu đề", "Subject"), NULL, f->subject, true,
	      "maxlength=\"300\"");
	input(p, "description", "textarea", T(p, "Mô tả lỗi", "Description"),
	      T(p, "Thao tác đã làm, thông báo lỗi hiện ra, thời điểm xảy ra.",
		"What you did, the error message shown, when it happened."),
	      f->description, true, NULL);
	input(p, "name", "text", T(p, "Họ và tên người gửi", "Your name"), NULL, f->name, true,
	      "autocomplete=\"name\" maxlength=\"200\"");
	input(p, "email", "email", T(p, "Địa chỉ thư điện tử", "Email address"),
	      T(p, "Thư xác nhận kèm mã yêu cầu sẽ gửi về địa chỉ này. Cần địa chỉ thư hoặc số "
		   "điện thoại.", "The acknowledgement with the request code goes here. An address or "
		   "a phone number is needed."),
	      f->email, false, "autocomplete=\"email\" maxlength=\"254\"");
	input(p, "phone", "tel", T(p, "Số điện thoại", "Phone number"), NULL, f->phone, false,
	      "autocomplete=\"tel\" maxlength=\"64\"");
	fprintf(p->f, "<label for=\"screenshot\">%s</label>\n<p class=\"hint\" id=\"screenshot-hint\">"
		      "%s</p>\n<input id=\"screenshot\" name=\"screenshot\" type=\"file\" "
		      "accept=\"image/*\" aria-describedby=\"screenshot-hint\"%s>\n",
		T(p, "Ảnh chụp màn hình lỗi", "Screenshot of the error"),
		T(p, "Không bắt buộc. PNG, JPEG, WebP hoặc GIF, tối đa 5 MB.",
		  "Optional. PNG, JPEG, WebP or GIF, at most 5 MB."), invalid(p, "screenshot"));
	/* the honeypot: hidden from people (and from assistive technology) */
	fprintf(p->f, "<div class=\"hp\" aria-hidden=\"true\"><label for=\"website\">%s</label>"
		      "<input id=\"website\" name=\"website\" type=\"text\" tabindex=\"-1\" "
		      "autocomplete=\"off\" value=\"\"></div>\n",
		T(p, "Để trống ô này", "Leave this empty"));
	fprintf(p->f, "<button type=\"submit\">%s</button>\n</form>\n",
		T(p, "Gửi yêu cầu", "Send the request"));
	json_decref(units);
	json_decref(services);
}

void page_submit(const struct http_req *req, struct http_resp *resp)
{
	struct public_form f = { 0 };
	char code[16] = "";
	struct page p;
	int status = 200;

	if (!page_open(&p, req, resp))
		return;
	if (!strcmp(req->method, "POST")) {
		public_form_parse(req, &f);
		if (public_submit(req, &f, code, resp))
			status = 201;
		else
			status = resp->status;
	}
	if (status != 200 && status != 201)
		p.bad_field = error_field(resp);
	page_head(&p, T(&p, "Gửi yêu cầu hỗ trợ", "Request support"));
	fprintf(p.f, "<h1>%s</h1>\n", T(&p, "Gửi yêu cầu hỗ trợ", "Request support"));
	if (status == 201) {
		fprintf(p.f, "<section class=\"ok\" role=\"status\" aria-labelledby=\"done-h\">\n"
			     "<h2 id=\"done-h\">%s</h2>\n<p>%s <strong id=\"request-code\">",
			T(&p, "Đã nhận yêu cầu", "Request received"),
			T(&p, "Mã yêu cầu của Quý vị:", "Your request code:"));
		E(&p, code);
		fputs("</strong></p>\n", p.f);
		if (f.email && *f.email)
			fprintf(p.f, "<p>%s</p>\n", T(&p, "Thư xác nhận kèm mã này đã được gửi tới địa chỉ "
							   "thư điện tử Quý vị cung cấp.",
							   "An acknowledgement with this code is on its way "
							   "to the email address you gave."));
		fprintf(p.f, "<p>%s</p>\n<p><a href=\"/xac-minh?code=",
			T(&p, "Hãy ghi lại mã này. Cán bộ hỗ trợ sẽ nêu mã này khi liên hệ; Quý vị có "
			      "thể kiểm tra bất kỳ ai xưng là cán bộ hỗ trợ tại trang Xác minh.",
			  "Keep this code. Support staff quote it when they contact you; you can check "
			  "anyone who says they are support on the verification page."));
		html_url_part(p.f, code);
		fprintf(p.f, "%s\">%s</a></p>\n</section>\n", p.en ? "&amp;lang=en" : "",
			T(&p, "Xác minh người liên hệ với mã này", "Verify a contact with this code"));
	} else {
		fprintf(p.f, "<p>%s</p>\n",
			T(&p, "Mô tả đầy đủ lỗi và để lại địa chỉ thư hoặc số điện thoại để cán bộ hỗ "
			      "trợ liên hệ. Các ô có ghi (bắt buộc) phải điền.",
			  "Describe the problem fully and leave an address or a phone number so that "
			  "support can reach you. Fields marked (required) must be filled in."));
		if (status != 200)
			error_box(&p, resp, submit_field_text);
		submit_form(&p, req, &f);
	}
	public_form_clear(&f);
	page_finish(&p, req, resp, status);
}
