/*
 * sqlite_adv.c — vulnerability advisories in the SQLite backend: the asset
 * inventory, aliases, the approved-applications register, advisory
 * import, matching, remediation items, notices, reminders, escalations,
 * the dashboard (see store.h and store_adv.h).
 *
 * Matching runs inside the write job that changed something (an import,
 * an asset, an alias) or in its own (the nightly run), in three phases:
 * load (advisory products with their parsed ranges, sorted by product
 * key; the assets concerned; their current items), match (in memory: a
 * binary search per asset, each version parsed once), store (new items,
 * requests and notices; items closed or reopened).  A notice is a public
 * message on the unit's vulnerability request, so the outbox mails it to
 * the unit's focal contacts in the same transaction.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/advisory.h"
#include "core/timefmt.h"
#include "core/version.h"
#include "store/sqlite_int.h"
#include "store/store_adv.h"

#define CANON_MAX (2 * ADVISORY_KEY_MAX + 2)
#define CANONS_MAX 8        /* products one (vendor, product) name may stand for */
#define NOTICE_ASSETS 50    /* assets listed by name in one notice */
#define DAY 86400
#define VN_OFFSET (7 * 3600) /* Asia/Ho_Chi_Minh, no daylight saving */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t now_or(int64_t now)
{
	return now ? now : (int64_t)time(NULL);
}

static void iso(int64_t t, char buf[TIMEFMT_SIZE])
{
	timefmt_iso((time_t)t, 0, buf);
}

/* "dd/mm/yyyy" of t in Asia/Ho_Chi_Minh */
static void vn_date(int64_t t, char buf[32])
{
	time_t x = (time_t)(t + VN_OFFSET);
	struct tm tm;
	gmtime_r(&x, &tm);
	snprintf(buf, 32, "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

/* Unix seconds of an ISO text we wrote ("2026-11-21T06:12:00.000Z"); 0 when not one. */
static int64_t iso_ts(const char *s)
{
	struct tm tm = { 0 };
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/* The end of day YYYY-MM-DD in Asia/Ho_Chi_Minh; 0 when s is NULL. */
static int64_t kev_due_ts(const char *s)
{
	struct tm tm = { 0 };
	if (!s || sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 23, tm.tm_min = 59, tm.tm_sec = 59;
	return (int64_t)timegm(&tm) - VN_OFFSET;
}

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */
/* ------------------------------------------------------------------------ */

struct adv_config {
	int64_t deadline[4]; /* days by enum severity */
	int64_t remind_days;
	int64_t match_unranged; /* advisories without ranges cover every version (1) or none (0) */
};

static int config_load(struct sq_conn *c, struct adv_config *cfg)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT key, value FROM advisory_config");
	int rc;

	*cfg = (struct adv_config){ { 90, 30, 14, 7 }, 2, 1 };
	if (!s)
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *k = sq_col_text(s, 0);
		int64_t v = sqlite3_column_int64(s, 1);
		if (!strncmp(k, "deadline.", 9) && severity_parse(k + 9) >= 0)
			cfg->deadline[severity_parse(k + 9)] = v;
		else if (!strcmp(k, "remind_days"))
			cfg->remind_days = v;
		else if (!strcmp(k, "match_unranged"))
			cfg->match_unranged = v;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

/* ------------------------------------------------------------------------ */
/* Aliases                                                                  */
/* ------------------------------------------------------------------------ */

struct alias_tab {
	struct valias {
		char alias[ADVISORY_KEY_MAX], vendor[ADVISORY_KEY_MAX];
	} *v;
	size_t nv;
	struct palias {
		char vendor[ADVISORY_KEY_MAX], alias[ADVISORY_KEY_MAX];
		char cv[ADVISORY_KEY_MAX], cp[ADVISORY_KEY_MAX];
	} *p;
	size_t np;
};

static void alias_tab_free(struct alias_tab *t)
{
	free(t->v);
	free(t->p);
}

static int alias_tab_load(struct sq_conn *c, struct alias_tab *t)
{
	sqlite3_stmt *s;
	size_t cap;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!(s = sq_stmt(c, "SELECT alias, vendor FROM vendor_aliases")))
		return -EIO;
	cap = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (t->nv == cap) {
			struct valias *nv = realloc(t->v, (cap = cap ? cap * 2 : 64) * sizeof(*nv));
			if (!nv) {
				sqlite3_reset(s);
				return -ENOMEM;
			}
			t->v = nv;
		}
		snprintf(t->v[t->nv].alias, ADVISORY_KEY_MAX, "%s", sq_col_text(s, 0));
		snprintf(t->v[t->nv].vendor, ADVISORY_KEY_MAX, "%s", sq_col_text(s, 1));
		t->nv++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sq_map_rc(rc);
	if (!(s = sq_stmt(c, "SELECT vendor, alias, canon_vendor, product FROM product_aliases "
			     "ORDER BY vendor, alias, canon_vendor, product")))
		return -EIO;
	cap = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct palias *p;
		if (t->np == cap) {
			struct palias *np = realloc(t->p, (cap = cap ? cap * 2 : 128) * sizeof(*np));
			if (!np) {
				sqlite3_reset(s);
				return -ENOMEM;
			}
			t->p = np;
		}
		p = &t->p[t->np++];
		snprintf(p->vendor, ADVISORY_KEY_MAX, "%s", sq_col_text(s, 0));
		snprintf(p->alias, ADVISORY_KEY_MAX, "%s", sq_col_text(s, 1));
		snprintf(p->cv, ADVISORY_KEY_MAX, "%s", sq_col_text(s, 2));
		snprintf(p->cp, ADVISORY_KEY_MAX, "%s", sq_col_text(s, 3));
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

/*
 * The canonical "vendor:product" keys a name stands for (at most
 * CANONS_MAX).  The vendor may be NULL or empty when a '*' alias knows the
 * product alone.  Returns how many; 0 when the vendor is needed and missing.
 */
static size_t resolve(const struct alias_tab *t, const char *vendor, const char *product,
		      char out[][CANON_MAX])
{
	char vk[ADVISORY_KEY_MAX] = "", pk[ADVISORY_KEY_MAX];
	size_t n = 0;

	if (vendor)
		advisory_key(vendor, vk, sizeof(vk));
	if (!advisory_key(product, pk, sizeof(pk)))
		return 0;
	for (size_t i = 0; i < t->nv; i++)
		if (!strcmp(t->v[i].alias, vk)) {
			snprintf(vk, sizeof(vk), "%s", t->v[i].vendor);
			break;
		}
	for (int pass = 0; pass < 2 && n == 0; pass++)
		for (size_t i = 0; i < t->np && n < CANONS_MAX; i++) {
			const struct palias *p = &t->p[i];
			if (strcmp(p->alias, pk))
				continue;
			if (pass == 0 ? (!vk[0] || strcmp(p->vendor, vk))
				      : (strcmp(p->vendor, "*") || (vk[0] && strcmp(p->cv, vk))))
				continue;
			snprintf(out[n++], CANON_MAX, "%s:%s", p->cv, p->cp);
		}
	if (n == 0 && vk[0])
		snprintf(out[n++], CANON_MAX, "%s:%s", vk, pk);
	return n;
}

/* ------------------------------------------------------------------------ */
/* Matching                                                                 */
/* ------------------------------------------------------------------------ */

struct m_adv {
	int64_t id;
	int sev;
	int due_days;
	int64_t kev_due;
};

struct m_prod {
	char canon[CANON_MAX];
	size_t adv;                  /* index into advs */
	struct version_range *r;     /* nr of them; none: every version */
	unsigned nr;
};

struct m_asset {
	int64_t id, unit_id;
	char *canon, *name, *version;
};

struct m_item {
	int64_t id, adv_id, asset_id, request_id;
	int state;                   /* 0 open, 1 answered, 2 closed */
	bool fixed;                  /* closed because it no longer matched */
	bool seen;
};

struct m_pair {
	int64_t adv_id, asset_id, unit_id;
	size_t adv, asset;
};

struct matcher {
	struct adv_config cfg;
	struct m_adv *advs;
	size_t nadv;
	struct m_prod *prods;
	size_t nprod, capprod;
	struct m_asset *assets;
	size_t nasset;
	struct m_item *items;
	size_t nitem;
	struct m_pair *pairs;
	size_t npair, cappair;
};

static void matcher_free(struct matcher *m)
{
	for (size_t i = 0; i < m->nprod; i++)
		free(m->prods[i].r);
	for (size_t i = 0; i < m->nasset; i++) {
		free(m->assets[i].canon);
		free(m->assets[i].name);
		free(m->assets[i].version);
	}
	free(m->advs);
	free(m->prods);
	free(m->assets);
	free(m->items);
	free(m->pairs);
}

static int prod_cmp(const void *a, const void *b)
{
	return strcmp(((const struct m_prod *)a)->canon, ((const struct m_prod *)b)->canon);
}

static int adv_id_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct m_adv *)a)->id, y = ((const struct m_adv *)b)->id;
	return x < y ? -1 : x > y;
}

/* Ranges of a product: a JSON array of strings, parsed (bad ones were refused on import). */
static int ranges_parse(const char *text, struct version_range **ret, unsigned *ret_n)
{
	json_t *arr = json_loads(text ? text : "[]", 0, NULL), *v;
	struct version_range *r = NULL;
	unsigned n = 0;
	size_t i;

	*ret = NULL;
	*ret_n = 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		json_decref(arr);
		return 0;
	}
	if (!(r = calloc(json_array_size(arr), sizeof(*r)))) {
		json_decref(arr);
		return -ENOMEM;
	}
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && version_range_parse(json_string_value(v), &r[n], NULL) == 0)
			n++;
	json_decref(arr);
	if (n == 0) {
		/* nothing usable: match nothing rather than everything */
		r[0].nalt = 0;
		n = 1;
	}
	*ret = r;
	*ret_n = n;
	return 0;
}

static int load_advisories(struct sq_conn *c, const struct alias_tab *t, struct matcher *m)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;

	if (!(s = sq_stmt(c, "SELECT id, severity, due_days, kev_due FROM advisories ORDER BY id")))
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct m_adv *a;
		if (m->nadv == cap) {
			struct m_adv *na = realloc(m->advs, (cap = cap ? cap * 2 : 1024) * sizeof(*na));
			if (!na) {
				sqlite3_reset(s);
				return -ENOMEM;
			}
			m->advs = na;
		}
		a = &m->advs[m->nadv++];
		a->id = sqlite3_column_int64(s, 0);
		a->sev = sq_col_text(s, 1) ? severity_parse(sq_col_text(s, 1)) : SEV_HIGH;
		if (a->sev < 0)
			a->sev = SEV_HIGH;
		a->due_days = sqlite3_column_int(s, 2);
		a->kev_due = kev_due_ts(sq_col_text(s, 3));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sq_map_rc(rc);
	if (!(s = sq_stmt(c, "SELECT advisory_id, vendor, product, ranges FROM advisory_products "
			     "ORDER BY advisory_id, id")))
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		char canons[CANONS_MAX][CANON_MAX];
		struct m_adv key = { .id = sqlite3_column_int64(s, 0) }, *a;
		size_t n = resolve(t, sq_col_text(s, 1), sq_col_text(s, 2), canons);
		a = bsearch(&key, m->advs, m->nadv, sizeof(*a), adv_id_cmp);
		for (size_t k = 0; a && k < n; k++) {
			struct m_prod *p;
			if (m->nprod == m->capprod) {
				size_t ncap = m->capprod ? m->capprod * 2 : 1024;
				struct m_prod *np = realloc(m->prods, ncap * sizeof(*np));
				if (!np) {
					sqlite3_reset(s);
					return -ENOMEM;
				}
				m->prods = np;
				m->capprod = ncap;
			}
			p = &m->prods[m->nprod];
			memcpy(p->canon, canons[k], CANON_MAX);
			p->adv = (size_t)(a - m->advs);
			if ((rc = ranges_parse(sq_col_text(s, 3), &p->r, &p->nr)) < 0) {
				sqlite3_reset(s);
				return rc;
			}
			if (p->nr == 0 && !m->cfg.match_unranged)
				continue;
			m->nprod++;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sq_map_rc(rc);
	if (m->nprod)
		qsort(m->prods, m->nprod, sizeof(*m->prods), prod_cmp);
	return 0;
}

