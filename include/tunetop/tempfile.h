/*
 * tempfile.h - the names of our own temporary files, and cleaning up the
 * ones a killed process left behind.
 *
 * Every atomic replace (tt_write_file_atomic) writes PATH.tmp.PID.XXXXXX
 * first: PID is the writing process. A save or checkpoint killed midway
 * leaves that file behind (a dataset's size, or a whole model). On the
 * next open of PATH, tempfile_clean_stale removes the files of exactly
 * that pattern whose process no longer runs (kill(PID, 0) fails with
 * ESRCH): never another live process's, never this process's own (a
 * checkpoint being written by the trainer thread), never a file of any
 * other name.
 */
#ifndef TUNETOP_TEMPFILE_H
#define TUNETOP_TEMPFILE_H

#include <stddef.h>

/* "PATH.tmp.PID.XXXXXX", a template for mkstemp (heap). */
char *tempfile_template(const char *path);
/* Remove PATH's stale temporary files (regular files only). Returns how many. */
size_t tempfile_clean_stale(const char *path);

#endif
