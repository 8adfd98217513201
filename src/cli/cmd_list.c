/*
 * cmd_list.c - svccert list and svccert show: what each service has.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "served.h"
#include "util.h"

/*
 * Print text in a column of width characters: cut at a character (not
 * byte) boundary so IDN names stay valid UTF-8, then padded, because
 * printf's widths count bytes and would shift the row.
 */
static void print_cell(const char *text, int width, bool last)
{
	int shown = 0;
	const char *p = text;

	while (*p != '\0') {
		const char *next = p + 1;

		while ((*next & 0xC0) == 0x80)
			next++;
		if (shown == width)
			break;
		fwrite(p, 1, (size_t)(next - p), stdout);
		shown++;
		p = next;
	}
	if (!last)
		printf("%*s", width - shown + 1, "");
}

/* "a.example (+2)" */
static void domains_cell(const struct certinfo *info, char *out,
    size_t size)
{
	if (info->domain_count == 0)
		snprintf(out, size, "(none)");
	else if (info->domain_count == 1)
		snprintf(out, size, "%s", info->domains_unicode[0]);
	else
		snprintf(out, size, "%s (+%zu)", info->domains_unicode[0],
		    info->domain_count - 1);
}

static const char *issuer_cell(const struct certinfo *info)
{
	if (info->self_signed)
		return "SELF-SIGNED";
	if (info->issuer_org != NULL)
		return info->issuer_org;
	return info->issuer_cn != NULL ? info->issuer_cn : info->issuer;
}

static json_t *service_json(const struct service *svc,
    const struct certinfo *info, const struct error *err)
{
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s}", "name", svc->name,
	    "label", svc->label, "source", svc->source, "reload",
	    service_reload_name(svc->reload));

	json_object_set_new(doc, "certificate", info != NULL ?
	    output_certinfo_json(info) : json_null());
	if (err != NULL)
		json_object_set_new(doc, "problem", json_pack("{s:s, s:s}",
		    "code", err->code, "message", err->message));
	return doc;
}

static void service_row(const struct service *svc,
    const struct certinfo *info, const struct error *err)
{
	char domains[300], expiry[24];

	if (info == NULL) {
		if (strcmp(err->code, "no-certificate") == 0)
			printf("%-11.11s (none installed: svccert reset %s)\n",
			    svc->name, svc->name);
		else
			printf("%-11.11s (%s: svccert show %s)\n", svc->name,
			    err->code, svc->name);
		return;
	}
	domains_cell(info, domains, sizeof(domains));
	output_expiry(info->not_after, expiry, sizeof(expiry));
	print_cell(svc->name, 11, false);
	print_cell(domains, 24, false);
	print_cell(expiry, 17, false);
	print_cell(info->key_type, 11, false);
	print_cell(issuer_cell(info), 13, true);
	putchar('\n');
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	struct context ctx;
	json_t *list = json_array();

	if (argc != 1)
		return cli_usage_error(cli, "list", "list takes no arguments");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;
	if (!cli->json)
		printf("%-11s %-24s %-17s %-11s %s\n", "SERVICE", "DOMAINS",
		    "EXPIRES", "KEY", "ISSUER");

	for (size_t i = 0; i < ctx.registry.count; i++) {
		const struct service *svc = &ctx.registry.services[i];
		struct material mat;
		struct certinfo info;
		struct error err;
		bool ok;

		material_init(&mat);
		error_clear(&err);
		ok = service_read_material(svc, &mat, &err) &&
		    certinfo_from_x509(&info, mat.leaf);
		if (cli->json)
			json_array_append_new(list, service_json(svc,
			    ok ? &info : NULL, ok ? NULL : &err));
		else
			service_row(svc, ok ? &info : NULL, &err);
		if (ok)
			certinfo_free(&info);
		material_free(&mat);
	}
	if (cli->json)
		output_json(json_pack("{s:o}", "services", list));
	else
		json_decref(list);
	context_close(&ctx);
	return TXN_OK;
}

