#!/usr/bin/env python3
"""test_api.py - svccertd's JSON API, as docs/api.md promises it.

Run by tests/api/run.sh, which starts real Exim, Dovecot and Pure-FTPd
and svccertd on 127.0.0.1 in a network namespace of its own.  No mocks:
every change is checked on the wire, with openssl s_client, against the
certificate the test sent.  Test classes run in the order listed in
ORDER, because some need what earlier ones did (the login throttle
locks an address for 15 minutes, SIGTERM ends the daemon).

The last line printed is "N passed, M failed"; API_SUMMARY_FILE gets
"N M" for scripts/test.sh.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import svcapi  # noqa: E402
from svcapi import (Session, Token, api, cert_file,  # noqa: E402
                    fingerprint_of_file,
                    fingerprint_of_pem, key_file, normal_fp, pki, read,
                    served, served_all, svccert_ok)

ROOT_TOKEN = None
BOB_TOKEN = None
FP = {}
ROOT_PASSWORD = ""
BOB_PASSWORD = "bob-password-1"
CAROL_PASSWORD = "carol-password-1"


def setUpModule():
    global ROOT_TOKEN, BOB_TOKEN, ROOT_PASSWORD

    # the leaves the tests install, by fingerprint
    for name in ("a", "b", "int", "ec", "expired", "weak"):
        FP[name] = fingerprint_of_file(pki(name + ".crt"))

    # root's password was set by run.sh; bob is a reseller without the
    # service-ssl privilege until the reseller tests grant it
    ROOT_PASSWORD = read(svcapi.ROOT_PASSWORD_FILE)
    ROOT_TOKEN = Token(svcapi.token_create("root")[0], "root")
    svccert_ok("user", "add", "bob", "--reseller", "--password-file",
               svcapi.password_file("bob", BOB_PASSWORD))
    BOB_TOKEN = Token(svcapi.token_create("bob")[0], "bob")


def paste(leaf, cabundle="int.crt", key=None):
    """crt, key and cabundle as an administrator pastes them."""
    params = {"crt": read(pki(leaf + ".crt")),
              "key": read(pki((key or leaf) + ".key"))}
    if cabundle:
        params["cabundle"] = read(pki(cabundle))
    return params


def cli_install(services, leaf):
    """Put a known certificate in place without the API under test."""
    svccert_ok("install", "--service", services, "--cert",
               pki(leaf + ".crt"), "--key", pki(leaf + ".key"),
               "--cabundle", pki("int.crt"))


def is_int(value):
    return type(value) is int


def codes(findings, severity=None):
    return [f.get("code") for f in findings or []
            if severity is None or f.get("severity") == severity]


class ApiCase(unittest.TestCase):
    maxDiff = None

    def expect(self, ans, status, code=None, result=None):
        """HTTP status, metadata.code and metadata.result, in one go;
        a failure shows the whole request and answer."""
        problems = []
        if ans.status != status:
            problems.append("HTTP %s, expected %s" % (ans.status, status))
        if ans.doc is None:
            problems.append("the answer is not JSON")
        if code is not None and ans.code != code:
            problems.append("metadata.code %r, expected %r" %
                            (ans.code, code))
        if result is not None and (ans.result != result or
                                   not is_int(ans.result)):
            problems.append("metadata.result %r, expected the integer %r"
                            % (ans.result, result))
        if problems:
            self.fail("; ".join(problems) + "\n  " + ans.describe())
        return ans

    def expect_ok(self, ans):
        return self.expect(ans, 200, "ok", 1)

    def expect_served(self, service, fp, why=""):
        self.assertTrue(fp, "no fingerprint to compare with")
        got = served_all(service)
        wrong = {ep: f for ep, f in got.items() if f != normal_fp(fp)}
        if wrong:
            self.fail("%s%s serves %s, expected %s" % (
                why + ": " if why else "", service, wrong, fp))

    def expect_files(self, service, fp):
        """The service's files hold fp's certificate and its key."""
        self.assertTrue(fp, "no fingerprint to compare with")
        self.assertEqual(fingerprint_of_file(cert_file(service)),
                         normal_fp(fp), "%s's certificate file" % service)
        self.assertTrue(svcapi.pair_matches(service),
                        "%s: certificate and key files do not match"
                        % service)

    def expect_result(self, ans, service, fp, old=None):
        """svccert_install's data.results entry for service."""
        results = (ans.data or {}).get("results")
        self.assertIsInstance(results, list, ans.describe())
        mine = [r for r in results if r.get("service") == service]
        self.assertEqual(len(mine), 1, "one result for %s\n  %s" % (
            service, ans.describe()))
        r = mine[0]
        problems = check_result(r)
        if r.get("status") != "ok":
            problems.append("status %r" % r.get("status"))
        # a service without endpoints has nothing to verify
        verified = 1 if service in svcapi.ENDPOINTS else 0
        if r.get("verified") != verified:
            problems.append("verified %r, expected %d" % (
                r.get("verified"), verified))
        if normal_fp(r.get("new_fingerprint")) != fp:
            problems.append("new_fingerprint %r" % r.get("new_fingerprint"))
        if old and normal_fp(r.get("old_fingerprint")) != old:
            problems.append("old_fingerprint %r, expected %s" % (
                r.get("old_fingerprint"), old))
        if problems:
            self.fail("%s: %s\n  %s" % (service, "; ".join(problems),
                                         ans.describe()))
        return r

    def other_leaf(self, service):
        """a or b, whichever the service does not hold now."""
        if fingerprint_of_file(cert_file(service)) == FP["a"]:
            return "b"
        return "a"

    def only(self, ans, name):
        """The one service object of a filtered fetch."""
        services = (ans.data or {}).get("services")
        self.assertIsInstance(services, list, ans.describe())
        self.assertEqual([s.get("service") for s in services], [name],
                         ans.describe())
        return services[0]


def check_result(r):
    """Field types of one data.results entry."""
    problems = []
    for name in ("service", "status", "old_fingerprint", "new_fingerprint",
                 "code", "message"):
        if not isinstance(r.get(name), str):
            problems.append("%s is %r, not a string" % (name, r.get(name)))
    for name in ("exit", "verified", "reloaded"):
        if not is_int(r.get(name)):
            problems.append("%s is %r, not an integer" % (name, r.get(name)))
    if "history_id" not in r:
        problems.append("no history_id")
    elif r.get("status") == "ok" and not is_int(r.get("history_id")):
        problems.append("history_id %r is not an integer"
                        % r.get("history_id"))
    if r.get("status") not in ("ok", "refused", "rolled-back",
                               "rollback-failed"):
        problems.append("status %r is none of the documented ones"
                        % r.get("status"))
    return problems


