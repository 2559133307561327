/*
 * advisory.c — reading KEV and our own advisory files; name keys; CPE 2.3
 * (see advisory.h).
 */
#include "core/advisory.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "core/version.h"

#define TITLE_MAX 500        /* bytes */
#define TEXT_MAX 65536       /* bytes: description, action, notes */
#define NAME_MAX_BYTES 200   /* vendor, product */
#define REF_MAX 64           /* id, CVE */

static const char *const sev_names[] = { "low", "medium", "high", "critical" };

const char *severity_name(int sev)
{
	return sev >= SEV_LOW && sev <= SEV_CRITICAL ? sev_names[sev] : NULL;
}

int severity_parse(const char *s)
{
	for (int i = SEV_LOW; i <= SEV_CRITICAL; i++)
		if (s && !strcmp(s, sev_names[i]))
			return i;
	return -2;
}

size_t advisory_key(const char *s, char *out, size_t size)
{
	size_t n = 0;
	bool sep = false;

	if (!s || size == 0)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
		if (c >= 'A' && c <= 'Z') {
			c = (unsigned char)(c + 32);
			keep = true;
		}
		if (!keep) {
			sep = n > 0;
			continue;
		}
		if (n + (sep ? 2 : 1) >= size) {
			out[0] = '\0';
			return 0;
		}
		if (sep)
			out[n++] = '_';
		sep = false;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

bool advisory_valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)));
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

struct rd {
	char *err;
	size_t errlen;
	size_t entry;       /* 1-based; 0 for the top level */
	const char *ref;    /* the entry's CVE or id when known */
};

static int fail(struct rd *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct rd *r, const char *field, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!r->errlen)
		return -EINVAL;
	if (r->entry && r->ref)
		snprintf(r->err, r->errlen, "entry %zu (%.64s): '%s' %s", r->entry, r->ref, field, msg);
	else if (r->entry)
		snprintf(r->err, r->errlen, "entry %zu: '%s' %s", r->entry, field, msg);
	else
		snprintf(r->err, r->errlen, "'%s' %s", field, msg);
	return -EINVAL;
}

/* A string member: NULL when absent (and not required); checks UTF-8, NULs, length. */
static int str(struct rd *r, json_t *o, const char *key, const char *field, bool required,
	       size_t max, const char **ret)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	size_t len;

	*ret = NULL;
	if (!v || json_is_null(v))
		return required ? fail(r, field, "is required") : 0;
	if (!json_is_string(v))
		return fail(r, field, "must be a string");
	s = json_string_value(v);
	len = json_string_length(v);
	if (strlen(s) != len)
		return fail(r, field, "holds a NUL character");
	if (len > max)
		return fail(r, field, "is longer than %zu bytes", max);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
			return fail(r, field, "holds a control character");
	if (required) {
		size_t k = 0;
		while (k < len && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r'))
			k++;
		if (k == len)
			return fail(r, field, "is empty");
	}
	*ret = s;
	return 0;
}

/* A one-line name that yields a key. */
static int name(struct rd *r, json_t *o, const char *key, const char *field, const char **ret)
{
	char k[ADVISORY_KEY_MAX];
	int rc = str(r, o, key, field, true, NAME_MAX_BYTES, ret);

	if (rc < 0)
		return rc;
	if (strpbrk(*ret, "\r\n\t"))
		return fail(r, field, "must be one line");
	if (!advisory_key(*ret, k, sizeof(k)))
		return fail(r, field, "has no letters or digits");
	return 0;
}

static int date(struct rd *r, json_t *o, const char *key, bool required, const char **ret)
{
	int rc = str(r, o, key, key, required, 10, ret);

	if (rc < 0)
		return rc;
	if (*ret && !advisory_valid_date(*ret))
		return fail(r, key, "must be a date YYYY-MM-DD, not '%s'", *ret);
	return 0;
}

static bool valid_cve(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 13 || n > 28 || strncmp(s, "CVE-", 4) != 0 || s[8] != '-')
		return false;
	for (i = 4; i < n; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

/* An id of our own: 1..64 of A-Z a-z 0-9 . _ - : / */
static bool valid_ref(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > REF_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-' || c == ':' || c == '/'))
			return false;
	}
	return true;
}

