/*
 * cmd_history.c - svccert history: every certificate a change replaced.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util.h"

/*
 * An entry keeps what a change replaced; when the change did not take,
 * that certificate is still the installed one, which the reader must see.
 */
static const char *outcome_note(const char *result)
{
	if (strcmp(result, "rolled-back") == 0)
		return " (undone)";
	if (strcmp(result, "rollback-failed") == 0)
		return " (FAILED)";
	if (strcmp(result, "refused") == 0)
		return " (refused)";
	return "";
}

static void print_entries(const struct history_entry *entries,
    size_t count)
{
	printf("%-5s %-17s %-10s %-18s %s\n", "ID", "TAKEN (UTC)",
	    "SERVICE", "BY", "CERTIFICATE (SHA-256)");
	for (size_t i = 0; i < count; i++) {
		const struct history_entry *e = &entries[i];
		char when[32], by[40];
		struct tm tm;

		gmtime_r(&e->created, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		snprintf(by, sizeof(by), "%s%s", e->reason,
		    outcome_note(e->result));
		printf("%-5lld %-17s %-10.10s %-18.18s %.26s\n",
		    (long long)e->id, when, e->service, by,
		    *e->fingerprint ? e->fingerprint : "(none)");
	}
}

int cmd_history(struct cli *cli, int argc, char **argv)
{
	const char *service = argc > 1 ? argv[1] : NULL;
	struct history_entry *entries = NULL;
	struct context ctx;
	struct error err;
	size_t count = 0;

	if (argc > 2)
		return cli_usage_error(cli, "history", "name at most one "
		    "service");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;
	if (!store_history_list(ctx.store, service, &entries, &count, &err)) {
		cli_print_error(cli, &err);
		context_close(&ctx);
		return TXN_REFUSED;
	}

	/* A service that is gone keeps its history; a typo has none. */
	if (service != NULL && count == 0 &&
	    registry_find(&ctx.registry, service) == NULL) {
		error_set(&err, "unknown-service", "there is no service named "
		    "'%s'; svccert list shows them", service);
		cli_print_error(cli, &err);
		context_close(&ctx);
		return TXN_REFUSED;
	}

	if (cli->json)
		output_json(json_pack("{s:o}", "history",
		    report_history_json(entries, count)));
	else
		print_entries(entries, count);
	history_entries_free(entries, count);
	context_close(&ctx);
	return TXN_OK;
}
