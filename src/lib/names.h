/*
 * names.h - host names: IDN spellings and RFC 6125 matching.
 *
 * Only subjectAltName dNSName entries count when the extension is present;
 * the CN is used only without it.  A wildcard stands for exactly one whole
 * left-most label.  IDN names match in either spelling.
 */
#ifndef SVCCERT_NAMES_H
#define SVCCERT_NAMES_H

#include <stdbool.h>

#include <openssl/x509.h>

/* "xn--bcher-kva.example" -> "bücher.example"; a copy when not IDN. */
char *names_to_unicode(const char *name);
/* "bücher.example" -> "xn--bcher-kva.example"; NULL when invalid. */
char *names_to_ascii(const char *name);

/* Does the certificate cover host (either spelling)? */
bool names_cert_covers(X509 *cert, const char *host);

#endif