static int kev_entry(struct rd *r, json_t *e, struct advisory *a)
{
	const char *ransom;
	int rc;

	if (!json_is_object(e))
		return fail(r, "vulnerabilities", "entry is not an object");
	if ((rc = str(r, e, "cveID", "cveID", true, REF_MAX, &a->cve)) < 0)
		return rc;
	if (!valid_cve(a->cve))
		return fail(r, "cveID", "must be CVE-YYYY-NNNN, not '%.64s'", a->cve);
	r->ref = a->ref = a->cve;
	if ((rc = name(r, e, "vendorProject", "vendorProject", &a->vendor)) < 0 ||
	    (rc = name(r, e, "product", "product", &a->product)) < 0 ||
	    (rc = str(r, e, "vulnerabilityName", "vulnerabilityName", true, TITLE_MAX, &a->title)) < 0 ||
	    (rc = date(r, e, "dateAdded", true, &a->published)) < 0 ||
	    (rc = str(r, e, "shortDescription", "shortDescription", true, TEXT_MAX, &a->description)) < 0 ||
	    (rc = str(r, e, "requiredAction", "requiredAction", true, TEXT_MAX, &a->required_action)) < 0 ||
	    (rc = date(r, e, "dueDate", true, &a->kev_due)) < 0 ||
	    (rc = str(r, e, "knownRansomwareCampaignUse", "knownRansomwareCampaignUse", false, 32,
		      &ransom)) < 0 ||
	    (rc = str(r, e, "notes", "notes", false, TEXT_MAX, &a->notes)) < 0)
		return rc;
	a->severity = SEV_NONE;
	a->exploited = true;
	a->ransomware = ransom && !strcmp(ransom, "Known");
	a->naff = 1;
	if (!(a->aff = calloc(1, sizeof(*a->aff))))
		return -ENOMEM;
	a->aff[0].vendor = a->vendor;
	a->aff[0].product = a->product;
	return 0;
}

/* Refuse members not in `allowed` (NULL-terminated): typos must not pass silently. */
static int only(struct rd *r, json_t *o, const char *const *allowed, const char *prefix)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		bool ok = false;
		for (const char *const *p = allowed; *p && !ok; p++)
			ok = !strcmp(*p, key);
		if (!ok) {
			char field[96];
			snprintf(field, sizeof(field), "%s%.60s", prefix, key);
			return fail(r, field, "is not a known field");
		}
	}
	return 0;
}

static int local_affected(struct rd *r, json_t *arr, struct advisory *a)
{
	static const char *const fields[] = { "vendor", "product", "ranges", NULL };
	size_t i;
	json_t *p;
	int rc;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return fail(r, "affected", "must be a non-empty array of {vendor, product, ranges}");
	if (json_array_size(arr) > ADVISORY_AFFECTED_MAX)
		return fail(r, "affected", "has more than %d products", ADVISORY_AFFECTED_MAX);
	if (!(a->aff = calloc(json_array_size(arr), sizeof(*a->aff))))
		return -ENOMEM;
	json_array_foreach(arr, i, p) {
		struct advisory_affected *f = &a->aff[i];
		char fv[48], fp[48], fr[48];
		json_t *ranges, *rv;
		size_t k;

		a->naff = i + 1;
		snprintf(fv, sizeof(fv), "affected[%zu].vendor", i);
		snprintf(fp, sizeof(fp), "affected[%zu].product", i);
		snprintf(fr, sizeof(fr), "affected[%zu].ranges", i);
		if (!json_is_object(p)) {
			snprintf(fv, sizeof(fv), "affected[%zu]", i);
			return fail(r, fv, "must be an object {vendor, product, ranges}");
		}
		snprintf(fr, sizeof(fr), "affected[%zu].", i);
		if ((rc = only(r, p, fields, fr)) < 0)
			return rc;
		snprintf(fr, sizeof(fr), "affected[%zu].ranges", i);
		if ((rc = name(r, p, "vendor", fv, &f->vendor)) < 0 ||
		    (rc = name(r, p, "product", fp, &f->product)) < 0)
			return rc;
		ranges = json_object_get(p, "ranges");
		if (!ranges || json_is_null(ranges))
			continue;
		if (!json_is_array(ranges))
			return fail(r, fr, "must be an array of ranges like \">=7.0.0 <7.0.9\"");
		if (json_array_size(ranges) > ADVISORY_RANGES_MAX)
			return fail(r, fr, "has more than %d ranges", ADVISORY_RANGES_MAX);
		json_array_foreach(ranges, k, rv) {
			struct version_range vr;
			const char *why = NULL, *s = json_string_value(rv);
			char fk[64];
			snprintf(fk, sizeof(fk), "affected[%zu].ranges[%zu]", i, k);
			if (!json_is_string(rv) || strlen(s) != json_string_length(rv))
				return fail(r, fk, "must be a string");
			if (version_range_parse(s, &vr, &why) < 0)
				return fail(r, fk, "'%.80s' %s", s, why);
			f->ranges[f->nranges++] = s;
		}
	}
	a->vendor = a->aff[0].vendor;
	a->product = a->aff[0].product;
	return 0;
}

