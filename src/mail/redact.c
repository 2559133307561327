/*
 * redact.c - find labelled secrets in free text and mask their values.
 *
 * A hand-written scanner rather than POSIX <regex.h>: labels must match with
 * and without Vietnamese diacritics and in any case, which regcomp() cannot
 * do on UTF-8 in the C locale; and the decision whether the token after a
 * label is a secret ("Abc@123") or an ordinary word ("thế", "sai") needs
 * small rules that are clearer as code than as patterns.
 *
 * The text is read as a sequence of words (runs of letters, marks and
 * digits). Each word is folded with fold_text() (lower case, no diacritics,
 * đ -> d), and a label is one or two folded words: "mat khau", "mk", "pin",
 * "ultraviewer"... After a label, the value is found by looking ahead at most
 * VALUE_WINDOW bytes on the same line, so every position is looked at a
 * bounded number of times and the whole scan is linear.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <unistr.h>

#include "core/fold.h"
#include "redact.h"

#define FOLD_MAX        24      /* longest folded word kept, with NUL */
#define VALUE_WINDOW    48      /* bytes between a label and its separator */
#define VALUE_MAX       128     /* longest value masked */
#define REMOTE_WINDOW   200     /* bytes after a tool name that are remote */

struct word {
	size_t s, e;            /* bytes [s, e) of the text */
	char f[FOLD_MAX];       /* folded form, "" when too long to matter */
};

struct scan {
	const char *t;
	size_t n;
	struct word last;       /* the word folded last: two-word labels */
};

/* ---------------------------------------------------------------------------
 * Words
 * ------------------------------------------------------------------------- */

static int is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Length of the word character at t[i], or 0 when it is not one. */
static size_t word_char(struct scan *sc, size_t i)
{
	unsigned char c = (unsigned char)sc->t[i];
	ucs4_t uc;
	int len;

	if (c < 0x80)
		return is_ascii_alnum(c) ? 1 : 0;
	len = u8_mbtoucr(&uc, (const uint8_t *)sc->t + i, sc->n - i);
	if (len < 0)
		return 0;
	return uc_is_general_category_withtable(uc, UC_CATEGORY_MASK_L |
			UC_CATEGORY_MASK_M | UC_CATEGORY_MASK_N) ? (size_t)len : 0;
}

/*
 * Fold w into w->f. Only words that can fold to one of our labels, fillers
 * or separators need it: those start with one of the letters below, so the
 * others (and words starting with đ) are left unfolded. A non-ASCII word
 * folded just before is taken from sc->last: label_at() looks at the word
 * after each label candidate, which the scan then reaches again.
 */
