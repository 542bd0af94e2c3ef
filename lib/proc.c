/* proc.c - the child processes of a tool: see proc.h */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "proc.h"

_Static_assert(sizeof(pid_t) <= sizeof(sig_atomic_t),
    "a pid must fit where a signal handler can read it whole");

/*
 * The table: an entry is free (pid 0), running, or ended (its status in
 * st, for proc_wait).  Its fields are changed only with every signal
 * blocked, so a handler (proc_kill) never sees one half written.
 */
static struct job {
	volatile sig_atomic_t pid;
	volatile sig_atomic_t ended;	/* reaped: pid may be another's */
	volatile sig_atomic_t tag;
	int st;				/* the wait status, once ended */
} tab[PROC_MAX];
static volatile sig_atomic_t ntab;	/* entries [0, ntab) may be used */

static void
block(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, old);
}

static void
unblock(const sigset_t *old)
{
	int e = errno;

	sigprocmask(SIG_SETMASK, old, NULL);
	errno = e;
}

/* find: the entry of pid, or -1 */
static int
find(pid_t pid)
{
	int i;

	for (i = 0; i < ntab; i++)
		if (tab[i].pid == pid)
			return i;
	return -1;
}

pid_t
proc_fork(unsigned tag)
{
	sigset_t old;
	pid_t pid;
	int i;

	block(&old);
	for (i = 0; i < PROC_MAX && tab[i].pid != 0; i++)
		;
	if (i == PROC_MAX) {
		unblock(&old);
		errno = EAGAIN;
		return -1;
	}
	if ((pid = fork()) == 0) {
		for (i = 0; i < ntab; i++)
			tab[i].pid = 0;
		ntab = 0;
	} else if (pid > 0) {
		tab[i].tag = (sig_atomic_t)tag;
		tab[i].ended = 0;
		tab[i].pid = pid;
		if (i >= ntab)
			ntab = i + 1;
	}
	unblock(&old);
	return pid;
}

void
proc_sigpipe(void)
{
	sigset_t pipe;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &pipe, NULL);
	signal(SIGPIPE, SIG_DFL);
}

pid_t
proc_spawn(char *const argv[], int in, int out)
{
	pid_t pid = proc_fork(PROC_PROGRAM);

	if (pid != 0)
		return pid;
	proc_sigpipe();
	if (dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
		_exit(127);
	execvp(argv[0], argv);
	warn("%s:", argv[0]);
	_exit(127);
}

/*
 * reap: pid has ended (waitid WNOWAIT said so): reap it and keep its
 * status in the table (or in *st when keep is 0, freeing its entry), in
 * one stretch with signals blocked (proc.h: proc_kill); 0 or -1
 */
static int
reap(pid_t pid, int *st, int keep)
{
	sigset_t old;
	int i, s = 1 << 8, r;	/* not reaped: as if it failed */

	block(&old);
	r = waitpid(pid, &s, 0) == pid ? 0 : -1;
	if ((i = find(pid)) >= 0) {
		tab[i].st = s;
		tab[i].ended = 1;
		if (!keep)
			tab[i].pid = 0;
	}
	unblock(&old);
	if (st != NULL)
		*st = s;
	return r;
}

int
proc_wait(pid_t pid, int *st)
{
	siginfo_t si;
	sigset_t old;
	int i = find(pid);

	if (i >= 0 && tab[i].ended) {
		*st = tab[i].st;
		block(&old);
		tab[i].pid = 0;
		unblock(&old);
		return 0;
	}
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			return -1;
	return reap(pid, st, 0);
}

int
proc_ok(pid_t pid)
{
	int st;

	return proc_wait(pid, &st) == 0 && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0;
}

pid_t
proc_next(unsigned tags, int *st)
{
	siginfo_t si;
	sigset_t old;
	pid_t pid;
	int i, any;

	for (;;) {
		for (i = 0, any = 0; i < ntab; i++) {
			if (tab[i].pid == 0 || !((unsigned)tab[i].tag & tags))
				continue;
			if (!tab[i].ended) {
				any = 1;
				continue;
			}
			*st = tab[i].st;
			pid = tab[i].pid;
			block(&old);
			tab[i].pid = 0;
			unblock(&old);
			return pid;
		}
		if (!any) {
			errno = ECHILD;
			return -1;
		}
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		reap(si.si_pid, NULL, 1);
	}
}

/* proc_kill: signal-safe: reads the table, calls kill(2) */
void
proc_kill(unsigned tags, int sig)
{
	int i;

	for (i = 0; i < ntab; i++)
		if (tab[i].pid > 0 && !tab[i].ended &&
		    ((unsigned)tab[i].tag & tags))
			kill(tab[i].pid, sig);
}