def check_info(info):
    """certificate_info as WHM clients read it."""
    p = []
    if not isinstance(info.get("domains"), list) or not all(
            isinstance(d, str) for d in info["domains"]):
        p.append("domains %r is not a list of strings" % info.get("domains"))
    if info.get("is_self_signed") not in (0, 1) or \
            not is_int(info.get("is_self_signed")):
        p.append("is_self_signed %r is not 0 or 1"
                 % info.get("is_self_signed"))
    for name in ("not_before", "not_after"):
        if not is_int(info.get(name)):
            p.append("%s %r is not an integer" % (name, info.get(name)))
    if is_int(info.get("not_before")) and is_int(info.get("not_after")) \
            and info["not_before"] >= info["not_after"]:
        p.append("not_before is not before not_after")
    issuer = info.get("issuer")
    if not isinstance(issuer, dict) or "commonName" not in issuer:
        p.append("issuer %r has no commonName" % issuer)
    for name in ("subject", "fingerprint_sha256", "key_type"):
        if not isinstance(info.get(name), str):
            p.append("%s %r is not a string" % (name, info.get(name)))
    if not isinstance(info.get("domains_unicode"), list):
        p.append("domains_unicode %r is not a list"
                 % info.get("domains_unicode"))
    algorithm = info.get("key_algorithm")
    if algorithm == "rsaEncryption":
        if not is_int(info.get("modulus_length")):
            p.append("RSA key without an integer modulus_length")
        if info.get("ecdsa_curve_name", 0) is not None:
            p.append("RSA key with ecdsa_curve_name %r"
                     % info.get("ecdsa_curve_name"))
    elif algorithm == "id-ecPublicKey":
        if not isinstance(info.get("ecdsa_curve_name"), str):
            p.append("EC key without ecdsa_curve_name")
        if info.get("modulus_length", 0) is not None:
            p.append("EC key with modulus_length %r"
                     % info.get("modulus_length"))
    else:
        p.append("key_algorithm %r is neither rsaEncryption nor "
                 "id-ecPublicKey" % algorithm)
    return p


def check_service(obj):
    """The service object of docs/api.md; a list of what is wrong."""
    p = []
    for name in ("service", "label", "certificate", "cabundle",
                 "service_description"):
        if not isinstance(obj.get(name), str):
            p.append("%s %r is not a string" % (name, obj.get(name)))
    if "last_change" not in obj:
        p.append("no last_change")
    change = obj.get("last_change")
    if isinstance(change, dict):
        if not is_int(change.get("time")):
            p.append("last_change.time is not an integer")
        for name in ("user", "action", "result"):
            if not isinstance(change.get(name), str):
                p.append("last_change.%s is not a string" % name)
    elif change is not None:
        p.append("last_change %r is neither an object nor null" % change)
    if "certificate_info" not in obj:
        p.append("no certificate_info")
    info = obj.get("certificate_info")
    if info is None:
        problem = obj.get("problem")
        if not isinstance(problem, dict) or not isinstance(
                problem.get("code"), str) or not isinstance(
                problem.get("message"), str):
            p.append("certificate_info is null but problem %r is not "
                     "{code, message}" % problem)
    elif isinstance(info, dict):
        p += ["certificate_info: " + x for x in check_info(info)]
        if obj.get("problem", 0) is not None:
            p.append("problem %r is not null beside a certificate"
                     % obj.get("problem"))
        if not str(obj.get("certificate")).startswith(
                "-----BEGIN CERTIFICATE-----"):
            p.append("certificate is not a PEM certificate")
        if normal_fp(info.get("fingerprint_sha256")) != \
                fingerprint_of_pem(str(obj.get("certificate"))):
            p.append("fingerprint_sha256 is not the certificate's")
    else:
        p.append("certificate_info %r is neither an object nor null" % info)
    return ["%s: %s" % (obj.get("service"), x) for x in p]


# ---------------------------------------------------------------------

class T01Transport(ApiCase):
    """HTTPS only; plain HTTP is sent there."""

    def test_redirect_port_answers_301_to_https(self):
        import http.client
        import urllib.parse

        for method in ("GET", "POST"):
            conn = http.client.HTTPConnection(svcapi.HOST,
                                              svcapi.REDIRECT_PORT,
                                              timeout=30)
            conn.request(method, "/json-api/svccert_whoami?api.version=1",
                         body=b"" if method == "POST" else None)
            resp = conn.getresponse()
            resp.read()
            location = resp.getheader("Location") or ""
            conn.close()
            url = urllib.parse.urlsplit(location)
            with self.subTest(method=method):
                self.assertEqual(resp.status, 301,
                                 "%s on the redirect port" % method)
                self.assertEqual(url.scheme, "https", location)
                self.assertEqual(url.port, svcapi.PORT, location)

    def test_page_is_served(self):
        ans = svcapi.request("GET", "/")
        self.assertEqual(ans.status, 200, ans.describe(200))
        self.assertIn("text/html", ans.headers.get("Content-Type", ""),
                      ans.describe(200))


class T02Authentication(ApiCase):

    def test_no_credentials_401(self):
        for function in ("fetch_service_ssl_components", "svccert_whoami",
                         "svccert_notices", "svccert_install"):
            with self.subTest(function=function):
                self.expect(api(function, {"services": "quick"}), 401,
                            "unauthenticated", 0)

    def test_bad_token_401(self):
        for auth in (Token("0" * 40, "root"), Token("0" * 40),
                     Token(ROOT_TOKEN.token + "x", "root")):
            with self.subTest(header=auth.headers()["Authorization"][:12]):
                self.expect(api("svccert_whoami", auth=auth), 401,
                            "unauthenticated", 0)

    def test_whm_token(self):
        ans = self.expect_ok(api("svccert_whoami", auth=ROOT_TOKEN))
        self.assertEqual(ans.data.get("user"), "root", ans.describe())
        self.assertEqual(ans.data.get("role"), "admin", ans.describe())
        self.assertIsInstance(ans.data.get("privileges"), list,
                              ans.describe())
        self.assertNotIn("csrf_token", ans.data,
                         "csrf_token is for cookie sessions only")

    def test_bearer_token(self):
        ans = self.expect_ok(api("svccert_whoami",
                                 auth=Token(ROOT_TOKEN.token)))
        self.assertEqual(ans.data.get("user"), "root", ans.describe())

    def test_token_named_for_another_user_401(self):
        self.expect(api("svccert_whoami",
                        auth=Token(ROOT_TOKEN.token, "bob")), 401,
                    "unauthenticated", 0)

    def test_revoked_token_401(self):
        secret, token_id = svcapi.token_create("root")
        self.expect_ok(api("svccert_whoami", auth=Token(secret, "root")))
        svcapi.token_revoke(token_id, "root")
        self.expect(api("svccert_whoami", auth=Token(secret, "root")), 401,
                    "unauthenticated", 0)
        self.expect(api("svccert_whoami", auth=Token(secret)), 401,
                    "unauthenticated", 0)


