/*
 * store_adv.h — what the advisory operations of the store take and give
 * (store.h declares the operations; sqlite_adv.c implements them).
 *
 * Matching: every asset whose vendor and product name (after the alias
 * table) is a product of an advisory, and whose version is in one of its
 * ranges (an advisory without ranges covers every version; an asset
 * without a readable version is covered too, to be confirmed), gets one
 * remediation item per (advisory, asset), and its unit one vulnerability
 * request per (advisory, unit).  Items whose asset no longer matches are
 * closed as "fixed".  Due = the earlier of KEV's dueDate (end of that day,
 * Asia/Ho_Chi_Minh) and now + the local deadline of the advisory
 * (its due_days, else the configured days for its severity; KEV entries
 * without a severity count as high).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct advisory_set;

/* What an import or a match did, with the time it took by phase. */
struct adv_stats {
	size_t created, updated, unchanged;     /* advisories */
	size_t assets;                          /* assets examined */
	size_t matches;                         /* (advisory, asset) pairs that match */
	size_t items_new, items_closed, items_reopened;
	size_t requests_new, notices;           /* notices: mails queued */
	double t_load, t_match, t_store;        /* seconds */
};

struct asset_in {
	const char *unit;       /* unit code */
	const char *name;       /* host name or label */
	const char *vendor;     /* or NULL when the CPE or an alias names it */
	const char *product;    /* or NULL when the CPE names it */
	const char *version;    /* or NULL */
	const char *cpe;        /* CPE 2.3, or NULL */
	const char *exposure;   /* "internet" or "internal" */
	const char *owner;      /* or NULL */
	size_t line;            /* CSV line, for errors; 0 otherwise */
};

struct asset_filter {
	const char *scope;      /* RBAC: unit codes, or NULL */
	const char *unit;       /* one unit code, or NULL */
	const char *q;          /* substring of name, vendor, product, or NULL */
	int limit;              /* 1..500 */
	int64_t before;         /* cursor: ids below this; 0 from the newest */
};

struct advisory_filter {
	const char *q;          /* substring of ref, title, vendor, product, or NULL */
	const char *scope;      /* units whose items "open"/"closed" count; NULL: every unit */
	int limit;
	int64_t before;
};

/* One advisory setting: deadline.critical|high|medium|low, remind_days, match_unranged. */
struct adv_setting {
	const char *key;
	int64_t value;
};

struct remediation_filter {
	const char *scope;
	int64_t advisory;       /* 0: any */
	const char *unit;       /* or NULL */
	const char *state;      /* open|answered|closed|overdue, or NULL */
	const char *request;    /* the vulnerability request's code, or NULL */
	int limit;
	int64_t before;
	int64_t now;            /* for "overdue"; 0: the current time */
};

struct alias_in {
	bool vendor_alias;      /* vendor alias (alias -> vendor), else product alias */
	const char *vendor;     /* product alias: the vendor it applies to, or "*" */
	const char *alias;
	const char *canon_vendor;
	const char *canon_product; /* product alias only */
};

struct app_in {
	const char *name, *vendor, *min_version, *source, *notes;
};

enum remediation_answer_kind { ANSWER_PATCHED, ANSWER_MITIGATED, ANSWER_NOT_AFFECTED };

struct remediation_answer {
	int answer;             /* enum remediation_answer_kind */
	const char *version;    /* patched: the new version */
	const char *text;       /* mitigated / not affected: what and why */
	bool from_unit;         /* the unit answers (else an agent on its behalf) */
};

/* Reminders and escalations sent by one run. */
struct remind_stats {
	size_t reminded, escalated, notices;
};
