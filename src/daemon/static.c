/*
 * static.c - the page's files (index.html, app.js, app.css, ...) from
 * the web folder.
 *
 * Only regular files are served, never a listing; a path with a segment
 * that starts with a dot (".." above all, but also ".git") is refused
 * before the file system is asked.  The page needs no credentials: it
 * holds no data, and logs in through /login like any client.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "daemon.h"
#include "util.h"

static const struct {
	const char *extension;
	const char *type;
} static_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
};

char *static_web_dir(const struct daemon_options *options,
    const struct config *cfg)
{
	if (options->web_dir != NULL)
		return xstrdup(options->web_dir);
	if (cfg->web_dir != NULL)
		return xstrdup(cfg->web_dir);

	/* Run from the build folder before installing: the source's page. */
	if (access(SVCCERT_WEBDIR, F_OK) == 0)
		return xstrdup(SVCCERT_WEBDIR);
	return xstrdup(SVCCERT_SOURCE_WEBDIR);
}

/* nosniff is set, so a file needs its right type to be used at all. */
static const char *static_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(static_types) /
	    sizeof(static_types[0]); i++)
		if (strcasecmp(dot, static_types[i].extension) == 0)
			return static_types[i].type;
	return "application/octet-stream";
}

static bool static_path_allowed(const char *path)
{
	if (path[0] != '/' || strchr(path, '\\') != NULL ||
	    strlen(path) > PATH_MAX / 2)
		return false;
	for (const char *p = path; p != NULL; p = strchr(p + 1, '/'))
		if (p[1] == '.')
			return false;
	return true;
}

/* An open regular file, or -1. */
static int static_open(const char *dir, const char *path, off_t *size)
{
	char *full = xasprintf("%s%s", dir, path);
	struct stat st;
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	free(full);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0)
		*size = st.st_size;
	return fd;
}

void static_serve(struct request *r)
{
	const char *path = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	struct evbuffer *body;
	off_t size = 0;
	int fd = -1;

	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		request_fail_with(r, 405, "method-not-allowed", "%s is a file "
		    "of the page: use GET", r->path);
		return;
	}
	if (static_path_allowed(path))
		fd = static_open(r->daemon->web_dir, path, &size);
	if (fd < 0) {
		request_fail_with(r, 404, "not-found", "there is no page %s; "
		    "the panel is at /", r->path);
		return;
	}

	body = evbuffer_new();
	if (body == NULL || (size > 0 && evbuffer_add_file(body, fd, 0,
	    size) != 0))
		abort();
	if (size == 0)
		close(fd);
	evhttp_add_header(evhttp_request_get_output_headers(r->http),
	    "Content-Type", static_type(path));
	evhttp_add_header(evhttp_request_get_output_headers(r->http),
	    "Cache-Control", "no-cache");
	request_send(r, 200, body);
	evbuffer_free(body);
}
