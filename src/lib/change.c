/*
 * change.c - the decisions svccert and svccertd share before a change.
 *
 * They live here, not in either front end, so that a paste refused by the
 * command is refused by the panel with the same finding, and a reset
 * makes the same certificate whichever of them asked.
 */
#include "change.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "selfsign.h"
#include "util.h"

char **change_split_names(const char *text, size_t *count)
{
	char *copy = xstrdup(text), *save = NULL, *item;
	char **list = xcalloc(strlen(text) + 2, sizeof(*list));

	*count = 0;
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		bool seen = false;

		/* "exim,exim" is one change, not two reloads. */
		for (size_t i = 0; i < *count && !seen; i++)
			seen = strcmp(list[i], item) == 0;
		if (*item != '\0' && !seen)
			list[(*count)++] = xstrdup(item);
	}
	free(copy);
	return list;
}

void change_free_names(char **names)
{
	if (names == NULL)
		return;
	for (char **p = names; *p != NULL; p++)
		free(*p);
	free(names);
}

void change_validate_options(const struct context *ctx,
    const char *trust_file, struct validate_options *options)
{
	memset(options, 0, sizeof(*options));
	options->require_key = true;
	options->warn_days = ctx->config.warn_days;
	options->trust_file = trust_file != NULL ? trust_file :
	    ctx->config.trust_file;
}

bool change_check_services(const struct context *ctx, char *const *names,
    size_t count, X509 *leaf, struct findings *findings,
    struct error *err)
{
	for (size_t i = 0; i < count; i++) {
		const struct service *svc = registry_find(&ctx->registry,
		    names[i]);
		const char *host;

		if (svc == NULL) {
			error_set(err, "unknown-service", "there is no "
			    "service named '%.64s'; svccert list shows them",
			    names[i]);
			return false;
		}

		/* A warning, not an error: clients may use another name. */
		host = service_hostname(svc, &ctx->config);
		if (leaf != NULL && host != NULL &&
		    !names_cert_covers(leaf, host))
			findings_add(findings, FINDING_WARNING,
			    "hostname-not-covered", "the certificate does not "
			    "cover %s, the host name of %s: clients that "
			    "connect by that name will warn", host, svc->name);
	}
	return true;
}

bool change_check_apply(const char *from, char *const *to, size_t count,
    struct error *err)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(to[i], from) == 0) {
			error_set(err, "apply-to-self", "%.64s cannot be "
			    "applied to itself; name other services as "
			    "targets", from);
			return false;
		}
	return true;
}

bool change_parse_history_id(const char *text, const char *service,
    int64_t *id, struct error *err)
{
	char *end;
	long long value;

	/* strtoll alone would take " 1" and "+1". */
	errno = 0;
	value = strtoll(text, &end, 10);
	if (!isdigit((unsigned char)*text) || *end != '\0' || errno != 0 ||
	    value <= 0) {
		error_set(err, "bad-history-id", "'%.32s' is not a history ID; "
		    "svccert history %.64s lists them", text, service);
		return false;
	}
	*id = value;
	return true;
}

/* The service's own host name first: it becomes the CN. */
static size_t change_reset_names(const struct context *ctx,
    const struct service *svc, const char ***names)
{
	const char **configured, **list;
	size_t n = 0, total = config_reset_names(&ctx->config, &configured);

	list = xcalloc(total + 1, sizeof(*list));
	list[n++] = service_hostname(svc, &ctx->config);
	for (size_t i = 0; i < total; i++)
		if (strcasecmp(configured[i], list[0]) != 0)
			list[n++] = configured[i];
	free(configured);  /* the names themselves belong to the config */
	*names = list;
	return n;
}

bool change_reset_material(const struct context *ctx,
    const struct service *svc, struct material *mat, struct error *err)
{
	const char **names;
	size_t count = change_reset_names(ctx, svc, &names);
	bool ok;

	ok = selfsign_make(mat, ctx->config.key_type, names, count,
	    CHANGE_RESET_DAYS, err);
	free(names);
	return ok;
}

enum txn_status change_worse_status(enum txn_status a, enum txn_status b)
{
	static const int rank[] = {
		[TXN_OK] = 0, [TXN_REFUSED] = 1, [TXN_ROLLED_BACK] = 2,
		[TXN_ROLLBACK_FAILED] = 3,
	};

	return rank[b] > rank[a] ? b : a;
}
