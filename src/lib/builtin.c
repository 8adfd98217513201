/*
 * builtin.c - the services svccert knows without configuration, as Debian
 * 12 packages lay them out.
 *
 * Each daemon's paths are the ones its package's own configuration points
 * at, so a fresh install needs no definition file.  installed_if names the
 * daemon's binaries on the real machine (never under --root): a built-in
 * whose daemon is absent is not listed.
 */
#include "builtin.h"

#include <string.h>

/*
 * Exim drops to Debian-exim before it opens the key, so the key is
 * group-readable by that group; a 0600 root key would make every TLS
 * handshake fail.  Debian's init script starts it with -oP
 * /run/exim4/exim.pid, and SIGHUP makes it re-exec and reread the files.
 */
static const char builtin_exim[] =
    "{\n"
    "  \"name\": \"exim\",\n"
    "  \"label\": \"Exim (SMTP)\",\n"
    "  \"installed_if\": [\"/usr/sbin/exim4\"],\n"
    "  \"files\": [\n"
    "    {\"path\": \"/etc/exim4/exim.crt\", \"holds\": \"fullchain\",\n"
    "     \"owner\": \"root\", \"group\": \"Debian-exim\","
    " \"mode\": \"0644\"},\n"
    "    {\"path\": \"/etc/exim4/exim.key\", \"holds\": \"key\",\n"
    "     \"owner\": \"root\", \"group\": \"Debian-exim\","
    " \"mode\": \"0640\"}\n"
    "  ],\n"
    "  \"check\": \"exim4 -bV >/dev/null\",\n"
    "  \"reload\": {\"method\": \"signal\", \"signal\": \"HUP\",\n"
    "             \"pidfile\": \"/run/exim4/exim.pid\"},\n"
    "  \"endpoints\": [\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 25, \"protocol\": \"smtp\"},\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 465, \"protocol\": \"tls\"},\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 587, \"protocol\": \"smtp\"}\n"
    "  ]\n"
    "}\n";

/*
 * Debian's 10-ssl.conf reads ssl_cert and ssl_key from
 * /etc/dovecot/private.  Dovecot opens them as root before dropping
 * privileges, so the key stays 0600 root; doveadm reload makes the
 * master process reread them without dropping connections.
 */
static const char builtin_dovecot[] =
    "{\n"
    "  \"name\": \"dovecot\",\n"
    "  \"label\": \"Dovecot (IMAP, POP3)\",\n"
    "  \"installed_if\": [\"/usr/sbin/dovecot\"],\n"
    "  \"files\": [\n"
    "    {\"path\": \"/etc/dovecot/private/dovecot.pem\","
    " \"holds\": \"fullchain\",\n"
    "     \"owner\": \"root\", \"group\": \"root\", \"mode\": \"0644\"},\n"
    "    {\"path\": \"/etc/dovecot/private/dovecot.key\","
    " \"holds\": \"key\",\n"
    "     \"owner\": \"root\", \"group\": \"root\", \"mode\": \"0600\"}\n"
    "  ],\n"
    "  \"check\": \"doveconf -x ssl_key >/dev/null\",\n"
    "  \"reload\": {\"method\": \"command\","
    " \"command\": \"doveadm reload\"},\n"
    "  \"endpoints\": [\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 143, \"protocol\": \"imap\"},\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 993, \"protocol\": \"tls\"},\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 110, \"protocol\": \"pop3\"},\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 995, \"protocol\": \"tls\"}\n"
    "  ]\n"
    "}\n";

/*
 * Debian's pure-ftpd is built to read key and chain from the one file
 * /etc/ssl/private/pure-ftpd.pem.  It has no reload: the certificate is
 * read at start, so only a restart makes it serve a new one.
 */
static const char builtin_pure_ftpd[] =
    "{\n"
    "  \"name\": \"pure-ftpd\",\n"
    "  \"label\": \"Pure-FTPd (FTP)\",\n"
    "  \"installed_if\": [\"/usr/sbin/pure-ftpd\","
    " \"/usr/sbin/pure-ftpd-wrapper\"],\n"
    "  \"files\": [\n"
    "    {\"path\": \"/etc/ssl/private/pure-ftpd.pem\","
    " \"holds\": \"key+fullchain\",\n"
    "     \"owner\": \"root\", \"group\": \"root\", \"mode\": \"0600\"}\n"
    "  ],\n"
    "  \"reload\": {\"method\": \"restart\","
    " \"command\": \"/etc/init.d/pure-ftpd restart\"},\n"
    "  \"endpoints\": [\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 21, \"protocol\": \"ftp\"}\n"
    "  ]\n"
    "}\n";

/*
 * The panel.  Its daemon may not be installed yet while svccert already
 * made its certificate, so the registry also lists it when these files
 * exist (see registry_load).
 */
static const char builtin_svccertd[] =
    "{\n"
    "  \"name\": \"svccertd\",\n"
    "  \"label\": \"svccert panel (HTTPS)\",\n"
    "  \"installed_if\": [\"/usr/sbin/svccertd\","
    " \"/usr/local/sbin/svccertd\", \"/usr/local/bin/svccertd\"],\n"
    "  \"files\": [\n"
    "    {\"path\": \"/etc/svccert/svccertd.crt\", \"holds\": \"fullchain\",\n"
    "     \"owner\": \"root\", \"group\": \"root\", \"mode\": \"0644\"},\n"
    "    {\"path\": \"/etc/svccert/svccertd.key\", \"holds\": \"key\",\n"
    "     \"owner\": \"root\", \"group\": \"root\", \"mode\": \"0600\"}\n"
    "  ],\n"
    "  \"reload\": {\"method\": \"signal\", \"signal\": \"HUP\",\n"
    "             \"pidfile\": \"/run/svccertd.pid\"},\n"
    "  \"endpoints\": [\n"
    "    {\"host\": \"127.0.0.1\", \"port\": 2087, \"protocol\": \"tls\"}\n"
    "  ]\n"
    "}\n";

const struct builtin_service builtin_services[] = {
	{ "dovecot", builtin_dovecot },
	{ "exim", builtin_exim },
	{ "pure-ftpd", builtin_pure_ftpd },
	{ "svccertd", builtin_svccertd },
};
const size_t builtin_service_count =
    sizeof(builtin_services) / sizeof(builtin_services[0]);

const char *builtin_find(const char *name)
{
	size_t i;

	for (i = 0; i < builtin_service_count; i++)
		if (strcmp(builtin_services[i].name, name) == 0)
			return builtin_services[i].json;
	return NULL;
}
