/*
 * validate.c - every check an install runs before anything is touched.
 *
 * A daemon that gets a broken certificate fails for every client at once,
 * often hours later when it reloads, so everything that can be known in
 * advance is checked here: the key belongs to the certificate, the
 * certificate is current and strong enough, and the chain reaches a
 * trusted root.  OpenSSL builds and verifies the chain; this module turns
 * what it found into findings an administrator can act on, and decides
 * which certificates of the bundle are served and in what order.
 */
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "certinfo.h"
#include "names.h"
#include "util.h"

#define VALIDATE_WARN_DAYS 30
#define VALIDATE_RSA_MIN_BITS 2048
#define VALIDATE_DAY 86400
#define VALIDATE_NOT_FOUND SIZE_MAX

/* What the verify callback saw; OpenSSL reports problems one by one. */
struct validate_verify {
	bool incomplete;        /* an issuer is neither given nor trusted */
	bool untrusted_root;    /* the chain ends at an unknown root */
	int other_error;        /* first other X509_V_ERR_*, or X509_V_OK */
	int other_depth;
};

/* One call of validate_input. */
struct validate_run {
	const struct input *in;
	const struct validate_options *options;
	struct findings *findings;
	time_t now;
	struct material mat;        /* leaf and key as picked */
	size_t leaf_index;          /* the leaf's place in in->certs */
	char *leaf_name;
	STACK_OF(X509) *chain;      /* as OpenSSL built it, leaf first */
	STACK_OF(X509) *served;     /* intermediates to serve, in order */
};

/* A name for messages, quoted so that a CN with spaces reads as one:
 * the subject's label, else the fingerprint. */
static char *validate_cert_name(X509 *cert)
{
	char fingerprint[FINGERPRINT_SIZE];
	char *label = certinfo_name_of(cert);
	char *name;

	if (label != NULL && label[0] != '\0')
		name = xasprintf("\"%s\"", label);
	else {
		material_fingerprint(cert, fingerprint, sizeof(fingerprint));
		name = xasprintf("with SHA-256 fingerprint %s", fingerprint);
	}
	free(label);
	return name;
}

