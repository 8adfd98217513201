/*
 * test_change.c - what svccert and svccertd decide before a change:
 * target names, validation options, host name warnings, reset material.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "atomic.h"
#include "certinfo.h"
#include "change.h"
#include "fixture.h"
#include "util.h"

static void write_text(const char *root, const char *rel, const char *text)
{
	char *path = xasprintf("%s%s", root, rel);
	char *dir = xstrdup(path);
	struct error err;

	*strrchr(dir, '/') = '\0';
	assert_true(atomic_make_dirs(dir, 0755, &err));
	free(fixture_write_file(dir, strrchr(path, '/') + 1, text));
	free(dir);
	free(path);
}

/* Two services: demo uses the configured host name, web its own. */
static int setup(void **state)
{
	char *root = fixture_temp_dir();
	struct context *ctx = xcalloc(1, sizeof(*ctx));
	struct error err;

	write_text(root, "/etc/svccert/svccert.conf", "{\"hostname\": "
	    "\"mail.test\", \"aliases\": [\"smtp.test\", \"MAIL.test\"], "
	    "\"key_type\": \"ecdsa-p256\", \"warn_days\": 12, "
	    "\"trust_file\": \"/etc/roots.pem\"}");
	write_text(root, "/etc/svccert/services.d/demo.json",
	    "{\"files\": [{\"path\": \"/srv/demo.pem\", \"holds\": "
	    "\"key+fullchain\"}], \"reload\": {\"method\": \"none\"}, "
	    "\"endpoints\": []}");
	write_text(root, "/etc/svccert/services.d/web.json",
	    "{\"hostname\": \"www.test\", \"files\": [{\"path\": "
	    "\"/srv/web.pem\", \"holds\": \"key+fullchain\"}], "
	    "\"reload\": {\"method\": \"none\"}, \"endpoints\": []}");
	if (!context_open(ctx, root, NULL, &err))
		fail_msg("context_open: %s", err.message);
	free(root);
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	context_close(*state);
	free(*state);
	fixture_cleanup_dirs();
	return 0;
}

static void test_split_names(void **state)
{
	size_t count;
	char **names = change_split_names(",exim,,dovecot,", &count);

	assert_int_equal(count, 2);
	assert_string_equal(names[0], "exim");
	assert_string_equal(names[1], "dovecot");
	assert_null(names[2]);
	change_free_names(names);

	names = change_split_names("", &count);
	assert_int_equal(count, 0);
	assert_null(names[0]);
	change_free_names(names);
	change_free_names(NULL);
}

static void test_validate_options(void **state)
{
	struct context *ctx = *state;
	struct validate_options o;
	char *configured = config_resolve(&ctx->config, "/etc/roots.pem");

	change_validate_options(ctx, NULL, &o);
	assert_true(o.require_key);
	assert_int_equal(o.warn_days, 12);
	assert_string_equal(o.trust_file, configured);
	assert_null(o.hostname);

	/* A trust file given for this paste wins over the configured one. */
	change_validate_options(ctx, "/tmp/other.pem", &o);
	assert_string_equal(o.trust_file, "/tmp/other.pem");
	free(configured);
}

static void test_check_services(void **state)
{
	struct context *ctx = *state;
	const char *const sans[] = { "mail.test", NULL };
	struct fixture_options fo = { .cn = "mail.test", .sans = sans };
	struct fixture_pair pair;
	struct findings findings;
	struct error err;
	char *both[] = { "demo", "web", NULL };
	char *unknown[] = { "demo", "nosuch", NULL };

	fixture_make(&pair, &fo);
	findings_init(&findings);

	/* web wants www.test, which the certificate does not cover. */
	assert_true(change_check_services(ctx, both, 2, pair.cert, &findings,
	    &err));
	assert_int_equal(findings.count, 1);
	assert_string_equal(findings.items[0].code, "hostname-not-covered");
	assert_non_null(strstr(findings.items[0].message, "www.test"));
	assert_false(findings_has_errors(&findings));

	/* Without a leaf only the names are checked. */
	assert_true(change_check_services(ctx, both, 2, NULL, &findings,
	    &err));
	assert_int_equal(findings.count, 1);

	assert_false(change_check_services(ctx, unknown, 2, NULL, &findings,
	    &err));
	assert_string_equal(err.code, "unknown-service");
	assert_non_null(strstr(err.message, "'nosuch'"));

	findings_free(&findings);
	fixture_pair_free(&pair);
}

static void test_check_apply(void **state)
{
	char *to[] = { "web", "demo", NULL };
	struct error err;

	assert_true(change_check_apply("exim", to, 2, &err));
	assert_false(change_check_apply("demo", to, 2, &err));
	assert_string_equal(err.code, "apply-to-self");
	assert_non_null(strstr(err.message, "demo"));
}

static void test_parse_history_id(void **state)
{
	const char *bad[] = { "", "0", "-3", "12x", "x", " 1",
	    "99999999999999999999999", NULL };
	struct error err;
	int64_t id = 0;

	assert_true(change_parse_history_id("42", "exim", &id, &err));
	assert_int_equal(id, 42);
	for (size_t i = 0; bad[i] != NULL; i++) {
		assert_false(change_parse_history_id(bad[i], "exim", &id,
		    &err));
		assert_string_equal(err.code, "bad-history-id");
		assert_non_null(strstr(err.message, "svccert history exim"));
	}
}

/* CN is the service's host name; the configured names follow, once. */
static void test_reset_material(void **state)
{
	struct context *ctx = *state;
	struct material mat;
	struct certinfo info;
	struct error err;

	material_init(&mat);
	assert_true(change_reset_material(ctx, registry_find(&ctx->registry,
	    "web"), &mat, &err));
	assert_non_null(mat.key);
	assert_true(certinfo_from_x509(&info, mat.leaf));
	assert_string_equal(info.subject_cn, "www.test");
	assert_true(info.self_signed);
	assert_string_equal(info.key_type, "ECDSA P-256");
	assert_int_equal(info.domain_count, 3);
	assert_string_equal(info.domains[0], "www.test");
	assert_string_equal(info.domains[1], "mail.test");
	assert_string_equal(info.domains[2], "smtp.test");
	certinfo_free(&info);
	material_free(&mat);

	/* demo's own name is the configured one: not listed twice. */
	material_init(&mat);
	assert_true(change_reset_material(ctx, registry_find(&ctx->registry,
	    "demo"), &mat, &err));
	assert_true(certinfo_from_x509(&info, mat.leaf));
	assert_int_equal(info.domain_count, 2);
	assert_string_equal(info.domains[0], "mail.test");
	certinfo_free(&info);
	material_free(&mat);
}

static void test_worse_status(void **state)
{
	assert_int_equal(change_worse_status(TXN_OK, TXN_OK), TXN_OK);
	assert_int_equal(change_worse_status(TXN_OK, TXN_REFUSED),
	    TXN_REFUSED);
	assert_int_equal(change_worse_status(TXN_ROLLED_BACK, TXN_REFUSED),
	    TXN_ROLLED_BACK);
	assert_int_equal(change_worse_status(TXN_ROLLED_BACK,
	    TXN_ROLLBACK_FAILED), TXN_ROLLBACK_FAILED);
	assert_int_equal(change_worse_status(TXN_ROLLBACK_FAILED, TXN_OK),
	    TXN_ROLLBACK_FAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_names),
		cmocka_unit_test(test_validate_options),
		cmocka_unit_test(test_check_services),
		cmocka_unit_test(test_check_apply),
		cmocka_unit_test(test_parse_history_id),
		cmocka_unit_test(test_reset_material),
		cmocka_unit_test(test_worse_status),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