/* The assets concerned: all (unit_id and asset_id 0), one unit's, or one. */
static int load_assets(struct sq_conn *c, int64_t unit_id, int64_t asset_id, struct matcher *m)
{
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT id, unit_id, canon, name, version FROM assets WHERE (?1 = 0 OR unit_id = ?1) "
		"AND (?2 = 0 OR id = ?2) ORDER BY id");
	size_t cap = 0;
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_int64(s, 2, asset_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct m_asset *a;
		if (m->nasset == cap) {
			struct m_asset *na = realloc(m->assets, (cap = cap ? cap * 2 : 1024) * sizeof(*na));
			if (!na) {
				sqlite3_reset(s);
				return -ENOMEM;
			}
			m->assets = na;
		}
		a = &m->assets[m->nasset++];
		a->id = sqlite3_column_int64(s, 0);
		a->unit_id = sqlite3_column_int64(s, 1);
		a->canon = xstrdup(sq_col_text(s, 2));
		a->name = xstrdup(sq_col_text(s, 3));
		a->version = sq_col_text(s, 4) ? xstrdup(sq_col_text(s, 4)) : NULL;
		if (!a->canon || !a->name || (sq_col_text(s, 4) && !a->version)) {
			sqlite3_reset(s);
			return -ENOMEM;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

static int item_cmp(const void *a, const void *b)
{
	const struct m_item *x = a, *y = b;
	if (x->adv_id != y->adv_id)
		return x->adv_id < y->adv_id ? -1 : 1;
	return x->asset_id < y->asset_id ? -1 : x->asset_id > y->asset_id;
}

static int load_items(struct sq_conn *c, int64_t unit_id, int64_t asset_id, struct matcher *m)
{
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT id, advisory_id, asset_id, request_id, state, resolution FROM remediation "
		"WHERE asset_id IS NOT NULL AND (?1 = 0 OR unit_id = ?1) AND (?2 = 0 OR asset_id = ?2)");
	size_t cap = 0;
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, unit_id);
	sqlite3_bind_int64(s, 2, asset_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct m_item *it;
		const char *st = sq_col_text(s, 4), *res = sq_col_text(s, 5);
		if (m->nitem == cap) {
			struct m_item *ni = realloc(m->items, (cap = cap ? cap * 2 : 1024) * sizeof(*ni));
			if (!ni) {
				sqlite3_reset(s);
				return -ENOMEM;
			}
			m->items = ni;
		}
		it = &m->items[m->nitem++];
		it->id = sqlite3_column_int64(s, 0);
		it->adv_id = sqlite3_column_int64(s, 1);
		it->asset_id = sqlite3_column_int64(s, 2);
		it->request_id = sqlite3_column_int64(s, 3);
		it->state = !strcmp(st, "open") ? 0 : !strcmp(st, "answered") ? 1 : 2;
		it->fixed = res && !strcmp(res, "fixed");
		it->seen = false;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sq_map_rc(rc);
	if (m->nitem)
		qsort(m->items, m->nitem, sizeof(*m->items), item_cmp);
	return 0;
}

static int add_pair(struct matcher *m, size_t adv, size_t asset)
{
	struct m_pair *p;

	if (m->npair == m->cappair) {
		size_t ncap = m->cappair ? m->cappair * 2 : 1024;
		struct m_pair *np = realloc(m->pairs, ncap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		m->pairs = np;
		m->cappair = ncap;
	}
	p = &m->pairs[m->npair++];
	p->adv = adv;
	p->asset = asset;
	p->adv_id = m->advs[adv].id;
	p->asset_id = m->assets[asset].id;
	p->unit_id = m->assets[asset].unit_id;
	return 0;
}

/* Whether a product entry covers a version (NULL: unknown). */
static bool covers(const struct m_prod *p, const struct version *v)
{
	if (p->nr == 0 || !v)
		return true;
	for (unsigned k = 0; k < p->nr; k++)
		if (version_in_range(v, &p->r[k]))
			return true;
	return false;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct m_pair *x = a, *y = b;
	if (x->adv_id != y->adv_id)
		return x->adv_id < y->adv_id ? -1 : 1;
	return x->asset_id < y->asset_id ? -1 : x->asset_id > y->asset_id;
}

/* The match phase: every (advisory, asset) pair that matches, sorted, unique. */
static int match_pairs(struct matcher *m)
{
	size_t w = 0;

	for (size_t i = 0; i < m->nasset; i++) {
		struct m_asset *a = &m->assets[i];
		struct m_prod key, *p;
		struct version v;
		bool parsed = false, have = false;
		size_t lo = 0, hi = m->nprod;

		/* the first product entry with this key */
		snprintf(key.canon, sizeof(key.canon), "%s", a->canon);
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (strcmp(m->prods[mid].canon, key.canon) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (p = m->prods + lo; p < m->prods + m->nprod && !strcmp(p->canon, a->canon); p++) {
			if (!parsed) {
				parsed = true;
				have = a->version &&
				       version_parse(a->version, strlen(a->version), &v, NULL) == 0;
			}
			if (covers(p, have ? &v : NULL)) {
				int rc = add_pair(m, p->adv, i);
				if (rc < 0)
					return rc;
			}
		}
	}
	if (m->npair)
		qsort(m->pairs, m->npair, sizeof(*m->pairs), pair_cmp);
	for (size_t i = 0; i < m->npair; i++)
		if (w == 0 || pair_cmp(&m->pairs[w - 1], &m->pairs[i]) != 0)
			m->pairs[w++] = m->pairs[i];
	m->npair = w;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Notices                                                                  */
/* ------------------------------------------------------------------------ */

struct adv_info {
	char ref[72], cve[32], severity[16];
	char *title, *action;
	bool exploited;
};

static const char *sev_vi(const char *sev)
{
	return !strcmp(sev, "critical") ? "nghiêm trọng" : !strcmp(sev, "high") ? "cao"
	       : !strcmp(sev, "medium") ? "trung bình" : !strcmp(sev, "low") ? "thấp" : "cao";
}

static int adv_info_load(struct sq_conn *c, int64_t id, struct adv_info *ret)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT ref, cve, coalesce(severity, 'high'), title, "
				     "required_action, exploited FROM advisories WHERE id = ?1");
	int rc;

	memset(ret, 0, sizeof(*ret));
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(ret->ref, sizeof(ret->ref), "%s", sq_col_text(s, 0));
		snprintf(ret->cve, sizeof(ret->cve), "%s", sq_col_text(s, 1) ? sq_col_text(s, 1) : "");
		snprintf(ret->severity, sizeof(ret->severity), "%s", sq_col_text(s, 2));
		ret->title = xstrdup(sq_col_text(s, 3));
		ret->action = xstrdup(sq_col_text(s, 4));
		ret->exploited = sqlite3_column_int(s, 5);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	return ret->title && ret->action ? 0 : -ENOMEM;
}

static void adv_info_clear(struct adv_info *a)
{
	free(a->title);
	free(a->action);
}

/* A subject of at most ~250 bytes, cut on a character boundary. */
static void subject_of(const struct adv_info *a, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "Cảnh báo lỗ hổng %s: %s", a->ref, a->title);
	n = strlen(buf);
	if (n > 250) {
		n = 250;
		while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80)
			n--;
		buf[n] = '\0';
	}
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

/* The assets of a group, one per line. */
static void list_assets(FILE *f, const struct matcher *m, const struct m_pair *g, size_t n)
{
	for (size_t i = 0; i < n && i < NOTICE_ASSETS; i++) {
		const struct m_asset *a = &m->assets[g[i].asset];
		fprintf(f, "  - %s (%s%s%s)\n", a->name, a->canon, a->version ? " " : "",
			a->version ? a->version : "");
	}
	if (n > NOTICE_ASSETS)
		fprintf(f, "  ... và %zu tài sản khác / and %zu more\n", n - NOTICE_ASSETS,
			n - NOTICE_ASSETS);
}

/* The request's description: what, until when, how many assets (the
 * notice itself, with the list, is the first message). */
static char *summary_text(const struct adv_info *a, const struct matcher *m, const struct m_pair *g,
			  size_t n, int64_t due)
{
	char *buf = NULL, date[32];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	vn_date(due, date);
	fprintf(f, "%s: %s\nMức độ: %s%s. Hạn khắc phục: %s.\nTài sản bị ảnh hưởng (%zu):", a->ref,
		a->title, sev_vi(a->severity), a->exploited ? ", đang bị khai thác" : "", date, n);
	for (size_t i = 0; i < n && i < 5; i++)
		fprintf(f, "%s %s", i ? "," : "", m->assets[g[i].asset].name);
	fprintf(f, "%s\nSeverity: %s%s. Deadline: %s. Affected assets: %zu.", n > 5 ? ", ..." : "",
		a->severity, a->exploited ? ", exploited" : "", date, n);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *notice_text(const struct adv_info *a, const struct matcher *m, const struct m_pair *g,
			 size_t n, int64_t due, bool added)
{
	char *buf = NULL, date[32];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	vn_date(due, date);
	fprintf(f, "Kính gửi Quý đơn vị,\n\n");
	if (added)
		fprintf(f, "Thêm tài sản của đơn vị bị ảnh hưởng bởi lỗ hổng %s:\n", a->ref);
	else
		fprintf(f, "Cảnh báo lỗ hổng bảo mật %s%s%s%s: %s\n", a->ref, a->cve[0] &&
			strcmp(a->cve, a->ref) ? " (" : "", a->cve[0] && strcmp(a->cve, a->ref) ? a->cve
			: "", a->cve[0] && strcmp(a->cve, a->ref) ? ")" : "", a->title);
	fprintf(f, "Mức độ: %s%s\nThời hạn khắc phục: %s\n\nTài sản bị ảnh hưởng:\n",
		sev_vi(a->severity), a->exploited ? " — đang bị khai thác trên thực tế" : "", date);
	list_assets(f, m, g, n);
	if (a->action && *a->action)
		fprintf(f, "\nHành động cần thực hiện: %s\n", a->action);
	fprintf(f, "\nĐề nghị Quý đơn vị rà soát, khắc phục triệt để và trả lời cho từng tài sản "
		   "trước thời hạn: đã vá (ghi phiên bản mới), đã áp dụng biện pháp giảm thiểu "
		   "(mô tả), hoặc không bị ảnh hưởng (nêu lý do).\n\n---\n");
	fprintf(f, "%s %s: %s\nSeverity: %s%s. Deadline: %s.\nAffected assets are listed above. "
		   "Please remediate and answer for each asset before the deadline: patched (new "
		   "version), mitigated (what was done) or not affected (why).\n",
		added ? "More assets affected by" : "Vulnerability advisory", a->ref, a->title,
		a->severity, a->exploited ? ", exploited in the wild" : "", date);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The unit's focal contacts with an email, in order; the first is the requester. */
static json_t *unit_contacts(struct sq_conn *c, int64_t unit_id)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT name, email FROM unit_contacts WHERE unit_id = ?1 "
				     "AND email IS NOT NULL AND email <> '' ORDER BY id");
	json_t *arr = json_array();

	if (!s)
		return arr;
	sqlite3_bind_int64(s, 1, unit_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{so so}", "name", sq_col_json(s, 0), "email",
						      sq_col_json(s, 1)));
	sqlite3_reset(s);
	return arr;
}

/*
 * Post a generated notice as support's public message on request `rid`
 * and mail it to every address of `to` (JSON objects with "email"): the
 * request opens (or reopens with `reopen`), the SLA clock counts the
 * response, the change is audited.  Written here rather than through
 * sq_request_apply because a campaign posts thousands at once: the notice
 * is generated text, left out of the search index (the description,
 * indexed, says the same), which spares a full-text insert each.  Returns
 * the number of mails queued, or a negative error.  Without `audit` the
 * caller's own audit entry records the notice (one entry for one event).
 */
static int post_notice(struct sq_conn *c, const char *code, int64_t rid, const char *text,
		       bool reopen, json_t *to, const char *actor, const char *at, int64_t now,
		       bool audit)
{
	char status[16] = "";
	const char *next;
	sqlite3_stmt *s = sq_stmt(c, "SELECT status FROM requests WHERE id = ?1");
	int64_t eid;
	size_t i;
	json_t *v;
	int rc, n = 0;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(status, sizeof(status), "%s", sq_col_text(s, 0));
	sqlite3_reset(s);
	next = !strcmp(status, "new") || (reopen && (!strcmp(status, "resolved") ||
						     !strcmp(status, "closed"))) ? "open" : status;
	if (!(s = sq_stmt(c, "INSERT INTO events(request_id, type, actor, at, internal, direction, body, "
			     "old_value, new_value) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8)")))
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	sq_bind_text(s, 2, "message");
	sq_bind_text(s, 3, actor);
	sq_bind_text(s, 4, at);
	sq_bind_text(s, 5, "out");
	sq_bind_text(s, 6, text);
	sq_bind_text(s, 7, NULL);
	sq_bind_text(s, 8, NULL);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	eid = sqlite3_last_insert_rowid(c->db);
	if (strcmp(next, status)) {
		sqlite3_bind_int64(s, 1, rid);
		sq_bind_text(s, 2, "status");
		sq_bind_text(s, 3, actor);
		sq_bind_text(s, 4, at);
		sq_bind_text(s, 5, NULL);
		sq_bind_text(s, 6, NULL);
		sq_bind_text(s, 7, status);
		sq_bind_text(s, 8, next);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
	}
	if (!(s = sq_stmt(c, "UPDATE requests SET status = ?2, updated_at = ?3 WHERE id = ?1")))
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	sq_bind_text(s, 2, next);
	sq_bind_text(s, 3, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	json_array_foreach(to, i, v) {
		if ((rc = sq_outbox_add(c, rid, eid, "reply",
					json_string_value(json_object_get(v, "email")), at)) < 0)
			return rc;
		n++;
	}
	if ((rc = sq_sla_changed(c, rid, true, now)) < 0)
		return rc;
	if (audit && (rc = sq_audit(c, at, actor, "request.change", code,
			   json_pack("{sI si s:s?}", "notice", (json_int_t)strlen(text), "mailed", n,
				     "status", strcmp(next, status) ? next : NULL))) < 0)
		return rc;
	return n;
}

/* ------------------------------------------------------------------------ */
/* The store phase of matching                                              */
/* ------------------------------------------------------------------------ */

/* The vulnerability request of (advisory, unit): its id and code, 0 when none. */
static int64_t adv_request_of(struct sq_conn *c, int64_t adv_id, int64_t unit_id, char code[16],
			      char status[16])
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT r.id, r.code, r.status FROM advisory_requests ar "
				     "JOIN requests r ON r.id = ar.request_id "
				     "WHERE ar.advisory_id = ?1 AND ar.unit_id = ?2");
	int64_t id = 0;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, adv_id);
	sqlite3_bind_int64(s, 2, unit_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		snprintf(code, 16, "%s", sq_col_text(s, 1));
		snprintf(status, 16, "%s", sq_col_text(s, 2));
	}
	sqlite3_reset(s);
	return id;
}

static int64_t due_of(const struct matcher *m, const struct m_adv *a, int64_t now)
{
	int64_t days = a->due_days > 0 ? a->due_days : m->cfg.deadline[a->sev];
	int64_t due = now + days * DAY;

	if (a->kev_due && a->kev_due < due)
		due = a->kev_due;
	return due;
}

