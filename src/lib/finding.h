/*
 * finding.h - what validation says about a certificate, key and bundle.
 *
 * Each finding has a stable code (documented in svccert(1)), a severity
 * and one line for the administrator.  Errors stop an install; warnings
 * are reported and the install goes on.
 */
#ifndef SVCCERT_FINDING_H
#define SVCCERT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

enum finding_severity {
	FINDING_ERROR,
	FINDING_WARNING,
};

struct finding {
	enum finding_severity severity;
	char *code;     /* stable, e.g. "weak-key" */
	char *message;  /* one line */
};

struct findings {
	struct finding *items;
	size_t count;
	size_t capacity;
};

void findings_init(struct findings *list);
void findings_add(struct findings *list, enum finding_severity severity,
    const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool findings_has_errors(const struct findings *list);
size_t findings_count(const struct findings *list,
    enum finding_severity severity);
/* The first finding with this code, or NULL. */
const struct finding *findings_find(const struct findings *list,
    const char *code);
void findings_free(struct findings *list);

#endif
