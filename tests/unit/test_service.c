/*
 * test_service.c - the registry: built-ins, overrides, new services,
 * errors that name the file and key, and reading installed files.
 *
 * exim4, dovecot and pure-ftpd are installed on the test machine; svccertd
 * is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic.h"
#include "fixture.h"
#include "material.h"
#include "service.h"
#include "util.h"

/* A root with a config file, so no test waits on a DNS lookup. */
static char *make_root(void)
{
	char *root = fixture_temp_dir();
	char *dir = xasprintf("%s/etc/svccert/services.d", root);
	struct error err;

	assert_true(atomic_make_dirs(dir, 0755, &err));
	free(dir);
	dir = xasprintf("%s/etc/svccert", root);
	free(fixture_write_file(dir, "svccert.conf",
	    "{\"hostname\": \"host.example.com\"}"));
	free(dir);
	return root;
}

static char *write_definition(const char *root, const char *name,
    const char *text)
{
	char *dir = xasprintf("%s/etc/svccert/services.d", root);
	char *path = fixture_write_file(dir, name, text);

	free(dir);
	return path;
}

/* root + path, which the registry should have made of path. */
static void assert_under_root(const char *got, const char *root,
    const char *path)
{
	char *expect = xasprintf("%s%s", root, path);

	assert_string_equal(got, expect);
	free(expect);
}

static void load(const char *root, struct config *cfg, struct registry *reg)
{
	struct error err;

	assert_true(config_load(cfg, root, NULL, &err));
	if (!registry_load(reg, cfg, &err))
		fail_msg("registry_load: %s: %s", err.code, err.message);
}

static void unload(struct config *cfg, struct registry *reg)
{
	registry_free(reg);
	config_free(cfg);
}

static void test_service_builtins_installed(void **state)
{
	char *root = make_root();
	struct registry reg;
	struct config cfg;

	load(root, &cfg, &reg);
	assert_int_equal(reg.count, 3);
	assert_string_equal(reg.services[0].name, "dovecot");
	assert_string_equal(reg.services[1].name, "exim");
	assert_string_equal(reg.services[2].name, "pure-ftpd");
	assert_null(registry_find(&reg, "svccertd"));
	assert_null(registry_find(&reg, "nginx"));
	assert_true(reg.services[0].builtin);
	assert_string_equal(reg.services[0].source, "built-in");
	unload(&cfg, &reg);
	free(root);
}

static void test_service_builtin_exim(void **state)
{
	char *root = make_root();
	struct service *exim;
	struct registry reg;
	struct config cfg;
	struct group *gr = getgrnam("Debian-exim");
	gid_t exim_gid;

	/* Copied: the registry's own getgrnam calls reuse the buffer. */
	assert_non_null(gr);
	exim_gid = gr->gr_gid;
	load(root, &cfg, &reg);
	exim = registry_find(&reg, "exim");
	assert_non_null(exim);
	assert_string_equal(exim->label, "Exim (SMTP)");
	assert_null(exim->hostname);
	assert_string_equal(service_hostname(exim, &cfg), "host.example.com");

	/* Exim reads its key as Debian-exim, hence 0640 to that group. */
	assert_int_equal(exim->file_count, 2);
	assert_under_root(exim->files[0].path, root, "/etc/exim4/exim.crt");
	assert_int_equal(exim->files[0].holds, MATERIAL_FULLCHAIN);
	assert_int_equal(exim->files[0].mode, 0644);
	assert_under_root(exim->files[1].path, root, "/etc/exim4/exim.key");
	assert_int_equal(exim->files[1].holds, MATERIAL_KEY);
	assert_int_equal(exim->files[1].mode, 0640);
	assert_int_equal(exim->files[1].uid, 0);
	assert_int_equal(exim->files[1].gid, exim_gid);
	assert_string_equal(exim->files[1].group, "Debian-exim");

	assert_string_equal(exim->check_command, "exim4 -bV >/dev/null");
	assert_int_equal(exim->reload, SERVICE_RELOAD_SIGNAL);
	assert_int_equal(exim->reload_signal, SIGHUP);
	assert_under_root(exim->pidfile, root, "/run/exim4/exim.pid");
	assert_int_equal(exim->endpoint_count, 3);
	assert_string_equal(exim->endpoints[0].host, "127.0.0.1");
	assert_int_equal(exim->endpoints[0].port, 25);
	assert_int_equal(exim->endpoints[0].protocol, PROBE_SMTP);
	assert_int_equal(exim->endpoints[1].port, 465);
	assert_int_equal(exim->endpoints[1].protocol, PROBE_TLS);
	assert_int_equal(exim->endpoints[2].port, 587);
	unload(&cfg, &reg);
	free(root);
}

