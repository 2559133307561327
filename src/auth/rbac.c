/*
 * rbac.c — the access policy (see rbac.h).
 */
#include "auth/rbac.h"

#include <string.h>

/* Whether `code` is one of the comma-separated `list`. */
static bool in_list(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, code, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

struct rbac_decision rbac_decide(const struct principal *p, enum rbac_action a,
				 const char *target_unit)
{
	struct rbac_decision d = { .allowed = false, .scope = NULL, .internal = false };

	if (!p)
		return d;
	switch (p->role) {
	case ROLE_ADMIN:
		d.allowed = true;
		d.internal = true;
		return d;
	case ROLE_AGENT:
		d.allowed = a != RBAC_UNIT_WRITE && a != RBAC_SERVICE_WRITE && a != RBAC_USER_WRITE &&
			    a != RBAC_AUDIT_READ && a != RBAC_CONTACT_WRITE &&
			    a != RBAC_ANNOUNCEMENT_WRITE && a != RBAC_SLA_WRITE && a != RBAC_DUTY_WRITE;
		d.internal = true;
		if (p->units[0] && (a <= RBAC_REQUEST_UPDATE || a == RBAC_SLA_READ ||
				    a == RBAC_STATS_READ || a == RBAC_ASSET_READ ||
				    a == RBAC_ASSET_WRITE || a == RBAC_REMEDIATION_READ ||
				    a == RBAC_REMEDIATION_ANSWER || a == RBAC_REMEDIATION_REVIEW)) {
			d.scope = p->units;
			if (a == RBAC_REQUEST_CREATE || a == RBAC_ASSET_WRITE)
				d.allowed = target_unit && in_list(p->units, target_unit);
		}
		return d;
	case ROLE_UNIT:
		d.scope = p->unit;
		switch (a) {
		case RBAC_REQUEST_CREATE:
			d.allowed = target_unit && strcmp(target_unit, p->unit) == 0;
			break;
		case RBAC_REQUEST_READ:
		case RBAC_REQUEST_MESSAGE:
		case RBAC_UNIT_READ:
		case RBAC_SERVICE_READ:
		case RBAC_STATS_READ:
		case RBAC_ASSET_READ:
		case RBAC_ADVISORY_READ:
		case RBAC_REMEDIATION_READ:
		case RBAC_REMEDIATION_ANSWER:
			d.allowed = true;
			break;
		case RBAC_ASSET_WRITE:
			d.allowed = target_unit && strcmp(target_unit, p->unit) == 0;
			break;
		default:
			break;
		}
		if (a == RBAC_UNIT_READ || a == RBAC_SERVICE_READ || a == RBAC_ADVISORY_READ)
			d.scope = NULL; /* units, services, advisories are not secret */
		return d;
	default:
		return d;
	}
}
