/*
 * store.h — the persistence interface of ungcuu.
 *
 * One interface, several backends (SQLite now; PostgreSQL later), chosen by
 * the location string given to store_open().  Backends sit behind
 * struct store_ops, as OpenSMTPD's queue backends do.
 *
 * Contract common to every write:
 *   - it runs in one transaction and appends its audit entries in the same
 *     transaction; when the call returns 0 the change is committed durably
 *     (synced), so a caller may acknowledge it;
 *   - on failure nothing of it is stored;
 *   - it may be called from many threads at once.
 * Reads return jansson objects in the shape the API shows (documented in
 * docs/api.md); the caller owns the reference and json_decref()s it.
 *
 * Errors are negative errno values:
 *   -ENOENT  the object named by the call does not exist (or is outside the
 *            caller's scope)
 *   -EINVAL  a referenced object does not exist or a value is refused;
 *            err->field and err->message say which
 *   -EEXIST  an object with that key exists already
 *   -EPERM   the change is not allowed in the object's state (a status
 *            transition); err says why
 *   -ERANGE  no request code left for the day
 *   -EBUSY, -EIO, -ENOSPC  the storage is unavailable: try again later
 *   -ESTALE  the database schema is older than this binary: run init
 *   -EPROTO  the database schema is newer than this binary
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/model.h"

struct principal;
struct advisory_set;
struct adv_stats;
struct asset_in;
struct asset_filter;
struct advisory_filter;
struct adv_setting;
struct remediation_filter;
struct alias_in;
struct app_in;
struct remediation_answer;
struct remind_stats;
struct incident_in;

struct store_err {
	char field[32];
	char message[200];
};

enum {
	STORE_NOSYNC = 1 << 0, /* bulk tools only: commits are not synced */
	STORE_CREATE = 1 << 1, /* create the database file if missing */
};

struct contact_in {
	const char *name, *title, *email, *phone;
};

struct unit_in {
	const char *code, *name;
	const char *parent;   /* parent unit code, or NULL */
	const char *province; /* or NULL */
	const struct contact_in *contacts;
	size_t ncontacts;
	bool set_contacts;    /* on update: replace the contact list */
};

struct service_in {
	const char *code, *name;
};

struct user_in {
	const char *username, *display_name, *email, *phone;
	enum role role;
	const char *unit; /* unit code: required for ROLE_UNIT */
};

struct request_in {
	enum req_kind kind;
	const char *unit;     /* unit code, or NULL for the triage queue */
	const char *service;  /* service code, or NULL */
	const char *subject, *description;
	const char *requester_name, *requester_email, *requester_phone; /* each may be NULL */
	enum req_channel channel;
	enum req_priority priority;
	const char *assignee; /* username, or NULL */
	time_t now;           /* creation time; 0 means the current time */
	const struct incident_in *incident; /* kind incident: its fields, or NULL for defaults */
};

/* One change to a request: any combination, applied in one transaction. */
struct request_change {
	const char *message;  /* public message body, or NULL */
	bool from_requester;  /* the message comes from the requester's side */
	bool no_mail;         /* support's message is not mailed to the requester */
	const char *note;     /* internal note body, or NULL */
	int status;           /* enum req_status, or -1 to leave */
	int priority;         /* enum req_priority, or -1 to leave */
	bool set_assignee;
	const char *assignee; /* username, NULL to unassign */
	time_t now;           /* time of the change; 0 means the current time */
};

struct request_filter {
	const char *scope;    /* only these units' requests (RBAC: one code or a comma list), or NULL */
	bool internal;        /* search and show internal notes too */
	const char *unit, *service, *kind, *status, *priority;
	const char *assignee; /* username, or "none" */
	const char *q;        /* free text, folded for diacritics */
	int limit;            /* 1..100 */
	int64_t before;       /* cursor: only ids below this; 0 = from the newest */
};

/* What login needs to know of an account. */
struct user_auth {
	int64_t id;
	char username[65];
	char display_name[256];
	char email[256];
	char unit[33];        /* "" when none */
	char unit_name[512];
	enum role role;
	bool active;
	char password_hash[128]; /* "" when no password was ever set */
	bool must_change;
	bool totp_enabled;
	bool has_totp_secret;    /* enrolment started or done */
	unsigned char totp_secret[20];
	int64_t totp_last_step;
};

/* Changes to an account; NULL / -1 leave a field as it is. */
struct user_patch {
	const char *display_name, *email, *phone;
	int role;            /* enum role or -1 */
	bool set_unit;
	const char *unit;    /* with set_unit: unit code, or NULL for none */
	int active;          /* 1, 0, or -1 */
	bool set_units;
	const char *units;   /* with set_units: an agent's unit codes, comma-separated; NULL for all */
};

struct session_in {
	int64_t user_id;
	unsigned char hash[32];
	int64_t now;         /* Unix seconds */
	const char *ip, *user_agent;
};

struct token_in {
	const char *username;
	const unsigned char *hash; /* 32 bytes */
	const char *name;    /* what the token is for, or NULL */
	int role;            /* narrower role than the user's, or -1 */
	const char *unit;    /* confine the token to this unit code, or NULL */
	int64_t expires_ts;  /* Unix seconds, 0 for never */
};

