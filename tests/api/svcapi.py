"""svcapi.py - a client for svccertd's JSON API and the sandbox around it.

The API tests talk to the real svccertd that tests/api/run.sh started on
the integration sandbox; this module holds what every test needs: HTTPS
requests that remember each answer (so that the suite can check at the
end that no answer ever carried a private key), the svccert CLI, and
fingerprints read from files and from the wire with the openssl CLI.

Python standard library only: the tests run on a bare Debian 12.
"""

import hashlib
import http.client
import json
import os
import re
import select
import socket
import ssl
import subprocess
import time
import urllib.parse

ROOT = os.environ.get("API_ROOT", "")
PKI = os.environ.get("API_PKI", "")
WORK = os.environ.get("API_WORK", "")
SVCCERT = os.environ.get("SVCCERT", "svccert")
HOST = "127.0.0.1"
PORT = int(os.environ.get("API_PORT", "2187"))
REDIRECT_PORT = int(os.environ.get("API_REDIRECT_PORT", "2186"))
PID_FILE = os.environ.get("API_PID_FILE", "")
EXIT_FILE = os.environ.get("API_EXIT_FILE", "")
ROOT_PASSWORD_FILE = os.environ.get("API_ROOT_PASSWORD_FILE", "")

# Every answer of the whole run, checked once more by the last tests.
ANSWERS = []

# The endpoints run.sh's sandbox serves, as lib.sh defines them.
ENDPOINTS = {
    "exim": [(2525, "smtp"), (4465, "tls")],
    "dovecot": [(1143, "imap"), (1993, "tls"), (1110, "pop3"),
                (1995, "tls")],
    "pure-ftpd": [(2121, "ftp")],
    "svccertd": [(PORT, "tls")],
}

# Certificate file and key file of each service, relative to the root.
FILES = {
    "exim": ("etc/exim4/exim.crt", "etc/exim4/exim.key"),
    "dovecot": ("etc/dovecot/dovecot.crt", "etc/dovecot/dovecot.key"),
    "pure-ftpd": ("etc/pure-ftpd/pure-ftpd.pem",
                  "etc/pure-ftpd/pure-ftpd.pem"),
    "svccertd": ("etc/svccert/svccertd.crt", "etc/svccert/svccertd.key"),
    "quick": ("srv/quick/quick.crt", "srv/quick/quick.key"),
    "slow": ("srv/slow/slow.crt", "srv/slow/slow.key"),
}


def pki(name):
    return os.path.join(PKI, name)


def read(path):
    with open(path) as f:
        return f.read()


def root_path(relative):
    return os.path.join(ROOT, relative)


def cert_file(service):
    return root_path(FILES[service][0])


def key_file(service):
    return root_path(FILES[service][1])


# ---------------------------------------------------------------------
# Answers

class Answer:
    """One HTTP exchange, kept whole so that a failure can show it."""

    def __init__(self, method, path, sent, status, headers, body):
        self.method = method
        self.path = path
        self.sent = sent
        self.status = status
        self.headers = headers
        self.body = body
        self.doc = None
        try:
            self.doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            pass

    @property
    def metadata(self):
        if isinstance(self.doc, dict) and \
                isinstance(self.doc.get("metadata"), dict):
            return self.doc["metadata"]
        return {}

    @property
    def data(self):
        if isinstance(self.doc, dict):
            return self.doc.get("data")
        return None

    @property
    def code(self):
        return self.metadata.get("code")

    @property
    def result(self):
        return self.metadata.get("result")

    def header_all(self, name):
        return self.headers.get_all(name) or []

    def describe(self, limit=1500):
        """The request and the answer, as a failure message shows them."""
        sent = self.sent
        if len(sent) > 300:
            sent = sent[:300] + "... (%d bytes)" % len(self.sent)
        body = self.body.decode("utf-8", "replace")
        if len(body) > limit:
            body = body[:limit] + "... (%d bytes)" % len(self.body)
        return "request: %s %s %s\n  answer: HTTP %s %s" % (
            self.method, self.path, sent, self.status, body)


# ---------------------------------------------------------------------
# HTTPS

