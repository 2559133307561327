/*
 * sla.c — `ungcuu sla`, `ungcuu duty` and `ungcuu stats`: service levels,
 * the duty roster and statistics from the shell; and the escalation worker
 * that `ungcuu serve` runs.
 *
 * Times are Hà Nội time unless they carry an offset ("2026-11-23T07:30",
 * "2026-11-23T00:30Z").  `--now` sets the clock of one command (tests,
 * re-running a missed cron tick); the server always uses the real clock.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/csvrec.h"
#include "core/model.h"
#include "core/sla.h"
#include "http/api_sla.h"

#define CALENDAR_FILE_MAX (1 << 20)

static const char sla_usage[] =
	"usage: ungcuu sla tick [--now TIME] [--db PATH]      escalate what is due soon or breached\n"
	"       ungcuu sla list [--state S] [--unit CODE] [--limit N] [--now TIME] [--db PATH]\n"
	"       ungcuu sla config [--year YYYY] [--db PATH]    policies, hours, holidays (JSON)\n"
	"       ungcuu sla set [--hours SPEC] [--fixed-holidays yes|no] [--head USER|none]\n"
	"                      [--head-after DURATION] [--db PATH]\n"
	"       ungcuu sla policy KIND PRIORITY [--first-response D] [--next-update D|0]\n"
	"                      [--resolution D] [--business|--24x7] [--warn-pct N] [--db PATH]\n"
	"       ungcuu sla holiday DAY NAME | sla workday DAY NAME | sla unset DAY [--db PATH]\n"
	"       ungcuu sla import FILE.csv [--db PATH]         lines: day,holiday|workday,name\n\n"
	"SPEC: \"mon-fri 07:30-11:30,13:00-17:00\" (days mon..sun, ';' between groups).\n"
	"D: a duration: 90s, 15m, 4h, 1h30m (business time when the policy is).\n"
	"TIME: YYYY-MM-DD[THH:MM[:SS]] in Hà Nội time, or with Z / +HH:MM.";

static const char duty_usage[] =
	"usage: ungcuu duty add USER primary|backup|lead FROM TO [--note TEXT] [--db PATH]\n"
	"       ungcuu duty list [--from TIME] [--to TIME] [--db PATH]\n"
	"       ungcuu duty now [--now TIME] [--db PATH]\n"
	"       ungcuu duty delete ID [--db PATH]";

static const char stats_usage[] =
	"usage: ungcuu stats [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--unit CODE] [--csv] [--db PATH]\n\n"
	"Requests created from FROM to TO (both days included, Hà Nội time; default: this\n"
	"year): incidents by category, by unit, by month; time to first response and to\n"
	"resolution (median, p90, seconds); SLA compliance.  JSON, or CSV with --csv.";

static int parse_time(const char *what, const char *s, int64_t *ret)
{
	if (sla_time_parse(s, ret) < 0) {
		cmd_err("%s: '%s' is not a time (YYYY-MM-DD[THH:MM], Hà Nội time)", what, s);
		return -1;
	}
	return 0;
}

static int parse_duration(const char *what, const char *s, int64_t *ret)
{
	if (!strcmp(s, "0")) {
		*ret = 0;
		return 0;
	}
	if (sla_duration_parse(s, ret) < 0) {
		cmd_err("%s: '%s' is not a duration (90s, 15m, 4h, 1h30m)", what, s);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* ungcuu sla                                                               */
/* ------------------------------------------------------------------------ */

struct import_ctx {
	struct store *st;
	int n;
	char err[300];
};

static int import_row(size_t line, char **f, size_t n, void *arg)
{
	struct import_ctx *x = arg;
	struct store_err err = { 0 };
	int rc;

	if (line == 1 && n >= 1 && !strcmp(f[0], "day"))
		return 0; /* a header */
	if (n != 3) {
		snprintf(x->err, sizeof(x->err), "line %zu: expected day,kind,name", line);
		return -EINVAL;
	}
	if ((rc = store_sla_day_set(x->st, f[0], f[1], f[2], CMD_ACTOR, &err)) < 0) {
		snprintf(x->err, sizeof(x->err), "line %zu: %s", line,
			 err.message[0] ? err.message : store_strerror(rc));
		return rc;
	}
	x->n++;
	return 0;
}

