/*
 * main.c - argv, subcommands, headless or terminal, start-up and shutdown.
 *
 *   tunetop [--config F] [--set k=v]... [DATA | SESSION.yaml]
 *   tunetop --headless [-e CMDS | --script FILE]... [DATA | SESSION.yaml]
 *   tunetop check [--json] [--near-dups] [--label-errors] [--format F] [--skip-bad] DATA
 *   tunetop convert [--from F] [--to F] [--skip-bad] IN OUT
 *
 * Start-up order: options from --config, then --set, then the session or
 * data, then -e / --script in the order given. Headless runs stop at the
 * first failing command with a non-zero status and its message on stderr.
 *
 * A broken session never blocks the data: when SESSION.yaml does not load
 * or apply, the error (file:line:column) goes to stderr and the data file
 * it names, if that opens, opens alone (the workbench says so). Nothing of
 * the session is kept: not its options, labels or path, so `session save`
 * needs a new PATH and cannot overwrite the broken file with a half state.
 * Only data that cannot be opened ends the start with status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/app.h"
#include "tunetop/cli.h"
#include "tunetop/cmd.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/session.h"
#include "tunetop/trainer.h"
#include "tunetop/ui.h"
#include "tunetop/version.h"

enum main_exit {
	EXIT_OK = 0,
	EXIT_FAILED = 1,   /* a command or load failed */
	EXIT_USAGE = 2,    /* bad command line */
};

/* One -e string or --script file, kept in command-line order. */
struct main_action {
	int is_script;
	const char *text;
};

struct main_args {
	const char *config;
	const char **sets;
	int nsets;
	struct main_action *actions;
	int nactions;
	const char *target;      /* DATA or SESSION.yaml */
	int headless;
	int ascii;               /* --ascii: no braille or box drawing */
	int no_session;          /* --no-session: a data file opens alone */
};

static void main_usage(FILE *f)
{
	fputs("usage: tunetop [OPTIONS] [DATA | SESSION.yaml]\n"
	      "       tunetop --headless [-e COMMANDS | --script FILE]... [DATA | SESSION.yaml]\n"
	      "       tunetop check [--json] [--near-dups] [--label-errors] [--format F] [--skip-bad]\n"
	      "                     [--model MODEL] [--set k=v] DATA\n"
	      "       tunetop convert [--from F] [--to F] [--skip-bad] [--set k=v] IN OUT\n"
	      "       tunetop train --data TRAIN [--valid V|none] [--test T] [--config F] [--set k=v]...\n"
	      "                     [--model ngram|gpt] [--objective classify|lm] [--preset NAME]\n"
	      "                     [--init FILE [--vocab F --merges F]] [--out DIR] [--json]\n"
	      "       tunetop distill --teacher MODEL --data TRAIN [--valid V|none] [--test T]\n"
	      "                     [--preset NAME] [--set k=v]... [--baseline] [--out DIR] [--json]\n"
	      "       tunetop eval MODEL DATA [--json]\n"
	      "       tunetop eval --ensemble M1,M2[,...] [--vote | --weights W1,W2,...] DATA [--json]\n"
	      "       tunetop predict MODEL [--k K] [--json] [TEXT...]\n"
	      "       tunetop predict --ensemble M1,M2[,...] [--vote | --weights W1,...] [--k K] [TEXT...]\n"
	      "       tunetop export --provenance JOURNAL_OR_DATA OUT.jsonl\n"
	      "       tunetop tokenize --vocab FILE --merges FILE [--pieces] [TEXTFILE]\n"
	      "       tunetop tokenize train --vocab-size N [--out DIR] [CORPUS]\n"
	      "       tunetop generate MODEL PROMPT [--max-tokens N] [--temperature T] [--top-k K]\n"
	      "                     [--seed S] [--vocab FILE --merges FILE]\n"
	      "       tunetop queue DATA [--order ORDER] [--model MODEL] [--seed S] [--spread W]\n"
	      "                     [--journal FILE]... [--unlabeled] [--limit N] [--set k=v]... [--json]\n"
	      "       tunetop agreement DATA [--journal FILE]... [--set k=v]... [--json]\n"
	      "       tunetop merge [--no-hash-check] BASE ADAPTER_DIR OUT\n"
	      "\n"
	      "Options:\n"
	      "  --config FILE     load options from a YAML file\n"
	      "  --set KEY=VALUE   set an option (repeatable; see 'tunetop -e \"help options\"')\n"
	      "  --headless        no terminal UI: run the commands and exit\n"
	      "  --ascii           draw with ASCII only (also when the locale is not UTF-8)\n"
	      "  --no-session      open a DATA file alone, not with its session and state\n"
	      "  -e COMMANDS       run commands separated by ';' (implies --headless)\n"
	      "  --script FILE     run the commands in FILE, one a line (implies --headless)\n"
	      "  --help, --version\n"
	      "\n"
	      "Formats: JSONL, CSV, TSV (header row) and fastText (__label__x text),\n"
	      "detected from the extension and content. See tunetop(1).\n", f);
}

