/*
 * test_config.c - svccert.conf: defaults, --root resolution, and one
 * error per kind of mistake, each naming the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "config.h"
#include "fixture.h"
#include "util.h"

static void test_config_defaults(void **state)
{
	char *root = fixture_temp_dir();
	char *expect;
	struct config cfg;
	struct error err;

	/* No file under the root: every default applies. */
	assert_true(config_load(&cfg, root, NULL, &err));
	assert_string_equal(cfg.root, root);
	expect = xasprintf("%s%s", root, CONFIG_DEFAULT_FILE);
	assert_string_equal(cfg.file, expect);
	free(expect);
	expect = xasprintf("%s/var/lib/svccert", root);
	assert_string_equal(cfg.state_dir, expect);
	free(expect);
	expect = xasprintf("%s/etc/svccert/services.d", root);
	assert_string_equal(cfg.services_dir, expect);
	free(expect);

	assert_non_null(cfg.hostname);
	assert_true(strlen(cfg.hostname) > 0);
	assert_string_equal(cfg.key_type, "rsa-2048");
	assert_int_equal(cfg.probe_timeout_ms, 10000);
	assert_int_equal(cfg.warn_days, 30);
	assert_null(cfg.trust_file);
	assert_int_equal(cfg.alias_count, 0);
	assert_string_equal(cfg.listen, "127.0.0.1:2087");
	assert_string_equal(cfg.redirect_listen, "127.0.0.1:2086");
	assert_null(cfg.web_dir);
	config_free(&cfg);
	free(root);
}

static void load_root(const char *root, const char *expect)
{
	char *dir = fixture_temp_dir();
	char *file = fixture_write_file(dir, "svccert.conf",
	    "{\"hostname\": \"h.example.com\"}");
	struct config cfg;
	struct error err;
	char *resolved;

	assert_true(config_load(&cfg, root, file, &err));
	assert_string_equal(cfg.root, expect);
	resolved = config_resolve(&cfg, "/etc/x");
	assert_string_equal(resolved, strcmp(expect, "") == 0 ? "/etc/x"
	    : "/srv/sandbox/etc/x");
	free(resolved);
	config_free(&cfg);
	free(file);
	free(dir);
}

static void test_config_root_normalised(void **state)
{
	load_root(NULL, "");
	load_root("", "");
	load_root("/", "");
	load_root("//", "");
	load_root("/srv/sandbox", "/srv/sandbox");
	load_root("/srv/sandbox/", "/srv/sandbox");
	load_root("/srv/sandbox///", "/srv/sandbox");
}

static void test_config_all_keys(void **state)
{
	char *root = fixture_temp_dir();
	char *etc = xasprintf("%s/etc/svccert", root);
	char *file, *expect;
	struct config cfg;
	struct error err;

	assert_true(atomic_make_dirs(etc, 0755, &err));
	file = fixture_write_file(etc, "svccert.conf", "{\n"
	    "  \"hostname\": \"host.example.com\",\n"
	    "  \"aliases\": [\"mail.example.com\", \"ftp.example.com\"],\n"
	    "  \"key_type\": \"ecdsa-p384\",\n"
	    "  \"state_dir\": \"/srv/state\",\n"
	    "  \"services_dir\": \"/srv/services\",\n"
	    "  \"probe_timeout\": 3,\n"
	    "  \"warn_days\": 14,\n"
	    "  \"trust_file\": \"/etc/svccert/roots.pem\",\n"
	    "  \"listen\": \"[::]:8443\",\n"
	    "  \"redirect_listen\": \"0.0.0.0:8080\",\n"
	    "  \"web_dir\": \"/srv/web\"\n"
	    "}\n");

	/* The default file, found under the root. */
	assert_true(config_load(&cfg, root, NULL, &err));
	assert_string_equal(cfg.file, file);
	assert_string_equal(cfg.hostname, "host.example.com");
	assert_int_equal(cfg.alias_count, 2);
	assert_string_equal(cfg.aliases[0], "mail.example.com");
	assert_string_equal(cfg.aliases[1], "ftp.example.com");
	assert_string_equal(cfg.key_type, "ecdsa-p384");
	assert_int_equal(cfg.probe_timeout_ms, 3000);
	assert_int_equal(cfg.warn_days, 14);

	/* Every path in the file is resolved under the root. */
	expect = xasprintf("%s/srv/state", root);
	assert_string_equal(cfg.state_dir, expect);
	free(expect);
	expect = xasprintf("%s/srv/services", root);
	assert_string_equal(cfg.services_dir, expect);
	free(expect);
	expect = xasprintf("%s/etc/svccert/roots.pem", root);
	assert_string_equal(cfg.trust_file, expect);
	free(expect);
	expect = xasprintf("%s/srv/web", root);
	assert_string_equal(cfg.web_dir, expect);
	free(expect);
	assert_string_equal(cfg.listen, "[::]:8443");
	assert_string_equal(cfg.redirect_listen, "0.0.0.0:8080");

	config_free(&cfg);
	free(file);
	free(etc);
	free(root);
}

