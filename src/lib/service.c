/*
 * service.c - the registry: the built-in definitions merged with the
 * files of the services directory, checked, and resolved under --root.
 *
 * Definitions are read in two stages.  First every one is loaded as JSON
 * and a file is merged into the built-in of the same name; then each
 * listed definition is checked and turned into a struct service.  Every
 * error names the definition's file and the key, because the person who
 * reads it is the one who wrote that file.
 */
#include "service.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "builtin.h"
#include "names.h"
#include "util.h"

/* txn_result keeps the name in 64 bytes. */
#define SERVICE_NAME_MAX 63
#define SERVICE_KEY_MAX 64
#define SERVICE_SOURCE_BUILTIN "built-in"

/* One definition before it is checked: a built-in, a file, or both. */
struct service_def {
	char *name;
	json_t *object;
	char *source;            /* "built-in" or the file that changed it */
	bool builtin;
};

struct service_defs {
	struct service_def *items;
	size_t count;
};

/* Who is being parsed, for the error messages. */
struct service_parser {
	const struct config *cfg;
	const char *source;
	struct error *err;
};

static const char *const service_part_names[] = {
	[MATERIAL_CERT] = "cert",
	[MATERIAL_CHAIN] = "chain",
	[MATERIAL_FULLCHAIN] = "fullchain",
	[MATERIAL_KEY] = "key",
	[MATERIAL_KEY_FULLCHAIN] = "key+fullchain",
};

static const char *const service_reload_names[] = {
	[SERVICE_RELOAD_NONE] = "none",
	[SERVICE_RELOAD_COMMAND] = "command",
	[SERVICE_RELOAD_SIGNAL] = "signal",
	[SERVICE_RELOAD_RESTART] = "restart",
};

static const char *const service_protocol_names[] = {
	[PROBE_TLS] = "tls",
	[PROBE_SMTP] = "smtp",
	[PROBE_IMAP] = "imap",
	[PROBE_POP3] = "pop3",
	[PROBE_FTP] = "ftp",
};

/* The signals daemons use to reread their files; no KILL or STOP. */
static const struct {
	const char *name;
	int number;
} service_signals[] = {
	{ "HUP", SIGHUP }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "INT", SIGINT }, { "QUIT", SIGQUIT }, { "TERM", SIGTERM },
	{ "WINCH", SIGWINCH },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int service_lookup(const char *const *names, size_t count,
    const char *name)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

static void service_invalid(const struct service_parser *p, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void service_invalid(const struct service_parser *p, const char *key,
    const char *fmt, ...)
{
	char reason[ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	error_set(p->err, "service-invalid", "%s: %s %s", p->source, key,
	    reason);
}

/* "files[0]" and "mode" give "files[0].mode"; "" and "label" "label". */
static const char *service_key(char buf[SERVICE_KEY_MAX], const char *where,
    const char *key)
{
	if (where[0] == '\0')
		return key;
	snprintf(buf, SERVICE_KEY_MAX, "%s.%s", where, key);
	return buf;
}

static bool service_check_keys(const struct service_parser *p,
    json_t *object, const char *where, const char *const *allowed)
{
	char buf[SERVICE_KEY_MAX];
	const char *key;
	json_t *value;
	size_t i;

	json_object_foreach(object, key, value) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] != NULL)
			continue;
		error_set(p->err, "service-invalid", "%s: unknown key \"%s\"; "
		    "check its spelling or remove it (see svccert-services(5))",
		    p->source, service_key(buf, where, key));
		return false;
	}
	return true;
}

/* A missing optional key leaves *out alone: defaults are set before. */
static bool service_get_string(const struct service_parser *p,
    json_t *object, const char *where, const char *key, bool required,
    char **out)
{
	json_t *value = json_object_get(object, key);
	char buf[SERVICE_KEY_MAX];

	if (value == NULL && required)
		service_invalid(p, service_key(buf, where, key), "is missing; "
		    "add it");
	if (value == NULL)
		return !required;

	if (!json_is_string(value) || json_string_length(value) == 0 ||
	    strlen(json_string_value(value)) != json_string_length(value)) {
		service_invalid(p, service_key(buf, where, key), "must be a "
		    "non-empty string; fix it");
		return false;
	}
	free(*out);
	*out = xstrdup(json_string_value(value));
	return true;
}

