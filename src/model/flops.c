/*
 * flops.c - sgemm peak, FLOPs per GPT step, MFU and run estimates (flops.h).
 *
 * The peak is measured once per thread count and kept in a small text file
 * under the user's cache directory: a 1024^3 sgemm is 2.1 GFLOP, a few
 * tens of milliseconds on two cores, but a start-up should not pay it every
 * time. A measurement taken while other work loads the machine is too low
 * (and every MFU then too high), so a cache older than six hours is
 * measured again and the larger figure kept: load only ever lowers it. The file is read strictly (a bad line is an error naming it) and
 * replaced atomically, so a half-written or hand-edited cache never gives
 * a silly peak: it is measured again.
 */
#include "tunetop/flops.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Peaks outside this range are not believed (a CPU core does 1-200 GFLOP/s). */
#define FLOPS_PEAK_MIN 0.01
#define FLOPS_PEAK_MAX 1e6
#define FLOPS_MAX_THREADS 4096
/* A cache older than this is checked again (see flops_peak). */
#define FLOPS_REFRESH_SECONDS (6 * 3600)

double flops_gpt_step(const struct gpt_config *c, uint64_t tokens)
{
	double params = (double)gpt_config_nparams(c);
	double attn = 12.0 * c->layers * (double)c->ctx * c->dim;

	return (6.0 * params + attn) * (double)tokens;
}

double flops_gpt_token(const struct gpt_config *c, uint32_t T, bool lm)
{
	double params = (double)gpt_config_nparams(c);

	if (!lm)	/* no tied output product; embeddings are lookups */
		params -= (double)c->vocab * c->dim + (double)c->ctx * c->dim;
	return 6.0 * params + 12.0 * c->layers * (double)T * c->dim;
}

double flops_mfu(double flops_per_step, double step_seconds, double peak_gflops)
{
	if (!(flops_per_step > 0) || !(step_seconds > 0) || !(peak_gflops > 0))
		return 0;
	return flops_per_step / (step_seconds * peak_gflops * 1e9);
}

double flops_estimate_seconds(double flops_per_step, uint64_t steps, double peak_gflops,
			      double mfu)
{
	if (!(flops_per_step > 0) || !(peak_gflops > 0) || !(mfu > 0) || !isfinite(mfu))
		return -1;
	return flops_per_step * (double)steps / (peak_gflops * 1e9 * mfu);
}

static double flops_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double flops_measure_peak(void)
{
	enum { N = 1024 };
	float *a = tt_xmalloc((size_t)N * N * sizeof *a);
	float *b = tt_xmalloc((size_t)N * N * sizeof *b);
	float *c = tt_xmalloc((size_t)N * N * sizeof *c);
	double best = 1e30;

	for (size_t i = 0; i < (size_t)N * N; i++) {
		a[i] = (float)(i % 7) * 0.1f;
		b[i] = (float)(i % 5) * 0.1f;
	}
	for (int r = 0; r < 5; r++) {
		double t0 = flops_now(), t;

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1.0f, a, N, b, N,
			    0.0f, c, N);
		t = flops_now() - t0;
		if (r >= 1 && t < best)
			best = t;
	}
	free(a);
	free(b);
	free(c);
	return 2.0 * N * N * N / (best * 1e9);
}

char *flops_cache_path(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (x != NULL && x[0] == '/')
		return tt_xprintf("%s/tunetop/sgemm-peak", x);
	if (home != NULL && home[0] != '\0')
		return tt_xprintf("%s/.cache/tunetop/sgemm-peak", home);
	return NULL;
}

/* One line "threads N gflops G" (no LF); 0 or -1 + err at line `ln`. */
static int flops_parse_line(const char *path, uint32_t ln, const char *line, long *threads,
			    double *gflops, struct tt_err *err)
{
	char *end;
	const char *p = line;

	if (strncmp(p, "threads ", 8) != 0) {
		tt_err_set(err, path, ln, 1, "expected 'threads N gflops G'");
		return -1;
	}
	p += 8;
	errno = 0;
	*threads = strtol(p, &end, 10);
	if (end == p || errno != 0 || *threads < 1 || *threads > FLOPS_MAX_THREADS ||
	    strncmp(end, " gflops ", 8) != 0) {
		tt_err_set(err, path, ln, (uint32_t)(p - line) + 1,
			   "expected a thread count from 1 to %d, then ' gflops G'", FLOPS_MAX_THREADS);
		return -1;
	}
	p = end + 8;
	errno = 0;
	*gflops = strtod(p, &end);
	if (end == p || errno != 0 || *end != '\0' || !(*gflops >= FLOPS_PEAK_MIN) ||
	    !(*gflops <= FLOPS_PEAK_MAX)) {
		tt_err_set(err, path, ln, (uint32_t)(p - line) + 1,
			   "expected GFLOP/s from %g to %g at the end of the line", FLOPS_PEAK_MIN,
			   FLOPS_PEAK_MAX);
		return -1;
	}
	return 0;
}