static void test_config_reset_names(void **state)
{
	char *dir = fixture_temp_dir();
	char *file = fixture_write_file(dir, "svccert.conf", "{"
	    "\"hostname\": \"host.example.com\", \"aliases\": "
	    "[\"mail.example.com\", \"HOST.example.com\", "
	    "\"mail.example.com\", \"ftp.example.com\"]}");
	const char **names;
	struct config cfg;
	struct error err;
	size_t count;

	assert_true(config_load(&cfg, NULL, file, &err));
	count = config_reset_names(&cfg, &names);
	assert_int_equal(count, 3);
	assert_string_equal(names[0], "host.example.com");
	assert_string_equal(names[1], "mail.example.com");
	assert_string_equal(names[2], "ftp.example.com");
	free(names);
	config_free(&cfg);
	free(file);
	free(dir);
}

static void test_config_missing_named_file(void **state)
{
	char *dir = fixture_temp_dir();
	char *file = xasprintf("%s/nope.conf", dir);
	struct config cfg;
	struct error err;

	assert_false(config_load(&cfg, NULL, file, &err));
	assert_string_equal(err.code, "config-missing");
	assert_non_null(strstr(err.message, file));
	free(file);
	free(dir);
}

static void test_config_bad_json(void **state)
{
	char *dir = fixture_temp_dir();
	char *file = fixture_write_file(dir, "svccert.conf",
	    "{\n  \"hostname\": \"a\",\n  \"warn_days\": 30,,\n}\n");
	struct config cfg;
	struct error err;

	assert_false(config_load(&cfg, NULL, file, &err));
	assert_string_equal(err.code, "config-invalid");
	assert_non_null(strstr(err.message, file));
	assert_non_null(strstr(err.message, "line 3"));
	free(file);
	free(dir);
}

/* Load text as the config file; expect config-invalid naming needle. */
static void assert_invalid(const char *text, const char *needle)
{
	char *dir = fixture_temp_dir();
	char *file = fixture_write_file(dir, "svccert.conf", text);
	struct config cfg;
	struct error err;

	assert_false(config_load(&cfg, NULL, file, &err));
	if (strcmp(err.code, "config-invalid") != 0 ||
	    strstr(err.message, needle) == NULL ||
	    strstr(err.message, file) == NULL)
		fail_msg("%s gave %s: %s", text, err.code, err.message);
	free(file);
	free(dir);
}

static void test_config_invalid(void **state)
{
	assert_invalid("[]", "JSON object");
	assert_invalid("{\"warn_day\": 3}", "\"warn_day\"");
	assert_invalid("{\"hostname\": 5}", "hostname");
	assert_invalid("{\"hostname\": \"\"}", "hostname");
	assert_invalid("{\"aliases\": \"a.example.com\"}", "aliases");
	assert_invalid("{\"aliases\": [\"a.example.com\", 7]}", "aliases");
	assert_invalid("{\"key_type\": \"dsa-1024\"}", "key_type");
	assert_invalid("{\"key_type\": \"rsa-1024\"}", "key_type");
	assert_invalid("{\"state_dir\": \"var/lib\"}", "state_dir");
	assert_invalid("{\"services_dir\": true}", "services_dir");
	assert_invalid("{\"trust_file\": \"roots.pem\"}", "trust_file");
	assert_invalid("{\"probe_timeout\": \"10\"}", "probe_timeout");
	assert_invalid("{\"probe_timeout\": 0}", "probe_timeout");
	assert_invalid("{\"probe_timeout\": 2.5}", "probe_timeout");
	assert_invalid("{\"warn_days\": -1}", "warn_days");
	assert_invalid("{\"warn_days\": 10, \"warn_days\": 20}", "duplicate");
	assert_invalid("{\"listen\": \"2087\"}", "listen");
	assert_invalid("{\"listen\": \"127.0.0.1:0\"}", "listen");
	assert_invalid("{\"redirect_listen\": \"::1:80\"}",
	    "redirect_listen");
	assert_invalid("{\"web_dir\": \"web\"}", "web_dir");
}