/* Value of an option that takes one: argv[*i + 1]. */
static const char *main_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc) {
		tt_esc_printf(stderr, "tunetop: %s needs a value (try --help)\n", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

static int main_parse(int argc, char **argv, struct main_args *a)
{
	int i;

	memset(a, 0, sizeof *a);
	a->sets = tt_xcalloc((size_t)argc, sizeof *a->sets);
	a->actions = tt_xcalloc((size_t)argc, sizeof *a->actions);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;

		if (strcmp(arg, "--headless") == 0) {
			a->headless = 1;
		} else if (strcmp(arg, "--ascii") == 0) {
			a->ascii = 1;
		} else if (strcmp(arg, "--no-session") == 0) {
			a->no_session = 1;
		} else if (strcmp(arg, "--config") == 0 || strcmp(arg, "--set") == 0 ||
			   strcmp(arg, "-e") == 0 || strcmp(arg, "--script") == 0) {
			if ((v = main_value(argc, argv, &i)) == NULL)
				return -1;
			if (arg[2] == 'c') {
				a->config = v;
			} else if (arg[2] == 's' && arg[3] == 'e') {
				a->sets[a->nsets++] = v;
			} else {
				a->actions[a->nactions].is_script = arg[1] != 'e';
				a->actions[a->nactions++].text = v;
				a->headless = 1;
			}
		} else if (arg[0] == '-' && arg[1] != '\0') {
			tt_esc_printf(stderr, "tunetop: unknown option '%s' (try --help)\n", arg);
			return -1;
		} else if (a->target == NULL) {
			a->target = arg;
		} else {
			tt_esc_printf(stderr, "tunetop: unexpected argument '%s' (one DATA or SESSION)\n", arg);
			return -1;
		}
	}
	return 0;
}

static int main_is_session(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(path + n - 4, ".yml") == 0);
}

/* Options from --config and --set, in that order. */
static int main_configure(struct app *app, const char *config, const char **sets, int nsets)
{
	struct tt_err err;
	int i;

	tt_err_clear(&err);
	if (config != NULL && cfg_load_yaml(&app->cfg, config, &err) != 0) {
		cli_report(NULL, &err);
		return -1;
	}
	for (i = 0; i < nsets; i++) {
		if (cfg_set_pair(&app->cfg, sets[i], &err) != 0) {
			tt_esc_printf(stderr, "tunetop: --set %s: %s\n", sets[i], err.msg);
			return -1;
		}
	}
	return 0;
}

/* dst := a copy of src's options (dst uninitialized). */
static void main_cfg_copy(struct cfg *dst, const struct cfg *src)
{
	const struct cfg_option *t;
	size_t n, i;

	cfg_init(dst);
	t = cfg_table(&n);
	for (i = 0; i < n; i++)
		cfg_set(dst, t[i].name, cfg_get_str(src, t[i].name), NULL);
}

/* Undo what a failed session_apply set: its label schema and its path. */
static void main_forget_session(struct app *app)
{
	int i;

	for (i = 0; i < app->nschema; i++)
		free(app->schema[i]);
	free(app->schema);
	app->schema = NULL;
	app->nschema = 0;
	free(app->session_path);
	app->session_path = NULL;
}

/*
 * A session that did not load or apply: its data alone, if the file names
 * a data file that opens. The workbench is told why (see ui_start_notice).
 * app->session and app->session_path stay NULL, so `session save` without
 * a PATH refuses instead of overwriting the broken file with what is open.
 */
static int main_open_alone(struct app *app, const char *target, const struct tt_err *why)
{
	char *data = session_peek_data(target), reason[1200], *shown;
	struct tt_err err;

	if (data == NULL) {
		tt_esc_printf(stderr, "tunetop: found no data file in %s to open alone\n", target);
		return -1;
	}
	tt_err_clear(&err);
	if (app_load_data(app, data, NULL, &err) != 0) {
		cli_report(NULL, &err);
		free(data);
		return -1;
	}
	tt_esc_printf(stderr, "tunetop: the session was not applied; opened its data alone: %s\n", data);
	tt_err_format(why, reason, sizeof reason);
	shown = tt_esc_dup(data);
	free(app->start_notice);
	app->start_notice = tt_xprintf("session not applied: %s. Opened %s alone; 'session save' "
				       "needs a new PATH", reason, shown);
	free(shown);
	free(data);
	return 0;
}

