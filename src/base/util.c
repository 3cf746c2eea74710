/*
 * util.c - checked allocation, buffers, errors, files, UTF-8 checks, the
 * fatal path. See util.h.
 */
#include "tunetop/util.h"
#include "tunetop/tempfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

static tt_fatal_hook fatal_hook;

void tt_set_fatal_hook(tt_fatal_hook hook)
{
	fatal_hook = hook;
}

_Noreturn void tt_fatal(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (fatal_hook != NULL) {
		tt_fatal_hook h = fatal_hook;
		fatal_hook = NULL;   /* never recurse */
		h();
	}
	fputs("tunetop: fatal: ", stderr);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tt_esc_fputs(msg, stderr, 0);
	fputc('\n', stderr);
	abort();
}

void *tt_xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		tt_fatal("out of memory (%zu bytes)", n);
	return p;
}

void *tt_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);

	if (p == NULL)
		tt_fatal("out of memory (%zu x %zu bytes)", count, size);
	return p;
}

void *tt_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL)
		tt_fatal("out of memory (%zu bytes)", n);
	return q;
}

char *tt_xstrdup(const char *s)
{
	return tt_xstrndup(s, strlen(s));
}

char *tt_xstrndup(const char *s, size_t n)
{
	char *p = tt_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *tt_xprintf(const char *fmt, ...)
{
	va_list ap;
	struct tt_buf b;

	tt_buf_init(&b);
	va_start(ap, fmt);
	tt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return b.data;
}

void tt_buf_init(struct tt_buf *b)
{
	b->cap = 64;
	b->len = 0;
	b->data = tt_xmalloc(b->cap);
	b->data[0] = '\0';
}

void tt_buf_fini(struct tt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void tt_buf_clear(struct tt_buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

void tt_buf_reserve(struct tt_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	while (b->cap < need)
		b->cap = b->cap < 64 ? 64 : b->cap * 2;
	b->data = tt_xrealloc(b->data, b->cap);
}

void tt_buf_add(struct tt_buf *b, const void *p, size_t n)
{
	tt_buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void tt_buf_addc(struct tt_buf *b, char c)
{
	tt_buf_add(b, &c, 1);
}

void tt_buf_adds(struct tt_buf *b, const char *s)
{
	tt_buf_add(b, s, strlen(s));
}

/* Measure, then format in place: the one printf into a buffer. */
void tt_buf_vprintf(struct tt_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		tt_fatal("tt_buf_printf: bad format");
	tt_buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void tt_buf_printf(struct tt_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tt_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void tt_err_clear(struct tt_err *e)
{
	e->file[0] = '\0';
	e->line = e->col = 0;
	e->msg[0] = '\0';
}

void tt_err_set(struct tt_err *e, const char *file, uint32_t line, uint32_t col,
		const char *fmt, ...)
{
	char msg[sizeof e->msg], where[sizeof e->file];
	va_list ap;

	if (e == NULL)
		return;
	/*
	 * Escaped once here, so every way an error is shown is safe: a file
	 * name or a quoted input cannot drive the terminal or break the line.
	 * (Copies first: the arguments may point into *e.)
	 */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(where, sizeof where, "%s", file != NULL ? file : "");
	tt_esc_str(e->file, sizeof e->file, where, strlen(where), 0);
	e->line = line;
	e->col = col;
	tt_esc_str(e->msg, sizeof e->msg, msg, strlen(msg), 0);
}

void tt_err_format(const struct tt_err *e, char *out, size_t n)
{
	if (e->file[0] != '\0' && e->line > 0 && e->col > 0)
		snprintf(out, n, "%s:%u:%u: %s", e->file, e->line, e->col, e->msg);
	else if (e->file[0] != '\0' && e->line > 0)
		snprintf(out, n, "%s:%u: %s", e->file, e->line, e->msg);
	else if (e->file[0] != '\0')
		snprintf(out, n, "%s: %s", e->file, e->msg);
	else
		snprintf(out, n, "%s", e->msg);
}

/* What a path that is not a regular file is, for the error message. */
static const char *tt_file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "is a directory";
	if (S_ISFIFO(m))
		return "is a FIFO (named pipe)";
	if (S_ISCHR(m))
		return "is a character device";
	if (S_ISBLK(m))
		return "is a block device";
	if (S_ISSOCK(m))
		return "is a socket";
	return "is not a regular file";
}

/* pread p[0..n) from offset off; returns the bytes read (n unless EOF), or -1. */
static ssize_t tt_pread_all(int fd, char *p, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, p + got, n - got, off + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The second half of a big file, read by a helper thread. */
struct tt_read_half {
	int fd;
	char *p;
	size_t n;
	off_t off;
	ssize_t got;
};

static void *tt_read_half_main(void *arg)
{
	struct tt_read_half *h = arg;

	h->got = tt_pread_all(h->fd, h->p, h->n, h->off);
	return NULL;
}

/*
 * Read size bytes of fd into buf; returns the bytes read (fewer if the
 * file shrank) or -1. A big file is read in two halves at once: the
 * kernel's copy and the page faults of a fresh 200 MB buffer take a tenth
 * of a second, and two cores halve that.
 */
static ssize_t tt_read_fd(int fd, char *buf, size_t size)
{
	struct tt_read_half h;
	pthread_t thread;
	ssize_t first;

	if (size < ((size_t)32 << 20))
		return tt_pread_all(fd, buf, size, 0);
	h.fd = fd;
	h.off = (off_t)(size / 2);
	h.p = buf + size / 2;
	h.n = size - size / 2;
	if (pthread_create(&thread, NULL, tt_read_half_main, &h) != 0)
		return tt_pread_all(fd, buf, size, 0);
	first = tt_pread_all(fd, buf, size / 2, 0);
	pthread_join(thread, NULL);
	if (first < 0 || h.got < 0)
		return -1;
	if ((size_t)first < size / 2 || (size_t)h.got < h.n)
		return tt_pread_all(fd, buf, size, 0);    /* it shrank meanwhile: once more */
	return (ssize_t)size;
}

/*
 * Only regular files are read, and never more than the size fstat gave:
 * /dev/zero would grow the buffer without bound and a FIFO without a
 * writer would block for ever. O_NONBLOCK makes open() itself return at
 * once on a FIFO (it has no effect on a regular file). A file larger than
 * the machine's memory is refused before anything is allocated; bytes
 * appended while the file is read are left for the next read, as if it had
 * been opened a moment earlier.
 */
int tt_read_file(const char *path, char **data, size_t *len, struct tt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *buf;
	size_t size;
	ssize_t n;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);

	if (fd < 0) {
		tt_err_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		tt_err_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		tt_err_set(err, path, 0, 0, "cannot read: %s (expected a regular file)",
			   tt_file_kind(st.st_mode));
		close(fd);
		return -1;
	}
	if (st.st_size < 0 || (pages > 0 && page > 0 &&
			       (uint64_t)st.st_size / (uint64_t)page >= (uint64_t)pages) ||
	    (uint64_t)st.st_size >= SIZE_MAX / 2) {
		tt_err_set(err, path, 0, 0, "cannot read: the file is %.1f GB, more than this "
			   "machine's memory", (double)st.st_size / 1e9);
		close(fd);
		return -1;
	}
	size = (size_t)st.st_size;
	buf = tt_xmalloc(size + 1);
	n = tt_read_fd(fd, buf, size);
	if (n < 0) {
		tt_err_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
		free(buf);
		close(fd);
		return -1;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = (size_t)n;
	return 0;
}

/*
 * Write the parts in order, IOV_MAX at a time, resuming after short writes.
 * iov is modified (the parts already written are consumed).
 */
static int writev_all(int fd, struct iovec *iov, size_t n)
{
	while (n > 0) {
		int batch = n > IOV_MAX ? IOV_MAX : (int)n;
		ssize_t w = writev(fd, iov, batch);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0 && w > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* fsync the directory holding path, so the rename itself is durable. */
static int fsync_parent(const char *path)
{
	char *copy = tt_xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	free(copy);
	if (fd < 0)
		return -1;
	if (fsync(fd) != 0)
		rc = -1;
	close(fd);
	return rc;
}

int tt_write_file_atomic(const char *path, const void *data, size_t len, struct tt_err *err)
{
	struct iovec one = { (void *)data, len };

	return tt_write_file_atomic_iov(path, &one, 1, err);
}

int tt_write_file_atomic_iov(const char *path, struct iovec *iov, size_t n, struct tt_err *err)
{
	char *tmp;
	int fd;
	struct stat st;

	tempfile_clean_stale(path);    /* what a killed write of path left */
	tmp = tempfile_template(path);
	fd = mkstemp(tmp);

	if (fd < 0) {
		tt_err_set(err, path, 0, 0, "cannot create temporary file: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	/* Keep the permissions of the file being replaced. */
	if (stat(path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	else
		fchmod(fd, 0644);
	if (writev_all(fd, iov, n) != 0 || fsync(fd) != 0) {
		tt_err_set(err, path, 0, 0, "cannot write: %s (the original is unchanged)",
			   strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		tt_err_set(err, path, 0, 0, "cannot replace: %s (the original is unchanged)",
			   strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	if (fsync_parent(path) != 0) {
		tt_err_set(err, path, 0, 0, "written, but cannot sync its directory: %s",
			   strerror(errno));
		return -1;
	}
	return 0;
}

uint32_t tt_utf8_column(const char *line, size_t off)
{
	uint32_t col = 1;
	size_t i;

	/* Count code point starts (bytes that are not continuation bytes). */
	for (i = 0; i < off; i++) {
		if (((unsigned char)line[i] & 0xC0) != 0x80)
			col++;
	}
	return col;
}

long tt_utf8_check(const char *p, size_t n, const char **what)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if (c == 0) {
			*what = "NUL byte";
			return (long)i;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k < 0) {
			*what = "invalid UTF-8";
			return (long)i;
		}
		i += (size_t)k;
	}
	*what = NULL;
	return -1;
}

uint32_t tt_count_newlines(const char *p, size_t n)
{
	const char *end = p + n;
	uint32_t count = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		count++;
		p++;
	}
	return count;
}

double tt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

long tt_u32_find(const uint32_t *a, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i] == v)
			return (long)i;
	}
	return -1;
}