static void test_service_builtin_dovecot_pureftpd(void **state)
{
	char *root = make_root();
	struct service *svc;
	struct registry reg;
	struct config cfg;

	load(root, &cfg, &reg);
	svc = registry_find(&reg, "dovecot");
	assert_non_null(svc);
	assert_under_root(svc->files[0].path, root,
	    "/etc/dovecot/private/dovecot.pem");
	assert_under_root(svc->files[1].path, root,
	    "/etc/dovecot/private/dovecot.key");
	assert_int_equal(svc->files[1].mode, 0600);
	assert_int_equal(svc->reload, SERVICE_RELOAD_COMMAND);
	assert_string_equal(svc->reload_command, "doveadm reload");
	assert_null(svc->pidfile);
	assert_int_equal(svc->endpoint_count, 4);
	assert_int_equal(svc->endpoints[0].protocol, PROBE_IMAP);
	assert_int_equal(svc->endpoints[2].protocol, PROBE_POP3);

	/* Debian's Pure-FTPd reads key and chain from one file. */
	svc = registry_find(&reg, "pure-ftpd");
	assert_non_null(svc);
	assert_int_equal(svc->file_count, 1);
	assert_under_root(svc->files[0].path, root,
	    "/etc/ssl/private/pure-ftpd.pem");
	assert_int_equal(svc->files[0].holds, MATERIAL_KEY_FULLCHAIN);
	assert_int_equal(svc->files[0].mode, 0600);
	assert_int_equal(svc->reload, SERVICE_RELOAD_RESTART);
	assert_string_equal(svc->reload_command,
	    "/etc/init.d/pure-ftpd restart");
	assert_null(svc->check_command);
	assert_int_equal(svc->endpoints[0].port, 21);
	assert_int_equal(svc->endpoints[0].protocol, PROBE_FTP);
	unload(&cfg, &reg);
	free(root);
}

/* The panel's daemon is not installed, but a certificate made for it
 * keeps it listed. */
static void test_service_svccertd_listed_by_files(void **state)
{
	char *root = make_root();
	char *dir = xasprintf("%s/etc/svccert", root);
	struct service *svc;
	struct registry reg;
	struct config cfg;

	free(fixture_write_file(dir, "svccertd.crt", ""));
	load(root, &cfg, &reg);
	svc = registry_find(&reg, "svccertd");
	assert_non_null(svc);
	assert_int_equal(reg.count, 4);
	assert_int_equal(svc->reload, SERVICE_RELOAD_SIGNAL);
	assert_under_root(svc->pidfile, root, "/run/svccertd.pid");
	assert_int_equal(svc->endpoints[0].port, 2087);
	assert_int_equal(svc->endpoints[0].protocol, PROBE_TLS);
	assert_int_equal(svc->files[1].mode, 0600);
	unload(&cfg, &reg);
	free(dir);
	free(root);
}

static void test_service_override_key_by_key(void **state)
{
	char *root = make_root();
	char *path = write_definition(root, "exim.json", "{"
	    "\"label\": \"Mail\", \"hostname\": \"mail.example.com\","
	    "\"endpoints\": [{\"port\": 2525, \"protocol\": \"smtp\"}]}");
	struct service *exim;
	struct registry reg;
	struct config cfg;

	load(root, &cfg, &reg);
	exim = registry_find(&reg, "exim");
	assert_non_null(exim);
	assert_string_equal(exim->label, "Mail");
	assert_string_equal(service_hostname(exim, &cfg), "mail.example.com");
	assert_true(exim->builtin);
	assert_string_equal(exim->source, path);

	/* endpoints replaced whole; what the file leaves out is kept. */
	assert_int_equal(exim->endpoint_count, 1);
	assert_int_equal(exim->endpoints[0].port, 2525);
	assert_string_equal(exim->endpoints[0].host, "127.0.0.1");
	assert_int_equal(exim->file_count, 2);
	assert_int_equal(exim->reload, SERVICE_RELOAD_SIGNAL);
	assert_string_equal(exim->check_command, "exim4 -bV >/dev/null");
	unload(&cfg, &reg);
	free(path);
	free(root);
}