class T03Errors(ApiCase):

    def test_unknown_function_404(self):
        self.expect(api("no_such_function", auth=ROOT_TOKEN), 404,
                    "unknown-function", 0)

    def test_get_on_a_change_405(self):
        before = fingerprint_of_file(cert_file("quick"))
        # few parameters: the method alone must decide
        params = {
            "install_service_ssl_certificate": {"service": "quick"},
            "reset_service_ssl_certificate": {"service": "quick"},
            "svccert_install": {"services": "quick"},
            "svccert_apply": {"from": "exim", "to": "quick"},
            "svccert_restore": {"service": "quick", "id": "1"},
        }
        for function in svcapi.CHANGES:
            with self.subTest(function=function):
                self.expect(api(function, params[function], method="GET",
                                auth=ROOT_TOKEN), 405,
                            "method-not-allowed", 0)
        self.assertEqual(fingerprint_of_file(cert_file("quick")), before,
                         "a GET changed quick's certificate")

    def test_get_on_login_and_logout_405(self):
        login = svcapi.login("root", ROOT_PASSWORD)
        cookie, _ = svcapi.session_cookie(login)
        self.assertIsNotNone(cookie, login.describe())
        session = Session(cookie.value, (login.data or {}).get("csrf_token"))
        for path in ("/login?user=root&password=x", "/logout"):
            with self.subTest(path=path):
                ans = svcapi.request("GET", path, headers=session.headers())
                self.expect(ans, 405, "method-not-allowed", 0)
        self.expect(svcapi.request("POST", "/logout",
                                   headers=session.headers()), 200)

    def test_unknown_service_404(self):
        cases = [
            ("svccert_service_details", {"service": "nosuch"}),
            ("reset_service_ssl_certificate", {"service": "nosuch"}),
            ("install_service_ssl_certificate",
             dict(paste("a"), service="nosuch")),
            ("svccert_install", dict(paste("a"), services="nosuch")),
            ("svccert_apply", {"from": "nosuch", "to": "quick"}),
            ("svccert_restore", {"service": "nosuch", "id": "1"}),
        ]
        for function, params in cases:
            with self.subTest(function=function):
                self.expect(api(function, params, auth=ROOT_TOKEN), 404,
                            "unknown-service", 0)

    def test_unknown_page_404(self):
        self.expect(svcapi.request("GET", "/no-such-page.html"), 404,
                    "not-found", 0)

    def test_malformed_parameters_400(self):
        cases = [
            ("svccert_restore", {"service": "quick", "id": "latest"},
             "bad-history-id"),
            ("svccert_apply", {"from": "quick", "to": "quick"},
             "apply-to-self"),
        ]
        for function, params, code in cases:
            with self.subTest(function=function):
                self.expect(api(function, params, auth=ROOT_TOKEN), 400,
                            code, 0)

    def test_unknown_history_entry_404(self):
        self.expect(api("svccert_restore", {"service": "quick",
                                            "id": "987654"},
                        auth=ROOT_TOKEN), 404, "history-not-found", 0)

    def test_missing_parameter_400(self):
        a = paste("a")
        cases = [
            ("install_service_ssl_certificate",
             {"service": "quick", "crt": a["crt"]}),
            ("install_service_ssl_certificate",
             {"crt": a["crt"], "key": a["key"]}),
            ("install_service_ssl_certificate",
             {"service": "quick", "key": a["key"]}),
            ("reset_service_ssl_certificate", {}),
            ("svccert_service_details", {}),
            ("svccert_install", {"crt": a["crt"], "key": a["key"]}),
            ("svccert_apply", {"from": "exim"}),
            ("svccert_apply", {"to": "quick"}),
            ("svccert_restore", {"service": "quick"}),
        ]
        for function, params in cases:
            with self.subTest(function=function, given=sorted(params)):
                self.expect(api(function, params, auth=ROOT_TOKEN), 400,
                            "missing-parameter", 0)

    def test_body_over_1_mib_413(self):
        headers = dict(ROOT_TOKEN.headers())
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        ans = svcapi.send_large("/json-api/svccert_validate", 2 << 20,
                                headers)
        self.expect(ans, 413, "too-large", 0)
        self.expect_ok(api("svccert_whoami", auth=ROOT_TOKEN))

    def test_body_under_1_mib_accepted(self):
        params = dict(paste("a"))
        size = len(svcapi.encode(params, False)[0])
        params["comment"] = "x" * (1000 * 1024 - size)
        ans = api("svccert_validate", params, auth=ROOT_TOKEN)
        self.assertNotEqual(ans.status, 413, ans.describe())
        self.assertIsNotNone(ans.doc, ans.describe())


class T04Fetch(ApiCase):
    """fetch_service_ssl_components, read by WHM clients."""

    def fetch(self, name=None):
        params = {"api.version": "1"}
        if name:
            params.update({"api.filter.a.field": "service",
                           "api.filter.a.arg0": name,
                           "api.filter.a.type": "eq"})
        return self.expect_ok(api("fetch_service_ssl_components", params,
                                  auth=ROOT_TOKEN))

    def test_every_service_object_has_the_documented_shape(self):
        ans = self.fetch()
        self.assertEqual(ans.metadata.get("command"),
                         "fetch_service_ssl_components")
        services = (ans.data or {}).get("services")
        self.assertIsInstance(services, list, ans.describe())
        names = [s.get("service") for s in services]
        for name in ("exim", "dovecot", "pure-ftpd", "svccertd"):
            self.assertIn(name, names, ans.describe())
        problems = []
        for obj in services:
            problems += check_service(obj)
        self.assertEqual(problems, [], ans.describe(4000))

    def test_certificate_is_the_installed_one(self):
        cli_install("exim", "a")
        obj = self.only(self.fetch("exim"), "exim")
        self.assertEqual(fingerprint_of_pem(obj["certificate"]), FP["a"])
        self.assertEqual(normal_fp(
            obj["certificate_info"]["fingerprint_sha256"]), FP["a"])
        self.assertEqual(fingerprint_of_pem(obj["cabundle"]), FP["int"],
                         "cabundle holds the intermediate")
        info = obj["certificate_info"]
        self.assertEqual(info["key_algorithm"], "rsaEncryption")
        self.assertEqual(info["modulus_length"], 2048)
        self.assertIsNone(info["ecdsa_curve_name"])
        self.assertEqual(info["is_self_signed"], 0)
        self.assertIn("mail.test", info["domains"])
        self.assertEqual(info["issuer"].get("commonName"),
                         "svccert Test Intermediate CA")

    def test_ec_key(self):
        cli_install("quick", "ec")
        obj = self.only(self.fetch("quick"), "quick")
        self.assertEqual(check_service(obj), [])
        info = obj["certificate_info"]
        self.assertEqual(info["key_algorithm"], "id-ecPublicKey")
        self.assertEqual(info["ecdsa_curve_name"], "prime256v1")

    def test_self_signed(self):
        svccert_ok("reset", "quick")
        obj = self.only(self.fetch("quick"), "quick")
        self.assertEqual(obj["certificate_info"]["is_self_signed"], 1)
        self.assertEqual(obj["cabundle"], "")

    def test_service_without_a_certificate(self):
        obj = self.only(self.fetch("nocert"), "nocert")
        self.assertEqual(check_service(obj), [])
        self.assertIsNone(obj["certificate_info"])

    def test_filter_selects_one_service(self):
        for name in ("exim", "dovecot", "pure-ftpd", "svccertd"):
            with self.subTest(service=name):
                self.only(self.fetch(name), name)

    def test_post_works_for_reads(self):
        ans = self.expect_ok(api("fetch_service_ssl_components", {
            "api.filter.a.field": "service", "api.filter.a.arg0": "exim",
            "api.filter.a.type": "eq"}, method="POST", auth=ROOT_TOKEN))
        self.only(ans, "exim")

    def test_served_not_probed(self):
        for obj in self.fetch().data["services"]:
            self.assertIn(obj.get("served"), (None, []),
                          "%s: served is filled only for details"
                          % obj.get("service"))