struct audit_filter {
	const char *action, *actor, *object; /* exact matches, or NULL */
	int limit;           /* 1..500 */
	int64_t before;      /* cursor: ids below this; 0 from the newest */
};

/* An attachment of inbound mail, already in the blob store. */
struct mail_attachment {
	const char *filename, *content_type;
	size_t size;
	const char *blob;     /* SHA-256 hex */
	bool dangerous;
};

/* Inbound mail as intake decided it (src/mail/intake.c); strings borrowed. */
struct mail_in {
	const char *message_id;        /* without <>; never NULL (intake synthesises one) */
	const char *raw_blob;          /* SHA-256 hex of the raw message */
	const void *raw;               /* the raw message, kept with the row */
	size_t raw_len;
	const char *sync_dir;          /* sync this directory's file system before committing
					* (blobs written without their own sync), or NULL */
	const char *from_addr, *from_name;
	const char *subject;           /* decoded */
	const char *body;              /* decoded, secrets masked */
	unsigned secrets;              /* kinds of secrets masked */
	const char *code;              /* request code found in the subject, or NULL */
	const char *const *refs;       /* In-Reply-To then References, newest first */
	size_t nrefs;
	const char *unit, *service;    /* from a [SHKB#DVC] tag, or NULL */
	bool ack;                      /* acknowledge a new request (not for auto-replies, loops) */
	int ack_per_hour;              /* at most this many acknowledgements per sender per hour */
	const struct mail_attachment *att;
	size_t natt;
	time_t now;                    /* 0: the current time */
};

struct mail_result {
	char code[16];
	bool duplicate;   /* this Message-ID was stored before: nothing done */
	bool created;     /* a new request; else appended to `code` */
	bool reopened;
	bool acked;       /* an acknowledgement went to the outbox */
	bool triage;      /* no unit could be found */
};


/* ---- public side: official contacts, verification, announcements, web
 * submissions (sqlite_public.c) ---- */

/* An official contact; strings already normalised (src/core/contact.h). */
struct official_in {
	const char *kind;          /* "mailbox", "phone", "staff" */
	const char *label, *email, *phone, *extension, *display_name;
	int active;                /* 1, 0; -1 leaves it (update) */
	/* update: which fields were given (OFFICIAL_SET_*); a given NULL clears */
	unsigned set;
};

enum {
	OFFICIAL_SET_KIND = 1 << 0, OFFICIAL_SET_LABEL = 1 << 1, OFFICIAL_SET_EMAIL = 1 << 2,
	OFFICIAL_SET_PHONE = 1 << 3, OFFICIAL_SET_EXTENSION = 1 << 4,
	OFFICIAL_SET_DISPLAY_NAME = 1 << 5,
};

/* One public verification check ("is this really support?"). */
struct verify_in {
	const char *code;          /* upper-cased request code as given */
	bool requester_is_email;
	const char *requester;     /* normalised email, or phone number without extension */
	const char *requester_log; /* what the audit keeps of it: masked and hashed */
	int contact_kind;          /* enum contact_kind: CONTACT_NONE when none given */
	const char *contact;       /* normalised email, or phone number */
	const char *contact_ext;   /* phone extension, "" when none */
	const char *ip;
};

struct verify_result {
	bool genuine;              /* the code exists, the requester matches and is confirmed */
	bool unconfirmed;          /* the same, but filed through the public form and not yet
				    * answered by staff: not vouched for; no status, no agent */
	char status[16];           /* genuine only */
	char agent[256];           /* genuine only: the assignee's display name, "" */
	bool official;             /* the contact given is in the registry */
	char label[256];           /* official only: the registry's label */
	char display_name[256];    /* official staff only */
};

struct announcement_in {
	const char *title, *body;
	const char *published_at;  /* ISO 8601 UTC; NULL: now (create) / leave (update) */
};

/* A request from the public web form, with its screenshot in the blob store. */
struct public_request_in {
	struct request_in req;     /* channel CHAN_WEB */
	const char *att_filename, *att_type, *att_blob; /* NULL when no screenshot */
	size_t att_size;
	const char *ip;
	int ack_per_hour;          /* acknowledgements per address per hour */
};

/* ---- leaked-credential monitoring (sqlite_leaks.c) ---- */

/* An account as the leak scanner matches it; strings borrowed for the call. */
struct leak_account {
	int64_t id;
	const char *username;
	const char *email;    /* or NULL */
	const char *unit;     /* unit code, or NULL */
};

/* One finding to record; strings borrowed. */
struct leak_finding_in {
	unsigned char dedupe[32]; /* keyed hash of account and password */
	int64_t user_id;          /* 0: an unknown mailbox */
	const char *account;      /* username, or the leaked address (normalised) */
	const char *verdict;      /* valid_now, old_password, different, unknown_mailbox */
	const char *hint;         /* masked password */
	const char *system;       /* or NULL */
	const char *source;       /* the dump it came from; NULL: the record's source */
};

/*
 * What one unit is told: compose() gets the unit (NULL for the triage
 * queue) and its new findings as a JSON array of {"account" (masked),
 * "verdict", "hint", "system"}, and returns malloc'd texts: the request's
 * subject and description, and the notice mailed to the unit's contacts.
 */
struct leak_record_in {
	const char *source;
	const struct leak_finding_in *findings;
	size_t n;
	int (*compose)(void *arg, const char *unit, const char *unit_name, const char *source,
		       const json_t *findings, char **ret_subject, char **ret_description,
		       char **ret_notice);
	void *arg;
	json_t *scan;             /* figures of the scan, for the audit entry (borrowed) */
};

