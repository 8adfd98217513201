/*
 * cmd_install.c - the commands that change certificates: install, apply,
 * reset and restore.  All of them end in the same transaction, one per
 * service (txn.c), and report each service's result.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "util.h"

/* The worst status wins: 4 over 3 over 1 over 0. */
static int worse(int a, int b)
{
	return (int)change_worse_status((enum txn_status)a,
	    (enum txn_status)b);
}

/* Install mat on one service; print or collect its result. */
static int install_one(const struct cli *cli, struct context *ctx,
    const char *name, const struct material *mat, const char *action,
    bool no_reload, json_t *results)
{
	const struct service *svc = registry_find(&ctx->registry, name);
	struct txn_result result;

	txn_install(ctx, svc, mat, action, no_reload, &result);
	if (cli->json)
		json_array_append_new(results, report_result_json(&result,
		    REPORT_FLAGS_BOOLEAN));
	else
		output_result_text(&result);
	return (int)result.status;
}

static void print_results(const struct cli *cli,
    const struct findings *findings, json_t *results)
{
	if (cli->json)
		output_json(json_pack("{s:o, s:O}", "findings",
		    report_findings_json(findings), "results", results));
	json_decref(results);
}

/*
 * Install mat on each named service in turn and print the results.
 * The lock must be held.
 */
static int install_all(const struct cli *cli, struct context *ctx,
    char **names, size_t count, const struct material *mat,
    const char *action, bool no_reload, const struct findings *findings)
{
	json_t *results = json_array();
	int rc = TXN_OK;

	if (!cli->json)
		output_findings_text(findings);
	for (size_t i = 0; i < count; i++)
		rc = worse(rc, install_one(cli, ctx, names[i], mat, action,
		    no_reload, results));
	print_results(cli, findings, results);
	return rc;
}

/* Findings are printed and nothing is changed when there is an error. */
static int refuse(const struct cli *cli, const struct findings *findings)
{
	if (cli->json)
		output_json(json_pack("{s:o, s:[]}", "findings",
		    report_findings_json(findings), "results"));
	else {
		output_findings_text(findings);
		fprintf(stderr, "svccert: nothing was changed\n");
	}
	return TXN_REFUSED;
}

/* Validate, check the targets, lock, install. */
static int validate_and_install(const struct cli *cli, struct context *ctx,
    const struct input *in, const struct paste *paste, char **names,
    size_t count, const char *action, bool no_reload,
    struct findings *findings)
{
	struct validate_options vopts;
	struct material mat;
	struct error err;
	int rc = TXN_REFUSED;

	material_init(&mat);
	change_validate_options(ctx, paste != NULL ? paste->trust_file : NULL,
	    &vopts);
	if (!validate_input(in, &vopts, &mat, findings)) {
		rc = refuse(cli, findings);
		goto out;
	}
	if (!cli_check_services(cli, ctx, names, count, mat.leaf, findings))
		goto out;
	if (!txn_lock(ctx, &err)) {
		cli_print_error(cli, &err);
		goto out;
	}
	rc = install_all(cli, ctx, names, count, &mat, action, no_reload,
	    findings);
out:
	material_free(&mat);
	return rc;
}

