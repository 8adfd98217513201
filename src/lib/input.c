/*
 * input.c - read what administrators paste: certificates and keys.
 *
 * Pastes come from panels, mail clients and Windows exports, so the text
 * is first made regular (LF endings, no blanks around lines, every
 * -----BEGIN and -----END marker on a line of its own).  The blocks are
 * then cut apart here and each one is handed to OpenSSL on its own, so a
 * broken block is reported by number and type and the others still load.
 * Decoding base64 and ASN.1 is left entirely to OpenSSL.
 */
#include "input.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "util.h"

#define INPUT_BEGIN "-----BEGIN "
#define INPUT_END "-----END "
#define INPUT_DASHES "-----"

#define INPUT_PASTE_HINT \
	"paste the whole PEM block from -----BEGIN to -----END"
#define INPUT_DECRYPT_HINT \
	"give --passphrase-file or decrypt it with openssl pkey"

/* One call of input_read_buffer. */
struct input_reader {
	struct input *in;
	enum input_origin origin;
	const char *what;
	const char *passphrase;
	struct findings *findings;
	size_t block_number;
	bool ok;
};

void input_init(struct input *in)
{
	memset(in, 0, sizeof(*in));
}

void input_free(struct input *in)
{
	for (size_t i = 0; i < in->cert_count; i++)
		X509_free(in->certs[i].cert);
	free(in->certs);
	EVP_PKEY_free(in->key);
	input_init(in);
}

static void input_add_cert(struct input *in, X509 *cert,
    enum input_origin origin)
{
	if (in->cert_count == in->cert_capacity) {
		in->cert_capacity = in->cert_capacity ?
		    in->cert_capacity * 2 : 4;
		in->certs = xrealloc(in->certs,
		    in->cert_capacity * sizeof(*in->certs));
	}
	in->certs[in->cert_count].cert = cert;
	in->certs[in->cert_count].origin = origin;
	in->cert_count++;
}

static void input_error(struct input_reader *r, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void input_error(struct input_reader *r, const char *code,
    const char *fmt, ...)
{
	va_list ap;
	char *message;

	va_start(ap, fmt);
	if (vasprintf(&message, fmt, ap) < 0)
		abort();
	va_end(ap);
	findings_add(r->findings, FINDING_ERROR, code, "%s", message);
	free(message);
	r->ok = false;
}

/*
 * The same key given twice (in a combined --cert file and again as --key)
 * is one key; only a different second key is refused.
 */
static void input_add_key(struct input_reader *r, EVP_PKEY *key)
{
	struct input *in = r->in;

	if (in->key != NULL && EVP_PKEY_eq(in->key, key) == 1) {
		EVP_PKEY_free(key);
		return;
	}

	in->key_count++;
	if (in->key_count > 1) {
		input_error(r, "several-keys", "%s holds a second private "
		    "key; give only the key that belongs to the certificate",
		    r->what);
		EVP_PKEY_free(key);
		return;
	}
	in->key = key;
}

/* An encrypted key that could not be opened still counts as a key seen. */
static void input_note_locked_key(struct input_reader *r)
{
	r->in->key_encrypted = true;
	r->in->key_count++;
	if (r->passphrase == NULL)
		input_error(r, "encrypted-key", "the private key in %s is "
		    "encrypted; " INPUT_DECRYPT_HINT, r->what);
	else
		input_error(r, "encrypted-key", "the passphrase does not "
		    "open the private key in %s; " INPUT_DECRYPT_HINT,
		    r->what);
}

/* Never NULL: without a callback OpenSSL would prompt on the terminal,
 * which a daemon or a web request must not do. */
static int input_passphrase_cb(char *buf, int size, int rwflag, void *u)
{
	const char *passphrase = u;
	size_t length;

	if (passphrase == NULL)
		return -1;
	length = strlen(passphrase);
	if (length > (size_t)size)
		return -1;
	memcpy(buf, passphrase, length);
	return (int)length;
}

static bool input_is_blank(const char *data, size_t length)
{
	for (size_t i = 0; i < length; i++)
		if (!isspace((unsigned char)data[i]))
			return false;
	return true;
}

static bool input_starts_with(const char *s, size_t length,
    const char *prefix)
{
	size_t n = strlen(prefix);

	return length >= n && memcmp(s, prefix, n) == 0;
}

/*
 * Copy one "-----BEGIN X-----" or "-----END X-----" marker found at
 * data[i] onto a line of its own.  Returns how many bytes were consumed,
 * or 0 when data[i] starts no marker.
 */
static size_t input_copy_marker(struct strbuf *out, const char *data,
    size_t length, size_t i)
{
	size_t prefix, end;

	if (input_starts_with(data + i, length - i, INPUT_BEGIN))
		prefix = strlen(INPUT_BEGIN);
	else if (input_starts_with(data + i, length - i, INPUT_END))
		prefix = strlen(INPUT_END);
	else
		return 0;

	/* The marker ends at the next five dashes on the same line. */
	for (end = i + prefix; end < length && data[end] != '\n'; end++)
		if (input_starts_with(data + end, length - end, INPUT_DASHES))
			break;
	if (end >= length || data[end] == '\n')
		return 0;
	end += strlen(INPUT_DASHES);

	if (out->length > 0 && out->data[out->length - 1] != '\n')
		strbuf_append(out, "\n", 1);
	strbuf_append(out, data + i, end - i);
	if (end < length && data[end] != '\n')
		strbuf_append(out, "\n", 1);
	return end - i;
}

/*
 * CRLF and lone CR become LF, and glued markers ("...-----END
 * CERTIFICATE----------BEGIN ...") are split onto lines of their own.
 * The result may hold a key: the caller frees it with strbuf_free.
 */
static void input_normalise(struct strbuf *out, const char *data,
    size_t length)
{
	struct strbuf lf;

	/* Line endings first, so markers can be found line by line. */
	strbuf_init(&lf);
	for (size_t i = 0; i < length; i++) {
		if (data[i] == '\r' && i + 1 < length && data[i + 1] == '\n')
			continue;
		strbuf_append(&lf, data[i] == '\r' ? "\n" : data + i, 1);
	}

	strbuf_init(out);
	for (size_t i = 0; i < lf.length; ) {
		size_t used = input_copy_marker(out, lf.data, lf.length, i);

		if (used == 0) {
			strbuf_append(out, lf.data + i, 1);
			used = 1;
		}
		i += used;
	}
	strbuf_append(out, "\n", 1);
	strbuf_free(&lf);
}

/* Trim blanks around a line: trailing spaces are common in pastes. */
static void input_trim(const char **line, size_t *length)
{
	while (*length > 0 && (**line == ' ' || **line == '\t')) {
		(*line)++;
		(*length)--;
	}
	while (*length > 0 && ((*line)[*length - 1] == ' ' ||
	    (*line)[*length - 1] == '\t'))
		(*length)--;
}

static bool input_type_is(const char *type, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strcmp(type, list[i]) == 0)
			return true;
	return false;
}