/*
 * Definitions name real paths; --root is added here, once.  A ".." would
 * climb out of the root, and write wherever the definition points.
 */
static bool service_get_path(const struct service_parser *p, json_t *object,
    const char *where, const char *key, bool required, char **out)
{
	char buf[SERVICE_KEY_MAX];
	char *path = NULL;

	if (!service_get_string(p, object, where, key, required, &path))
		return false;
	if (path == NULL)
		return true;

	if (!config_path_contained(path)) {
		service_invalid(p, service_key(buf, where, key), "must be an "
		    "absolute path without \"..\" (it is \"%s\"); fix it",
		    path);
		free(path);
		return false;
	}
	free(*out);
	*out = config_resolve(p->cfg, path);
	free(path);
	return true;
}

/*
 * The name a reset certifies and an install is checked against: a typo
 * is reported now, naming the file, rather than by the next reset.
 */
static bool service_get_hostname(const struct service_parser *p,
    json_t *object, char **out)
{
	char *ascii;
	bool ok;

	if (!service_get_string(p, object, "", "hostname", false, out))
		return false;
	if (*out == NULL)
		return true;

	ascii = names_to_ascii(*out);
	ok = ascii != NULL && strncmp(ascii, "*.", 2) != 0;
	free(ascii);
	if (!ok)
		service_invalid(p, "hostname", "is \"%.64s\", which is not a "
		    "valid host name; give a name such as mail.example.com",
		    *out);
	return ok;
}

static bool service_parse_number(const char *text, unsigned long *out)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	*out = strtoul(text, &end, 10);
	return errno == 0 && *end == '\0' && *out < (unsigned long)(uid_t)-1;
}

/* Resolved now, so a typo is reported before any file is written. */
static bool service_resolve_owner(const struct service_parser *p,
    const char *where, struct service_file *file)
{
	char buf[SERVICE_KEY_MAX];
	unsigned long number;
	struct passwd *pw;
	struct group *gr;

	if (service_parse_number(file->owner, &number))
		file->uid = (uid_t)number;
	else if ((pw = getpwnam(file->owner)) != NULL)
		file->uid = pw->pw_uid;
	else {
		service_invalid(p, service_key(buf, where, "owner"), "\"%s\" "
		    "is not a user on this machine; create the user or fix "
		    "the name", file->owner);
		return false;
	}

	if (service_parse_number(file->group, &number))
		file->gid = (gid_t)number;
	else if ((gr = getgrnam(file->group)) != NULL)
		file->gid = gr->gr_gid;
	else {
		service_invalid(p, service_key(buf, where, "group"), "\"%s\" "
		    "is not a group on this machine; create the group or fix "
		    "the name", file->group);
		return false;
	}
	return true;
}

static bool service_holds_key(enum material_part part)
{
	return part == MATERIAL_KEY || part == MATERIAL_KEY_FULLCHAIN;
}

/*
 * text NULL gives the default.  A key readable by everyone is refused
 * outright: any local user could then impersonate the service.
 */
static bool service_parse_mode(const struct service_parser *p,
    const char *where, const char *text, struct service_file *file)
{
	bool key = service_holds_key(file->holds);
	mode_t mode = key ? 0600 : 0644;
	char buf[SERVICE_KEY_MAX];
	size_t length;

	if (text != NULL) {
		length = strlen(text);
		if (length < 3 || length > 4 ||
		    strspn(text, "01234567") != length ||
		    (mode = (mode_t)strtoul(text, NULL, 8)) > 0777) {
			service_invalid(p, service_key(buf, where, "mode"),
			    "\"%s\" is not a file mode; write it in octal "
			    "from \"0000\" to \"0777\", such as \"0640\"",
			    text);
			return false;
		}
	}

	if (key && (mode & 0004) != 0) {
		service_invalid(p, service_key(buf, where, "mode"), "is %04o: "
		    "a private key must not be world-readable; use 0600, or "
		    "0640 with the daemon's group", (unsigned)mode);
		return false;
	}
	if ((mode & 0002) != 0) {
		service_invalid(p, service_key(buf, where, "mode"), "is %04o: "
		    "a certificate file must not be world-writable; use 0644",
		    (unsigned)mode);
		return false;
	}
	file->mode = mode;
	return true;
}