/* RFC 2253, UTF-8 kept readable: used for an issuer that is not here. */
static char *validate_name_line(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *line;
	long length;

	if (bio == NULL)
		abort();
	X509_NAME_print_ex(bio, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	length = BIO_get_mem_data(bio, &data);
	line = xstrndup(data, length > 0 ? (size_t)length : 0);
	BIO_free(bio);
	return line;
}

static time_t validate_time(const ASN1_TIME *when)
{
	struct tm tm;

	if (when == NULL || ASN1_TIME_to_tm(when, &tm) != 1)
		return 0;
	return timegm(&tm);
}

static bool validate_self_signed(X509 *cert)
{
	bool self_signed = X509_self_signed(cert, 1) == 1;

	ERR_clear_error();
	return self_signed;
}

static bool validate_stack_has(STACK_OF(X509) *stack, X509 *cert)
{
	for (int i = 0; i < sk_X509_num(stack); i++)
		if (X509_cmp(sk_X509_value(stack, i), cert) == 0)
			return true;
	return false;
}

/* Where cert was first read, or VALIDATE_NOT_FOUND (from the store). */
static size_t validate_input_position(const struct validate_run *run,
    X509 *cert)
{
	for (size_t i = 0; i < run->in->cert_count; i++)
		if (X509_cmp(run->in->certs[i].cert, cert) == 0)
			return i;
	return VALIDATE_NOT_FOUND;
}

/*
 * input_read_* reports these itself; they are repeated only when the
 * caller collected them in another list, so an install can never go on
 * without a key it was given.
 */
static void validate_carry_input_errors(struct validate_run *run)
{
	if (run->in->key_encrypted &&
	    findings_find(run->findings, "encrypted-key") == NULL)
		findings_add(run->findings, FINDING_ERROR, "encrypted-key",
		    "the private key is encrypted and was not opened; give "
		    "its passphrase, or paste it unencrypted");

	if (run->in->key_count > 1 &&
	    findings_find(run->findings, "several-keys") == NULL)
		findings_add(run->findings, FINDING_ERROR, "several-keys",
		    "%zu private keys were given; give only the key of this "
		    "certificate", run->in->key_count);
}

static void validate_find_leaf_index(struct validate_run *run)
{
	run->leaf_index = VALIDATE_NOT_FOUND;
	for (size_t i = 0; i < run->in->cert_count; i++)
		if (run->in->certs[i].cert == run->mat.leaf) {
			run->leaf_index = i;
			return;
		}
	run->leaf_index = validate_input_position(run, run->mat.leaf);
}

/* The leaf as if no key had been given: the certificate to blame. */
static bool validate_pick_without_key(struct validate_run *run)
{
	struct input keyless = *run->in;
	struct error err;

	keyless.key = NULL;
	keyless.key_count = 0;
	error_clear(&err);
	return material_from_input(&run->mat, &keyless, &err);
}

static void validate_add_mismatch(struct validate_run *run)
{
	char *name = validate_cert_name(run->mat.leaf);

	findings_add(run->findings, FINDING_ERROR, "key-mismatch",
	    "the private key does not belong to the certificate %s; give "
	    "the key made with this certificate's request", name);
	free(name);
}

/*
 * The key fits none of the certificates: blame the leaf that the
 * certificates alone point to, and check it without the key.  When they
 * point to none either, why the key fits none (err) is the news.
 */
static bool validate_pick_mismatched(struct validate_run *run,
    const struct error *err)
{
	if (!validate_pick_without_key(run)) {
		findings_add(run->findings, FINDING_ERROR, err->code, "%s",
		    err->message);
		return false;
	}
	validate_add_mismatch(run);
	return true;
}

/*
 * A key that fits none of the certificates still leaves a leaf to check,
 * so the administrator hears about everything else at once.
 */
static bool validate_pick_leaf(struct validate_run *run)
{
	const struct input *in = run->in;
	struct error err;

	error_clear(&err);
	if (in->key == NULL && run->options->require_key &&
	    !in->key_encrypted)
		findings_add(run->findings, FINDING_ERROR, "no-key",
		    "no private key given or found: paste it, or give --key");

	/* With a key, material_from_input takes only a certificate that
	 * matches it. */
	if (!material_from_input(&run->mat, in, &err)) {
		if (in->key == NULL) {
			findings_add(run->findings, FINDING_ERROR, err.code,
			    "%s", err.message);
			return false;
		}
		if (!validate_pick_mismatched(run, &err))
			return false;
	}

	ERR_clear_error();
	validate_find_leaf_index(run);
	run->leaf_name = validate_cert_name(run->mat.leaf);
	return true;
}

/* The curve of an EC key, or NID_undef for explicit parameters. */
static int validate_curve_nid(EVP_PKEY *pub)
{
	char name[80];
	size_t length;
	int nid;

	if (EVP_PKEY_get_group_name(pub, name, sizeof(name), &length) != 1) {
		ERR_clear_error();
		return NID_undef;
	}
	if ((nid = OBJ_sn2nid(name)) == NID_undef)
		nid = EC_curve_nist2nid(name);
	return nid;
}

/*
 * What every daemon and its clients handle: TLS 1.3 dropped DSA, and
 * other curves than the NIST ones are missing from most TLS stacks
 * (GnuTLS has no Brainpool at all).  Ed25519 is served, with a warning.
 */
static bool validate_key_supported(EVP_PKEY *pub)
{
	int nid;

	if (EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_is_a(pub, "RSA-PSS") ||
	    EVP_PKEY_is_a(pub, "ED25519"))
		return true;
	if (!EVP_PKEY_is_a(pub, "EC"))
		return false;
	nid = validate_curve_nid(pub);
	return nid == NID_X9_62_prime256v1 || nid == NID_secp384r1 ||
	    nid == NID_secp521r1;
}

/* "a DSA key", "an ECDSA key on the curve brainpoolP256r1", ... */
static char *validate_key_kind(EVP_PKEY *pub)
{
	int nid;

	if (EVP_PKEY_is_a(pub, "DSA"))
		return xstrdup("a DSA key");
	if (EVP_PKEY_is_a(pub, "ED448"))
		return xstrdup("an Ed448 key");
	if (!EVP_PKEY_is_a(pub, "EC"))
		return xasprintf("a key of type %s",
		    EVP_PKEY_get0_type_name(pub) != NULL ?
		    EVP_PKEY_get0_type_name(pub) : "unknown");
	if ((nid = validate_curve_nid(pub)) == NID_undef)
		return xstrdup("an ECDSA key with explicit curve parameters");
	return xasprintf("an ECDSA key on the curve %s", OBJ_nid2sn(nid));
}

static void validate_check_key_type(struct validate_run *run, EVP_PKEY *pub)
{
	char *kind;

	if (validate_key_supported(pub))
		return;
	kind = validate_key_kind(pub);
	findings_add(run->findings, FINDING_ERROR, "unsupported-key",
	    "the certificate %s has %s, which mail and FTP clients do not "
	    "accept; use an RSA key of 2048 bits or more, or ECDSA P-256",
	    run->leaf_name, kind);
	free(kind);
}

static void validate_check_key(struct validate_run *run)
{
	EVP_PKEY *pub = X509_get0_pubkey(run->mat.leaf);

	if (pub == NULL)
		return;
	validate_check_key_type(run, pub);

	if ((EVP_PKEY_is_a(pub, "RSA") || EVP_PKEY_is_a(pub, "RSA-PSS")) &&
	    EVP_PKEY_get_bits(pub) < VALIDATE_RSA_MIN_BITS)
		findings_add(run->findings, FINDING_ERROR, "weak-key",
		    "the certificate %s has an RSA key of only %d bits, which "
		    "clients refuse; make a new key of at least %d bits and "
		    "have the certificate reissued", run->leaf_name,
		    EVP_PKEY_get_bits(pub), VALIDATE_RSA_MIN_BITS);

	if (EVP_PKEY_is_a(pub, "ED25519"))
		findings_add(run->findings, FINDING_WARNING, "ed25519-key",
		    "the certificate %s has an Ed25519 key: many mail and FTP "
		    "clients cannot use Ed25519 keys yet; use an RSA or ECDSA "
		    "certificate", run->leaf_name);
}

/*
 * Why the leaf's extensions keep clients from taking it as a server's,
 * or NULL.  OpenSSL decides, as the clients' own verification does
 * ("unsuitable certificate purpose"): extendedKeyUsage needs serverAuth
 * (anyExtendedKeyUsage alone is refused), a Netscape cert type needs SSL
 * server, keyUsage needs a way to sign or exchange keys.  It leaves out
 * the key type: only RSA can encipher, so an ECDSA or EdDSA key that
 * may not sign cannot do TLS at all.
 */
static const char *validate_server_refusal(X509 *leaf)
{
	uint32_t flags = X509_get_extension_flags(leaf);
	uint32_t usage = X509_get_key_usage(leaf);
	EVP_PKEY *pub = X509_get0_pubkey(leaf);
	uint32_t needed = KU_DIGITAL_SIGNATURE;
	int purpose;

	purpose = X509_check_purpose(leaf, X509_PURPOSE_SSL_SERVER, 0);
	ERR_clear_error();
	if (pub != NULL && EVP_PKEY_is_a(pub, "RSA"))
		needed |= KU_KEY_ENCIPHERMENT;
	if (purpose == 1 && ((flags & EXFLAG_KUSAGE) == 0 ||
	    (usage & needed) != 0))
		return NULL;

	if ((flags & EXFLAG_XKUSAGE) != 0 &&
	    (X509_get_extended_key_usage(leaf) & (XKU_SSL_SERVER | XKU_SGC))
	    == 0)
		return "its extendedKeyUsage lacks TLS Web Server "
		    "Authentication";
	if ((flags & EXFLAG_KUSAGE) != 0 && (usage & needed) == 0)
		return needed & KU_KEY_ENCIPHERMENT ? "its keyUsage allows "
		    "neither Digital Signature nor Key Encipherment" :
		    "its keyUsage does not allow Digital Signature, which "
		    "its key type needs for TLS";
	if ((flags & EXFLAG_NSCERT) != 0)
		return "its Netscape certificate type excludes SSL servers";
	return "its extensions cannot be read";
}

static void validate_check_purpose(struct validate_run *run)
{
	const char *why = validate_server_refusal(run->mat.leaf);

	if (why == NULL)
		return;
	findings_add(run->findings, FINDING_ERROR, "not-for-servers",
	    "the certificate %s is not for servers: %s, so clients refuse "
	    "it; request a server (TLS Web Server Authentication) "
	    "certificate", run->leaf_name, why);
}

/* The digest of cert's signature when clients no longer accept it. */
static const char *validate_weak_digest(X509 *cert)
{
	int mdnid = NID_undef;
	int pknid = NID_undef;

	if (X509_get_signature_info(cert, &mdnid, &pknid, NULL, NULL) != 1 &&
	    OBJ_find_sigid_algs(X509_get_signature_nid(cert), &mdnid,
	    &pknid) != 1)
		mdnid = NID_undef;
	ERR_clear_error();

	switch (mdnid) {
	case NID_md2:
		return "MD2";
	case NID_md4:
		return "MD4";
	case NID_md5:
		return "MD5";
	case NID_md5_sha1:
		return "MD5+SHA-1";
	case NID_sha1:
		return "SHA-1";
	}
	return NULL;
}

static void validate_check_signature(struct validate_run *run, X509 *cert,
    bool leaf)
{
	const char *digest = validate_weak_digest(cert);
	char *name;

	if (digest == NULL)
		return;
	name = validate_cert_name(cert);
	if (leaf)
		findings_add(run->findings, FINDING_ERROR, "weak-signature",
		    "the certificate %s is signed with %s, which clients "
		    "reject; have it reissued with SHA-256", name, digest);
	else
		findings_add(run->findings, FINDING_ERROR, "weak-signature",
		    "the intermediate certificate %s is signed with %s, which "
		    "clients reject; get the current intermediate from your "
		    "certificate authority", name, digest);
	free(name);
}

static void validate_add_expires_soon(struct validate_run *run,
    time_t not_after)
{
	int warn_days = run->options->warn_days > 0 ?
	    run->options->warn_days : VALIDATE_WARN_DAYS;
	time_t left = not_after - run->now;
	char date[64];

	if (left >= (time_t)warn_days * VALIDATE_DAY)
		return;
	util_format_time(not_after, date, sizeof(date));
	if (left < VALIDATE_DAY)
		findings_add(run->findings, FINDING_WARNING, "expires-soon",
		    "the certificate %s expires on %s, in less than a day; "
		    "renew it now", run->leaf_name, date);
	else
		findings_add(run->findings, FINDING_WARNING, "expires-soon",
		    "the certificate %s expires on %s (%lld days left); renew "
		    "it soon", run->leaf_name, date,
		    (long long)(left / VALIDATE_DAY));
}

static void validate_check_leaf_dates(struct validate_run *run)
{
	X509 *leaf = run->mat.leaf;
	time_t not_before = validate_time(X509_get0_notBefore(leaf));
	time_t not_after = validate_time(X509_get0_notAfter(leaf));
	char date[64];

	if (run->now > not_after) {
		util_format_time(not_after, date, sizeof(date));
		findings_add(run->findings, FINDING_ERROR, "expired",
		    "the certificate %s expired on %s; renew it and install "
		    "the new certificate", run->leaf_name, date);
		return;
	}

	if (run->now < not_before) {
		util_format_time(not_before, date, sizeof(date));
		findings_add(run->findings, FINDING_ERROR, "not-yet-valid",
		    "the certificate %s is not valid before %s; check this "
		    "server's clock, or install it from then on",
		    run->leaf_name, date);
		return;
	}

	validate_add_expires_soon(run, not_after);
}

/* A needed intermediate out of its validity breaks every client. */
static void validate_check_ca_dates(struct validate_run *run, X509 *cert)
{
	time_t not_before = validate_time(X509_get0_notBefore(cert));
	time_t not_after = validate_time(X509_get0_notAfter(cert));
	char date[64], *name;

	if (run->now <= not_after && run->now >= not_before)
		return;
	name = validate_cert_name(cert);

	if (run->now > not_after) {
		util_format_time(not_after, date, sizeof(date));
		findings_add(run->findings, FINDING_ERROR, "expired",
		    "the intermediate certificate %s in the chain of %s "
		    "expired on %s; get the current intermediate from your "
		    "certificate authority", name, run->leaf_name, date);
	} else {
		util_format_time(not_before, date, sizeof(date));
		findings_add(run->findings, FINDING_ERROR, "not-yet-valid",
		    "the intermediate certificate %s in the chain of %s is "
		    "not valid before %s; check this server's clock", name,
		    run->leaf_name, date);
	}
	free(name);
}

static char *validate_join_domains(const struct certinfo *info)
{
	struct strbuf list;

	strbuf_init(&list);
	for (size_t i = 0; i < info->domain_count; i++)
		strbuf_appendf(&list, "%s%s", i ? ", " : "",
		    info->domains_unicode[i]);
	if (list.length == 0)
		strbuf_appendf(&list, "no host name");
	return strbuf_release(&list);
}

static void validate_check_names(struct validate_run *run)
{
	const char *host = run->options->hostname;
	struct certinfo info;
	char *names;

	if (!certinfo_from_x509(&info, run->mat.leaf))
		return;

	if (!info.has_san)
		findings_add(run->findings, FINDING_WARNING, "no-san",
		    "the certificate %s has no subjectAltName: its names come "
		    "from the CN only, and modern clients ignore the CN; have "
		    "it reissued with the names in subjectAltName",
		    run->leaf_name);

	if (host != NULL && !names_cert_covers(run->mat.leaf, host)) {
		names = validate_join_domains(&info);
		findings_add(run->findings, FINDING_WARNING,
		    "hostname-not-covered", "the certificate %s does not cover "
		    "%s, only: %s; use a certificate that names %s",
		    run->leaf_name, host, names, host);
		free(names);
	}
	certinfo_free(&info);
}

/*
 * Every problem is recorded and verification goes on, so that one call
 * reports them all and the chain is still built as far as it goes.
 * Validity dates are judged by validate_check_*_dates with better
 * messages; OpenSSL still uses the time to prefer current issuers.
 */
static int validate_verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct validate_verify *state = X509_STORE_CTX_get_app_data(ctx);
	int error = X509_STORE_CTX_get_error(ctx);

	if (ok)
		return 1;

	switch (error) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		state->incomplete = true;
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		state->untrusted_root = true;
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
		break;
	default:
		if (state->other_error == X509_V_OK) {
			state->other_error = error;
			state->other_depth =
			    X509_STORE_CTX_get_error_depth(ctx);
		}
	}
	return 1;
}