static void test_service_override_files_whole(void **state)
{
	char *root = make_root();
	char *path = write_definition(root, "dovecot.json", "{\"files\": ["
	    "{\"path\": \"/srv/dovecot.pem\", \"holds\": \"key+fullchain\"}]}");
	struct service *svc;
	struct registry reg;
	struct config cfg;

	load(root, &cfg, &reg);
	svc = registry_find(&reg, "dovecot");
	assert_int_equal(svc->file_count, 1);
	assert_under_root(svc->files[0].path, root, "/srv/dovecot.pem");
	assert_int_equal(svc->files[0].mode, 0600);
	assert_string_equal(svc->files[0].owner, "root");
	assert_int_equal(svc->endpoint_count, 4);
	unload(&cfg, &reg);
	free(path);
	free(root);
}

/* installed_if is looked up on the real machine, never under root. */
static void test_service_not_installed(void **state)
{
	char *root = make_root();
	char *path = write_definition(root, "exim.json",
	    "{\"installed_if\": [\"/nonexistent/sbin/exim4\"]}");
	struct registry reg;
	struct config cfg;
	char *fake = xasprintf("%s/nonexistent/sbin", root);
	struct error err;

	assert_true(atomic_make_dirs(fake, 0755, &err));
	free(fixture_write_file(fake, "exim4", ""));
	load(root, &cfg, &reg);
	assert_null(registry_find(&reg, "exim"));
	assert_non_null(registry_find(&reg, "dovecot"));
	assert_int_equal(reg.count, 2);
	unload(&cfg, &reg);
	free(fake);
	free(path);
	free(root);
}

static void test_service_new_from_file(void **state)
{
	char *root = make_root();
	char *path = write_definition(root, "sandbox-smtp.json", "{"
	    "\"files\": ["
	    " {\"path\": \"/etc/sandbox/cert.pem\", \"holds\": \"cert\"},"
	    " {\"path\": \"/etc/sandbox/chain.pem\", \"holds\": \"chain\","
	    "  \"mode\": \"644\"},"
	    " {\"path\": \"/etc/sandbox/key.pem\", \"holds\": \"key\","
	    "  \"owner\": \"0\", \"group\": \"12345\"}],"
	    "\"check\": \"test -e \\\"$SVCCERT_ROOT/ok\\\"\","
	    "\"reload\": {\"method\": \"command\","
	    " \"command\": \"sh \\\"$SVCCERT_ROOT/reload.sh\\\"\"}}");
	struct service *svc;
	struct registry reg;
	struct config cfg;

	load(root, &cfg, &reg);
	assert_int_equal(reg.count, 4);
	svc = registry_find(&reg, "sandbox-smtp");
	assert_non_null(svc);
	assert_false(svc->builtin);
	assert_string_equal(svc->source, path);
	assert_string_equal(svc->label, "sandbox-smtp");
	assert_int_equal(svc->file_count, 3);
	assert_int_equal(svc->files[0].mode, 0644);
	assert_int_equal(svc->files[1].holds, MATERIAL_CHAIN);
	assert_int_equal(svc->files[2].mode, 0600);
	assert_int_equal(svc->files[2].gid, 12345);

	/* Commands are kept as written: SVCCERT_ROOT is set when run. */
	assert_string_equal(svc->reload_command,
	    "sh \"$SVCCERT_ROOT/reload.sh\"");
	assert_string_equal(svc->check_command,
	    "test -e \"$SVCCERT_ROOT/ok\"");
	assert_int_equal(svc->endpoint_count, 0);
	unload(&cfg, &reg);
	free(path);
	free(root);
}

static void test_service_name_key_and_ignored_files(void **state)
{
	char *root = make_root();
	char *a = write_definition(root, "panel.json", "{\"name\": \"web\","
	    "\"label\": \"Web\", \"files\": [{\"path\": \"/w.pem\", "
	    "\"holds\": \"key+fullchain\"}], \"reload\": {\"method\": "
	    "\"none\"}}");
	char *b = write_definition(root, "README", "not JSON");
	char *c = write_definition(root, "exim.json.bak", "not JSON");
	char *d = write_definition(root, ".hidden.json", "not JSON");
	struct registry reg;
	struct config cfg;

	load(root, &cfg, &reg);
	assert_int_equal(reg.count, 4);
	assert_non_null(registry_find(&reg, "web"));
	assert_null(registry_find(&reg, "panel"));
	assert_int_equal(registry_find(&reg, "web")->reload,
	    SERVICE_RELOAD_NONE);
	unload(&cfg, &reg);
	free(a);
	free(b);
	free(c);
	free(d);
	free(root);
}

