/*
 * builtin.h - the service definitions svccert ships, as JSON text.
 *
 * They are written in the same format as the files in the services
 * directory (svccert-services(5)), so one loader reads both and a file
 * can override a built-in key by key.
 */
#ifndef SVCCERT_BUILTIN_H
#define SVCCERT_BUILTIN_H

#include <stddef.h>

struct builtin_service {
	const char *name;
	const char *json;
};

/* Sorted by name. */
extern const struct builtin_service builtin_services[];
extern const size_t builtin_service_count;

/* The JSON text of the built-in called name, or NULL. */
const char *builtin_find(const char *name);

#endif