static X509_STORE *validate_load_trust(struct validate_run *run)
{
	const char *trust_file = run->options->trust_file;
	X509_STORE *store = X509_STORE_new();
	bool ok = false;

	if (store == NULL)
		abort();

	if (!run->options->no_system_trust &&
	    X509_STORE_set_default_paths(store) != 1) {
		findings_add(run->findings, FINDING_ERROR,
		    "trust-store-unreadable", "the system's trusted roots "
		    "cannot be loaded; check that ca-certificates is "
		    "installed");
		goto out;
	}

	if (trust_file != NULL &&
	    X509_STORE_load_file(store, trust_file) != 1) {
		findings_add(run->findings, FINDING_ERROR,
		    "trust-store-unreadable", "the trusted roots in %s cannot "
		    "be loaded; check that the file exists and holds PEM "
		    "certificates", trust_file);
		goto out;
	}
	ok = true;
out:
	ERR_clear_error();
	if (!ok) {
		X509_STORE_free(store);
		store = NULL;
	}
	return store;
}

/* Everything given but the leaf: OpenSSL picks what the chain needs. */
static STACK_OF(X509) *validate_untrusted(const struct validate_run *run)
{
	STACK_OF(X509) *untrusted = sk_X509_new_null();

	if (untrusted == NULL)
		abort();
	for (size_t i = 0; i < run->in->cert_count; i++)
		if (i != run->leaf_index &&
		    !sk_X509_push(untrusted, run->in->certs[i].cert))
			abort();
	return untrusted;
}