class T05WhmInstall(ApiCase):
    """install_service_ssl_certificate and reset, checked on the wire."""

    def install(self, leaf, as_json):
        cli_install("exim", "b" if leaf == "a" else "a")
        old = FP["b" if leaf == "a" else "a"]
        ans = self.expect_ok(api("install_service_ssl_certificate",
                                 dict(paste(leaf), service="exim"),
                                 auth=ROOT_TOKEN, as_json=as_json,
                                 query={"api.version": "1"}))
        data = ans.data or {}
        self.assertEqual(data.get("service"), "exim", ans.describe())
        self.assertEqual(check_service(data), [], ans.describe())
        self.assertEqual(fingerprint_of_pem(data["certificate"]), FP[leaf])
        self.assertEqual(fingerprint_of_pem(data["cabundle"]), FP["int"])
        result = data.get("result")
        self.assertIsInstance(result, dict, "data.result\n  " +
                              ans.describe())
        self.assertEqual(check_result(result), [], ans.describe())
        self.assertEqual(result.get("status"), "ok", ans.describe())
        self.assertEqual(result.get("verified"), 1, ans.describe())
        self.assertEqual(normal_fp(result.get("old_fingerprint")), old)

        # what Exim serves, read independently of svccert
        self.assertEqual(served(2525, "smtp"), FP[leaf],
                         "openssl s_client -starttls smtp 127.0.0.1:2525")
        self.expect_served("exim", FP[leaf])
        self.expect_files("exim", FP[leaf])

    def test_install_form_encoded(self):
        self.install("a", as_json=False)

    def test_install_json_body(self):
        self.install("b", as_json=True)

    def test_reset_makes_a_new_self_signed_certificate(self):
        cli_install("exim", "a")

        # as in docs/api.md: the parameter in the query string
        ans = self.expect_ok(api("reset_service_ssl_certificate",
                                 method="POST", auth=ROOT_TOKEN,
                                 query={"service": "exim",
                                        "api.version": "1"}))
        data = ans.data or {}
        self.assertEqual(check_service(data), [], ans.describe())
        new = fingerprint_of_pem(data.get("certificate", ""))
        self.assertNotIn(new, ("", FP["a"]), ans.describe())
        self.assertEqual(data["certificate_info"]["is_self_signed"], 1)
        self.assertEqual((data.get("result") or {}).get("status"), "ok",
                         ans.describe())
        self.expect_served("exim", new)
        self.expect_files("exim", new)

    def test_refused_paste_changes_nothing(self):
        cli_install("exim", "a")
        cases = [("expired", paste("expired"), "expired"),
                 ("mismatched key", paste("a", key="b"), "key-mismatch"),
                 ("weak key", paste("weak"), "weak-key")]
        for what, params, code in cases:
            with self.subTest(paste=what):
                ans = self.expect(api("install_service_ssl_certificate",
                                      dict(params, service="exim"),
                                      auth=ROOT_TOKEN), 400, code, 0)
                self.assertIn(code, codes((ans.data or {}).get("findings"),
                                          "error"), ans.describe())
        self.expect_files("exim", FP["a"])
        self.expect_served("exim", FP["a"])


class T06Validate(ApiCase):
    """svccert_validate: the findings are the answer, nothing changes."""

    def validate(self, params):
        ans = self.expect_ok(api("svccert_validate", params,
                                 auth=ROOT_TOKEN))
        data = ans.data or {}
        self.assertIn("findings", data, ans.describe())
        for f in data["findings"]:
            self.assertIn(f.get("severity"), ("error", "warning"))
            self.assertIsInstance(f.get("code"), str)
            self.assertIsInstance(f.get("message"), str)
        return ans, data

    def test_good_paste(self):
        before = fingerprint_of_file(cert_file("exim"))
        ans, data = self.validate(paste("a"))
        self.assertEqual(data.get("ok"), 1, ans.describe())
        self.assertTrue(is_int(data.get("ok")), "ok is an integer")
        self.assertEqual(codes(data["findings"], "error"), [])
        info = data.get("certificate_info")
        self.assertIsInstance(info, dict, ans.describe())
        self.assertEqual(check_info(info), [])
        self.assertEqual(normal_fp(info.get("fingerprint_sha256")), FP["a"])
        chain = [normal_fp(c.get("fingerprint")) for c in data["chain"]]
        self.assertEqual(chain[:2], [FP["a"], FP["int"]], "leaf first")
        self.assertEqual(fingerprint_of_file(cert_file("exim")), before,
                         "a dry run changed exim")

    def test_combined_paste(self):
        ans, data = self.validate({"crt": read(pki("a.shuffled.pem"))})
        self.assertEqual(data.get("ok"), 1, ans.describe())

    def test_host_names_of_services(self):
        params = dict(paste("a"), service="exim,dovecot")
        ans, data = self.validate(params)
        self.assertEqual(data.get("ok"), 1, ans.describe())
        self.assertNotIn("hostname-not-covered", codes(data["findings"]),
                         "a.crt covers mail.test\n  " + ans.describe())

    def test_mismatched_key(self):
        ans, data = self.validate(paste("a", key="b"))
        self.assertEqual(data.get("ok"), 0, ans.describe())
        self.assertIn("key-mismatch", codes(data["findings"], "error"),
                      ans.describe())

    def test_reversed_bundle(self):
        ans, data = self.validate(paste("a", "bundle.reversed.pem"))
        self.assertEqual(data.get("ok"), 1, ans.describe())
        self.assertIn("bundle-reordered", codes(data["findings"],
                                                "warning"), ans.describe())
        self.assertTrue(ans.metadata.get("warnings"),
                        "metadata.warnings lists the warning\n  "
                        + ans.describe())