static int local_entry(struct rd *r, json_t *e, struct advisory *a)
{
	static const char *const fields[] = { "id", "cve", "title", "description", "severity",
					      "exploited", "required_action", "due_days", "published",
					      "affected", "notes", "source", NULL };
	const char *sev, *id;
	json_t *v;
	int rc;

	if (!json_is_object(e))
		return fail(r, "advisories", "entry is not an object");
	if ((rc = str(r, e, "id", "id", false, REF_MAX, &id)) < 0 ||
	    (rc = str(r, e, "cve", "cve", false, REF_MAX, &a->cve)) < 0)
		return rc;
	if (id && !valid_ref(id))
		return fail(r, "id", "must be 1 to 64 of A-Z a-z 0-9 . _ - : /");
	if (a->cve && !valid_cve(a->cve))
		return fail(r, "cve", "must be CVE-YYYY-NNNN, not '%.64s'", a->cve);
	if (!id && !a->cve)
		return fail(r, "id", "is required when there is no 'cve'");
	r->ref = a->ref = id ? id : a->cve;
	if ((rc = only(r, e, fields, "")) < 0 ||
	    (rc = str(r, e, "title", "title", true, TITLE_MAX, &a->title)) < 0 ||
	    (rc = str(r, e, "description", "description", false, TEXT_MAX, &a->description)) < 0 ||
	    (rc = str(r, e, "required_action", "required_action", false, TEXT_MAX,
		      &a->required_action)) < 0 ||
	    (rc = str(r, e, "notes", "notes", false, TEXT_MAX, &a->notes)) < 0 ||
	    (rc = str(r, e, "source", "source", false, 2048, &a->source)) < 0 ||
	    (rc = date(r, e, "published", false, &a->published)) < 0 ||
	    (rc = str(r, e, "severity", "severity", true, 16, &sev)) < 0)
		return rc;
	if ((a->severity = severity_parse(sev)) < 0)
		return fail(r, "severity", "must be critical, high, medium or low, not '%.16s'", sev);
	v = json_object_get(e, "exploited");
	if (v && !json_is_boolean(v) && !json_is_null(v))
		return fail(r, "exploited", "must be true or false");
	a->exploited = json_is_true(v);
	v = json_object_get(e, "due_days");
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 365)
			return fail(r, "due_days", "must be a whole number of days from 1 to 365");
		a->due_days = (int)json_integer_value(v);
	}
	return local_affected(r, json_object_get(e, "affected"), a);
}

static int by_ref(const void *x, const void *y)
{
	const struct advisory *a = *(const struct advisory *const *)x;
	const struct advisory *b = *(const struct advisory *const *)y;
	return strcmp(a->ref, b->ref);
}

void advisory_set_free(struct advisory_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		free(set->items[i].aff);
	free(set->items);
	json_decref(set->root);
	free(set);
}