/* Ask each endpoint what it serves, so a mismatch shows at once. */
static json_t *show_endpoints(const struct context *ctx,
    const struct service *svc, const char *installed)
{
	struct served_list served;
	json_t *list = json_array();

	served_init(&served);
	served_add_service(&served, &ctx->config, svc, installed);
	served_probe(&served, SERVED_TIMEOUT_MS);
	for (size_t i = 0; i < served.count; i++) {
		const struct served_endpoint *ep = &served.items[i];

		json_array_append_new(list, json_pack("{s:s, s:i, s:s, s:s, "
		    "s:b, s:s}", "host", ep->endpoint.host, "port",
		    ep->endpoint.port, "protocol",
		    probe_protocol_name(ep->endpoint.protocol), "served",
		    ep->served, "matches", served_matches(ep), "problem",
		    ep->problem));
	}
	served_free(&served);
	return list;
}

/*
 * The definition says what svccert writes; the file may have been
 * changed by hand since.  A key made world-readable must show.
 */
static void file_drift(const struct service_file *f, char *out,
    size_t size)
{
	struct stat st;

	*out = '\0';
	if (stat(f->path, &st) != 0) {
		snprintf(out, size, "MISSING: %s", strerror(errno));
		return;
	}
	if ((st.st_mode & 07777) != f->mode || st.st_uid != f->uid ||
	    st.st_gid != f->gid)
		snprintf(out, size, "BUT NOW %u:%u %04o%s", (unsigned)st.st_uid,
		    (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777),
		    (st.st_mode & S_IROTH) && f->holds != MATERIAL_CERT &&
		    f->holds != MATERIAL_CHAIN && f->holds !=
		    MATERIAL_FULLCHAIN ? " - the key is world-readable" : "");
}

static void show_text(const struct service *svc, const struct certinfo *info,
    const struct material *mat, json_t *endpoints)
{
	char line[ERROR_MESSAGE_MAX + 128];
	size_t i;
	json_t *ep;

	snprintf(line, sizeof(line), "%s (%s)", svc->name, svc->label);
	output_field("Service:", line);
	if (info != NULL) {
		output_certinfo_text(info);
		output_chain_text(mat);
	}
	for (i = 0; i < svc->file_count; i++) {
		const struct service_file *f = &svc->files[i];

		output_field(i ? "" : "Files:", f->path);
		snprintf(line, sizeof(line), "(%s, %s:%s %04o)",
		    material_part_name(f->holds), f->owner, f->group,
		    (unsigned)f->mode);
		output_field("", line);
		file_drift(f, line, sizeof(line));
		if (*line != '\0')
			output_field("", line);
	}
	output_field("Reload:", service_reload_name(svc->reload));
	json_array_foreach(endpoints, i, ep) {
		const char *problem = json_string_value(json_object_get(ep,
		    "problem"));
		bool matches = json_is_true(json_object_get(ep, "matches"));

		snprintf(line, sizeof(line), "%s:%d %s: %s",
		    json_string_value(json_object_get(ep, "host")),
		    (int)json_integer_value(json_object_get(ep, "port")),
		    json_string_value(json_object_get(ep, "protocol")),
		    *problem ? problem : matches ? "serves the installed "
		    "certificate" : "serves A DIFFERENT CERTIFICATE");
		output_field(i ? "" : "Serving:", line);
	}
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	const struct service *svc;
	struct context ctx;
	struct material mat;
	struct certinfo info;
	struct error err;
	json_t *endpoints;
	bool ok;
	int rc = TXN_REFUSED;

	if (argc != 2)
		return cli_usage_error(cli, "show", "name one service");
	if (!cli_open(cli, &ctx))
		return TXN_REFUSED;
	material_init(&mat);
	error_clear(&err);
	if ((svc = registry_find(&ctx.registry, argv[1])) == NULL) {
		error_set(&err, "unknown-service", "there is no service "
		    "named '%s'; svccert list shows them", argv[1]);
		cli_print_error(cli, &err);
		goto out;
	}

	ok = service_read_material(svc, &mat, &err) &&
	    certinfo_from_x509(&info, mat.leaf);
	endpoints = show_endpoints(&ctx, svc, ok ? info.fingerprint : "");
	if (cli->json) {
		json_t *doc = service_json(svc, ok ? &info : NULL,
		    ok ? NULL : &err);

		if (ok)
			json_object_set_new(doc, "chain",
			    report_chain_json(&mat));
		json_object_set_new(doc, "endpoints", endpoints);
		output_json(doc);
	} else {
		show_text(svc, ok ? &info : NULL, &mat, endpoints);
		if (!ok)
			output_field("Problem:", err.message);
		json_decref(endpoints);
	}
	if (ok)
		certinfo_free(&info);
	rc = TXN_OK;
out:
	material_free(&mat);
	context_close(&ctx);
	return rc;
}