/*
 * Write text as NAME.json; expect service-invalid naming the file and
 * needle.
 */
static void assert_invalid(const char *name, const char *text,
    const char *needle)
{
	char *root = make_root();
	char *file = xasprintf("%s.json", name);
	char *path = write_definition(root, file, text);
	struct registry reg;
	struct config cfg;
	struct error err;

	assert_true(config_load(&cfg, root, NULL, &err));
	assert_false(registry_load(&reg, &cfg, &err));
	if (strcmp(err.code, "service-invalid") != 0 ||
	    strstr(err.message, path) == NULL ||
	    strstr(err.message, needle) == NULL)
		fail_msg("%s gave %s: %s", text, err.code, err.message);
	assert_int_equal(reg.count, 0);
	assert_null(reg.services);
	config_free(&cfg);
	free(path);
	free(file);
	free(root);
}

#define FILES_OK \
	"\"files\": [{\"path\": \"/c.pem\", \"holds\": \"fullchain\"}," \
	" {\"path\": \"/k.pem\", \"holds\": \"key\"}]"

static void test_service_invalid_files(void **state)
{
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", "
	    "\"holds\": \"certs\"}]}", "files[0].holds");
	assert_invalid("s", "{\"files\": [{\"path\": \"/k.pem\", "
	    "\"holds\": \"key\", \"owner\": \"no-such-user\"}]}",
	    "files[0].owner");
	assert_invalid("s", "{\"files\": [{\"path\": \"/k.pem\", "
	    "\"holds\": \"key\", \"group\": \"no-such-group\"}]}",
	    "files[0].group");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", \"holds\": "
	    "\"cert\"}, {\"path\": \"/k.pem\", \"holds\": \"key\", "
	    "\"mode\": \"0644\"}]}", "must not be world-readable");
	assert_invalid("s", "{\"files\": [{\"path\": \"/k.pem\", \"holds\": "
	    "\"key+fullchain\", \"mode\": \"0604\"}]}", "files[0].mode");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", \"holds\": "
	    "\"cert\", \"mode\": \"0666\"}]}", "world-writable");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", \"holds\": "
	    "\"cert\", \"mode\": \"rw-r--r--\"}]}", "files[0].mode");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", \"holds\": "
	    "\"cert\", \"mode\": \"4755\"}]}", "files[0].mode");
	assert_invalid("s", "{\"files\": [{\"path\": \"c.pem\", \"holds\": "
	    "\"key+fullchain\"}]}", "files[0].path");
	assert_invalid("s", "{\"files\": [{\"holds\": \"key+fullchain\"}]}",
	    "files[0].path");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", \"holds\": "
	    "\"fullchain\", \"user\": \"root\"}]}", "files[0].user");
	assert_invalid("s", "{\"files\": []}", "files");
	assert_invalid("s", "{\"label\": \"x\"}", "files");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", "
	    "\"holds\": \"fullchain\"}]}", "private key");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", "
	    "\"holds\": \"chain\"}, {\"path\": \"/k.pem\", "
	    "\"holds\": \"key\"}]}", "certificate");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", "
	    "\"holds\": \"fullchain\"}, {\"path\": \"/c.pem\", "
	    "\"holds\": \"key\"}]}", "files[1]");
}