static bool service_parse_holds(const struct service_parser *p,
    const char *where, const char *text, struct service_file *file)
{
	char buf[SERVICE_KEY_MAX];
	int part;

	part = service_lookup(service_part_names, COUNT(service_part_names),
	    text);
	if (part < 0) {
		service_invalid(p, service_key(buf, where, "holds"), "is "
		    "\"%s\"; use cert, chain, fullchain, key or "
		    "key+fullchain", text);
		return false;
	}
	file->holds = (enum material_part)part;
	return true;
}

static bool service_parse_file(const struct service_parser *p,
    json_t *object, const char *where, struct service_file *file)
{
	static const char *const keys[] = {
		"path", "holds", "owner", "group", "mode", NULL,
	};
	char *holds = NULL, *mode = NULL;
	bool ok = false;

	if (!json_is_object(object)) {
		service_invalid(p, where, "must be an object such as "
		    "{\"path\": \"/etc/x.pem\", \"holds\": \"fullchain\"}");
		return false;
	}
	if (!service_check_keys(p, object, where, keys))
		return false;

	/* What the file holds first: the default mode depends on it. */
	if (!service_get_path(p, object, where, "path", true, &file->path) ||
	    !service_get_string(p, object, where, "holds", true, &holds) ||
	    !service_parse_holds(p, where, holds, file))
		goto out;

	file->owner = xstrdup("root");
	file->group = xstrdup("root");
	if (!service_get_string(p, object, where, "owner", false,
	    &file->owner) || !service_get_string(p, object, where, "group",
	    false, &file->group) || !service_resolve_owner(p, where, file))
		goto out;

	if (!service_get_string(p, object, where, "mode", false, &mode) ||
	    !service_parse_mode(p, where, mode, file))
		goto out;
	ok = true;
out:
	free(holds);
	free(mode);
	return ok;
}

/* Two entries for one path would write it twice with different data. */
static bool service_check_paths(const struct service_parser *p,
    const struct service *svc)
{
	size_t i, j;

	for (i = 0; i < svc->file_count; i++)
		for (j = 0; j < i; j++) {
			if (strcmp(svc->files[i].path, svc->files[j].path))
				continue;
			error_set(p->err, "service-invalid", "%s: files[%zu] "
			    "repeats the path of files[%zu] (%s); list each "
			    "file once, with holds \"key+fullchain\" for a "
			    "combined file", p->source, i, j,
			    svc->files[i].path);
			return false;
		}
	return true;
}

static bool service_parse_files(const struct service_parser *p,
    json_t *object, struct service *svc)
{
	json_t *files = json_object_get(object, "files"), *item;
	char where[SERVICE_KEY_MAX];
	size_t i;

	if (!json_is_array(files) || json_array_size(files) == 0) {
		service_invalid(p, "files", "must list the service's "
		    "certificate and key files; add them");
		return false;
	}

	/* Counted before each parse, so a half-read entry is freed. */
	svc->files = xcalloc(json_array_size(files), sizeof(*svc->files));
	json_array_foreach(files, i, item) {
		snprintf(where, sizeof(where), "files[%zu]", i);
		svc->file_count++;
		if (!service_parse_file(p, item, where, &svc->files[i]))
			return false;
	}
	return service_check_paths(p, svc);
}

/* A daemon needs both halves; without either it cannot serve TLS. */
static bool service_check_parts(const struct service_parser *p,
    const struct service *svc)
{
	bool cert = false, key = false;
	size_t i;

	for (i = 0; i < svc->file_count; i++) {
		enum material_part part = svc->files[i].holds;

		key |= service_holds_key(part);
		cert |= part != MATERIAL_KEY && part != MATERIAL_CHAIN;
	}
	if (!cert)
		service_invalid(p, "files", "has no file holding the "
		    "certificate; add one with holds \"cert\" or "
		    "\"fullchain\"");
	else if (!key)
		service_invalid(p, "files", "has no file holding the private "
		    "key; add one with holds \"key\" or \"key+fullchain\"");
	return cert && key;
}

