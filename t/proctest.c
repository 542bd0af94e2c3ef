/*
 * proctest - lib/proc.h's job table: tags choose whom proc_kill stops and
 * proc_next waits for, a status reaped early is kept for proc_wait, a
 * forked child has an empty table, a spawned program gets SIGPIPE back
 * at its default and unblocked, nothing here changes the caller's
 * dispositions.
 *
 *	t/proctest
 *
 * Prints one line per check that failed and "N checks, N failed"; exits
 * 1 on a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

static int checks, failed;

static void
check(int ok, const char *what)
{
	checks++;
	if (!ok) {
		failed++;
		printf("failed: %s\n", what);
	}
}

/* waiter: a child of tag that reads a byte from the pipe p, then exits st */
static pid_t
waiter(unsigned tag, int p[2], int st)
{
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		return -1;
	if ((pid = proc_fork(tag)) == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 ? st : 99);
	}
	close(p[0]);
	return pid;
}

int
main(void)
{
	int pw2[2], pp[2], pk[2], st, e;
	siginfo_t si;
	pid_t w1, w2, pr, k, z, got;
	struct sigaction sa;
	sigset_t pipe_, mask;
	char *yes[] = { "yes", NULL }, *f[] = { "false", NULL },
	    *t[] = { "true", NULL };

	/* the caller ignores SIGPIPE and blocks it: the programs must not */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&pipe_);
	sigaddset(&pipe_, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_, NULL);

	if ((w1 = proc_fork(PROC_WORKER)) == 0) {
		struct timespec ts = { 0, 300000000 };

		nanosleep(&ts, NULL);	/* the indexer ends meanwhile */
		_exit(0);
	}
	w2 = waiter(PROC_WORKER, pw2, 0);
	pr = waiter(PROC_INDEXER, pp, 3);
	check(w1 > 0 && w2 > 0 && pr > 0, "proc_fork");

	/* the indexer ends first; waiting for workers keeps its status */
	(void)!write(pp[1], "x", 1);
	got = proc_next(PROC_WORKER, &st);
	check(got == w1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "proc_next gives the worker that ended");
	errno = 0;
	check(waitid(P_PID, (id_t)pr, &si, WEXITED | WNOHANG | WNOWAIT) < 0 &&
	    errno == ECHILD, "proc_next reaped the indexer meanwhile");

	/* a cleanup of the workers stops w2, not a indexer */
	k = waiter(PROC_INDEXER, pk, 7);
	proc_kill(PROC_WORKER, SIGTERM);
	got = proc_next(PROC_WORKER, &st);
	check(got == w2 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	    "proc_kill stops the workers");
	errno = 0;
	check(proc_next(PROC_WORKER, &st) == -1 && errno == ECHILD,
	    "proc_next: no worker left");
	check(proc_wait(pr, &st) == 0 && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 3, "the status reaped early is kept");
	(void)!write(pk[1], "x", 1);
	check(proc_wait(k, &st) == 0 && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 7, "proc_kill(workers) left the indexer");

	/* a child's table is empty: its proc_kill stops no sibling */
	k = waiter(PROC_WORKER, pk, 0);
	if ((z = proc_fork(PROC_JOINER)) == 0) {
		proc_kill(PROC_ALL, SIGKILL);
		errno = 0;
		_exit(proc_next(PROC_ALL, &st) == -1 && errno == ECHILD ? 0 : 1);
	}
	check(proc_ok(z), "a forked child starts with an empty table");
	(void)!write(pk[1], "x", 1);
	check(proc_ok(k), "a child's proc_kill left its sibling");

	/* programs: exit status; SIGPIPE at its default in them */
	check(proc_ok(proc_spawn(t, 0, 1)), "proc_spawn true");
	check(!proc_ok(proc_spawn(f, 0, 1)), "proc_spawn false");
	if (pipe(pk) == 0) {
		fcntl(pk[0], F_SETFD, FD_CLOEXEC);	/* not yes's own */
		z = proc_spawn(yes, 0, pk[1]);
		close(pk[1]);
		close(pk[0]);	/* yes then writes to a pipe no one reads */
		check(proc_wait(z, &st) == 0 && WIFSIGNALED(st) &&
		    WTERMSIG(st) == SIGPIPE, "SIGPIPE kills a program");
	}

	/* the caller's disposition and mask are as it left them */
	sigaction(SIGPIPE, NULL, &sa);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	check(sa.sa_handler == SIG_IGN && sigismember(&mask, SIGPIPE) == 1,
	    "the caller's SIGPIPE is untouched");
	e = failed;
	printf("%d checks, %d failed\n", checks, e);
	return e > 0;
}
