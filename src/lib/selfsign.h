/*
 * selfsign.h - fresh self-signed certificates for "reset".
 */
#ifndef SVCCERT_SELFSIGN_H
#define SVCCERT_SELFSIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "material.h"

/* "rsa-2048", "rsa-4096", "ecdsa-p256", "ecdsa-p384" */
bool selfsign_key_type_valid(const char *key_type);

/*
 * A new key of key_type and a certificate for names[0] (CN) with every
 * name in the subjectAltName, valid for days from now, SHA-256,
 * serverAuth, CA:FALSE.
 */
bool selfsign_make(struct material *out, const char *key_type,
    const char *const *names, size_t name_count, int days,
    struct error *err);

#endif
