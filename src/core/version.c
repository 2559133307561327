/*
 * version.c — parsing and comparing vendor versions and ranges (see
 * version.h for the rules).
 *
 * A version is a short array of tokens: numbers, letter runs after a
 * number (post-release: 2.4.57a, 9.3p2), pre-release words (alpha, beta,
 * rc...) and the word "build".  Comparison walks both arrays with their
 * own index so that a zero can be skipped on one side only: 7.0 == 7.0.0
 * and 1.0-rc1 == 1.0.0-rc1.
 */
#include "core/version.h"

#include <errno.h>
#include <string.h>

enum { K_END, K_PRE, K_POST, K_NUM, K_BUILD };

static bool is_sep(unsigned char c)
{
	return c == '.' || c == '-' || c == '_' || c == '+' || c == '~' || c == ',' || c == ':' ||
	       c == '/' || c == ' ' || c == '\t' || c == '(' || c == ')';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Whether the letters s[0..n) are `word`, case-insensitively. */
static bool word_is(const char *s, size_t n, const char *word)
{
	if (strlen(word) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != (unsigned char)word[i])
			return false;
	return true;
}

/* Rank of a pre-release word, 0 when it is not one. */
static int pre_rank(const char *s, size_t n)
{
	static const struct {
		const char *w;
		int rank;
	} pre[] = { { "dev", 1 },  { "snapshot", 1 }, { "alpha", 2 },   { "beta", 3 },
		    { "pre", 4 },  { "preview", 4 },  { "rc", 5 },      { "cr", 5 } };

	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
		if (word_is(s, n, pre[i].w))
			return pre[i].rank;
	return 0;
}

static bool ignored_word(const char *s, size_t n)
{
	return word_is(s, n, "ga") || word_is(s, n, "final") || word_is(s, n, "release") ||
	       word_is(s, n, "stable") || word_is(s, n, "lts");
}

int version_parse(const char *s, size_t len, struct version *ret, const char **ret_reason)
{
	struct version v = { 0 };
	const char *why = NULL;
	size_t i = 0;
	bool digits = false;

	if (len == 0) {
		why = "is empty";
		goto bad;
	}
	if (len > VERSION_MAX) {
		why = "is longer than 128 bytes";
		goto bad;
	}
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t start = i;

		if (is_sep(c)) {
			i++;
			continue;
		}
		if (is_digit(c)) {
			uint64_t num = 0;
			while (i < len && s[i] == '0')
				i++;
			for (; i < len && is_digit((unsigned char)s[i]); i++) {
				if (num > (UINT64_MAX - 9) / 10) {
					why = "has a number that is too large";
					goto bad;
				}
				num = num * 10 + (uint64_t)(s[i] - '0');
			}
			if (v.n == VERSION_TOKENS) {
				why = "has too many parts";
				goto bad;
			}
			v.kind[v.n] = K_NUM;
			v.v[v.n++] = num;
			digits = true;
			continue;
		}
		if (is_alpha(c)) {
			uint64_t packed = 0;
			size_t n;
			int rank;
			while (i < len && is_alpha((unsigned char)s[i]))
				i++;
			n = i - start;
			if (!digits && v.n == 0 && word_is(s + start, n, "v") && i < len &&
			    is_digit((unsigned char)s[i]))
				continue; /* "v7.0.12" */
			if (ignored_word(s + start, n))
				continue;
			if (!digits) {
				why = "must start with a number";
				goto bad;
			}
			if (v.n == VERSION_TOKENS) {
				why = "has too many parts";
				goto bad;
			}
			if (word_is(s + start, n, "build")) {
				v.kind[v.n] = K_BUILD;
				v.v[v.n++] = 0;
				continue;
			}
			if ((rank = pre_rank(s + start, n)) > 0) {
				v.kind[v.n] = K_PRE;
				v.v[v.n++] = (uint64_t)rank;
				continue;
			}
			for (size_t k = 0; k < 8; k++)
				packed = packed << 8 | (k < n ? lower((unsigned char)s[start + k]) : 0);
			v.kind[v.n] = K_POST;
			v.v[v.n++] = packed;
			continue;
		}
		why = c < 0x20 || c >= 0x7f ? "has a control or non-ASCII character"
					    : "has a character that is not allowed";
		goto bad;
	}
	if (!digits) {
		why = "has no digits";
		goto bad;
	}
	*ret = v;
	return 0;
bad:
	if (ret_reason)
		*ret_reason = why;
	return -EINVAL;
}

static int kind_at(const struct version *x, unsigned i)
{
	return i < x->n ? x->kind[i] : K_END;
}

/* Order of kinds that differ: pre-release < end < post-release letters < number. */
static int kind_order(int k)
{
	switch (k) {
	case K_PRE: return 0;
	case K_END: return 1;
	case K_POST: return 2;
	default: return 3; /* K_NUM */
	}
}