struct leak_outcome {
	size_t added, known;      /* findings stored, findings seen before */
	size_t requests, must_change, mails;
	char codes[64][16];       /* the leak requests created (the first 64) */
};

struct leak_filter {
	const char *scope;        /* as in request_filter */
	const char *unit, *verdict, *source, *request;
	int limit;                /* 1..100 */
	int64_t before;           /* cursor */
};

/* SLA: which requests GET /api/v1/sla lists (see store_sla_list). */
struct sla_filter {
	const char *scope;    /* RBAC unit scope, or NULL */
	const char *unit;     /* unit code, or NULL */
	int state;            /* enum sla_state, or -1 for due_soon and breached */
	int limit;            /* 1..1000 */
	int64_t now;          /* Unix seconds */
};

/* SLA settings; NULL / -1 leave a field as it is. */
struct sla_config_in {
	const char *hours;    /* "mon-fri 07:30-11:30,13:00-17:00" */
	int fixed_holidays;   /* 1, 0 or -1 */
	bool set_head;
	const char *head;     /* with set_head: the department head's username, or NULL */
	int64_t head_after;   /* seconds after a breach before the head is told, or -1 */
};

/* One policy (kind x priority); targets in seconds. */
struct sla_policy_in {
	const char *kind, *priority;
	int64_t first_response, next_update, resolution; /* -1: leave */
	int business;         /* 1 business hours, 0 24/7, -1 leave */
	int warn_pct;         /* 0..100, -1 leave */
};

struct duty_in {
	const char *username;
	const char *role;     /* "primary", "backup", "lead" */
	int64_t starts, ends; /* Unix seconds */
	const char *note;     /* or NULL */
};

/* What one escalation run did. */
struct sla_tick_result {
	int checked;          /* open requests looked at */
	int escalations;      /* notifications recorded (each at most once) */
	int mailed;           /* of which queued in the outbox */
};

/*
 * Incident fields (sqlite_incident.c).  On create, NULL strings and -1 are
 * defaults (category guessed from the text, detection at creation).  On
 * update, NULL / -1 leave a field as it is, "" clears a text, and
 * INC_CLEAR (below) clears a time.
 */
#define INC_KEEP (-1)
#define INC_CLEAR (-2)
struct incident_in {
	int category;                 /* enum inc_category, or -1 */
	int severity;                 /* enum inc_severity, -1 to leave, INC_CLEAR to clear */
	int64_t detected_at;          /* Unix seconds; INC_KEEP, INC_CLEAR */
	int64_t resolved_at;          /* when the response ended; INC_KEEP, INC_CLEAR */
	int64_t initial_reported_at;  /* when the initial report was sent; INC_KEEP, INC_CLEAR */
	int64_t final_reported_at;    /* when the final report was sent; INC_KEEP, INC_CLEAR */
	const char *affected_systems, *affected_units, *impact, *measures, *cause;
	const json_t *report;         /* the report forms' other fields (object), or NULL */
};

struct task_in {
	const char *title;            /* NULL to leave (update) */
	bool set_assignee;
	const char *assignee;         /* username, NULL for none */
	bool set_due;
	const char *due;              /* ISO 8601 date or time, NULL for none */
	int done;                     /* 1, 0, or -1 to leave */
};

struct store;

struct store_ops {
	const char *name;
	int (*open)(const char *location, unsigned flags, struct store **ret, struct store_err *err);
	void (*close)(struct store *st);
	int (*schema)(struct store *st, int *ret_have, int *ret_want);
	int (*migrate)(struct store *st, int *ret_from, int *ret_to);

	int (*unit_create)(struct store *st, const struct unit_in *in, const char *actor, struct store_err *err);
	int (*unit_update)(struct store *st, const char *code, const struct unit_in *in, const char *actor, struct store_err *err);
	int (*unit_import)(struct store *st, const struct unit_in *in, size_t n, const char *actor,
			   size_t *ret_created, size_t *ret_updated, struct store_err *err);
	int (*unit_get)(struct store *st, const char *code, json_t **ret);
	int (*unit_list)(struct store *st, json_t **ret);

	int (*service_create)(struct store *st, const struct service_in *in, const char *actor, struct store_err *err);
	int (*service_update)(struct store *st, const char *code, const struct service_in *in, const char *actor, struct store_err *err);
	int (*service_get)(struct store *st, const char *code, json_t **ret);
	int (*service_list)(struct store *st, json_t **ret);

	int (*user_create)(struct store *st, const struct user_in *in, const char *actor, struct store_err *err);
	int (*user_list)(struct store *st, json_t **ret);
	int (*token_add)(struct store *st, const char *username, const unsigned char hash[32],
			 const char *actor, struct store_err *err);
	int (*token_lookup)(struct store *st, const unsigned char hash[32], struct principal *ret);