static bool service_parse_signal(const struct service_parser *p,
    const char *text, struct service *svc)
{
	const char *name = text;
	size_t i;

	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	for (i = 0; i < COUNT(service_signals); i++)
		if (strcmp(service_signals[i].name, name) == 0) {
			svc->reload_signal = service_signals[i].number;
			return true;
		}
	service_invalid(p, "reload.signal", "is \"%s\"; use HUP, USR1, USR2, "
	    "INT, QUIT, TERM or WINCH", text);
	return false;
}

/* What each method needs: command, signal, pidfile. */
static const bool service_reload_needs[][3] = {
	[SERVICE_RELOAD_NONE] = { false, false, false },
	[SERVICE_RELOAD_COMMAND] = { true, false, false },
	[SERVICE_RELOAD_SIGNAL] = { false, true, true },
	[SERVICE_RELOAD_RESTART] = { true, false, false },
};

/* A key the method ignores is a mistake, not something to skip. */
static bool service_check_reload_keys(const struct service_parser *p,
    json_t *object, const char *method, enum service_reload reload)
{
	static const char *const keys[] = { "command", "signal", "pidfile" };
	char buf[SERVICE_KEY_MAX];
	size_t i;

	for (i = 0; i < COUNT(keys); i++) {
		bool have = json_object_get(object, keys[i]) != NULL;

		if (have == service_reload_needs[reload][i])
			continue;
		service_invalid(p, service_key(buf, "reload", keys[i]), have ?
		    "is not used by method \"%s\"; remove it" : "is missing; "
		    "method \"%s\" needs it", method);
		return false;
	}
	return true;
}

static bool service_parse_reload(const struct service_parser *p,
    json_t *object, struct service *svc)
{
	static const char *const keys[] = {
		"method", "command", "signal", "pidfile", NULL,
	};
	char *method = NULL, *signal = NULL;
	bool ok = false;
	int reload;

	/* Without a reload the daemon must reread the files by itself. */
	if (object == NULL)
		return true;
	if (!json_is_object(object)) {
		service_invalid(p, "reload", "must be an object such as "
		    "{\"method\": \"command\", \"command\": \"...\"}");
		return false;
	}
	if (!service_check_keys(p, object, "reload", keys) ||
	    !service_get_string(p, object, "reload", "method", true, &method))
		goto out;

	reload = service_lookup(service_reload_names,
	    COUNT(service_reload_names), method);
	if (reload < 0) {
		service_invalid(p, "reload.method", "is \"%s\"; use none, "
		    "command, signal or restart", method);
		goto out;
	}
	svc->reload = (enum service_reload)reload;
	if (!service_check_reload_keys(p, object, method, svc->reload))
		goto out;

	if (!service_get_string(p, object, "reload", "command", false,
	    &svc->reload_command) || !service_get_string(p, object, "reload",
	    "signal", false, &signal) || (signal != NULL &&
	    !service_parse_signal(p, signal, svc)) || !service_get_path(p,
	    object, "reload", "pidfile", false, &svc->pidfile))
		goto out;
	ok = true;
out:
	free(method);
	free(signal);
	return ok;
}

static bool service_parse_endpoint(const struct service_parser *p,
    json_t *object, const char *where, struct endpoint *ep)
{
	static const char *const keys[] = { "host", "port", "protocol", NULL };
	char buf[SERVICE_KEY_MAX];
	char *protocol = NULL;
	json_t *port;
	int found;

	if (!json_is_object(object)) {
		service_invalid(p, where, "must be an object such as "
		    "{\"port\": 993, \"protocol\": \"tls\"}");
		return false;
	}
	ep->host = xstrdup("127.0.0.1");
	if (!service_check_keys(p, object, where, keys) ||
	    !service_get_string(p, object, where, "host", false, &ep->host))
		return false;

	port = json_object_get(object, "port");
	if (!json_is_integer(port) || json_integer_value(port) < 1 ||
	    json_integer_value(port) > 65535) {
		service_invalid(p, service_key(buf, where, "port"), "must be "
		    "a port number from 1 to 65535");
		return false;
	}
	ep->port = (int)json_integer_value(port);

	if (!service_get_string(p, object, where, "protocol", true,
	    &protocol))
		return false;
	found = service_lookup(service_protocol_names,
	    COUNT(service_protocol_names), protocol);
	if (found < 0)
		service_invalid(p, service_key(buf, where, "protocol"), "is "
		    "\"%s\"; use tls, smtp, imap, pop3 or ftp", protocol);
	ep->protocol = (enum probe_protocol)(found < 0 ? 0 : found);
	free(protocol);
	return found >= 0;
}