/*
 * Partial chains stay refused: a chain that ends at an intermediate in
 * the store would pass here and fail at clients that lack it.
 */
static bool validate_verify_chain(struct validate_run *run,
    X509_STORE *store, struct validate_verify *state)
{
	STACK_OF(X509) *untrusted = validate_untrusted(run);
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	bool ok = false;

	if (ctx == NULL)
		abort();
	if (!X509_STORE_CTX_init(ctx, store, run->mat.leaf, untrusted))
		goto out;
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), run->now);
	X509_STORE_CTX_set_verify_cb(ctx, validate_verify_cb);
	X509_STORE_CTX_set_app_data(ctx, state);

	if (X509_verify_cert(ctx) < 0)
		goto out;
	run->chain = X509_STORE_CTX_get1_chain(ctx);
	ok = run->chain != NULL;
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	return ok;
}

/* The certificate at depth in the chain, by name. */
static char *validate_chain_name(const struct validate_run *run, int depth)
{
	if (depth < 0 || depth >= sk_X509_num(run->chain))
		return xstrdup(run->leaf_name);
	return validate_cert_name(sk_X509_value(run->chain, depth));
}

static void validate_report_verify(struct validate_run *run,
    const struct validate_verify *state)
{
	int top = sk_X509_num(run->chain) - 1;
	char *name, *issuer;

	if (state->untrusted_root) {
		name = validate_chain_name(run, top);
		findings_add(run->findings, FINDING_ERROR, "untrusted-root",
		    "the chain of the certificate %s ends at the root %s, "
		    "which is not trusted; use a certificate from a public "
		    "certificate authority", run->leaf_name, name);
		free(name);
	} else if (state->incomplete) {
		name = validate_chain_name(run, top);
		issuer = validate_name_line(X509_get_issuer_name(
		    sk_X509_value(run->chain, top)));
		findings_add(run->findings, FINDING_ERROR, "chain-incomplete",
		    "the issuer of %s (%s) is neither in the CA bundle nor "
		    "trusted; add the intermediate certificate from your "
		    "certificate authority to the CA bundle", name, issuer);
		free(issuer);
		free(name);
	}

	if (state->other_error != X509_V_OK) {
		name = validate_chain_name(run, state->other_depth);
		findings_add(run->findings, FINDING_ERROR, "chain-invalid",
		    "the chain of the certificate %s does not verify at %s: "
		    "%s; get the certificate and CA bundle again from your "
		    "certificate authority", run->leaf_name, name,
		    X509_verify_cert_error_string(state->other_error));
		free(name);
	}
}