static void fold_word(struct scan *sc, struct word *w)
{
	size_t len = w->e - w->s;
	unsigned char c0 = (unsigned char)sc->t[w->s];
	int ascii = 1;
	char *f;

	w->f[0] = '\0';
	if (len >= FOLD_MAX * 2)
		return;
	if (c0 < 0x80 && !strchr("mpiutarkwvdlcseonh", c0 | 0x20))
		return;
	if (c0 == 0xC4 && len >= 2 &&
	    ((unsigned char)sc->t[w->s + 1] & 0xFE) == 0x90)
		return;         /* đ U+0111, Đ U+0110 */
	if (sc->last.s == w->s && sc->last.e == w->e) {
		memcpy(w->f, sc->last.f, sizeof(w->f));
		return;
	}
	for (size_t i = w->s; i < w->e; i++)
		ascii &= (unsigned char)sc->t[i] < 0x80;
	if (ascii) {
		if (len >= FOLD_MAX)
			return;
		for (size_t i = 0; i < len; i++) {
			char c = sc->t[w->s + i];

			w->f[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		w->f[len] = '\0';
		return;
	}
	f = fold_text(sc->t + w->s, len);
	if (f && strlen(f) < FOLD_MAX)
		memcpy(w->f, f, strlen(f) + 1);
	free(f);
	sc->last = *w;
}

/* The first word starting at or after pos, before limit. 0 when none. */
static int next_word(struct scan *sc, size_t pos, size_t limit,
		     struct word *w)
{
	size_t i = pos, k;

	if (limit > sc->n)
		limit = sc->n;
	while (i < limit && (k = word_char(sc, i)) == 0)
		i++;
	if (i >= limit)
		return 0;
	w->s = i;
	while (i < sc->n && (k = word_char(sc, i)) > 0)
		i += k;
	w->e = i;
	fold_word(sc, w);
	return 1;
}

/*
 * The word right after w when only spaces, '-' or '_' (at most 3 bytes)
 * separate them, for two-word labels like "mật khẩu" or "team viewer".
 */
static int adjacent_word(struct scan *sc, const struct word *w,
			 struct word *ret)
{
	size_t i = w->e;

	while (i < sc->n && i - w->e <= 3 &&
	       (sc->t[i] == ' ' || sc->t[i] == '-' || sc->t[i] == '_'))
		i++;
	if (i == w->e || i - w->e > 3 || i >= sc->n || !word_char(sc, i))
		return 0;
	return next_word(sc, i, i + 1, ret);
}

static int in_list(const char *f, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f, list[i]) == 0)
			return 1;
	return 0;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------------
 * Labels
 * ------------------------------------------------------------------------- */

enum label {
	LABEL_NONE,
	LABEL_PASSWORD,
	LABEL_PIN,
	LABEL_ID,
	LABEL_TOOL,     /* name of a remote-access tool */
};

/* Recognise a label starting at w; sets *ret_end to the end of the label. */
static enum label label_at(struct scan *sc, const struct word *w,
			   size_t *ret_end)
{
	static const char *const pass1[] = {
		"mk", "matkhau", "pass", "password", "passwd", "pwd",
	};
	static const char *const tool1[] = {
		"ultraviewer", "ultraview", "ultra", "teamviewer", "teamview",
		"anydesk", "rustdesk", "uv",
	};
	static const struct { const char *a, *b; enum label l; } two[] = {
		{ "mat", "khau", LABEL_PASSWORD }, { "pass", "word", LABEL_PASSWORD },
		{ "ultra", "viewer", LABEL_TOOL }, { "ultra", "view", LABEL_TOOL },
		{ "team", "viewer", LABEL_TOOL }, { "any", "desk", LABEL_TOOL },
	};
	struct word w2;

	*ret_end = w->e;
	if (!w->f[0])
		return LABEL_NONE;
	if (adjacent_word(sc, w, &w2))
		for (size_t i = 0; i < N(two); i++)
			if (strcmp(w->f, two[i].a) == 0 &&
			    strcmp(w2.f, two[i].b) == 0) {
				*ret_end = w2.e;
				return two[i].l;
			}
	*ret_end = w->e;
	if (in_list(w->f, pass1, N(pass1)))
		return LABEL_PASSWORD;
	if (strcmp(w->f, "pin") == 0)
		return LABEL_PIN;
	if (strcmp(w->f, "id") == 0)
		return LABEL_ID;
	if (in_list(w->f, tool1, N(tool1)))
		return LABEL_TOOL;
	return LABEL_NONE;
}

/* ---------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------- */

enum strength {
	SEP_NONE,       /* the value follows the label directly */
	SEP_WEAK,       /* "là", "is" */
	SEP_STRONG,     /* ':', '=' */
};

struct value {
	size_t s, e;
	int quoted;
	enum strength sep;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Skip blanks; after a strong separator also one line break. */
static size_t skip_blanks(struct scan *sc, size_t i, int newline)
{
	while (i < sc->n && is_space(sc->t[i]))
		i++;
	if (newline && i < sc->n && (sc->t[i] == '\n' || sc->t[i] == '\r')) {
		if (sc->t[i] == '\r' && i + 1 < sc->n && sc->t[i + 1] == '\n')
			i++;
		i++;
		while (i < sc->n && is_space(sc->t[i]))
			i++;
	}
	return i;
}

/* A separator character at i: ':', '=', or the full-width colon. */
static size_t strong_sep(struct scan *sc, size_t i)
{
	if (sc->t[i] == ':' || sc->t[i] == '=')
		return 1;
	if (sc->n - i >= 3 && memcmp(sc->t + i, "\xEF\xBC\x9A", 3) == 0)
		return 3;
	return 0;
}

static int weak_word(const struct word *w)
{
	return strcmp(w->f, "la") == 0 || strcmp(w->f, "is") == 0;
}

/* Opening quote at i: returns its length and the closing quote. */
static size_t open_quote(struct scan *sc, size_t i, const char **close)
{
	char c = sc->t[i];

	if (c == '"' || c == '\'' || c == '`') {
		*close = c == '"' ? "\"" : c == '\'' ? "'" : "`";
		return 1;
	}
	if (sc->n - i >= 3 && memcmp(sc->t + i, "\xE2\x80\x9C", 3) == 0) {
		*close = "\xE2\x80\x9D";
		return 3;
	}
	if (sc->n - i >= 3 && memcmp(sc->t + i, "\xE2\x80\x98", 3) == 0) {
		*close = "\xE2\x80\x99";
		return 3;
	}
	return 0;
}

/*
 * The candidate value at i: a quoted string on one line, or a run of
 * printable ASCII without spaces. A trailing ".", ",", ";", ":" or closing
 * bracket or quote ends the sentence and is dropped; "!" and "?" are kept,
 * as passwords end in them. A run that continues into non-ASCII text is a
 * word of the sentence, not a value.
 */
static int value_at(struct scan *sc, size_t i, struct value *v)
{
	const char *close;
	size_t q, j;

	if (i >= sc->n)
		return 0;
	if ((q = open_quote(sc, i, &close)) > 0) {
		size_t cl = strlen(close);

		for (j = i + q; j < sc->n && j - i < 64 && sc->t[j] != '\n'; j++)
			if (sc->n - j >= cl && memcmp(sc->t + j, close, cl) == 0) {
				if (j == i + q)
					return 0;
				v->s = i + q;
				v->e = j;
				v->quoted = 1;
				return 1;
			}
		return 0;
	}
	for (j = i; j < sc->n && j - i < VALUE_MAX; j++) {
		unsigned char c = (unsigned char)sc->t[j];

		if (c < 0x21 || c > 0x7E)
			break;
	}
	if (j < sc->n && (unsigned char)sc->t[j] >= 0x80)
		return 0;
	if (j - i >= VALUE_MAX)
		return 0;
	while (j > i && strchr(".,;:)]}'\"", sc->t[j - 1]))
		j--;
	if (j == i)
		return 0;
	v->s = i;
	v->e = j;
	v->quoted = 0;
	return 1;
}

/*
 * Words that follow a label in ordinary sentences. Compared folded, so
 * "sai" stands for "sai" and "sải" alike; the values are ASCII anyway.
 */
static int stop_value(struct scan *sc, const struct value *v)
{
	static const char *const stop[] = {
		"sai", "dung", "moi", "cu", "het", "han", "bi", "da", "khong",
		"duoc", "gi", "nao", "sao", "the", "nhu", "dang", "nhap", "lai",
		"doi", "quen", "cua", "toi", "em", "anh", "chi", "minh", "ban",
		"va", "hoac", "nhung", "thi", "se", "can", "phai", "roi", "chua",
		"cho", "tai", "khoan", "reset", "expired", "wrong", "incorrect",
		"invalid", "changed", "change", "required", "policy", "login",
		"ok", "yes", "no", "none", "null", "empty", "blank", "token",
		"usb", "user", "username", "your", "my", "is", "was",
		"has", "have", "and", "or", "not", "for", "of",
	};
	size_t n = v->e - v->s;
	char f[16];
	int filler = 1;

	for (size_t i = v->s; i < v->e; i++)
		filler &= strchr("*xX.-_#?", sc->t[i]) != NULL;
	if (filler)
		return 1;       /* "******", "xxx": already hidden */
	if (n >= sizeof(f))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = sc->t[v->s + i];

		f[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	f[n] = '\0';
	return in_list(f, stop, N(stop));
}

struct shape {
	size_t len, digits, lower, upper, other;
};

static struct shape shape_of(struct scan *sc, const struct value *v)
{
	struct shape s = { v->e - v->s, 0, 0, 0, 0 };

	for (size_t i = v->s; i < v->e; i++) {
		unsigned char c = (unsigned char)sc->t[i];

		if (c >= '0' && c <= '9')
			s.digits++;
		else if (c >= 'a' && c <= 'z')
			s.lower++;
		else if (c >= 'A' && c <= 'Z')
			s.upper++;
		else
			s.other++;
	}
	return s;
}

/* Digits, symbols or mixed case: not a word of a sentence. */
static int looks_secret(const struct shape *s)
{
	return s->len >= 4 && (s->digits > 0 || s->other > 0 ||
			       (s->lower > 0 && s->upper > 0));
}

/*
 * A group of digits such as "123 456 789", "1 234 567 890" or
 * "123-456-789" at i, with min..max digits. Sets v and returns 1.
 */
static int digit_group(struct scan *sc, size_t i, size_t min, size_t max,
		       int need_spaces, struct value *v)
{
	size_t j = i, digits = 0, groups = 0;

	while (j < sc->n && sc->t[j] >= '0' && sc->t[j] <= '9') {
		while (j < sc->n && sc->t[j] >= '0' && sc->t[j] <= '9') {
			j++;
			digits++;
		}
		groups++;
		if (j + 1 < sc->n && (sc->t[j] == ' ' || sc->t[j] == '-' ||
				      sc->t[j] == '.') &&
		    sc->t[j + 1] >= '0' && sc->t[j + 1] <= '9')
			j++;
		else
			break;
	}
	if (digits < min || digits > max || (need_spaces && groups < 3))
		return 0;
	/* Glued to letters ("SD211208-123456"): not a standalone number. */
	if ((i > 0 && is_ascii_alnum((unsigned char)sc->t[i - 1])) ||
	    (j < sc->n && is_ascii_alnum((unsigned char)sc->t[j])))
		return 0;
	v->s = i;
	v->e = j;
	v->quoted = 0;
	return 1;
}

/* Words between a label and its value: "pin token 1234", "mk mới X". */
static int filler_word(const struct word *w)
{
	static const char *const filler[] = {
		"token", "usb", "cks", "chu", "ky", "so", "cua", "em", "toi",
		"minh", "moi", "cu", "code", "new", "old", "hien", "tai",
	};

	return in_list(w->f, filler, N(filler));
}

/*
 * After a label ending at pos: find the separator within VALUE_WINDOW bytes
 * of the same line ("mật khẩu của em là X", "pin token: X"), skipping up to
 * four words, and return the position of the value and the separator's
 * strength. Without a separator the value is the next token.
 */
static size_t find_value_start(struct scan *sc, size_t pos,
			       enum strength *ret_sep)
{
	size_t i = pos, limit = pos + VALUE_WINDOW, k;
	int words = 0;

	if (limit > sc->n)
		limit = sc->n;
	while (i < limit) {
		struct word w;

		if (is_space(sc->t[i])) {
			i++;
			continue;
		}
		if ((k = strong_sep(sc, i)) > 0) {
			i = skip_blanks(sc, i + k, 1);
			/* "mật khẩu: là X" */
			if (next_word(sc, i, i + 1, &w) && weak_word(&w))
				i = skip_blanks(sc, w.e, 0);
			*ret_sep = SEP_STRONG;
			return i;
		}
		if (sc->t[i] == '-' || sc->t[i] == '>') {
			i++;
			continue;
		}
		if (!word_char(sc, i) || ++words > 4)
			break;
		next_word(sc, i, i + 1, &w);
		if (weak_word(&w)) {
			*ret_sep = SEP_WEAK;
			return skip_blanks(sc, w.e, 0);
		}
		i = w.e;
	}
	/* No separator: the value follows, maybe after a filler word or two. */
	*ret_sep = SEP_NONE;
	i = skip_blanks(sc, pos, 0);
	for (words = 0; words < 3; words++) {
		struct word w;

		if (!next_word(sc, i, i + 1, &w) || !filler_word(&w))
			break;
		i = skip_blanks(sc, w.e, 0);
	}
	return i;
}

static int password_value(struct scan *sc, size_t pos, struct value *v)
{
	enum strength sep;
	size_t i = find_value_start(sc, pos, &sep);
	struct shape s;

	if (!value_at(sc, i, v) || stop_value(sc, v))
		return 0;
	v->sep = sep;
	if (v->quoted)
		return 1;
	s = shape_of(sc, v);
	switch (sep) {
	case SEP_STRONG:
		return s.len >= 4;
	case SEP_WEAK:
		return looks_secret(&s) || s.len >= 6;
	default:
		return looks_secret(&s);
	}
}

static int pin_value(struct scan *sc, size_t pos, struct value *v)
{
	enum strength sep;
	size_t i = find_value_start(sc, pos, &sep);
	struct shape s;

	if (digit_group(sc, i, 4, 12, 0, v))
		return 1;
	if (sep == SEP_NONE || !value_at(sc, i, v) || stop_value(sc, v))
		return 0;
	s = shape_of(sc, v);
	return s.len >= 4 && s.digits > 0 && s.other == 0;
}

/* A remote-access ID: a digit group after optional ':' / "là". */
static int id_value(struct scan *sc, size_t pos, int remote,
		    struct value *v)
{
	size_t i = skip_blanks(sc, pos, 0);
	struct word w;
	size_t k;

	if (i < sc->n && (k = strong_sep(sc, i)) > 0)
		i = skip_blanks(sc, i + k, 0);
	else if (i < sc->n && (sc->t[i] == '-' || sc->t[i] == '#'))
		i = skip_blanks(sc, i + 1, 0);
	if (next_word(sc, i, i + 1, &w) && weak_word(&w))
		i = skip_blanks(sc, w.e, 0);
	return digit_group(sc, i, remote ? 6 : 9, remote ? 12 : 10, !remote, v);
}

/* "ID / password" written together: "1 234 567 890 / ab12cd". */
static int trailing_pass(struct scan *sc, size_t pos, struct value *v)
{
	size_t i = skip_blanks(sc, pos, 0);
	struct shape s;

	if (i >= sc->n || (sc->t[i] != '/' && sc->t[i] != '|' && sc->t[i] != ','))
		return 0;
	i = skip_blanks(sc, i + 1, 0);
	if (!value_at(sc, i, v) || stop_value(sc, v))
		return 0;
	s = shape_of(sc, v);
	return looks_secret(&s) && s.len <= 32;
}

/* ---------------------------------------------------------------------------
 * The scan
 * ------------------------------------------------------------------------- */

struct out {
	char *p;
	size_t len, cap;
	int oom;
};

static void out_add(struct out *o, const char *s, size_t n)
{
	if (o->oom || n == 0)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 64;
		char *p;

		while (cap < o->len + n + 1)
			cap *= 2;
		p = realloc(o->p, cap);
		if (!p) {
			o->oom = 1;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

/* End of the remote-access context opened by a tool name ending at pos. */
static size_t remote_context_end(struct scan *sc, size_t pos)
{
	size_t end = pos + REMOTE_WINDOW;

	if (end > sc->n)
		end = sc->n;
	for (size_t i = pos; i + 1 < end; i++)
		if (sc->t[i] == '\n' && (sc->t[i + 1] == '\n' ||
					 (sc->t[i + 1] == '\r' && i + 2 < sc->n &&
					  sc->t[i + 2] == '\n')))
			return i;
	return end;
}

char *redact_secrets(const char *text, unsigned *ret_found)
{
	struct scan sc = { 0 };
	struct out o = { 0 };
	size_t pos = 0, copied = 0, remote_end = 0;
	unsigned found = 0;
	struct word w;

	if (!text) {
		errno = EINVAL;
		return NULL;
	}
	sc.t = text;
	sc.n = strlen(text);
	while (next_word(&sc, pos, sc.n, &w)) {
		size_t end;
		enum label l = label_at(&sc, &w, &end);
		int remote = w.s < remote_end;
		struct value v;
		unsigned kind = 0;

		pos = end;
		switch (l) {
		case LABEL_PASSWORD:
			if (password_value(&sc, end, &v))
				kind = remote ? REDACT_REMOTE_ACCESS
					      : REDACT_PASSWORD;
			break;
		case LABEL_PIN:
			if (pin_value(&sc, end, &v))
				kind = REDACT_PIN;
			break;
		case LABEL_ID:
			if (id_value(&sc, end, remote, &v))
				kind = REDACT_REMOTE_ACCESS;
			break;
		case LABEL_TOOL:
			remote_end = remote_context_end(&sc, end);
			if (id_value(&sc, end, 1, &v))
				kind = REDACT_REMOTE_ACCESS;
			break;
		default:
			break;
		}
		if (!kind)
			continue;
		out_add(&o, text + copied, v.s - copied);
		out_add(&o, REDACT_MASK, strlen(REDACT_MASK));
		copied = pos = v.e;
		found |= kind;
		if (l == LABEL_ID || l == LABEL_TOOL) {
			if (trailing_pass(&sc, pos, &v)) {
				out_add(&o, text + copied, v.s - copied);
				out_add(&o, REDACT_MASK, strlen(REDACT_MASK));
				copied = pos = v.e;
			}
		}
	}
	out_add(&o, text + copied, sc.n - copied);
	if (o.oom) {
		free(o.p);
		errno = ENOMEM;
		return NULL;
	}
	if (!o.p) {
		o.p = strdup("");
		if (!o.p) {
			errno = ENOMEM;
			return NULL;
		}
	}
	if (ret_found)
		*ret_found = found;
	return o.p;
}
