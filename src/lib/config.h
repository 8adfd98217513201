/*
 * config.h - svccert's own settings (/etc/svccert/svccert.conf, JSON).
 *
 * {
 *   "hostname": "host.example.com",  machine's FQDN when absent
 *   "aliases": ["mail.example.com"], extra names for reset
 *   "key_type": "rsa-2048",          reset: rsa-2048 rsa-4096 ecdsa-p256
 *                                    ecdsa-p384
 *   "state_dir": "/var/lib/svccert",
 *   "services_dir": "/etc/svccert/services.d",
 *   "probe_timeout": 10,             seconds to wait for a daemon to serve
 *   "warn_days": 30,                 expires-soon threshold
 *   "trust_file": "/etc/svccert/roots.pem"  extra trusted roots (PEM) for
 *                                    chain checks, besides the system's
 *   "listen": "127.0.0.1:2087",      svccertd's HTTPS address
 *   "redirect_listen": "127.0.0.1:2086",  its plain-HTTP redirect
 *   "web_dir": "/usr/share/svccert/web"   the panel's page
 * }
 *
 * With --root DIR every path (the config file's own default location,
 * state_dir, services_dir, and the paths inside service definitions) is
 * resolved under DIR, so svccert can be tried without touching the
 * machine's files.
 */
#ifndef SVCCERT_CONFIG_H
#define SVCCERT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define CONFIG_DEFAULT_FILE "/etc/svccert/svccert.conf"
#define CONFIG_DEFAULT_STATE_DIR "/var/lib/svccert"
#define CONFIG_DEFAULT_SERVICES_DIR "/etc/svccert/services.d"
#define CONFIG_DEFAULT_LISTEN "127.0.0.1:2087"
#define CONFIG_DEFAULT_REDIRECT_LISTEN "127.0.0.1:2086"

struct config {
	char *root;           /* "" when none; never ends in '/' */
	char *file;           /* the config file read (may not exist) */
	char *hostname;
	char **aliases;
	size_t alias_count;
	char *key_type;
	char *state_dir;      /* resolved under root */
	char *services_dir;   /* resolved under root */
	int probe_timeout_ms;
	int warn_days;
	char *trust_file;     /* resolved under root; NULL when not set */
	char *listen;         /* "ADDR:PORT" ("[v6]:PORT"), checked */
	char *redirect_listen;
	char *web_dir;        /* resolved under root; NULL when not set */
};

/*
 * root may be NULL or "".  file NULL means the default file under root;
 * a missing default file is fine, a missing named file is an error.
 */
bool config_load(struct config *cfg, const char *root, const char *file,
    struct error *err);
void config_free(struct config *cfg);

/* root + path, newly allocated; path must be absolute. */
char *config_resolve(const struct config *cfg, const char *path);

/*
 * Whether path may be resolved under a root: absolute, and without a
 * ".." component, which would climb out of it.
 */
bool config_path_contained(const char *path);

/*
 * hostname then aliases, for a self-signed certificate, without
 * duplicates.  *names is malloc'd (the caller frees it with free()); the
 * strings in it belong to cfg.
 */
size_t config_reset_names(const struct config *cfg, const char ***names);

/*
 * "127.0.0.1:2087", "[::1]:2087" or "host.example:2087" into a host
 * (brackets removed, newly allocated) and a port from 1 to 65535.
 * code bad-address, naming what, e.g. "--listen".
 */
bool config_split_address(const char *text, const char *what, char **host,
    int *port, struct error *err);

#endif
