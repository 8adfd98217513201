/*
 * config.c - read svccert.conf (JSON) and resolve paths under --root.
 *
 * Every key is checked: an unknown key or a wrong type is an error naming
 * the key, because a misspelt "warn_day" silently ignored would leave the
 * administrator believing a setting is in force.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "names.h"
#include "util.h"

#define CONFIG_DEFAULT_KEY_TYPE "rsa-2048"
#define CONFIG_DEFAULT_PROBE_TIMEOUT 10
#define CONFIG_DEFAULT_WARN_DAYS 30

struct config_key {
	const char *name;
	bool (*apply)(struct config *, const char *, json_t *,
	    struct error *);
};

static const char *const config_key_types[] = {
	"rsa-2048", "rsa-4096", "ecdsa-p256", "ecdsa-p384", NULL,
};

static bool config_get_string(struct config *cfg, const char *key,
    json_t *value, char **out, struct error *err)
{
	if (!json_is_string(value) || json_string_length(value) == 0 ||
	    strlen(json_string_value(value)) != json_string_length(value)) {
		error_set(err, "config-invalid", "%s in %s must be a "
		    "non-empty string; fix or remove it", key, cfg->file);
		return false;
	}
	free(*out);
	*out = xstrdup(json_string_value(value));
	return true;
}

/* Paths in the file are as on the real machine; root is added here, and
 * a ".." could climb out of it. */
static bool config_get_path(struct config *cfg, const char *key,
    json_t *value, char **out, struct error *err)
{
	char *path = NULL;

	if (!config_get_string(cfg, key, value, &path, err))
		return false;
	if (path[0] != '/') {
		error_set(err, "config-invalid", "%s in %s must be an absolute "
		    "path (it is \"%s\"); fix it", key, cfg->file, path);
		free(path);
		return false;
	}
	if (!config_path_contained(path)) {
		error_set(err, "config-invalid", "%s in %s must not contain "
		    "\"..\" (it is \"%s\"); write the path without it", key,
		    cfg->file, path);
		free(path);
		return false;
	}
	free(*out);
	*out = config_resolve(cfg, path);
	free(path);
	return true;
}

static bool config_get_int(struct config *cfg, const char *key,
    json_t *value, json_int_t min, json_int_t max, int *out,
    struct error *err)
{
	json_int_t n;

	if (!json_is_integer(value) || (n = json_integer_value(value)) < min
	    || n > max) {
		error_set(err, "config-invalid", "%s in %s must be a whole "
		    "number from %lld to %lld; fix or remove it", key,
		    cfg->file, (long long)min, (long long)max);
		return false;
	}
	*out = (int)n;
	return true;
}

/*
 * Checked now, so that the mistake names the file rather than failing
 * the next reset.  An alias may also be an IP address or a wildcard, as
 * a reset certificate can hold those; the hostname is the name clients
 * connect to and certificates are checked against, so it cannot.
 */
static bool config_check_name(const struct config *cfg, const char *key,
    const char *name, bool alias, struct error *err)
{
	ASN1_OCTET_STRING *ip = alias ? a2i_IPADDRESS(name) : NULL;
	char *ascii;
	bool ok;

	ERR_clear_error();
	if (ip != NULL) {
		ASN1_OCTET_STRING_free(ip);
		return true;
	}

	ascii = names_to_ascii(name);
	ok = ascii != NULL && (alias || strncmp(ascii, "*.", 2) != 0);
	free(ascii);
	if (!ok)
		error_set(err, "config-invalid", "%s in %s is \"%.64s\", which "
		    "is not a valid host name; give a name such as "
		    "mail.example.com", key, cfg->file, name);
	return ok;
}

static bool config_set_hostname(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	return config_get_string(cfg, key, value, &cfg->hostname, err) &&
	    config_check_name(cfg, key, cfg->hostname, false, err);
}

static bool config_set_aliases(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	char entry[32];
	json_t *item;
	size_t i;

	if (!json_is_array(value)) {
		error_set(err, "config-invalid", "%s in %s must be a list of "
		    "host names; fix or remove it", key, cfg->file);
		return false;
	}

	cfg->aliases = xcalloc(json_array_size(value), sizeof(char *));
	json_array_foreach(value, i, item) {
		snprintf(entry, sizeof(entry), "%s[%zu]", key, i);
		if (!config_get_string(cfg, entry, item,
		    &cfg->aliases[cfg->alias_count], err))
			return false;
		cfg->alias_count++;
		if (!config_check_name(cfg, entry, cfg->aliases[i], true, err))
			return false;
	}
	return true;
}

static bool config_set_key_type(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	size_t i;

	if (!config_get_string(cfg, key, value, &cfg->key_type, err))
		return false;

	for (i = 0; config_key_types[i] != NULL; i++)
		if (strcmp(cfg->key_type, config_key_types[i]) == 0)
			return true;
	error_set(err, "config-invalid", "%s in %s is \"%s\"; use rsa-2048, "
	    "rsa-4096, ecdsa-p256 or ecdsa-p384", key, cfg->file,
	    cfg->key_type);
	return false;
}