/*
 * What is served is the chain above the leaf, minus a self-signed root:
 * clients have their own copy of the root, and only the copy they trust
 * counts, so sending it costs bytes and proves nothing.
 */
static void validate_collect_served(struct validate_run *run)
{
	int count = sk_X509_num(run->chain);
	X509 *cert;

	for (int i = 1; i < count; i++) {
		cert = sk_X509_value(run->chain, i);
		/* A root's self-signature is never judged: it is trusted as
		 * a copy, not by its signature. */
		if (i == count - 1 && validate_self_signed(cert))
			break;
		validate_check_ca_dates(run, cert);
		validate_check_signature(run, cert, false);
		if (!X509_up_ref(cert) || !sk_X509_push(run->served, cert))
			abort();
	}
}

/* False when no chain could be built: the bundle cannot be judged. */
static bool validate_check_chain(struct validate_run *run)
{
	struct validate_verify state = { .other_error = X509_V_OK };
	X509_STORE *store;
	bool built;

	if ((store = validate_load_trust(run)) == NULL)
		return false;

	if ((built = validate_verify_chain(run, store, &state))) {
		validate_report_verify(run, &state);
		validate_collect_served(run);
	} else
		findings_add(run->findings, FINDING_ERROR, "chain-invalid",
		    "the chain of the certificate %s cannot be verified; get "
		    "the certificate and CA bundle again from your certificate "
		    "authority", run->leaf_name);
	X509_STORE_free(store);
	return built;
}