class T07SvccertInstall(ApiCase):

    def test_two_services_one_combined_paste(self):
        cli_install("exim,dovecot", "b")
        ans = self.expect_ok(api("svccert_install", {
            "services": "exim,dovecot",
            "crt": read(pki("a.shuffled.pem"))}, auth=ROOT_TOKEN))
        self.assertIsInstance((ans.data or {}).get("findings"), list)
        self.assertEqual(len(ans.data["results"]), 2, ans.describe())
        for svc in ("exim", "dovecot"):
            self.expect_result(ans, svc, FP["a"], old=FP["b"])
            self.expect_served(svc, FP["a"])
            self.expect_files(svc, FP["a"])

    def test_services_as_json_array(self):
        cli_install("exim,pure-ftpd", "a")
        ans = self.expect_ok(api("svccert_install",
                                 dict(paste("b"),
                                      services=["exim", "pure-ftpd"]),
                                 auth=ROOT_TOKEN, as_json=True))
        for svc in ("exim", "pure-ftpd"):
            self.expect_result(ans, svc, FP["b"], old=FP["a"])
            self.expect_served(svc, FP["b"])

    # The sandbox's Exim check fails while $R/fail-check exists.
    def test_failed_check_rolled_back_200(self):
        cli_install("exim,dovecot", "a")
        flag = svcapi.root_path("fail-check")
        open(flag, "w").close()
        try:
            ans = self.expect(api("svccert_install",
                                  dict(paste("b"), services="dovecot,exim"),
                                  auth=ROOT_TOKEN), 200, result=0)
        finally:
            os.unlink(flag)
        self.expect_result(ans, "dovecot", FP["b"], old=FP["a"])
        exim = [r for r in ans.data["results"] if r.get("service") ==
                "exim"]
        self.assertEqual(len(exim), 1, ans.describe())
        self.assertEqual(check_result(exim[0]), [], ans.describe())
        self.assertEqual(exim[0]["status"], "rolled-back", ans.describe())
        self.assertEqual(ans.code, exim[0]["code"],
                         "metadata.code is the failed service's code\n  "
                         + ans.describe())
        self.expect_served("exim", FP["a"], "after the rollback")
        self.expect_files("exim", FP["a"])
        self.expect_served("dovecot", FP["b"])

    def test_findings_with_errors_400(self):
        cli_install("exim", "a")
        ans = self.expect(api("svccert_install",
                              dict(paste("expired"), services="exim"),
                              auth=ROOT_TOKEN), 400, "expired", 0)
        self.assertIn("expired", codes((ans.data or {}).get("findings"),
                                       "error"), ans.describe())
        self.expect_files("exim", FP["a"])
        self.expect_served("exim", FP["a"])


class T08Apply(ApiCase):

    def test_apply_to_two_services(self):
        cli_install("exim", "a")
        cli_install("dovecot,pure-ftpd", "b")
        ans = self.expect_ok(api("svccert_apply",
                                 {"from": "exim", "to": "dovecot,pure-ftpd"},
                                 auth=ROOT_TOKEN))
        for svc in ("dovecot", "pure-ftpd"):
            self.expect_result(ans, svc, FP["a"], old=FP["b"])
            self.expect_served(svc, FP["a"])
            self.expect_files(svc, FP["a"])

    def test_apply_targets_as_json_array(self):
        cli_install("exim", "b")
        cli_install("quick", "a")
        ans = self.expect_ok(api("svccert_apply",
                                 {"from": "exim", "to": ["quick"]},
                                 auth=ROOT_TOKEN, as_json=True))
        self.expect_result(ans, "quick", FP["b"], old=FP["a"])
        self.expect_files("quick", FP["b"])


class T09History(ApiCase):

    def history(self, service=None):
        params = {"service": service} if service else {}
        ans = self.expect_ok(api("svccert_history", params,
                                 auth=ROOT_TOKEN))
        entries = (ans.data or {}).get("history")
        self.assertIsInstance(entries, list, ans.describe())
        return ans, entries

    def test_entries_newest_first(self):
        cli_install("exim", "a")
        cli_install("exim", "b")
        ans, entries = self.history("exim")
        self.assertGreaterEqual(len(entries), 2, ans.describe())
        for e in entries:
            self.assertEqual(e.get("service"), "exim", ans.describe())
            for name in ("id", "created", "not_after"):
                self.assertTrue(is_int(e.get(name)), "%s: %r" %
                                (name, e.get(name)))
            for name in ("fingerprint", "subject", "reason"):
                self.assertIsInstance(e.get(name), str, name)
        created = [e["created"] for e in entries]
        self.assertEqual(created, sorted(created, reverse=True),
                         "newest first")
        self.assertEqual(normal_fp(entries[0]["fingerprint"]), FP["a"],
                         "the newest entry holds what b replaced")

    def test_every_service(self):
        cli_install("quick", "a")
        ans, entries = self.history()
        names = {e.get("service") for e in entries}
        self.assertTrue({"exim", "quick"} <= names, ans.describe())

    def test_entry_of_another_service_404(self):
        cli_install("exim", "b")
        _, entries = self.history("exim")
        self.expect(api("svccert_restore", {"service": "quick",
                                            "id": entries[0]["id"]},
                        auth=ROOT_TOKEN), 404, "history-mismatch", 0)

    def test_restore(self):
        cli_install("exim", "a")
        cli_install("exim", "b")
        _, entries = self.history("exim")
        entry = [e for e in entries if normal_fp(e["fingerprint"]) ==
                 FP["a"]][0]
        ans = self.expect_ok(api("svccert_restore",
                                 {"service": "exim", "id": entry["id"]},
                                 auth=ROOT_TOKEN))
        self.expect_result(ans, "exim", FP["a"], old=FP["b"])
        self.expect_served("exim", FP["a"])
        self.expect_files("exim", FP["a"])


