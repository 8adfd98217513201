/*
 * main.c - svccert: manage the certificates of a server's TLS daemons.
 *
 * Global options come before the command; each command parses its own.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "log.h"
#include "svccert-build.h"

static const struct command {
	const char *name;
	int (*run)(struct cli *, int, char **);
	const char *synopsis;
} commands[] = {
	{ "list", cmd_list, "list" },
	{ "show", cmd_show, "show SERVICE" },
	{ "validate", cmd_validate, "validate --cert FILE [--key FILE] "
	    "[--cabundle FILE] [--service NAME[,NAME...]] [--trust FILE] "
	    "[--passphrase-file FILE]" },
	{ "install", cmd_install, "install --service NAME[,NAME...] "
	    "--cert FILE [--key FILE] [--cabundle FILE] [--trust FILE] "
	    "[--passphrase-file FILE] [--no-reload]" },
	{ "apply", cmd_apply, "apply --from NAME --to NAME[,NAME...]" },
	{ "reset", cmd_reset, "reset NAME..." },
	{ "history", cmd_history, "history [NAME]" },
	{ "restore", cmd_restore, "restore NAME ID" },
	{ "user", cmd_user, "user add NAME [--reseller] "
	    "[--password-file FILE]" },
	{ "user", cmd_user, "user passwd NAME [--password-file FILE]" },
	{ "user", cmd_user, "user grant|revoke|delete NAME" },
	{ "user", cmd_user, "user list" },
	{ "token", cmd_token, "token create USER [--label TEXT]" },
	{ "token", cmd_token, "token revoke ID" },
	{ "token", cmd_token, "token list [USER]" },
};

/* A synopsis, wrapped at spaces to fit 80 columns. */
static void print_synopsis(FILE *out, const char *lead, const char *text)
{
	int width = 78 - (int)strlen(lead);

	while ((int)strlen(text) > width) {
		int cut = width;

		while (cut > 0 && text[cut] != ' ')
			cut--;
		fprintf(out, "%s%.*s\n", lead, cut, text);
		text += cut + 1;
		lead = "      ";
		width = 72;
	}
	fprintf(out, "%s%s\n", lead, text);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: svccert [--root DIR] [--config FILE] [--json] "
	    "COMMAND ...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		print_synopsis(out, "  ", commands[i].synopsis);
	fprintf(out, "\nsee svccert(1)\n");
}

int cli_option_error(const struct cli *cli, const char *command,
    char **argv)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";

	return cli_usage_error(cli, command, "'%s' is not an option of "
	    "%s, or it needs a value", word, command);
}

int cli_usage_error(const struct cli *cli, const char *command,
    const char *fmt, ...)
{
	va_list ap;
	char *message;

	va_start(ap, fmt);
	if (vasprintf(&message, fmt, ap) < 0)
		abort();
	va_end(ap);
	fprintf(stderr, "svccert %s: %s\n", command, message);
	if (cli->json)
		output_json(json_pack("{s:{s:s, s:s}}", "error", "code",
		    "usage", "message", message));
	free(message);

	/* A command with subcommands has a synopsis line for each. */
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, command) == 0)
			print_synopsis(stderr, "usage: svccert ",
			    commands[i].synopsis);
	return EXIT_USAGE;
}

void cli_print_error(const struct cli *cli, const struct error *err)
{
	if (cli->json) {
		json_t *doc = json_pack("{s:{s:s, s:s}}", "error", "code",
		    err->code, "message", err->message);

		output_json(doc);
	}
	fprintf(stderr, "svccert: %s [%s]\n", err->message, err->code);
}

bool cli_open(struct cli *cli, struct context *ctx)
{
	struct error err;

	error_clear(&err);
	if (context_open(ctx, cli->root, cli->config_file, &err) &&
	    txn_recover_pending(ctx, &err))
		return true;
	cli_print_error(cli, &err);
	context_close(ctx);
	return false;
}

/* A global option after the command is a common slip: say so. */
static const char *misplaced_global(int argc, char **argv)
{
	static const char *const globals[] = { "--root", "--config",
	    "--json" };

	for (int i = 1; i < argc; i++)
		for (size_t g = 0; g < 3; g++)
			if (strncmp(argv[i], globals[g], strlen(globals[g]))
			    == 0)
				return globals[g];
	return NULL;
}

static int dispatch(struct cli *cli, int argc, char **argv)
{
	const char *global = misplaced_global(argc, argv);

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, argv[0]) != 0)
			continue;
		if (global != NULL)
			return cli_usage_error(cli, argv[0], "%s is a global "
			    "option: put it before the command (svccert %s "
			    "... %s ...)", global, global, argv[0]);
		opterr = 0;  /* the commands word their own errors */
		optind = 0;  /* restart getopt for the command */
		return commands[i].run(cli, argc, argv);
	}
	return cli_usage_error(cli, "svccert", "unknown command '%s'; run "
	    "svccert --help for the list", argv[0]);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .program = "svccert" };
	int opt;

	log_set_program("svccert");
	log_set_level(LOG_LEVEL_INFO);

	/* "+": stop at the command, whose options are its own. */
	while ((opt = getopt_long(argc, argv, "+r:c:jvhV", options,
	    NULL)) != -1) {
		switch (opt) {
		case 'r':
			cli.root = optarg;
			break;
		case 'c':
			cli.config_file = optarg;
			break;
		case 'j':
			cli.json = true;
			break;
		case 'v':
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("svccert %s\n", SVCCERT_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		if (cli.json)
			return cli_usage_error(&cli, "svccert", "no command "
			    "given; run svccert --help for the list");
		usage(stderr);
		return EXIT_USAGE;
	}
	return dispatch(&cli, argc - optind, argv + optind);
}