static const char *const input_cert_types[] = {
	"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE", NULL,
};

static const char *const input_key_types[] = {
	"PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY",
	"EC PRIVATE KEY", "DSA PRIVATE KEY", NULL,
};

static void input_block_error(struct input_reader *r, const char *type,
    const char *problem)
{
	input_error(r, "malformed-input", "block %zu (%s) in %s %s; "
	    INPUT_PASTE_HINT, r->block_number, type, r->what, problem);
}

static void input_read_cert_block(struct input_reader *r, const char *type,
    const unsigned char *der, long der_length)
{
	const unsigned char *p = der;
	X509 *cert;

	/* "TRUSTED CERTIFICATE" carries OpenSSL's trust settings after the
	 * certificate; the _AUX reader skips them. */
	if (strcmp(type, "TRUSTED CERTIFICATE") == 0)
		cert = d2i_X509_AUX(NULL, &p, der_length);
	else
		cert = d2i_X509(NULL, &p, der_length);
	if (cert == NULL) {
		ERR_clear_error();
		input_block_error(r, type, "is not a valid certificate");
		return;
	}
	input_add_cert(r->in, cert, r->origin);
}

/*
 * The block is read again through OpenSSL's key reader, which handles
 * every key format and both encryption schemes (PKCS#8 and the legacy
 * Proc-Type header) in one place.
 */
static void input_read_key_block(struct input_reader *r, const char *type,
    const char *header, const char *text, size_t length)
{
	bool encrypted = strcmp(type, "ENCRYPTED PRIVATE KEY") == 0 ||
	    strstr(header, "ENCRYPTED") != NULL;
	BIO *bio;
	EVP_PKEY *key;

	if (encrypted && r->passphrase == NULL) {
		input_note_locked_key(r);
		return;
	}

	bio = BIO_new_mem_buf(text, (int)length);
	if (bio == NULL)
		abort();
	key = PEM_read_bio_PrivateKey(bio, NULL, input_passphrase_cb,
	    (void *)r->passphrase);
	BIO_free(bio);
	ERR_clear_error();

	if (key != NULL)
		input_add_key(r, key);
	else if (encrypted)
		input_note_locked_key(r);
	else
		input_block_error(r, type, "is not a valid private key");
}

