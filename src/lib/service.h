/*
 * service.h - the registry of TLS services svccert manages.
 *
 * Built-in definitions (builtin.c) cover Exim, Dovecot and Pure-FTPd as
 * Debian lays them out, and the panel svccertd.  Each file NAME.json in
 * the services directory adds a service, or overrides the built-in of the
 * same name key by key.  See svccert-services(5) for the format.
 */
#ifndef SVCCERT_SERVICE_H
#define SVCCERT_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "input.h"
#include "material.h"

enum service_reload {
	SERVICE_RELOAD_NONE,     /* the daemon reads the files per connection */
	SERVICE_RELOAD_COMMAND,  /* run a command (e.g. doveadm reload) */
	SERVICE_RELOAD_SIGNAL,   /* signal the PID in pidfile (e.g. HUP) */
	SERVICE_RELOAD_RESTART,  /* run a command that stops and starts it */
};

enum probe_protocol {
	PROBE_TLS,   /* implicit TLS */
	PROBE_SMTP,  /* EHLO, STARTTLS */
	PROBE_IMAP,  /* a STARTTLS */
	PROBE_POP3,  /* STLS */
	PROBE_FTP,   /* AUTH TLS */
};

struct endpoint {
	char *host;
	int port;
	enum probe_protocol protocol;
};

struct service_file {
	char *path;              /* resolved under root */
	enum material_part holds;
	char *owner;
	char *group;
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

struct service {
	char *name;              /* "exim" */
	char *label;             /* "Exim (SMTP)" */
	char *hostname;          /* NULL: the configured hostname */
	struct service_file *files;
	size_t file_count;
	char *check_command;     /* NULL or sh command; non-zero exit refuses */
	enum service_reload reload;
	char *reload_command;
	int reload_signal;
	char *pidfile;           /* resolved under root */
	struct endpoint *endpoints;
	size_t endpoint_count;
	bool builtin;
	char *source;            /* "built-in" or the definition's file */
};

struct registry {
	struct service *services;  /* sorted by name */
	size_t count;
};

/*
 * Built-ins whose daemon is installed, plus every definition file.
 * A definition file that does not parse is an error naming it.
 */
bool registry_load(struct registry *reg, const struct config *cfg,
    struct error *err);
void registry_free(struct registry *reg);

/*
 * From now on every registry this process loads lists the built-in
 * called name, even where its installed_if paths are absent: svccertd
 * lists itself, since it is running from wherever its binary lives
 * (a build folder, /usr/local) and needs its own definition to make its
 * first certificate.  Call it before any thread starts.
 */
void registry_list_builtin(const char *name);
struct service *registry_find(const struct registry *reg, const char *name);

/* Read the service's current files into in (missing files are skipped). */
bool service_read_input(const struct service *svc, struct input *in,
    struct findings *findings);

/* Current leaf, key and chain; code no-certificate when none installed. */
bool service_read_material(const struct service *svc, struct material *mat,
    struct error *err);

/* The name the service's certificate must cover. */
const char *service_hostname(const struct service *svc,
    const struct config *cfg);

const char *service_reload_name(enum service_reload reload);
const char *probe_protocol_name(enum probe_protocol protocol);
const char *material_part_name(enum material_part part);

#endif