int cmd_install(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "service", required_argument, NULL, 's' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "cabundle", required_argument, NULL, 'b' },
		{ "trust", required_argument, NULL, 't' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "no-reload", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct paste paste = { 0 };
	const char *services = NULL;
	bool no_reload = false;
	struct context ctx;
	struct input in;
	struct findings findings;
	struct error err;
	char **names = NULL;
	size_t count = 0;
	int opt, rc = TXN_REFUSED;

	while ((opt = getopt_long(argc, argv, "s:c:k:b:t:p:n", options,
	    NULL)) != -1) {
		switch (opt) {
		case 's': services = optarg; break;
		case 'c': paste.cert_file = optarg; break;
		case 'k': paste.key_file = optarg; break;
		case 'b': paste.bundle_file = optarg; break;
		case 't': paste.trust_file = optarg; break;
		case 'p': paste.passphrase_file = optarg; break;
		case 'n': no_reload = true; break;
		default:
			return cli_option_error(cli, "install", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cli, "install", "unexpected argument "
		    "'%s'", argv[optind]);
	if (services == NULL || paste.cert_file == NULL)
		return cli_usage_error(cli, "install", "--service and --cert "
		    "are required");
	names = change_split_names(services, &count);
	if (count == 0) {
		change_free_names(names);
		return cli_usage_error(cli, "install", "--service names no "
		    "service");
	}
	if (!cli_open(cli, &ctx)) {
		change_free_names(names);
		return TXN_REFUSED;
	}

	input_init(&in);
	findings_init(&findings);
	if (!cli_read_paste(&paste, &in, &findings, &err)) {
		cli_print_error(cli, &err);
		rc = EXIT_USAGE;
	} else
		rc = validate_and_install(cli, &ctx, &in, &paste, names,
		    count, "install", no_reload, &findings);
	findings_free(&findings);
	input_free(&in);
	change_free_names(names);
	context_close(&ctx);
	return rc;
}

int cmd_apply(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL;
	const struct service *source;
	struct context ctx;
	struct input in;
	struct findings findings;
	struct error err;
	char **names;
	size_t count;
	int opt, rc = TXN_REFUSED;

	while ((opt = getopt_long(argc, argv, "f:t:", options, NULL)) != -1) {
		if (opt == 'f')
			from = optarg;
		else if (opt == 't')
			to = optarg;
		else
			return cli_option_error(cli, "apply", argv);
	}
	if (optind != argc)
		return cli_usage_error(cli, "apply", "unexpected argument "
		    "'%s'", argv[optind]);
	if (from == NULL || to == NULL)
		return cli_usage_error(cli, "apply", "--from and --to are "
		    "required");
	names = change_split_names(to, &count);
	if (!change_check_apply(from, names, count, &err)) {
		change_free_names(names);
		return cli_usage_error(cli, "apply", "%s", err.message);
	}
	if (count == 0 || !cli_open(cli, &ctx)) {
		change_free_names(names);
		return count == 0 ? cli_usage_error(cli, "apply", "--to "
		    "names no service") : TXN_REFUSED;
	}

	input_init(&in);
	findings_init(&findings);
	source = registry_find(&ctx.registry, from);
	if (source == NULL) {
		char *list[] = { (char *)from, NULL };

		cli_check_services(cli, &ctx, list, 1, NULL, &findings);
		goto out;
	}

	/* The key is read from the source's files; it is never printed. */
	service_read_input(source, &in, &findings);
	rc = validate_and_install(cli, &ctx, &in, NULL, names, count,
	    "apply", false, &findings);
out:
	findings_free(&findings);
	input_free(&in);
	change_free_names(names);
	context_close(&ctx);
	return rc;
}

int cmd_reset(struct cli *cli, int argc, char **argv)
{
	struct context ctx;
	struct findings findings;
	struct error err;
	json_t *results = json_array();
	int rc = TXN_OK;

	if (argc < 2) {
		json_decref(results);
		return cli_usage_error(cli, "reset", "name the services to "
		    "reset");
	}
	if (!cli_open(cli, &ctx)) {
		json_decref(results);
		return TXN_REFUSED;
	}
	findings_init(&findings);
	error_clear(&err);
	if (!cli_check_services(cli, &ctx, argv + 1, (size_t)argc - 1, NULL,
	    &findings)) {
		rc = TXN_REFUSED;
		goto out;
	}
	if (!txn_lock(&ctx, &err)) {
		cli_print_error(cli, &err);
		rc = TXN_REFUSED;
		goto out;
	}

	/* Each service gets its own key: a reset shares nothing. */
	for (int i = 1; i < argc; i++) {
		const struct service *svc = registry_find(&ctx.registry,
		    argv[i]);
		struct material mat;

		material_init(&mat);
		if (change_reset_material(&ctx, svc, &mat, &err))
			rc = worse(rc, install_one(cli, &ctx, argv[i], &mat,
			    "reset", false, results));
		else {
			fprintf(stderr, "svccert: %s: %s\n", argv[i],
			    err.message);
			rc = worse(rc, TXN_REFUSED);
		}
		material_free(&mat);
	}
	print_results(cli, &findings, results);
	results = NULL;
out:
	json_decref(results);
	findings_free(&findings);
	context_close(&ctx);
	return rc;
}

int cmd_restore(struct cli *cli, int argc, char **argv)
{
	const struct service *svc;
	struct context ctx;
	struct input in;
	struct findings findings;
	struct error err;
	char *names[] = { argc > 1 ? argv[1] : NULL, NULL };
	int64_t id;
	int rc = TXN_REFUSED;

	if (argc != 3)
		return cli_usage_error(cli, "restore", "give a service and a "
		    "history ID");
	if (!change_parse_history_id(argv[2], argv[1], &id, &err))
		return cli_usage_error(cli, "restore", "%s", err.message);
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;

	input_init(&in);
	findings_init(&findings);
	error_clear(&err);
	if (!cli_check_services(cli, &ctx, names, 1, NULL, &findings))
		goto out;
	svc = registry_find(&ctx.registry, argv[1]);
	if (!txn_load_history(&ctx, svc, id, &in, &findings, &err)) {
		cli_print_error(cli, &err);
		goto out;
	}
	rc = validate_and_install(cli, &ctx, &in, NULL, names, 1, "restore",
	    false, &findings);
out:
	findings_free(&findings);
	input_free(&in);
	context_close(&ctx);
	return rc;
}
