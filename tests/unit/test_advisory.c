/*
 * test_advisory.c — advisory files (core/advisory): the real CISA KEV
 * catalog, our own format, every refusal naming its entry and field;
 * name keys, CPE 2.3 strings, dates, inventory fields.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/advisory.h"

static char *load(const char *rel, size_t *ret_len)
{
	const char *file = __FILE__, *slash = strrchr(file, '/');
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%.*s/../data/%s", (int)(slash - file), file, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*ret_len = (size_t)n;
	return buf;
}

static const struct advisory *find(const struct advisory_set *set, const char *ref)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->items[i].ref, ref))
			return &set->items[i];
	return NULL;
}

static void test_kev_real(void **state)
{
	struct advisory_set *set = NULL;
	const struct advisory *a;
	char err[256];
	size_t len;
	char *buf = load("kev/known_exploited_vulnerabilities.json", &len);

	(void)state;
	assert_int_equal(advisory_parse(buf, len, &set, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(set->format, ADV_KEV);
	assert_string_equal(set->version, "2025.08.25");
	assert_int_equal(set->n, 1404);
	a = find(set, "CVE-2022-42475");
	assert_non_null(a);
	assert_string_equal(a->vendor, "Fortinet");
	assert_string_equal(a->product, "FortiOS");
	assert_string_equal(a->kev_due, "2023-01-03");
	assert_string_equal(a->published, "2022-12-13");
	assert_true(a->exploited);
	assert_int_equal(a->severity, SEV_NONE);
	assert_int_equal(a->naff, 1);
	assert_int_equal(a->aff[0].nranges, 0);
	a = find(set, "CVE-2021-34473");
	assert_non_null(a);
	assert_string_equal(a->product, "Exchange Server");
	assert_true(a->ransomware);
	for (size_t i = 0; i < set->n; i++) {
		assert_non_null(set->items[i].kev_due);
		assert_true(set->items[i].exploited);
	}
	advisory_set_free(set);
	free(buf);
}

static void test_local(void **state)
{
	struct advisory_set *set = NULL;
	const struct advisory *a;
	char err[256];
	size_t len;
	char *buf = load("advisories/national.json", &len);

	(void)state;
	assert_int_equal(advisory_parse(buf, len, &set, err, sizeof(err)), 0);
	assert_int_equal(set->format, ADV_LOCAL);
	assert_int_equal(set->n, 5);
	a = find(set, "CVE-2022-42475");
	assert_non_null(a);
	assert_int_equal(a->severity, SEV_CRITICAL);
	assert_int_equal(a->due_days, 7);
	assert_int_equal(a->naff, 2);
	assert_string_equal(a->aff[1].product, "FortiProxy");
	assert_int_equal(a->aff[0].nranges, 5);
	assert_string_equal(a->aff[0].ranges[1], ">=7.0.0 <7.0.9");
	a = find(set, "VN-2020-ZOOM");
	assert_non_null(a);
	assert_null(a->cve);
	assert_false(a->exploited);
	assert_int_equal(a->severity, SEV_HIGH);
	advisory_set_free(set);
	free(buf);
}

/* Parse text that must fail, with exactly this message. */
static void refused(const char *text, const char *want)
{
	struct advisory_set *set = (struct advisory_set *)0x1;
	char err[512];

	assert_int_equal(advisory_parse(text, strlen(text), &set, err, sizeof(err)), -EINVAL);
	assert_ptr_equal(set, (struct advisory_set *)0x1);
	if (strcmp(err, want))
		fail_msg("got  \"%s\"\nwant \"%s\"", err, want);
}

#define KEV_HEAD "{\"catalogVersion\":\"1\",\"dateReleased\":\"x\",\"count\":2,\"vulnerabilities\":["
#define KEV_OK                                                                                   \
	"{\"cveID\":\"CVE-2022-42475\",\"vendorProject\":\"Fortinet\",\"product\":\"FortiOS\","  \
	"\"vulnerabilityName\":\"n\",\"dateAdded\":\"2022-12-13\",\"shortDescription\":\"d\","      \
	"\"requiredAction\":\"a\",\"dueDate\":\"2023-01-03\"}"
#define LOCAL_HEAD "{\"format\":\"ungcuu-advisories/1\",\"advisories\":["