	int (*request_create)(struct store *st, const struct request_in *in, const char *actor,
			      char ret_code[16], struct store_err *err);
	int (*request_change)(struct store *st, const char *code, const char *scope,
			      const struct request_change *chg, const char *actor, struct store_err *err);
	int (*request_get)(struct store *st, const char *code, const char *scope, bool internal,
			   bool events, json_t **ret);
	/* The same as request_get with events, as JSON text (malloc'd; caller frees). */
	int (*request_get_text)(struct store *st, const char *code, const char *scope, bool internal,
				char **ret);
	/* A number that changes whenever the database may have changed: after a
	 * commit by any connection of any process, the next call returns a
	 * value not returned before it.  Costs one read transaction.  Caches
	 * key on it (src/http/respcache.h). */
	int (*generation)(struct store *st, uint64_t *ret);
	int (*request_list)(struct store *st, const struct request_filter *f, json_t **ret_items,
			    int64_t *ret_next);
	int (*request_counts)(struct store *st, json_t **ret);

	int (*audit_verify)(struct store *st, int64_t *ret_count, int64_t *ret_bad, char ret_head[65],
			    struct store_err *err);

	/* identity (sqlite_auth.c) */
	int (*user_auth)(struct store *st, const char *username, struct user_auth *ret);
	int (*user_get)(struct store *st, const char *username, json_t **ret);
	int (*user_update)(struct store *st, const char *username, const struct user_patch *p,
			   const char *actor, struct store_err *err);
	/* Set a password hash; the old one goes to the history (`keep` newest
	 * kept).  `reason` ("initial", "change", "reset", "rehash") is audited.
	 * A reset or change revokes the user's sessions except `keep_session`. */
	int (*password_set)(struct store *st, const char *username, const char *hash,
			    bool must_change, int keep, const char *reason, int64_t keep_session,
			    const char *actor);
	/* The current hash and the last n-1 old ones, newest first (JSON strings). */
	int (*password_history)(struct store *st, const char *username, int n, json_t **ret);
	int (*session_create)(struct store *st, const struct session_in *in, const char *actor,
			      int64_t *ret_id);
	/* A live session: not revoked, user active, within both timeouts. */
	int (*session_lookup)(struct store *st, const unsigned char hash[32], int64_t now,
			      int64_t idle, int64_t absolute, struct principal *ret);
	int (*session_list)(struct store *st, int64_t user_id, int64_t now, json_t **ret);
	int (*session_revoke)(struct store *st, int64_t user_id, int64_t session_id,
			      const char *actor);
	/* Store a TOTP secret (NULL clears TOTP), whether it is confirmed, and the
	 * hashes of new recovery codes (replacing the old ones). */
	int (*totp_set)(struct store *st, const char *username, const unsigned char *secret,
			bool enabled, const unsigned char (*recovery)[32], size_t nrecovery,
			const char *actor);
	/* Record the time step of a used code; -EALREADY when not newer (replay). */
	int (*totp_used)(struct store *st, const char *username, int64_t step);
	/* Spend a recovery code by hash; -ENOENT when unknown or spent. */
	int (*recovery_use)(struct store *st, const char *username, const unsigned char hash[32],
			    const char *actor);
	int (*token_create)(struct store *st, const struct token_in *in, const char *actor,
			    int64_t *ret_id, struct store_err *err);
	int (*token_list)(struct store *st, const char *username, int64_t now, json_t **ret);
	int (*token_revoke)(struct store *st, const char *username, int64_t id, const char *actor);
	/* A standalone audit entry (logins, denials); takes ownership of detail. */
	int (*audit_event)(struct store *st, const char *actor, const char *action,
			   const char *object, json_t *detail);
	int (*audit_list)(struct store *st, const struct audit_filter *f, json_t **ret_items,
			  int64_t *ret_next);

	/* mail (sqlite_mail.c) */
	/* Store one inbound message: a duplicate Message-ID changes nothing; a
	 * code or a reference to a known message appends (reopening a resolved
	 * or closed request); anything else creates a request, in the tagged
	 * unit, else the sender's registered unit, else the triage queue. */
	int (*mail_intake)(struct store *st, const struct mail_in *in, struct mail_result *ret,
			   struct store_err *err);
	/* Outbox rows due at `now`, each with what composing needs. */
	int (*outbox_due)(struct store *st, int64_t now, int limit, json_t **ret);
	/* Record a send: sent (with its full Message-ID for threading) or failed
	 * with the next attempt time (0: give up). */
	int (*outbox_done)(struct store *st, int64_t id, bool sent, const char *message_id,
			   const char *error, int64_t next_ts);
	int (*outbox_list)(struct store *st, const char *status, int limit, json_t **ret);
	/* One attachment of a request the caller may see: {filename,
	 * content_type, size, blob, dangerous}. */
	int (*attachment_get)(struct store *st, const char *code, const char *scope, int64_t id,
			      json_t **ret);
	/* public side (sqlite_public.c) */
	/* Official contacts, by id; all, or only the active ones. */
	int (*official_list)(struct store *st, bool all, json_t **ret);
	int (*official_get)(struct store *st, int64_t id, json_t **ret);
	int (*official_create)(struct store *st, const struct official_in *in, const char *actor,
			       int64_t *ret_id, struct store_err *err);
	int (*official_update)(struct store *st, int64_t id, const struct official_in *in,
			       const char *actor, struct store_err *err);
	int (*official_delete)(struct store *st, int64_t id, const char *actor);
	/* Run one verification check and audit it ("verify.check"); the same
	 * reads and the same write whether or not the code exists. */
	int (*verify_check)(struct store *st, const struct verify_in *in, struct verify_result *ret);
	/* Announcements, newest first: the published ones, or all. */
	int (*announcement_list)(struct store *st, bool all, json_t **ret);
	int (*announcement_get)(struct store *st, int64_t id, json_t **ret);
	int (*announcement_create)(struct store *st, const struct announcement_in *in,
				   const char *actor, int64_t *ret_id, struct store_err *err);
	int (*announcement_update)(struct store *st, int64_t id, const struct announcement_in *in,
				   const char *actor, struct store_err *err);
	int (*announcement_delete)(struct store *st, int64_t id, const char *actor);
	/* A request from the public web form: the request, its screenshot as an
	 * attachment (so agents download it like a mail attachment), an
	 * acknowledgement to the requester's address, one transaction. */
	int (*public_request)(struct store *st, const struct public_request_in *in,
			      char ret_code[16], struct store_err *err);

