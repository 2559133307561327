/*
 * unitcsv.c — the unit import file (see unitcsv.h).
 */
#include "core/unitcsv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csvrec.h"
#include "core/validate.h"

enum col { C_CODE, C_NAME, C_PARENT, C_PROVINCE, C_CNAME, C_CTITLE, C_CEMAIL, C_CPHONE, C__MAX };
static const char *const col_names[C__MAX] = { "code", "name", "parent", "province",
					       "contact_name", "contact_title", "contact_email",
					       "contact_phone" };

static void line_err(struct unitcsv *im, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line_err(struct unitcsv *im, size_t line, const char *fmt, ...)
{
	va_list ap;

	if (im->errors++ >= UNITCSV_ERRORS_MAX)
		return;
	im->error[im->nkept].line = line;
	va_start(ap, fmt);
	vsnprintf(im->error[im->nkept].message, sizeof(im->error[0].message), fmt, ap);
	va_end(ap);
	im->nkept++;
}

/* Keep a trimmed copy of field `c` of the record, NULL when absent or empty. */
static const char *field(struct unitcsv *im, char **fields, size_t nf, enum col c, bool upper)
{
	char *s;

	if (im->col[c] < 0 || (size_t)im->col[c] >= nf || !fields[im->col[c]])
		return NULL;
	if (im->nowned == im->capowned) {
		size_t cap = im->capowned ? im->capowned * 2 : 64;
		char **o = realloc(im->owned, cap * sizeof(*o));
		if (!o)
			return NULL;
		im->owned = o;
		im->capowned = cap;
	}
	if (!(s = strdup(fields[im->col[c]])))
		return NULL;
	im->owned[im->nowned++] = s;
	trim_space(s);
	if (upper)
		upcase_ascii(s);
	return *s ? s : NULL;
}

static int header(struct unitcsv *im, char **fields, size_t nf, size_t line)
{
	for (int c = 0; c < C__MAX; c++)
		im->col[c] = -1;
	for (size_t i = 0; i < nf; i++) {
		char name[64];
		int found = -1;
		snprintf(name, sizeof(name), "%s", fields[i] ? fields[i] : "");
		trim_space(name);
		for (int c = 0; c < C__MAX; c++)
			if (!strcasecmp(name, col_names[c]))
				found = c;
		if (found < 0) {
			line_err(im, line, "unknown column '%s' (expected %s, %s, %s, %s, %s, %s, %s, %s)",
				 name, col_names[0], col_names[1], col_names[2], col_names[3],
				 col_names[4], col_names[5], col_names[6], col_names[7]);
			return 0;
		}
		if (im->col[found] >= 0) {
			line_err(im, line, "column '%s' appears twice", name);
			return 0;
		}
		im->col[found] = (int)i;
	}
	if (im->col[C_CODE] < 0 || im->col[C_NAME] < 0)
		line_err(im, line, "the header needs the columns 'code' and 'name'");
	im->ncols = nf;
	return 0;
}

static struct unit_in *find_unit(struct unitcsv *im, const char *code, size_t *ret_i)
{
	for (size_t i = 0; i < im->n; i++)
		if (!strcmp(im->units[i].code, code)) {
			*ret_i = i;
			return &im->units[i];
		}
	return NULL;
}

static bool same(const char *a, const char *b)
{
	return !a || !b || !strcmp(a, b);
}

static int on_record(size_t line, char **fields, size_t nf, void *arg)
{
	struct unitcsv *im = arg;
	const char *code, *name, *parent, *province, *reason;
	struct contact_in ct;
	struct unit_in *u;
	size_t at;

	if (im->ncols == 0)
		return header(im, fields, nf, line);
	if (im->col[C_CODE] < 0 || im->col[C_NAME] < 0)
		return 0;
	if (nf != im->ncols) {
		line_err(im, line, "%zu fields, the header has %zu", nf, im->ncols);
		return 0;
	}
	code = field(im, fields, nf, C_CODE, true);
	name = field(im, fields, nf, C_NAME, false);
	parent = field(im, fields, nf, C_PARENT, true);
	province = field(im, fields, nf, C_PROVINCE, false);
	ct.name = field(im, fields, nf, C_CNAME, false);
	ct.title = field(im, fields, nf, C_CTITLE, false);
	ct.email = field(im, fields, nf, C_CEMAIL, false);
	ct.phone = field(im, fields, nf, C_CPHONE, false);

	if (!code) {
		line_err(im, line, "'code' is empty");
		return 0;
	}
	if ((reason = valid_unit_code(code))) {
		line_err(im, line, "code '%s' %s", code, reason);
		return 0;
	}
	if (parent && (reason = valid_unit_code(parent)))
		line_err(im, line, "parent '%s' %s", parent, reason);
	if (parent && !strcmp(parent, code))
		line_err(im, line, "unit '%s' cannot be its own parent", code);
	if (province && (reason = valid_line(province, 100)))
		line_err(im, line, "province %s", reason);
	if (name && (reason = valid_line(name, 200)))
		line_err(im, line, "name %s", reason);
	if ((ct.title || ct.email || ct.phone) && !ct.name)
		line_err(im, line, "a contact needs contact_name");
	if (ct.name && (reason = valid_line(ct.name, 200)))
		line_err(im, line, "contact_name %s", reason);
	if (ct.email && (reason = valid_email(ct.email)))
		line_err(im, line, "contact_email '%s' %s", ct.email, reason);
	if (ct.phone && (reason = valid_phone(ct.phone)))
		line_err(im, line, "contact_phone '%s' %s", ct.phone, reason);

	if ((u = find_unit(im, code, &at))) {
		if (!same(name, u->name) || !same(parent, u->parent) || !same(province, u->province)) {
			line_err(im, line, "unit '%s' differs from line %zu", code, im->lines[at]);
			return 0;
		}
	} else {
		if (!name) {
			line_err(im, line, "'name' is empty");
			return 0;
		}
		if (im->n == im->cap) {
			size_t cap = im->cap ? im->cap * 2 : 32;
			struct unit_in *nu = realloc(im->units, cap * sizeof(*nu));
			size_t *nl = realloc(im->lines, cap * sizeof(*nl));
			if (nu)
				im->units = nu;
			if (nl)
				im->lines = nl;
			if (!nu || !nl)
				return -ENOMEM;
			im->cap = cap;
		}
		u = &im->units[im->n];
		im->lines[im->n++] = line;
		*u = (struct unit_in){ .code = code, .name = name, .parent = parent,
				       .province = province, .set_contacts = true };
	}
	if (ct.name) {
		struct contact_in *nc = realloc((void *)u->contacts, (u->ncontacts + 1) * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		nc[u->ncontacts++] = ct;
		u->contacts = nc;
	}
	return 0;
}

void unitcsv_clear(struct unitcsv *im)
{
	for (size_t i = 0; i < im->n; i++)
		free((void *)im->units[i].contacts);
	free(im->units);
	free(im->lines);
	for (size_t i = 0; i < im->nowned; i++)
		free(im->owned[i]);
	free(im->owned);
	memset(im, 0, sizeof(*im));
}


int unitcsv_parse(const char *buf, size_t len, struct unitcsv *u)
{
	char errbuf[200];
	int rc;

	memset(u, 0, sizeof(*u));
	rc = csvrec_parse(buf, len, NULL, on_record, u, errbuf, sizeof(errbuf));
	if (rc == -ENOMEM)
		return -ENOMEM;
	if (rc < 0 && u->errors++ < UNITCSV_ERRORS_MAX) {
		u->error[u->nkept].line = 0;
		snprintf(u->error[u->nkept].message, sizeof(u->error[0].message), "%s", errbuf);
		u->nkept++;
	}
	if (u->ncols == 0 && !u->errors)
		line_err(u, 0, "the file is empty");
	return 0;
}

size_t unitcsv_line_of(const struct unitcsv *u, const char *code)
{
	for (size_t i = 0; i < u->n; i++)
		if (!strcmp(u->units[i].code, code))
			return u->lines[i];
	return 0;
}