static int sla_import(struct store *st, const char *path)
{
	struct import_ctx x = { st, 0, "" };
	char *buf = malloc(CALENDAR_FILE_MAX + 1), errbuf[200];
	FILE *f = fopen(path, "rb");
	size_t n = 0;
	int rc;

	if (!f || !buf) {
		cmd_err("sla import: cannot read '%s'", path);
		if (f)
			fclose(f);
		free(buf);
		return 1;
	}
	n = fread(buf, 1, CALENDAR_FILE_MAX + 1, f);
	fclose(f);
	if (n > CALENDAR_FILE_MAX) {
		cmd_err("sla import: '%s' is larger than 1 MiB", path);
		free(buf);
		return EXIT_DATAERR;
	}
	rc = csvrec_parse(buf, n, NULL, import_row, &x, errbuf, sizeof(errbuf));
	free(buf);
	if (rc != 0) {
		cmd_err("sla import: %s: %s (%d dates entered before it)", path, x.err[0] ? x.err : errbuf,
			x.n);
		return EXIT_DATAERR;
	}
	printf("%d dates entered\n", x.n);
	return 0;
}

static int sla_list(struct store *st, struct sla_filter *f)
{
	json_t *out, *it;
	size_t i;
	int rc = store_sla_list(st, f, &out);

	if (rc < 0) {
		cmd_store_err("sla list", rc, NULL);
		return 1;
	}
	json_array_foreach(json_object_get(out, "items"), i, it)
		printf("%s  %-8s %-14s %-25s %-8s %s\n", json_string_value(json_object_get(it, "code")),
		       json_string_value(json_object_get(it, "state")),
		       json_string_value(json_object_get(it, "target")),
		       json_string_value(json_object_get(it, "due")),
		       json_string_value(json_object_get(it, "unit")) ?: "-",
		       json_string_value(json_object_get(it, "assignee")) ?: "-");
	it = json_object_get(out, "counts");
	fprintf(stderr, "ok %lld, due soon %lld, breached %lld, paused %lld\n",
		(long long)json_integer_value(json_object_get(it, "ok")),
		(long long)json_integer_value(json_object_get(it, "due_soon")),
		(long long)json_integer_value(json_object_get(it, "breached")),
		(long long)json_integer_value(json_object_get(it, "paused")));
	json_decref(out);
	return 0;
}