/* New items of one (advisory, unit) group: the request (created or told), the items. */
static int store_group(struct sq_conn *c, struct matcher *m, const struct m_pair *g, size_t n,
		       const char *actor, int64_t now, struct adv_stats *st)
{
	const struct m_adv *a = &m->advs[g[0].adv];
	int64_t unit_id = g[0].unit_id, due = due_of(m, a, now), rid;
	char code[16] = "", status[16] = "", at[TIMEFMT_SIZE], due_s[TIMEFMT_SIZE], subject[300];
	struct adv_info info;
	json_t *contacts = NULL, *names = NULL;
	char *text = NULL, *summary = NULL;
	bool created;
	sqlite3_stmt *s;
	int rc;

	iso(now, at);
	iso(due, due_s);
	if ((rc = adv_info_load(c, a->id, &info)) < 0) {
		adv_info_clear(&info);
		return rc;
	}
	if ((rid = adv_request_of(c, a->id, unit_id, code, status)) < 0) {
		rc = (int)rid;
		goto out;
	}
	contacts = unit_contacts(c, unit_id);
	if (!(text = notice_text(&info, m, g, n, due, rid > 0))) {
		rc = -ENOMEM;
		goto out;
	}
	created = !rid;
	if (!rid) {
		struct request_in in = { .kind = KIND_VULNERABILITY, .channel = CHAN_API,
					 .now = (time_t)now };
		char unit_code[64] = "", unit_name[512] = "";
		struct store_err err = { 0 };
		json_t *first = json_array_get(contacts, 0);
		if (!(s = sq_stmt(c, "SELECT code, name FROM units WHERE id = ?1"))) {
			rc = -EIO;
			goto out;
		}
		sqlite3_bind_int64(s, 1, unit_id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			snprintf(unit_code, sizeof(unit_code), "%s", sq_col_text(s, 0));
			snprintf(unit_name, sizeof(unit_name), "%s", sq_col_text(s, 1));
		}
		sqlite3_reset(s);
		subject_of(&info, subject, sizeof(subject));
		in.subject = subject;
		if (!(summary = summary_text(&info, m, g, n, due))) {
			rc = -ENOMEM;
			goto out;
		}
		in.description = summary;
		in.unit = unit_code;
		in.priority = a->sev == SEV_CRITICAL ? PRIO_URGENT : a->sev == SEV_HIGH ? PRIO_HIGH
											: PRIO_NORMAL;
		in.requester_name = first ? json_string_value(json_object_get(first, "name")) : unit_name;
		in.requester_email = first ? json_string_value(json_object_get(first, "email")) : NULL;
		if ((rc = sq_request_insert(c, &in, actor, code, &rid, &err)) < 0)
			goto out;
		if (!(s = sq_stmt(c, "INSERT INTO advisory_requests(advisory_id, unit_id, request_id, due) "
				     "VALUES (?1, ?2, ?3, ?4)"))) {
			rc = -EIO;
			goto out;
		}
		sqlite3_bind_int64(s, 1, a->id);
		sqlite3_bind_int64(s, 2, unit_id);
		sqlite3_bind_int64(s, 3, rid);
		sq_bind_text(s, 4, due_s);
		if ((rc = sq_step_done(s)) < 0)
			goto out;
		st->requests_new++;
		/* the notice, with the list of assets: the first message, mailed */
		rc = post_notice(c, code, rid, text, false, contacts, actor, at, now, false);
	} else {
		rc = post_notice(c, code, rid, text, true, contacts, actor, at, now, false);
	}
	if (rc < 0)
		goto out;
	st->notices += (size_t)rc;
	if (!(s = sq_stmt(c, "INSERT INTO remediation(advisory_id, asset_id, asset_name, unit_id, "
			     "request_id, state, version, due, created_at, updated_at) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?8)"))) {
		rc = -EIO;
		goto out;
	}
	names = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct m_asset *as = &m->assets[g[i].asset];
		sqlite3_bind_int64(s, 1, a->id);
		sqlite3_bind_int64(s, 2, as->id);
		sq_bind_text(s, 3, as->name);
		sqlite3_bind_int64(s, 4, unit_id);
		sqlite3_bind_int64(s, 5, rid);
		sq_bind_text(s, 6, as->version);
		sq_bind_text(s, 7, due_s);
		sq_bind_text(s, 8, at);
		if ((rc = sq_step_done(s)) < 0)
			goto out;
		if (i < NOTICE_ASSETS)
			json_array_append_new(names, json_string(as->name));
	}
	st->items_new += n;
	/* the request's deadline is the earliest of its open items' (a new
	 * request has it already: all its items are due together) */
	if (!created) {
		if (!(s = sq_stmt(c, "UPDATE advisory_requests SET due = (SELECT min(due) FROM "
				     "remediation WHERE request_id = ?1 AND state <> 'closed') "
				     "WHERE request_id = ?1"))) {
			rc = -EIO;
			goto out;
		}
		sqlite3_bind_int64(s, 1, rid);
		if ((rc = sq_step_done(s)) < 0)
			goto out;
	}
	/* one entry for the match and its notice */
	rc = sq_audit(c, at, actor, "advisory.match", code,
		      json_pack("{ss sI so ss si sI}", "advisory", info.ref, "assets_count", (json_int_t)n,
				"assets", names, "due", due_s, "notified",
				(int)json_array_size(contacts), "notice", (json_int_t)strlen(text)));
	names = NULL;
out:
	json_decref(names);
	json_decref(contacts);
	free(text);
	free(summary);
	adv_info_clear(&info);
	return rc;
}

/* Resolve a request whose items are all closed; reopen one that has open items again. */
static int request_follow(struct sq_conn *c, int64_t rid, const char *actor)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT r.code, r.status, (SELECT count(*) FROM remediation "
				     "WHERE request_id = r.id AND state <> 'closed') FROM requests r "
				     "WHERE r.id = ?1");
	char code[16] = "", status[16] = "";
	int64_t live = 0;
	struct request_change chg = { .status = -1, .priority = -1 };
	struct store_err err = { 0 };

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, rid);
	if (sqlite3_step(s) == SQLITE_ROW) {
		snprintf(code, sizeof(code), "%s", sq_col_text(s, 0));
		snprintf(status, sizeof(status), "%s", sq_col_text(s, 1));
		live = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (!code[0])
		return 0;
	if (live == 0 && strcmp(status, "resolved") && strcmp(status, "closed"))
		chg.status = ST_RESOLVED;
	else if (live > 0 && (!strcmp(status, "resolved") || !strcmp(status, "closed")))
		chg.status = ST_OPEN;
	if (chg.status < 0)
		return 0;
	if (!status_transition_ok(status_parse(status), chg.status))
		return 0;
	return sq_request_apply(c, code, NULL, &chg, actor, &err);
}

static int item_set(struct sq_conn *c, int64_t id, bool close, const char *at)
{
	sqlite3_stmt *s = close
		? sq_stmt(c, "UPDATE remediation SET state = 'closed', resolution = 'fixed', "
			     "closed_at = ?2, updated_at = ?2 WHERE id = ?1")
		: sq_stmt(c, "UPDATE remediation SET state = 'open', resolution = NULL, answer = NULL, "
			     "closed_at = NULL, updated_at = ?2 WHERE id = ?1");

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	sq_bind_text(s, 2, at);
	return sq_step_done(s);
}

static int group_cmp(const void *a, const void *b)
{
	const struct m_pair *x = a, *y = b;
	if (x->adv_id != y->adv_id)
		return x->adv_id < y->adv_id ? -1 : 1;
	if (x->unit_id != y->unit_id)
		return x->unit_id < y->unit_id ? -1 : 1;
	return x->asset_id < y->asset_id ? -1 : x->asset_id > y->asset_id;
}

static int rid_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Match the assets of unit_id (0: all) or the one asset_id (0: all) against
 * every advisory, inside a write job.
 */
static int match_run(struct sq_conn *c, int64_t unit_id, int64_t asset_id, const char *actor,
		     int64_t now, struct adv_stats *st)
{
	struct matcher m = { 0 };
	struct alias_tab t = { 0 };
	struct m_pair *fresh = NULL;
	int64_t *touched = NULL;
	size_t nfresh = 0, ntouched = 0, i, k;
	char at[TIMEFMT_SIZE];
	double t0 = now_s(), t1;
	int rc;

	iso(now, at);
	if ((rc = config_load(c, &m.cfg)) < 0 || (rc = alias_tab_load(c, &t)) < 0 ||
	    (rc = load_advisories(c, &t, &m)) < 0 || (rc = load_assets(c, unit_id, asset_id, &m)) < 0 ||
	    (rc = load_items(c, unit_id, asset_id, &m)) < 0)
		goto out;
	t1 = now_s();
	st->t_load += t1 - t0;
	t0 = t1;
	if ((rc = match_pairs(&m)) < 0)
		goto out;
	st->assets += m.nasset;
	st->matches += m.npair;
	/* diff against the items: both sorted by (advisory, asset) */
	if (!(fresh = malloc((m.npair ? m.npair : 1) * sizeof(*fresh))) ||
	    !(touched = malloc((m.nitem ? m.nitem : 1) * sizeof(*touched)))) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0, k = 0; i < m.npair; i++) {
		struct m_item key = { .adv_id = m.pairs[i].adv_id, .asset_id = m.pairs[i].asset_id };
		while (k < m.nitem && item_cmp(&m.items[k], &key) < 0)
			k++;
		if (k < m.nitem && item_cmp(&m.items[k], &key) == 0)
			m.items[k].seen = true;
		else
			fresh[nfresh++] = m.pairs[i];
	}
	if (nfresh)
		qsort(fresh, nfresh, sizeof(*fresh), group_cmp);
	t1 = now_s();
	st->t_match += t1 - t0;
	t0 = t1;

	/* open items that no longer match close (answered ones wait for their
	 * review); closed-as-fixed ones that match again reopen */
	for (i = 0; i < m.nitem; i++) {
		struct m_item *it = &m.items[i];
		bool close = !it->seen && it->state == 0, reopen = it->seen && it->state == 2 && it->fixed;
		if (!close && !reopen)
			continue;
		if ((rc = item_set(c, it->id, close, at)) < 0 ||
		    (rc = sq_audit(c, at, actor, close ? "remediation.fixed" : "remediation.reopen", "",
				   json_pack("{sI sI sI}", "item", (json_int_t)it->id, "advisory",
					     (json_int_t)it->adv_id, "asset", (json_int_t)it->asset_id))) < 0)
			goto out;
		if (close)
			st->items_closed++;
		else
			st->items_reopened++;
		touched[ntouched++] = it->request_id;
	}
	for (i = 0; i < nfresh; i = k) {
		for (k = i + 1; k < nfresh && fresh[k].adv_id == fresh[i].adv_id &&
				fresh[k].unit_id == fresh[i].unit_id; k++)
			;
		if ((rc = store_group(c, &m, fresh + i, k - i, actor, now, st)) < 0)
			goto out;
	}
	if (ntouched)
		qsort(touched, ntouched, sizeof(*touched), rid_cmp);
	for (i = 0; i < ntouched; i++)
		if ((i == 0 || touched[i] != touched[i - 1]) &&
		    (rc = request_follow(c, touched[i], actor)) < 0)
			goto out;
	st->t_store += now_s() - t0;
out:
	free(fresh);
	free(touched);
	alias_tab_free(&t);
	matcher_free(&m);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Import and the nightly match                                             */
/* ------------------------------------------------------------------------ */

struct import_job {
	const struct advisory_set *set;
	const char *actor;
	int64_t now;
	struct adv_stats *st;
	struct store_err *err;
};

static int products_set(struct sq_conn *c, int64_t id, const struct advisory *a)
{
	sqlite3_stmt *s = sq_stmt(c, "DELETE FROM advisory_products WHERE advisory_id = ?1");
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (!(s = sq_stmt(c, "INSERT INTO advisory_products(advisory_id, vendor, product, ranges) "
			     "VALUES (?1, ?2, ?3, ?4)")))
		return -EIO;
	for (size_t i = 0; i < a->naff; i++) {
		const struct advisory_affected *f = &a->aff[i];
		json_t *r = json_array();
		char *text;
		for (size_t k = 0; k < f->nranges; k++)
			json_array_append_new(r, json_string(f->ranges[k]));
		text = json_dumps(r, JSON_COMPACT);
		json_decref(r);
		if (!text)
			return -ENOMEM;
		sqlite3_bind_int64(s, 1, id);
		sq_bind_text(s, 2, f->vendor);
		sq_bind_text(s, 3, f->product);
		sq_bind_text(s, 4, text);
		rc = sq_step_done(s);
		free(text);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Hex BLAKE2b of an entry's canonical JSON: an unchanged entry is not written again. */
static int entry_hash(json_t *e, char hex[65])
{
	unsigned char h[32];
	char *d = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);

	if (!d)
		return -ENOMEM;
	crypto_generichash(h, sizeof(h), (const unsigned char *)d, strlen(d), NULL, 0);
	free(d);
	sodium_bin2hex(hex, 65, h, sizeof(h));
	return 0;
}

static const char SQL_ADV_BY_REF[] =
	"SELECT id, kev_hash, local_hash, in_local FROM advisories WHERE ref = ?1";
static const char SQL_ADV_BY_CVE[] =
	"SELECT id, kev_hash, local_hash, in_local FROM advisories WHERE cve = ?1 ORDER BY id LIMIT 1";
static const char SQL_ADV_INSERT[] =
	"INSERT INTO advisories(ref, cve, title, vendor, product, description, required_action, notes, "
	"source, severity, exploited, ransomware, due_days, kev_due, published, in_kev, in_local, "
	"kev_hash, local_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	"?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20)";
/* KEV's fields; the descriptive ones only while no advisory of ours covers the entry */
static const char SQL_ADV_KEV_UPDATE[] =
	"UPDATE advisories SET cve = ?2, kev_due = ?3, ransomware = ?4, exploited = 1, in_kev = 1, "
	"kev_hash = ?5, published = coalesce(published, ?6), updated_at = ?7, "
	"title = CASE in_local WHEN 0 THEN ?8 ELSE title END, "
	"vendor = CASE in_local WHEN 0 THEN ?9 ELSE vendor END, "
	"product = CASE in_local WHEN 0 THEN ?10 ELSE product END, "
	"description = CASE in_local WHEN 0 THEN ?11 ELSE coalesce(description, ?11) END, "
	"required_action = CASE in_local WHEN 0 THEN ?12 ELSE coalesce(required_action, ?12) END, "
	"notes = CASE in_local WHEN 0 THEN ?13 ELSE notes END WHERE id = ?1";
static const char SQL_ADV_LOCAL_UPDATE[] =
	"UPDATE advisories SET cve = coalesce(?2, cve), title = ?3, vendor = ?4, product = ?5, "
	"description = coalesce(?6, description), required_action = coalesce(?7, required_action), "
	"notes = coalesce(?8, notes), source = ?9, severity = ?10, exploited = max(in_kev, ?11), "
	"due_days = ?12, published = coalesce(?13, published), in_local = 1, local_hash = ?14, "
	"updated_at = ?15 WHERE id = ?1";