/*
 * Every line of the file, checked; found/gflops for `threads`. With `out`,
 * the other threads' lines are appended to it. 1, 0 (absent) or -1.
 */
static int flops_cache_scan(const char *path, int threads, double *gflops, struct tt_buf *out,
			    struct tt_err *err)
{
	char *data, *line, *nl;
	size_t len;
	uint32_t ln = 0;
	int found = 0;
	double mine = 0;
	struct stat st;

	if (stat(path, &st) != 0 && errno == ENOENT)
		return 0;
	if (tt_read_file(path, &data, &len, err) != 0)
		return -1;
	if (strlen(data) != len) {
		tt_err_set(err, path, 1, 1, "a NUL byte in the cache file");
		free(data);
		return -1;
	}
	for (line = data; *line != '\0'; line = nl + 1) {
		long t;
		double g;

		ln++;
		nl = strchr(line, '\n');
		if (nl == NULL) {
			tt_err_set(err, path, ln, (uint32_t)strlen(line) + 1,
				   "the last line has no end (a truncated file)");
			free(data);
			return -1;
		}
		*nl = '\0';
		if (flops_parse_line(path, ln, line, &t, &g, err) != 0) {
			free(data);
			return -1;
		}
		if (t == threads) {
			found = 1;
			mine = g;
		} else if (out != NULL) {
			tt_buf_printf(out, "threads %ld gflops %.3f\n", t, g);
		}
	}
	free(data);
	if (found)
		*gflops = mine;      /* only from a file that is good throughout */
	return found;
}

int flops_cache_read(const char *path, int threads, double *gflops, struct tt_err *err)
{
	return flops_cache_scan(path, threads, gflops, NULL, err);
}

/* mkdir -p of path's directory (the cache directory may not exist yet). */
static int flops_mkdirs(const char *path, struct tt_err *err)
{
	char *dir = tt_xstrdup(path), *p;
	int rc = 0;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			tt_err_set(err, dir, 0, 0, "cannot create the directory: %s", strerror(errno));
			rc = -1;
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

int flops_cache_write(const char *path, int threads, double gflops, struct tt_err *err)
{
	struct tt_buf buf;
	struct tt_err ignore;
	double old;
	int rc;

	if (threads < 1 || threads > FLOPS_MAX_THREADS || !(gflops >= FLOPS_PEAK_MIN) ||
	    !(gflops <= FLOPS_PEAK_MAX)) {
		tt_err_set(err, path, 0, 0, "not cached: %d threads, %g GFLOP/s", threads, gflops);
		return -1;
	}
	tt_buf_init(&buf);
	tt_err_clear(&ignore);
	/* a malformed file is replaced whole: its other lines are not trusted */
	if (flops_cache_scan(path, threads, &old, &buf, &ignore) < 0)
		tt_buf_clear(&buf);
	tt_buf_printf(&buf, "threads %d gflops %.3f\n", threads, gflops);
	rc = flops_mkdirs(path, err);
	if (rc == 0)
		rc = tt_write_file_atomic(path, buf.data, buf.len, err);
	tt_buf_fini(&buf);
	return rc;
}

/* The cache was written more than FLOPS_REFRESH_SECONDS ago. */
static bool flops_cache_stale(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && difftime(time(NULL), st.st_mtime) > FLOPS_REFRESH_SECONDS;
}

double flops_peak(char *note, size_t note_size)
{
	int threads = openblas_get_num_threads();
	char *path = flops_cache_path();
	struct tt_err err;
	double g = 0;
	int rc = 0;

	if (note_size > 0)
		note[0] = '\0';
	tt_err_clear(&err);
	if (path != NULL)
		rc = flops_cache_read(path, threads, &g, &err);
	if (rc == 1 && !flops_cache_stale(path)) {
		free(path);
		return g;
	}
	if (rc == 1) {
		/* Load only ever lowers a measurement: keep the best one seen. */
		double again = flops_measure_peak();

		if (again > g)
			g = again;
		tt_err_clear(&err);
		(void)flops_cache_write(path, threads, g, &err);   /* also renews its age */
		free(path);
		return g;
	}
	if (rc < 0 && note_size > 0) {
		char where[sizeof err.msg + sizeof err.file + 32];

		tt_err_format(&err, where, sizeof where);
		snprintf(note, note_size, "sgemm peak measured again: %s", where);
	}
	g = flops_measure_peak();
	if (path != NULL) {
		tt_err_clear(&err);
		(void)flops_cache_write(path, threads, g, &err);
	}
	free(path);
	return g;
}

double flops_peak_remeasure(double old)
{
	int threads = openblas_get_num_threads();
	char *path = flops_cache_path();
	double g = flops_measure_peak();
	struct tt_err err;

	if (g < old)
		g = old;
	if (path != NULL) {
		tt_err_clear(&err);
		(void)flops_cache_write(path, threads, g, &err);
	}
	free(path);
	return g;
}
