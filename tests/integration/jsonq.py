#!/usr/bin/env python3
"""jsonq.py - read svccert's --json output for the integration tests.

  jsonq.py names FILE              service names of `list`
  jsonq.py codes FILE              finding and result codes, one a line
  jsonq.py status FILE SERVICE     a result's status, exit and fingerprint
  jsonq.py history FILE            id, service, fingerprint, one a line
  jsonq.py warnings FILE           warning codes, one a line

Exit status 1 (with a message) when FILE is not the expected JSON shape.
"""

import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def names(doc):
    for svc in doc["services"]:
        print(svc["name"])


def codes(doc):
    for finding in doc.get("findings", []):
        print(finding["code"])
    for result in doc.get("results", []):
        if result.get("code"):
            print(result["code"])


def warnings(doc):
    for finding in doc.get("findings", []):
        if finding["severity"] == "warning":
            print(finding["code"])


def status(doc, service):
    for result in doc["results"]:
        if result["service"] == service:
            print(result["status"], result["exit"],
                  result.get("new_fingerprint") or "-")
            return
    sys.exit("no result for " + service)


def history(doc):
    for entry in doc["history"]:
        print(entry["id"], entry["service"], entry["fingerprint"] or "-")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    command, path = sys.argv[1], sys.argv[2]
    try:
        doc = load(path)
        if command == "names":
            names(doc)
        elif command == "codes":
            codes(doc)
        elif command == "warnings":
            warnings(doc)
        elif command == "status":
            status(doc, sys.argv[3])
        elif command == "history":
            history(doc)
        else:
            sys.exit(__doc__)
    except (ValueError, KeyError, TypeError, IndexError) as e:
        sys.exit("%s: not the expected JSON: %r" % (path, e))


if __name__ == "__main__":
    main()