static int import_one(struct sq_conn *c, struct import_job *j, const struct advisory *a, json_t *e,
		      const char *at)
{
	bool kev = j->set->format == ADV_KEV;
	char hash[65], old[65] = "";
	int64_t id = 0;
	bool in_local = false;
	sqlite3_stmt *s;
	int rc;

	if ((rc = entry_hash(e, hash)) < 0)
		return rc;
	for (int pass = 0; pass < 2 && !id; pass++) {
		if (pass == 1 && !a->cve)
			break;
		if (!(s = sq_stmt(c, pass == 0 ? SQL_ADV_BY_REF : SQL_ADV_BY_CVE)))
			return -EIO;
		sq_bind_text(s, 1, pass == 0 ? a->ref : a->cve);
		if (sqlite3_step(s) == SQLITE_ROW) {
			id = sqlite3_column_int64(s, 0);
			snprintf(old, sizeof(old), "%s", sq_col_text(s, kev ? 1 : 2) ?: "");
			in_local = sqlite3_column_int(s, 3);
		}
		sqlite3_reset(s);
	}
	if (id && !strcmp(old, hash)) {
		j->st->unchanged++;
		return 0;
	}
	if (!id) {
		if (!(s = sq_stmt(c, SQL_ADV_INSERT)))
			return -EIO;
		sq_bind_text(s, 1, a->ref);
		sq_bind_text(s, 2, a->cve);
		sq_bind_text(s, 3, a->title);
		sq_bind_text(s, 4, a->vendor);
		sq_bind_text(s, 5, a->product);
		sq_bind_text(s, 6, a->description);
		sq_bind_text(s, 7, a->required_action);
		sq_bind_text(s, 8, a->notes);
		sq_bind_text(s, 9, a->source);
		sq_bind_text(s, 10, severity_name(a->severity));
		sqlite3_bind_int(s, 11, a->exploited);
		sqlite3_bind_int(s, 12, a->ransomware);
		sq_bind_id(s, 13, a->due_days);
		sq_bind_text(s, 14, a->kev_due);
		sq_bind_text(s, 15, a->published);
		sqlite3_bind_int(s, 16, kev);
		sqlite3_bind_int(s, 17, !kev);
		sq_bind_text(s, 18, kev ? hash : NULL);
		sq_bind_text(s, 19, kev ? NULL : hash);
		sq_bind_text(s, 20, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		id = sqlite3_last_insert_rowid(c->db);
		j->st->created++;
	} else if (kev) {
		if (!(s = sq_stmt(c, SQL_ADV_KEV_UPDATE)))
			return -EIO;
		sqlite3_bind_int64(s, 1, id);
		sq_bind_text(s, 2, a->cve);
		sq_bind_text(s, 3, a->kev_due);
		sqlite3_bind_int(s, 4, a->ransomware);
		sq_bind_text(s, 5, hash);
		sq_bind_text(s, 6, a->published);
		sq_bind_text(s, 7, at);
		sq_bind_text(s, 8, a->title);
		sq_bind_text(s, 9, a->vendor);
		sq_bind_text(s, 10, a->product);
		sq_bind_text(s, 11, a->description);
		sq_bind_text(s, 12, a->required_action);
		sq_bind_text(s, 13, a->notes);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		j->st->updated++;
	} else {
		if (!(s = sq_stmt(c, SQL_ADV_LOCAL_UPDATE)))
			return -EIO;
		sqlite3_bind_int64(s, 1, id);
		sq_bind_text(s, 2, a->cve);
		sq_bind_text(s, 3, a->title);
		sq_bind_text(s, 4, a->vendor);
		sq_bind_text(s, 5, a->product);
		sq_bind_text(s, 6, a->description);
		sq_bind_text(s, 7, a->required_action);
		sq_bind_text(s, 8, a->notes);
		sq_bind_text(s, 9, a->source);
		sq_bind_text(s, 10, severity_name(a->severity));
		sqlite3_bind_int(s, 11, a->exploited);
		sq_bind_id(s, 12, a->due_days);
		sq_bind_text(s, 13, a->published);
		sq_bind_text(s, 14, hash);
		sq_bind_text(s, 15, at);
		if ((rc = sq_step_done(s)) < 0)
			return rc;
		j->st->updated++;
	}
	/* KEV names one product per entry; ours, once given, is the more precise */
	if ((!kev || !in_local) && (rc = products_set(c, id, a)) < 0)
		return rc;
	return sq_audit(c, at, j->actor, "advisory.import", a->ref,
			json_pack("{ss ss}", "format", kev ? "kev" : "local", "change",
				  old[0] || in_local ? "updated" : "created"));
}

static int import_fn(struct sq_conn *c, void *arg)
{
	struct import_job *j = arg;
	json_t *arr = json_object_get(j->set->root,
				      j->set->format == ADV_KEV ? "vulnerabilities" : "advisories");
	char at[TIMEFMT_SIZE];
	double t0 = now_s();
	int rc;

	iso(j->now, at);
	for (size_t i = 0; i < j->set->n; i++)
		if ((rc = import_one(c, j, &j->set->items[i], json_array_get(arr, i), at)) < 0) {
			sq_set_err(j->err, "advisories", "entry %zu (%s) could not be stored", i + 1,
				   j->set->items[i].ref);
			return rc;
		}
	j->st->t_store += now_s() - t0;
	if ((rc = match_run(c, 0, 0, j->actor, j->now, j->st)) < 0)
		return rc;
	return sq_audit(c, at, j->actor, "advisory.import.done", j->set->version ? j->set->version : "",
			json_pack("{ss sI sI sI sI sI sI}", "format",
				  j->set->format == ADV_KEV ? "kev" : "local", "created",
				  (json_int_t)j->st->created, "updated", (json_int_t)j->st->updated,
				  "unchanged", (json_int_t)j->st->unchanged, "items_new",
				  (json_int_t)j->st->items_new, "items_closed",
				  (json_int_t)j->st->items_closed, "requests_new",
				  (json_int_t)j->st->requests_new));
}

int sq_advisory_import(struct store *st, const struct advisory_set *set, const char *actor,
		       int64_t now, struct adv_stats *ret, struct store_err *err)
{
	struct adv_stats s = { 0 };
	struct import_job j = { set, actor, now_or(now), &s, err };
	int rc = sq_write((struct sq_store *)st, import_fn, &j);

	if (rc == 0)
		*ret = s;
	return rc;
}

struct match_job {
	const char *actor;
	int64_t now;
	struct adv_stats *st;
};

static int match_fn(struct sq_conn *c, void *arg)
{
	struct match_job *j = arg;
	char at[TIMEFMT_SIZE];
	int rc;

	iso(j->now, at);
	if ((rc = match_run(c, 0, 0, j->actor, j->now, j->st)) < 0)
		return rc;
	return sq_audit(c, at, j->actor, "advisory.match.run", "",
			json_pack("{sI sI sI sI sI}", "assets", (json_int_t)j->st->assets, "matches",
				  (json_int_t)j->st->matches, "items_new", (json_int_t)j->st->items_new,
				  "items_closed", (json_int_t)j->st->items_closed, "requests_new",
				  (json_int_t)j->st->requests_new));
}

int sq_advisory_match(struct store *st, const char *actor, int64_t now, struct adv_stats *ret)
{
	struct adv_stats s = { 0 };
	struct match_job j = { actor, now_or(now), &s };
	int rc = sq_write((struct sq_store *)st, match_fn, &j);

	if (rc == 0)
		*ret = s;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Reminders and escalations                                                */
/* ------------------------------------------------------------------------ */

struct remind_job {
	const char *actor;
	int64_t now;
	struct remind_stats *st;
};

struct due_row {
	int64_t adv_id, unit_id, rid, parent_id;
	char code[16], due[TIMEFMT_SIZE];
	bool remind, escalate;
};

static char *open_assets_text(struct sq_conn *c, int64_t rid, size_t *ret_n)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT asset_name, version FROM remediation WHERE request_id = ?1 "
				     "AND state = 'open' ORDER BY asset_name");
	char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *f;

	if (!s || !(f = open_memstream(&buf, &len)))
		return NULL;
	sqlite3_bind_int64(s, 1, rid);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n++ < NOTICE_ASSETS)
			fprintf(f, "  - %s%s%s\n", sq_col_text(s, 0), sq_col_text(s, 1) ? " " : "",
				sq_col_text(s, 1) ? sq_col_text(s, 1) : "");
	}
	sqlite3_reset(s);
	if (n > NOTICE_ASSETS)
		fprintf(f, "  ... và %zu tài sản khác / and %zu more\n", n - NOTICE_ASSETS,
			n - NOTICE_ASSETS);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*ret_n = n;
	return buf;
}

static int remind_one(struct sq_conn *c, struct remind_job *j, const struct due_row *d,
		      const char *at)
{
	struct adv_info info;
	json_t *contacts = NULL, *parent = NULL;
	char *list = NULL, *text = NULL, date[32], pcode[64] = "", pname[512] = "", uname[512] = "";
	size_t n = 0, len = 0;
	sqlite3_stmt *s;
	FILE *f;
	int rc;

	if ((rc = adv_info_load(c, d->adv_id, &info)) < 0) {
		adv_info_clear(&info);
		return rc;
	}
	vn_date(iso_ts(d->due), date);
	if (!(list = open_assets_text(c, d->rid, &n)) || !(f = open_memstream(&text, &len))) {
		rc = -ENOMEM;
		goto out;
	}
	contacts = unit_contacts(c, d->unit_id);
	if ((s = sq_stmt(c, "SELECT u.name, p.code, p.name FROM units u LEFT JOIN units p "
			    "ON p.id = u.parent_id WHERE u.id = ?1"))) {
		sqlite3_bind_int64(s, 1, d->unit_id);
		if (sqlite3_step(s) == SQLITE_ROW) {
			snprintf(uname, sizeof(uname), "%s", sq_col_text(s, 0));
			if (sq_col_text(s, 1)) {
				snprintf(pcode, sizeof(pcode), "%s", sq_col_text(s, 1));
				snprintf(pname, sizeof(pname), "%s", sq_col_text(s, 2));
			}
		}
		sqlite3_reset(s);
	}
	if (d->escalate) {
		fprintf(f, "Kính gửi Quý đơn vị,\n\nĐã QUÁ HẠN khắc phục lỗ hổng %s (%s), hạn %s. "
			   "Đơn vị %s còn %zu tài sản chưa khắc phục:\n%s\n", info.ref, info.title, date,
			uname, n, list);
		if (pcode[0])
			fprintf(f, "Thông báo này được gửi đồng thời tới đơn vị cấp trên: %s.\n", pname);
		fprintf(f, "\n---\nOVERDUE: the deadline for %s (%s) was %s; %zu asset(s) of %s are not "
			   "remediated.%s%s\n", info.ref, info.title, date, n, uname,
			pcode[0] ? " The parent unit has been informed: " : "", pcode[0] ? pname : "");
	} else {
		fprintf(f, "Kính gửi Quý đơn vị,\n\nNhắc hạn khắc phục lỗ hổng %s (%s): hạn %s. "
			   "Còn %zu tài sản chưa khắc phục:\n%s\nĐề nghị Quý đơn vị hoàn thành và trả "
			   "lời trước thời hạn.\n\n---\nReminder: %s (%s) is due on %s; %zu asset(s) "
			   "are not remediated yet.\n", info.ref, info.title, date, n, list, info.ref,
			info.title, date, n);
	}
	if (fclose(f) != 0) {
		rc = -ENOMEM;
		goto out;
	}
	/* an escalation goes to the parent unit's focal contacts too */
	if (d->escalate && d->parent_id) {
		parent = unit_contacts(c, d->parent_id);
		json_array_extend(contacts, parent);
	}
	if ((rc = post_notice(c, d->code, d->rid, text, false, contacts, j->actor, at, j->now,
			      false)) < 0)
		goto out;
	j->st->notices += (size_t)rc;
	if (!(s = sq_stmt(c, d->escalate ? "UPDATE advisory_requests SET escalated_at = ?2, "
					   "reminded_at = coalesce(reminded_at, ?2) WHERE request_id = ?1"
					 : "UPDATE advisory_requests SET reminded_at = ?2 WHERE request_id = ?1"))) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, d->rid);
	sq_bind_text(s, 2, at);
	if ((rc = sq_step_done(s)) < 0)
		goto out;
	if (d->escalate)
		j->st->escalated++;
	else
		j->st->reminded++;
	rc = sq_audit(c, at, j->actor, d->escalate ? "advisory.escalate" : "advisory.remind", d->code,
		      json_pack("{ss ss sI s:s? si si}", "advisory", info.ref, "due", d->due, "open",
				(json_int_t)n, "parent", pcode[0] ? pcode : NULL, "unit_contacts",
				(int)json_array_size(contacts), "parent_contacts",
				(int)json_array_size(parent)));
out:
	json_decref(contacts);
	json_decref(parent);
	free(list);
	free(text);
	adv_info_clear(&info);
	return rc;
}

static int remind_fn(struct sq_conn *c, void *arg)
{
	struct remind_job *j = arg;
	struct adv_config cfg;
	struct due_row *rows = NULL;
	size_t n = 0, cap = 0;
	char at[TIMEFMT_SIZE], soon[TIMEFMT_SIZE];
	sqlite3_stmt *s;
	int rc;

	if ((rc = config_load(c, &cfg)) < 0)
		return rc;
	iso(j->now, at);
	iso(j->now + cfg.remind_days * DAY, soon);
	if (!(s = sq_stmt(c, "SELECT ar.advisory_id, ar.unit_id, ar.request_id, r.code, ar.due, "
			     "coalesce(u.parent_id, 0), ar.due <= ?1 FROM advisory_requests ar "
			     "JOIN requests r ON r.id = ar.request_id JOIN units u ON u.id = ar.unit_id "
			     "WHERE EXISTS (SELECT 1 FROM remediation m WHERE m.request_id = ar.request_id "
			     "AND m.state = 'open') AND ((ar.escalated_at IS NULL AND ar.due <= ?1) OR "
			     "(ar.reminded_at IS NULL AND ar.due <= ?2)) ORDER BY ar.request_id")))
		return -EIO;
	sq_bind_text(s, 1, at);
	sq_bind_text(s, 2, soon);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct due_row *d;
		if (n == cap) {
			struct due_row *nr = realloc(rows, (cap = cap ? cap * 2 : 64) * sizeof(*nr));
			if (!nr) {
				rc = SQLITE_NOMEM;
				break;
			}
			rows = nr;
		}
		d = &rows[n++];
		d->adv_id = sqlite3_column_int64(s, 0);
		d->unit_id = sqlite3_column_int64(s, 1);
		d->rid = sqlite3_column_int64(s, 2);
		snprintf(d->code, sizeof(d->code), "%s", sq_col_text(s, 3));
		snprintf(d->due, sizeof(d->due), "%s", sq_col_text(s, 4));
		d->parent_id = sqlite3_column_int64(s, 5);
		d->escalate = sqlite3_column_int(s, 6);
		d->remind = !d->escalate;
	}
	sqlite3_reset(s);
	rc = rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = remind_one(c, j, &rows[i], at);
	free(rows);
	return rc;
}

