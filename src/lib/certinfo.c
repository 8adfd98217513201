/*
 * certinfo.c - what is shown for every certificate.
 *
 * One place turns an X509 into the plain fields the CLI, the API and the
 * history store print, so every front end names a certificate, its key
 * and its dates the same way.
 */
#include "certinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "names.h"
#include "util.h"

/* The text of the last entry nid in name (the most specific CN), or NULL. */
static char *certinfo_name_entry(const X509_NAME *name, int nid)
{
	int last = -1, next;
	unsigned char *utf8 = NULL;
	char *text;
	int length;

	while ((next = X509_NAME_get_index_by_NID(name, nid, last)) >= 0)
		last = next;
	if (last < 0)
		return NULL;

	length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(name, last)));
	/* An embedded NUL would let "good.com\0.evil" pass as good.com. */
	if (length < 0 || (length > 0 &&
	    memchr(utf8, '\0', (size_t)length) != NULL)) {
		OPENSSL_free(utf8);
		ERR_clear_error();
		return NULL;
	}
	text = xstrndup((char *)utf8, (size_t)length);
	OPENSSL_free(utf8);
	return text;
}

/* RFC 2253 order and quoting, but UTF-8 kept readable ("O=Müller"). */
static char *certinfo_name_line(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long length;
	char *line;

	if (bio == NULL || X509_NAME_print_ex(bio, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
		abort();
	/* An empty name leaves the BIO without any buffer. */
	length = BIO_get_mem_data(bio, &data);
	line = length > 0 ? xstrndup(data, (size_t)length) : xstrdup("");
	BIO_free(bio);
	return line;
}

static void certinfo_add_domain(struct certinfo *info, const char *name)
{
	info->domains = xrealloc(info->domains,
	    (info->domain_count + 1) * sizeof(*info->domains));
	info->domains_unicode = xrealloc(info->domains_unicode,
	    (info->domain_count + 1) * sizeof(*info->domains_unicode));
	info->domains[info->domain_count] = xstrdup(name);
	info->domains_unicode[info->domain_count] = names_to_unicode(name);
	info->domain_count++;
}

/* dNSName entries only: IP addresses and mail addresses are no domains. */
static void certinfo_add_san_domains(struct certinfo *info, X509 *cert)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name,
	    NULL, NULL);

	for (int i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		const ASN1_IA5STRING *dns;
		char *name;

		if (gn->type != GEN_DNS)
			continue;
		dns = gn->d.dNSName;
		name = xstrndup((const char *)ASN1_STRING_get0_data(dns),
		    (size_t)ASN1_STRING_length(dns));
		/* A NUL inside the name: never show a shortened one. */
		if (strlen(name) == (size_t)ASN1_STRING_length(dns))
			certinfo_add_domain(info, name);
		free(name);
	}
	GENERAL_NAMES_free(sans);
	ERR_clear_error();
}

static void certinfo_fill_names(struct certinfo *info, X509 *cert)
{
	const X509_NAME *subject = X509_get_subject_name(cert);
	const X509_NAME *issuer = X509_get_issuer_name(cert);

	info->subject = certinfo_name_line(subject);
	info->subject_cn = certinfo_name_entry(subject, NID_commonName);
	info->issuer = certinfo_name_line(issuer);
	info->issuer_cn = certinfo_name_entry(issuer, NID_commonName);
	info->issuer_org = certinfo_name_entry(issuer,
	    NID_organizationName);

	/* RFC 6125: the CN names the host only without the extension. */
	info->has_san = X509_get_ext_by_NID(cert, NID_subject_alt_name,
	    -1) >= 0;
	if (info->has_san)
		certinfo_add_san_domains(info, cert);
	else if (info->subject_cn != NULL)
		certinfo_add_domain(info, info->subject_cn);
}

/* EC keys: the curve's short name and its NIST label when it has one. */
static void certinfo_fill_curve(struct certinfo *info, EVP_PKEY *key)
{
	char group[80];
	const char *nist;
	int nid;

	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), NULL)) {
		snprintf(info->key_type, sizeof(info->key_type), "ECDSA");
		return;
	}

	/* OBJ_ names are static, so curve_name needs no freeing. */
	nid = OBJ_sn2nid(group);
	info->curve_name = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
	nist = nid != NID_undef ? EC_curve_nid2nist(nid) : NULL;
	snprintf(info->key_type, sizeof(info->key_type), "ECDSA %s",
	    nist != NULL ? nist : group);
}

