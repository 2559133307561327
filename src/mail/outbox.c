/*
 * outbox.c — composing and sending outbound mail (see outbox.h).
 */
#include "mail/outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *str(const json_t *row, const char *key)
{
	const char *v = json_string_value(json_object_get(row, key));
	return v ? v : "";
}

/* The acknowledgement: the code, how to verify contacts, the anti-fraud notice (R4). */
static char *ack_text(const struct outbox_config *cfg, const char *code, const char *subject)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f,
		"Kính gửi Quý đơn vị,\n\n"
		"Đầu mối hỗ trợ đã nhận yêu cầu của Quý đơn vị:\n"
		"  \"%s\"\n"
		"Mã yêu cầu: %s\n\n"
		"Khi trả lời, xin giữ nguyên mã yêu cầu trong tiêu đề thư.\n\n"
		"CẢNH BÁO GIẢ MẠO: cán bộ hỗ trợ KHÔNG BAO GIỜ đề nghị Quý đơn vị cung cấp mật khẩu,\n"
		"mã PIN chứng thư số hay cài đặt phần mềm truy cập từ xa (UltraViewer, TeamViewer,\n"
		"AnyDesk). Không gửi các thông tin đó qua thư điện tử. Khi có người liên hệ và xưng\n"
		"là cán bộ hỗ trợ, hãy kiểm tra mã yêu cầu và số điện thoại, địa chỉ thư của người đó tại:\n"
		"  %s?code=%s\n\n"
		"Trân trọng,\n%s\n\n"
		"---\n"
		"Dear colleague,\n\n"
		"We have received your request \"%s\" under the code %s. Please keep the code in the\n"
		"subject when you reply. Support staff NEVER ask for passwords, certificate PINs or\n"
		"remote-access software (UltraViewer, TeamViewer, AnyDesk); do not send them by email.\n"
		"If someone contacts you claiming to be support, check the code and their phone number\n"
		"or address at %s?code=%s\n",
		subject, code, cfg->verify_url, code, cfg->from_name, subject, code, cfg->verify_url,
		code);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *outbox_compose(const struct outbox_config *cfg, const json_t *row, char *ret_message_id,
		     size_t id_size)
{
	const char *kind = str(row, "kind"), *code = str(row, "code"), *subject = str(row, "subject");
	const char *irt = str(row, "in_reply_to"), *domain = cfg->domain;
	/* an SLA escalation goes to staff: not a reply in the requester's thread */
	bool escalation = !strcmp(kind, "escalation");
	GMimeMessage *m;
	GMimeTextPart *part;
	char *text, *out, subj[1200], refs[1100];

	if (!domain || !*domain)
		domain = strchr(cfg->from_addr, '@') ? strchr(cfg->from_addr, '@') + 1 : "localhost";
	snprintf(ret_message_id, id_size, "%s@%s", str(row, "message_id"), domain);
	if (!strcmp(kind, "ack"))
		text = ack_text(cfg, code, subject);
	else
		text = strdup(str(row, "body"));
	if (!text)
		return NULL;
	m = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, cfg->from_name, cfg->from_addr);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, str(row, "to"));
	snprintf(subj, sizeof(subj), "%s[%s] %s",
		 escalation ? "[SLA] " : strcmp(kind, "ack") ? "Re: " : "", code, subject);
	g_mime_message_set_subject(m, subj, "utf-8");
	g_mime_message_set_message_id(m, ret_message_id);
	{
		GDateTime *now = g_date_time_new_now_utc();
		g_mime_message_set_date(m, now);
		g_date_time_unref(now);
	}
	if (*irt && !escalation) {
		snprintf(refs, sizeof(refs), "<%s>", irt);
		g_mime_object_set_header((GMimeObject *)m, "In-Reply-To", refs, NULL);
		g_mime_object_set_header((GMimeObject *)m, "References", refs, NULL);
	}
	if (!strcmp(kind, "ack"))
		g_mime_object_set_header((GMimeObject *)m, "Auto-Submitted", "auto-replied", NULL);
	else if (escalation)
		g_mime_object_set_header((GMimeObject *)m, "Auto-Submitted", "auto-generated", NULL);
	if (cfg->loop_id)
		g_mime_object_set_header((GMimeObject *)m, "X-Loop", cfg->loop_id, NULL);
	part = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(part, text);
	g_mime_message_set_mime_part(m, (GMimeObject *)part);
	g_object_unref(part);
	out = g_mime_object_to_string((GMimeObject *)m, NULL);
	g_object_unref(m);
	free(text);
	if (!out)
		return NULL;
	text = strdup(out);
	g_free(out);
	return text;
}

/* ------------------------------------------------------------------------ */
/* Sending                                                                  */
/* ------------------------------------------------------------------------ */