int cmd_sla(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 's' },
		{ "unit", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'l' },
		{ "year", required_argument, NULL, 'y' },
		{ "hours", required_argument, NULL, 'H' },
		{ "fixed-holidays", required_argument, NULL, 'F' },
		{ "head", required_argument, NULL, 'E' },
		{ "head-after", required_argument, NULL, 'A' },
		{ "first-response", required_argument, NULL, '1' },
		{ "next-update", required_argument, NULL, '2' },
		{ "resolution", required_argument, NULL, '3' },
		{ "business", no_argument, NULL, 'b' },
		{ "24x7", no_argument, NULL, '7' },
		{ "warn-pct", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sla_filter f = { .state = -1, .limit = 100, .now = (int64_t)time(NULL) };
	struct sla_config_in cfg = { .fixed_holidays = -1, .head_after = -1 };
	struct sla_policy_in pol = { NULL, NULL, -1, -1, -1, -1, -1 };
	struct store_err err = { 0 };
	const char *db = NULL, *sub;
	struct store *st;
	long year = 0;
	int c, rc = 0;

	if ((c = cmd_subcommand(&argc, &argv, sla_usage, &sub)) >= 0)
		return c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n':
			if (parse_time("sla: --now", optarg, &f.now) < 0)
				return EXIT_USAGE;
			break;
		case 's':
			if ((f.state = sla_state_parse(optarg)) < 0 || f.state == SLA_MET) {
				cmd_err("sla list: --state must be ok, due_soon, breached or paused");
				return EXIT_USAGE;
			}
			break;
		case 'u': f.unit = optarg; break;
		case 'l': f.limit = atoi(optarg); break;
		case 'y': year = atol(optarg); break;
		case 'H': cfg.hours = optarg; break;
		case 'F':
			if (strcmp(optarg, "yes") && strcmp(optarg, "no")) {
				cmd_err("sla set: --fixed-holidays is yes or no");
				return EXIT_USAGE;
			}
			cfg.fixed_holidays = !strcmp(optarg, "yes");
			break;
		case 'E':
			cfg.set_head = true;
			cfg.head = strcmp(optarg, "none") ? optarg : NULL;
			break;
		case 'A':
			if (parse_duration("sla set: --head-after", optarg, &cfg.head_after) < 0)
				return EXIT_USAGE;
			break;
		case '1':
			if (parse_duration("sla policy: --first-response", optarg, &pol.first_response) < 0)
				return EXIT_USAGE;
			break;
		case '2':
			if (parse_duration("sla policy: --next-update", optarg, &pol.next_update) < 0)
				return EXIT_USAGE;
			break;
		case '3':
			if (parse_duration("sla policy: --resolution", optarg, &pol.resolution) < 0)
				return EXIT_USAGE;
			break;
		case 'b': pol.business = 1; break;
		case '7': pol.business = 0; break;
		case 'w': pol.warn_pct = atoi(optarg); break;
		case 'h': puts(sla_usage); return 0;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(sub, "policy") && (argc != 2 || kind_parse(argv[0]) < 0 ||
				       priority_parse(argv[1]) < 0)) {
		cmd_err("sla policy: give KIND (support, incident, leak, vulnerability) and PRIORITY "
			"(low, normal, high, urgent)");
		return EXIT_USAGE;
	}
	if ((!strcmp(sub, "holiday") || !strcmp(sub, "workday")) && argc != 2) {
		cmd_err("sla %s: give DAY and NAME", sub);
		return EXIT_USAGE;
	}
	if ((!strcmp(sub, "unset") || !strcmp(sub, "import")) && argc != 1) {
		cmd_err("sla %s: give %s", sub, !strcmp(sub, "unset") ? "DAY" : "FILE");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "tick") && strcmp(sub, "list") && strcmp(sub, "config") && strcmp(sub, "set") &&
	    strcmp(sub, "policy") && strcmp(sub, "holiday") && strcmp(sub, "workday") &&
	    strcmp(sub, "unset") && strcmp(sub, "import")) {
		cmd_err("sla: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	if (!strcmp(sub, "tick")) {
		struct sla_tick_result r;
		if ((rc = store_sla_tick(st, f.now, &r)) < 0)
			cmd_store_err("sla tick", rc, NULL);
		else
			printf("checked %d, escalations %d, mailed %d\n", r.checked, r.escalations, r.mailed);
	} else if (!strcmp(sub, "list")) {
		rc = sla_list(st, &f) ? -EIO : 0;
	} else if (!strcmp(sub, "config")) {
		json_t *out;
		if ((rc = store_sla_config_get(st, (int)year, &out)) < 0) {
			cmd_store_err("sla config", rc, NULL);
		} else {
			cmd_print_json(out);
			json_decref(out);
		}
	} else if (!strcmp(sub, "set")) {
		if ((rc = store_sla_config_set(st, &cfg, CMD_ACTOR, &err)) < 0)
			cmd_store_err("sla set", rc, &err);
	} else if (!strcmp(sub, "policy")) {
		pol.kind = argv[0];
		pol.priority = argv[1];
		if ((rc = store_sla_policy_set(st, &pol, CMD_ACTOR, &err)) < 0)
			cmd_store_err("sla policy", rc, &err);
	} else if (!strcmp(sub, "holiday") || !strcmp(sub, "workday")) {
		if ((rc = store_sla_day_set(st, argv[0], sub, argv[1], CMD_ACTOR, &err)) < 0)
			cmd_store_err(sub, rc, &err);
	} else if (!strcmp(sub, "unset")) {
		if ((rc = store_sla_day_set(st, argv[0], NULL, NULL, CMD_ACTOR, &err)) < 0)
			cmd_store_err(rc == -ENOENT ? "sla unset: no such date entered" : "sla unset", rc,
				      &err);
	} else {
		int code = sla_import(st, argv[0]);
		store_close(st);
		return code;
	}
	store_close(st);
	return rc < 0 ? (rc == -EINVAL ? EXIT_DATAERR : 1) : 0;
}