/* Every path lands under --root: ".." or a relative path would not. */
static void test_service_path_climbs_out(void **state)
{
	assert_invalid("s", "{\"files\": [{\"path\": "
	    "\"/../../../../tmp/escaped.crt\", \"holds\": \"key+fullchain\"}]}",
	    "files[0].path");
	assert_invalid("s", "{\"files\": [{\"path\": \"/c.pem\", \"holds\": "
	    "\"cert\"}, {\"path\": \"/etc/ssl/../../k.pem\", \"holds\": "
	    "\"key\"}]}", "files[1].path");
	assert_invalid("s", "{\"files\": [{\"path\": \"/etc/x/..\", "
	    "\"holds\": \"key+fullchain\"}]}", "\"..\"");
	assert_invalid("s", "{\"files\": [{\"path\": \"etc/k.pem\", "
	    "\"holds\": \"key+fullchain\"}]}", "absolute");
	assert_invalid("s", "{" FILES_OK ", \"reload\": {\"method\": "
	    "\"signal\", \"signal\": \"HUP\", \"pidfile\": "
	    "\"/run/../../tmp/x.pid\"}}", "reload.pidfile");
	assert_invalid("s", "{" FILES_OK ", \"reload\": {\"method\": "
	    "\"signal\", \"signal\": \"HUP\", \"pidfile\": "
	    "\"run/x.pid\"}}", "reload.pidfile");

	/* An override's paths are checked like any definition's. */
	assert_invalid("exim", "{\"files\": [{\"path\": "
	    "\"/etc/exim4/../../../tmp/exim.pem\", \"holds\": "
	    "\"key+fullchain\"}]}", "files[0].path");
}

/* Names that only look like "..": they stay under the root. */
static void test_service_path_dots_in_names(void **state)
{
	char *root = make_root();
	char *path = write_definition(root, "dots.json", "{\"files\": ["
	    "{\"path\": \"/etc/..dots/x..pem\", \"holds\": \"fullchain\"},"
	    "{\"path\": \"/etc/.../k.pem\", \"holds\": \"key\"}]}");
	struct service *svc;
	struct registry reg;
	struct config cfg;

	load(root, &cfg, &reg);
	svc = registry_find(&reg, "dots");
	assert_non_null(svc);
	assert_under_root(svc->files[0].path, root, "/etc/..dots/x..pem");
	assert_under_root(svc->files[1].path, root, "/etc/.../k.pem");
	unload(&cfg, &reg);
	free(path);
	free(root);
}

/* A definition's hostname is checked when it is read, not at reset. */
static void test_service_invalid_hostname(void **state)
{
	assert_invalid("s", "{" FILES_OK ", \"hostname\": "
	    "\"not a hostname!\"}", "hostname");
	assert_invalid("s", "{" FILES_OK ", \"hostname\": "
	    "\"*.example.com\"}", "not a valid host name");
	assert_invalid("exim", "{\"hostname\": \"mail..example.com\"}",
	    "hostname");
}

static void test_service_invalid_reload(void **state)
{
	assert_invalid("s", "{" FILES_OK ", \"reload\": {\"method\": "
	    "\"command\"}}", "reload.command");
	assert_invalid("s", "{" FILES_OK ", \"reload\": {\"method\": "
	    "\"restart\"}}", "reload.command");
	assert_invalid("s", "{" FILES_OK ", \"reload\": {\"method\": "
	    "\"signal\", \"signal\": \"HUP\"}}", "reload.pidfile");
	assert_invalid("s", "{" FILES_OK ", \"reload\": {\"method\": "
	    "\"signal\", \"signal\": \"KILL\", \"pidfile\": \"/run/x.pid\"}}",
	    "reload.signal");
	assert_invalid("s", "{" FILES_OK ", \"reload\": {\"method\": "
	    "\"none\", \"command\": \"true\"}}", "reload.command");
	assert_invalid("s", "{" FILES_OK ", \"reload\": {\"method\": "
	    "\"reboot\"}}", "reload.method");
	assert_invalid("s", "{" FILES_OK ", \"reload\": \"doveadm reload\"}",
	    "reload");
}

static void test_service_invalid_other(void **state)
{
	assert_invalid("s", "{" FILES_OK ", \"endpoints\": [{\"port\": 25, "
	    "\"protocol\": \"lmtp\"}]}", "endpoints[0].protocol");
	assert_invalid("s", "{" FILES_OK ", \"endpoints\": [{\"port\": 25, "
	    "\"protocol\": \"smtp\"}, {\"port\": 70000, \"protocol\": "
	    "\"tls\"}]}", "endpoints[1].port");
	assert_invalid("s", "{" FILES_OK ", \"endpoints\": [{\"port\": 25}]}",
	    "endpoints[0].protocol");
	assert_invalid("s", "{" FILES_OK ", \"endpoints\": {\"port\": 25}}",
	    "endpoints");
	assert_invalid("s", "{" FILES_OK ", \"checks\": \"true\"}",
	    "checks");
	assert_invalid("s", "{" FILES_OK ", \"label\": 3}", "label");
	assert_invalid("s", "{" FILES_OK ", \"name\": \"Bad Name\"}", "name");
	assert_invalid("Bad Name", "{" FILES_OK "}", "Bad Name");
	assert_invalid("s", "{" FILES_OK ", \"installed_if\": \"/bin/sh\"}",
	    "installed_if");
	assert_invalid("s", "{" FILES_OK ",}", "line 1");
	assert_invalid("s", "[]", "JSON object");

	/* An override is checked like any definition. */
	assert_invalid("exim", "{\"reload\": {\"method\": \"signal\"}}",
	    "reload.signal");
}