static void validate_add_cross_sign(struct validate_run *run, X509 *cert,
    const char *name)
{
	time_t not_after = validate_time(X509_get0_notAfter(cert));
	struct certinfo info;
	const char *issuer = "";
	char date[64];

	/* A cross-sign bears its root's subject: the issuer tells them
	 * apart. */
	if (certinfo_from_x509(&info, cert) && info.issuer_cn != NULL)
		issuer = info.issuer_cn;
	else if (info.issuer != NULL)
		issuer = info.issuer;
	util_format_time(not_after, date, sizeof(date));
	findings_add(run->findings, FINDING_WARNING, "cross-sign-trimmed",
	    "the CA certificate %s issued by \"%s\" in the CA bundle expired "
	    "on %s and is not needed for the chain of %s; it is left out",
	    name, issuer, date, run->leaf_name);
	certinfo_free(&info);
}

/* Why a certificate of the bundle is left out. */
static void validate_report_unused(struct validate_run *run, X509 *cert)
{
	char *name = validate_cert_name(cert);

	if (validate_self_signed(cert))
		findings_add(run->findings, FINDING_WARNING,
		    "bundle-root-removed", "the root %s in the CA bundle is "
		    "not served: clients have their own", name);
	else if (X509_check_ca(cert) != 0 &&
	    run->now > validate_time(X509_get0_notAfter(cert)))
		validate_add_cross_sign(run, cert, name);
	else
		findings_add(run->findings, FINDING_WARNING,
		    "bundle-unrelated-removed", "the certificate %s in the CA "
		    "bundle is not part of the chain of %s and is left out",
		    name, run->leaf_name);
	free(name);
}