/* ------------------------------------------------------------------------ */
/* ungcuu duty                                                              */
/* ------------------------------------------------------------------------ */

static void print_person(const char *role, json_t *p)
{
	if (json_is_null(p) || !p)
		printf("%-8s -\n", role);
	else
		printf("%-8s %s (%s)%s%s\n", role, json_string_value(json_object_get(p, "display_name")),
		       json_string_value(json_object_get(p, "username")),
		       json_string_value(json_object_get(p, "phone")) ? " " : "",
		       json_string_value(json_object_get(p, "phone")) ?: "");
}

int cmd_duty(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "note", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int64_t now = (int64_t)time(NULL), from = now - 86400, to = now + 14 * 86400;
	struct duty_in in = { 0 };
	struct store_err err = { 0 };
	const char *db = NULL, *sub;
	struct store *st;
	json_t *out;
	int c, rc = 0;

	if ((c = cmd_subcommand(&argc, &argv, duty_usage, &sub)) >= 0)
		return c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n':
			if (parse_time("duty: --now", optarg, &now) < 0)
				return EXIT_USAGE;
			break;
		case 'f':
			if (parse_time("duty: --from", optarg, &from) < 0)
				return EXIT_USAGE;
			break;
		case 't':
			if (parse_time("duty: --to", optarg, &to) < 0)
				return EXIT_USAGE;
			break;
		case 'N': in.note = optarg; break;
		case 'h': puts(duty_usage); return 0;
		default: return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(sub, "add")) {
		if (argc != 4) {
			cmd_err("duty add: give USER ROLE FROM TO");
			return EXIT_USAGE;
		}
		in.username = argv[0];
		in.role = argv[1];
		if (parse_time("duty add", argv[2], &in.starts) < 0 ||
		    parse_time("duty add", argv[3], &in.ends) < 0)
			return EXIT_USAGE;
	} else if (!strcmp(sub, "delete")) {
		if (argc != 1 || atoll(argv[0]) < 1) {
			cmd_err("duty delete: give the shift ID (see duty list)");
			return EXIT_USAGE;
		}
	} else if (strcmp(sub, "list") && strcmp(sub, "now")) {
		cmd_err("duty: unknown subcommand '%s'", sub);
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	if (!strcmp(sub, "add")) {
		int64_t id;
		if ((rc = store_duty_add(st, &in, CMD_ACTOR, &id, &err)) < 0)
			cmd_store_err("duty add", rc, &err);
		else
			printf("%lld\n", (long long)id);
	} else if (!strcmp(sub, "delete")) {
		if ((rc = store_duty_delete(st, atoll(argv[0]), CMD_ACTOR)) < 0)
			cmd_store_err(rc == -ENOENT ? "duty delete: no such shift" : "duty delete", rc, NULL);
	} else if (!strcmp(sub, "list")) {
		if ((rc = store_duty_list(st, from, to, &out)) < 0) {
			cmd_store_err("duty list", rc, NULL);
		} else {
			size_t i;
			json_t *s;
			json_array_foreach(out, i, s)
				printf("%-5lld %s  %s  %-8s %s\n",
				       (long long)json_integer_value(json_object_get(s, "id")),
				       json_string_value(json_object_get(s, "starts")),
				       json_string_value(json_object_get(s, "ends")),
				       json_string_value(json_object_get(s, "role")),
				       json_string_value(json_object_get(s, "username")));
			json_decref(out);
		}
	} else {
		if ((rc = store_duty_now(st, now, &out)) < 0) {
			cmd_store_err("duty now", rc, NULL);
		} else {
			print_person("primary", json_object_get(out, "primary"));
			print_person("backup", json_object_get(out, "backup"));
			print_person("lead", json_object_get(out, "lead"));
			print_person("head", json_object_get(out, "head"));
			json_decref(out);
		}
	}
	store_close(st);
	return rc < 0 ? (rc == -EINVAL ? EXIT_DATAERR : 1) : 0;
}