/* No endpoint is allowed: such a service is installed, not verified. */
static bool service_parse_endpoints(const struct service_parser *p,
    json_t *object, struct service *svc)
{
	json_t *endpoints = json_object_get(object, "endpoints"), *item;
	char where[SERVICE_KEY_MAX];
	size_t i;

	if (endpoints == NULL)
		return true;
	if (!json_is_array(endpoints)) {
		service_invalid(p, "endpoints", "must be a list such as "
		    "[{\"port\": 993, \"protocol\": \"tls\"}]");
		return false;
	}

	svc->endpoints = xcalloc(json_array_size(endpoints),
	    sizeof(*svc->endpoints));
	json_array_foreach(endpoints, i, item) {
		snprintf(where, sizeof(where), "endpoints[%zu]", i);
		svc->endpoint_count++;
		if (!service_parse_endpoint(p, item, where,
		    &svc->endpoints[i]))
			return false;
	}
	return true;
}

static bool service_parse(struct service *svc, const struct service_def *def,
    const struct config *cfg, struct error *err)
{
	static const char *const keys[] = {
		"name", "label", "hostname", "installed_if", "files", "check",
		"reload", "endpoints", NULL,
	};
	struct service_parser p = { cfg, def->source, err };
	json_t *object = def->object;

	svc->name = xstrdup(def->name);
	svc->label = xstrdup(def->name);
	svc->source = xstrdup(def->source);
	svc->builtin = def->builtin;
	if (!service_check_keys(&p, object, "", keys))
		return false;

	if (!service_get_string(&p, object, "", "label", false, &svc->label) ||
	    !service_get_hostname(&p, object, &svc->hostname) ||
	    !service_get_string(&p, object, "", "check", false,
	    &svc->check_command))
		return false;

	return service_parse_files(&p, object, svc) &&
	    service_check_parts(&p, svc) &&
	    service_parse_reload(&p, json_object_get(object, "reload"),
	    svc) && service_parse_endpoints(&p, object, svc);
}

static void service_free(struct service *svc)
{
	size_t i;

	for (i = 0; i < svc->file_count; i++) {
		free(svc->files[i].path);
		free(svc->files[i].owner);
		free(svc->files[i].group);
	}
	for (i = 0; i < svc->endpoint_count; i++)
		free(svc->endpoints[i].host);
	free(svc->files);
	free(svc->endpoints);
	free(svc->name);
	free(svc->label);
	free(svc->hostname);
	free(svc->check_command);
	free(svc->reload_command);
	free(svc->pidfile);
	free(svc->source);
	memset(svc, 0, sizeof(*svc));
}

/* Names end up in file names, commands' output and the API's URLs. */
static bool service_valid_name(const char *name)
{
	size_t length = strlen(name);

	return length > 0 && length <= SERVICE_NAME_MAX &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") ==
	    length && name[0] != '.' && name[0] != '-';
}

static void service_defs_add(struct service_defs *defs, const char *name,
    json_t *object, const char *source, bool builtin)
{
	struct service_def *def;

	defs->items = xrealloc(defs->items,
	    (defs->count + 1) * sizeof(*defs->items));
	def = &defs->items[defs->count++];
	def->name = xstrdup(name);
	def->object = object;
	def->source = xstrdup(source);
	def->builtin = builtin;
}