/* Two files for one service: which one counts would be a guess. */
static void test_service_defined_twice(void **state)
{
	char *root = make_root();
	char *first = write_definition(root, "exim.json",
	    "{\"label\": \"A\"}");
	char *second = write_definition(root, "mail.json",
	    "{\"name\": \"exim\", \"label\": \"B\"}");
	struct registry reg;
	struct config cfg;
	struct error err;

	assert_true(config_load(&cfg, root, NULL, &err));
	assert_false(registry_load(&reg, &cfg, &err));
	assert_string_equal(err.code, "service-invalid");
	assert_non_null(strstr(err.message, first));
	assert_non_null(strstr(err.message, second));
	config_free(&cfg);
	free(second);
	free(first);
	free(root);
}

static void test_service_names(void **state)
{
	assert_string_equal(service_reload_name(SERVICE_RELOAD_NONE), "none");
	assert_string_equal(service_reload_name(SERVICE_RELOAD_COMMAND),
	    "command");
	assert_string_equal(service_reload_name(SERVICE_RELOAD_SIGNAL),
	    "signal");
	assert_string_equal(service_reload_name(SERVICE_RELOAD_RESTART),
	    "restart");
	assert_string_equal(probe_protocol_name(PROBE_TLS), "tls");
	assert_string_equal(probe_protocol_name(PROBE_SMTP), "smtp");
	assert_string_equal(probe_protocol_name(PROBE_IMAP), "imap");
	assert_string_equal(probe_protocol_name(PROBE_POP3), "pop3");
	assert_string_equal(probe_protocol_name(PROBE_FTP), "ftp");
	assert_string_equal(material_part_name(MATERIAL_CERT), "cert");
	assert_string_equal(material_part_name(MATERIAL_CHAIN), "chain");
	assert_string_equal(material_part_name(MATERIAL_FULLCHAIN),
	    "fullchain");
	assert_string_equal(material_part_name(MATERIAL_KEY), "key");
	assert_string_equal(material_part_name(MATERIAL_KEY_FULLCHAIN),
	    "key+fullchain");
}

/* Write the installed files of exim (fullchain + key) under root. */
static void install_exim(const char *root, const struct fixture_pki *pki)
{
	char *dir = xasprintf("%s/etc/exim4", root);
	char *leaf = fixture_cert_pem(pki->leaf.cert);
	char *inter = fixture_cert_pem(pki->intermediate.cert);
	char *key = fixture_key_pem(pki->leaf.key);
	char *chain = fixture_concat(leaf, inter, NULL);
	struct error err;

	assert_true(atomic_make_dirs(dir, 0755, &err));
	free(fixture_write_file(dir, "exim.crt", chain));
	free(fixture_write_file(dir, "exim.key", key));
	free(chain);
	util_free_secret(key, strlen(key));
	free(inter);
	free(leaf);
	free(dir);
}

static void test_service_read_material(void **state)
{
	const char *const sans[] = { "mail.example.com", NULL };
	char *root = make_root();
	struct fixture_pki pki;
	struct material mat;
	struct registry reg;
	struct config cfg;
	struct error err;

	fixture_pki_make(&pki, "mail.example.com", sans);
	install_exim(root, &pki);
	load(root, &cfg, &reg);

	material_init(&mat);
	if (!service_read_material(registry_find(&reg, "exim"), &mat, &err))
		fail_msg("%s: %s", err.code, err.message);
	assert_int_equal(X509_cmp(mat.leaf, pki.leaf.cert), 0);
	assert_non_null(mat.key);
	assert_int_equal(EVP_PKEY_eq(mat.key, pki.leaf.key), 1);
	assert_int_equal(sk_X509_num(mat.chain), 1);
	assert_int_equal(X509_cmp(sk_X509_value(mat.chain, 0),
	    pki.intermediate.cert), 0);
	material_free(&mat);

	unload(&cfg, &reg);
	fixture_pki_free(&pki);
	free(root);
}

