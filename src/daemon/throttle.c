/*
 * throttle.c - failed logins, counted per user and per client address.
 *
 * Five failures for one key within fifteen minutes lock that key until
 * the oldest of them is fifteen minutes old.  Password guessing then
 * costs hours per handful of tries, while an administrator who mistypes
 * waits minutes.  Kept in memory: a restart forgets, which an attacker
 * cannot cause from outside.  The table is bounded, so a flood of names
 * cannot grow it; the entry idle longest gives way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "util.h"

#define THROTTLE_FAILURES 5
#define THROTTLE_WINDOW_SECONDS (15 * 60)
#define THROTTLE_ENTRIES 4096
#define THROTTLE_KEY_MAX 96

struct throttle_entry {
	char key[THROTTLE_KEY_MAX];
	long failures[THROTTLE_FAILURES];   /* ring, by monotonic second */
	size_t next;
	long last;
};

struct throttle {
	struct throttle_entry *entries;
	size_t count;
};

/* Monotonic: setting the clock back must not lift a lock. */
static long throttle_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

struct throttle *throttle_new(void)
{
	struct throttle *t = xcalloc(1, sizeof(*t));

	t->entries = xcalloc(THROTTLE_ENTRIES, sizeof(*t->entries));
	return t;
}

void throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	free(t->entries);
	free(t);
}

static struct throttle_entry *throttle_find(struct throttle *t,
    const char *key)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->entries[i].key, key) == 0)
			return &t->entries[i];
	return NULL;
}

long throttle_wait(struct throttle *t, const char *key)
{
	struct throttle_entry *e = throttle_find(t, key);
	long now = throttle_now(), oldest;

	/* The ring's next slot holds the oldest of the last five. */
	if (e == NULL || e->failures[e->next] == 0)
		return 0;
	oldest = e->failures[e->next];
	if (now - oldest >= THROTTLE_WINDOW_SECONDS)
		return 0;
	return oldest + THROTTLE_WINDOW_SECONDS - now;
}

static struct throttle_entry *throttle_add(struct throttle *t,
    const char *key)
{
	struct throttle_entry *e;
	size_t victim = 0;

	if (t->count < THROTTLE_ENTRIES)
		e = &t->entries[t->count++];
	else {
		for (size_t i = 1; i < t->count; i++)
			if (t->entries[i].last < t->entries[victim].last)
				victim = i;
		e = &t->entries[victim];
	}
	memset(e, 0, sizeof(*e));
	snprintf(e->key, sizeof(e->key), "%s", key);
	return e;
}

void throttle_fail(struct throttle *t, const char *key)
{
	struct throttle_entry *e = throttle_find(t, key);

	if (e == NULL)
		e = throttle_add(t, key);
	e->last = throttle_now();
	e->failures[e->next] = e->last;
	e->next = (e->next + 1) % THROTTLE_FAILURES;
}
