/*
 * names.c - host names: IDN spellings and RFC 6125 matching.
 *
 * Certificates carry A-labels ("xn--bcher-kva.example"); administrators
 * type and want to read U-labels ("bücher.example").  libidn2 converts
 * between the two (IDNA2008 with UTS #46 mapping, non-transitional, so
 * "faß.de" stays distinct from "fass.de" as browsers now treat it), and
 * OpenSSL's X509_check_host does the matching rules themselves.
 */
#include "names.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>
#include <openssl/x509v3.h>

#include "util.h"

/* RFC 1123 labels: letters, digits and inner hyphens, 63 at most. */
static bool names_valid_label(const char *label, size_t length)
{
	if (length == 0 || length > 63 || label[0] == '-' ||
	    label[length - 1] == '-')
		return false;
	for (size_t i = 0; i < length; i++)
		if (!isalnum((unsigned char)label[i]) && label[i] != '-')
			return false;
	return true;
}

/* A left-most "*" label is allowed only when wildcard is true. */
static bool names_valid_ascii(const char *name, bool wildcard)
{
	const char *label = name;

	if (strlen(name) > 253)
		return false;
	if (wildcard && strncmp(name, "*.", 2) == 0)
		label += 2;

	for (;;) {
		const char *dot = strchr(label, '.');
		size_t length = dot ? (size_t)(dot - label) : strlen(label);

		if (!names_valid_label(label, length))
			return false;
		if (dot == NULL)
			return true;
		label = dot + 1;
	}
}

/*
 * libidn2 is asked only for the mapping and the punycode; the result is
 * then held to host name syntax here, because with STD3 rules libidn2
 * silently drops characters ("bad name!" would become "badname").
 */
char *names_to_ascii(const char *name)
{
	char *converted = NULL, *ascii = NULL;
	size_t length;

	if (*name == '\0' ||
	    idn2_to_ascii_8z(name, &converted, IDN2_NONTRANSITIONAL)
	    != IDN2_OK)
		goto out;

	/* "mail.example.com." names the same host as an absolute name. */
	length = strlen(converted);
	if (length > 1 && converted[length - 1] == '.')
		converted[length - 1] = '\0';
	for (char *p = converted; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);

	if (names_valid_ascii(converted, true))
		ascii = xstrdup(converted);
out:
	idn2_free(converted);
	return ascii;
}

/*
 * libidn2 decodes punycode without checking the result, so an A-label can
 * turn into characters IDNA2008 forbids (look-alikes among them).  Only a
 * spelling that converts back to the same A-labels is shown.
 */
static bool names_round_trips(const char *unicode, const char *ascii)
{
	char *back = names_to_ascii(unicode);
	bool same = back != NULL && strcasecmp(back, ascii) == 0;

	free(back);
	return same;
}

char *names_to_unicode(const char *name)
{
	char *converted = NULL;
	char *shown;

	if (idn2_to_unicode_8z8z(name, &converted, 0) != IDN2_OK ||
	    !names_round_trips(converted, name))
		shown = xstrdup(name);
	else
		shown = xstrdup(converted);
	idn2_free(converted);
	return shown;
}

bool names_cert_covers(X509 *cert, const char *host)
{
	/*
	 * Partial wildcards ("mail*.example.com") are refused, and multi-label
	 * wildcards are left off: "*.example.com" covers mail.example.com but
	 * neither example.com nor a.b.example.com.  X509_check_host reads the
	 * CN only when the certificate has no DNS subjectAltName.
	 */
	const unsigned int flags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
	char *ascii = names_to_ascii(host);
	bool covered;

	if (ascii == NULL)
		return false;
	covered = X509_check_host(cert, ascii, 0, flags, NULL) == 1;
	free(ascii);
	return covered;
}
