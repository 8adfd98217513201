/*
 * cmd_validate.c - svccert validate: every install check, no change.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "util.h"

#define PASSPHRASE_MAX 1024

static bool read_passphrase(const char *path, char **passphrase,
    struct error *err)
{
	size_t length;
	char *data;

	*passphrase = NULL;
	if (path == NULL)
		return true;
	if (!util_read_file(path, PASSPHRASE_MAX, &data, &length, err))
		return false;

	/* Files usually end in a newline that is not part of the secret. */
	while (length > 0 && (data[length - 1] == '\n' ||
	    data[length - 1] == '\r'))
		data[--length] = '\0';
	*passphrase = data;
	return true;
}

bool cli_read_paste(const struct paste *paste, struct input *in,
    struct findings *findings, struct error *err)
{
	const char *files[] = { paste->cert_file, paste->key_file,
	    paste->bundle_file };
	const enum input_origin origins[] = { INPUT_FROM_CERT,
	    INPUT_FROM_KEY, INPUT_FROM_BUNDLE };
	int from_stdin = 0;
	char *passphrase;

	for (size_t i = 0; i < 3; i++)
		if (files[i] != NULL && strcmp(files[i], "-") == 0)
			from_stdin++;
	if (paste->passphrase_file != NULL &&
	    strcmp(paste->passphrase_file, "-") == 0)
		from_stdin++;
	if (from_stdin > 1) {
		error_set(err, "usage", "only one of --cert, --key, "
		    "--cabundle and --passphrase-file can be - (standard "
		    "input)");
		return false;
	}
	if (!read_passphrase(paste->passphrase_file, &passphrase, err)) {
		if (strcmp(err->code, "input-too-large") == 0)
			error_set(err, "input-too-large", "the passphrase file "
			    "%s is larger than %d bytes; it must hold only "
			    "the passphrase", paste->passphrase_file,
			    PASSPHRASE_MAX);
		return false;
	}

	for (size_t i = 0; i < 3; i++) {
		if (files[i] == NULL)
			continue;
		input_read_file(in, files[i], origins[i], passphrase,
		    findings);
	}
	if (passphrase != NULL)
		util_free_secret(passphrase, strlen(passphrase));
	return true;
}

bool cli_check_services(const struct cli *cli, const struct context *ctx,
    char **names, size_t count, X509 *leaf, struct findings *findings)
{
	struct error err;

	if (change_check_services(ctx, names, count, leaf, findings, &err))
		return true;
	cli_print_error(cli, &err);
	return false;
}

static void print_validation(const struct cli *cli, bool ok,
    const struct material *mat, const struct findings *findings)
{
	struct certinfo info;

	if (cli->json) {
		json_t *doc = json_pack("{s:b, s:o}", "ok", ok, "findings",
		    report_findings_json(findings));

		if (ok && certinfo_from_x509(&info, mat->leaf)) {
			json_object_set_new(doc, "certificate",
			    output_certinfo_json(&info));
			json_object_set_new(doc, "chain",
			    report_chain_json(mat));
			certinfo_free(&info);
		}
		output_json(doc);
		return;
	}
	if (ok && certinfo_from_x509(&info, mat->leaf)) {
		output_certinfo_text(&info);
		output_chain_text(mat);
		certinfo_free(&info);
	}
	output_findings_text(findings);
	if (ok)
		printf("valid: this certificate, key and chain can be "
		    "installed\n");
	else
		fprintf(stderr, "not valid: nothing would be installed\n");
}

int cmd_validate(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "cabundle", required_argument, NULL, 'b' },
		{ "service", required_argument, NULL, 's' },
		{ "trust", required_argument, NULL, 't' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct paste paste = { 0 };
	const char *service = NULL;
	struct validate_options vopts;
	struct context ctx;
	struct input in;
	struct material mat;
	struct findings findings;
	struct error err;
	int opt, rc = TXN_REFUSED;
	bool ok;

	while ((opt = getopt_long(argc, argv, "c:k:b:s:t:p:", options,
	    NULL)) != -1) {
		switch (opt) {
		case 'c': paste.cert_file = optarg; break;
		case 'k': paste.key_file = optarg; break;
		case 'b': paste.bundle_file = optarg; break;
		case 's': service = optarg; break;
		case 't': paste.trust_file = optarg; break;
		case 'p': paste.passphrase_file = optarg; break;
		default:
			return cli_option_error(cli, "validate", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cli, "validate", "unexpected argument "
		    "'%s'", argv[optind]);
	if (paste.cert_file == NULL)
		return cli_usage_error(cli, "validate", "--cert FILE is "
		    "required");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;

	input_init(&in);
	material_init(&mat);
	findings_init(&findings);
	if (!cli_read_paste(&paste, &in, &findings, &err)) {
		cli_print_error(cli, &err);
		rc = EXIT_USAGE;
		goto out;
	}
	change_validate_options(&ctx, paste.trust_file, &vopts);
	ok = validate_input(&in, &vopts, &mat, &findings);
	if (ok && service != NULL) {
		size_t count;
		char **names = change_split_names(service, &count);
		bool known = cli_check_services(cli, &ctx, names, count,
		    mat.leaf, &findings);

		change_free_names(names);
		if (!known)
			goto out;
	}
	print_validation(cli, ok, &mat, &findings);
	rc = ok ? TXN_OK : TXN_REFUSED;
out:
	findings_free(&findings);
	material_free(&mat);
	input_free(&in);
	context_close(&ctx);
	return rc;
}