/*
 * The state file beside the session (demo.state.yaml), read over it: what
 * the workbench saved on quit. A broken one is reported and skipped.
 */
static void main_read_state(struct app *app, struct session *s, const char *session_path)
{
	char *state = session_state_path(session_path), *why = NULL;
	struct tt_err err;

	tt_err_clear(&err);
	if (strcmp(state, s->path) != 0 && access(state, F_OK) == 0) {
		if (session_load_state(s, state, &app->cfg, &why, &err) < 0) {
			char msg[1200];

			cli_report(NULL, &err);
			fprintf(stderr, "tunetop: the state file was not read: %s\n", state);
			tt_err_format(&err, msg, sizeof msg);
			why = tt_xprintf("the state file was not read: %s", msg);
		} else if (why != NULL) {
			fprintf(stderr, "tunetop: %s\n", why);
		}
		/* The workbench says it too (stderr is hidden behind it). */
		if (why != NULL && app->start_notice == NULL) {
			app->start_notice = why;
			why = NULL;
		}
	}
	free(why);
	free(state);
}

/*
 * Open a session: all of it, or (reported on stderr) nothing of it but its
 * data. Options the session set are taken back when it does not apply.
 * save_as: the session file to save to from now on (a data file's own
 * session name when an old name or a state file was read), or NULL.
 */
static int main_open_session(struct app *app, const char *target, const char *save_as)
{
	struct session *s = tt_xcalloc(1, sizeof *s);
	struct cfg saved;
	struct tt_err err;
	int loaded;

	tt_err_clear(&err);
	main_cfg_copy(&saved, &app->cfg);
	loaded = session_load(s, target, &app->cfg, &err) == 0;
	if (loaded) {
		main_read_state(app, s, save_as != NULL ? save_as : target);
		if (save_as != NULL) {
			free(s->path);
			s->path = tt_xstrdup(save_as);
		}
	}
	if (loaded && session_apply(s, app, &err) == 0) {
		cfg_fini(&saved);
		app->session = s;
		return 0;
	}
	cli_report(NULL, &err);
	session_fini(s);
	free(s);
	cfg_fini(&app->cfg);
	app->cfg = saved;
	main_forget_session(app);
	if (loaded && !app->has_data)
		return -1;	/* the data itself did not open: the error says why */
	return main_open_alone(app, target, &err);
}

/* path exists and, when it is a session, names data (the same file). */
static int main_names_data(const char *path, const char *data)
{
	char *named;
	int same;

	if (access(path, F_OK) != 0)
		return 0;
	named = session_peek_data(path);
	same = named != NULL && session_same_file(named, data);
	free(named);
	return same;
}

/*
 * A data file in the workbench opens with its own session when it has one
 * (DATA.session.yaml; an old NAME.session.yaml that names this data; or
 * only the state saved on quit), and says so. NULL if it has none.
 */
static char *main_find_session(const char *data, char **save_as)
{
	char *own = session_path_for_data(data), *cand;

	*save_as = NULL;
	if (access(own, F_OK) == 0)
		return own;
	cand = session_legacy_path(data);
	if (!main_names_data(cand, data)) {
		free(cand);
		cand = session_state_path(own);
		if (!main_names_data(cand, data)) {
			free(cand);
			free(own);
			return NULL;
		}
	}
	*save_as = own;
	return cand;
}

/* A data file: with its session in the workbench, alone headless or with --no-session. */
static int main_open_data(struct app *app, const char *target, const struct main_args *a)
{
	char *session = NULL, *save_as = NULL;
	struct tt_err err;
	int rc;

	if (!a->headless && !a->no_session)
		session = main_find_session(target, &save_as);
	if (session != NULL) {
		rc = main_open_session(app, session, save_as);
		if (rc == 0 && app->session != NULL)
			app->open_notice = tt_xprintf("session %s restored (--no-session opens the "
						      "data alone)", session);
		free(session);
		free(save_as);
		return rc;
	}
	tt_err_clear(&err);
	if (app_load_data(app, target, NULL, &err) != 0) {
		cli_report(NULL, &err);
		return -1;
	}
	/* Its own session file: where `session save` and the state go. */
	app->session_path = session_path_for_data(target);
	return 0;
}

/* Open a session or a data file. */
static int main_open(struct app *app, const struct main_args *a)
{
	if (main_is_session(a->target))
		return main_open_session(app, a->target, NULL);
	return main_open_data(app, a->target, a);
}

