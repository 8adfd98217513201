/*
 * filter.c - WHM's output filters: api.filter.X.field, .arg0 and .type
 * keep the items of a list whose field matches, for every X given
 * (api.filter.enable=0 turns them off).  As in WHM the type defaults to
 * "contains", string comparisons ignore case, and field "*" matches any
 * of an item's fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon.h"
#include "util.h"

#define FILTER_PREFIX "api.filter."
#define FILTER_FIELD ".field"

enum filter_op {
	FILTER_EQ, FILTER_NE, FILTER_CONTAINS, FILTER_BEGINS, FILTER_ENDS,
	FILTER_LT, FILTER_GT, FILTER_LE, FILTER_GE,
};

static const struct {
	const char *name;
	enum filter_op op;
} filter_types[] = {
	{ "eq", FILTER_EQ }, { "==", FILTER_EQ }, { "ne", FILTER_NE },
	{ "!=", FILTER_NE }, { "contains", FILTER_CONTAINS },
	{ "begins", FILTER_BEGINS }, { "ends", FILTER_ENDS },
	{ "lt", FILTER_LT }, { "gt", FILTER_GT }, { "lt_equal", FILTER_LE },
	{ "gt_equal", FILTER_GE },
};

struct filter {
	const char *field;
	const char *arg;
	enum filter_op op;
};

static bool filter_compare_strings(const char *value, const char *arg,
    enum filter_op op)
{
	size_t vl = strlen(value), al = strlen(arg);

	switch (op) {
	case FILTER_EQ:
		return strcasecmp(value, arg) == 0;
	case FILTER_NE:
		return strcasecmp(value, arg) != 0;
	case FILTER_CONTAINS:
		return strcasestr(value, arg) != NULL;
	case FILTER_BEGINS:
		return strncasecmp(value, arg, al) == 0;
	case FILTER_ENDS:
		return vl >= al && strcasecmp(value + vl - al, arg) == 0;
	default:
		return false;
	}
}

static bool filter_compare_numbers(double value, const char *arg,
    enum filter_op op)
{
	char *end;
	double n = strtod(arg, &end);

	if (*arg == '\0' || *end != '\0')
		return false;
	switch (op) {
	case FILTER_EQ: return value == n;
	case FILTER_NE: return value != n;
	case FILTER_LT: return value < n;
	case FILTER_GT: return value > n;
	case FILTER_LE: return value <= n;
	case FILTER_GE: return value >= n;
	default: return false;
	}
}

/* Numbers compare as numbers for eq and the orderings, else as text. */
static bool filter_value_matches(json_t *value, const struct filter *f)
{
	char text[32];

	if (json_is_string(value))
		return filter_compare_strings(json_string_value(value), f->arg,
		    f->op);
	if (!json_is_number(value))
		return false;
	if (f->op != FILTER_CONTAINS && f->op != FILTER_BEGINS &&
	    f->op != FILTER_ENDS)
		return filter_compare_numbers(json_number_value(value),
		    f->arg, f->op);
	snprintf(text, sizeof(text), "%g", json_number_value(value));
	return filter_compare_strings(text, f->arg, f->op);
}

static bool filter_item_matches(json_t *item, const struct filter *f)
{
	const char *key;
	json_t *value;

	if (strcmp(f->field, "*") != 0)
		return filter_value_matches(json_object_get(item, f->field), f);
	json_object_foreach(item, key, value)
		if (filter_value_matches(value, f))
			return true;
	return false;
}

static void filter_list(json_t *list, const struct filter *f)
{
	size_t i = 0;

	while (i < json_array_size(list))
		if (filter_item_matches(json_array_get(list, i), f))
			i++;
		else
			json_array_remove(list, i);
}

/* The filter named by key "api.filter.X.field"; false if malformed. */
static bool filter_parse(json_t *params, const char *key, struct filter *f,
    struct error *err)
{
	char *name = xasprintf("%.*s", (int)(strlen(key) -
	    strlen(FILTER_FIELD)), key);
	char *arg_key = xasprintf("%s.arg0", name);
	char *type_key = xasprintf("%s.type", name);
	const char *type = params_get(params, type_key);
	bool ok = false;

	f->field = params_get(params, key);
	f->arg = params_get(params, arg_key);
	for (size_t i = 0; type != NULL && i < sizeof(filter_types) /
	    sizeof(filter_types[0]); i++)
		if (strcmp(type, filter_types[i].name) == 0) {
			f->op = filter_types[i].op;
			ok = true;
		}
	if (type == NULL) {
		f->op = FILTER_CONTAINS;
		ok = true;
	}
	if (!ok || f->field == NULL || f->arg == NULL)
		error_set(err, "invalid-parameter", "the filter %s needs "
		    "%s.field, %s.arg0 and a known %s.type (eq, ne, contains, "
		    "begins, ends, lt, gt, lt_equal, gt_equal)", name, name,
		    name, name);
	free(name);
	free(arg_key);
	free(type_key);
	return !error_is_set(err);
}

static bool filter_is_field_key(const char *key)
{
	size_t length = strlen(key);

	return strncmp(key, FILTER_PREFIX, strlen(FILTER_PREFIX)) == 0 &&
	    length > strlen(FILTER_PREFIX) + strlen(FILTER_FIELD) &&
	    strcmp(key + length - strlen(FILTER_FIELD), FILTER_FIELD) == 0;
}

bool filter_apply(const struct request *r, json_t *list, struct error *err)
{
	const char *enable = params_get(r->params, "api.filter.enable");
	const char *key;
	json_t *value;
	struct filter f;

	if (enable != NULL && strcmp(enable, "0") == 0)
		return true;
	error_clear(err);
	json_object_foreach(r->params, key, value) {
		if (!filter_is_field_key(key))
			continue;
		if (!filter_parse(r->params, key, &f, err))
			return false;
		filter_list(list, &f);
	}
	return true;
}