int version_cmp(const struct version *a, const struct version *b)
{
	unsigned ia = 0, ib = 0;

	for (;;) {
		int ka = kind_at(a, ia), kb = kind_at(b, ib);

		if (ka == K_END && kb == K_END)
			return 0;
		if (ka == K_BUILD && kb == K_BUILD) {
			ia++, ib++;
			continue;
		}
		/* a build counts only when both sides name one */
		if (ka == K_BUILD || kb == K_BUILD) {
			if (ka == K_END || kb == K_END)
				return 0;
			if (ka == K_BUILD)
				ka = K_END;
			else
				kb = K_END;
		}
		if (ka == kb) {
			if (a->v[ia] != b->v[ib])
				return a->v[ia] < b->v[ib] ? -1 : 1;
			ia++, ib++;
			continue;
		}
		/* a zero against anything but a number is padding: 7.0 == 7.0.0 */
		if (ka == K_NUM && a->v[ia] == 0) {
			ia++;
			continue;
		}
		if (kb == K_NUM && b->v[ib] == 0) {
			ib++;
			continue;
		}
		return kind_order(ka) < kind_order(kb) ? -1 : 1;
	}
}

int version_cmp_str(const char *a, const char *b, int *ret)
{
	struct version va, vb;

	if (version_parse(a, strlen(a), &va, NULL) < 0 || version_parse(b, strlen(b), &vb, NULL) < 0)
		return -EINVAL;
	*ret = version_cmp(&va, &vb);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Ranges                                                                   */
/* ------------------------------------------------------------------------ */

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static bool is_op(unsigned char c)
{
	return c == '<' || c == '>' || c == '=';
}

/* Parse one alternative s[0..len): comparators separated by spaces or commas. */
static int alt_parse(const char *s, size_t len, struct version_alt *alt, const char **why)
{
	size_t i = 0;

	alt->n = 0;
	while (i < len && (is_space((unsigned char)s[i]) || s[i] == ','))
		i++;
	if (i < len && s[i] == '*') {
		for (i++; i < len; i++)
			if (!is_space((unsigned char)s[i])) {
				*why = "has something after '*'";
				return -EINVAL;
			}
		return 0;
	}
	if (i == len) {
		*why = "has an empty alternative";
		return -EINVAL;
	}
	while (i < len) {
		struct version_term *t;
		size_t start, end;

		if (alt->n == RANGE_TERMS) {
			*why = "has more than 4 comparators in one alternative";
			return -EINVAL;
		}
		t = &alt->t[alt->n];
		if (s[i] == '>' && i + 1 < len && s[i + 1] == '=')
			t->op = VOP_GE, i += 2;
		else if (s[i] == '<' && i + 1 < len && s[i + 1] == '=')
			t->op = VOP_LE, i += 2;
		else if (s[i] == '=' && i + 1 < len && s[i + 1] == '=')
			t->op = VOP_EQ, i += 2;
		else if (s[i] == '>')
			t->op = VOP_GT, i++;
		else if (s[i] == '<')
			t->op = VOP_LT, i++;
		else if (s[i] == '=')
			t->op = VOP_EQ, i++;
		else
			t->op = VOP_EQ;
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		/* the version runs to a space or comma followed by an operator */
		start = i;
		end = i;
		while (end < len) {
			if (is_space((unsigned char)s[end]) || s[end] == ',') {
				size_t k = end;
				while (k < len && (is_space((unsigned char)s[k]) || s[k] == ','))
					k++;
				if (k == len || is_op((unsigned char)s[k]))
					break;
				end = k;
				continue;
			}
			if (is_op((unsigned char)s[end]))
				break;
			end++;
		}
		if (end == start) {
			*why = "has an operator without a version";
			return -EINVAL;
		}
		if (version_parse(s + start, end - start, &t->v, why) < 0)
			return -EINVAL;
		alt->n++;
		i = end;
		while (i < len && (is_space((unsigned char)s[i]) || s[i] == ','))
			i++;
	}
	return 0;
}

int version_range_parse(const char *s, struct version_range *ret, const char **ret_reason)
{
	struct version_range tmp; /* about 5 KB */
	const char *why = NULL, *p = s;
	size_t len = strlen(s);

	if (len == 0) {
		why = "is empty";
		goto bad;
	}
	if (len > RANGE_MAX) {
		why = "is longer than 512 bytes";
		goto bad;
	}
	tmp.nalt = 0;
	for (;;) {
		const char *bar = strstr(p, "||");
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (tmp.nalt == RANGE_ALTS) {
			why = "has more than 8 alternatives";
			goto bad;
		}
		if (alt_parse(p, n, &tmp.alt[tmp.nalt], &why) < 0)
			goto bad;
		tmp.nalt++;
		if (!bar)
			break;
		p = bar + 2;
	}
	*ret = tmp;
	return 0;
bad:
	if (ret_reason)
		*ret_reason = why;
	return -EINVAL;
}

static bool term_holds(const struct version *v, const struct version_term *t)
{
	int c = version_cmp(v, &t->v);

	switch (t->op) {
	case VOP_EQ: return c == 0;
	case VOP_LT: return c < 0;
	case VOP_LE: return c <= 0;
	case VOP_GT: return c > 0;
	default: return c >= 0;
	}
}

bool version_in_range(const struct version *v, const struct version_range *r)
{
	for (unsigned a = 0; a < r->nalt; a++) {
		const struct version_alt *alt = &r->alt[a];
		bool all = true;
		for (unsigned k = 0; k < alt->n && all; k++)
			all = term_holds(v, &alt->t[k]);
		if (all)
			return true;
	}
	return false;
}