static int main_run_actions(struct app *app, const struct main_args *a)
{
	struct cmd_ctx ctx;
	int i;

	memset(&ctx, 0, sizeof ctx);
	ctx.app = app;
	for (i = 0; i < a->nactions && !app->quit; i++) {
		enum cmd_rc rc;

		ctx.source = a->actions[i].is_script ? CMD_SRC_SCRIPT : CMD_SRC_HEADLESS;
		if (a->actions[i].is_script)
			rc = cmd_run_file(&ctx, a->actions[i].text);
		else
			rc = cmd_run_string(&ctx, a->actions[i].text);
		if (rc == CMD_ERROR)
			return EXIT_FAILED;
	}
	/* A run started by the script finishes before tunetop exits. */
	if (app->trainer != NULL)
		trainer_wait_stopped(app->trainer, -1);
	return EXIT_OK;
}

/* The terminal workbench on what was opened (or nothing: `load` from its REPL). */
static int main_interactive(struct app *app, const struct main_args *a)
{
	struct ui_options o;
	int rc;

	memset(&o, 0, sizeof o);
	o.ascii = a->ascii;
	rc = ui_main(app, &o);
	return rc == 0 ? EXIT_OK : rc == UI_EXIT_NO_TERMINAL ? EXIT_USAGE : rc > 128 ? rc : EXIT_FAILED;
}

static int main_default(int argc, char **argv)
{
	struct main_args a;
	struct app app;
	int rc;

	if (main_parse(argc, argv, &a) != 0) {
		free(a.sets);
		free(a.actions);
		return EXIT_USAGE;
	}
	app_init(&app);
	rc = main_configure(&app, a.config, a.sets, a.nsets) == 0 ? EXIT_OK : EXIT_FAILED;
	if (rc == EXIT_OK && a.target != NULL && main_open(&app, &a) != 0)
		rc = EXIT_FAILED;
	if (rc == EXIT_OK)
		rc = a.headless ? main_run_actions(&app, &a) : main_interactive(&app, &a);
	app_fini(&app);
	free(a.sets);
	free(a.actions);
	return rc;
}

/* Shared flags of check and convert. */
struct main_io {
	const char *files[2];
	int nfiles;
	const char *from;
	const char *to;
	int json;
	int label_errors;       /* check --label-errors */
	int near;               /* check --near-dups */
	const char *model;      /* check --model: the unknown-word rate under its vocabulary */
};

static int main_parse_io(int argc, char **argv, struct app *app, struct main_io *io,
			 int want_files)
{
	struct tt_err err;
	int i;

	memset(io, 0, sizeof *io);
	for (i = 2; i < argc; i++) {
		const char *arg = argv[i], *v = NULL;

		if (strcmp(arg, "--json") == 0) {
			io->json = 1;
			continue;
		}
		if (strcmp(arg, "--label-errors") == 0 && strcmp(argv[1], "check") == 0) {
			io->label_errors = 1;
			continue;
		}
		if (strcmp(arg, "--near-dups") == 0 && strcmp(argv[1], "check") == 0) {
			io->near = 1;
			continue;
		}
		if (strcmp(arg, "--skip-bad") == 0) {
			cfg_set(&app->cfg, "skip_bad", "true", NULL);
			continue;
		}
		if (strcmp(arg, "--format") == 0 || strcmp(arg, "--from") == 0 ||
		    strcmp(arg, "--to") == 0 || strcmp(arg, "--set") == 0 ||
		    strcmp(arg, "--config") == 0 ||
		    (strcmp(arg, "--model") == 0 && strcmp(argv[1], "check") == 0)) {
			if ((v = main_value(argc, argv, &i)) == NULL)
				return -1;
		} else if (arg[0] == '-' && arg[1] != '\0') {
			tt_esc_printf(stderr, "tunetop %s: unknown option '%s' (try --help)\n", argv[1], arg);
			return -1;
		}
		tt_err_clear(&err);
		if (v == NULL) {
			if (io->nfiles == want_files) {
				tt_esc_printf(stderr, "tunetop %s: unexpected argument '%s'\n", argv[1], arg);
				return -1;
			}
			io->files[io->nfiles++] = arg;
		} else if (strcmp(arg, "--to") == 0) {
			io->to = v;
		} else if (strcmp(arg, "--model") == 0) {
			io->model = v;
		} else if (strcmp(arg, "--set") == 0 || strcmp(arg, "--config") == 0) {
			if (main_configure(app, arg[2] == 'c' ? v : NULL, arg[2] == 's' ? &v : NULL,
					   arg[2] == 's') != 0)
				return -1;
		} else {
			io->from = v;
		}
	}
	if (io->nfiles != want_files) {
		tt_esc_printf(stderr, "tunetop %s: expected %s (try --help)\n", argv[1],
			want_files == 1 ? "a DATA file" : "IN and OUT files");
		return -1;
	}
	return 0;
}

