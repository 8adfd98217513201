/*
 * test_report.c - the JSON of findings, chains and results: the shapes
 * svccert --json and the API promise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "report.h"
#include "util.h"

static void test_findings(void **state)
{
	struct findings findings;
	json_t *list, *item;

	findings_init(&findings);
	list = report_findings_json(&findings);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);

	findings_add(&findings, FINDING_ERROR, "expired", "gone %d", 1);
	findings_add(&findings, FINDING_WARNING, "no-san", "old style");
	list = report_findings_json(&findings);
	assert_int_equal(json_array_size(list), 2);
	item = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(item,
	    "severity")), "error");
	assert_string_equal(json_string_value(json_object_get(item, "code")),
	    "expired");
	assert_string_equal(json_string_value(json_object_get(item,
	    "message")), "gone 1");
	item = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(item,
	    "severity")), "warning");
	json_decref(list);
	findings_free(&findings);
}

static void test_chain(void **state)
{
	const char *const sans[] = { "mail.test", NULL };
	struct fixture_pki pki;
	struct material mat;
	char fp[FINGERPRINT_SIZE];
	json_t *list;

	material_init(&mat);
	list = report_chain_json(&mat);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);

	fixture_pki_make(&pki, "mail.test", sans);
	X509_up_ref(pki.leaf.cert);
	mat.leaf = pki.leaf.cert;
	X509_up_ref(pki.intermediate.cert);
	sk_X509_push(mat.chain, pki.intermediate.cert);

	list = report_chain_json(&mat);
	assert_int_equal(json_array_size(list), 2);
	material_fingerprint(pki.leaf.cert, fp, sizeof(fp));
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "fingerprint")), fp);
	assert_non_null(strstr(json_string_value(json_object_get(
	    json_array_get(list, 0), "name")), "mail.test"));
	material_fingerprint(pki.intermediate.cert, fp, sizeof(fp));
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 1), "fingerprint")), fp);
	json_decref(list);
	material_free(&mat);
	fixture_pki_free(&pki);
}

static void test_result(void **state)
{
	struct txn_result r;
	json_t *doc;

	memset(&r, 0, sizeof(r));
	r.status = TXN_ROLLED_BACK;
	snprintf(r.service, sizeof(r.service), "exim");
	snprintf(r.code, sizeof(r.code), "not-served");
	snprintf(r.message, sizeof(r.message), "put back");
	r.reloaded = true;
	r.history_id = 7;

	doc = report_result_json(&r, REPORT_FLAGS_BOOLEAN);
	assert_string_equal(json_string_value(json_object_get(doc,
	    "status")), "rolled-back");
	assert_int_equal(json_integer_value(json_object_get(doc, "exit")), 3);
	assert_true(json_is_true(json_object_get(doc, "reloaded")));
	assert_true(json_is_false(json_object_get(doc, "verified")));
	assert_int_equal(json_integer_value(json_object_get(doc,
	    "history_id")), 7);
	assert_string_equal(json_string_value(json_object_get(doc, "code")),
	    "not-served");
	json_decref(doc);

	/* WHM clients read yes/no as integers. */
	doc = report_result_json(&r, REPORT_FLAGS_INTEGER);
	assert_true(json_is_integer(json_object_get(doc, "reloaded")));
	assert_int_equal(json_integer_value(json_object_get(doc,
	    "reloaded")), 1);
	assert_int_equal(json_integer_value(json_object_get(doc,
	    "verified")), 0);
	json_decref(doc);
}

static void test_history(void **state)
{
	struct history_entry entries[2] = {
		{ .id = 9, .service = "exim", .created = 1700000000,
		  .fingerprint = "AA:BB", .subject = "CN=mail.test",
		  .not_after = 1800000000, .reason = "install",
		  .result = "rolled-back" },
		{ .id = 4, .service = "exim", .fingerprint = "",
		  .subject = "", .reason = "reset", .result = "ok" },
	};
	json_t *list = report_history_json(entries, 2), *e;

	assert_int_equal(json_array_size(list), 2);
	e = json_array_get(list, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "id")), 9);
	assert_int_equal(json_integer_value(json_object_get(e, "created")),
	    1700000000);
	assert_int_equal(json_integer_value(json_object_get(e,
	    "not_after")), 1800000000);
	assert_string_equal(json_string_value(json_object_get(e,
	    "subject")), "CN=mail.test");
	assert_string_equal(json_string_value(json_object_get(e, "result")),
	    "rolled-back");
	e = json_array_get(list, 1);
	assert_string_equal(json_string_value(json_object_get(e,
	    "fingerprint")), "");
	assert_string_equal(json_string_value(json_object_get(e, "reason")),
	    "reset");
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_result),
		cmocka_unit_test(test_history),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	fixture_cleanup_dirs();
	return rc;
}
