/*
 * progress.h - one line of progress on a terminal: what is worked on,
 * percent, bytes done of all, rate and time left, redrawn in place:
 *
 *	ctzip: 2026-11-26.csv  42%  3.9 GiB/9.3 GiB  85.2 MiB/s  1:05 left
 *
 * Contract:
 * - progress_start() turns the line on only when standard error is a
 *   terminal (isatty(2)) and quiet is 0: with standard error a file or
 *   a pipe, or quiet, nothing at all is ever written.
 * - progress_set() draws the line at once the first time, then at most
 *   PROGRESS_HZ times a second (it reads the monotonic clock: call it
 *   every megabyte or so, not every line): "\r", the text (at most 79
 *   columns), then ESC [ K, which clears the rest of a longer line
 *   drawn before.
 * - progress_end() erases the line ("\r", ESC [ K): the terminal is left
 *   as it was.  While the line is shown, a message of err.h erases it
 *   first (err_hook), and the next progress_set() draws it again.
 * - progress_erase() is async-signal-safe (write(2) only): a signal
 *   handler that ends the program calls it.
 * One line per process: standard error is one.
 */
#ifndef CT_PROGRESS_H
#define CT_PROGRESS_H

#define PROGRESS_HZ 4		/* redraws a second, at most */

struct progress {
	int on;			/* a terminal, and not quiet */
	const char *what;	/* the file worked on, say */
	long long total;	/* bytes of all the work, 0: unknown */
	long long done;
	double t0, next;	/* started, next redraw (seconds) */
	int drawn;		/* drawn once */
};

void progress_start(struct progress *p, const char *what, long long total,
    int quiet);
void progress_set(struct progress *p, long long done);
void progress_end(struct progress *p);
void progress_erase(void);

#endif
