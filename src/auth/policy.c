/*
 * policy.c — the password policy (see policy.h).
 */
#include "auth/policy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unictype.h>
#include <unistr.h>
#include <zxcvbn.h>

#include "core/fold.h"

/*
 * Passwords that systems hand out or people choose first, including the
 * Vietnamese habits (matkhau = "password", names of places and agencies
 * followed by @123).  Compared case-insensitively.  The default-password
 * rule and the built-in breached list both use it.
 */
static const char *const common[] = {
	"123456", "1234567", "12345678", "123456789", "1234567890", "12345678910", "111111",
	"000000", "123123", "654321", "666666", "888888", "abc123", "abc@123", "abc@1234",
	"abc@12345", "abc@123456", "abcd@1234", "abcd1234", "a123456", "a@123456", "aa123456",
	"aa@123456", "aa123456@", "aa@12345678", "123456a@", "123456aa@", "123456a", "qwerty",
	"qwerty123", "qwerty@123", "1qaz@wsx", "1qaz2wsx", "zxcv@1234", "zaq1@wsx", "password",
	"password1", "password@1", "password@123", "password123", "passw0rd", "p@ssw0rd",
	"p@ssword", "p@ssw0rd123", "p@ssw0rd@123", "admin", "admin123", "admin@123",
	"admin@1234", "admin@2023", "admin@2024", "administrator", "root", "root@123", "toor",
	"welcome", "welcome1", "welcome@123", "changeme", "changeme@123", "letmein", "iloveyou",
	"matkhau", "matkhau123", "matkhau@123", "mat@khau123", "vietnam", "vietnam@123",
	"vietnam@2024", "hanoi@123", "hanoi@2024", "saigon@123", "kbnn@123", "kbnn@2024",
	"kbnn@12345", "ktnn@123", "dvc@123", "dvc@123456", "dichvucong", "dichvucong@123",
	"vnpt@123", "vnpt@2024", "viettel@123", "fpt@123", "sotttt@123", "ubnd@123",
	"cntt@123", "hotro@123", "hotrocntt", "user@123", "user123", "guest", "test@123",
	"test123", "demo@123", "default", "1q2w3e4r", "1q2w3e4r5t", "aabbcc", "aabbcc@123",
	"aabc146#@", "aabc@123", "12345@abc", "123@abc", "@123456", "abc12345@",
};

int policy_builtin_breached(void *ctx, const char *password, uint32_t *ret_count)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (strcasecmp(password, common[i]) == 0) {
			*ret_count = 1;
			return 0;
		}
	return -ENOENT;
}

int policy_score(double bits)
{
	/* zxcvbn's thresholds on guesses 10^3, 10^6, 10^8, 10^10, in bits */
	double log10_guesses = bits * log10(2.0);

	if (log10_guesses < 3)
		return 0;
	if (log10_guesses < 6)
		return 1;
	if (log10_guesses < 8)
		return 2;
	if (log10_guesses < 10)
		return 3;
	return 4;
}

/* Folded text with the spaces removed ("Hà Nội" -> "hanoi"); NULL when empty. */
static char *squash(const char *s)
{
	char *f, *o;

	if (!s || !*s || !(f = fold_text(s, strlen(s))))
		return NULL;
	o = f;
	for (char *p = f; *p; p++)
		if (*p != ' ')
			*o++ = *p;
	*o = '\0';
	if (!*f) {
		free(f);
		return NULL;
	}
	return f;
}

static bool contains_personal(const char *pw, const struct policy_subject *who)
{
	char local[256] = "", *folded_pw = squash(pw);
	const char *words[4];
	bool hit = false;

	if (!folded_pw)
		return false;
	if (who->email) {
		snprintf(local, sizeof(local), "%.*s", (int)strcspn(who->email, "@"), who->email);
	}
	words[0] = who->username;
	words[1] = local;
	words[2] = who->display_name;
	words[3] = who->unit_name;
	for (int i = 0; i < 4 && !hit; i++) {
		char *w = squash(words[i]);
		/* a one- or two-letter word is in too many passwords to mean anything */
		if (w && strlen(w) >= 3 && strstr(folded_pw, w))
			hit = true;
		free(w);
	}
	free(folded_pw);
	return hit;
}

/* The user dictionary for zxcvbn: the subject's words, folded, plus the
 * organisation's and the commonest Vietnamese words typed without marks. */
static double strength(const char *pw, const struct policy_subject *who)
{
	static const char *const org[] = {
		"kho", "bac", "khobac", "nha", "nuoc", "nhanuoc", "kbnn", "ktnn", "dichvucong", "dvc",
		"hotro", "cntt", "ubnd", "so", "tttt", "vietnam", "hanoi", "matkhau", "taikhoan",
		"dangnhap", "anh", "em", "yeu", "nguyen", "tran", "le", "pham", "hoang", "phan", "vu",
		"dang", "bui", "do", "ho", "ngo", "duong", "ly",
	};
	const char *dict[64];
	char *owned[16];
	int nd = 0, no = 0;
	const char *mine[4] = { who->username, who->email, who->display_name, who->unit_name };
	double bits;

	for (int i = 0; i < 4; i++) {
		char *f = mine[i] ? fold_text(mine[i], strlen(mine[i])) : NULL, *save = NULL;
		if (!f)
			continue;
		owned[no++] = f;
		for (char *t = strtok_r(f, " ", &save); t && nd < 48; t = strtok_r(NULL, " ", &save))
			dict[nd++] = t;
	}
	for (size_t i = 0; i < sizeof(org) / sizeof(org[0]) && nd < 63; i++)
		dict[nd++] = org[i];
	dict[nd] = NULL;
	bits = ZxcvbnMatch(pw, dict, NULL);
	while (no)
		free(owned[--no]);
	return bits;
}