/* ------------------------------------------------------------------------ */
/* ungcuu stats                                                             */
/* ------------------------------------------------------------------------ */

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "unit", required_argument, NULL, 'u' },
		{ "now", required_argument, NULL, 'n' },
		{ "csv", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int64_t now = (int64_t)time(NULL);
	int32_t dfrom = 0, dto = sla_local_day(now);
	const char *db = NULL, *unit = NULL;
	bool csv = false, have_from = false;
	char year[11];
	struct store *st;
	json_t *out;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'f':
			if (sla_day_parse(optarg, &dfrom) < 0) {
				cmd_err("stats: --from '%s' is not a date YYYY-MM-DD", optarg);
				return EXIT_USAGE;
			}
			have_from = true;
			break;
		case 't':
			if (sla_day_parse(optarg, &dto) < 0) {
				cmd_err("stats: --to '%s' is not a date YYYY-MM-DD", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'u': unit = optarg; break;
		case 'n':
			if (parse_time("stats: --now", optarg, &now) < 0)
				return EXIT_USAGE;
			break;
		case 'c': csv = true; break;
		case 'h': puts(stats_usage); return 0;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cmd_err("stats: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!have_from) {
		sla_day_format(dto, year);
		memcpy(year + 4, "-01-01", 7);
		sla_day_parse(year, &dfrom);
	}
	if (dto < dfrom) {
		cmd_err("stats: --to is before --from");
		return EXIT_USAGE;
	}
	if (!(st = cmd_open(cmd_db(db), 0)))
		return 1;
	rc = store_stats(st, (int64_t)dfrom * 86400 - SLA_TZ_OFFSET,
			 ((int64_t)dto + 1) * 86400 - SLA_TZ_OFFSET, unit, now, &out);
	store_close(st);
	if (rc < 0) {
		cmd_store_err("stats", rc, NULL);
		return 1;
	}
	if (csv) {
		char *text = api_stats_csv(out);
		if (text)
			fputs(text, stdout);
		free(text);
		rc = text ? 0 : 1;
	} else {
		cmd_print_json(out);
	}
	json_decref(out);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* The escalation worker of `ungcuu serve`                                  */
/* ------------------------------------------------------------------------ */

struct sla_worker {
	pthread_t t;
	atomic_bool stop;
	struct store *st;
	unsigned interval;
};

static void *sla_worker_main(void *arg)
{
	struct sla_worker *w = arg;

	while (!atomic_load(&w->stop)) {
		struct sla_tick_result r;
		int rc = store_sla_tick(w->st, (int64_t)time(NULL), &r);
		if (rc < 0)
			fprintf(stderr, "ungcuu: sla tick: %s\n", store_strerror(rc));
		else if (r.escalations)
			fprintf(stderr, "ungcuu: sla: %d escalations (%d mailed)\n", r.escalations, r.mailed);
		for (unsigned i = 0; i < w->interval * 10 && !atomic_load(&w->stop); i++)
			usleep(100000);
	}
	return NULL;
}

int sla_worker_start(struct store *st, unsigned interval, struct sla_worker **ret)
{
	struct sla_worker *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->st = st;
	w->interval = interval;
	if (pthread_create(&w->t, NULL, sla_worker_main, w) != 0) {
		free(w);
		return -EAGAIN;
	}
	*ret = w;
	return 0;
}

void sla_worker_stop(struct sla_worker *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, true);
	pthread_join(w->t, NULL);
	free(w);
}
