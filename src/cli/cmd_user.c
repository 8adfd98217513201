/*
 * cmd_user.c - svccert user: who may log in to the panel (svccertd).
 *
 * Passwords come from a file or from standard input, never from the
 * command line, where ps(1) and the shell's history would show them.
 * Nothing secret is printed.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "users.h"
#include "util.h"

/* Longer than any password anyone types; libxcrypt takes 512 bytes. */
#define PASSWORD_LINE_MAX 1024
#define PASSWORD_FILE_MAX (64 * 1024)

static void password_free(char *password)
{
	if (password != NULL)
		util_free_secret(password, strlen(password));
}

/* Cut text at its first line end; the rest is wiped. */
static void password_first_line(char *text, size_t length)
{
	size_t cut = strcspn(text, "\r\n");

	OPENSSL_cleanse(text + cut, length - cut);
}

static char *password_from_file(const char *path, struct error *err)
{
	size_t length;
	char *data;

	if (!util_read_file(path, PASSWORD_FILE_MAX, &data, &length, err)) {
		if (strcmp(err->code, "input-too-large") == 0)
			error_set(err, "input-too-large", "%s is too large "
			    "for a password file; put the password alone on "
			    "its first line", path);
		return NULL;
	}
	password_first_line(data, length);
	return data;
}

/* One line of standard input, without its line end. */
static char *password_read_line(struct error *err)
{
	char line[PASSWORD_LINE_MAX + 2];
	char *password = NULL;
	size_t length;

	if (fgets(line, sizeof(line), stdin) == NULL) {
		error_set(err, "no-password", "no password on standard input; "
		    "give it as one line, or use --password-file FILE");
		return NULL;
	}
	length = strlen(line);
	if (length > PASSWORD_LINE_MAX && line[length - 1] != '\n')
		error_set(err, "password-too-long", "the password on standard "
		    "input is longer than %d bytes; use a shorter one",
		    PASSWORD_LINE_MAX);
	else {
		password_first_line(line, length);
		password = xstrdup(line);
	}
	OPENSSL_cleanse(line, sizeof(line));
	return password;
}

/* The terminal as it was, put back on the way out and on a signal. */
static struct termios saved_termios;

static void terminal_restore(int sig)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Echo off while the password is typed; Ctrl-C must not leave it so. */
static bool terminal_hide_input(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct termios quiet;
	size_t i;

	if (tcgetattr(STDIN_FILENO, &saved_termios) != 0)
		return false;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		signal(signals[i], terminal_restore);

	quiet = saved_termios;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	return tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
}

static void terminal_show_input(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	size_t i;

	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		signal(signals[i], SIG_DFL);
}

static char *password_prompt(const char *prompt, struct error *err)
{
	char *password;

	fputs(prompt, stderr);
	fflush(stderr);
	if (!terminal_hide_input()) {
		error_set(err, "no-password", "cannot turn off the terminal's "
		    "echo to read the password; use --password-file FILE");
		return NULL;
	}
	password = password_read_line(err);
	terminal_show_input();
	return password;
}

/* Twice at a terminal, since a typo would go unseen. */
static char *password_ask(const char *name, struct error *err)
{
	char prompt[96];
	char *first, *second;

	snprintf(prompt, sizeof(prompt), "Password for %s: ", name);
	if ((first = password_prompt(prompt, err)) == NULL)
		return NULL;
	if ((second = password_prompt("Again: ", err)) == NULL) {
		password_free(first);
		return NULL;
	}

	if (strcmp(first, second) != 0) {
		error_set(err, "passwords-differ", "the two passwords for "
		    "'%s' differ; nothing was changed, try again", name);
		password_free(first);
		first = NULL;
	}
	password_free(second);
	return first;
}

/* From --password-file, else standard input (asked for at a terminal). */
static char *password_get(const char *file, const char *name,
    struct error *err)
{
	if (file != NULL)
		return password_from_file(file, err);
	if (isatty(STDIN_FILENO))
		return password_ask(name, err);
	return password_read_line(err);
}

