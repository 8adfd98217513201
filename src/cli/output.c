/*
 * output.c - how certificates, findings and results are shown.
 *
 * The human form fits an 80-column terminal; --json prints one document.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util.h"

void output_json(json_t *doc)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (text != NULL)
		printf("%s\n", text);
	free(text);
	json_decref(doc);
}

static json_t *string_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

json_t *output_certinfo_json(const struct certinfo *info)
{
	json_t *domains = json_array(), *unicode = json_array();
	json_t *doc;

	for (size_t i = 0; i < info->domain_count; i++) {
		json_array_append_new(domains, json_string(info->domains[i]));
		json_array_append_new(unicode,
		    json_string(info->domains_unicode[i]));
	}
	doc = json_pack("{s:o, s:o, s:b, s:s, s:s, s:{s:o, s:o}, s:s, s:b, "
	    "s:s, s:s, s:i, s:o, s:I, s:I, s:s, s:s}",
	    "domains", domains, "domains_unicode", unicode,
	    "has_san", info->has_san, "subject", info->subject,
	    "issuer", info->issuer,
	    "issuer_names", "commonName", string_or_null(info->issuer_cn),
	    "organizationName", string_or_null(info->issuer_org),
	    "label", certinfo_label(info),
	    "self_signed", info->self_signed,
	    "key_type", info->key_type,
	    "key_algorithm", info->key_algorithm ? info->key_algorithm : "",
	    "key_bits", info->key_bits,
	    "curve", string_or_null(info->curve_name),
	    "not_before", (json_int_t)info->not_before,
	    "not_after", (json_int_t)info->not_after,
	    "fingerprint", info->fingerprint,
	    "signature_algorithm", info->signature_algorithm ?
	    info->signature_algorithm : "");
	return doc;
}

void output_findings_text(const struct findings *findings)
{
	for (size_t i = 0; i < findings->count; i++) {
		const struct finding *f = &findings->items[i];

		fprintf(stderr, "%s: %s [%s]\n", f->severity == FINDING_ERROR
		    ? "error" : "warning", f->message, f->code);
	}
}

void output_expiry(time_t not_after, char *out, size_t size)
{
	struct tm tm;
	char date[16];
	long days = (long)((not_after - time(NULL)) / 86400);

	gmtime_r(&not_after, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	if (not_after < time(NULL))
		snprintf(out, size, "%s EXPIRED", date);
	else
		snprintf(out, size, "%s (%ldd)", date, days);
}

void output_field(const char *label, const char *value)
{
	const int width = 80 - 12;
	const char *p = value;

	/* Wrap at spaces so long messages stay inside 80 columns. */
	do {
		int take = (int)strlen(p);

		if (take > width) {
			take = width;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = width;
		}
		printf("%-11s %.*s\n", label, take, p);
		label = "";
		p += take;
		while (*p == ' ')
			p++;
	} while (*p != '\0');
}

void output_certinfo_text(const struct certinfo *info)
{
	char from[32], to[32], line[256];
	struct strbuf names;

	strbuf_init(&names);
	for (size_t i = 0; i < info->domain_count; i++) {
		strbuf_appendf(&names, "%s%s", i ? ", " : "",
		    info->domains_unicode[i]);
		if (strcmp(info->domains[i], info->domains_unicode[i]) != 0)
			strbuf_appendf(&names, " (%s)", info->domains[i]);
	}
	output_field("Domains:", names.length ? names.data : "(none)");
	if (!info->has_san)
		output_field("", "no subjectAltName: names from the CN");
	strbuf_free(&names);

	if (info->self_signed)
		snprintf(line, sizeof(line), "%s - SELF-SIGNED: clients will "
		    "warn", info->issuer_cn ? info->issuer_cn : info->issuer);
	else
		snprintf(line, sizeof(line), "%s%s%s%s", info->issuer_cn ?
		    info->issuer_cn : info->issuer, info->issuer_org ? " ("
		    : "", info->issuer_org ? info->issuer_org : "",
		    info->issuer_org ? ")" : "");
	output_field("Issuer:", line);
	output_field("Key:", info->key_type);

	util_format_time(info->not_before, from, sizeof(from));
	util_format_time(info->not_after, to, sizeof(to));
	snprintf(line, sizeof(line), "%s to %s", from, to);
	output_field("Valid:", line);
	output_expiry(info->not_after, line, sizeof(line));
	output_field("Expires:", line);

	/* 95 characters: split so the line fits 80 columns. */
	snprintf(line, sizeof(line), "%.47s", info->fingerprint);
	output_field("SHA-256:", line);
	output_field("", info->fingerprint + 48);
}

void output_chain_text(const struct material *mat)
{
	int n = mat->chain != NULL ? sk_X509_num(mat->chain) : 0;

	for (int i = -1; i < n; i++) {
		X509 *cert = i < 0 ? mat->leaf : sk_X509_value(mat->chain, i);
		char *name = certinfo_name_of(cert);
		char line[256];

		snprintf(line, sizeof(line), "%d. %s", i + 2, name);
		output_field(i < 0 ? "Chain:" : "", line);
		free(name);
	}
}

void output_result_text(const struct txn_result *r)
{
	const char *mark = r->status == TXN_OK ? "ok" : "FAILED";

	if (r->status == TXN_OK)
		printf("%s: %s: %s\n", r->service, mark, r->message);
	else
		fprintf(stderr, "%s: %s (%s): %s\n", r->service, mark,
		    txn_status_name(r->status), r->message);
}
