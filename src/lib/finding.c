/*
 * finding.c - the list validation fills.
 */
#include "finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void findings_init(struct findings *list)
{
	memset(list, 0, sizeof(*list));
}

void findings_add(struct findings *list, enum finding_severity severity,
    const char *code, const char *fmt, ...)
{
	struct finding *item;
	va_list ap;
	char *message;
	int length;

	va_start(ap, fmt);
	length = vasprintf(&message, fmt, ap);
	va_end(ap);
	if (length < 0)
		abort();
	for (char *p = message; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';

	if (list->count == list->capacity) {
		list->capacity = list->capacity ? list->capacity * 2 : 8;
		list->items = xrealloc(list->items,
		    list->capacity * sizeof(*list->items));
	}
	item = &list->items[list->count++];
	item->severity = severity;
	item->code = xstrdup(code);
	item->message = message;
}

bool findings_has_errors(const struct findings *list)
{
	return findings_count(list, FINDING_ERROR) > 0;
}

size_t findings_count(const struct findings *list,
    enum finding_severity severity)
{
	size_t n = 0;

	for (size_t i = 0; i < list->count; i++)
		if (list->items[i].severity == severity)
			n++;
	return n;
}

const struct finding *findings_find(const struct findings *list,
    const char *code)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->items[i].code, code) == 0)
			return &list->items[i];
	return NULL;
}

void findings_free(struct findings *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].code);
		free(list->items[i].message);
	}
	free(list->items);
	findings_init(list);
}
