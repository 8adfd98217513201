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
	    "[--cabundle FILE] [--service NAME] [--trust FILE] "
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

static void usage(FILE *out)
{
	fprintf(out, "usage: svccert [--root DIR] [--config FILE] [--json] "
	    "COMMAND ...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].synopsis);
	fprintf(out, "\nsee svccert(1)\n");
}

int cli_usage_error(const struct cli *cli, const char *command,
    const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "svccert %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* A command with subcommands has a synopsis line for each. */
	fputc('\n', stderr);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, command) == 0)
			fprintf(stderr, "usage: svccert %s\n",
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
	fprintf(stderr, "svccert: %s\n", err->message);
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
		usage(stderr);
		return EXIT_USAGE;
	}

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, argv[optind]) == 0) {
			argv += optind;
			argc -= optind;
			optind = 0;  /* restart getopt for the command */
			return commands[i].run(&cli, argc, argv);
		}
	}
	fprintf(stderr, "svccert: unknown command '%s'; run svccert --help "
	    "for the list\n", argv[optind]);
	return EXIT_USAGE;
}
