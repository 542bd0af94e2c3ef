/*
 * proc.h - the child processes of a tool, in one table: start them (a
 * program with given standard input and output, or a fork running our own
 * code), wait for them, and stop them from a signal handler.  Every child
 * of every tool is started here (libc only: gzip and zstd are programs).
 *
 * Contract:
 * - The table is the process's own: PROC_MAX children at once, each with
 *   a tag saying what it is (enum below: the kinds the tools have), its
 *   pid, and, once it ended, its wait status until that is collected.  A
 *   process that starts children here reaps them here only (proc_wait,
 *   proc_ok, proc_next), never by waitpid(2) or wait(2): a child reaped
 *   behind the table's back would stay "running" in it.  proc_next also
 *   reaps children not in the table, and forgets them.
 * - proc_fork(tag) forks; in the child the table starts empty (its
 *   parent's children are not its own, so a cleanup there stops none of
 *   them) and 0 is returned; the parent gets the pid, or -1 with errno
 *   (fork's, or EAGAIN when the table is full).  Signals are blocked from
 *   before the fork until the child is in the table, so a handler calling
 *   proc_kill never misses it; the child gets the caller's mask back.
 * - proc_spawn() is proc_fork(PROC_PROGRAM) then, in the child, in as
 *   standard input and out as standard output (dup2 clears close-on-exec
 *   on them, so callers open everything else O_CLOEXEC), SIGPIPE at its
 *   default and unblocked, so a decompressor whose reader has gone stops,
 *   and argv[0] exec'd, found on PATH; if that fails it says so on stderr
 *   and exits 127.
 * - proc_wait(pid, &st) waits for that child (or takes the status kept
 *   when proc_next reaped it before) and removes it from the table: 0, or
 *   -1 with errno (ECHILD: not a child).  proc_ok(pid): it exited with 0.
 * - proc_next(tags, &st) waits for the next child whose tag is in tags to
 *   end (one that ended before and is not collected first), removes it
 *   and returns its pid; children of other tags that end meanwhile are
 *   reaped and keep their status for proc_wait.  -1 with ECHILD when no
 *   child of those tags is in the table.  EINTR is retried.
 * - proc_kill(tags, sig) sends sig to every child in the table with its
 *   tag in tags that has not been reaped; async-signal-safe (a handler
 *   may call it at any time): the table is only changed with signals
 *   blocked, and a child is marked ended in the same blocked stretch in
 *   which it is reaped (waitid WNOWAIT first), so a reaped pid, which the
 *   system may give to another process, is never signalled.
 * - Signal dispositions: nothing here changes them, in the caller or in a
 *   child, but SIGPIPE in an exec'd program (above) and in a forked child
 *   that calls proc_sigpipe() (logread's inflater: a decompressor too,
 *   which a reader gone must stop).  SIGPIPE is each
 *   tool's to decide in main() (ctzip ignores it; cttime, ctcat keep the
 *   default: a reader gone ends them); a forked child that writes to a
 *   pipe and must see EPIPE instead blocks SIGPIPE itself (logread.c's joiner).
 */
#ifndef CT_PROC_H
#define CT_PROC_H

#include <sys/types.h>

#define PROC_MAX 512	/* children at once: ctzip -j 256 and its pairing */

/* what a child is: bits, so that a cleanup can choose */
enum {
	PROC_PROGRAM = 1,	/* an exec'd program: proc_spawn */
	PROC_FEEDER = 2,	/* logread: the chosen blocks to a program */
	PROC_JOINER = 4,	/* logread: decompressors on parts at once */
	PROC_WORKER = 8,	/* ctzip: compresses and checks one block */
	PROC_INDEXER = 16,	/* ctzip: pairs the flows of the file */
	PROC_INFLATER = 32,	/* logread: inflates gzip blocks itself */
	PROC_ALL = ~0u
};

pid_t proc_fork(unsigned tag);
pid_t proc_spawn(char *const argv[], int in, int out);
void proc_sigpipe(void);	/* in a child: SIGPIPE default, unblocked */
int proc_wait(pid_t pid, int *st);
int proc_ok(pid_t pid);
pid_t proc_next(unsigned tags, int *st);
void proc_kill(unsigned tags, int sig);

#endif