/* Decode one complete block, BEGIN and END lines included. */
static void input_read_block(struct input_reader *r, const char *type,
    const char *text, size_t length)
{
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_length = 0;
	BIO *bio;

	/* EC keys from "openssl ecparam -genkey" come with their curve
	 * repeated in a block of their own; the key names it already. */
	if (strcmp(type, "EC PARAMETERS") == 0)
		return;
	if (!input_type_is(type, input_cert_types) &&
	    !input_type_is(type, input_key_types)) {
		findings_add(r->findings, FINDING_WARNING, "ignored-block",
		    "block %zu (%s) in %s is neither a certificate nor a "
		    "private key and was ignored", r->block_number, type,
		    r->what);
		return;
	}

	/* Secure heap: for a key block, der is the key itself. */
	bio = BIO_new_mem_buf(text, (int)length);
	if (bio == NULL)
		abort();
	if (!PEM_read_bio_ex(bio, &name, &header, &der, &der_length,
	    PEM_FLAG_EAY_COMPATIBLE | PEM_FLAG_SECURE)) {
		ERR_clear_error();
		input_block_error(r, type, "does not decode");
		goto out;
	}

	if (input_type_is(type, input_cert_types))
		input_read_cert_block(r, type, der, der_length);
	else
		input_read_key_block(r, type, header, text, length);
out:
	BIO_free(bio);
	OPENSSL_secure_free(name);
	OPENSSL_secure_free(header);
	if (der != NULL)
		OPENSSL_secure_clear_free(der, (size_t)der_length);
}

/* "-----BEGIN X-----" or "-----END X-----": the X, or NULL. */
static char *input_marker_type(const char *line, size_t length,
    const char *prefix)
{
	size_t n = strlen(prefix), dashes = strlen(INPUT_DASHES);

	if (!input_starts_with(line, length, prefix) ||
	    length < n + dashes + 1 ||
	    memcmp(line + length - dashes, INPUT_DASHES, dashes) != 0)
		return NULL;
	return xstrndup(line + n, length - n - dashes);
}

/* State of the block being cut out of the text. */
struct input_block {
	char *type;         /* NULL between blocks */
	struct strbuf text;
	bool in_header;     /* the last line was a "Name: value" header */
};

/*
 * OpenSSL takes a blank line inside a block for the end of the legacy
 * "Proc-Type:" headers, so a blank line in the middle of pasted base64
 * would break it: blank lines are dropped and exactly one is put back
 * where the headers end.  Base64 never holds a colon.
 */
static void input_block_add_line(struct input_block *block, const char *line,
    size_t length)
{
	bool header = memchr(line, ':', length) != NULL;

	if (length == 0)
		return;
	if (block->in_header && !header)
		strbuf_append(&block->text, "\n", 1);
	block->in_header = header;
	strbuf_append(&block->text, line, length);
	strbuf_append(&block->text, "\n", 1);
}

static void input_block_begin(struct input_reader *r,
    struct input_block *block, char *type, const char *line, size_t length)
{
	/* A new BEGIN before the END: the earlier block was cut short. */
	if (block->type != NULL)
		input_block_error(r, block->type, "has no -----END line");
	free(block->type);
	strbuf_free(&block->text);

	r->block_number++;
	block->type = type;
	block->in_header = false;
	strbuf_append(&block->text, line, length);
	strbuf_append(&block->text, "\n", 1);
}

static void input_block_end(struct input_reader *r,
    struct input_block *block, char *type, const char *line, size_t length)
{
	strbuf_append(&block->text, line, length);
	strbuf_append(&block->text, "\n", 1);

	if (strcmp(type, block->type) != 0)
		input_block_error(r, block->type, "ends with a different "
		    "-----END line");
	else
		input_read_block(r, block->type, block->text.data,
		    block->text.length);

	free(block->type);
	free(type);
	block->type = NULL;
	strbuf_free(&block->text);
}

static void input_read_line(struct input_reader *r, struct input_block *block,
    const char *line, size_t length)
{
	char *type;

	input_trim(&line, &length);
	if ((type = input_marker_type(line, length, INPUT_BEGIN)) != NULL) {
		input_block_begin(r, block, type, line, length);
		return;
	}

	/* Text outside blocks (export headers, notes) is skipped. */
	if (block->type == NULL)
		return;

	if ((type = input_marker_type(line, length, INPUT_END)) != NULL)
		input_block_end(r, block, type, line, length);
	else
		input_block_add_line(block, line, length);
}

static void input_read_pem(struct input_reader *r, const struct strbuf *text)
{
	struct input_block block = { .type = NULL };
	const char *line = text->data, *end = text->data + text->length;

	strbuf_init(&block.text);
	while (line < end) {
		const char *newline = memchr(line, '\n', (size_t)(end - line));
		size_t length = newline ? (size_t)(newline - line)
		    : (size_t)(end - line);

		input_read_line(r, &block, line, length);
		line += length + 1;
	}

	if (block.type != NULL)
		input_block_error(r, block.type, "has no -----END line");
	free(block.type);
	strbuf_free(&block.text);
}

