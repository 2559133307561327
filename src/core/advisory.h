/*
 * advisory.h — vulnerability advisory files, product names and CPEs.
 *
 * Two file formats are read (docs/advisories.md):
 *   - the CISA Known Exploited Vulnerabilities catalog as published
 *     ({"catalogVersion", "vulnerabilities": [...]});
 *   - our own advisory JSON ({"format": "ungcuu-advisories/1",
 *     "advisories": [...]}) for national and provincial warnings, which
 *     adds affected version ranges, severity and a deadline in days.
 * The whole file is checked before anything is returned: the first error
 * names the entry (its position and CVE or id) and the field.
 *
 * Also here: the key every vendor and product name is compared by
 * ("Exchange Server" and CPE "exchange_server" give "exchange_server"),
 * and a CPE 2.3 formatted-string parser.
 *
 * Pure: no I/O; strings in the result are borrowed from its JSON tree.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define ADVISORY_FILE_MAX (64u << 20) /* bytes of one file */
#define ADVISORY_ENTRIES_MAX 100000
#define ADVISORY_AFFECTED_MAX 64      /* products of one advisory */
#define ADVISORY_RANGES_MAX 16        /* ranges of one product */
#define ADVISORY_KEY_MAX 256          /* bytes of a vendor or product key */

enum advisory_format { ADV_KEV, ADV_LOCAL };

enum severity { SEV_NONE = -1, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };

struct advisory_affected {
	const char *vendor, *product;   /* as written */
	const char *ranges[ADVISORY_RANGES_MAX];
	size_t nranges;                 /* 0: every version */
};

struct advisory {
	const char *ref;                /* the key: the id, else the CVE */
	const char *cve;                /* or NULL */
	const char *title;
	const char *vendor, *product;   /* KEV's, or the first affected product's */
	const char *description, *required_action, *notes, *source; /* each may be NULL */
	int severity;                   /* enum severity; SEV_NONE for KEV */
	bool exploited;                 /* KEV: always */
	bool ransomware;                /* KEV knownRansomwareCampaignUse == "Known" */
	int due_days;                   /* 0: none given */
	const char *kev_due;            /* KEV dueDate "YYYY-MM-DD", or NULL */
	const char *published;          /* "YYYY-MM-DD", or NULL */
	struct advisory_affected *aff;
	size_t naff;
};

struct advisory_set {
	enum advisory_format format;
	const char *version;            /* KEV catalogVersion, or NULL */
	struct advisory *items;
	size_t n;
	json_t *root;                   /* owns every string */
};

/*
 * Parse a whole file buf[0..len).  Returns 0 with *ret set (free with
 * advisory_set_free), -EINVAL with a message in errbuf ("entry 17
 * (CVE-2022-42475): 'dueDate' must be a date YYYY-MM-DD"), or -ENOMEM.
 */
int advisory_parse(const char *buf, size_t len, struct advisory_set **ret, char *errbuf,
		   size_t errlen);
void advisory_set_free(struct advisory_set *set);

const char *severity_name(int sev);  /* "critical"..., NULL for SEV_NONE */
int severity_parse(const char *s);   /* enum severity, or -2 when unknown */

/*
 * The comparison key of a vendor or product name: ASCII letters lowered,
 * every run of other ASCII characters one '_', none at either end; bytes
 * of other scripts kept.  "Exchange Server" -> "exchange_server",
 * "PAN-OS" -> "pan_os".  Returns the length, 0 when nothing is left (or
 * the key would not fit in size).
 */
size_t advisory_key(const char *s, char *out, size_t size);

struct cpe {
	char part;                        /* 'a', 'o', 'h' */
	char vendor[ADVISORY_KEY_MAX];    /* keys, unescaped */
	char product[ADVISORY_KEY_MAX];
	char version[128];                /* "" for * and - */
};

/*
 * Parse a CPE 2.3 formatted string ("cpe:2.3:o:fortinet:fortios:7.0.5:*:...").
 * Returns 0, or -EINVAL with *ret_reason set.
 */
int cpe_parse(const char *s, struct cpe *ret, const char **ret_reason);

/* Whether s is a date YYYY-MM-DD that exists. */
bool advisory_valid_date(const char *s);

/*
 * Check the fields of an inventory asset (each may be NULL when absent):
 * name required (one line, at most 200 characters); product or a CPE
 * required; version a readable version (version.h); CPE a CPE 2.3 string;
 * exposure "internet" or "internal"; owner one line.  Returns NULL when
 * fine, else a reason with *ret_field naming the field.
 */
const char *advisory_asset_check(const char *name, const char *vendor, const char *product,
				 const char *version, const char *cpe, const char *exposure,
				 const char *owner, const char **ret_field);