	/* leaked-credential monitoring (sqlite_leaks.c) */
	/* Every active account, one callback each (a nonzero return stops). */
	int (*leak_accounts)(struct store *st, int (*cb)(void *arg, const struct leak_account *a),
			     void *arg);
	/* An account's password hashes: {"username", "current": hash or null,
	 * "old": [hashes, newest first]}. */
	int (*leak_history)(struct store *st, int64_t user_id, json_t **ret);
	/* The watch list: [{"kind":"domain"|"host","value","system"}]. */
	int (*leak_watch_list)(struct store *st, json_t **ret);
	int (*leak_watch_add)(struct store *st, const char *kind, const char *value,
			      const char *system, const char *actor, struct store_err *err);
	int (*leak_watch_remove)(struct store *st, const char *kind, const char *value,
				 const char *actor);
	/* Which dedupe hashes are stored already: ret_known[i] for each. */
	int (*leak_known)(struct store *st, const unsigned char (*dedupe)[32], size_t n,
			  bool *ret_known);
	/* Store the findings that are new, and act on them in the same
	 * transaction: one leak request per unit, must-change and session
	 * revocation for valid_now and old_password accounts, the notice to
	 * the unit's contacts in the outbox, audit entries. */
	int (*leak_record)(struct store *st, const struct leak_record_in *in, const char *actor,
			   struct leak_outcome *ret, struct store_err *err);
	int (*leak_list)(struct store *st, const struct leak_filter *f, json_t **ret_items,
			 int64_t *ret_next);

	/* SLA, duty roster, statistics (sqlite_sla.c) */
	/* Requests by SLA state at f->now: {"items":[{code, unit, kind, priority,
	 * assignee, due, target, state, left_s}], "counts":{state: n}}, items by
	 * due time, the counts over every open request in scope. */
	int (*sla_list)(struct store *st, const struct sla_filter *f, json_t **ret);
	/* Escalate what is due soon or breached at `now`: each notification once,
	 * as an internal note, an outbox mail and an audit entry in one
	 * transaction. */
	int (*sla_tick)(struct store *st, int64_t now, struct sla_tick_result *ret);
	/* {"hours","fixed_holidays","head","head_after","days":[{day,kind,name}],
	 * "policies":[...]}; `year` > 0 limits days to that year. */
	int (*sla_config_get)(struct store *st, int year, json_t **ret);
	int (*sla_config_set)(struct store *st, const struct sla_config_in *in, const char *actor,
			      struct store_err *err);
	int (*sla_policy_set)(struct store *st, const struct sla_policy_in *in, const char *actor,
			      struct store_err *err);
	/* Enter a date ("YYYY-MM-DD") as "holiday" or "workday" (kind NULL: remove it). */
	int (*sla_day_set)(struct store *st, const char *day, const char *kind, const char *name,
			   const char *actor, struct store_err *err);
	int (*duty_add)(struct store *st, const struct duty_in *in, const char *actor,
			int64_t *ret_id, struct store_err *err);
	int (*duty_delete)(struct store *st, int64_t id, const char *actor);
	/* Shifts overlapping [from, to): {id, username, display_name, role, starts, ends, note}. */
	int (*duty_list)(struct store *st, int64_t from, int64_t to, json_t **ret);
	/* Who is on duty at `now`: {"primary","backup","lead","head"}, each a
	 * person {username, display_name, email, phone} or null. */
	int (*duty_now)(struct store *st, int64_t now, json_t **ret);
	/* Statistics of requests created in [from, to) within `scope`; SLA
	 * compliance counts open requests overdue at `now` as breached. */
	int (*stats)(struct store *st, int64_t from, int64_t to, const char *scope, int64_t now,
		     json_t **ret);

