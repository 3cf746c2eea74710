#!/bin/sh
# bench/edit-latency.sh - key press to durable edit: how long a `label`
# command takes from the moment its command string is run (what a key
# press does) until it returns, by which time the edit is written and
# fdatasync'ed to the journal. Target (issue 5): p99 under 10 ms.
#
# A small C program (below, built against build/libtunetop.a) loads a copy
# of the demo tickets, runs N `label ID LABEL` commands through the command
# registry as a key binding would (no terminal, output discarded), timing
# each, then times bare write()+fdatasync() of a journal-sized line on the
# same file system: the floor that the storage sets.
#
# Environment: N (default 1000), EDIT_DIR (default bench/out/edit; it must
# be on the disk you care about - tmpfs makes fdatasync free).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

N=${N:-1000}
DIR=${EDIT_DIR:-$BENCH_OUT/edit}
mkdir -p "$DIR"
need cc
make --no-print-directory build/libtunetop.a >/dev/null

cat >"$DIR/edit-latency.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/journal.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void quiet(void *opaque, int is_error, const char *text)
{
	(void)opaque;
	if (is_error)
		fprintf(stderr, "%s\n", text);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, int n)
{
	double sum = 0;
	int i;

	qsort(t, (size_t)n, sizeof *t, cmp);
	for (i = 0; i < n; i++)
		sum += t[i];
	printf("%s\n  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  mean %.2f ms  (%d)\n", what,
	       t[n / 2], t[n * 9 / 10], t[n * 99 / 100], t[n - 1], sum / n, n);
}

int main(int argc, char **argv)
{
	static const char *labels[] = { "billing", "account_access", "bug_report",
					"feature_request", "cancellation", "shipping", "how_to" };
	int n = atoi(argv[2]), i, fd;
	double *t = calloc((size_t)n, sizeof *t), t0;
	struct app app;
	struct cmd_ctx ctx;
	struct tt_err err;
	char line[200], path[4096];

	app_init(&app);
	if (app_load_data(&app, argv[1], NULL, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	memset(&ctx, 0, sizeof ctx);
	ctx.app = &app;
	ctx.source = CMD_SRC_KEY;
	ctx.sink = quiet;
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof line, "label t%04d %s", i % 816 + 1, labels[i % 7]);
		t0 = now_ms();
		if (cmd_run_line(&ctx, line) != CMD_OK)
			return 1;
		t[i] = now_ms() - t0;
	}
	report("key press to durable edit (cmd_run_line \"label ID LABEL\": parse, look up, "
	       "append, fdatasync, apply)", t, n);
	printf("  journal: %s\n", journal_path(app.journal));
	app_fini(&app);

	snprintf(path, sizeof path, "%s.floor", argv[1]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	memset(line, 'x', 159);
	line[159] = '\n';
	for (i = 0; i < n; i++) {
		t0 = now_ms();
		if (write(fd, line, 160) != 160 || fdatasync(fd) != 0)
			return 1;
		t[i] = now_ms() - t0;
	}
	close(fd);
	unlink(path);
	report("the floor: write() + fdatasync() of a 160-byte line on the same file system", t, n);
	free(t);
	return 0;
}
EOF

# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude $(pkg-config --cflags jansson 2>/dev/null) \
	"$DIR/edit-latency.c" build/libtunetop.a \
	$(pkg-config --libs ncursesw readline openblas yaml-0.1 jansson libutf8proc libxxhash) \
	-lm -pthread -o "$DIR/edit-latency"

cp sessions/demo/tickets.jsonl "$DIR/tickets.jsonl"
rm -f "$DIR/tickets.jsonl.journal"
check_idle
echo "file system of $DIR: $(df -T "$DIR" | awk 'NR == 2 { print $2 " on " $1 }')"
"$DIR/edit-latency" "$DIR/tickets.jsonl" "$N" | tee "$DIR/latency.txt"
awk '/^key press/ { getline; split($0, f, " "); p99 = f[8] + 0
	printf "target p99 < 10 ms: %s\n", p99 < 10 ? "met" : "MISSED" }' "$DIR/latency.txt"