static struct service_def *service_defs_find(const struct service_defs *defs,
    const char *name)
{
	size_t i;

	for (i = 0; i < defs->count; i++)
		if (strcmp(defs->items[i].name, name) == 0)
			return &defs->items[i];
	return NULL;
}

static void service_defs_free(struct service_defs *defs)
{
	size_t i;

	for (i = 0; i < defs->count; i++) {
		free(defs->items[i].name);
		free(defs->items[i].source);
		json_decref(defs->items[i].object);
	}
	free(defs->items);
	defs->items = NULL;
	defs->count = 0;
}

/* The built-ins are part of the program: one that does not parse is a
 * bug in builtin.c, caught by the tests. */
static void service_defs_load_builtins(struct service_defs *defs)
{
	json_error_t jerr;
	json_t *object;
	size_t i;

	for (i = 0; i < builtin_service_count; i++) {
		object = json_loads(builtin_services[i].json,
		    JSON_REJECT_DUPLICATES, &jerr);
		if (object == NULL)
			abort();
		service_defs_add(defs, builtin_services[i].name, object,
		    SERVICE_SOURCE_BUILTIN, true);
	}
}

/* The name key, or else the file name without ".json". */
static bool service_def_name(const struct service_parser *p, json_t *object,
    const char *stem, char **name)
{
	json_t *value = json_object_get(object, "name");

	if (value == NULL && !service_valid_name(stem)) {
		error_set(p->err, "service-invalid", "%s: the file name gives "
		    "the service name \"%s\", which is not lower-case letters, "
		    "digits, '-', '_' and '.'; rename the file", p->source,
		    stem);
		return false;
	}
	if (value != NULL && (!json_is_string(value) ||
	    !service_valid_name(json_string_value(value)))) {
		service_invalid(p, "name", "must be up to %d lower-case "
		    "letters, digits, '-', '_' and '.'; fix it",
		    SERVICE_NAME_MAX);
		return false;
	}
	*name = xstrdup(value != NULL ? json_string_value(value) : stem);
	return true;
}

/*
 * A file of a built-in's name overrides it key by key: only the keys it
 * has replace the built-in's, each one whole ("files" replaces every
 * file).  Any other file adds a service.
 */
static bool service_defs_merge(struct service_defs *defs,
    const struct service_parser *p, json_t *object, const char *name)
{
	struct service_def *def = service_defs_find(defs, name);

	if (def == NULL) {
		service_defs_add(defs, name, json_incref(object), p->source,
		    false);
		return true;
	}
	if (!def->builtin || strcmp(def->source, SERVICE_SOURCE_BUILTIN)) {
		error_set(p->err, "service-invalid", "%s: service \"%s\" is "
		    "also defined by %s; remove one of the two", p->source,
		    name, def->source);
		return false;
	}
	json_object_update(def->object, object);
	free(def->source);
	def->source = xstrdup(p->source);
	return true;
}

static bool service_defs_load_file(struct service_defs *defs,
    const struct config *cfg, const char *path, const char *stem,
    struct error *err)
{
	struct service_parser p = { cfg, path, err };
	json_error_t jerr;
	json_t *object;
	char *name = NULL;
	bool ok = false;

	object = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (object == NULL) {
		error_set(err, "service-invalid", "%s line %d is not valid "
		    "JSON (%s); fix the file", path, jerr.line, jerr.text);
		return false;
	}
	if (!json_is_object(object)) {
		error_set(err, "service-invalid", "%s must hold one JSON "
		    "object ({ ... }); fix the file", path);
		goto out;
	}

	if (!service_def_name(&p, object, stem, &name) ||
	    !service_defs_merge(defs, &p, object, name))
		goto out;
	ok = true;
out:
	free(name);
	json_decref(object);
	return ok;
}