	/* advisories (sqlite_adv.c; types in store_adv.h) */
	/* Store a parsed advisory file (insert, or update what changed), then
	 * match every asset; one transaction. */
	int (*advisory_import)(struct store *st, const struct advisory_set *set, const char *actor,
			       int64_t now, struct adv_stats *ret, struct store_err *err);
	/* Match every asset against every advisory (the nightly run). */
	int (*advisory_match)(struct store *st, const char *actor, int64_t now, struct adv_stats *ret);
	int (*advisory_list)(struct store *st, const struct advisory_filter *f, json_t **ret_items,
			     int64_t *ret_next);
	/* "open"/"closed" count the items of the units in scope (NULL: every unit). */
	int (*advisory_get)(struct store *st, int64_t id, const char *scope, json_t **ret);
	/* Insert or update assets by (unit, name, product), then match them
	 * (unless !match: the next match run will). */
	int (*asset_import)(struct store *st, const struct asset_in *in, size_t n, bool match,
			    const char *actor, int64_t now, size_t *ret_created, size_t *ret_updated,
			    struct adv_stats *ret, struct store_err *err);
	/* Create (id 0) or replace one asset within `scope`, then match it. */
	int (*asset_write)(struct store *st, int64_t id, const struct asset_in *in, const char *scope,
			   const char *actor, int64_t now, int64_t *ret_id, struct store_err *err);
	int (*asset_delete)(struct store *st, int64_t id, const char *scope, const char *actor);
	int (*asset_get)(struct store *st, int64_t id, const char *scope, json_t **ret);
	int (*asset_list)(struct store *st, const struct asset_filter *f, json_t **ret_items,
			  int64_t *ret_next);
	int (*alias_list)(struct store *st, json_t **ret);
	/* Add or remove an alias; assets are renamed and matched again. */
	int (*alias_set)(struct store *st, const struct alias_in *in, bool remove, const char *actor,
			 int64_t now, struct store_err *err);
	int (*app_list)(struct store *st, json_t **ret);
	int (*app_write)(struct store *st, int64_t id, const struct app_in *in, const char *actor,
			 int64_t *ret_id, struct store_err *err);
	int (*app_delete)(struct store *st, int64_t id, const char *actor);
	int (*remediation_list)(struct store *st, const struct remediation_filter *f,
				json_t **ret_items, int64_t *ret_next);
	int (*remediation_answer)(struct store *st, int64_t id, const char *scope,
				  const struct remediation_answer *a, const char *actor, int64_t now,
				  struct store_err *err);
	int (*remediation_review)(struct store *st, int64_t id, const char *scope, bool accept,
				  const char *text, const char *actor, struct store_err *err);
	int (*advisory_dashboard)(struct store *st, const char *scope, int64_t now, json_t **ret);
	/* Reminders before deadlines, escalations after them. */
	int (*advisory_remind)(struct store *st, const char *actor, int64_t now,
			       struct remind_stats *ret);
	int (*advisory_config_get)(struct store *st, json_t **ret);
	/* Every setting checked first, then all stored and audited in one write:
	 * one bad key or value stores nothing (err->field names the key). */
	int (*advisory_config_set)(struct store *st, const struct adv_setting *set, size_t n,
				   const char *actor, struct store_err *err);

	/* incidents (sqlite_incident.c) */
	/* The "incident" object of a request within scope: fields, deadlines
	 * at `now`, observables, links (to requests within scope), and tasks
	 * when `internal`.  -ENOENT when the request is not an incident. */
	int (*incident_get)(struct store *st, const char *code, const char *scope, bool internal,
			    int64_t now, json_t **ret);
	/* Change the incident fields; a request of another kind becomes an
	 * incident (its text is then searched for observables). */
	int (*incident_update)(struct store *st, const char *code, const char *scope,
			       const struct incident_in *in, const char *actor, struct store_err *err);
	/* Add an observable by hand (value already normalised, type by name);
	 * -EEXIST when the request has it. */
	int (*observable_add)(struct store *st, const char *code, const char *scope, const char *type,
			      const char *value, const char *actor, int64_t *ret_id,
			      struct store_err *err);
	/* Remove one; automatic extraction will not bring it back. */
	int (*observable_delete)(struct store *st, const char *code, const char *scope, int64_t id,
				 const char *actor, struct store_err *err);
	/* Requests within scope holding an observable of that value (type may
	 * be NULL): items {code, kind, subject, status, unit, type, value}. */
	int (*observable_search)(struct store *st, const char *type, const char *value,
				 const char *scope, json_t **ret_items);
	int (*task_add)(struct store *st, const char *code, const char *scope, const struct task_in *in,
			const char *actor, int64_t *ret_id, struct store_err *err);
	int (*task_update)(struct store *st, const char *code, const char *scope, int64_t id,
			   const struct task_in *in, const char *actor, struct store_err *err);
	/* Close `code` as a duplicate of `into` (link, notes on both, its
	 * observables copied); its timeline stays as it was. */
	int (*request_merge)(struct store *st, const char *code, const char *into, const char *scope,
			     const char *actor, struct store_err *err);
	/* Link two requests: relation "parent" (other is code's parent) or
	 * "child" (other is code's child); a request has one parent, no cycles. */
	int (*request_link)(struct store *st, const char *code, const char *other,
			    const char *relation, const char *scope, const char *actor,
			    struct store_err *err);
};

struct store {
	const struct store_ops *ops;
};

extern const struct store_ops store_sqlite_ops;

/*
 * Open the store at `location`: a file path (SQLite) — the only backend for
 * now.  Checks the schema version: -ESTALE / -EPROTO as above unless
 * flags has STORE_CREATE (then the caller migrates).
 */
int store_open(const char *location, unsigned flags, struct store **ret, struct store_err *err);
void store_close(struct store *st);

/* Human-readable text for a store error code; borrowed static string. */
const char *store_strerror(int rc);

