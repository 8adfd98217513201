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

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>
#include <openssl/x509v3.h>

#include "util.h"

char *names_to_ascii(const char *name)
{
	char *converted = NULL, *copy;

	if (*name == '\0')
		return NULL;
	if (idn2_to_ascii_8z(name, &converted, IDN2_NONTRANSITIONAL)
	    != IDN2_OK) {
		idn2_free(converted);
		return NULL;
	}
	copy = xstrdup(converted);
	idn2_free(converted);
	return copy;
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
	size_t length;
	bool covered;

	if (ascii == NULL)
		return false;

	/* "mail.example.com." is the same host written as an absolute name. */
	length = strlen(ascii);
	if (length > 1 && ascii[length - 1] == '.')
		ascii[--length] = '\0';

	covered = X509_check_host(cert, ascii, length, flags, NULL) == 1;
	free(ascii);
	return covered;
}