static void certinfo_fill_key(struct certinfo *info, X509 *cert)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	ASN1_OBJECT *algorithm = NULL;

	/* The algorithm as the certificate names it, even when OpenSSL
	 * cannot use the key itself. */
	X509_PUBKEY_get0_param(&algorithm, NULL, NULL, NULL,
	    X509_get_X509_PUBKEY(cert));
	info->key_algorithm = OBJ_nid2sn(OBJ_obj2nid(algorithm));
	if (key == NULL) {
		ERR_clear_error();
		snprintf(info->key_type, sizeof(info->key_type), "unknown");
		return;
	}

	info->key_bits = EVP_PKEY_get_bits(key);
	if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS"))
		snprintf(info->key_type, sizeof(info->key_type), "RSA %d",
		    info->key_bits);
	else if (EVP_PKEY_is_a(key, "EC"))
		certinfo_fill_curve(info, key);
	else if (EVP_PKEY_is_a(key, "ED25519"))
		snprintf(info->key_type, sizeof(info->key_type), "Ed25519");
	else if (EVP_PKEY_is_a(key, "ED448"))
		snprintf(info->key_type, sizeof(info->key_type), "Ed448");
	else
		snprintf(info->key_type, sizeof(info->key_type), "%s %d",
		    info->key_algorithm, info->key_bits);
}

static time_t certinfo_time(const ASN1_TIME *when)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (when == NULL || !ASN1_TIME_to_tm(when, &tm))
		return 0;
	return timegm(&tm);
}

/*
 * Its own issuer, and its own key verifies it: a CA root, or a server
 * certificate made with "openssl req -x509".  Such a server certificate
 * usually lacks keyCertSign, which X509_check_issued reports; that says
 * nothing about who signed it, so it still counts.
 */
static bool certinfo_is_self_signed(X509 *cert)
{
	EVP_PKEY *key = X509_get0_pubkey(cert);
	int issued = X509_check_issued(cert, cert);
	bool self_signed = key != NULL && (issued == X509_V_OK ||
	    issued == X509_V_ERR_KEYUSAGE_NO_CERTSIGN) &&
	    X509_verify(cert, key) == 1;

	ERR_clear_error();
	return self_signed;
}

static char *certinfo_signature_name(X509 *cert)
{
	const X509_ALGOR *algorithm;
	const ASN1_OBJECT *oid;
	char name[128];

	/* Unknown algorithms are shown by their dotted OID. */
	X509_get0_signature(NULL, &algorithm, cert);
	X509_ALGOR_get0(&oid, NULL, NULL, algorithm);
	if (OBJ_obj2txt(name, sizeof(name), oid, 0) <= 0)
		snprintf(name, sizeof(name), "unknown");
	return xstrdup(name);
}

bool certinfo_from_x509(struct certinfo *info, X509 *cert)
{
	memset(info, 0, sizeof(*info));
	if (cert == NULL)
		return false;

	certinfo_fill_names(info, cert);
	certinfo_fill_key(info, cert);
	info->self_signed = certinfo_is_self_signed(cert);
	info->not_before = certinfo_time(X509_get0_notBefore(cert));
	info->not_after = certinfo_time(X509_get0_notAfter(cert));
	material_fingerprint(cert, info->fingerprint,
	    sizeof(info->fingerprint));
	info->signature_algorithm = certinfo_signature_name(cert);
	return true;
}

void certinfo_free(struct certinfo *info)
{
	for (size_t i = 0; i < info->domain_count; i++) {
		free(info->domains[i]);
		free(info->domains_unicode[i]);
	}
	free(info->domains);
	free(info->domains_unicode);
	free(info->subject);
	free(info->subject_cn);
	free(info->issuer);
	free(info->issuer_cn);
	free(info->issuer_org);
	free(info->signature_algorithm);
	memset(info, 0, sizeof(*info));
}

const char *certinfo_label(const struct certinfo *info)
{
	if (info->subject_cn != NULL && info->subject_cn[0] != '\0')
		return info->subject_cn;
	if (info->domain_count > 0)
		return info->domains[0];
	return info->subject != NULL ? info->subject : "";
}

char *certinfo_name_of(X509 *cert)
{
	struct certinfo info;
	char *label;

	/* Only the names are needed: skip the key and signature work. */
	memset(&info, 0, sizeof(info));
	if (cert == NULL)
		return xstrdup("");
	certinfo_fill_names(&info, cert);
	label = xstrdup(certinfo_label(&info));
	certinfo_free(&info);
	return label;
}