int sq_advisory_remind(struct store *st, const char *actor, int64_t now, struct remind_stats *ret)
{
	struct remind_stats s = { 0 };
	struct remind_job j = { actor, now_or(now), &s };
	int rc = sq_write((struct sq_store *)st, remind_fn, &j);

	if (rc == 0)
		*ret = s;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Assets                                                                   */
/* ------------------------------------------------------------------------ */

/* The canonical key and the version of an asset (the CPE fills what is missing). */
static int asset_resolve(const struct alias_tab *t, const struct asset_in *in, char canon[CANON_MAX],
			 char version[VERSION_MAX + 1], struct store_err *err)
{
	char canons[CANONS_MAX][CANON_MAX];
	const char *vendor = in->vendor, *product = in->product, *why, *field;
	struct cpe cpe;
	size_t n;

	if ((why = advisory_asset_check(in->name, in->vendor, in->product, in->version, in->cpe,
					in->exposure, in->owner, &field))) {
		const char *val = !strcmp(field, "name") ? in->name : !strcmp(field, "vendor") ? in->vendor
				: !strcmp(field, "product") ? in->product : !strcmp(field, "version") ? in->version
				: !strcmp(field, "cpe") ? in->cpe : !strcmp(field, "exposure") ? in->exposure
				: NULL;
		if (val && *val)
			sq_set_err(err, field, "%s '%.80s' %s", field, val, why);
		else
			sq_set_err(err, field, "'%s' %s", field, why);
		return -EINVAL;
	}
	version[0] = '\0';
	if (in->version)
		snprintf(version, VERSION_MAX + 1, "%s", in->version);
	if (in->cpe && cpe_parse(in->cpe, &cpe, NULL) == 0) {
		if (!vendor)
			vendor = cpe.vendor;
		if (!product)
			product = cpe.product;
		if (!version[0] && cpe.version[0]) {
			struct version v;
			if (version_parse(cpe.version, strlen(cpe.version), &v, NULL) == 0)
				snprintf(version, VERSION_MAX + 1, "%s", cpe.version);
		}
	}
	if (!(n = resolve(t, vendor, product, canons))) {
		sq_set_err(err, "vendor", "product '%s' needs a vendor (no alias names it alone)",
			   product);
		return -EINVAL;
	}
	memcpy(canon, canons[0], CANON_MAX);
	return 0;
}

static const char SQL_ASSET_FIND[] =
	"SELECT id FROM assets WHERE unit_id = ?1 AND name = ?2 AND canon = ?3";
static const char SQL_ASSET_INSERT[] =
	"INSERT INTO assets(unit_id, name, vendor, product, version, cpe, canon, exposure, owner, "
	"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
static const char SQL_ASSET_UPDATE[] =
	"UPDATE assets SET name = ?2, vendor = ?3, product = ?4, version = ?5, cpe = ?6, canon = ?7, "
	"exposure = ?8, owner = ?9, updated_at = ?10 WHERE id = ?1 AND (name IS NOT ?2 OR "
	"vendor IS NOT ?3 OR product IS NOT ?4 OR version IS NOT ?5 OR cpe IS NOT ?6 OR "
	"canon IS NOT ?7 OR exposure IS NOT ?8 OR owner IS NOT ?9)";

/* Insert (id 0) or update one asset; *ret_changed tells whether anything was written. */
static int asset_put(struct sq_conn *c, int64_t id, int64_t unit_id, const struct asset_in *in,
		     const char *canon, const char *version, const char *at, int64_t *ret_id,
		     bool *ret_changed)
{
	sqlite3_stmt *s = sq_stmt(c, id ? SQL_ASSET_UPDATE : SQL_ASSET_INSERT);
	int rc;

	if (!s)
		return -EIO;
	if (id)
		sqlite3_bind_int64(s, 1, id);
	else
		sqlite3_bind_int64(s, 1, unit_id);
	sq_bind_text(s, 2, in->name);
	sq_bind_text(s, 3, in->vendor);
	sq_bind_text(s, 4, in->product ? in->product : strchr(canon, ':') + 1);
	sq_bind_text(s, 5, version[0] ? version : NULL);
	sq_bind_text(s, 6, in->cpe);
	sq_bind_text(s, 7, canon);
	sq_bind_text(s, 8, in->exposure);
	sq_bind_text(s, 9, in->owner);
	sq_bind_text(s, 10, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	*ret_changed = sqlite3_changes(c->db) > 0;
	*ret_id = id ? id : sqlite3_last_insert_rowid(c->db);
	return 0;
}

struct asset_import_job {
	const struct asset_in *in;
	size_t n;
	bool match;
	const char *actor;
	int64_t now;
	size_t created, updated;
	struct adv_stats *st;
	struct store_err *err;
};

/* Count one created or updated asset of `unit` in the per-unit audit summary. */
static void unit_count(json_t *units, const char *unit, bool created)
{
	json_t *u = json_object_get(units, unit);
	const char *k = created ? "created" : "updated";

	if (!u) {
		u = json_pack("{si si}", "created", 0, "updated", 0);
		json_object_set_new(units, unit, u);
	}
	json_object_set_new(u, k, json_integer(json_integer_value(json_object_get(u, k)) + 1));
}

static int asset_import_fn(struct sq_conn *c, void *arg)
{
	struct asset_import_job *j = arg;
	struct alias_tab t;
	char at[TIMEFMT_SIZE], canon[CANON_MAX], version[VERSION_MAX + 1], prev_unit[64] = "";
	int64_t unit_id = 0;
	json_t *units = json_object();
	const char *key;
	json_t *v;
	double t0 = now_s();
	int rc;

	iso(j->now, at);
	if ((rc = alias_tab_load(c, &t)) < 0)
		goto out;
	for (size_t i = 0; i < j->n; i++) {
		const struct asset_in *in = &j->in[i];
		sqlite3_stmt *s;
		int64_t id = 0, old;
		bool changed;
		if (!in->unit || strcmp(in->unit, prev_unit)) {
			unit_id = in->unit ? sq_lookup_id(c, "SELECT id FROM units WHERE code = ?1", in->unit) : 0;
			if (unit_id < 0) {
				rc = (int)unit_id;
				goto out;
			}
			if (!unit_id) {
				sq_set_err(j->err, "unit", "line %zu: unknown unit code '%s'", in->line,
					   in->unit ? in->unit : "");
				rc = -EINVAL;
				goto out;
			}
			snprintf(prev_unit, sizeof(prev_unit), "%s", in->unit);
		}
		if ((rc = asset_resolve(&t, in, canon, version, j->err)) < 0) {
			char msg[sizeof(j->err->message)];
			snprintf(msg, sizeof(msg), "%s", j->err->message);
			sq_set_err(j->err, j->err->field, "line %zu: %s", in->line, msg);
			goto out;
		}
		if (!(s = sq_stmt(c, SQL_ASSET_FIND))) {
			rc = -EIO;
			goto out;
		}
		sqlite3_bind_int64(s, 1, unit_id);
		sq_bind_text(s, 2, in->name);
		sq_bind_text(s, 3, canon);
		if (sqlite3_step(s) == SQLITE_ROW)
			id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		old = id;
		if ((rc = asset_put(c, id, unit_id, in, canon, version, at, &id, &changed)) < 0)
			goto out;
		if (!changed)
			continue;
		if (old)
			j->updated++;
		else
			j->created++;
		unit_count(units, in->unit, !old);
	}
	j->st->t_store += now_s() - t0;
	json_object_foreach(units, key, v)
		if ((rc = sq_audit(c, at, j->actor, "asset.import", key, json_incref(v))) < 0)
			goto out;
	if (j->match && j->created + j->updated)
		rc = match_run(c, 0, 0, j->actor, j->now, j->st);
out:
	alias_tab_free(&t);
	json_decref(units);
	return rc;
}

int sq_asset_import(struct store *st, const struct asset_in *in, size_t n, bool match,
		    const char *actor, int64_t now, size_t *ret_created, size_t *ret_updated,
		    struct adv_stats *ret, struct store_err *err)
{
	struct adv_stats s = { 0 };
	struct asset_import_job j = { in, n, match, actor, now_or(now), 0, 0, &s, err };
	int rc = sq_write((struct sq_store *)st, asset_import_fn, &j);

	if (rc == 0) {
		*ret_created = j.created;
		*ret_updated = j.updated;
		if (ret)
			*ret = s;
	}
	return rc;
}

/* The unit code of an asset within scope: 0 with the code, -ENOENT outside. */
static int asset_unit(struct sq_conn *c, int64_t id, const char *scope, char code[64],
		      int64_t *ret_unit_id)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT u.code, u.id FROM assets a JOIN units u ON u.id = a.unit_id "
				     "WHERE a.id = ?1 AND " IN_SCOPE("?2"));
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	sq_bind_text(s, 2, scope);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(code, 64, "%s", sq_col_text(s, 0));
		*ret_unit_id = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
}

/* Whether `code` is within a scope list (NULL: everything). */
static bool scope_has(const char *scope, const char *code)
{
	size_t n = strlen(code);

	if (!scope)
		return true;
	for (const char *p = scope; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, code, n))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

struct asset_write_job {
	int64_t id;
	const struct asset_in *in;
	const char *scope, *actor;
	int64_t now, out_id;
	struct store_err *err;
};

static int asset_write_fn(struct sq_conn *c, void *arg)
{
	struct asset_write_job *j = arg;
	struct alias_tab t;
	struct adv_stats st = { 0 };
	char at[TIMEFMT_SIZE], canon[CANON_MAX], version[VERSION_MAX + 1], code[64];
	int64_t unit_id = 0, id = j->id;
	bool changed;
	int rc;

	iso(j->now, at);
	if (id) {
		if ((rc = asset_unit(c, id, j->scope, code, &unit_id)) < 0)
			return rc;
		if (j->in->unit && strcmp(j->in->unit, code)) {
			sq_set_err(j->err, "unit", "an asset's unit cannot change");
			return -EINVAL;
		}
	} else {
		if (!j->in->unit || !scope_has(j->scope, j->in->unit)) {
			sq_set_err(j->err, "unit", "unknown unit code '%s'", j->in->unit ? j->in->unit : "");
			return j->in->unit ? -ENOENT : -EINVAL;
		}
		if ((unit_id = sq_lookup_id(c, "SELECT id FROM units WHERE code = ?1", j->in->unit)) <= 0) {
			sq_set_err(j->err, "unit", "unknown unit code '%s'", j->in->unit);
			return unit_id < 0 ? (int)unit_id : -EINVAL;
		}
		snprintf(code, sizeof(code), "%s", j->in->unit);
	}
	if ((rc = alias_tab_load(c, &t)) == 0)
		rc = asset_resolve(&t, j->in, canon, version, j->err);
	alias_tab_free(&t);
	if (rc < 0)
		return rc;
	if ((rc = asset_put(c, id, unit_id, j->in, canon, version, at, &id, &changed)) < 0) {
		if (rc == -EEXIST)
			sq_set_err(j->err, "name", "unit '%s' has an asset '%s' of that product already",
				   code, j->in->name);
		return rc;
	}
	j->out_id = id;
	if (!changed)
		return 0;
	if ((rc = sq_audit(c, at, j->actor, j->id ? "asset.update" : "asset.create", code,
			   json_pack("{sI ss s:s? ss s:s? s:s? ss}", "asset", (json_int_t)id, "name",
				     j->in->name, "vendor", j->in->vendor, "canon", canon, "version",
				     version[0] ? version : NULL, "cpe", j->in->cpe, "exposure",
				     j->in->exposure))) < 0)
		return rc;
	return match_run(c, 0, id, j->actor, j->now, &st);
}

int sq_asset_write(struct store *st, int64_t id, const struct asset_in *in, const char *scope,
		   const char *actor, int64_t now, int64_t *ret_id, struct store_err *err)
{
	struct asset_write_job j = { id, in, scope, actor, now_or(now), 0, err };
	int rc = sq_write((struct sq_store *)st, asset_write_fn, &j);

	if (rc == 0 && ret_id)
		*ret_id = j.out_id;
	return rc;
}

struct asset_delete_job {
	int64_t id;
	const char *scope, *actor;
};

