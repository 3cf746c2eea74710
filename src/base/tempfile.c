/*
 * tempfile.c - our temporary file names and cleaning up stale ones. See
 * tempfile.h for the pattern and why a PID is in it: a temp file is
 * removed only when the process that wrote it is gone, so two tunetops
 * saving side by side never remove each other's file midway.
 */
#include "tunetop/tempfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tunetop/util.h"

char *tempfile_template(const char *path)
{
	return tt_xprintf("%s.tmp.%ld.XXXXXX", path, (long)getpid());
}

/* The PID in "PID.XXXXXX" (what follows "NAME.tmp."), or 0 if it is not that. */
static long tempfile_pid_of(const char *rest)
{
	long pid = 0;
	const char *p = rest;
	size_t k;

	for (; *p >= '0' && *p <= '9' && pid < 100000000L; p++)
		pid = pid * 10 + (*p - '0');
	if (p == rest || *p != '.')
		return 0;
	for (k = 1; k <= 6; k++) {
		char c = p[k];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return 0;
	}
	return p[7] == '\0' ? pid : 0;
}

/* The file's writer is gone: no process has its PID (a live one of another user counts). */
static int tempfile_writer_gone(long pid)
{
	if (pid <= 0 || pid == (long)getpid())
		return 0;
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

size_t tempfile_clean_stale(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? tt_xstrdup(".") :
		    tt_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	char *prefix = tt_xprintf("%s.tmp.", slash == NULL ? path : slash + 1);
	size_t plen = strlen(prefix), removed = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		struct stat st;

		if (strncmp(e->d_name, prefix, plen) != 0 ||
		    !tempfile_writer_gone(tempfile_pid_of(e->d_name + plen)))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	free(prefix);
	return removed;
}