static int service_compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The "*.json" names of dir, sorted so that errors do not depend on the
 * order readdir happens to give.  Hidden files (editors' and package
 * managers' leftovers) are skipped.  A missing folder holds no file.
 */
static bool service_list_dir(const char *dir, char ***names, size_t *count,
    struct error *err)
{
	struct dirent *ent;
	size_t length;
	DIR *d;

	*names = NULL;
	*count = 0;
	if ((d = opendir(dir)) == NULL && errno == ENOENT)
		return true;
	if (d == NULL) {
		error_set_errno(err, "services-unreadable", errno, "cannot "
		    "read the services folder %s", dir);
		return false;
	}

	while ((ent = readdir(d)) != NULL) {
		length = strlen(ent->d_name);
		if (ent->d_name[0] == '.' || length <= 5 ||
		    strcmp(ent->d_name + length - 5, ".json") != 0)
			continue;
		*names = xrealloc(*names, (*count + 1) * sizeof(**names));
		(*names)[(*count)++] = xstrdup(ent->d_name);
	}
	closedir(d);
	if (*count > 0)
		qsort(*names, *count, sizeof(**names), service_compare_names);
	return true;
}

static bool service_defs_load_dir(struct service_defs *defs,
    const struct config *cfg, struct error *err)
{
	char **names, *path, *stem;
	size_t count, i;
	bool ok = true;

	if (!service_list_dir(cfg->services_dir, &names, &count, err))
		return false;

	for (i = 0; i < count; i++) {
		path = xasprintf("%s/%s", cfg->services_dir, names[i]);
		stem = xstrndup(names[i], strlen(names[i]) - 5);
		ok = ok && service_defs_load_file(defs, cfg, path, stem, err);
		free(stem);
		free(path);
		free(names[i]);
	}
	free(names);
	return ok;
}

/* Whether any of the definition's files exists under root. */
static bool service_def_has_files(const struct config *cfg, json_t *object)
{
	json_t *files = json_object_get(object, "files"), *item, *path;
	bool found = false;
	char *resolved;
	size_t i;

	json_array_foreach(files, i, item) {
		path = json_object_get(item, "path");
		if (!json_is_string(path) ||
		    !config_path_contained(json_string_value(path)))
			continue;
		resolved = config_resolve(cfg, json_string_value(path));
		found |= access(resolved, F_OK) == 0;
		free(resolved);
	}
	return found;
}

/*
 * A definition with installed_if is listed when one of those paths exists
 * on the real machine: they name the daemon's binaries, which --root does
 * not hold.  It is listed as well when one of its files exists under
 * root, so a certificate svccert manages stays in view and its expiry is
 * reported even while the daemon is away.  Without installed_if it is
 * always listed, and so is the built-in of the program that is running.
 */
static const char *service_running_builtin;

void registry_list_builtin(const char *name)
{
	service_running_builtin = name;
}

static bool service_def_listed(const struct config *cfg,
    const struct service_def *def, bool *listed, struct error *err)
{
	json_t *paths = json_object_get(def->object, "installed_if"), *item;
	struct service_parser p = { cfg, def->source, err };
	char key[SERVICE_KEY_MAX];
	size_t i;

	*listed = paths == NULL;
	if (paths != NULL && !json_is_array(paths)) {
		service_invalid(&p, "installed_if", "must be a list of "
		    "absolute paths such as [\"/usr/sbin/exim4\"]");
		return false;
	}

	json_array_foreach(paths, i, item) {
		snprintf(key, sizeof(key), "installed_if[%zu]", i);
		if (!json_is_string(item) ||
		    json_string_value(item)[0] != '/') {
			service_invalid(&p, key, "must be an absolute path");
			return false;
		}
		*listed |= access(json_string_value(item), F_OK) == 0;
	}

	*listed |= service_def_has_files(cfg, def->object);
	*listed |= def->builtin && service_running_builtin != NULL &&
	    strcmp(def->name, service_running_builtin) == 0;
	return true;
}

static int service_compare(const void *a, const void *b)
{
	const struct service *x = a, *y = b;

	return strcmp(x->name, y->name);
}

bool registry_load(struct registry *reg, const struct config *cfg,
    struct error *err)
{
	struct service_defs defs = { NULL, 0 };
	bool ok = false, listed;
	size_t i;

	memset(reg, 0, sizeof(*reg));
	service_defs_load_builtins(&defs);
	if (!service_defs_load_dir(&defs, cfg, err))
		goto out;

	/* Only listed ones are checked: an absent daemon's user (such as
	 * Debian-exim) does not exist, and that is no error. */
	reg->services = xcalloc(defs.count, sizeof(*reg->services));
	for (i = 0; i < defs.count; i++) {
		if (!service_def_listed(cfg, &defs.items[i], &listed, err))
			goto out;
		if (listed && !service_parse(&reg->services[reg->count++],
		    &defs.items[i], cfg, err))
			goto out;
	}

	qsort(reg->services, reg->count, sizeof(*reg->services),
	    service_compare);
	ok = true;
out:
	service_defs_free(&defs);
	if (!ok)
		registry_free(reg);
	return ok;
}

void registry_free(struct registry *reg)
{
	size_t i;

	for (i = 0; i < reg->count; i++)
		service_free(&reg->services[i]);
	free(reg->services);
	reg->services = NULL;
	reg->count = 0;
}

struct service *registry_find(const struct registry *reg, const char *name)
{
	struct service key = { .name = (char *)name };

	if (reg->count == 0)
		return NULL;
	return bsearch(&key, reg->services, reg->count,
	    sizeof(*reg->services), service_compare);
}

/*
 * A key+fullchain file is read once, as a certificate file: the key in
 * it is found all the same, and reading it twice would count two keys.
 */
bool service_read_input(const struct service *svc, struct input *in,
    struct findings *findings)
{
	enum input_origin origin;
	struct stat st;
	bool ok = true;
	size_t i;

	for (i = 0; i < svc->file_count; i++) {
		const struct service_file *file = &svc->files[i];

		if (stat(file->path, &st) != 0 && errno == ENOENT)
			continue;
		origin = file->holds == MATERIAL_KEY ? INPUT_FROM_KEY
		    : INPUT_FROM_CERT;
		if (!input_read_file(in, file->path, origin, NULL, findings))
			ok = false;
	}
	return ok;
}

/* Say which file should have held the certificate. */
static void service_no_certificate(const struct service *svc,
    struct error *err)
{
	const struct service_file *file = &svc->files[0];
	struct stat st;
	size_t i;

	for (i = 0; i < svc->file_count; i++)
		if (svc->files[i].holds != MATERIAL_KEY &&
		    svc->files[i].holds != MATERIAL_CHAIN) {
			file = &svc->files[i];
			break;
		}

	error_set(err, "no-certificate", "%s has no certificate installed "
	    "(%s %s); install one or run svccert reset %s", svc->name,
	    file->path, stat(file->path, &st) != 0 ? "is missing"
	    : "holds none", svc->name);
}

bool service_read_material(const struct service *svc, struct material *mat,
    struct error *err)
{
	struct findings findings;
	struct input in;
	bool ok = false;
	size_t i;

	input_init(&in);
	findings_init(&findings);

	/* The first error is the one to fix first. */
	if (!service_read_input(svc, &in, &findings)) {
		for (i = 0; i < findings.count; i++)
			if (findings.items[i].severity == FINDING_ERROR)
				break;
		if (i < findings.count)
			error_set(err, findings.items[i].code, "%s: %s",
			    svc->name, findings.items[i].message);
		else
			error_set(err, "malformed-input", "%s: its installed "
			    "files cannot be read", svc->name);
		goto out;
	}

	if (in.cert_count == 0) {
		service_no_certificate(svc, err);
		goto out;
	}
	if (!material_from_input(mat, &in, err))
		goto out;
	ok = true;
out:
	input_free(&in);
	findings_free(&findings);
	return ok;
}

const char *service_hostname(const struct service *svc,
    const struct config *cfg)
{
	return svc->hostname != NULL ? svc->hostname : cfg->hostname;
}

const char *service_reload_name(enum service_reload reload)
{
	if ((size_t)reload >= COUNT(service_reload_names))
		abort();
	return service_reload_names[reload];
}

const char *probe_protocol_name(enum probe_protocol protocol)
{
	if ((size_t)protocol >= COUNT(service_protocol_names))
		abort();
	return service_protocol_names[protocol];
}

const char *material_part_name(enum material_part part)
{
	if ((size_t)part >= COUNT(service_part_names))
		abort();
	return service_part_names[part];
}
