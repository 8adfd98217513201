/*
 * report.c - JSON for findings, chains and change results.
 */
#include "report.h"

#include <stdlib.h>

#include "certinfo.h"

json_t *report_findings_json(const struct findings *findings)
{
	json_t *list = json_array();

	for (size_t i = 0; i < findings->count; i++) {
		const struct finding *f = &findings->items[i];

		json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
		    "severity", f->severity == FINDING_ERROR ? "error" :
		    "warning", "code", f->code, "message", f->message));
	}
	return list;
}

json_t *report_chain_json(const struct material *mat)
{
	json_t *list = json_array();
	int n = mat->chain != NULL ? sk_X509_num(mat->chain) : 0;

	if (mat->leaf == NULL)
		return list;
	for (int i = -1; i < n; i++) {
		X509 *cert = i < 0 ? mat->leaf : sk_X509_value(mat->chain, i);
		char fp[FINGERPRINT_SIZE];
		char *name = certinfo_name_of(cert);

		material_fingerprint(cert, fp, sizeof(fp));
		json_array_append_new(list, json_pack("{s:s, s:s}", "name",
		    name, "fingerprint", fp));
		free(name);
	}
	return list;
}

json_t *report_flag(bool value, enum report_flags flags)
{
	if (flags == REPORT_FLAGS_INTEGER)
		return json_integer(value ? 1 : 0);
	return json_boolean(value);
}

json_t *report_result_json(const struct txn_result *r,
    enum report_flags flags)
{
	return json_pack("{s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:I, s:s, "
	    "s:s}", "service", r->service, "status",
	    txn_status_name(r->status), "exit", (int)r->status,
	    "old_fingerprint", r->old_fingerprint, "new_fingerprint",
	    r->new_fingerprint, "reloaded", report_flag(r->reloaded, flags),
	    "verified", report_flag(r->verified, flags), "history_id",
	    (json_int_t)r->history_id, "code", r->code, "message",
	    r->message);
}

json_t *report_history_json(const struct history_entry *entries,
    size_t count)
{
	json_t *list = json_array();

	for (size_t i = 0; i < count; i++) {
		const struct history_entry *e = &entries[i];

		json_array_append_new(list, json_pack("{s:I, s:s, s:I, s:s, "
		    "s:s, s:I, s:s, s:s}", "id", (json_int_t)e->id,
		    "service", e->service, "created", (json_int_t)e->created,
		    "fingerprint", e->fingerprint, "subject", e->subject,
		    "not_after", (json_int_t)e->not_after, "reason",
		    e->reason, "result", e->result));
	}
	return list;
}