int advisory_parse(const char *buf, size_t len, struct advisory_set **ret, char *errbuf,
		   size_t errlen)
{
	struct rd r = { errbuf, errlen, 0, NULL };
	struct advisory_set *set;
	struct advisory **order = NULL;
	json_error_t je;
	json_t *arr, *e, *fmt;
	size_t i;
	int rc = -EINVAL;

	if (errlen)
		errbuf[0] = '\0';
	if (len > ADVISORY_FILE_MAX) {
		snprintf(errbuf, errlen, "the file is larger than %u MiB", ADVISORY_FILE_MAX >> 20);
		return -EINVAL;
	}
	if (u8_check((const uint8_t *)buf, len)) {
		snprintf(errbuf, errlen, "the file is not valid UTF-8");
		return -EINVAL;
	}
	if (!(set = calloc(1, sizeof(*set))))
		return -ENOMEM;
	set->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!set->root) {
		snprintf(errbuf, errlen, "malformed JSON at line %d column %d: %s", je.line, je.column,
			 je.text);
		goto out;
	}
	if (!json_is_object(set->root)) {
		snprintf(errbuf, errlen, "the file must hold a JSON object");
		goto out;
	}
	if ((arr = json_object_get(set->root, "vulnerabilities"))) {
		set->format = ADV_KEV;
		if ((rc = str(&r, set->root, "catalogVersion", "catalogVersion", true, 64,
			      &set->version)) < 0)
			goto out;
		if (!json_is_array(arr)) {
			rc = fail(&r, "vulnerabilities", "must be an array");
			goto out;
		}
	} else if ((arr = json_object_get(set->root, "advisories"))) {
		set->format = ADV_LOCAL;
		fmt = json_object_get(set->root, "format");
		if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "ungcuu-advisories/1")) {
			rc = fail(&r, "format", "must be \"ungcuu-advisories/1\"");
			goto out;
		}
		if (!json_is_array(arr)) {
			rc = fail(&r, "advisories", "must be an array");
			goto out;
		}
	} else {
		snprintf(errbuf, errlen, "neither a KEV catalog ('vulnerabilities') nor an advisory "
			 "file ('advisories')");
		goto out;
	}
	if (json_array_size(arr) > ADVISORY_ENTRIES_MAX) {
		rc = fail(&r, set->format == ADV_KEV ? "vulnerabilities" : "advisories",
			  "has more than %d entries", ADVISORY_ENTRIES_MAX);
		goto out;
	}
	set->items = calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof(*set->items));
	if (!set->items) {
		rc = -ENOMEM;
		goto out;
	}
	json_array_foreach(arr, i, e) {
		r.entry = i + 1;
		r.ref = NULL;
		set->n = i + 1;
		rc = set->format == ADV_KEV ? kev_entry(&r, e, &set->items[i])
					    : local_entry(&r, e, &set->items[i]);
		if (rc < 0)
			goto out;
	}
	/* one entry per key: a repeat would make re-import order-dependent */
	if (set->n > 1) {
		if (!(order = malloc(set->n * sizeof(*order)))) {
			rc = -ENOMEM;
			goto out;
		}
		for (i = 0; i < set->n; i++)
			order[i] = &set->items[i];
		qsort(order, set->n, sizeof(*order), by_ref);
		for (i = 1; i < set->n; i++)
			if (!strcmp(order[i]->ref, order[i - 1]->ref)) {
				size_t a = (size_t)(order[i - 1] - set->items) + 1;
				size_t b = (size_t)(order[i] - set->items) + 1;
				r.entry = a > b ? a : b;
				r.ref = order[i]->ref;
				rc = fail(&r, set->format == ADV_KEV ? "cveID" : "id",
					  "repeats entry %zu", a < b ? a : b);
				goto out;
			}
	}
	rc = 0;
out:
	free(order);
	if (rc < 0) {
		advisory_set_free(set);
		return rc;
	}
	*ret = set;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* CPE 2.3                                                                  */
/* ------------------------------------------------------------------------ */

