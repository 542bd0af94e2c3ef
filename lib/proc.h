/*
 * proc.h - run a program with given standard input and output, and wait
 * for it: how the tools use gzip and zstd (libc only: no zlib).
 *
 * Contract: proc_spawn() forks; the child has in as standard input and
 * out as standard output (dup2 clears close-on-exec on them, so callers
 * open everything else O_CLOEXEC), SIGPIPE back at its default, so a
 * decompressor whose reader has gone stops, and execs argv[0] found on
 * PATH; if that fails it says so on stderr and exits 127.  The parent
 * gets the child's pid, or -1 with errno when fork failed.  proc_ok()
 * waits for the child and tells whether it exited with status 0.
 */
#ifndef CT_PROC_H
#define CT_PROC_H

#include <sys/types.h>

pid_t proc_spawn(char *const argv[], int in, int out);
int proc_ok(pid_t pid);

#endif