static int main_check(int argc, char **argv)
{
	struct app app;
	struct main_io io;
	struct tt_err err;
	struct cmd_ctx ctx;
	char line[64];
	int rc = EXIT_USAGE;
	size_t i;

	app_init(&app);
	tt_err_clear(&err);
	if (main_parse_io(argc, argv, &app, &io, 1) == 0) {
		rc = EXIT_FAILED;
		if (app_load_data(&app, io.files[0], io.from, &err) != 0 ||
		    (io.model != NULL && app_unknown_load(&app, io.model, &err) != 0)) {
			cli_report(NULL, &err);
		} else {
			for (i = 0; i < app.ds.nbad && !io.json; i++)
				tt_esc_printf(stderr, "%s:%u:%u: skipped: %s\n", app.ds.path, app.ds.bad[i].line,
					app.ds.bad[i].col, app.ds.bad[i].msg);
			memset(&ctx, 0, sizeof ctx);
			ctx.app = &app;
			snprintf(line, sizeof line, "check%s%s%s", io.json ? " --json" : "",
				 io.near ? " --near-dups" : "", io.label_errors ? " --label-errors" : "");
			rc = cmd_run_line(&ctx, line) == CMD_OK ?
			     EXIT_OK : EXIT_FAILED;
		}
	}
	app_fini(&app);
	return rc;
}

static int main_convert(int argc, char **argv)
{
	struct app app;
	struct main_io io;
	struct tt_err err;
	enum ds_format_id to = DS_FMT_AUTO;
	int rc = EXIT_USAGE;

	app_init(&app);
	tt_err_clear(&err);
	if (main_parse_io(argc, argv, &app, &io, 2) != 0)
		goto out;
	if (io.to != NULL && ds_format_parse(io.to, &to) != 0) {
		tt_esc_printf(stderr, "tunetop convert: unknown format '%s' "
			"(expected jsonl, csv, tsv or fasttext)\n", io.to);
		goto out;
	}
	if (io.to == NULL && ds_format_of_ext(io.files[1], &to) != 0) {
		/* Never a guess: writing the input's format under another name surprises. */
		tt_esc_printf(stderr, "tunetop convert: cannot tell the format of %s from its extension "
			"(expected .jsonl, .ndjson, .json, .csv, .tsv, .tab, .ft or .fasttext); "
			"give one with --to jsonl|csv|tsv|fasttext\n", io.files[1]);
		goto out;
	}
	rc = EXIT_FAILED;
	if (app_load_data(&app, io.files[0], io.from, &err) != 0 ||
	    dataset_save(&app.ds, io.files[1], to, &err) != 0) {
		cli_report(NULL, &err);
		goto out;
	}
	tt_esc_printf(stderr, "tunetop: wrote %zu records to %s", app.ds.n, io.files[1]);
	if (app.ds.nbad > 0)
		tt_esc_printf(stderr, " (%zu bad records skipped)", app.ds.nbad);
	fputc('\n', stderr);
	rc = EXIT_OK;
out:
	app_fini(&app);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		main_usage(stdout);
		return EXIT_OK;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("tunetop %s\n", TUNETOP_VERSION);
		return EXIT_OK;
	}
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return main_check(argc, argv);
	if (argc > 1 && strcmp(argv[1], "convert") == 0)
		return main_convert(argc, argv);
	if (argc > 1 && strcmp(argv[1], "train") == 0)
		return cli_train(argc, argv);
	if (argc > 1 && strcmp(argv[1], "distill") == 0)
		return cli_distill(argc, argv);
	if (argc > 1 && strcmp(argv[1], "eval") == 0)
		return cli_eval(argc, argv);
	if (argc > 1 && strcmp(argv[1], "predict") == 0)
		return cli_predict(argc, argv);
	if (argc > 1 && strcmp(argv[1], "export") == 0)
		return cli_export(argc, argv);
	if (argc > 1 && strcmp(argv[1], "tokenize") == 0)
		return cli_tokenize(argc, argv);
	if (argc > 1 && strcmp(argv[1], "generate") == 0)
		return cli_generate(argc, argv);
	if (argc > 1 && strcmp(argv[1], "queue") == 0)
		return cli_queue(argc, argv);
	if (argc > 1 && strcmp(argv[1], "agreement") == 0)
		return cli_agreement(argc, argv);
	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return cli_merge(argc, argv);
	return main_default(argc, argv);
}
