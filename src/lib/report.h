/*
 * report.h - the JSON forms of findings, chains, change results and
 * history entries.
 *
 * svccert --json and svccertd's API print them the same way, so a script
 * reads one shape whichever it talks to.  Nothing here ever holds a key.
 */
#ifndef SVCCERT_REPORT_H
#define SVCCERT_REPORT_H

#include <stdbool.h>

#include <jansson.h>

#include "finding.h"
#include "material.h"
#include "store.h"
#include "txn.h"

/* [{"severity": "error"|"warning", "code", "message"}] */
json_t *report_findings_json(const struct findings *findings);

/* [{"name", "fingerprint"}], leaf first; [] without a leaf. */
json_t *report_chain_json(const struct material *mat);

/* How yes/no fields are written: svccert's true/false, WHM's 1/0. */
enum report_flags {
	REPORT_FLAGS_BOOLEAN,
	REPORT_FLAGS_INTEGER,
};

/* {"service", "status", "exit", "old_fingerprint", "new_fingerprint",
 *  "reloaded", "verified", "history_id", "code", "message"} */
json_t *report_result_json(const struct txn_result *result,
    enum report_flags flags);

/* [{"id", "service", "created", "fingerprint", "subject", "not_after",
 *   "reason", "result"}], in the order given (the store lists newest
 *   first). */
json_t *report_history_json(const struct history_entry *entries,
    size_t count);

/* true/false or 1/0, as flags says. */
json_t *report_flag(bool value, enum report_flags flags);

#endif