/* Every path in the file lands under --root; ".." would climb out. */
static void test_config_path_climbs_out(void **state)
{
	assert_invalid("{\"trust_file\": \"/../../tmp/roots.pem\"}",
	    "trust_file");
	assert_invalid("{\"state_dir\": \"/var/lib/../../../tmp\"}",
	    "state_dir");
	assert_invalid("{\"services_dir\": \"/etc/svccert/..\"}",
	    "services_dir");
	assert_invalid("{\"web_dir\": \"//..//srv\"}", "web_dir");
	assert_invalid("{\"state_dir\": \"/var/lib/..\"}", "\"..\"");
	assert_invalid("{\"state_dir\": \"../var\"}", "absolute");

	assert_true(config_path_contained("/var/lib/svccert"));
	assert_true(config_path_contained("/"));
	assert_true(config_path_contained("/etc/..x/x../.../."));
	assert_true(config_path_contained("//etc//svccert/"));
	assert_false(config_path_contained("/.."));
	assert_false(config_path_contained("/a/../b"));
	assert_false(config_path_contained("/a/b/.."));
	assert_false(config_path_contained("/a//..//b"));
	assert_false(config_path_contained("a/b"));
	assert_false(config_path_contained(""));
}

/* Names are checked at load, not when a reset needs them. */
static void test_config_bad_names(void **state)
{
	char *dir = fixture_temp_dir();
	char *file = fixture_write_file(dir, "svccert.conf", "{"
	    "\"hostname\": \"b\u00fccher.example.\", \"aliases\": "
	    "[\"*.example.com\", \"192.0.2.1\", \"2001:db8::1\", "
	    "\"MAIL.example.com\"]}");
	struct config cfg;
	struct error err;

	assert_invalid("{\"hostname\": \"not a hostname!\"}", "hostname");
	assert_invalid("{\"hostname\": \"not a hostname!\"}",
	    "not a valid host name");
	assert_invalid("{\"hostname\": \"a..example.com\"}", "hostname");
	assert_invalid("{\"hostname\": \"*.example.com\"}", "hostname");
	assert_invalid("{\"hostname\": \"2001:db8::1\"}", "hostname");
	assert_invalid("{\"aliases\": [\"ok.example.com\", \"-bad-\"]}",
	    "aliases[1]");
	assert_invalid("{\"aliases\": [\"ok.example.com\", 7]}",
	    "aliases[1]");
	assert_invalid("{\"aliases\": [\"mail.example.com/\"]}",
	    "mail.example.com/");

	/* IDN, a final dot, wildcards and addresses in aliases are fine. */
	assert_true(config_load(&cfg, NULL, file, &err));
	assert_int_equal(cfg.alias_count, 4);
	config_free(&cfg);
	free(file);
	free(dir);
}

static void split_ok(const char *text, const char *host, int port)
{
	struct error err;
	char *got;
	int got_port;

	if (!config_split_address(text, "--listen", &got, &got_port, &err))
		fail_msg("%s: %s", text, err.message);
	assert_string_equal(got, host);
	assert_int_equal(got_port, port);
	free(got);
}

static void test_config_split_address(void **state)
{
	const char *bad[] = { "", ":", "2087", "host:", ":2087", "h:0",
	    "h:65536", "h:-1", "h:+80", "h:80x", "::1:2087", "[::1]2087",
	    "[]:80", "a]:80", NULL };
	struct error err;
	char *host;
	int port;

	split_ok("127.0.0.1:2087", "127.0.0.1", 2087);
	split_ok("[::1]:2087", "::1", 2087);
	split_ok("[::]:1", "::", 1);
	split_ok("panel.example:65535", "panel.example", 65535);
	for (size_t i = 0; bad[i] != NULL; i++) {
		if (config_split_address(bad[i], "--listen", &host, &port,
		    &err))
			fail_msg("%s was accepted", bad[i]);
		assert_null(host);
		assert_string_equal(err.code, "bad-address");
		assert_non_null(strstr(err.message, "--listen"));
	}
}

static int teardown(void **state)
{
	fixture_cleanup_dirs();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_root_normalised),
		cmocka_unit_test(test_config_all_keys),
		cmocka_unit_test(test_config_reset_names),
		cmocka_unit_test(test_config_missing_named_file),
		cmocka_unit_test(test_config_bad_json),
		cmocka_unit_test(test_config_invalid),
		cmocka_unit_test(test_config_path_climbs_out),
		cmocka_unit_test(test_config_bad_names),
		cmocka_unit_test(test_config_split_address),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
