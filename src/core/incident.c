/*
 * incident.c — categories, severities, reporting deadlines, times in
 * Vietnam's zone, and the category guess (see incident.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/fold.h"
#include "core/incident.h"

#define VN_OFFSET (7 * 3600) /* Asia/Ho_Chi_Minh: UTC+7 all year */

static const struct {
	const char *name, *vi, *en;
} categories[INC__COUNT] = {
	{ "malware", "Mã độc, phần mềm đánh cắp thông tin", "Malware, info-stealer" },
	{ "account_compromise", "Tài khoản bị lộ lọt, chiếm đoạt", "Account leak or takeover" },
	{ "impersonation", "Lừa đảo, giả mạo cán bộ hỗ trợ", "Phishing, impersonation of support staff" },
	{ "data_leak", "Lộ lọt dữ liệu", "Data leak" },
	{ "vuln_exploit", "Khai thác lỗ hổng", "Vulnerability exploitation" },
	{ "defacement", "Thay đổi giao diện trang web", "Defacement" },
	{ "dos", "Tấn công từ chối dịch vụ", "Denial of service" },
	{ "other", "Khác", "Other" },
};

static const struct {
	const char *name, *vi, *en;
} severities[SEV__COUNT] = {
	{ "low", "Thấp", "Low" },
	{ "medium", "Trung bình", "Medium" },
	{ "high", "Cao", "High" },
	{ "critical", "Nghiêm trọng", "Critical" },
};

static bool english(const char *lang)
{
	return lang && strcmp(lang, "en") == 0;
}

const char *inc_category_name(enum inc_category c)
{
	return (unsigned)c < INC__COUNT ? categories[c].name : NULL;
}

const char *inc_category_label(enum inc_category c, const char *lang)
{
	if ((unsigned)c >= INC__COUNT)
		return NULL;
	return english(lang) ? categories[c].en : categories[c].vi;
}

int inc_category_parse(const char *s)
{
	for (int i = 0; s && i < INC__COUNT; i++)
		if (strcmp(s, categories[i].name) == 0)
			return i;
	return -1;
}

const char *inc_severity_name(enum inc_severity s)
{
	return (unsigned)s < SEV__COUNT ? severities[s].name : NULL;
}

const char *inc_severity_label(enum inc_severity s, const char *lang)
{
	if ((unsigned)s >= SEV__COUNT)
		return NULL;
	return english(lang) ? severities[s].en : severities[s].vi;
}

int inc_severity_parse(const char *s)
{
	for (int i = 0; s && i < SEV__COUNT; i++)
		if (strcmp(s, severities[i].name) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------------------ */
/* Deadlines                                                                */
/* ------------------------------------------------------------------------ */

enum inc_deadline_state inc_deadline_state(int64_t due, int64_t done, int64_t now)
{
	if (!due)
		return DL_NONE;
	if (done)
		return done <= due ? DL_MET : DL_LATE;
	if (now > due)
		return DL_OVERDUE;
	return due - now <= INC_DUE_SOON_S ? DL_DUE_SOON : DL_OK;
}

static const struct {
	const char *name, *vi, *en;
} dl_names[] = {
	{ NULL, "Chưa tính", "Not started" },
	{ "ok", "Còn hạn", "On time" },
	{ "due_soon", "Sắp đến hạn", "Due soon" },
	{ "overdue", "Quá hạn", "Overdue" },
	{ "met", "Đã báo cáo đúng hạn", "Reported on time" },
	{ "late", "Đã báo cáo muộn", "Reported late" },
};

const char *inc_deadline_name(enum inc_deadline_state s)
{
	return (unsigned)s <= DL_LATE ? dl_names[s].name : NULL;
}

const char *inc_deadline_label(enum inc_deadline_state s, const char *lang)
{
	if ((unsigned)s > DL_LATE)
		return NULL;
	return english(lang) ? dl_names[s].en : dl_names[s].vi;
}

/* ------------------------------------------------------------------------ */
/* Times                                                                    */
/* ------------------------------------------------------------------------ */

void inc_time_iso(int64_t t, char buf[INC_TIME_SIZE])
{
	time_t local = (time_t)(t + VN_OFFSET);
	struct tm tm;

	gmtime_r(&local, &tm);
	strftime(buf, INC_TIME_SIZE, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

void inc_time_vn(int64_t t, char buf[INC_TIME_SIZE])
{
	time_t local = (time_t)(t + VN_OFFSET);
	struct tm tm;

	gmtime_r(&local, &tm);
	strftime(buf, INC_TIME_SIZE, "%d/%m/%Y %H:%M", &tm);
}

static int digits(const char *s, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int inc_time_parse(const char *s, int64_t *ret)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, off = VN_OFFSET;
	const char *p;
	time_t t;

	if (!s || strlen(s) < 10 || digits(s, 4, &y) < 0 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) < 0 || s[7] != '-' || digits(s + 8, 2, &d) < 0)
		return -1;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (digits(p + 1, 2, &h) < 0 || p[3] != ':' || digits(p + 4, 2, &mi) < 0)
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec) < 0)
				return -1;
			p += 3;
			if (*p == '.') {
				p++;
				if (*p < '0' || *p > '9')
					return -1;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (*p == 'Z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			if (digits(p + 1, 2, &oh) < 0 || p[3] != ':' || digits(p + 4, 2, &om) < 0 ||
			    oh > 14 || om > 59)
				return -1;
			off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
			p += 6;
		}
	}
	if (*p)
		return -1;
	if (y < 1970 || y > 9000 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if ((int64_t)t - off < 0)
		return -1; /* before 1970 in UTC: no such detection */
	*ret = (int64_t)t - off;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Mail subjects and the category guess                                     */
/* ------------------------------------------------------------------------ */

bool inc_subject_is_report(const char *subject)
{
	const char *p = subject;

	if (!p)
		return false;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "re:", 3) == 0)
			p += 3;
		else if (strncasecmp(p, "fw:", 3) == 0)
			p += 3;
		else if (strncasecmp(p, "fwd:", 4) == 0)
			p += 4;
		else
			break;
	}
	return strncasecmp(p, "[TBSC]", 6) == 0;
}

