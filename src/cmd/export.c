/*
 * export.c — `ungcuu export stix CODE` and `ungcuu export report CODE
 * --form initial|final [--pdf FILE]`: an incident as a STIX 2.1 bundle for
 * the national CERT, or as the report forms of Circular 20/2017/TT-BTTTT
 * (printable HTML; PDF through a headless Chromium when one is installed).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/incident.h"
#include "core/incident_report.h"
#include "core/stix.h"

extern char **environ;

static const char USAGE[] =
	"usage: ungcuu export stix CODE [--db PATH] [--org NAME] [-o FILE]\n"
	"       ungcuu export report CODE --form initial|final [--pdf FILE] [--db PATH] [--org NAME]\n"
	"                            [-o FILE]\n\n"
	"stix    the request as a STIX 2.1 bundle (JSON) on stdout or FILE\n"
	"report  the initial or final incident report form of Circular 20/2017/TT-BTTTT as\n"
	"        printable HTML on stdout or FILE; --pdf also prints it to a PDF with a headless\n"
	"        Chromium ($CHROMIUM, else chromium or chromium-browser on the PATH)\n\n"
	"--org names our team in the export (default $UNGCUU_ORG, else a generic name).\n";

/* The request with its incident and its unit, as an admin sees them. */
static int load(struct store *st, const char *code, json_t **ret_req, json_t **ret_unit)
{
	json_t *o = NULL, *inc = NULL, *unit = NULL;
	int rc = store_request_get(st, code, NULL, true, true, &o);

	if (rc < 0)
		return rc;
	rc = store_incident_get(st, code, NULL, true, (int64_t)time(NULL), &inc);
	if (rc == 0) {
		json_object_set_new(o, "incident", inc);
	} else if (rc != -ENOENT) {
		json_decref(o);
		return rc;
	}
	if (json_string_value(json_object_get(o, "unit")))
		store_unit_get(st, json_string_value(json_object_get(o, "unit")), &unit);
	*ret_req = o;
	*ret_unit = unit;
	return 0;
}

static int write_out(const char *path, const char *text)
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (!f) {
		cmd_err("cannot write '%s': %s", path, strerror(errno));
		return 1;
	}
	fputs(text, f);
	if (path && fclose(f) != 0) {
		cmd_err("cannot write '%s': %s", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* A Chromium to print with, or NULL. */
static const char *find_chromium(char *buf, size_t size)
{
	static const char *const names[] = { "chromium", "chromium-browser", "google-chrome" };
	const char *env = getenv("CHROMIUM"), *path = getenv("PATH");

	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	for (size_t k = 0; k < 3; k++) {
		for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
			size_t n = strcspn(p, ":");
			snprintf(buf, size, "%.*s/%s", (int)n, p, names[k]);
			if (n && access(buf, X_OK) == 0)
				return buf;
			p += n;
			if (*p == ':')
				p++;
		}
	}
	return NULL;
}

static int print_pdf(const char *html, const char *pdf)
{
	char exe[4096], tmpl[] = "/tmp/ungcuu-report-XXXXXX.html", url[4200], out[4200], *abs = NULL;
	const char *chromium = find_chromium(exe, sizeof(exe));
	pid_t pid;
	int fd, status, rc = 1;

	if (!chromium) {
		cmd_err("no Chromium to print the PDF with (install chromium or set $CHROMIUM)");
		return EXIT_UNAVAILABLE;
	}
	if ((fd = mkstemps(tmpl, 5)) < 0) {
		cmd_err("cannot create a temporary file: %s", strerror(errno));
		return 1;
	}
	if (write(fd, html, strlen(html)) != (ssize_t)strlen(html) || close(fd) != 0) {
		cmd_err("cannot write '%s': %s", tmpl, strerror(errno));
		unlink(tmpl);
		return 1;
	}
	/* Chromium writes relative paths against its own directory */
	if (pdf[0] != '/' && !(abs = realpath(".", NULL))) {
		unlink(tmpl);
		return 1;
	}
	snprintf(out, sizeof(out), "--print-to-pdf=%s%s%s", abs ? abs : "", abs ? "/" : "", pdf);
	free(abs);
	snprintf(url, sizeof(url), "file://%s", tmpl);
	{
		char *argv[] = { (char *)chromium, "--headless", "--disable-gpu", "--no-sandbox",
				 "--no-pdf-header-footer", "--print-to-pdf-no-header", out, url, NULL };
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
		if (posix_spawn(&pid, chromium, &fa, NULL, argv, environ) != 0) {
			cmd_err("cannot run '%s': %s", chromium, strerror(errno));
		} else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			cmd_err("'%s' failed to print the PDF", chromium);
		} else if (access(out + strlen("--print-to-pdf="), R_OK) != 0) {
			cmd_err("'%s' wrote no PDF", chromium);
		} else {
			rc = 0;
		}
		posix_spawn_file_actions_destroy(&fa);
	}
	unlink(tmpl);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "org", required_argument, NULL, 'g' },
		{ "form", required_argument, NULL, 'f' },
		{ "pdf", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *db = NULL, *org = getenv("UNGCUU_ORG"), *form_name = NULL, *pdf = NULL;
	const char *output = NULL, *what, *code;
	json_t *req = NULL, *unit = NULL;
	struct store *st;
	int c, rc, form = -1;
	char code_buf[32];

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(USAGE, stdout);
		return 0;
	}
	if (argc < 3 || (strcmp(argv[1], "stix") && strcmp(argv[1], "report"))) {
		fputs(USAGE, stderr);
		return EXIT_USAGE;
	}
	what = argv[1];
	argc--, argv++;
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'g': org = optarg; break;
		case 'f': form_name = optarg; break;
		case 'p': pdf = optarg; break;
		case 'o': output = optarg; break;
		case 'h': fputs(USAGE, stdout); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(USAGE, stderr);
		return EXIT_USAGE;
	}
	snprintf(code_buf, sizeof(code_buf), "%s", argv[optind]);
	for (char *p = code_buf; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	code = code_buf;
	if (!strcmp(what, "report") && (form = report_form_parse(form_name)) < 0) {
		cmd_err("--form must be initial or final");
		return EXIT_USAGE;
	}
	if (!strcmp(what, "stix") && (form_name || pdf)) {
		cmd_err("--form and --pdf are for reports");
		return EXIT_USAGE;
	}
	if (!org || !*org)
		org = INC_ORG_DEFAULT;
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	rc = load(st, code, &req, &unit);
	store_close(st);
	if (rc < 0) {
		if (rc == -ENOENT)
			cmd_err("no request '%s'", code);
		else
			cmd_store_err("export", rc, NULL);
		return 1;
	}
	if (!strcmp(what, "stix")) {
		json_t *bundle = stix_bundle(req, unit, org);
		char *text = bundle ? json_dumps(bundle, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
		rc = text ? write_out(output, text) : 1;
		if (text && !output)
			putchar('\n');
		free(text);
		json_decref(bundle);
	} else if (!json_object_get(req, "incident")) {
		cmd_err("request '%s' is not an incident", code);
		rc = EXIT_DATAERR;
	} else {
		char *html = report_html(req, unit, org, (enum report_form)form, (int64_t)time(NULL));
		rc = html ? 0 : 1;
		if (html && (output || !pdf))
			rc = write_out(output, html);
		if (html && rc == 0 && pdf)
			rc = print_pdf(html, pdf);
		free(html);
	}
	json_decref(req);
	json_decref(unit);
	return rc;
}
