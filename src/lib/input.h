/*
 * input.h - read what administrators paste: certificates and keys.
 *
 * One input may hold any mix of certificates and one private key, in any
 * order, as PEM (with CRLF endings, export headers such as "Bag
 * Attributes", text around and between blocks, glued END/BEGIN lines, a
 * missing final newline, an "EC PARAMETERS" block) or as a single DER
 * certificate or key.  Keys may be PKCS#1, PKCS#8 or SEC1, encrypted or
 * not.  OpenSSL does the decoding; this module only finds the blocks.
 */
#ifndef SVCCERT_INPUT_H
#define SVCCERT_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "error.h"
#include "finding.h"

/* Largest paste or file accepted. */
#define INPUT_MAX_BYTES (1024 * 1024)

enum input_origin {
	INPUT_FROM_CERT,     /* --cert, or the certificate text area */
	INPUT_FROM_KEY,      /* --key */
	INPUT_FROM_BUNDLE,   /* --cabundle */
};

struct input_cert {
	X509 *cert;
	enum input_origin origin;
};

struct input {
	struct input_cert *certs;  /* in the order they were read */
	size_t cert_count;
	size_t cert_capacity;
	EVP_PKEY *key;             /* the first private key found, or NULL */
	size_t key_count;          /* keys seen (more than one is refused) */
	bool key_encrypted;        /* an encrypted key was found, not opened */
};

void input_init(struct input *in);
void input_free(struct input *in);

/*
 * Add everything found in data to in.  what names the source in messages
 * ("--cert file.pem", "the Certificate field").  passphrase may be NULL.
 * Problems are added to findings with these codes:
 *   malformed-input  a PEM block or DER blob OpenSSL cannot decode
 *   encrypted-key    an encrypted key and no (or a wrong) passphrase
 *   several-keys     more than one private key
 * Returns false when an error finding was added.
 */
bool input_read_buffer(struct input *in, const char *data, size_t length,
    enum input_origin origin, const char *what, const char *passphrase,
    struct findings *findings);

/* Same, from a file ("-" is standard input). */
bool input_read_file(struct input *in, const char *path,
    enum input_origin origin, const char *passphrase,
    struct findings *findings);

#endif
