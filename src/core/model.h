/*
 * model.h — the vocabulary of the domain: request kinds, statuses, priorities,
 * channels, user roles, and the rules that relate them (which status
 * transitions are allowed, what a reply does to a status).
 *
 * Everything here is pure: names map to enums and back, nothing allocates.
 * The string names are the ones stored in the database and shown in the API.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum req_kind { KIND_SUPPORT, KIND_INCIDENT, KIND_LEAK, KIND_VULNERABILITY, KIND__MAX };
enum req_status { ST_NEW, ST_OPEN, ST_PENDING, ST_RESOLVED, ST_CLOSED, ST__MAX };
enum req_priority { PRIO_LOW, PRIO_NORMAL, PRIO_HIGH, PRIO_URGENT, PRIO__MAX };
enum req_channel { CHAN_EMAIL, CHAN_WEB, CHAN_API, CHAN_PHONE, CHAN__MAX };
enum role { ROLE_ADMIN, ROLE_AGENT, ROLE_UNIT, ROLE__MAX };

/* Name of a value; borrowed static string. Out-of-range values give NULL. */
const char *kind_name(enum req_kind k);
const char *status_name(enum req_status s);
const char *priority_name(enum req_priority p);
const char *channel_name(enum req_channel c);
const char *role_name(enum role r);

/* Parse a name (exact, lowercase); -1 when unknown. */
int kind_parse(const char *s);
int status_parse(const char *s);
int priority_parse(const char *s);
int channel_parse(const char *s);
int role_parse(const char *s);

/*
 * Whether an agent may move a request from one status to another by hand.
 * Setting the current status again is not a transition (callers treat it as
 * a no-op).  The lifecycle is new -> open -> pending -> resolved -> closed,
 * with the detours a desk needs: pending back to open, resolving straight
 * from new or open, closing a new request (spam, duplicate), and reopening
 * a resolved or closed one.
 */
bool status_transition_ok(enum req_status from, enum req_status to);

/*
 * The status a request takes when a message arrives.  A reply from the
 * requester's side reopens a pending, resolved or closed request; the first
 * public reply from support opens a new one.  Returns `cur` when nothing
 * changes.
 */
enum req_status status_after_message(enum req_status cur, bool from_requester);