static int asset_delete_fn(struct sq_conn *c, void *arg)
{
	struct asset_delete_job *j = arg;
	char at[TIMEFMT_SIZE], code[64];
	int64_t unit_id, *rids = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	if ((rc = asset_unit(c, j->id, j->scope, code, &unit_id)) < 0)
		return rc;
	if (!(s = sq_stmt(c, "SELECT DISTINCT request_id FROM remediation WHERE asset_id = ?1 "
			     "AND state <> 'closed'")))
		return -EIO;
	sqlite3_bind_int64(s, 1, j->id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap) {
			int64_t *nr = realloc(rids, (cap = cap ? cap * 2 : 8) * sizeof(*nr));
			if (!nr) {
				sqlite3_reset(s);
				free(rids);
				return -ENOMEM;
			}
			rids = nr;
		}
		rids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (!(s = sq_stmt(c, "UPDATE remediation SET state = 'closed', resolution = 'asset_removed', "
			     "closed_at = ?2, updated_at = ?2 WHERE asset_id = ?1 AND state <> 'closed'"))) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, j->id);
	sq_bind_text(s, 2, at);
	if ((rc = sq_step_done(s)) < 0)
		goto out;
	if (!(s = sq_stmt(c, "DELETE FROM assets WHERE id = ?1"))) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, j->id);
	if ((rc = sq_step_done(s)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((rc = request_follow(c, rids[i], j->actor)) < 0)
			goto out;
	rc = sq_audit(c, at, j->actor, "asset.delete", code,
		      json_pack("{sI si}", "asset", (json_int_t)j->id, "items_closed", (int)n));
out:
	free(rids);
	return rc;
}

int sq_asset_delete(struct store *st, int64_t id, const char *scope, const char *actor)
{
	struct asset_delete_job j = { id, scope, actor };
	return sq_write((struct sq_store *)st, asset_delete_fn, &j);
}

/* The register, for flags: canon -> parsed minimum version (or none). */
struct app_reg {
	struct app_row {
		char canon[CANON_MAX];
		bool has_min;
		struct version min;
	} *r;
	size_t n;
};

static int app_reg_load(struct sq_conn *c, struct app_reg *reg)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT canon, min_version FROM approved_apps ORDER BY canon");
	size_t cap = 0;
	int rc;

	memset(reg, 0, sizeof(*reg));
	if (!s)
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct app_row *a;
		const char *mv = sq_col_text(s, 1);
		if (reg->n == cap) {
			struct app_row *nr = realloc(reg->r, (cap = cap ? cap * 2 : 32) * sizeof(*nr));
			if (!nr) {
				sqlite3_reset(s);
				return -ENOMEM;
			}
			reg->r = nr;
		}
		a = &reg->r[reg->n++];
		snprintf(a->canon, sizeof(a->canon), "%s", sq_col_text(s, 0));
		a->has_min = mv && version_parse(mv, strlen(mv), &a->min, NULL) == 0;
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

static json_t *asset_flags(const struct app_reg *reg, const char *canon, const char *version,
			   int64_t open_items, const char *exposure)
{
	json_t *flags = json_array();
	const struct app_row *a = NULL;

	for (size_t i = 0; i < reg->n && !a; i++)
		if (!strcmp(reg->r[i].canon, canon))
			a = &reg->r[i];
	if (!a) {
		json_array_append_new(flags, json_string("not_approved"));
	} else if (a->has_min) {
		struct version v;
		if (!version || version_parse(version, strlen(version), &v, NULL) < 0)
			json_array_append_new(flags, json_string("version_unknown"));
		else if (version_cmp(&v, &a->min) < 0)
			json_array_append_new(flags, json_string("below_minimum"));
	}
	if (open_items > 0) {
		json_array_append_new(flags, json_string("vulnerable"));
		if (!strcmp(exposure, "internet"))
			json_array_append_new(flags, json_string("exposed"));
	}
	return flags;
}

#define ASSET_COLS                                                                               \
	"SELECT a.id, u.code, a.name, a.vendor, a.product, a.version, a.cpe, a.exposure, a.owner, " \
	"a.canon, a.created_at, a.updated_at, (SELECT count(*) FROM remediation m WHERE "           \
	"m.asset_id = a.id AND m.state <> 'closed') FROM assets a JOIN units u ON u.id = a.unit_id "

static json_t *asset_row(sqlite3_stmt *s, const struct app_reg *reg)
{
	return json_pack("{sI so so so so so so so so so so so sI so}", "id",
			 (json_int_t)sqlite3_column_int64(s, 0), "unit", sq_col_json(s, 1), "name",
			 sq_col_json(s, 2), "vendor", sq_col_json(s, 3), "product", sq_col_json(s, 4),
			 "version", sq_col_json(s, 5), "cpe", sq_col_json(s, 6), "exposure",
			 sq_col_json(s, 7), "owner", sq_col_json(s, 8), "canon", sq_col_json(s, 9),
			 "created_at", sq_col_json(s, 10), "updated_at", sq_col_json(s, 11),
			 "open_items", (json_int_t)sqlite3_column_int64(s, 12), "flags",
			 asset_flags(reg, sq_col_text(s, 9), sq_col_text(s, 5),
				     sqlite3_column_int64(s, 12), sq_col_text(s, 7)));
}

struct asset_q {
	int64_t id;
	const char *scope;
	const struct asset_filter *f;
	json_t *out;
	int64_t next;
};

static int asset_get_fn(struct sq_conn *c, void *arg)
{
	struct asset_q *q = arg;
	struct app_reg reg;
	sqlite3_stmt *s;
	int rc;

	if ((rc = app_reg_load(c, &reg)) < 0)
		goto out;
	if (!(s = sq_stmt(c, ASSET_COLS "WHERE a.id = ?1 AND " IN_SCOPE("?2")))) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, q->id);
	sq_bind_text(s, 2, q->scope);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		q->out = asset_row(s, &reg);
	sqlite3_reset(s);
	rc = rc == SQLITE_ROW ? (q->out ? 0 : -ENOMEM) : rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
out:
	free(reg.r);
	return rc;
}

int sq_asset_get(struct store *st, int64_t id, const char *scope, json_t **ret)
{
	struct asset_q q = { .id = id, .scope = scope };
	int rc = sq_read(st, asset_get_fn, &q);

	if (rc == 0)
		*ret = q.out;
	return rc;
}

static int asset_list_fn(struct sq_conn *c, void *arg)
{
	struct asset_q *q = arg;
	const struct asset_filter *f = q->f;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50, n = 0, rc;
	struct app_reg reg;
	sqlite3_stmt *s;
	int64_t last = 0;

	if ((rc = app_reg_load(c, &reg)) < 0)
		goto out;
	if (!(s = sq_stmt(c, ASSET_COLS "WHERE " IN_SCOPE("?1") " AND (?2 IS NULL OR u.code = ?2) "
			     "AND (?3 IS NULL OR instr(lower(a.name || ' ' || coalesce(a.vendor, '') || ' ' "
			     "|| a.product || ' ' || a.canon), lower(?3)) > 0) AND (?4 = 0 OR a.id < ?4) "
			     "ORDER BY a.id DESC LIMIT ?5"))) {
		rc = -EIO;
		goto out;
	}
	sq_bind_text(s, 1, f->scope);
	sq_bind_text(s, 2, f->unit);
	sq_bind_text(s, 3, f->q);
	sqlite3_bind_int64(s, 4, f->before);
	sqlite3_bind_int(s, 5, limit + 1);
	q->out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == limit)
			break;
		json_array_append_new(q->out, asset_row(s, &reg));
		last = sqlite3_column_int64(s, 0);
		n++;
	}
	q->next = rc == SQLITE_ROW ? last : 0;
	sqlite3_reset(s);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
out:
	free(reg.r);
	return rc;
}

int sq_asset_list(struct store *st, const struct asset_filter *f, json_t **ret_items,
		  int64_t *ret_next)
{
	struct asset_q q = { .scope = f->scope, .f = f };
	int rc = sq_read(st, asset_list_fn, &q);

	if (rc < 0) {
		json_decref(q.out);
		return rc;
	}
	*ret_items = q.out;
	*ret_next = q.next;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Advisories: reads                                                        */
/* ------------------------------------------------------------------------ */

struct list_q {
	const void *f;
	const char *scope;
	int64_t id;
	json_t *out;
	int64_t next;
};

/* Steps a list query that asked for limit + 1 rows: the first `limit`
 * rows become q->out; q->next is the last id given when more rows wait. */
static int page_fill(sqlite3_stmt *s, int limit, json_t *(*row)(sqlite3_stmt *), struct list_q *q)
{
	int64_t last = 0;
	int n = 0, rc;

	q->out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == limit)
			break;
		json_array_append_new(q->out, row(s));
		last = sqlite3_column_int64(s, 0);
		n++;
	}
	q->next = rc == SQLITE_ROW ? last : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

/* Runs a read with filter f (or none) and hands back what it made and,
 * when ret_next is given, the next page's cursor. */
static int list_run(struct store *st, int (*fn)(struct sq_conn *, void *), const void *f,
		    json_t **ret_items, int64_t *ret_next)
{
	struct list_q q = { .f = f };
	int rc = sq_read(st, fn, &q);

	if (rc < 0) {
		json_decref(q.out);
		return rc;
	}
	*ret_items = q.out;
	if (ret_next)
		*ret_next = q.next;
	return 0;
}

static json_t *advisory_row(sqlite3_stmt *s)
{
	return json_pack("{sI so so so so so s:s? sb sb so so so sb sb sI sI}", "id",
			 (json_int_t)sqlite3_column_int64(s, 0), "ref", sq_col_json(s, 1), "cve",
			 sq_col_json(s, 2), "title", sq_col_json(s, 3), "vendor", sq_col_json(s, 4),
			 "product", sq_col_json(s, 5), "severity",
			 sq_col_text(s, 6) ? sq_col_text(s, 6) : NULL, "exploited",
			 sqlite3_column_int(s, 7), "ransomware", sqlite3_column_int(s, 8), "due_days",
			 sqlite3_column_type(s, 9) == SQLITE_NULL ? json_null()
								  : json_integer(sqlite3_column_int64(s, 9)),
			 "kev_due", sq_col_json(s, 10), "published", sq_col_json(s, 11), "kev",
			 sqlite3_column_int(s, 12), "local", sqlite3_column_int(s, 13), "open",
			 (json_int_t)sqlite3_column_int64(s, 14), "closed",
			 (json_int_t)sqlite3_column_int64(s, 15));
}

/* ?9 is the caller's scope: "open" and "closed" count only its units' items,
 * so a unit does not learn which advisories other units have not remediated. */
#define ADVISORY_COLS                                                                            \
	"SELECT a.id, a.ref, a.cve, a.title, a.vendor, a.product, a.severity, a.exploited, "       \
	"a.ransomware, a.due_days, a.kev_due, a.published, a.in_kev, a.in_local, "                 \
	"(SELECT count(*) FROM remediation m JOIN units u ON u.id = m.unit_id "                    \
	" WHERE m.advisory_id = a.id AND m.state <> 'closed' AND " IN_SCOPE("?9") "), "             \
	"(SELECT count(*) FROM remediation m JOIN units u ON u.id = m.unit_id "                    \
	" WHERE m.advisory_id = a.id AND m.state = 'closed' AND " IN_SCOPE("?9") "), "              \
	"a.description, a.required_action, a.notes, a.source, a.created_at, a.updated_at "         \
	"FROM advisories a "

static int advisory_list_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	const struct advisory_filter *f = q->f;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	sqlite3_stmt *s = sq_stmt(c, ADVISORY_COLS
		"WHERE (?1 IS NULL OR instr(lower(a.ref || ' ' || coalesce(a.cve, '') || ' ' || a.title "
		"|| ' ' || a.vendor || ' ' || a.product), lower(?1)) > 0) AND (?2 = 0 OR a.id < ?2) "
		"ORDER BY a.id DESC LIMIT ?3");

	if (!s)
		return -EIO;
	sq_bind_text(s, 1, f->q);
	sqlite3_bind_int64(s, 2, f->before);
	sqlite3_bind_int(s, 3, limit + 1);
	sq_bind_text(s, 9, f->scope);
	return page_fill(s, limit, advisory_row, q);
}

int sq_advisory_list(struct store *st, const struct advisory_filter *f, json_t **ret_items,
		     int64_t *ret_next)
{
	return list_run(st, advisory_list_fn, f, ret_items, ret_next);
}

static int advisory_get_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c, ADVISORY_COLS "WHERE a.id = ?1");
	json_t *prods;
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, q->id);
	sq_bind_text(s, 9, q->scope);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		q->out = advisory_row(s);
		json_object_set_new(q->out, "description", sq_col_json(s, 16));
		json_object_set_new(q->out, "required_action", sq_col_json(s, 17));
		json_object_set_new(q->out, "notes", sq_col_json(s, 18));
		json_object_set_new(q->out, "source", sq_col_json(s, 19));
		json_object_set_new(q->out, "created_at", sq_col_json(s, 20));
		json_object_set_new(q->out, "updated_at", sq_col_json(s, 21));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	if (!(s = sq_stmt(c, "SELECT vendor, product, ranges FROM advisory_products "
			     "WHERE advisory_id = ?1 ORDER BY id")))
		return -EIO;
	sqlite3_bind_int64(s, 1, q->id);
	prods = json_array();
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(prods, json_pack("{so so so}", "vendor", sq_col_json(s, 0),
							"product", sq_col_json(s, 1), "ranges",
							json_loads(sq_col_text(s, 2), 0, NULL) ?: json_array()));
	sqlite3_reset(s);
	json_object_set_new(q->out, "affected", prods);
	return 0;
}

int sq_advisory_get(struct store *st, int64_t id, const char *scope, json_t **ret)
{
	struct list_q q = { .id = id, .scope = scope };
	int rc = sq_read(st, advisory_get_fn, &q);

	if (rc == 0)
		*ret = q.out;
	else
		json_decref(q.out);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Remediation                                                              */
/* ------------------------------------------------------------------------ */

#define ITEM_COLS                                                                                \
	"SELECT m.id, m.advisory_id, a.ref, a.cve, a.title, m.asset_id, m.asset_name, u.code, "    \
	"m.state, m.due, r.code, m.version, m.answer, m.answer_text, m.answer_version, "          \
	"m.resolution, m.review_text, m.created_at, m.updated_at, m.closed_at, "                   \
	"m.state <> 'closed' AND m.due < ?9 FROM remediation m "                                     \
	"JOIN advisories a ON a.id = m.advisory_id JOIN units u ON u.id = m.unit_id "               \
	"JOIN requests r ON r.id = m.request_id "

static json_t *item_row(sqlite3_stmt *s)
{
	return json_pack("{sI sI so so so so so so so so so so so so so so so so so so sb}", "id",
			 (json_int_t)sqlite3_column_int64(s, 0), "advisory",
			 (json_int_t)sqlite3_column_int64(s, 1), "ref", sq_col_json(s, 2), "cve",
			 sq_col_json(s, 3), "title", sq_col_json(s, 4), "asset",
			 sqlite3_column_type(s, 5) == SQLITE_NULL ? json_null()
								  : json_integer(sqlite3_column_int64(s, 5)),
			 "asset_name", sq_col_json(s, 6), "unit", sq_col_json(s, 7), "state",
			 sq_col_json(s, 8), "due", sq_col_json(s, 9), "request", sq_col_json(s, 10),
			 "version", sq_col_json(s, 11), "answer", sq_col_json(s, 12), "answer_text",
			 sq_col_json(s, 13), "answer_version", sq_col_json(s, 14), "resolution",
			 sq_col_json(s, 15), "review_text", sq_col_json(s, 16), "created_at",
			 sq_col_json(s, 17), "updated_at", sq_col_json(s, 18), "closed_at",
			 sq_col_json(s, 19), "overdue", sqlite3_column_int(s, 20));
}

static int item_list_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	const struct remediation_filter *f = q->f;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	sqlite3_stmt *s = sq_stmt(c, ITEM_COLS
		"WHERE " IN_SCOPE("?1") " AND (?2 = 0 OR m.advisory_id = ?2) AND (?3 IS NULL OR u.code = ?3) "
		"AND (?4 IS NULL OR (?4 = 'overdue' AND m.state <> 'closed' AND m.due < ?9) OR m.state = ?4) "
		"AND (?7 IS NULL OR r.code = ?7) AND (?5 = 0 OR m.id < ?5) ORDER BY m.id DESC LIMIT ?6");
	char now[TIMEFMT_SIZE];

	if (!s)
		return -EIO;
	iso(now_or(f->now), now);
	sq_bind_text(s, 1, f->scope);
	sqlite3_bind_int64(s, 2, f->advisory);
	sq_bind_text(s, 3, f->unit);
	sq_bind_text(s, 4, f->state);
	sqlite3_bind_int64(s, 5, f->before);
	sqlite3_bind_int(s, 6, limit + 1);
	sq_bind_text(s, 7, f->request);
	sq_bind_text(s, 9, now);
	return page_fill(s, limit, item_row, q);
}

