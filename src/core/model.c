/*
 * model.c — names and lifecycle rules of the domain vocabulary (see model.h).
 */
#include "core/model.h"

#include <string.h>

static const char *const kinds[KIND__MAX] = { "support", "incident", "leak", "vulnerability" };
static const char *const statuses[ST__MAX] = { "new", "open", "pending", "resolved", "closed" };
static const char *const priorities[PRIO__MAX] = { "low", "normal", "high", "urgent" };
static const char *const channels[CHAN__MAX] = { "email", "web", "api", "phone" };
static const char *const roles[ROLE__MAX] = { "admin", "agent", "unit" };

static const char *name_of(const char *const *t, int n, int v)
{
	return v >= 0 && v < n ? t[v] : NULL;
}

static int parse_in(const char *const *t, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(t[i], s) == 0)
			return i;
	return -1;
}

const char *kind_name(enum req_kind k) { return name_of(kinds, KIND__MAX, (int)k); }
const char *status_name(enum req_status s) { return name_of(statuses, ST__MAX, (int)s); }
const char *priority_name(enum req_priority p) { return name_of(priorities, PRIO__MAX, (int)p); }
const char *channel_name(enum req_channel c) { return name_of(channels, CHAN__MAX, (int)c); }
const char *role_name(enum role r) { return name_of(roles, ROLE__MAX, (int)r); }

int kind_parse(const char *s) { return parse_in(kinds, KIND__MAX, s); }
int status_parse(const char *s) { return parse_in(statuses, ST__MAX, s); }
int priority_parse(const char *s) { return parse_in(priorities, PRIO__MAX, s); }
int channel_parse(const char *s) { return parse_in(channels, CHAN__MAX, s); }
int role_parse(const char *s) { return parse_in(roles, ROLE__MAX, s); }

/* allowed[from] is a bit set of the statuses `from` may move to. */
#define B(s) (1u << (s))
static const unsigned allowed[ST__MAX] = {
	[ST_NEW] = B(ST_OPEN) | B(ST_RESOLVED) | B(ST_CLOSED),
	[ST_OPEN] = B(ST_PENDING) | B(ST_RESOLVED),
	[ST_PENDING] = B(ST_OPEN) | B(ST_RESOLVED),
	[ST_RESOLVED] = B(ST_CLOSED) | B(ST_OPEN),
	[ST_CLOSED] = B(ST_OPEN),
};
#undef B

bool status_transition_ok(enum req_status from, enum req_status to)
{
	if ((unsigned)from >= ST__MAX || (unsigned)to >= ST__MAX)
		return false;
	return (allowed[from] >> to) & 1u;
}

enum req_status status_after_message(enum req_status cur, bool from_requester)
{
	if (from_requester)
		return cur == ST_PENDING || cur == ST_RESOLVED || cur == ST_CLOSED ? ST_OPEN : cur;
	return cur == ST_NEW ? ST_OPEN : cur;
}
