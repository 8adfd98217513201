/*
 * cmd_token.c - svccert token: API tokens for scripts that call svccertd.
 *
 * A token is shown once, when it is made: the store keeps only its hash,
 * so a lost token is revoked and replaced, never recovered.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "users.h"
#include "util.h"

static void token_print_new(const struct cli *cli, const char *user,
    const char *label, int64_t id, const char *token)
{
	if (cli->json) {
		output_json(json_pack("{s:I, s:s, s:s, s:s}", "id",
		    (json_int_t)id, "user", user, "label", label, "token",
		    token));
		return;
	}
	printf("Token:  %s\n", token);
	printf("This is the only time it is shown: svccert keeps only its "
	    "hash.\n");
	printf("Use it in the HTTP header   Authorization: whm %s:TOKEN\n",
	    user);
	printf("                        or  Authorization: Bearer TOKEN\n");
	printf("svccert token revoke %lld ends it.\n", (long long)id);
}

static int token_create(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "label", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *label = "";
	struct context ctx;
	struct error err;
	char *token;
	int64_t id;
	int opt;

	while ((opt = getopt_long(argc, argv, "l:", options, NULL)) != -1)
		if (opt == 'l')
			label = optarg;
		else
			return cli_usage_error(cli, "token", "create takes a "
			    "user name and --label TEXT");
	if (optind != argc - 1)
		return cli_usage_error(cli, "token", "create takes one user "
		    "name");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;

	if (!tokens_create(ctx.store, argv[optind], label, &token, &id,
	    &err)) {
		cli_print_error(cli, &err);
		context_close(&ctx);
		return TXN_REFUSED;
	}
	token_print_new(cli, argv[optind], label, id, token);
	util_free_secret(token, strlen(token));
	context_close(&ctx);
	return TXN_OK;
}

/* A token ID as svccert token list shows it: a positive integer. */
static bool token_parse_id(const char *text, int64_t *id)
{
	char *end;
	long long value;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	value = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || value <= 0)
		return false;
	*id = (int64_t)value;
	return true;
}

static int token_revoke(struct cli *cli, int argc, char **argv)
{
	struct context ctx;
	struct error err;
	int64_t id;

	if (argc != 2 || !token_parse_id(argv[1], &id))
		return cli_usage_error(cli, "token", "revoke takes one token "
		    "ID (svccert token list shows them)");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;
	if (!tokens_revoke(ctx.store, id, &err)) {
		cli_print_error(cli, &err);
		context_close(&ctx);
		return TXN_REFUSED;
	}

	if (cli->json)
		output_json(json_pack("{s:I}", "revoked", (json_int_t)id));
	else
		printf("revoked API token %lld; requests with it are refused "
		    "from now on\n", (long long)id);
	context_close(&ctx);
	return TXN_OK;
}

static json_t *token_json(const struct token_info *t)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)t->id,
	    "user", t->user, "label", t->label, "created",
	    (json_int_t)t->created, "last_used", t->last_used != 0 ?
	    json_integer((json_int_t)t->last_used) : json_null());
}

/* ID USER LABEL CREATED LAST-USED: 79 columns. */
static void token_print_list(const struct token_info *tokens, size_t count)
{
	char created[32], used[32];
	size_t i;

	printf("%-5s %-14s %-16s %-20s %s\n", "ID", "USER", "LABEL",
	    "CREATED", "LAST-USED");
	for (i = 0; i < count; i++) {
		const struct token_info *t = &tokens[i];

		util_format_time(t->created, created, sizeof(created));
		if (t->last_used != 0)
			util_format_time(t->last_used, used, sizeof(used));
		else
			snprintf(used, sizeof(used), "never");
		printf("%-5lld %-14.14s %-16.16s %-20s %s\n",
		    (long long)t->id, t->user, *t->label ? t->label : "-",
		    created, used);
	}
}

static int token_list(struct cli *cli, int argc, char **argv)
{
	struct token_info *tokens = NULL;
	struct context ctx;
	struct error err;
	size_t count = 0, i;
	json_t *list;

	if (argc > 2)
		return cli_usage_error(cli, "token", "list takes at most one "
		    "user name");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;
	if (!tokens_list(ctx.store, argc == 2 ? argv[1] : NULL, &tokens,
	    &count, &err)) {
		cli_print_error(cli, &err);
		context_close(&ctx);
		return TXN_REFUSED;
	}

	if (cli->json) {
		list = json_array();
		for (i = 0; i < count; i++)
			json_array_append_new(list, token_json(&tokens[i]));
		output_json(json_pack("{s:o}", "tokens", list));
	} else
		token_print_list(tokens, count);
	tokens_free(tokens, count);
	context_close(&ctx);
	return TXN_OK;
}

int cmd_token(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *, int, char **);
	} subcommands[] = {
		{ "create", token_create },
		{ "revoke", token_revoke },
		{ "list", token_list },
	};
	size_t i;

	if (argc < 2)
		return cli_usage_error(cli, "token", "name what to do");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(subcommands[i].name, argv[1]) == 0) {
			optind = 0;  /* the subcommand's options from here */
			return subcommands[i].run(cli, argc - 1, argv + 1);
		}
	return cli_usage_error(cli, "token", "unknown subcommand '%s'",
	    argv[1]);
}