int sq_remediation_list(struct store *st, const struct remediation_filter *f, json_t **ret_items,
			int64_t *ret_next)
{
	return list_run(st, item_list_fn, f, ret_items, ret_next);
}

struct item_state {
	int64_t id, adv_id, asset_id, rid;
	char state[16], code[16], unit[64], asset_name[256], canon[CANON_MAX], ref[72];
};

static int item_load(struct sq_conn *c, int64_t id, const char *scope, struct item_state *it)
{
	sqlite3_stmt *s = sq_stmt(c,
		"SELECT m.id, m.advisory_id, coalesce(m.asset_id, 0), m.request_id, m.state, r.code, "
		"u.code, m.asset_name, coalesce(t.canon, ''), a.ref FROM remediation m "
		"JOIN units u ON u.id = m.unit_id JOIN requests r ON r.id = m.request_id "
		"JOIN advisories a ON a.id = m.advisory_id LEFT JOIN assets t ON t.id = m.asset_id "
		"WHERE m.id = ?1 AND " IN_SCOPE("?2"));
	int rc;

	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, id);
	sq_bind_text(s, 2, scope);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		it->id = sqlite3_column_int64(s, 0);
		it->adv_id = sqlite3_column_int64(s, 1);
		it->asset_id = sqlite3_column_int64(s, 2);
		it->rid = sqlite3_column_int64(s, 3);
		snprintf(it->state, sizeof(it->state), "%s", sq_col_text(s, 4));
		snprintf(it->code, sizeof(it->code), "%s", sq_col_text(s, 5));
		snprintf(it->unit, sizeof(it->unit), "%s", sq_col_text(s, 6));
		snprintf(it->asset_name, sizeof(it->asset_name), "%s", sq_col_text(s, 7));
		snprintf(it->canon, sizeof(it->canon), "%s", sq_col_text(s, 8));
		snprintf(it->ref, sizeof(it->ref), "%s", sq_col_text(s, 9));
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
}

/* Whether advisory adv_id covers version v of the product `canon`; the range in ret_range. */
static int still_affected(struct sq_conn *c, int64_t adv_id, const char *canon,
			  const struct version *v, char *ret_range, size_t size)
{
	sqlite3_stmt *s = sq_stmt(c, "SELECT vendor, product, ranges FROM advisory_products "
				     "WHERE advisory_id = ?1");
	struct alias_tab t;
	int rc, hit = 0;

	if (!s)
		return -EIO;
	if ((rc = alias_tab_load(c, &t)) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, adv_id);
	while (!hit && sqlite3_step(s) == SQLITE_ROW) {
		char canons[CANONS_MAX][CANON_MAX];
		size_t n = resolve(&t, sq_col_text(s, 0), sq_col_text(s, 1), canons);
		struct m_prod p = { .nr = 0 };
		for (size_t k = 0; k < n && !hit; k++) {
			if (strcmp(canons[k], canon))
				continue;
			if ((rc = ranges_parse(sq_col_text(s, 2), &p.r, &p.nr)) < 0)
				break;
			hit = covers(&p, v);
			snprintf(ret_range, size, "%s", p.nr ? sq_col_text(s, 2) : "every version");
			free(p.r);
		}
	}
	sqlite3_reset(s);
	alias_tab_free(&t);
	return rc < 0 ? rc : hit;
}

struct answer_job {
	int64_t id, now;
	const char *scope, *actor, *text;
	const struct remediation_answer *a;
	bool accept, review;
	struct store_err *err;
};

static const char *const answer_names[] = { "patched", "mitigated", "not_affected" };

static int answer_fn(struct sq_conn *c, void *arg)
{
	struct answer_job *j = arg;
	const struct remediation_answer *a = j->a;
	struct item_state it;
	struct request_change chg = { .status = -1, .priority = -1, .no_mail = true,
				      .from_requester = a->from_unit };
	char at[TIMEFMT_SIZE], *msg = NULL;
	sqlite3_stmt *s;
	int rc;

	iso(j->now, at);
	if ((rc = item_load(c, j->id, j->scope, &it)) < 0)
		return rc;
	if (!strcmp(it.state, "closed")) {
		sq_set_err(j->err, "answer", "the item is closed");
		return -EPERM;
	}
	if (a->answer == ANSWER_PATCHED) {
		struct version v;
		char range[256] = "";
		const char *why;
		if (!a->version || version_parse(a->version, strlen(a->version), &v, &why) < 0) {
			sq_set_err(j->err, "version", a->version ? "version '%.80s' %s" : "'version' is %s",
				   a->version ? a->version : "required", a->version ? why : "");
			return -EINVAL;
		}
		if (it.asset_id) {
			if ((rc = still_affected(c, it.adv_id, it.canon, &v, range, sizeof(range))) < 0)
				return rc;
			if (rc) {
				sq_set_err(j->err, "version", "version '%.80s' is still affected (%.120s)",
					   a->version, range);
				return -EPERM;
			}
			if (!(s = sq_stmt(c, "UPDATE assets SET version = ?2, updated_at = ?3 WHERE id = ?1")))
				return -EIO;
			sqlite3_bind_int64(s, 1, it.asset_id);
			sq_bind_text(s, 2, a->version);
			sq_bind_text(s, 3, at);
			if ((rc = sq_step_done(s)) < 0)
				return rc;
			if ((rc = sq_audit(c, at, j->actor, "asset.update", it.unit,
					   json_pack("{sI ss ss}", "asset", (json_int_t)it.asset_id,
						     "version", a->version, "reason", "patched"))) < 0)
				return rc;
		}
	} else if (!a->text || !*a->text) {
		sq_set_err(j->err, "text", "'text' is required: say %s",
			   a->answer == ANSWER_MITIGATED ? "what mitigates it" : "why it is not affected");
		return -EINVAL;
	}
	if (!(s = sq_stmt(c, "UPDATE remediation SET state = 'answered', answer = ?2, answer_text = ?3, "
			     "answer_version = ?4, review_text = NULL, updated_at = ?5 WHERE id = ?1")))
		return -EIO;
	sqlite3_bind_int64(s, 1, it.id);
	sq_bind_text(s, 2, answer_names[a->answer]);
	sq_bind_text(s, 3, a->text);
	sq_bind_text(s, 4, a->answer == ANSWER_PATCHED ? a->version : NULL);
	sq_bind_text(s, 5, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	/* the answer shows on the request too */
	if (asprintf(&msg, "%s — %s: %s%s%s", it.asset_name, answer_names[a->answer],
		     a->answer == ANSWER_PATCHED ? a->version : "",
		     a->answer == ANSWER_PATCHED && a->text ? " — " : "", a->text ? a->text : "") < 0)
		return -ENOMEM;
	chg.message = msg;
	rc = sq_request_apply(c, it.code, NULL, &chg, j->actor, j->err);
	free(msg);
	if (rc < 0)
		return rc;
	if ((rc = sq_audit(c, at, j->actor, "remediation.answer", it.code,
			   json_pack("{sI ss ss s:s? s:s?}", "item", (json_int_t)it.id, "advisory", it.ref,
				     "answer", answer_names[a->answer], "version",
				     a->answer == ANSWER_PATCHED ? a->version : NULL, "text", a->text))) < 0)
		return rc;
	if (a->answer == ANSWER_PATCHED && it.asset_id) {
		struct adv_stats st = { 0 };
		return match_run(c, 0, it.asset_id, j->actor, j->now, &st);
	}
	return 0;
}

int sq_remediation_answer(struct store *st, int64_t id, const char *scope,
			  const struct remediation_answer *a, const char *actor, int64_t now,
			  struct store_err *err)
{
	struct answer_job j = { .id = id, .now = now_or(now), .scope = scope, .actor = actor, .a = a,
				.err = err };
	return sq_write((struct sq_store *)st, answer_fn, &j);
}

static int review_fn(struct sq_conn *c, void *arg)
{
	struct answer_job *j = arg;
	struct item_state it;
	char at[TIMEFMT_SIZE], *msg = NULL;
	sqlite3_stmt *s;
	int rc;

	timefmt_now(at, NULL);
	if ((rc = item_load(c, j->id, j->scope, &it)) < 0)
		return rc;
	if (strcmp(it.state, "answered")) {
		sq_set_err(j->err, "accept", "only an answered item can be reviewed (this one is %s)",
			   it.state);
		return -EPERM;
	}
	s = j->accept ? sq_stmt(c, "UPDATE remediation SET state = 'closed', resolution = 'accepted', "
				   "review_text = ?2, closed_at = ?3, updated_at = ?3 WHERE id = ?1")
		      : sq_stmt(c, "UPDATE remediation SET state = 'open', review_text = ?2, "
				   "updated_at = ?3 WHERE id = ?1");
	if (!s)
		return -EIO;
	sqlite3_bind_int64(s, 1, it.id);
	sq_bind_text(s, 2, j->text);
	sq_bind_text(s, 3, at);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (!j->accept) {
		/* the unit hears why, by mail */
		struct request_change chg = { .status = -1, .priority = -1 };
		if (asprintf(&msg, "Câu trả lời cho tài sản %s (%s) chưa được chấp nhận%s%s\n\n"
				   "The answer for asset %s (%s) was not accepted%s%s",
			     it.asset_name, it.ref, j->text ? ": " : ".", j->text ? j->text : "",
			     it.asset_name, it.ref, j->text ? ": " : ".", j->text ? j->text : "") < 0)
			return -ENOMEM;
		chg.message = msg;
		rc = sq_request_apply(c, it.code, NULL, &chg, j->actor, j->err);
		free(msg);
		if (rc < 0)
			return rc;
	}
	if ((rc = sq_audit(c, at, j->actor, j->accept ? "remediation.accept" : "remediation.reject",
			   it.code, json_pack("{sI ss s:s?}", "item", (json_int_t)it.id, "advisory",
					      it.ref, "text", j->text))) < 0)
		return rc;
	return request_follow(c, it.rid, j->actor);
}

int sq_remediation_review(struct store *st, int64_t id, const char *scope, bool accept,
			  const char *text, const char *actor, struct store_err *err)
{
	struct answer_job j = { .id = id, .scope = scope, .actor = actor, .text = text,
				.accept = accept, .err = err };
	return sq_write((struct sq_store *)st, review_fn, &j);
}

/* ------------------------------------------------------------------------ */
/* Dashboard                                                                */
/* ------------------------------------------------------------------------ */

struct dash_q {
	const char *scope;
	int64_t now;
	json_t *out;
};

static int dash_fn(struct sq_conn *c, void *arg)
{
	struct dash_q *q = arg;
	static const char *const sql[2] = {
		"SELECT a.id, a.ref, a.cve, a.title, sum(m.state <> 'closed'), "
		"sum(m.state <> 'closed' AND m.due < ?2), sum(m.state = 'closed') FROM remediation m "
		"JOIN advisories a ON a.id = m.advisory_id JOIN units u ON u.id = m.unit_id "
		"WHERE " IN_SCOPE("?1") " GROUP BY a.id ORDER BY 6 DESC, 5 DESC, a.id DESC",
		"SELECT u.id, u.code, u.name, NULL, sum(m.state <> 'closed'), "
		"sum(m.state <> 'closed' AND m.due < ?2), sum(m.state = 'closed') FROM remediation m "
		"JOIN units u ON u.id = m.unit_id WHERE " IN_SCOPE("?1")
		" GROUP BY u.id ORDER BY 6 DESC, 5 DESC, u.code",
	};
	char now[TIMEFMT_SIZE];
	json_t *lists[2];
	int rc = 0;

	iso(now_or(q->now), now);
	for (int k = 0; k < 2; k++) {
		sqlite3_stmt *s = sq_stmt(c, sql[k]);
		lists[k] = json_array();
		if (!s) {
			rc = -EIO;
			continue;
		}
		sq_bind_text(s, 1, q->scope);
		sq_bind_text(s, 2, now);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *o = k == 0 ? json_pack("{sI so so so}", "id",
						       (json_int_t)sqlite3_column_int64(s, 0), "ref",
						       sq_col_json(s, 1), "cve", sq_col_json(s, 2),
						       "title", sq_col_json(s, 3))
					   : json_pack("{so so}", "unit", sq_col_json(s, 1), "name",
						       sq_col_json(s, 2));
			json_object_set_new(o, "open", json_integer(sqlite3_column_int64(s, 4)));
			json_object_set_new(o, "overdue", json_integer(sqlite3_column_int64(s, 5)));
			json_object_set_new(o, "closed", json_integer(sqlite3_column_int64(s, 6)));
			json_array_append_new(lists[k], o);
		}
		sqlite3_reset(s);
		rc = rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
	}
	q->out = json_pack("{so so ss}", "advisories", lists[0], "units", lists[1], "at", now);
	return rc;
}

