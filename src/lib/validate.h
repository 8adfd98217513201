/*
 * validate.h - every check an install runs before anything is touched.
 *
 * Finding codes (errors stop the install):
 *   no-certificate, malformed-input, no-key, encrypted-key, several-keys,
 *   key-mismatch, weak-key, unsupported-key (DSA, Ed448, curves other
 *   than P-256, P-384 and P-521), not-for-servers (extensions that make
 *   clients refuse the leaf on a server), weak-signature, expired,
 *   not-yet-valid, chain-incomplete, untrusted-root,
 *   chain-invalid (OpenSSL refuses the chain for another reason),
 *   trust-store-unreadable, and material_from_input's codes (no-leaf)
 * Warnings:
 *   self-signed, expires-soon, hostname-not-covered, no-san,
 *   bundle-reordered, bundle-leaf-removed, bundle-root-removed,
 *   cross-sign-trimmed, ed25519-key, bundle-unrelated-removed
 */
#ifndef SVCCERT_VALIDATE_H
#define SVCCERT_VALIDATE_H

#include <stdbool.h>
#include <time.h>

#include "finding.h"
#include "input.h"
#include "material.h"

struct validate_options {
	const char *hostname;    /* check coverage when not NULL */
	const char *trust_file;  /* extra PEM roots, or NULL */
	bool no_system_trust;    /* tests: only trust_file */
	bool require_key;        /* install and validate: true */
	time_t now;              /* 0: time(NULL) */
	int warn_days;           /* expires-soon threshold; 0: 30 */
};

/*
 * Judge in and, when it has no error findings, fill out with the leaf,
 * key and the chain as it should be served (ordered, trimmed, no root).
 * Returns true when no error finding was added.  Errors input_read_*
 * left in findings count too; out must be initialized and is replaced.
 */
bool validate_input(const struct input *in,
    const struct validate_options *options, struct material *out,
    struct findings *findings);

#endif