def client_context():
    """svccertd serves a throwaway certificate: the tests compare its
    fingerprint themselves instead of trusting it."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connection(source=None, timeout=120):
    src = (source, 0) if source else None
    return http.client.HTTPSConnection(HOST, PORT, context=client_context(),
                                       timeout=timeout, source_address=src)


def peer_fingerprint(sock):
    der = sock.getpeercert(binary_form=True)
    return hashlib.sha256(der).hexdigest().upper()


def served_by_daemon():
    """The fingerprint a new TLS connection to svccertd presents."""
    with socket.create_connection((HOST, PORT), timeout=10) as raw:
        with client_context().wrap_socket(raw) as tls:
            return peer_fingerprint(tls)


def exchange(conn, method, path, body=b"", headers=None):
    """Send one request on conn and read its answer, remembering both."""
    headers = dict(headers or {})
    if body or method == "POST":
        headers.setdefault("Content-Length", str(len(body)))
    conn.request(method, path, body=body or None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    sent = describe_sent(headers, body)
    ans = Answer(method, path, sent, resp.status, resp.headers, data)
    ANSWERS.append(ans)
    return ans


def describe_sent(headers, body):
    shown = []
    for name, value in headers.items():
        if name.lower() in ("authorization", "cookie", "x-csrf-token"):
            value = value[:14] + "..."
        if name.lower() != "content-length":
            shown.append("%s: %s" % (name, value))
    text = body.decode("utf-8", "replace") if body else ""
    # key material the tests send is not worth repeating in a report
    text = re.sub(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*"
                  r"PRIVATE KEY-----", "<key>", text, flags=re.S)
    text = re.sub(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----",
                  "<cert>", text, flags=re.S)
    return "[%s] %s" % ("; ".join(shown), text)


def request(method, path, body=b"", headers=None, source=None):
    conn = connection(source)
    try:
        return exchange(conn, method, path, body, headers)
    finally:
        conn.close()


def encode(params, as_json):
    """A request body: form-encoded, or a JSON object."""
    if params is None:
        return b"", {}
    if as_json:
        return (json.dumps(params).encode(),
                {"Content-Type": "application/json"})
    return (urllib.parse.urlencode(params, doseq=True).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})


def api(function, params=None, method=None, auth=None, as_json=False,
        query=None, headers=None, source=None, conn=None):
    """Call /json-api/FUNCTION.  GET sends params in the query string,
    POST in the body; query adds to the query string either way."""
    method = method or ("POST" if is_change(function) else "GET")
    q = dict(query or {})
    body, extra = b"", {}
    if method == "GET":
        q.update(params or {})
    else:
        body, extra = encode(params if params is not None else {}, as_json)
    path = "/json-api/" + function
    if q:
        path += "?" + urllib.parse.urlencode(q, doseq=True)
    all_headers = dict(auth.headers() if auth else {})
    all_headers.update(extra)
    all_headers.update(headers or {})
    if conn is not None:
        return exchange(conn, method, path, body, all_headers)
    return request(method, path, body, all_headers, source)


# Functions that change something: POST only, a GET gets 405.
CHANGES = ("install_service_ssl_certificate", "reset_service_ssl_certificate",
           "svccert_install", "svccert_apply", "svccert_restore")
# POST by default, though a dry run changes nothing
POSTED = CHANGES + ("svccert_validate",)


def is_change(function):
    return function in POSTED


def send_large(path, size, headers):
    """POST size bytes without waiting for the whole body to go out: a
    daemon may answer 413 as soon as it sees Content-Length, and then a
    blocking send would fail before the answer could be read."""
    conn = connection()
    try:
        conn.putrequest("POST", path)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        chunk = b"a=" + b"x" * 65534
        left = size
        try:
            while left > 0:
                readable, _, _ = select.select([conn.sock], [], [], 0)
                if readable:
                    break
                conn.sock.sendall(chunk[:left])
                left -= min(left, len(chunk))
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass
        resp = conn.getresponse()
        ans = Answer("POST", path, "[%d-byte body]" % size, resp.status,
                     resp.headers, resp.read())
        ANSWERS.append(ans)
        return ans
    finally:
        conn.close()


# ---------------------------------------------------------------------
# Credentials

class Token:
    """Authorization: whm USER:TOKEN, or Bearer TOKEN when user is None."""

    def __init__(self, token, user=None):
        self.token = token
        self.user = user

    def headers(self):
        if self.user is None:
            return {"Authorization": "Bearer " + self.token}
        return {"Authorization": "whm %s:%s" % (self.user, self.token)}


class Session:
    """The svccert_session cookie; csrf is sent when set."""

    def __init__(self, cookie, csrf=None):
        self.cookie = cookie
        self.csrf = csrf

    def headers(self):
        h = {"Cookie": "svccert_session=" + self.cookie}
        if self.csrf is not None:
            h["X-CSRF-Token"] = self.csrf
        return h

    def without_csrf(self):
        return Session(self.cookie)

    def with_csrf(self, csrf):
        return Session(self.cookie, csrf)


def login(user, password, as_json=False, source=None):
    body, headers = encode({"user": user, "password": password}, as_json)
    return request("POST", "/login", body, headers, source)


def session_cookie(ans):
    """The svccert_session morsel of a login answer, or None."""
    from http.cookies import SimpleCookie

    for header in ans.header_all("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if "svccert_session" in jar:
            return jar["svccert_session"], header
    return None, None


# ---------------------------------------------------------------------
# The svccert CLI

def svccert(*args, input_text=None, timeout=120):
    return subprocess.run([SVCCERT, "--root", ROOT] + list(args),
                          input=input_text, capture_output=True, text=True,
                          timeout=timeout)


def svccert_ok(*args, **kw):
    proc = svccert(*args, **kw)
    if proc.returncode != 0:
        raise AssertionError("svccert --root $R %s: exit %d\n%s%s" % (
            " ".join(args), proc.returncode, proc.stdout, proc.stderr))
    return proc


def password_file(name, password):
    path = os.path.join(WORK, "password." + name)
    with open(path, "w") as f:
        f.write(password)
    os.chmod(path, 0o600)
    return path


def find_field(doc, name):
    """The first value of a field called name, anywhere in doc."""
    if isinstance(doc, dict):
        if name in doc and not isinstance(doc[name], (dict, list)):
            return doc[name]
        items = doc.values()
    elif isinstance(doc, list):
        items = doc
    else:
        return None
    for item in items:
        found = find_field(item, name)
        if found is not None:
            return found
    return None


def token_create(user):
    """svccert token create USER: (secret, id).  The secret is read from
    --json output when the CLI gives it, else from the plain output."""
    proc = svccert("--json", "token", "create", user)
    if proc.returncode == 0:
        try:
            doc = json.loads(proc.stdout)
            secret = find_field(doc, "token")
            if isinstance(secret, str) and secret:
                return secret, find_field(doc, "id")
        except ValueError:
            pass
    proc = svccert_ok("token", "create", user)
    words = re.findall(r"[A-Za-z0-9_\-.~+/=]{20,}", proc.stdout)
    if not words:
        raise AssertionError("svccert token create %s printed no token:\n%s"
                             % (user, proc.stdout))
    ids = re.findall(r"\bid\D{0,3}(\d+)", proc.stdout, re.I)
    return words[-1], (int(ids[0]) if ids else None)


def token_revoke(token_id, user):
    if token_id is None:
        token_id = newest_token_id(user)
    svccert_ok("token", "revoke", str(token_id))


def newest_token_id(user):
    proc = svccert_ok("--json", "token", "list")
    doc = json.loads(proc.stdout)
    rows = doc.get("tokens", doc) if isinstance(doc, dict) else doc
    ids = [r["id"] for r in rows if r.get("user") == user]
    return max(ids)


# ---------------------------------------------------------------------
# Certificates in files and on the wire

# A PEM private key with its body, as opposed to a placeholder.
PEM_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----\s*"
                     rb"[A-Za-z0-9+/]{40}")


def key_fragments():
    """A line from the middle of each test key's base64: found anywhere,
    it means a key leaked, with or without its PEM lines."""
    fragments = []
    for name in ("a", "b", "ec", "expired", "weak"):
        try:
            lines = read(pki(name + ".key")).splitlines()
        except OSError:
            continue
        if len(lines) > 3:
            fragments.append(lines[2].encode())
    return fragments

def fingerprint_of_pem(text):
    """SHA-256 of the first certificate in text, as hex without colons."""
    proc = subprocess.run(["openssl", "x509", "-noout", "-fingerprint",
                           "-sha256"], input=text, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        return ""
    return normal_fp(proc.stdout.split("=", 1)[-1])


def fingerprint_of_file(path):
    try:
        return fingerprint_of_pem(read(path))
    except OSError:
        return ""


def normal_fp(fp):
    """Fingerprints compare without colons and case."""
    if not isinstance(fp, str):
        return fp
    return fp.strip().replace(":", "").upper()


def pubkey_of_cert(path):
    return subprocess.run(["openssl", "x509", "-in", path, "-noout",
                           "-pubkey"], capture_output=True,
                          text=True).stdout


def pubkey_of_key(path):
    return subprocess.run(["openssl", "pkey", "-in", path, "-pubout"],
                          capture_output=True, text=True).stdout


def pair_matches(service):
    cert = pubkey_of_cert(cert_file(service))
    return cert != "" and cert == pubkey_of_key(key_file(service))


def served_once(port, protocol):
    args = ["openssl", "s_client", "-connect", "%s:%d" % (HOST, port),
            "-servername", "mail.test"]
    if protocol != "tls":
        args += ["-starttls", protocol]
    try:
        proc = subprocess.run(args, input="", capture_output=True,
                              text=True, timeout=15)
    except subprocess.TimeoutExpired:
        return ""
    return fingerprint_of_pem(proc.stdout)


def served(port, protocol):
    """A daemon being restarted may refuse a connection for a moment; a
    wrong certificate is never retried away."""
    for _ in range(10):
        fp = served_once(port, protocol)
        if fp:
            return fp
        time.sleep(0.2)
    return ""


def served_all(service):
    return {"%d/%s" % ep: served(*ep) for ep in ENDPOINTS[service]}


# ---------------------------------------------------------------------
# The daemon process

def daemon_pid():
    try:
        return int(read(PID_FILE).strip())
    except (OSError, ValueError):
        return None


def process_alive(pid):
    """kill -0 is true for a zombie too: read its state instead."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def daemon_exit_status(timeout):
    """The exit status run.sh's wrapper wrote when svccertd ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            text = read(EXIT_FILE).strip()
            if text:
                return int(text)
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    return None