static int maildir_put(const char *dir, const char *msg, char *errbuf, size_t errlen)
{
	static atomic_uint seq;
	char tmp[4096], dst[4096], sub[4096];
	size_t left = strlen(msg);
	int fd;

	snprintf(sub, sizeof(sub), "%s/tmp", dir);
	mkdir(dir, 0750);
	mkdir(sub, 0750);
	snprintf(sub, sizeof(sub), "%s/new", dir);
	mkdir(sub, 0750);
	snprintf(sub, sizeof(sub), "%s/cur", dir);
	mkdir(sub, 0750);
	snprintf(tmp, sizeof(tmp), "%s/tmp/%ld.%d_%u.ungcuu", dir, (long)time(NULL), (int)getpid(),
		 atomic_fetch_add(&seq, 1));
	snprintf(dst, sizeof(dst), "%s/new/%s", dir, strrchr(tmp, '/') + 1);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0)
		goto fail;
	while (left) {
		ssize_t n = write(fd, msg, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			goto fail;
		}
		msg += n;
		left -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, dst) < 0)
		goto fail;
	return 0;
fail:
	snprintf(errbuf, errlen, "maildir '%s': %s", dir, strerror(errno));
	unlink(tmp);
	return -EIO;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

int outbox_send(const struct outbox_config *cfg, const char *to, const char *msg, char *errbuf,
		size_t errlen)
{
	struct curl_slist *rcpt = NULL;
	struct upload u = { msg, strlen(msg) };
	char from[512], rto[512], cerr[CURL_ERROR_SIZE] = "";
	CURLcode res;
	CURL *c;

	if (cfg->maildir)
		return maildir_put(cfg->maildir, msg, errbuf, errlen);
	if (!cfg->smtp_url) {
		snprintf(errbuf, errlen, "no relay configured (--smtp-url or --maildir)");
		return -ENOTCONN;
	}
	if (!(c = curl_easy_init())) {
		snprintf(errbuf, errlen, "cannot start libcurl");
		return -ENOMEM;
	}
	snprintf(from, sizeof(from), "<%s>", cfg->from_addr);
	snprintf(rto, sizeof(rto), "<%s>", to);
	rcpt = curl_slist_append(rcpt, rto);
	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY); /* STARTTLS when offered */
	if (cfg->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_pass ? cfg->smtp_pass : "");
	}
	res = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	if (res != CURLE_OK) {
		snprintf(errbuf, errlen, "%s", cerr[0] ? cerr : curl_easy_strerror(res));
		return -EIO;
	}
	return 0;
}

int outbox_run_once(struct store *st, const struct outbox_config *cfg)
{
	int64_t now = (int64_t)time(NULL);
	json_t *rows, *row;
	size_t i;
	int sent = 0;

	if (store_outbox_due(st, now, 50, &rows) < 0)
		return 0;
	json_array_foreach(rows, i, row) {
		int64_t id = json_integer_value(json_object_get(row, "id"));
		int64_t attempts = json_integer_value(json_object_get(row, "attempts"));
		char mid[256], err[512] = "";
		char *msg = outbox_compose(cfg, row, mid, sizeof(mid));
		int rc = msg ? outbox_send(cfg, str(row, "to"), msg, err, sizeof(err)) : -ENOMEM;

		free(msg);
		if (rc == 0) {
			store_outbox_done(st, id, true, mid, NULL, 0);
			sent++;
		} else {
			/* back off 1, 2, 4 ... minutes, at most 6 hours; then give up */
			int64_t wait = 60LL << (attempts < 9 ? attempts : 9);
			if (wait > 6 * 3600)
				wait = 6 * 3600;
			store_outbox_done(st, id, false, mid, err[0] ? err : "cannot compose",
					  attempts + 1 >= cfg->max_attempts ? 0 : now + wait);
		}
	}
	json_decref(rows);
	return sent;
}

struct outbox_worker {
	pthread_t t;
	atomic_bool stop;
	struct store *st;
	const struct outbox_config *cfg;
};

static void *worker_main(void *arg)
{
	struct outbox_worker *w = arg;

	while (!atomic_load(&w->stop)) {
		outbox_run_once(w->st, w->cfg);
		for (int i = 0; i < 10 && !atomic_load(&w->stop); i++)
			usleep(100000);
	}
	return NULL;
}

int outbox_worker_start(struct store *st, const struct outbox_config *cfg,
			struct outbox_worker **ret)
{
	struct outbox_worker *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->st = st;
	w->cfg = cfg;
	if (pthread_create(&w->t, NULL, worker_main, w) != 0) {
		free(w);
		return -EAGAIN;
	}
	*ret = w;
	return 0;
}

void outbox_worker_stop(struct outbox_worker *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, true);
	pthread_join(w->t, NULL);
	free(w);
}