/* Copy one unescaped component of at most size-1 bytes; the end of it in *ret_end. */
static int cpe_component(const char *s, char *out, size_t size, const char **ret_end)
{
	size_t n = 0;

	for (; *s && *s != ':'; s++) {
		char c = *s;
		if (c == '\\') {
			if (!s[1])
				return -EINVAL;
			c = *++s;
		}
		if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e || n + 1 >= size)
			return -EINVAL;
		out[n++] = c;
	}
	out[n] = '\0';
	*ret_end = s;
	return 0;
}

int cpe_parse(const char *s, struct cpe *ret, const char **ret_reason)
{
	struct cpe c = { 0 };
	char part[4], raw[ADVISORY_KEY_MAX];
	const char *p, *why = NULL;

	if (!s || strncmp(s, "cpe:2.3:", 8) != 0) {
		why = "must start with 'cpe:2.3:'";
		goto bad;
	}
	if (strlen(s) > 512) {
		why = "is longer than 512 bytes";
		goto bad;
	}
	p = s + 8;
	if (cpe_component(p, part, sizeof(part), &p) < 0 || *p != ':' || strlen(part) != 1 ||
	    !strchr("aoh", part[0])) {
		why = "must name a part a, o or h";
		goto bad;
	}
	c.part = part[0];
	if (cpe_component(p + 1, raw, sizeof(raw), &p) < 0 || *p != ':' ||
	    !advisory_key(raw, c.vendor, sizeof(c.vendor)) || !strcmp(raw, "*")) {
		why = "has no vendor";
		goto bad;
	}
	if (cpe_component(p + 1, raw, sizeof(raw), &p) < 0 ||
	    !advisory_key(raw, c.product, sizeof(c.product)) || !strcmp(raw, "*")) {
		why = "has no product";
		goto bad;
	}
	if (*p == ':') {
		if (cpe_component(p + 1, c.version, sizeof(c.version), &p) < 0) {
			why = "has an invalid version";
			goto bad;
		}
		if (!strcmp(c.version, "*") || !strcmp(c.version, "-"))
			c.version[0] = '\0';
	}
	*ret = c;
	return 0;
bad:
	if (ret_reason)
		*ret_reason = why;
	return -EINVAL;
}

/* ------------------------------------------------------------------------ */
/* Assets                                                                   */
/* ------------------------------------------------------------------------ */

/* NULL when s is one line of valid UTF-8 of at most max bytes, else why not. */
static const char *one_line(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		return "is too long";
	if (u8_check((const uint8_t *)s, n))
		return "is not valid UTF-8";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "holds a control character";
	return NULL;
}

const char *advisory_asset_check(const char *name, const char *vendor, const char *product,
				 const char *version, const char *cpe, const char *exposure,
				 const char *owner, const char **ret_field)
{
	char key[ADVISORY_KEY_MAX];
	struct version v;
	struct cpe c;
	const char *why;

#define BAD(f, r)                 \
	do {                      \
		*ret_field = (f); \
		return (r);       \
	} while (0)
	if (!name || !*name)
		BAD("name", "is required");
	if ((why = one_line(name, 200)))
		BAD("name", why);
	if (vendor && (why = one_line(vendor, NAME_MAX_BYTES)))
		BAD("vendor", why);
	if (vendor && !advisory_key(vendor, key, sizeof(key)))
		BAD("vendor", "has no letters or digits");
	if (product && (why = one_line(product, NAME_MAX_BYTES)))
		BAD("product", why);
	if (product && !advisory_key(product, key, sizeof(key)))
		BAD("product", "has no letters or digits");
	if (cpe && cpe_parse(cpe, &c, &why) < 0)
		BAD("cpe", why);
	if (!product && !cpe)
		BAD("product", "is required (or a cpe)");
	if (version && version_parse(version, strlen(version), &v, &why) < 0)
		BAD("version", why);
	if (!exposure || (strcmp(exposure, "internet") && strcmp(exposure, "internal")))
		BAD("exposure", "must be internet or internal");
	if (owner && (why = one_line(owner, 200)))
		BAD("owner", why);
	return NULL;
#undef BAD
}
