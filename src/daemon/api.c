/*
 * api.c - the functions of docs/api.md and what each one requires.
 *
 * Names and shapes follow WHM API 1 where WHM has the function, so
 * existing scripts keep working; our own are named svccert_*.
 */
#include <string.h>

#include "daemon.h"

static const struct api_function api_functions[] = {
	/* name, changes, any_user, handle */
	{ "fetch_service_ssl_components", false, false, api_fetch },
	{ "install_service_ssl_certificate", true, false, api_install_whm },
	{ "reset_service_ssl_certificate", true, false, api_reset_whm },
	{ "svccert_whoami", false, true, api_whoami },
	{ "svccert_service_details", false, false, api_details },
	{ "svccert_validate", false, false, api_validate },
	{ "svccert_install", true, false, api_install },
	{ "svccert_apply", true, false, api_apply },
	{ "svccert_history", false, false, api_history },
	{ "svccert_restore", true, false, api_restore },
	{ "svccert_notices", false, false, api_notices },
};

const struct api_function *api_find(const char *name)
{
	for (size_t i = 0; i < sizeof(api_functions) /
	    sizeof(api_functions[0]); i++)
		if (strcmp(api_functions[i].name, name) == 0)
			return &api_functions[i];
	return NULL;
}