class T10Details(ApiCase):

    def details(self, service):
        ans = self.expect_ok(api("svccert_service_details",
                                 {"service": service}, auth=ROOT_TOKEN))
        self.assertEqual(check_service(ans.data or {}), [], ans.describe())
        return ans, ans.data

    def test_served_matches(self):
        cli_install("exim", "b")
        ans, data = self.details("exim")
        got = {(s.get("port"), s.get("protocol")): s for s in data["served"]}
        self.assertEqual(set(got), set(svcapi.ENDPOINTS["exim"]),
                         ans.describe())
        for s in data["served"]:
            self.assertEqual(s.get("host"), "127.0.0.1")
            self.assertEqual(normal_fp(s.get("fingerprint")), FP["b"])
            self.assertEqual(s.get("matches"), 1, ans.describe())
            self.assertTrue(is_int(s.get("matches")))
            self.assertEqual(s.get("problem"), "")
        chain = [normal_fp(c.get("fingerprint")) for c in data["chain"]]
        self.assertEqual(chain[:2], [FP["b"], FP["int"]], "leaf first")
        self.assertTrue(all(isinstance(c.get("name"), str)
                            for c in data["chain"]))

    # Pure-FTPd reads its file only at start: a file changed behind its
    # back is not what it serves.
    def test_served_differs(self):
        cli_install("pure-ftpd", "a")
        path = cert_file("pure-ftpd")
        with open(path, "w") as f:
            f.write(read(pki("b.key")) + read(pki("b.crt")) +
                    read(pki("int.crt")))
        try:
            ans, data = self.details("pure-ftpd")
            s = data["served"][0]
            self.assertEqual(s.get("matches"), 0, ans.describe())
            self.assertEqual(normal_fp(s.get("fingerprint")), FP["a"])
            notices = self.expect_ok(api("svccert_notices",
                                         auth=ROOT_TOKEN)).data["notices"]
            self.assertIn("pure-ftpd", [n.get("service") for n in notices],
                          "a notice says pure-ftpd serves another one")
        finally:
            cli_install("pure-ftpd", "a")


class T11Notices(ApiCase):

    def notices(self):
        ans = self.expect_ok(api("svccert_notices", auth=ROOT_TOKEN))
        notices = (ans.data or {}).get("notices")
        self.assertIsInstance(notices, list, ans.describe())
        return ans, notices

    def test_shape(self):
        ans, notices = self.notices()
        for n in notices:
            self.assertIn(n.get("level"), ("info", "warning", "error"))
            self.assertIsInstance(n.get("service"), str)
            self.assertIsInstance(n.get("message"), str)

    def test_what_needs_attention(self):
        svccert_ok("reset", "quick")
        cli_install("exim", "a")
        ans, notices = self.notices()
        named = {n.get("service") for n in notices}
        for svc, why in (("nocert", "no certificate"),
                         ("stale", "expired"), ("quick", "self-signed")):
            with self.subTest(service=svc):
                self.assertIn(svc, named, "%s (%s)\n  %s" % (
                    svc, why, ans.describe()))
        self.assertNotIn("exim", named, "exim is fine\n  " + ans.describe())


class T12Sessions(ApiCase):
    """POST /login, the cookie, CSRF, logout."""

    def login(self, as_json=False):
        ans = self.expect(svcapi.login("root", ROOT_PASSWORD, as_json), 200)
        cookie, header = svcapi.session_cookie(ans)
        self.assertIsNotNone(cookie, "no svccert_session cookie\n  " +
                             ans.describe())
        csrf = (ans.data or {}).get("csrf_token")
        self.assertIsInstance(csrf, str, ans.describe())
        return ans, cookie, header, Session(cookie.value, csrf)

    def test_login_form(self):
        ans, cookie, header, _ = self.login()
        self.assertEqual(ans.data.get("user"), "root")
        self.assertEqual(ans.data.get("role"), "admin")
        self.assertTrue(cookie["httponly"], header)
        self.assertTrue(cookie["secure"], header)
        self.assertEqual(cookie["samesite"].lower(), "strict", header)
        self.assertEqual(cookie["path"], "/", header)

    def test_login_json(self):
        ans, _, _, session = self.login(as_json=True)
        who = self.expect_ok(api("svccert_whoami", auth=session))
        self.assertEqual(who.data.get("user"), "root")
        self.assertEqual(who.data.get("csrf_token"), session.csrf,
                         who.describe())

    def test_wrong_password_401(self):
        self.expect(svcapi.login("root", "wrong-password"), 401,
                    "unauthenticated", 0)

    def test_reads_need_no_csrf(self):
        _, _, _, session = self.login()
        self.expect_ok(api("fetch_service_ssl_components",
                           auth=session.without_csrf()))

    def test_change_needs_the_csrf_token(self):
        _, _, _, session = self.login()
        before = fingerprint_of_file(cert_file("quick"))
        leaf = "b" if before == FP["a"] else "a"
        params = dict(paste(leaf), services="quick")
        for what, auth in (("no X-CSRF-Token", session.without_csrf()),
                           ("a wrong one", session.with_csrf("0" * 32))):
            with self.subTest(csrf=what):
                self.expect(api("svccert_install", params, auth=auth), 403,
                            "csrf", 0)
        self.assertEqual(fingerprint_of_file(cert_file("quick")), before)
        self.expect_ok(api("svccert_install", params, auth=session))
        self.expect_files("quick", FP[leaf])

    def test_token_needs_no_csrf(self):
        leaf = self.other_leaf("quick")
        self.expect_ok(api("svccert_install", dict(paste(leaf),
                                                   services="quick"),
                           auth=ROOT_TOKEN))

    def test_logout_ends_the_session(self):
        _, _, _, session = self.login()
        self.expect(svcapi.request("POST", "/logout",
                                   headers=session.without_csrf().headers()),
                    403, "csrf", 0)
        self.expect_ok(api("svccert_whoami", auth=session))
        self.expect(svcapi.request("POST", "/logout",
                                   headers=session.headers()), 200)
        self.expect(api("svccert_whoami", auth=session), 401,
                    "unauthenticated", 0)
        self.expect(api("svccert_validate", paste("a"), auth=session), 401,
                    "unauthenticated", 0)


class T13Reseller(ApiCase):
    """bob may use the functions only with the service-ssl privilege."""

    def calls(self):
        a = paste("a")
        return [
            ("fetch_service_ssl_components", {}),
            ("install_service_ssl_certificate", dict(a, service="quick")),
            ("reset_service_ssl_certificate", {"service": "quick"}),
            ("svccert_service_details", {"service": "quick"}),
            ("svccert_validate", a),
            ("svccert_install", dict(a, services="quick")),
            ("svccert_apply", {"from": "exim", "to": "quick"}),
            ("svccert_history", {}),
            ("svccert_restore", {"service": "quick", "id": "1"}),
            ("svccert_notices", {}),
        ]

    def test_1_forbidden_without_the_privilege(self):
        before = fingerprint_of_file(cert_file("quick"))
        for function, params in self.calls():
            with self.subTest(function=function):
                self.expect(api(function, params, auth=BOB_TOKEN), 403,
                            "forbidden", 0)
        self.assertEqual(fingerprint_of_file(cert_file("quick")), before)

        # a cookie session is held to the same rule
        ans = self.expect(svcapi.login("bob", BOB_PASSWORD), 200)
        cookie, _ = svcapi.session_cookie(ans)
        session = Session(cookie.value, ans.data.get("csrf_token"))
        self.expect(api("svccert_validate", paste("a"), auth=session), 403,
                    "forbidden", 0)

        # whoami refuses too, and still says who asked, for the page
        who = self.expect(api("svccert_whoami", auth=BOB_TOKEN), 403,
                          "forbidden", 0)
        self.assertEqual(who.data.get("user"), "bob")
        self.assertEqual(who.data.get("role"), "reseller")
        self.assertNotIn("service-ssl", who.data.get("privileges", []))
        self.assertIn("svccert user grant bob", who.metadata.get("reason"))

    def test_2_allowed_once_granted(self):
        svccert_ok("user", "grant", "bob")
        who = self.expect_ok(api("svccert_whoami", auth=BOB_TOKEN))
        self.assertIn("service-ssl", who.data.get("privileges", []),
                      who.describe())
        for function, params in self.calls():
            if function == "svccert_restore":
                continue    # id 1 need not be quick's
            with self.subTest(function=function):
                self.expect(api(function, params, auth=BOB_TOKEN), 200)
        leaf = self.other_leaf("quick")
        self.expect_ok(api("svccert_install", dict(paste(leaf),
                                                   services="quick"),
                           auth=BOB_TOKEN))
        self.expect_files("quick", FP[leaf])

    def test_3_forbidden_again_once_revoked(self):
        svccert_ok("user", "revoke", "bob")
        self.expect(api("fetch_service_ssl_components", auth=BOB_TOKEN),
                    403, "forbidden", 0)


