/*
 * worker.c - a thread that runs jobs one at a time, off the event loop.
 *
 * A job's run() happens on the worker's thread; when it returns, the job
 * is handed back to the loop (event_active, which evthread_use_pthreads
 * makes safe from another thread) and its done() runs there, where the
 * HTTP answer can be sent.  Jobs never share anything with the loop
 * while they run.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "daemon.h"
#include "util.h"

struct job_queue {
	struct worker_job *head;
	struct worker_job *tail;
};

struct worker {
	const char *name;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct job_queue waiting;     /* posted, not started */
	struct job_queue finished;    /* run, done() not called yet */
	size_t pending;               /* posted and not yet done (loop) */
	bool stop;
	struct event *finished_event;
};

static void queue_push(struct job_queue *q, struct worker_job *job)
{
	job->next = NULL;
	if (q->tail != NULL)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
}

static struct worker_job *queue_pop(struct job_queue *q)
{
	struct worker_job *job = q->head;

	if (job != NULL) {
		q->head = job->next;
		if (q->head == NULL)
			q->tail = NULL;
		job->next = NULL;
	}
	return job;
}

/* The next job, or NULL once the worker is told to stop. */
static struct worker_job *worker_wait(struct worker *w)
{
	struct worker_job *job;

	pthread_mutex_lock(&w->lock);
	while (!w->stop && w->waiting.head == NULL)
		pthread_cond_wait(&w->wake, &w->lock);
	job = w->stop ? NULL : queue_pop(&w->waiting);
	pthread_mutex_unlock(&w->lock);
	return job;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct worker_job *job;

	while ((job = worker_wait(w)) != NULL) {
		job->run(job);

		pthread_mutex_lock(&w->lock);
		queue_push(&w->finished, job);
		pthread_mutex_unlock(&w->lock);
		event_active(w->finished_event, EV_READ, 0);
	}
	return NULL;
}

/* On the loop: hand every finished job its done(). */
static void worker_on_finished(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct job_queue done;
	struct worker_job *job;

	pthread_mutex_lock(&w->lock);
	done = w->finished;
	w->finished.head = w->finished.tail = NULL;
	pthread_mutex_unlock(&w->lock);

	while ((job = queue_pop(&done)) != NULL) {
		w->pending--;
		job->done(job);
	}
}

struct worker *worker_start(struct event_base *base, const char *name)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	sigset_t all, saved;

	w->name = name;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	w->finished_event = event_new(base, -1, 0, worker_on_finished, w);
	if (w->finished_event == NULL)
		abort();

	/* Signals are the loop's: SIGHUP and SIGTERM must reach it. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &saved);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		abort();
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return w;
}

void worker_post(struct worker *w, struct worker_job *job)
{
	pthread_mutex_lock(&w->lock);
	queue_push(&w->waiting, job);
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	w->pending++;
}

bool worker_idle(struct worker *w)
{
	return w->pending == 0;
}

void worker_stop(struct worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);

	/* The caller leaves a busy worker to the process exit. */
	if (w->pending > 0)
		abort();
	pthread_join(w->thread, NULL);
	event_free(w->finished_event);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}