int sq_advisory_dashboard(struct store *st, const char *scope, int64_t now, json_t **ret)
{
	struct dash_q q = { scope, now, NULL };
	int rc = sq_read(st, dash_fn, &q);

	if (rc < 0) {
		json_decref(q.out);
		return rc;
	}
	*ret = q.out;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Configuration, aliases, the register                                     */
/* ------------------------------------------------------------------------ */

static int config_get_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c, "SELECT key, value FROM advisory_config ORDER BY key");
	int rc;

	if (!s)
		return -EIO;
	q->out = json_object();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_object_set_new(q->out, sq_col_text(s, 0), json_integer(sqlite3_column_int64(s, 1)));
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

int sq_advisory_config_get(struct store *st, json_t **ret)
{
	return list_run(st, config_get_fn, NULL, ret, NULL);
}

/* 0 when a->key may be set to a->value, else -EINVAL (err->field: the key). */
static int setting_check(const struct adv_setting *a, struct store_err *err)
{
	bool deadline = !strncmp(a->key, "deadline.", 9) && severity_parse(a->key + 9) >= 0;
	bool unranged = !strcmp(a->key, "match_unranged");

	if (!deadline && !unranged && strcmp(a->key, "remind_days")) {
		sq_set_err(err, "key", "unknown setting '%.40s' (deadline.critical, deadline.high, "
			   "deadline.medium, deadline.low, remind_days, match_unranged)", a->key);
		return -EINVAL;
	}
	if (deadline ? a->value < 1 || a->value > 365
		     : unranged ? a->value < 0 || a->value > 1 : a->value < 0 || a->value > 60) {
		sq_set_err(err, a->key, deadline ? "a deadline is 1 to 365 days"
				: unranged ? "match_unranged is 0 or 1" : "remind_days is 0 to 60");
		return -EINVAL;
	}
	return 0;
}

struct config_job {
	const struct adv_setting *set;
	size_t n;
	const char *actor;
	struct store_err *err;
};

/* Every setting is checked before the first is written: all or nothing. */
static int config_set_fn(struct sq_conn *c, void *arg)
{
	struct config_job *j = arg;
	sqlite3_stmt *s;
	char at[TIMEFMT_SIZE];
	int rc;

	for (size_t i = 0; i < j->n; i++)
		if ((rc = setting_check(&j->set[i], j->err)) < 0)
			return rc;
	timefmt_now(at, NULL);
	for (size_t i = 0; i < j->n; i++) {
		if (!(s = sq_stmt(c, "INSERT INTO advisory_config(key, value) VALUES (?1, ?2) "
				     "ON CONFLICT(key) DO UPDATE SET value = ?2")))
			return -EIO;
		sq_bind_text(s, 1, j->set[i].key);
		sqlite3_bind_int64(s, 2, j->set[i].value);
		if ((rc = sq_step_done(s)) < 0 ||
		    (rc = sq_audit(c, at, j->actor, "advisory.config", j->set[i].key,
				   json_pack("{sI}", "value", (json_int_t)j->set[i].value))) < 0)
			return rc;
	}
	return 0;
}

int sq_advisory_config_set(struct store *st, const struct adv_setting *set, size_t n,
			   const char *actor, struct store_err *err)
{
	struct config_job j = { set, n, actor, err };

	if (n == 0)
		return 0;
	return sq_write((struct sq_store *)st, config_set_fn, &j);
}

static int alias_list_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	sqlite3_stmt *s;
	json_t *v = json_array(), *p = json_array();
	int rc;

	q->out = json_pack("{so so}", "vendors", v, "products", p);
	if (!(s = sq_stmt(c, "SELECT alias, vendor FROM vendor_aliases ORDER BY alias")))
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(v, json_pack("{so so}", "alias", sq_col_json(s, 0), "vendor",
						   sq_col_json(s, 1)));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sq_map_rc(rc);
	if (!(s = sq_stmt(c, "SELECT vendor, alias, canon_vendor, product FROM product_aliases "
			     "ORDER BY vendor, alias, canon_vendor, product")))
		return -EIO;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(p, json_pack("{so so so so}", "vendor", sq_col_json(s, 0), "alias",
						   sq_col_json(s, 1), "canon_vendor", sq_col_json(s, 2),
						   "product", sq_col_json(s, 3)));
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

int sq_alias_list(struct store *st, json_t **ret)
{
	return list_run(st, alias_list_fn, NULL, ret, NULL);
}

struct alias_job {
	const struct alias_in *in;
	bool remove;
	const char *actor;
	int64_t now;
	struct store_err *err;
};

/* Every asset's key again under the current aliases (then the caller matches). */
static int assets_rekey(struct sq_conn *c, const char *at)
{
	struct alias_tab t;
	sqlite3_stmt *s, *u;
	int rc;

	if ((rc = alias_tab_load(c, &t)) < 0)
		return rc;
	if (!(s = sq_stmt(c, "SELECT id, vendor, product, cpe, canon FROM assets")) ||
	    !(u = sq_stmt(c, "UPDATE assets SET canon = ?2, updated_at = ?3 WHERE id = ?1"))) {
		alias_tab_free(&t);
		return -EIO;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct asset_in in = { .name = "x", .vendor = sq_col_text(s, 1),
				       .product = sq_col_text(s, 2), .cpe = sq_col_text(s, 3),
				       .exposure = "internal" };
		char canon[CANON_MAX], version[VERSION_MAX + 1];
		if (asset_resolve(&t, &in, canon, version, NULL) < 0 || !strcmp(canon, sq_col_text(s, 4)))
			continue;
		sqlite3_bind_int64(u, 1, sqlite3_column_int64(s, 0));
		sq_bind_text(u, 2, canon);
		sq_bind_text(u, 3, at);
		if ((rc = sq_step_done(u)) < 0)
			break;
		rc = SQLITE_ROW;
	}
	sqlite3_reset(s);
	alias_tab_free(&t);
	if (rc < 0)
		return rc;
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

static int alias_fn(struct sq_conn *c, void *arg)
{
	struct alias_job *j = arg;
	const struct alias_in *in = j->in;
	char alias[ADVISORY_KEY_MAX], vendor[ADVISORY_KEY_MAX] = "*", cv[ADVISORY_KEY_MAX],
		cp[ADVISORY_KEY_MAX] = "", at[TIMEFMT_SIZE];
	struct adv_stats st = { 0 };
	sqlite3_stmt *s;
	int rc;

	iso(j->now, at);
	if (!in->alias || !advisory_key(in->alias, alias, sizeof(alias))) {
		sq_set_err(j->err, "alias", "'alias' needs letters or digits");
		return -EINVAL;
	}
	if (!in->canon_vendor || !advisory_key(in->canon_vendor, cv, sizeof(cv))) {
		sq_set_err(j->err, in->vendor_alias ? "vendor" : "canon_vendor",
			   "the canonical vendor needs letters or digits");
		return -EINVAL;
	}
	if (!in->vendor_alias) {
		if (in->vendor && strcmp(in->vendor, "*") &&
		    !advisory_key(in->vendor, vendor, sizeof(vendor))) {
			sq_set_err(j->err, "vendor", "'vendor' needs letters or digits, or is '*'");
			return -EINVAL;
		}
		if (!in->canon_product || !advisory_key(in->canon_product, cp, sizeof(cp))) {
			sq_set_err(j->err, "product", "the canonical product needs letters or digits");
			return -EINVAL;
		}
	}
	if (in->vendor_alias)
		s = j->remove ? sq_stmt(c, "DELETE FROM vendor_aliases WHERE alias = ?1 AND vendor = ?3")
			      : sq_stmt(c, "INSERT INTO vendor_aliases(alias, vendor) VALUES (?1, ?3) "
					   "ON CONFLICT(alias) DO UPDATE SET vendor = ?3");
	else
		s = j->remove ? sq_stmt(c, "DELETE FROM product_aliases WHERE vendor = ?2 AND alias = ?1 "
					   "AND canon_vendor = ?3 AND product = ?4")
			      : sq_stmt(c, "INSERT OR IGNORE INTO product_aliases(vendor, alias, "
					   "canon_vendor, product) VALUES (?2, ?1, ?3, ?4)");
	if (!s)
		return -EIO;
	sq_bind_text(s, 1, alias);
	sq_bind_text(s, 2, vendor);
	sq_bind_text(s, 3, cv);
	sq_bind_text(s, 4, cp);
	if ((rc = sq_step_done(s)) < 0)
		return rc;
	if (sqlite3_changes(c->db) == 0) {
		if (j->remove) {
			sq_set_err(j->err, "alias", "no such alias '%s'", alias);
			return -ENOENT;
		}
		return 0;
	}
	if ((rc = sq_audit(c, at, j->actor, j->remove ? "alias.remove" : "alias.add", alias,
			   in->vendor_alias ? json_pack("{ss}", "vendor", cv)
					    : json_pack("{ss ss ss}", "vendor", vendor, "canon_vendor",
							cv, "product", cp))) < 0)
		return rc;
	if ((rc = assets_rekey(c, at)) < 0) {
		if (rc == -EEXIST)
			sq_set_err(j->err, "alias", "two assets of one unit would then be the same");
		return rc;
	}
	return match_run(c, 0, 0, j->actor, j->now, &st);
}

int sq_alias_set(struct store *st, const struct alias_in *in, bool remove, const char *actor,
		 int64_t now, struct store_err *err)
{
	struct alias_job j = { in, remove, actor, now_or(now), err };
	return sq_write((struct sq_store *)st, alias_fn, &j);
}

static int app_list_fn(struct sq_conn *c, void *arg)
{
	struct list_q *q = arg;
	sqlite3_stmt *s = sq_stmt(c, "SELECT id, name, vendor, canon, min_version, source, notes, "
				     "created_at, updated_at FROM approved_apps ORDER BY name, id");
	int rc;

	if (!s)
		return -EIO;
	q->out = json_array();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_append_new(q->out, json_pack("{sI so so so so so so so so}", "id",
							 (json_int_t)sqlite3_column_int64(s, 0), "name",
							 sq_col_json(s, 1), "vendor", sq_col_json(s, 2),
							 "canon", sq_col_json(s, 3), "min_version",
							 sq_col_json(s, 4), "source", sq_col_json(s, 5),
							 "notes", sq_col_json(s, 6), "created_at",
							 sq_col_json(s, 7), "updated_at", sq_col_json(s, 8)));
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : sq_map_rc(rc);
}

int sq_app_list(struct store *st, json_t **ret)
{
	return list_run(st, app_list_fn, NULL, ret, NULL);
}

struct app_job {
	int64_t id;
	const struct app_in *in;
	const char *actor;
	int64_t out_id;
	struct store_err *err;
};

static int app_write_fn(struct sq_conn *c, void *arg)
{
	struct app_job *j = arg;
	const struct app_in *in = j->in;
	char canons[CANONS_MAX][CANON_MAX], at[TIMEFMT_SIZE];
	struct alias_tab t;
	struct version v;
	const char *why;
	sqlite3_stmt *s;
	size_t n;
	int rc;

	timefmt_now(at, NULL);
	if (in->min_version && version_parse(in->min_version, strlen(in->min_version), &v, &why) < 0) {
		sq_set_err(j->err, "min_version", "min_version '%.80s' %s", in->min_version, why);
		return -EINVAL;
	}
	if ((rc = alias_tab_load(c, &t)) < 0)
		return rc;
	n = resolve(&t, in->vendor, in->name, canons);
	alias_tab_free(&t);
	if (!n) {
		sq_set_err(j->err, "vendor", "'vendor' is required");
		return -EINVAL;
	}
	s = j->id ? sq_stmt(c, "UPDATE approved_apps SET name = ?2, vendor = ?3, canon = ?4, "
			       "min_version = ?5, source = ?6, notes = ?7, updated_at = ?8 WHERE id = ?1")
		  : sq_stmt(c, "INSERT INTO approved_apps(name, vendor, canon, min_version, source, "
			       "notes, created_at, updated_at) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
	if (!s)
		return -EIO;
	if (j->id)
		sqlite3_bind_int64(s, 1, j->id);
	sq_bind_text(s, 2, in->name);
	sq_bind_text(s, 3, in->vendor);
	sq_bind_text(s, 4, canons[0]);
	sq_bind_text(s, 5, in->min_version);
	sq_bind_text(s, 6, in->source);
	sq_bind_text(s, 7, in->notes);
	sq_bind_text(s, 8, at);
	if ((rc = sq_step_done(s)) < 0) {
		if (rc == -EEXIST)
			sq_set_err(j->err, "name", "'%s' is on the register already", canons[0]);
		return rc;
	}
	if (j->id && sqlite3_changes(c->db) == 0)
		return -ENOENT;
	j->out_id = j->id ? j->id : sqlite3_last_insert_rowid(c->db);
	return sq_audit(c, at, j->actor, j->id ? "app.update" : "app.add", canons[0],
			json_pack("{sI ss ss s:s? s:s?}", "id", (json_int_t)j->out_id, "name", in->name,
				  "vendor", in->vendor, "min_version", in->min_version, "source",
				  in->source));
}

int sq_app_write(struct store *st, int64_t id, const struct app_in *in, const char *actor,
		 int64_t *ret_id, struct store_err *err)
{
	struct app_job j = { id, in, actor, 0, err };
	int rc = sq_write((struct sq_store *)st, app_write_fn, &j);

	if (rc == 0 && ret_id)
		*ret_id = j.out_id;
	return rc;
}

static int app_delete_fn(struct sq_conn *c, void *arg)
{
	struct app_job *j = arg;
	sqlite3_stmt *s = sq_stmt(c, "DELETE FROM approved_apps WHERE id = ?1 RETURNING canon");
	char at[TIMEFMT_SIZE], canon[CANON_MAX] = "";
	int rc;

	if (!s)
		return -EIO;
	timefmt_now(at, NULL);
	sqlite3_bind_int64(s, 1, j->id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		snprintf(canon, sizeof(canon), "%s", sq_col_text(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? -ENOENT : sq_map_rc(rc);
	return sq_audit(c, at, j->actor, "app.remove", canon,
			json_pack("{sI}", "id", (json_int_t)j->id));
}

int sq_app_delete(struct store *st, int64_t id, const char *actor)
{
	struct app_job j = { .id = id, .actor = actor };
	return sq_write((struct sq_store *)st, app_delete_fn, &j);
}