static json_t *user_json(const struct user *user)
{
	return json_pack("{s:s, s:s, s:b, s:b, s:I}", "name", user->name,
	    "role", user_role_name(user->role), "service_ssl",
	    user->service_ssl, "may_manage", user_may_manage(user),
	    "created", (json_int_t)user->created);
}

/* The user as it is now, in JSON; or the sentence, in text. */
static int user_report(const struct cli *cli, struct context *ctx,
    const char *name, const char *sentence)
{
	struct user user;
	struct error err;

	if (!cli->json) {
		printf("%s\n", sentence);
		return TXN_OK;
	}
	if (!users_get(ctx->store, name, &user, &err)) {
		cli_print_error(cli, &err);
		return TXN_REFUSED;
	}
	output_json(json_pack("{s:o}", "user", user_json(&user)));
	user_free(&user);
	return TXN_OK;
}

static int user_refuse(const struct cli *cli, struct context *ctx,
    const struct error *err)
{
	cli_print_error(cli, err);
	context_close(ctx);
	return TXN_REFUSED;
}

/* Options of add and passwd; false on a usage error. */
static bool user_parse(int argc, char **argv, bool allow_reseller,
    bool *reseller, const char **password_file, const char **name)
{
	static const struct option options[] = {
		{ "reseller", no_argument, NULL, 'r' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "rp:", options, NULL)) != -1)
		if (opt == 'r' && allow_reseller)
			*reseller = true;
		else if (opt == 'p')
			*password_file = optarg;
		else
			return false;
	if (optind != argc - 1)
		return false;
	*name = argv[optind];
	return true;
}

static int user_add(struct cli *cli, int argc, char **argv)
{
	const char *name, *password_file = NULL;
	char *password = NULL, *sentence;
	bool reseller = false;
	struct context ctx;
	struct error err;
	enum user_role role;
	int rc;

	if (!user_parse(argc, argv, true, &reseller, &password_file, &name))
		return cli_usage_error(cli, "user", "add takes a name, "
		    "--reseller and --password-file FILE");
	role = reseller ? USER_RESELLER : USER_ADMIN;
	if (!users_check_name(name, &err)) {
		cli_print_error(cli, &err);
		return TXN_REFUSED;
	}
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;

	/* Hashed and wiped at once; only the hash is kept. */
	if ((password = password_get(password_file, name, &err)) == NULL ||
	    !users_add(ctx.store, name, role, password, &err)) {
		password_free(password);
		return user_refuse(cli, &ctx, &err);
	}
	password_free(password);

	if (reseller)
		sentence = xasprintf("added reseller '%s'; svccert user grant "
		    "%s lets them manage service certificates", name, name);
	else
		sentence = xasprintf("added administrator '%s'", name);
	rc = user_report(cli, &ctx, name, sentence);
	free(sentence);
	context_close(&ctx);
	return rc;
}

static int user_passwd(struct cli *cli, int argc, char **argv)
{
	const char *name, *password_file = NULL;
	char *password = NULL, *sentence;
	struct context ctx;
	struct error err;
	int rc;

	if (!user_parse(argc, argv, false, NULL, &password_file, &name))
		return cli_usage_error(cli, "user", "passwd takes a name and "
		    "--password-file FILE");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;

	/* Ask only for a user there is. */
	if (!users_get(ctx.store, name, NULL, &err) ||
	    (password = password_get(password_file, name, &err)) == NULL ||
	    !users_set_password(ctx.store, name, password, &err)) {
		password_free(password);
		return user_refuse(cli, &ctx, &err);
	}
	password_free(password);

	sentence = xasprintf("changed the password of '%s'; their web "
	    "sessions were ended, their API tokens still work", name);
	rc = user_report(cli, &ctx, name, sentence);
	free(sentence);
	context_close(&ctx);
	return rc;
}