class T14Concurrency(ApiCase):

    def test_two_installs_at_once(self):
        cli_install("exim", "a")
        barrier = threading.Barrier(2)
        answers = {}

        def install(leaf):
            conn = svcapi.connection()
            conn.connect()
            barrier.wait()
            answers[leaf] = api("svccert_install",
                                dict(paste(leaf), services="exim"),
                                auth=ROOT_TOKEN, conn=conn)
            conn.close()

        threads = [threading.Thread(target=install, args=(leaf,))
                   for leaf in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)

        ok = [leaf for leaf, ans in answers.items()
              if ans.status == 200 and ans.result == 1]
        report = "\n  ".join(a.describe() for a in answers.values())
        self.assertEqual(len(answers), 2, report)
        self.assertTrue(ok, "neither install succeeded\n  " + report)
        for leaf, ans in answers.items():
            if leaf not in ok:
                self.expect(ans, 409, "busy", 0)

        # whoever won, the files are one pair and that pair is served
        final = fingerprint_of_file(cert_file("exim"))
        self.assertIn(final, [FP[leaf] for leaf in ok])
        self.expect_files("exim", final)
        self.expect_served("exim", final)

    def test_change_while_svccert_holds_the_lock(self):
        cli_install("slow", "b")
        cli_install("quick", "b")
        proc = subprocess.Popen(
            [svcapi.SVCCERT, "--root", svcapi.ROOT, "install", "--service",
             "slow", "--cert", pki("a.crt"), "--key", pki("a.key"),
             "--cabundle", pki("int.crt")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            # the files are written under the lock, before the check
            # (sleep 4) runs
            deadline = time.monotonic() + 10
            while fingerprint_of_file(cert_file("slow")) != FP["a"] and \
                    time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.02)
            self.assertIsNone(proc.poll(), "svccert install ended early")
            cases = [("svccert_install", dict(paste("a"), services="quick")),
                     ("install_service_ssl_certificate",
                      dict(paste("a"), service="quick")),
                     ("reset_service_ssl_certificate", {"service": "quick"})]
            for function, params in cases:
                with self.subTest(function=function):
                    self.expect(api(function, params, auth=ROOT_TOKEN), 409,
                                "busy", 0)
                    self.assertIsNone(proc.poll(),
                                      "svccert install ended before %s "
                                      "was answered" % function)
        finally:
            out, _ = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 0, out)
        self.expect_files("quick", FP["b"])
        self.expect_ok(api("svccert_install", dict(paste("a"),
                                                   services="quick"),
                           auth=ROOT_TOKEN))


class T15SelfSwap(ApiCase):
    """svccertd installs its own certificate and keeps serving."""

    def test_swap_own_certificate(self):
        pid = svcapi.daemon_pid()
        self.assertIsNotNone(pid, "no PID of svccertd")
        if svcapi.served_by_daemon() == FP["b"]:
            self.expect_ok(api("install_service_ssl_certificate",
                               dict(paste("a"), service="svccertd"),
                               auth=ROOT_TOKEN))

        held = svcapi.connection()
        held.connect()
        before = svcapi.peer_fingerprint(held.sock)
        self.assertNotEqual(before, FP["b"])

        ans = self.expect_ok(api("install_service_ssl_certificate",
                                 dict(paste("b"), service="svccertd"),
                                 auth=ROOT_TOKEN))
        self.assertEqual((ans.data.get("result") or {}).get("verified"), 1,
                         ans.describe())

        # the connection made before the swap still gets answers
        try:
            self.expect_ok(api("svccert_whoami", auth=ROOT_TOKEN,
                               conn=held))
        finally:
            held.close()

        self.assertEqual(svcapi.served_by_daemon(), FP["b"],
                         "a new connection presents b.crt")
        self.expect_served("svccertd", FP["b"])
        self.expect_files("svccertd", FP["b"])
        self.assertEqual(svcapi.daemon_pid(), pid, "svccertd restarted")
        self.assertTrue(svcapi.process_alive(pid), "svccertd is gone")


class T16Throttle(ApiCase):
    """From 127.0.0.2, so that the lock-out does not reach the tests that
    log in from 127.0.0.1."""

    def test_six_wrong_passwords_429(self):
        svccert_ok("user", "add", "carol", "--reseller", "--password-file",
                   svcapi.password_file("carol", CAROL_PASSWORD))
        for attempt in range(1, 6):
            with self.subTest(attempt=attempt):
                self.expect(svcapi.login("carol", "wrong-%d" % attempt,
                                         source="127.0.0.2"), 401,
                            "unauthenticated", 0)
        self.expect(svcapi.login("carol", "wrong-6", source="127.0.0.2"),
                    429, "throttled", 0)
        with self.subTest(attempt="the right password, still locked"):
            self.expect(svcapi.login("carol", CAROL_PASSWORD,
                                     source="127.0.0.2"), 429, "throttled", 0)
        with self.subTest(attempt="another user from another address"):
            self.expect(svcapi.login("root", ROOT_PASSWORD), 200)