#define store_schema(st, ...) ((st)->ops->schema((st), __VA_ARGS__))
#define store_migrate(st, ...) ((st)->ops->migrate((st), __VA_ARGS__))
#define store_unit_create(st, ...) ((st)->ops->unit_create((st), __VA_ARGS__))
#define store_unit_update(st, ...) ((st)->ops->unit_update((st), __VA_ARGS__))
#define store_unit_import(st, ...) ((st)->ops->unit_import((st), __VA_ARGS__))
#define store_unit_get(st, ...) ((st)->ops->unit_get((st), __VA_ARGS__))
#define store_unit_list(st, ...) ((st)->ops->unit_list((st), __VA_ARGS__))
#define store_service_create(st, ...) ((st)->ops->service_create((st), __VA_ARGS__))
#define store_service_update(st, ...) ((st)->ops->service_update((st), __VA_ARGS__))
#define store_service_get(st, ...) ((st)->ops->service_get((st), __VA_ARGS__))
#define store_service_list(st, ...) ((st)->ops->service_list((st), __VA_ARGS__))
#define store_user_create(st, ...) ((st)->ops->user_create((st), __VA_ARGS__))
#define store_user_list(st, ...) ((st)->ops->user_list((st), __VA_ARGS__))
#define store_token_add(st, ...) ((st)->ops->token_add((st), __VA_ARGS__))
#define store_token_lookup(st, ...) ((st)->ops->token_lookup((st), __VA_ARGS__))
#define store_request_create(st, ...) ((st)->ops->request_create((st), __VA_ARGS__))
#define store_request_change(st, ...) ((st)->ops->request_change((st), __VA_ARGS__))
#define store_request_get(st, ...) ((st)->ops->request_get((st), __VA_ARGS__))
#define store_request_list(st, ...) ((st)->ops->request_list((st), __VA_ARGS__))
#define store_request_get_text(st, ...) ((st)->ops->request_get_text((st), __VA_ARGS__))
#define store_generation(st, ...) ((st)->ops->generation((st), __VA_ARGS__))
#define store_request_counts(st, ...) ((st)->ops->request_counts((st), __VA_ARGS__))
#define store_audit_verify(st, ...) ((st)->ops->audit_verify((st), __VA_ARGS__))
#define store_user_auth(st, ...) ((st)->ops->user_auth((st), __VA_ARGS__))
#define store_user_get(st, ...) ((st)->ops->user_get((st), __VA_ARGS__))
#define store_user_update(st, ...) ((st)->ops->user_update((st), __VA_ARGS__))
#define store_password_set(st, ...) ((st)->ops->password_set((st), __VA_ARGS__))
#define store_password_history(st, ...) ((st)->ops->password_history((st), __VA_ARGS__))
#define store_session_create(st, ...) ((st)->ops->session_create((st), __VA_ARGS__))
#define store_session_lookup(st, ...) ((st)->ops->session_lookup((st), __VA_ARGS__))
#define store_session_list(st, ...) ((st)->ops->session_list((st), __VA_ARGS__))
#define store_session_revoke(st, ...) ((st)->ops->session_revoke((st), __VA_ARGS__))
#define store_totp_set(st, ...) ((st)->ops->totp_set((st), __VA_ARGS__))
#define store_totp_used(st, ...) ((st)->ops->totp_used((st), __VA_ARGS__))
#define store_recovery_use(st, ...) ((st)->ops->recovery_use((st), __VA_ARGS__))
#define store_token_create(st, ...) ((st)->ops->token_create((st), __VA_ARGS__))
#define store_token_list(st, ...) ((st)->ops->token_list((st), __VA_ARGS__))
#define store_token_revoke(st, ...) ((st)->ops->token_revoke((st), __VA_ARGS__))
#define store_audit_event(st, ...) ((st)->ops->audit_event((st), __VA_ARGS__))
#define store_audit_list(st, ...) ((st)->ops->audit_list((st), __VA_ARGS__))
#define store_mail_intake(st, ...) ((st)->ops->mail_intake((st), __VA_ARGS__))
#define store_outbox_due(st, ...) ((st)->ops->outbox_due((st), __VA_ARGS__))
#define store_outbox_done(st, ...) ((st)->ops->outbox_done((st), __VA_ARGS__))
#define store_outbox_list(st, ...) ((st)->ops->outbox_list((st), __VA_ARGS__))
#define store_attachment_get(st, ...) ((st)->ops->attachment_get((st), __VA_ARGS__))
#define store_official_list(st, ...) ((st)->ops->official_list((st), __VA_ARGS__))
#define store_official_get(st, ...) ((st)->ops->official_get((st), __VA_ARGS__))
#define store_official_create(st, ...) ((st)->ops->official_create((st), __VA_ARGS__))
#define store_official_update(st, ...) ((st)->ops->official_update((st), __VA_ARGS__))
#define store_official_delete(st, ...) ((st)->ops->official_delete((st), __VA_ARGS__))
#define store_verify_check(st, ...) ((st)->ops->verify_check((st), __VA_ARGS__))
#define store_announcement_list(st, ...) ((st)->ops->announcement_list((st), __VA_ARGS__))
#define store_announcement_get(st, ...) ((st)->ops->announcement_get((st), __VA_ARGS__))
#define store_announcement_create(st, ...) ((st)->ops->announcement_create((st), __VA_ARGS__))
#define store_announcement_update(st, ...) ((st)->ops->announcement_update((st), __VA_ARGS__))
#define store_announcement_delete(st, ...) ((st)->ops->announcement_delete((st), __VA_ARGS__))
#define store_public_request(st, ...) ((st)->ops->public_request((st), __VA_ARGS__))
#define store_leak_accounts(st, ...) ((st)->ops->leak_accounts((st), __VA_ARGS__))
#define store_leak_history(st, ...) ((st)->ops->leak_history((st), __VA_ARGS__))
#define store_leak_watch_list(st, ...) ((st)->ops->leak_watch_list((st), __VA_ARGS__))
#define store_leak_watch_add(st, ...) ((st)->ops->leak_watch_add((st), __VA_ARGS__))
#define store_leak_watch_remove(st, ...) ((st)->ops->leak_watch_remove((st), __VA_ARGS__))
#define store_leak_known(st, ...) ((st)->ops->leak_known((st), __VA_ARGS__))
#define store_leak_record(st, ...) ((st)->ops->leak_record((st), __VA_ARGS__))
#define store_leak_list(st, ...) ((st)->ops->leak_list((st), __VA_ARGS__))
/* SLA, duty roster, statistics */
#define store_sla_list(st, ...) ((st)->ops->sla_list((st), __VA_ARGS__))
#define store_sla_tick(st, ...) ((st)->ops->sla_tick((st), __VA_ARGS__))
#define store_sla_config_get(st, ...) ((st)->ops->sla_config_get((st), __VA_ARGS__))
#define store_sla_config_set(st, ...) ((st)->ops->sla_config_set((st), __VA_ARGS__))
#define store_sla_policy_set(st, ...) ((st)->ops->sla_policy_set((st), __VA_ARGS__))
#define store_sla_day_set(st, ...) ((st)->ops->sla_day_set((st), __VA_ARGS__))
#define store_duty_add(st, ...) ((st)->ops->duty_add((st), __VA_ARGS__))
#define store_duty_delete(st, ...) ((st)->ops->duty_delete((st), __VA_ARGS__))
#define store_duty_list(st, ...) ((st)->ops->duty_list((st), __VA_ARGS__))
#define store_duty_now(st, ...) ((st)->ops->duty_now((st), __VA_ARGS__))
#define store_stats(st, ...) ((st)->ops->stats((st), __VA_ARGS__))
#define store_advisory_import(st, ...) ((st)->ops->advisory_import((st), __VA_ARGS__))
#define store_advisory_match(st, ...) ((st)->ops->advisory_match((st), __VA_ARGS__))
#define store_advisory_list(st, ...) ((st)->ops->advisory_list((st), __VA_ARGS__))
#define store_advisory_get(st, ...) ((st)->ops->advisory_get((st), __VA_ARGS__))
#define store_asset_import(st, ...) ((st)->ops->asset_import((st), __VA_ARGS__))
#define store_asset_write(st, ...) ((st)->ops->asset_write((st), __VA_ARGS__))
#define store_asset_delete(st, ...) ((st)->ops->asset_delete((st), __VA_ARGS__))
#define store_asset_get(st, ...) ((st)->ops->asset_get((st), __VA_ARGS__))
#define store_asset_list(st, ...) ((st)->ops->asset_list((st), __VA_ARGS__))
#define store_alias_list(st, ...) ((st)->ops->alias_list((st), __VA_ARGS__))
#define store_alias_set(st, ...) ((st)->ops->alias_set((st), __VA_ARGS__))
#define store_app_list(st, ...) ((st)->ops->app_list((st), __VA_ARGS__))
#define store_app_write(st, ...) ((st)->ops->app_write((st), __VA_ARGS__))
#define store_app_delete(st, ...) ((st)->ops->app_delete((st), __VA_ARGS__))
#define store_remediation_list(st, ...) ((st)->ops->remediation_list((st), __VA_ARGS__))
#define store_remediation_answer(st, ...) ((st)->ops->remediation_answer((st), __VA_ARGS__))
#define store_remediation_review(st, ...) ((st)->ops->remediation_review((st), __VA_ARGS__))
#define store_advisory_dashboard(st, ...) ((st)->ops->advisory_dashboard((st), __VA_ARGS__))
#define store_advisory_remind(st, ...) ((st)->ops->advisory_remind((st), __VA_ARGS__))
#define store_advisory_config_get(st, ...) ((st)->ops->advisory_config_get((st), __VA_ARGS__))
#define store_advisory_config_set(st, ...) ((st)->ops->advisory_config_set((st), __VA_ARGS__))
/* incidents */
#define store_incident_get(st, ...) ((st)->ops->incident_get((st), __VA_ARGS__))
#define store_incident_update(st, ...) ((st)->ops->incident_update((st), __VA_ARGS__))
#define store_observable_add(st, ...) ((st)->ops->observable_add((st), __VA_ARGS__))
#define store_observable_delete(st, ...) ((st)->ops->observable_delete((st), __VA_ARGS__))
#define store_observable_search(st, ...) ((st)->ops->observable_search((st), __VA_ARGS__))
#define store_task_add(st, ...) ((st)->ops->task_add((st), __VA_ARGS__))
#define store_task_update(st, ...) ((st)->ops->task_update((st), __VA_ARGS__))
#define store_request_merge(st, ...) ((st)->ops->request_merge((st), __VA_ARGS__))
#define store_request_link(st, ...) ((st)->ops->request_link((st), __VA_ARGS__))
