/*
 * svcjson.c - the service object and certificate_info of docs/api.md,
 * in the shapes WHM clients read (0/1 integers, Unix times), and the
 * paste parameters read into an input.
 *
 * The certificate and its chain are rendered by material.c, the same
 * PEM a daemon gets; the key never leaves the material.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "util.h"

json_t *svcjson_text(const char *s)
{
	json_t *text = json_string(s);
	char *copy;

	if (text != NULL)
		return text;

	/* Certificates may carry any bytes; JSON strings are UTF-8. */
	copy = xstrdup(s);
	for (char *c = copy; *c != '\0'; c++)
		if ((unsigned char)*c >= 0x80 || (unsigned char)*c < 0x20)
			*c = '?';
	text = json_string(copy);
	free(copy);
	return text;
}

static json_t *svcjson_string_or_null(const char *s)
{
	return s != NULL ? svcjson_text(s) : json_null();
}

json_t *svcjson_certinfo(const struct certinfo *info)
{
	json_t *domains = json_array(), *unicode = json_array();
	bool rsa = strncmp(info->key_type, "RSA", 3) == 0;

	for (size_t i = 0; i < info->domain_count; i++) {
		json_array_append_new(domains,
		    svcjson_text(info->domains[i]));
		json_array_append_new(unicode,
		    svcjson_text(info->domains_unicode[i]));
	}
	return json_pack("{s:o, s:i, s:{s:o, s:o}, s:s, s:o, s:o, s:I, s:I, "
	    "s:o, s:s, s:s, s:o}",
	    "domains", domains,
	    "is_self_signed", info->self_signed ? 1 : 0,
	    "issuer", "commonName", svcjson_string_or_null(info->issuer_cn),
	    "organizationName", svcjson_string_or_null(info->issuer_org),
	    "key_algorithm", info->key_algorithm != NULL ?
	    info->key_algorithm : "",
	    "modulus_length", rsa ? json_integer(info->key_bits) :
	    json_null(),
	    "ecdsa_curve_name", svcjson_string_or_null(info->curve_name),
	    "not_before", (json_int_t)info->not_before,
	    "not_after", (json_int_t)info->not_after,
	    "subject", svcjson_text(info->subject),
	    "fingerprint_sha256", info->fingerprint,
	    "key_type", info->key_type,
	    "domains_unicode", unicode);
}

/* PEM of one part; "" without a leaf.  Never called for a key part. */
static json_t *svcjson_pem(const struct material *mat,
    enum material_part part)
{
	size_t length = 0;
	char *pem;
	json_t *text;

	if (mat->leaf == NULL)
		return json_string("");
	pem = material_render(mat, part, &length);
	text = json_stringn(pem, length);
	util_free_secret(pem, length);
	return text;
}

static json_t *svcjson_last_change(struct context *ctx, const char *name)
{
	struct audit_entry entry;
	struct error err;
	bool found = false;
	json_t *doc;

	if (!store_audit_last(ctx->store, name, &entry, &found, &err)) {
		log_warning("%s", err.message);
		return json_null();
	}
	if (!found)
		return json_null();
	doc = json_pack("{s:I, s:s, s:s, s:s}", "time",
	    (json_int_t)entry.time, "user", entry.user, "action",
	    entry.action, "result", entry.result);
	audit_entry_free(&entry);
	return doc;
}

/* certificate_info, or null and the problem that prevents it. */
static void svcjson_set_certificate(json_t *doc, const struct service *svc,
    struct material *mat)
{
	struct certinfo info;
	struct error err;

	error_clear(&err);
	if (service_read_material(svc, mat, &err) &&
	    certinfo_from_x509(&info, mat->leaf)) {
		json_object_set_new(doc, "certificate_info",
		    svcjson_certinfo(&info));
		json_object_set_new(doc, "problem", json_null());
		certinfo_free(&info);
		return;
	}
	if (!error_is_set(&err))
		error_set(&err, "malformed-input", "%s: its certificate "
		    "cannot be read", svc->name);
	json_object_set_new(doc, "certificate_info", json_null());
	json_object_set_new(doc, "problem", json_pack("{s:s, s:o}", "code",
	    err.code, "message", svcjson_text(err.message)));
}

json_t *svcjson_service(struct context *ctx, const struct service *svc,
    struct material *mat)
{
	json_t *doc = json_pack("{s:s, s:s}", "service", svc->name, "label",
	    svc->label);

	svcjson_set_certificate(doc, svc, mat);
	json_object_set_new(doc, "certificate", svcjson_pem(mat,
	    MATERIAL_CERT));
	json_object_set_new(doc, "cabundle", svcjson_pem(mat,
	    MATERIAL_CHAIN));
	json_object_set_new(doc, "service_description",
	    json_string(svc->label));
	json_object_set_new(doc, "served", json_array());
	json_object_set_new(doc, "last_change", svcjson_last_change(ctx,
	    svc->name));
	return doc;
}

json_t *svcjson_warnings(const struct findings *findings)
{
	json_t *list = json_array();

	for (size_t i = 0; i < findings->count; i++)
		if (findings->items[i].severity == FINDING_WARNING)
			json_array_append_new(list,
			    svcjson_text(findings->items[i].message));
	return list;
}

void svcjson_read_paste(json_t *params, struct input *in,
    struct findings *findings)
{
	static const struct {
		const char *name;
		enum input_origin origin;
		const char *what;
	} parts[] = {
		{ "crt", INPUT_FROM_CERT, "the crt parameter" },
		{ "key", INPUT_FROM_KEY, "the key parameter" },
		{ "cabundle", INPUT_FROM_BUNDLE, "the cabundle parameter" },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const char *text = params_get(params, parts[i].name);

		if (text != NULL && *text != '\0')
			input_read_buffer(in, text, strlen(text),
			    parts[i].origin, parts[i].what, NULL, findings);
	}
}
