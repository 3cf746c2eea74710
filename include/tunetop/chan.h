/*
 * chan.h - a thread-safe FIFO of pointers with a wake pipe.
 *
 * Producers push; the consumer pops without blocking, or waits on the
 * condition variable (with an optional timeout). The wake pipe lets a
 * poll()-based loop (the UI) sleep until something arrives: chan_notify()
 * writes one byte (the pipe is non-blocking, so a full pipe just means a
 * wake-up is already pending) and chan_drain_wake() empties it.
 */
#ifndef TUNETOP_CHAN_H
#define TUNETOP_CHAN_H

#include <pthread.h>
#include <stddef.h>

struct chan {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	void **items;
	size_t head;
	size_t count;
	size_t cap;
	int wake[2];          /* read end, write end; -1 if no pipe */
};

/* with_pipe: also create the wake pipe. Returns -1 if the pipe fails. */
int chan_init(struct chan *c, int with_pipe);
void chan_fini(struct chan *c);

void chan_push(struct chan *c, void *item);
/* Next item, or NULL when empty. */
void *chan_pop(struct chan *c);
/* Wait up to timeout seconds (< 0: forever) for an item; NULL on timeout. */
void *chan_wait(struct chan *c, double timeout);

/* The wake pipe: fd to poll, notify (any thread), drain (the poller). */
int chan_wake_fd(const struct chan *c);
void chan_notify(struct chan *c);
void chan_drain_wake(struct chan *c);

#endif
