/*
 * params.c - a request's parameters: the query string, then the body
 * (form-encoded or a JSON object), merged into one JSON object whose
 * values are strings or arrays of strings.
 *
 * evhttp decodes the query syntax and jansson the JSON; nothing here
 * parses either by hand.  Pastes hold private keys, so every copy made
 * of the body is wiped once it has been read.
 */
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>

#include "change.h"
#include "daemon.h"
#include "util.h"

/* Keys are not decoded by evhttp_parse_query_str; values are. */
static void params_add_pairs(json_t *params, struct evkeyvalq *pairs)
{
	struct evkeyval *kv;

	TAILQ_FOREACH(kv, pairs, next) {
		char *key = evhttp_uridecode(kv->key, 1, NULL);

		if (key == NULL)
			abort();
		json_object_set_new_nocheck(params, key,
		    json_string_nocheck(kv->value));
		free(key);
	}
}

static void params_clear_pairs(struct evkeyvalq *pairs)
{
	struct evkeyval *kv;

	TAILQ_FOREACH(kv, pairs, next)
		OPENSSL_cleanse(kv->value, strlen(kv->value));
	evhttp_clear_headers(pairs);
}

/*
 * "name" with no "=" is an empty value to browsers and to curl (which
 * sends one for --data-urlencode name@empty-file); libevent 2.1 refuses
 * it, so give each such item its "=" before libevent parses the form.
 */
static char *params_complete_pairs(const char *text)
{
	struct strbuf form;
	const char *item = text;

	strbuf_init(&form);
	while (*item != '\0') {
		size_t length = strcspn(item, "&");

		strbuf_append(&form, item, length);
		if (length > 0 && memchr(item, '=', length) == NULL)
			strbuf_append(&form, "=", 1);
		item += length;
		if (*item == '&')
			strbuf_append(&form, item++, 1);
	}
	return strbuf_release(&form);
}

static bool params_read_form(json_t *params, const char *text,
    const char *where, struct error *err)
{
	struct evkeyvalq pairs;
	char *form;
	bool ok;

	TAILQ_INIT(&pairs);
	form = params_complete_pairs(text);
	ok = *form == '\0' || evhttp_parse_query_str(form, &pairs) == 0;
	util_free_secret(form, strlen(form) + 1);
	if (ok)
		params_add_pairs(params, &pairs);
	else
		error_set(err, "invalid-parameter", "the %s is not "
		    "NAME=VALUE pairs joined by '&'; encode it as a form "
		    "(application/x-www-form-urlencoded) or send JSON", where);
	params_clear_pairs(&pairs);
	return ok;
}

/* Numbers and booleans as the strings a form would have sent. */
static json_t *params_scalar(json_t *value)
{
	char text[32];

	/* A copy: the parsed document is wiped as a whole. */
	if (json_is_string(value))
		return json_stringn_nocheck(json_string_value(value),
		    json_string_length(value));
	if (json_is_integer(value)) {
		snprintf(text, sizeof(text), "%lld",
		    (long long)json_integer_value(value));
		return json_string(text);
	}
	if (json_is_boolean(value))
		return json_string(json_is_true(value) ? "1" : "0");
	return NULL;
}

static json_t *params_value(json_t *value)
{
	json_t *list, *item, *scalar;
	size_t i;

	if (!json_is_array(value))
		return params_scalar(value);
	list = json_array();
	json_array_foreach(value, i, item) {
		if ((scalar = params_scalar(item)) == NULL) {
			json_decref(list);
			return NULL;
		}
		json_array_append_new(list, scalar);
	}
	return list;
}

static bool params_read_json(json_t *params, const char *text,
    size_t length, struct error *err)
{
	json_t *doc = json_loadb(text, length, JSON_REJECT_DUPLICATES, NULL);
	const char *key;
	json_t *value, *converted;
	bool ok = json_is_object(doc);

	json_object_foreach(ok ? doc : NULL, key, value) {
		if (json_is_null(value))
			continue;
		if ((converted = params_value(value)) == NULL) {
			ok = false;
			break;
		}
		json_object_set_new(params, key, converted);
	}
	if (!ok)
		error_set(err, "invalid-parameter", "the JSON body must be one "
		    "object whose values are strings, numbers or lists of "
		    "them, such as {\"service\": \"exim\"}");
	params_free(doc);
	return ok;
}

static bool params_is_json(const char *type)
{
	return type != NULL && strncasecmp(type, "application/json", 16) == 0;
}

/* The body, copied out to parse and wiped where it was, copy and all. */
static bool params_read_body(struct request *r, struct error *err)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->http);
	size_t length = evbuffer_get_length(in);
	unsigned char *raw;
	char *text;
	bool ok;

	if (length > DAEMON_BODY_MAX) {
		error_set(err, "too-large", "the request body has %zu bytes; "
		    "the limit is %d (1 MiB)", length, DAEMON_BODY_MAX);
		return false;
	}
	text = xmalloc(length + 1);
	text[length] = '\0';
	if (length > 0) {
		raw = evbuffer_pullup(in, -1);
		memcpy(text, raw, length);
		OPENSSL_cleanse(raw, length);
	}

	if (params_is_json(request_header(r, "Content-Type")))
		ok = params_read_json(r->params, text, length, err);
	else
		ok = params_read_form(r->params, text, "request body", err);
	util_free_secret(text, length + 1);
	return ok;
}

bool params_read(struct request *r, struct error *err)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r->http);
	const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;

	if (r->params == NULL)
		r->params = json_object();
	if (query != NULL && !params_read_form(r->params, query,
	    "query string", err))
		return false;

	/* evhttp reads no body for GET and HEAD. */
	if (evhttp_request_get_command(r->http) != EVHTTP_REQ_POST)
		return true;
	return params_read_body(r, err);
}

const char *params_get(json_t *params, const char *name)
{
	json_t *value = json_object_get(params, name);

	return json_is_string(value) ? json_string_value(value) : NULL;
}

char **params_list(json_t *params, const char *name, size_t *count)
{
	json_t *value = json_object_get(params, name), *item;
	struct strbuf joined;
	char **names;
	size_t i;

	if (!json_is_array(value))
		return change_split_names(json_is_string(value) ?
		    json_string_value(value) : "", count);

	/* One list either way: ["a", "b,c"] is a, b and c. */
	strbuf_init(&joined);
	json_array_foreach(value, i, item)
		strbuf_appendf(&joined, "%s,", json_string_value(item));
	names = change_split_names(joined.length > 0 ? joined.data : "",
	    count);
	strbuf_free(&joined);
	return names;
}

static bool params_present(const struct request *r, const char *name)
{
	json_t *value = json_object_get(r->params, name);

	if (json_is_array(value))
		return json_array_size(value) > 0;
	return json_is_string(value) && json_string_length(value) > 0;
}

bool params_require(struct request *r, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++)
		if (!params_present(r, names[i])) {
			request_fail_with(r, 400, "missing-parameter", "%s "
			    "needs the parameter '%s' (see docs/api.md)",
			    r->command, names[i]);
			return false;
		}
	return true;
}

static void params_wipe(json_t *value)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_string(value))
		OPENSSL_cleanse((char *)json_string_value(value),
		    json_string_length(value));
	json_array_foreach(value, i, item)
		params_wipe(item);
	json_object_foreach(value, key, item)
		params_wipe(item);
}

void params_free(json_t *params)
{
	params_wipe(params);
	json_decref(params);
}