static int user_privilege(struct cli *cli, int argc, char **argv,
    bool granted)
{
	struct context ctx;
	struct error err;
	char *sentence;
	int rc;

	if (argc != 2)
		return cli_usage_error(cli, "user", "%s takes one user name",
		    argv[0]);
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;
	if (!users_set_privilege(ctx.store, argv[1], granted, &err))
		return user_refuse(cli, &ctx, &err);

	/* Their next request reads the row: no new login is needed. */
	sentence = xasprintf(granted ? "'%s' may now manage service "
	    "certificates" : "'%s' may no longer manage service "
	    "certificates, from their next request on", argv[1]);
	rc = user_report(cli, &ctx, argv[1], sentence);
	free(sentence);
	context_close(&ctx);
	return rc;
}

static int user_delete(struct cli *cli, int argc, char **argv)
{
	struct context ctx;
	struct error err;

	if (argc != 2)
		return cli_usage_error(cli, "user", "delete takes one user "
		    "name");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;
	if (!users_delete(ctx.store, argv[1], &err))
		return user_refuse(cli, &ctx, &err);

	if (cli->json)
		output_json(json_pack("{s:s}", "deleted", argv[1]));
	else
		printf("deleted user '%s' with their API tokens and web "
		    "sessions\n", argv[1]);
	context_close(&ctx);
	return TXN_OK;
}

static const char *user_privilege_cell(const struct user *user)
{
	if (user->role == USER_ADMIN)
		return "always";
	return user->service_ssl ? "yes" : "no";
}

static void user_print_list(const struct user *users, size_t count)
{
	int width = 4;
	char created[32];
	size_t i;

	/* Names are at most 32 characters: the table fits 80 columns. */
	for (i = 0; i < count; i++)
		if ((int)strlen(users[i].name) > width)
			width = (int)strlen(users[i].name);

	printf("%-*s %-8s %-11s %s\n", width, "NAME", "ROLE", "SERVICE-SSL",
	    "CREATED");
	for (i = 0; i < count; i++) {
		util_format_time(users[i].created, created, sizeof(created));
		printf("%-*s %-8s %-11s %s\n", width, users[i].name,
		    user_role_name(users[i].role),
		    user_privilege_cell(&users[i]), created);
	}
}

static int user_list(struct cli *cli, int argc, char **argv)
{
	struct user *users = NULL;
	struct context ctx;
	struct error err;
	size_t count = 0, i;
	json_t *list;

	if (argc != 1)
		return cli_usage_error(cli, "user", "list takes no arguments");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;
	if (!users_list(ctx.store, &users, &count, &err))
		return user_refuse(cli, &ctx, &err);

	if (cli->json) {
		list = json_array();
		for (i = 0; i < count; i++)
			json_array_append_new(list, user_json(&users[i]));
		output_json(json_pack("{s:o}", "users", list));
	} else
		user_print_list(users, count);
	users_free(users, count);
	context_close(&ctx);
	return TXN_OK;
}

static int user_grant(struct cli *cli, int argc, char **argv)
{
	return user_privilege(cli, argc, argv, true);
}

static int user_revoke(struct cli *cli, int argc, char **argv)
{
	return user_privilege(cli, argc, argv, false);
}

int cmd_user(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct cli *, int, char **);
	} subcommands[] = {
		{ "add", user_add },
		{ "passwd", user_passwd },
		{ "grant", user_grant },
		{ "revoke", user_revoke },
		{ "delete", user_delete },
		{ "list", user_list },
	};
	size_t i;

	if (argc < 2)
		return cli_usage_error(cli, "user", "name what to do");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(subcommands[i].name, argv[1]) == 0) {
			optind = 0;  /* the subcommand's options from here */
			return subcommands[i].run(cli, argc - 1, argv + 1);
		}
	return cli_usage_error(cli, "user", "unknown subcommand '%s'",
	    argv[1]);
}