static bool input_der_is_cert(struct input_reader *r,
    const unsigned char *der, size_t length)
{
	const unsigned char *p = der;
	X509 *cert = d2i_X509(NULL, &p, (long)length);

	if (cert == NULL || p != der + length) {
		X509_free(cert);
		ERR_clear_error();
		return false;
	}
	input_add_cert(r->in, cert, r->origin);
	return true;
}

/* EncryptedPrivateKeyInfo has the same shape as X509_SIG. */
static bool input_der_is_encrypted(const unsigned char *der, size_t length)
{
	const unsigned char *p = der;
	X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)length);
	bool encrypted = sig != NULL && p == der + length;

	X509_SIG_free(sig);
	ERR_clear_error();
	return encrypted;
}

/* PKCS#8 (plain or encrypted), PKCS#1 or SEC1: the decoder tries each. */
static EVP_PKEY *input_der_decode_key(const unsigned char *der, size_t length,
    const char *passphrase)
{
	OSSL_DECODER_CTX *ctx;
	EVP_PKEY *key = NULL;

	ctx = OSSL_DECODER_CTX_new_for_pkey(&key, "DER", NULL, NULL,
	    EVP_PKEY_KEYPAIR, NULL, NULL);
	if (ctx == NULL)
		abort();
	if (passphrase != NULL)
		OSSL_DECODER_CTX_set_passphrase(ctx,
		    (const unsigned char *)passphrase, strlen(passphrase));

	if (!OSSL_DECODER_from_data(ctx, &der, &length) || length != 0) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	OSSL_DECODER_CTX_free(ctx);
	ERR_clear_error();
	return key;
}

static bool input_der_is_pkcs12(const unsigned char *der, size_t length)
{
	const unsigned char *p = der;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)length);
	bool is_pkcs12 = p12 != NULL;

	PKCS12_free(p12);
	ERR_clear_error();
	return is_pkcs12;
}

static void input_read_der(struct input_reader *r, const unsigned char *der,
    size_t length)
{
	bool encrypted;
	EVP_PKEY *key;

	if (input_der_is_cert(r, der, length))
		return;

	/* Without a passphrase the decoder is not even tried on an
	 * encrypted key, so it can never fall back to a prompt. */
	encrypted = input_der_is_encrypted(der, length);
	if (encrypted && r->passphrase == NULL) {
		input_note_locked_key(r);
		return;
	}
	if ((key = input_der_decode_key(der, length, r->passphrase)) != NULL) {
		input_add_key(r, key);
		return;
	}

	if (encrypted)
		input_note_locked_key(r);
	else if (input_der_is_pkcs12(der, length))
		input_error(r, "malformed-input", "%s is a PKCS#12 (.pfx) "
		    "file; export the certificate and key as PEM with "
		    "openssl pkcs12 -nodes", r->what);
	else
		input_error(r, "malformed-input", "%s contains no PEM block "
		    "and is not DER; " INPUT_PASTE_HINT, r->what);
}

bool input_read_buffer(struct input *in, const char *data, size_t length,
    enum input_origin origin, const char *what, const char *passphrase,
    struct findings *findings)
{
	struct input_reader r = {
		.in = in, .origin = origin, .what = what,
		.passphrase = passphrase, .findings = findings, .ok = true,
	};
	struct strbuf text;

	/* Empty is not an error here: only the caller knows whether a
	 * certificate or a key was required from this source. */
	if (input_is_blank(data, length))
		return true;
	if (length > INPUT_MAX_BYTES) {
		input_error(&r, "input-too-large", "%s is larger than %d "
		    "bytes; give only the certificate, key and chain", what,
		    INPUT_MAX_BYTES);
		return false;
	}

	if (memmem(data, length, INPUT_BEGIN, strlen(INPUT_BEGIN)) == NULL) {
		input_read_der(&r, (const unsigned char *)data, length);
		return r.ok;
	}

	/* The normalised copy may hold a key; strbuf_free wipes it. */
	input_normalise(&text, data, length);
	input_read_pem(&r, &text);
	strbuf_free(&text);
	return r.ok;
}

bool input_read_file(struct input *in, const char *path,
    enum input_origin origin, const char *passphrase,
    struct findings *findings)
{
	const char *what = strcmp(path, "-") == 0 ? "standard input" : path;
	struct error err;
	char *data = NULL;
	size_t length = 0;
	bool ok;

	error_clear(&err);
	if (!util_read_file(path, INPUT_MAX_BYTES, &data, &length, &err)) {
		findings_add(findings, FINDING_ERROR, err.code, "%s",
		    err.message);
		return false;
	}

	ok = input_read_buffer(in, data, length, origin, what, passphrase,
	    findings);
	util_free_secret(data, length);
	return ok;
}
