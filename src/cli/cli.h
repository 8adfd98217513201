/*
 * cli.h - what the svccert commands share.
 */
#ifndef SVCCERT_CLI_H
#define SVCCERT_CLI_H

#include <stdbool.h>

#include <jansson.h>

#include "certinfo.h"
#include "change.h"
#include "finding.h"
#include "material.h"
#include "report.h"
#include "service.h"
#include "txn.h"
#include "validate.h"

/* Exit statuses (see svccert(1)); 0, 1, 3 and 4 are enum txn_status. */
#define EXIT_USAGE 2

struct cli {
	const char *root;
	const char *config_file;
	bool json;
	const char *program;
};

/* Each command gets argc/argv starting at its own name. */
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_validate(struct cli *cli, int argc, char **argv);
int cmd_install(struct cli *cli, int argc, char **argv);
int cmd_apply(struct cli *cli, int argc, char **argv);
int cmd_reset(struct cli *cli, int argc, char **argv);
int cmd_history(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
/* Panel users and API tokens (cmd_user.c, cmd_token.c). */
int cmd_user(struct cli *cli, int argc, char **argv);
int cmd_token(struct cli *cli, int argc, char **argv);

/* Print a usage error for the command and return EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *command,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "'--x' is not an option of COMMAND, or it needs a value" (getopt's '?'). */
int cli_option_error(const struct cli *cli, const char *command,
    char **argv);

/* Open the context; on failure print the error and return false. */
bool cli_open(struct cli *cli, struct context *ctx);
/* Print a library error as the one line the administrator sees. */
void cli_print_error(const struct cli *cli, const struct error *err);

/* What the administrator pastes or names (cmd_validate.c). */
struct paste {
	const char *cert_file;
	const char *key_file;
	const char *bundle_file;
	const char *trust_file;
	const char *passphrase_file;
};

/*
 * Read the named files into in.  Problems go to findings; a usage
 * problem (two files from standard input) returns false with err set.
 */
bool cli_read_paste(const struct paste *paste, struct input *in,
    struct findings *findings, struct error *err);

/*
 * change_check_services (change.h), printing its error: false when a
 * name is not a known service.
 */
bool cli_check_services(const struct cli *cli, const struct context *ctx,
    char **names, size_t count, X509 *leaf, struct findings *findings);

/* Output (output.c). */
json_t *output_certinfo_json(const struct certinfo *info);
void output_findings_text(const struct findings *findings);
void output_certinfo_text(const struct certinfo *info);
void output_chain_text(const struct material *mat);
void output_result_text(const struct txn_result *result);
/* "Label:     value", wrapped to 80 columns. */
void output_field(const char *label, const char *value);
/* Dump doc to stdout and drop the reference. */
void output_json(json_t *doc);
/* "2027-01-02 (30 days)" */
void output_expiry(time_t not_after, char *out, size_t size);

#endif