/*
 * Were the chain's certificates read leaf first, then upwards?  The root
 * counts too: a bundle given root first is reversed even though the root
 * itself is then left out.
 */
static bool validate_bundle_reordered(const struct validate_run *run)
{
	size_t last = VALIDATE_NOT_FOUND, position;
	int count = run->chain != NULL ? sk_X509_num(run->chain) : 0;

	for (int i = 1; i < count; i++) {
		position = validate_input_position(run,
		    sk_X509_value(run->chain, i));
		if (position == VALIDATE_NOT_FOUND)
			continue;
		if (last != VALIDATE_NOT_FOUND && position < last)
			return true;
		last = position;

		/* Only within one source: --cert and --cabundle are read in
		 * whatever order the caller chose. */
		if (run->leaf_index != VALIDATE_NOT_FOUND &&
		    position < run->leaf_index &&
		    run->in->certs[position].origin ==
		    run->in->certs[run->leaf_index].origin)
			return true;
	}
	return false;
}

static void validate_check_bundle(struct validate_run *run)
{
	bool leaf_again = false;
	X509 *cert;

	for (size_t i = 0; i < run->in->cert_count; i++) {
		cert = run->in->certs[i].cert;
		if (i == run->leaf_index)
			continue;
		if (X509_cmp(cert, run->mat.leaf) == 0)
			leaf_again = true;
		else if (validate_input_position(run, cert) == i &&
		    !validate_stack_has(run->served, cert))
			validate_report_unused(run, cert);
	}

	if (leaf_again)
		findings_add(run->findings, FINDING_WARNING,
		    "bundle-leaf-removed", "the CA bundle also holds the "
		    "certificate %s itself; that copy is left out",
		    run->leaf_name);

	if (validate_bundle_reordered(run))
		findings_add(run->findings, FINDING_WARNING,
		    "bundle-reordered", "the chain given with the "
		    "certificate %s was not in leaf-to-root order; it will be "
		    "installed in the right order", run->leaf_name);
}

static void validate_check_certificates(struct validate_run *run)
{
	validate_check_key(run);
	validate_check_purpose(run);
	validate_check_signature(run, run->mat.leaf, true);
	validate_check_leaf_dates(run);
	validate_check_names(run);

	/* No chain exists to check; the bundle is then all left out. */
	if (validate_self_signed(run->mat.leaf))
		findings_add(run->findings, FINDING_WARNING, "self-signed",
		    "the certificate %s is self-signed: clients will warn; use "
		    "a certificate from a certificate authority",
		    run->leaf_name);
	else if (!validate_check_chain(run))
		return;

	validate_check_bundle(run);
}

/* Out gets its own references; run is freed as usual afterwards. */
static void validate_fill(struct validate_run *run, struct material *out)
{
	material_free(out);
	material_init(out);

	if (!X509_up_ref(run->mat.leaf))
		abort();
	out->leaf = run->mat.leaf;
	if (run->mat.key != NULL && !EVP_PKEY_up_ref(run->mat.key))
		abort();
	out->key = run->mat.key;

	sk_X509_pop_free(out->chain, X509_free);
	out->chain = run->served;
	run->served = NULL;
}

bool validate_input(const struct input *in,
    const struct validate_options *options, struct material *out,
    struct findings *findings)
{
	struct validate_run run = {
		.in = in, .options = options, .findings = findings,
		.now = options->now ? options->now : time(NULL),
		.leaf_index = VALIDATE_NOT_FOUND,
	};
	bool ok = false;

	material_init(&run.mat);
	if ((run.served = sk_X509_new_null()) == NULL)
		abort();
	validate_carry_input_errors(&run);

	/* An unreadable file already said why it holds no certificate. */
	if (in->cert_count == 0) {
		if (!findings_has_errors(findings))
			findings_add(findings, FINDING_ERROR, "no-certificate",
			    "no certificate was given or found: paste the "
			    "certificate (PEM), or name its file");
		goto out;
	}
	if (!validate_pick_leaf(&run))
		goto out;

	validate_check_certificates(&run);
	if (findings_has_errors(findings))
		goto out;

	validate_fill(&run, out);
	ok = true;
out:
	sk_X509_pop_free(run.served, X509_free);
	sk_X509_pop_free(run.chain, X509_free);
	free(run.leaf_name);
	material_free(&run.mat);
	return ok;
}