/* One key+fullchain file gives the key once, not twice. */
static void test_service_read_combined_file(void **state)
{
	const char *const sans[] = { "ftp.example.com", NULL };
	char *root = make_root();
	char *dir = xasprintf("%s/etc/ssl/private", root);
	struct fixture_pki pki;
	struct findings findings;
	struct registry reg;
	struct config cfg;
	struct error err;
	struct input in;
	char *key, *leaf, *text;

	fixture_pki_make(&pki, "ftp.example.com", sans);
	key = fixture_key_pem(pki.leaf.key);
	leaf = fixture_cert_pem(pki.leaf.cert);
	text = fixture_concat(key, leaf, NULL);
	assert_true(atomic_make_dirs(dir, 0700, &err));
	free(fixture_write_file(dir, "pure-ftpd.pem", text));
	load(root, &cfg, &reg);

	input_init(&in);
	findings_init(&findings);
	assert_true(service_read_input(registry_find(&reg, "pure-ftpd"), &in,
	    &findings));
	assert_int_equal(in.cert_count, 1);
	assert_int_equal(in.key_count, 1);
	assert_non_null(in.key);
	input_free(&in);
	findings_free(&findings);

	unload(&cfg, &reg);
	util_free_secret(text, strlen(text));
	util_free_secret(key, strlen(key));
	free(leaf);
	free(dir);
	fixture_pki_free(&pki);
	free(root);
}

static void test_service_no_certificate(void **state)
{
	char *root = make_root();
	struct material mat;
	struct registry reg;
	struct config cfg;
	struct error err;
	char *expect;

	load(root, &cfg, &reg);
	material_init(&mat);
	assert_false(service_read_material(registry_find(&reg, "exim"), &mat,
	    &err));
	assert_string_equal(err.code, "no-certificate");
	expect = xasprintf("exim has no certificate installed "
	    "(%s/etc/exim4/exim.crt is missing); install one or run svccert "
	    "reset exim", root);
	assert_string_equal(err.message, expect);
	free(expect);
	material_free(&mat);
	unload(&cfg, &reg);
	free(root);
}

/* svccertd lists itself before it has made its first certificate. */
static void test_service_running_builtin_listed(void **state)
{
	char *root = make_root();
	struct registry reg;
	struct config cfg;

	registry_list_builtin("svccertd");
	load(root, &cfg, &reg);
	assert_int_equal(reg.count, 4);
	assert_non_null(registry_find(&reg, "svccertd"));
	assert_string_equal(reg.services[3].name, "svccertd");
	unload(&cfg, &reg);

	/* Only a built-in: the name invents no service. */
	registry_list_builtin("nginx");
	load(root, &cfg, &reg);
	assert_int_equal(reg.count, 3);
	unload(&cfg, &reg);
	registry_list_builtin(NULL);
	free(root);
}

static int teardown(void **state)
{
	fixture_cleanup_dirs();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_builtins_installed),
		cmocka_unit_test(test_service_builtin_exim),
		cmocka_unit_test(test_service_builtin_dovecot_pureftpd),
		cmocka_unit_test(test_service_svccertd_listed_by_files),
		cmocka_unit_test(test_service_override_key_by_key),
		cmocka_unit_test(test_service_override_files_whole),
		cmocka_unit_test(test_service_not_installed),
		cmocka_unit_test(test_service_new_from_file),
		cmocka_unit_test(test_service_name_key_and_ignored_files),
		cmocka_unit_test(test_service_invalid_files),
		cmocka_unit_test(test_service_path_climbs_out),
		cmocka_unit_test(test_service_path_dots_in_names),
		cmocka_unit_test(test_service_invalid_hostname),
		cmocka_unit_test(test_service_invalid_reload),
		cmocka_unit_test(test_service_invalid_other),
		cmocka_unit_test(test_service_defined_twice),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test(test_service_read_material),
		cmocka_unit_test(test_service_read_combined_file),
		cmocka_unit_test(test_service_no_certificate),
		cmocka_unit_test(test_service_running_builtin_listed),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
