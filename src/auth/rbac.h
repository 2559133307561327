/*
 * rbac.h — who may do what.  Every access decision of the API is made by
 * rbac_decide(), and nowhere else.
 *
 * Roles: an admin may do everything; an agent works every request (or, when
 * limited, the requests of its units) and reads units and services; a unit
 * user sees and touches only the requests of its own unit, and never
 * internal notes.  For reads the decision is a scope
 * (which unit's data the caller may see) that the store enforces in its
 * queries, so an object outside the scope is indistinguishable from one that
 * does not exist (404 rather than 403: a stranger learns nothing by probing
 * codes).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"

struct principal {
	int64_t user_id;
	char username[65];
	enum role role;     /* a scoped token may carry less than its user's role */
	char unit[33];      /* unit code for ROLE_UNIT, "" otherwise */
	char units[512];    /* an agent limited to some units: "0010,0110"; "" for all */
	/* how the caller authenticated */
	int64_t session_id; /* > 0: a browser session (cookie) */
	int64_t token_id;   /* > 0: a bearer token */
	int64_t expires_ts; /* the token's expiry (Unix seconds), 0 for never */
	bool must_change;   /* the password must be changed before anything else */
	bool totp_missing;  /* TOTP is required for this role but not enrolled */
};

/* The request actions come first: an agent's unit limit applies to them. */
enum rbac_action {
	RBAC_REQUEST_CREATE,  /* target: the unit named in the new request */
	RBAC_REQUEST_READ,    /* get and list */
	RBAC_REQUEST_MESSAGE, /* public reply */
	RBAC_REQUEST_NOTE,    /* internal note */
	RBAC_REQUEST_UPDATE,  /* status, assignee, priority */
	RBAC_UNIT_READ,
	RBAC_UNIT_WRITE,
	RBAC_SERVICE_READ,
	RBAC_SERVICE_WRITE,
	RBAC_USER_READ,
	RBAC_USER_WRITE,      /* create, change, reset accounts */
	RBAC_AUDIT_READ,
	/* public side: admins only */
	RBAC_CONTACT_WRITE,   /* the registry of official contacts */
	RBAC_ANNOUNCEMENT_WRITE,
	/* service levels: agents read (within their units), admins configure */
	RBAC_SLA_READ,        /* SLA states of requests */
	RBAC_SLA_WRITE,       /* policies, calendar, escalation settings */
	RBAC_DUTY_READ,       /* the duty roster */
	RBAC_DUTY_WRITE,
	RBAC_STATS_READ,      /* statistics: a unit user sees its own unit's */
	/* advisories: a unit reads and edits its own assets and answers its
	 * own items; agents (within their units) do all but nothing of admin */
	RBAC_ASSET_READ,
	RBAC_ASSET_WRITE,         /* target: the asset's unit */
	RBAC_ADVISORY_READ,       /* advisories, aliases, the register, deadlines */
	RBAC_ADVISORY_WRITE,      /* import, match, aliases, the register, deadlines */
	RBAC_REMEDIATION_READ,    /* items and the dashboard */
	RBAC_REMEDIATION_ANSWER,
	RBAC_REMEDIATION_REVIEW,  /* accept or reject an answer */
};

struct rbac_decision {
	bool allowed;
	/* Unit codes the caller is confined to (one, or a comma-separated
	 * list); NULL for every unit.  Borrowed from the principal. */
	const char *scope;
	/* Whether internal events (notes) are visible. */
	bool internal;
};

/*
 * Decide whether `p` may perform `a`.  `target_unit` is the unit code the
 * action names (RBAC_REQUEST_CREATE), or NULL.
 */
struct rbac_decision rbac_decide(const struct principal *p, enum rbac_action a,
				 const char *target_unit);