static void test_refusals(void **state)
{
	(void)state;
	refused("", "malformed JSON at line 1 column 0: '[' or '{' expected near end of file");
	refused("[]", "the file must hold a JSON object");
	refused("{\"x\":1}", "neither a KEV catalog ('vulnerabilities') nor an advisory file "
			     "('advisories')");
	refused("{\"a\":1,\"a\":2}", "malformed JSON at line 1 column 10: duplicate object key near '\"a\"'");
	refused("{\"vulnerabilities\":[]}", "'catalogVersion' is required");
	refused(KEV_HEAD "1]}", "entry 1: 'vulnerabilities' entry is not an object");
	refused(KEV_HEAD KEV_OK ",{\"cveID\":\"CVE-2021-1\"}]}",
		"entry 2: 'cveID' must be CVE-YYYY-NNNN, not 'CVE-2021-1'");
	refused(KEV_HEAD KEV_OK ",{\"cveID\":\"CVE-2021-26855\",\"vendorProject\":\"Microsoft\"}]}",
		"entry 2 (CVE-2021-26855): 'product' is required");
	refused(KEV_HEAD
		"{\"cveID\":\"CVE-2022-42475\",\"vendorProject\":\"Fortinet\",\"product\":\"FortiOS\","
		"\"vulnerabilityName\":\"n\",\"dateAdded\":\"2022-12-13\",\"shortDescription\":\"d\","
		"\"requiredAction\":\"a\",\"dueDate\":\"2023-02-30\"}]}",
		"entry 1 (CVE-2022-42475): 'dueDate' must be a date YYYY-MM-DD, not '2023-02-30'");
	refused(KEV_HEAD
		"{\"cveID\":\"CVE-2022-42475\",\"vendorProject\":\"Fortinet\",\"product\":\"FortiOS\","
		"\"vulnerabilityName\":7,\"dateAdded\":\"2022-12-13\",\"shortDescription\":\"d\","
		"\"requiredAction\":\"a\",\"dueDate\":\"2023-01-03\"}]}",
		"entry 1 (CVE-2022-42475): 'vulnerabilityName' must be a string");
	refused(KEV_HEAD
		"{\"cveID\":\"CVE-2022-42475\",\"vendorProject\":\" \",\"product\":\"FortiOS\"}]}",
		"entry 1 (CVE-2022-42475): 'vendorProject' is empty");
	refused(KEV_HEAD KEV_OK "," KEV_OK "]}", "entry 2 (CVE-2022-42475): 'cveID' repeats entry 1");
	refused(KEV_HEAD
		"{\"cveID\":\"CVE-2022-42475\",\"vendorProject\":\"Fortinet\",\"product\":\"Forti\\u0000OS\"}]}",
		"malformed JSON at line 1 column 148: \\u0000 is not allowed without JSON_ALLOW_NUL "
		"near '\"Forti\\u0000OS\"'");

	refused("{\"format\":\"other\",\"advisories\":[]}", "'format' must be \"ungcuu-advisories/1\"");
	refused(LOCAL_HEAD "{\"title\":\"t\"}]}", "entry 1: 'id' is required when there is no 'cve'");
	refused(LOCAL_HEAD "{\"id\":\"A 1\"}]}", "entry 1: 'id' must be 1 to 64 of A-Z a-z 0-9 . _ - : /");
	refused(LOCAL_HEAD "{\"id\":\"A1\",\"title\":\"t\",\"severity\":\"high\",\"range\":[]}]}",
		"entry 1 (A1): 'range' is not a known field");
	refused(LOCAL_HEAD "{\"id\":\"A1\",\"title\":\"t\",\"severity\":\"urgent\"}]}",
		"entry 1 (A1): 'severity' must be critical, high, medium or low, not 'urgent'");
	refused(LOCAL_HEAD "{\"id\":\"A1\",\"title\":\"t\",\"severity\":\"high\",\"due_days\":0}]}",
		"entry 1 (A1): 'due_days' must be a whole number of days from 1 to 365");
	refused(LOCAL_HEAD "{\"id\":\"A1\",\"title\":\"t\",\"severity\":\"high\"}]}",
		"entry 1 (A1): 'affected' must be a non-empty array of {vendor, product, ranges}");
	refused(LOCAL_HEAD "{\"id\":\"A1\",\"title\":\"t\",\"severity\":\"high\",\"affected\":"
		"[{\"vendor\":\"Fortinet\",\"product\":\"FortiOS\",\"ranges\":[\">=7.0.0 <7.0.9\","
		"\">= <7\"]}]}]}",
		"entry 1 (A1): 'affected[0].ranges[1]' '>= <7' has an operator without a version");
	refused(LOCAL_HEAD "{\"id\":\"A1\",\"title\":\"t\",\"severity\":\"high\",\"affected\":"
		"[{\"vendor\":\"Fortinet\",\"product\":\"FortiOS\"},{\"vendor\":\"Fortinet\"}]}]}",
		"entry 1 (A1): 'affected[1].product' is required");
	refused(LOCAL_HEAD "{\"id\":\"A1\",\"title\":\"t\",\"severity\":\"high\",\"exploited\":\"yes\","
		"\"affected\":[{\"vendor\":\"F\",\"product\":\"P\"}]}]}",
		"entry 1 (A1): 'exploited' must be true or false");
	refused(LOCAL_HEAD "{\"id\":\"A1\",\"title\":\"t\",\"severity\":\"high\",\"affected\":"
		"[{\"vendor\":\"F\",\"product\":\"P\"}]},{\"cve\":\"CVE-2020-0001\",\"id\":\"A1\","
		"\"title\":\"t\",\"severity\":\"high\",\"affected\":[{\"vendor\":\"F\",\"product\":\"P\"}]}]}",
		"entry 2 (A1): 'id' repeats entry 1");
	refused("{\"vulnerabilities\":\"\xff\"}", "the file is not valid UTF-8");
}