class T17Signals(ApiCase):

    def test_1_sighup_rereads_the_configuration(self):
        pid = svcapi.daemon_pid()
        self.assertIsNotNone(pid, "no PID of svccertd")
        leaf = "a" if svcapi.served_by_daemon() != FP["a"] else "b"

        # a new service and new certificate files, which only a re-read
        # can bring in
        with open(svcapi.root_path("etc/svccert/services.d/hup.json"),
                  "w") as f:
            f.write('{"label": "Added before SIGHUP", "files": [{"path": '
                    '"/srv/hup/hup.pem", "holds": "key+fullchain", "owner": '
                    '"root", "group": "root", "mode": "0600"}], '
                    '"reload": {"method": "none"}}\n')
        with open(cert_file("svccertd"), "w") as f:
            f.write(read(pki(leaf + ".crt")) + read(pki("int.crt")))
        with open(key_file("svccertd"), "w") as f:
            f.write(read(pki(leaf + ".key")))

        os.kill(pid, signal.SIGHUP)
        deadline = time.monotonic() + 5
        fp = ""
        while time.monotonic() < deadline:
            try:
                fp = svcapi.served_by_daemon()
            except OSError:
                fp = ""
            if fp == FP[leaf]:
                break
            time.sleep(0.1)
        self.assertEqual(fp, FP[leaf], "certificate after SIGHUP")
        ans = self.expect_ok(api("fetch_service_ssl_components", {
            "api.filter.a.field": "service", "api.filter.a.arg0": "hup",
            "api.filter.a.type": "eq"}, auth=ROOT_TOKEN))
        self.only(ans, "hup")
        self.assertEqual(svcapi.daemon_pid(), pid)
        self.assertTrue(svcapi.process_alive(pid))

    def test_2_sigterm_exits_0(self):
        pid = svcapi.daemon_pid()
        self.assertIsNotNone(pid, "no PID of svccertd")
        os.kill(pid, signal.SIGTERM)
        status = svcapi.daemon_exit_status(5)
        self.assertEqual(status, 0, "svccertd's exit status after SIGTERM "
                         "(None: still running after 5 seconds)")
        with self.assertRaises(OSError, msg="port still open"):
            socket.create_connection((svcapi.HOST, svcapi.PORT),
                                     timeout=2).close()


class T18Answers(ApiCase):
    """Every answer the suite received, looked at once more."""

    def test_no_private_key_in_any_answer(self):
        # The page's key field shows "-----BEGIN PRIVATE KEY-----" as a
        # placeholder; a key there would come with its base64 body.
        leaks = []
        for a in svcapi.ANSWERS:
            if a.path == "/":
                leaked = svcapi.PEM_KEY.search(a.body) is not None
            else:
                leaked = b"PRIVATE KEY" in a.body
            if leaked or any(f in a.body for f in svcapi.key_fragments()):
                leaks.append(a.describe(300))
        self.assertEqual(leaks, [], "%d of %d answers" % (
            len(leaks), len(svcapi.ANSWERS)))

    def test_no_key_field_in_any_answer(self):
        def has_key(doc):
            if isinstance(doc, dict):
                return "key" in doc or any(has_key(v) for v in doc.values())
            if isinstance(doc, list):
                return any(has_key(v) for v in doc)
            return False

        leaks = [a.describe(300) for a in svcapi.ANSWERS if has_key(a.doc)]
        self.assertEqual(leaks, [])

    def test_daemon_log_holds_no_secrets(self):
        """svccertd never logs passwords, tokens or key material."""
        log = read(os.environ["API_DAEMON_LOG"]).encode()
        secrets = [ROOT_PASSWORD, BOB_PASSWORD, CAROL_PASSWORD,
                   ROOT_TOKEN.token, BOB_TOKEN.token, "PRIVATE KEY"]
        found = [x[:12] + "..." for x in secrets if x.encode() in log]
        found += ["a key's base64" for f in svcapi.key_fragments()
                  if f in log]
        self.assertEqual(found, [], "in svccertd's output")

    def test_daemon_log_has_no_sanitizer_report(self):
        log = read(os.environ["API_DAEMON_LOG"])
        reports = [line for line in log.splitlines()
                   if "Sanitizer" in line or "runtime error:" in line]
        self.assertEqual(reports, [], "in svccertd's output")

    def test_every_answer_has_the_envelope(self):
        bad = []
        for a in svcapi.ANSWERS:
            if a.path == "/" or a.status == 301:
                continue
            problems = envelope_problems(a)
            if problems:
                bad.append("; ".join(problems) + "\n    " + a.describe(300))
        self.assertEqual(bad, [], "%d answers" % len(bad))


def envelope_problems(a):
    if not isinstance(a.doc, dict):
        return ["not a JSON object"]
    m = a.doc.get("metadata")
    if not isinstance(m, dict):
        return ["no metadata"]
    p = []
    if "data" not in a.doc:
        p.append("no data")
    if not is_int(m.get("result")) or m.get("result") not in (0, 1):
        p.append("result %r is not the integer 0 or 1" % m.get("result"))
    if a.status >= 400 and m.get("result") != 0:
        p.append("HTTP %d with result %r" % (a.status, m.get("result")))
    if m.get("version") != 1:
        p.append("version %r" % m.get("version"))
    for name in ("reason", "code", "command"):
        if not isinstance(m.get(name), str):
            p.append("%s %r is not a string" % (name, m.get(name)))
    if not isinstance(m.get("warnings"), list):
        p.append("warnings %r is not a list" % m.get("warnings"))
    function = a.path.split("?")[0].rsplit("/", 1)[-1]
    if a.path.startswith("/json-api/") and m.get("code") != \
            "unknown-function" and m.get("command") != function:
        p.append("command %r, not %r" % (m.get("command"), function))
    return p


ORDER = [T01Transport, T02Authentication, T03Errors, T04Fetch,
         T05WhmInstall, T06Validate, T07SvccertInstall, T08Apply,
         T09History, T10Details, T11Notices, T12Sessions, T13Reseller,
         T14Concurrency, T15SelfSwap, T16Throttle, T17Signals, T18Answers]


class Result(unittest.TextTestResult):
    """Counts test methods, not subtests: a test fails once however many
    of its subtests do."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.failed_ids = set()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_ids.add(test.id())

    # a failed setUpModule or setUpClass leaves its tests unrun: main
    # counts those as failed
    def addError(self, test, err):
        super().addError(test, err)
        self.failed_ids.add(test.id())

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed_ids.add(test.id())


def print_daemon_log(lines=40):
    """What svccertd said, for the failures above."""
    path = os.environ.get("API_DAEMON_LOG")
    try:
        tail = read(path).splitlines()[-lines:]
    except (OSError, TypeError):
        return
    print("# --- last lines of svccertd's output")
    for line in tail:
        print("#   " + line)


def main():
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    only = sys.argv[1:]
    for case in ORDER:
        for test in loader.loadTestsFromTestCase(case):
            if not only or any(name in test.id() for name in only):
                suite.addTest(test)
    total = suite.countTestCases()
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2,
                                     resultclass=Result)
    result = runner.run(suite)

    ran_failed = len([t for t in result.failed_ids
                      if any(t.startswith(c.__module__ + "." + c.__name__
                                          + ".") for c in ORDER)])
    passed = result.testsRun - ran_failed - len(result.skipped)
    failed = total - passed - len(result.skipped)
    if failed:
        print_daemon_log()
    summary = os.environ.get("API_SUMMARY_FILE")
    if summary:
        with open(summary, "w") as f:
            f.write("%d %d\n" % (passed, failed))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