static bool config_set_state_dir(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	return config_get_path(cfg, key, value, &cfg->state_dir, err);
}

static bool config_set_services_dir(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	return config_get_path(cfg, key, value, &cfg->services_dir, err);
}

static bool config_set_trust_file(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	return config_get_path(cfg, key, value, &cfg->trust_file, err);
}

/* An hour is far longer than any daemon needs to come back. */
static bool config_set_probe_timeout(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	int seconds;

	if (!config_get_int(cfg, key, value, 1, 3600, &seconds, err))
		return false;
	cfg->probe_timeout_ms = seconds * 1000;
	return true;
}

static bool config_set_warn_days(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	return config_get_int(cfg, key, value, 0, 3650, &cfg->warn_days, err);
}

/* Checked here, so a typo names the file rather than failing a bind. */
static bool config_get_address(struct config *cfg, const char *key,
    json_t *value, char **out, struct error *err)
{
	char *host, *what;
	int port;
	bool ok;

	if (!config_get_string(cfg, key, value, out, err))
		return false;
	what = xasprintf("%s in %s", key, cfg->file);
	ok = config_split_address(*out, what, &host, &port, err);
	free(host);
	free(what);

	/* Like every other mistake in the file. */
	if (!ok)
		snprintf(err->code, sizeof(err->code), "config-invalid");
	return ok;
}

static bool config_set_listen(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	return config_get_address(cfg, key, value, &cfg->listen, err);
}

static bool config_set_redirect_listen(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	return config_get_address(cfg, key, value, &cfg->redirect_listen,
	    err);
}

static bool config_set_web_dir(struct config *cfg, const char *key,
    json_t *value, struct error *err)
{
	return config_get_path(cfg, key, value, &cfg->web_dir, err);
}

static const struct config_key config_keys[] = {
	{ "hostname", config_set_hostname },
	{ "aliases", config_set_aliases },
	{ "key_type", config_set_key_type },
	{ "state_dir", config_set_state_dir },
	{ "services_dir", config_set_services_dir },
	{ "probe_timeout", config_set_probe_timeout },
	{ "warn_days", config_set_warn_days },
	{ "trust_file", config_set_trust_file },
	{ "listen", config_set_listen },
	{ "redirect_listen", config_set_redirect_listen },
	{ "web_dir", config_set_web_dir },
	{ NULL, NULL },
};

/*
 * The name a reset certificate is made for: the canonical name the
 * resolver gives, since a bare gethostname() is often only "host".
 */
static char *config_machine_hostname(void)
{
	struct addrinfo hints, *res = NULL;
	char host[HOST_NAME_MAX + 1];
	char *name;

	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		return xstrdup("localhost");
	host[sizeof(host) - 1] = '\0';

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_CANONNAME;
	if (getaddrinfo(host, NULL, &hints, &res) == 0 && res != NULL &&
	    res->ai_canonname != NULL && res->ai_canonname[0] != '\0')
		name = xstrdup(res->ai_canonname);
	else
		name = xstrdup(host);
	if (res != NULL)
		freeaddrinfo(res);
	return name;
}

static void config_set_defaults(struct config *cfg)
{
	cfg->key_type = xstrdup(CONFIG_DEFAULT_KEY_TYPE);
	cfg->state_dir = config_resolve(cfg, CONFIG_DEFAULT_STATE_DIR);
	cfg->services_dir = config_resolve(cfg, CONFIG_DEFAULT_SERVICES_DIR);
	cfg->probe_timeout_ms = CONFIG_DEFAULT_PROBE_TIMEOUT * 1000;
	cfg->warn_days = CONFIG_DEFAULT_WARN_DAYS;
	cfg->listen = xstrdup(CONFIG_DEFAULT_LISTEN);
	cfg->redirect_listen = xstrdup(CONFIG_DEFAULT_REDIRECT_LISTEN);
}

static bool config_apply(struct config *cfg, json_t *root, struct error *err)
{
	const struct config_key *k;
	const char *name;
	json_t *value;

	if (!json_is_object(root)) {
		error_set(err, "config-invalid", "%s must hold one JSON object "
		    "({ ... }); fix the file", cfg->file);
		return false;
	}

	json_object_foreach(root, name, value) {
		for (k = config_keys; k->name != NULL; k++)
			if (strcmp(k->name, name) == 0)
				break;
		if (k->name == NULL) {
			error_set(err, "config-invalid", "unknown key "
			    "\"%s\" in %s; check its spelling or remove it "
			    "(see svccert-services(5))", name, cfg->file);
			return false;
		}
		if (!k->apply(cfg, name, value, err))
			return false;
	}
	return true;
}

/* Missing is reported apart from unreadable or malformed. */
static bool config_read_file(struct config *cfg, bool named,
    struct error *err)
{
	json_error_t jerr;
	struct stat st;
	json_t *root;
	bool ok;

