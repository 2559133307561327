/*
 * stix.h — an incident as a STIX 2.1 bundle, for the national CERT.
 *
 * The bundle holds: an identity for our team and one for the unit; an
 * incident SDO (a report SDO for requests of other kinds) named by the
 * request; a cyber observable (SCO) per observable — ipv4-addr, ipv6-addr,
 * domain-name, url, email-addr, file (hashes), user-account (phone numbers
 * and Zalo accounts) — and a vulnerability SDO per CVE id; an indicator
 * with a STIX pattern per network or file observable; and relationships
 * (indicator based-on observable; incident related-to observable,
 * vulnerability, indicator, unit and linked requests).
 *
 * Identifiers are deterministic UUIDv5: SCOs as the specification says
 * (namespace 00abedb4-aa42-466c-9c01-fed23315a9b7 over their
 * ID-contributing properties), everything else from the request code in
 * our own namespace, so exporting twice gives the same bundle.
 *
 * Pure: JSON in, JSON out.
 */
#pragma once

#include <jansson.h>

#define STIX_UUID_SIZE 37

/* UUIDv5 of `name` in namespace `ns` (16 bytes), as lower-case text. */
void stix_uuid5(const unsigned char ns[16], const char *name, size_t len,
		char out[STIX_UUID_SIZE]);

/*
 * The bundle of a request: `req` as GET /api/v1/requests/{code} shows it
 * (with its "incident" object for incidents), `unit` as GET
 * /api/v1/units/{code} (or NULL), `org` our team's name.  Returns a new
 * reference, or NULL when the request lacks its code or times.
 */
json_t *stix_bundle(const json_t *req, const json_t *unit, const char *org);