void policy_check(const struct policy *p, const char *pw, const struct policy_subject *who,
		  const struct policy_hooks *hooks, struct policy_result *ret)
{
	static const struct policy_subject nobody = { 0 };
	const uint8_t *s = (const uint8_t *)pw;
	bool lower = false, upper = false, digit = false, special = false;
	size_t chars = 0, n = strlen(pw);
	uint32_t count = 0;
	int rc;

	memset(ret, 0, sizeof(*ret));
	if (!who)
		who = &nobody;
	for (const uint8_t *q = s; q < s + n;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, q, (size_t)(s + n - q));
		q += len > 0 ? len : 1;
		chars++;
		if (uc_is_lower(c))
			lower = true;
		else if (uc_is_upper(c))
			upper = true;
		else if (uc_is_digit(c))
			digit = true;
		else if (!uc_is_alpha(c))
			special = true;
		else
			lower = true; /* a letter without case (rare in passwords) */
	}
	if (chars < p->min_length)
		ret->failed |= 1u << PR_TOO_SHORT;
	if (chars > p->max_length)
		ret->failed |= 1u << PR_TOO_LONG;
	if (p->require_classes) {
		if (!lower)
			ret->failed |= 1u << PR_NO_LOWER;
		if (!upper)
			ret->failed |= 1u << PR_NO_UPPER;
		if (!digit)
			ret->failed |= 1u << PR_NO_DIGIT;
		if (!special)
			ret->failed |= 1u << PR_NO_SPECIAL;
	}
	if (contains_personal(pw, who))
		ret->failed |= 1u << PR_PERSONAL;
	if (policy_builtin_breached(NULL, pw, &count) == 0)
		ret->failed |= 1u << PR_DEFAULT;
	if (hooks && hooks->breached)
		rc = hooks->breached(hooks->breached_ctx, pw, &count);
	else
		rc = policy_builtin_breached(NULL, pw, &count);
	if (rc == 0) {
		ret->failed |= 1u << PR_BREACHED;
		ret->breach_count = count;
	} else if (rc != -ENOENT) {
		ret->failed |= 1u << PR_BREACHED; /* cannot tell: refuse */
	}
	/* zxcvbn is quadratic in the length: past max_length the password is
	 * refused anyway, so do not pay for it */
	if (chars <= p->max_length) {
		ret->score = policy_score(strength(pw, who));
		if (ret->score < p->min_score)
			ret->failed |= 1u << PR_WEAK;
	}
	if (hooks && hooks->reused && p->history > 0 &&
	    hooks->reused(hooks->reused_ctx, pw, p->history) == 1)
		ret->failed |= 1u << PR_REUSED;
}

static const struct {
	const char *code, *vi, *en;
} rules[PR__MAX] = {
	[PR_TOO_SHORT] = { "too_short", "Mật khẩu phải có ít nhất %zu ký tự",
			   "must be at least %zu characters long" },
	[PR_TOO_LONG] = { "too_long", "Mật khẩu không được dài quá %zu ký tự",
			  "must be at most %zu characters long" },
	[PR_NO_LOWER] = { "no_lower", "Mật khẩu phải có chữ thường (a–z)",
			  "must contain a lower-case letter" },
	[PR_NO_UPPER] = { "no_upper", "Mật khẩu phải có chữ hoa (A–Z)",
			  "must contain an upper-case letter" },
	[PR_NO_DIGIT] = { "no_digit", "Mật khẩu phải có chữ số (0–9)", "must contain a digit" },
	[PR_NO_SPECIAL] = { "no_special", "Mật khẩu phải có ký tự đặc biệt (ví dụ # @ ! %%)",
			    "must contain a special character (such as # @ ! %%)" },
	[PR_PERSONAL] = { "personal",
			  "Mật khẩu không được chứa tên đăng nhập, họ tên, địa chỉ thư hay tên đơn vị",
			  "must not contain your username, name, email address or unit name" },
	[PR_DEFAULT] = { "default", "Đây là mật khẩu mặc định hoặc quá phổ biến",
			 "is a default or very common password" },
	[PR_BREACHED] = { "breached", "Mật khẩu này đã bị lộ trong các vụ rò rỉ dữ liệu",
			  "has appeared in data breaches" },
	[PR_WEAK] = { "weak", "Mật khẩu quá dễ đoán: hãy dùng cụm từ dài hơn, khó đoán hơn",
		      "is too easy to guess: use a longer, less predictable phrase" },
	[PR_REUSED] = { "reused", "Không được dùng lại %d mật khẩu gần nhất",
			"must not be one of your last %d passwords" },
};

const char *policy_rule_code(enum policy_rule r)
{
	return (unsigned)r < PR__MAX ? rules[r].code : "unknown";
}

char *policy_rule_message(const struct policy *p, enum policy_rule r, const char *lang, char *buf,
			  size_t size)
{
	const char *fmt;

	if ((unsigned)r >= PR__MAX) {
		snprintf(buf, size, "?");
		return buf;
	}
	fmt = lang && !strcmp(lang, "en") ? rules[r].en : rules[r].vi;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (r == PR_TOO_SHORT)
		snprintf(buf, size, fmt, p->min_length);
	else if (r == PR_TOO_LONG)
		snprintf(buf, size, fmt, p->max_length);
	else if (r == PR_REUSED)
		snprintf(buf, size, fmt, p->history);
	else
		snprintf(buf, size, fmt, 0);
#pragma GCC diagnostic pop
	return buf;
}
