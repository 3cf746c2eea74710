/*
 * chan.c - mutex + condvar FIFO and a non-blocking wake pipe (in the
 * manner of redis's bio.c job queues). See chan.h.
 */
#include "tunetop/chan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tunetop/util.h"

int chan_init(struct chan *c, int with_pipe)
{
	c->items = NULL;
	c->head = c->count = c->cap = 0;
	c->wake[0] = c->wake[1] = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	if (!with_pipe)
		return 0;
	if (pipe(c->wake) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(c->wake[i], F_SETFL, fcntl(c->wake[i], F_GETFL) | O_NONBLOCK);
		fcntl(c->wake[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

void chan_fini(struct chan *c)
{
	free(c->items);
	c->items = NULL;
	if (c->wake[0] >= 0) {
		close(c->wake[0]);
		close(c->wake[1]);
	}
	c->wake[0] = c->wake[1] = -1;
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

static void chan_grow(struct chan *c)
{
	size_t ncap = c->cap ? c->cap * 2 : 16, i;
	void **n = tt_xmalloc(ncap * sizeof *n);

	for (i = 0; i < c->count; i++)
		n[i] = c->items[(c->head + i) % c->cap];
	free(c->items);
	c->items = n;
	c->cap = ncap;
	c->head = 0;
}

void chan_push(struct chan *c, void *item)
{
	pthread_mutex_lock(&c->lock);
	if (c->count == c->cap)
		chan_grow(c);
	c->items[(c->head + c->count) % c->cap] = item;
	c->count++;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	chan_notify(c);
}

static void *chan_take(struct chan *c)
{
	void *item;

	if (c->count == 0)
		return NULL;
	item = c->items[c->head];
	c->head = (c->head + 1) % c->cap;
	c->count--;
	return item;
}

void *chan_pop(struct chan *c)
{
	void *item;

	pthread_mutex_lock(&c->lock);
	item = chan_take(c);
	pthread_mutex_unlock(&c->lock);
	return item;
}

void *chan_wait(struct chan *c, double timeout)
{
	struct timespec until;
	void *item;

	clock_gettime(CLOCK_REALTIME, &until);
	if (timeout >= 0) {
		long long ns = until.tv_nsec + (long long)(timeout * 1e9);

		until.tv_sec += (time_t)(ns / 1000000000LL);
		until.tv_nsec = (long)(ns % 1000000000LL);
	}
	pthread_mutex_lock(&c->lock);
	while (c->count == 0) {
		int rc = timeout < 0 ? pthread_cond_wait(&c->cond, &c->lock) :
			 pthread_cond_timedwait(&c->cond, &c->lock, &until);

		if (rc == ETIMEDOUT)
			break;
	}
	item = chan_take(c);
	pthread_mutex_unlock(&c->lock);
	return item;
}

int chan_wake_fd(const struct chan *c)
{
	return c->wake[0];
}

void chan_notify(struct chan *c)
{
	char b = 1;

	if (c->wake[1] >= 0 && write(c->wake[1], &b, 1) < 0) {
		/* EAGAIN: the pipe is full, a wake-up is already pending. */
	}
}

void chan_drain_wake(struct chan *c)
{
	char buf[256];

	if (c->wake[0] < 0)
		return;
	while (read(c->wake[0], buf, sizeof buf) > 0)
		;
}