static void test_key(void **state)
{
	char k[ADVISORY_KEY_MAX];

	(void)state;
	assert_int_equal(advisory_key("Exchange Server", k, sizeof(k)), 15);
	assert_string_equal(k, "exchange_server");
	advisory_key("  PAN-OS ", k, sizeof(k));
	assert_string_equal(k, "pan_os");
	advisory_key("FortiOS and FortiProxy SSL-VPN", k, sizeof(k));
	assert_string_equal(k, "fortios_and_fortiproxy_ssl_vpn");
	advisory_key("Zoom Video Communications, Inc.", k, sizeof(k));
	assert_string_equal(k, "zoom_video_communications_inc");
	advisory_key("Phần mềm", k, sizeof(k));
	assert_string_equal(k, "ph\xe1\xba\xa7n_m\xe1\xbb\x81m");
	assert_int_equal(advisory_key("--", k, sizeof(k)), 0);
	assert_int_equal(advisory_key("abcdef", k, 4), 0);
	assert_int_equal(advisory_key("abc", k, 4), 3);
}

static void test_cpe(void **state)
{
	struct cpe c;
	const char *why;

	(void)state;
	assert_int_equal(cpe_parse("cpe:2.3:o:fortinet:fortios:7.0.5:*:*:*:*:*:*:*", &c, &why), 0);
	assert_int_equal(c.part, 'o');
	assert_string_equal(c.vendor, "fortinet");
	assert_string_equal(c.product, "fortios");
	assert_string_equal(c.version, "7.0.5");
	assert_int_equal(cpe_parse("cpe:2.3:a:microsoft:exchange_server:-:*", &c, &why), 0);
	assert_string_equal(c.product, "exchange_server");
	assert_string_equal(c.version, "");
	assert_int_equal(cpe_parse("cpe:2.3:a:paloaltonetworks:pan-os:10.2.3", &c, &why), 0);
	assert_string_equal(c.product, "pan_os");
	assert_int_equal(cpe_parse("cpe:2.3:a:vendor:prod\\:uct:1.0", &c, &why), 0);
	assert_string_equal(c.product, "prod_uct");
	assert_int_equal(cpe_parse("cpe:2.3:a:zoom:meetings", &c, &why), 0);
	assert_string_equal(c.version, "");
	assert_int_equal(cpe_parse("cpe:/o:fortinet:fortios:7.0.5", &c, &why), -EINVAL);
	assert_int_equal(cpe_parse("cpe:2.3:x:fortinet:fortios", &c, &why), -EINVAL);
	assert_int_equal(cpe_parse("cpe:2.3:o:*:fortios", &c, &why), -EINVAL);
	assert_string_equal(why, "has no vendor");
	assert_int_equal(cpe_parse("cpe:2.3:o:fortinet", &c, &why), -EINVAL);
	assert_int_equal(cpe_parse("cpe:2.3:o:fortinet:*", &c, &why), -EINVAL);
	assert_string_equal(why, "has no product");
	assert_int_equal(cpe_parse("cpe:2.3:o:fortinet:forti os", &c, &why), -EINVAL);
	assert_int_equal(cpe_parse("cpe:2.3:o:fortinet:fortios\\", &c, &why), -EINVAL);
}

static void test_dates_and_assets(void **state)
{
	const char *f;

	(void)state;
	assert_true(advisory_valid_date("2024-02-29"));
	assert_false(advisory_valid_date("2023-02-29"));
	assert_false(advisory_valid_date("1900-02-29"));
	assert_true(advisory_valid_date("2000-02-29"));
	assert_false(advisory_valid_date("2023-13-01"));
	assert_false(advisory_valid_date("2023-1-01"));
	assert_false(advisory_valid_date("2023/01/01"));

	assert_null(advisory_asset_check("fw-1", "Fortinet", "FortiGate", "7.0.12 build0523", NULL,
					  "internet", "it@example.gov.vn", &f));
	assert_null(advisory_asset_check("fw-1", NULL, NULL, NULL,
					  "cpe:2.3:o:fortinet:fortios:7.0.5", "internal", NULL, &f));
	assert_string_equal(advisory_asset_check(NULL, "F", "P", NULL, NULL, "internal", NULL, &f),
			    "is required");
	assert_string_equal(f, "name");
	assert_non_null(advisory_asset_check("fw", "F", NULL, NULL, NULL, "internal", NULL, &f));
	assert_string_equal(f, "product");
	assert_non_null(advisory_asset_check("fw", "F", "P", "abc", NULL, "internal", NULL, &f));
	assert_string_equal(f, "version");
	assert_non_null(advisory_asset_check("fw", "F", "P", "1", "cpe:/a", "internal", NULL, &f));
	assert_string_equal(f, "cpe");
	assert_non_null(advisory_asset_check("fw", "F", "P", "1", NULL, "public", NULL, &f));
	assert_string_equal(f, "exposure");
	assert_non_null(advisory_asset_check("f\nw", "F", "P", "1", NULL, "internal", NULL, &f));
	assert_string_equal(f, "name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kev_real), cmocka_unit_test(test_local),
		cmocka_unit_test(test_refusals), cmocka_unit_test(test_key),
		cmocka_unit_test(test_cpe),	 cmocka_unit_test(test_dates_and_assets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
