/*
 * cmd_history.c - svccert history: every certificate a change replaced.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

int cmd_history(struct cli *cli, int argc, char **argv)
{
	const char *service = argc > 1 ? argv[1] : NULL;
	struct history_entry *entries = NULL;
	struct context ctx;
	struct error err;
	size_t count = 0;
	json_t *list;

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

	list = json_array();
	if (!cli->json)
		printf("%-5s %-20s %-10s %-8s %s\n", "ID", "REPLACED",
		    "SERVICE", "BY", "CERTIFICATE (SHA-256)");
	for (size_t i = 0; i < count; i++) {
		const struct history_entry *e = &entries[i];
		char when[32];

		util_format_time(e->created, when, sizeof(when));
		if (cli->json)
			json_array_append_new(list, json_pack("{s:I, s:s, "
			    "s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)e->id,
			    "service", e->service, "created",
			    (json_int_t)e->created, "fingerprint",
			    e->fingerprint, "subject", e->subject,
			    "not_after", (json_int_t)e->not_after, "reason",
			    e->reason));
		else
			printf("%-5lld %-20s %-10.10s %-8.8s %.29s\n",
			    (long long)e->id, when, e->service, e->reason,
			    *e->fingerprint ? e->fingerprint : "(none)");
	}
	if (cli->json)
		output_json(json_pack("{s:o}", "history", list));
	else
		json_decref(list);
	history_entries_free(entries, count);
	context_close(&ctx);
	return TXN_OK;
}