/* Folded keywords (see core/fold.h) per category, matched as whole words. */
static const char *const keywords[INC__COUNT][12] = {
	[INC_MALWARE] = { "ma doc", "malware", "virus", "ransomware", "trojan", "info stealer",
			  "infostealer", "stealer", "botnet", "ma hoa du lieu", "keylogger", NULL },
	[INC_ACCOUNT_COMPROMISE] = { "tai khoan bi", "chiem doat tai khoan", "chiem quyen",
				     "lo mat khau", "mat khau bi lo", "dang nhap trai phep",
				     "account takeover", "bi chiem tai khoan", NULL },
	[INC_IMPERSONATION] = { "gia mao", "mao danh", "lua dao", "phishing", "tu xung",
				"ultraviewer", "teamviewer", "anydesk", "zalo", NULL },
	[INC_DATA_LEAK] = { "lo lot du lieu", "ro ri du lieu", "lo du lieu", "lo lot thong tin",
			    "data leak", "du lieu ca nhan bi", "ro ri thong tin", NULL },
	[INC_VULN_EXPLOIT] = { "lo hong", "khai thac", "cve", "exploit", "vulnerability", NULL },
	[INC_DEFACEMENT] = { "deface", "thay doi giao dien", "sua giao dien", "chen noi dung",
			     "trang chu bi thay", NULL },
	[INC_DOS] = { "tu choi dich vu", "ddos", "dos", "nghen mang", NULL },
	[INC_OTHER] = { NULL },
};

enum inc_category inc_category_guess(const char *text, size_t len)
{
	char *f = fold_text(text, len), *padded;
	int best = INC_OTHER, best_score = 0;
	size_t n;

	if (!f)
		return INC_OTHER;
	n = strlen(f);
	if (!(padded = malloc(n + 3))) {
		free(f);
		return INC_OTHER;
	}
	padded[0] = ' ';
	memcpy(padded + 1, f, n);
	padded[n + 1] = ' ';
	padded[n + 2] = '\0';
	for (int c = 0; c < INC__COUNT; c++) {
		int score = 0;
		for (int k = 0; k < 12 && keywords[c][k]; k++) {
			char key[64];
			const char *p = padded;
			snprintf(key, sizeof(key), " %s ", keywords[c][k]);
			while ((p = strstr(p, key)) != NULL) {
				score++;
				p += strlen(key) - 1;
			}
		}
		if (score > best_score) {
			best = c;
			best_score = score;
		}
	}
	free(padded);
	free(f);
	return (enum inc_category)best;
}