	if (stat(cfg->file, &st) != 0 && errno == ENOENT) {
		if (!named)
			return true;
		error_set(err, "config-missing", "the configuration file %s "
		    "does not exist; create it or leave out --config",
		    cfg->file);
		return false;
	}

	root = json_load_file(cfg->file, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL && jerr.line < 0) {
		error_set(err, "config-unreadable", "cannot read %s (%s); "
		    "check its permissions", cfg->file, jerr.text);
		return false;
	}
	if (root == NULL) {
		error_set(err, "config-invalid", "%s line %d is not valid "
		    "JSON (%s); fix the file", cfg->file, jerr.line,
		    jerr.text);
		return false;
	}

	ok = config_apply(cfg, root, err);
	json_decref(root);
	return ok;
}

/* "/", "" and NULL mean the real machine; no trailing '/' is kept. */
static char *config_normalise_root(const char *root)
{
	size_t length;

	if (root == NULL)
		return xstrdup("");
	length = strlen(root);
	while (length > 0 && root[length - 1] == '/')
		length--;
	return xstrndup(root, length);
}

bool config_load(struct config *cfg, const char *root, const char *file,
    struct error *err)
{
	bool ok = false;

	memset(cfg, 0, sizeof(*cfg));
	cfg->root = config_normalise_root(root);
	cfg->file = file != NULL ? xstrdup(file)
	    : config_resolve(cfg, CONFIG_DEFAULT_FILE);
	config_set_defaults(cfg);

	if (!config_read_file(cfg, file != NULL, err))
		goto out;

	/* Only now: looking up the FQDN can be slow, and is not needed
	 * when the file names the host. */
	if (cfg->hostname == NULL)
		cfg->hostname = config_machine_hostname();
	ok = true;
out:
	if (!ok)
		config_free(cfg);
	return ok;
}

void config_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->alias_count; i++)
		free(cfg->aliases[i]);
	free(cfg->aliases);
	free(cfg->root);
	free(cfg->file);
	free(cfg->hostname);
	free(cfg->key_type);
	free(cfg->state_dir);
	free(cfg->services_dir);
	free(cfg->trust_file);
	free(cfg->listen);
	free(cfg->redirect_listen);
	free(cfg->web_dir);
	memset(cfg, 0, sizeof(*cfg));
}

char *config_resolve(const struct config *cfg, const char *path)
{
	/* A relative path would land beside the root, not under it. */
	if (path == NULL || path[0] != '/')
		abort();
	return xasprintf("%s%s", cfg->root, path);
}

bool config_path_contained(const char *path)
{
	const char *part = path;
	size_t length;

	if (path[0] != '/')
		return false;
	for (;;) {
		part += strspn(part, "/");
		length = strcspn(part, "/");
		if (length == 0)
			return true;
		if (length == 2 && strncmp(part, "..", 2) == 0)
			return false;
		part += length;
	}
}

size_t config_reset_names(const struct config *cfg, const char ***names)
{
	const char **list;
	size_t count = 0, i, j;

	list = xcalloc(cfg->alias_count + 1, sizeof(*list));
	list[count++] = cfg->hostname;

	/* A name twice would be a duplicate subjectAltName. */
	for (i = 0; i < cfg->alias_count; i++) {
		for (j = 0; j < count; j++)
			if (strcasecmp(list[j], cfg->aliases[i]) == 0)
				break;
		if (j == count)
			list[count++] = cfg->aliases[i];
	}
	*names = list;
	return count;
}

/* The host part: "[v6]" unbracketed, else everything before the colon. */
static char *config_address_host(const char *text, const char *colon)
{
	if (text[0] == '[') {
		if (colon - text < 3 || colon[-1] != ']')
			return NULL;
		return xstrndup(text + 1, (size_t)(colon - text - 2));
	}
	if (colon == text || memchr(text, ']', (size_t)(colon - text)))
		return NULL;
	return xstrndup(text, (size_t)(colon - text));
}

bool config_split_address(const char *text, const char *what, char **host,
    int *port, struct error *err)
{
	const char *colon = strrchr(text, ':');
	char *end;
	long number = 0;

	*host = NULL;
	if (colon != NULL && colon[1] != '\0') {
		errno = 0;
		number = strtol(colon + 1, &end, 10);
		if (*end != '\0' || errno != 0 || colon[1] == '-' ||
		    colon[1] == '+')
			number = 0;
	}

	/* An IPv6 address without brackets cannot be told from a port. */
	if (number >= 1 && number <= 65535 &&
	    (text[0] == '[' || strchr(text, ':') == colon))
		*host = config_address_host(text, colon);
	if (*host == NULL) {
		error_set(err, "bad-address", "%s is \"%.64s\"; write "
		    "ADDRESS:PORT such as 127.0.0.1:2087 or [::1]:2087", what,
		    text);
		return false;
	}
	*port = (int)number;
	return true;
}
