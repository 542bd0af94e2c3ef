/* progress.c - see progress.h */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "progress.h"

#define WIDTH 79		/* columns, at most */
#define ERASE "\r\033[K"

static volatile sig_atomic_t shown;	/* a line is on the terminal */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_erase(void)
{
	if (shown) {
		shown = 0;
		(void)!write(STDERR_FILENO, ERASE, sizeof(ERASE) - 1);
	}
}

void
progress_start(struct progress *p, const char *what, long long total,
    int quiet)
{
	memset(p, 0, sizeof(*p));
	p->on = !quiet && isatty(STDERR_FILENO);
	p->what = what;
	p->total = total > 0 ? total : 0;
	if (p->on) {
		p->t0 = p->next = now();
		err_hook(progress_erase);
	}
}

/* bytes: n in B, KiB, MiB, GiB or TiB, one decimal past bytes */
static void
bytes(char *b, size_t size, double n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	int u = -1;

	if (n < 1024) {
		snprintf(b, size, "%.0f B", n);
		return;
	}
	while (n >= 1024 && u < 3) {
		n /= 1024;
		u++;
	}
	snprintf(b, size, "%.1f %s", n, unit[u]);
}

/* left: seconds as m:ss or h:mm:ss */
static void
left(char *b, size_t size, double s)
{
	long t = s > 359999 ? 359999 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(b, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(b, size, "%ld:%02ld", t / 60, t % 60);
}

void
progress_set(struct progress *p, long long done)
{
	char line[512], tail[256], d[32], all[32], r[32], l[32];
	double t, el, rate;
	int n, room;

	if (!p->on)
		return;
	p->done = done;
	if ((t = now()) < p->next && p->drawn)
		return;
	p->next = t + 1.0 / PROGRESS_HZ;
	p->drawn = 1;
	el = t - p->t0;
	rate = el > 0.05 ? (double)done / el : 0;
	bytes(d, sizeof(d), (double)done);
	if (rate > 0)
		bytes(r, sizeof(r), rate);
	if (p->total > 0) {
		bytes(all, sizeof(all), (double)p->total);
		if (rate > 0)
			left(l, sizeof(l), (double)(p->total - (done <
			    p->total ? done : p->total)) / rate);
		snprintf(tail, sizeof(tail), "%3d%%  %s/%s  %s%s  %s%s",
		    (int)(done >= p->total ? 100 : done * 100 / p->total), d,
		    all, rate > 0 ? r : "-", rate > 0 ? "/s" : "",
		    rate > 0 ? l : "", rate > 0 ? " left" : "");
	} else
		snprintf(tail, sizeof(tail), "%s  %s%s", d, rate > 0 ? r : "-",
		    rate > 0 ? "/s" : "");
	/* the name shortened from its start: its end says most */
	room = WIDTH - (int)strlen(err_prog()) - 4 - (int)strlen(tail);
	n = (int)strlen(p->what);
	if (room < 4)
		room = 4;
	n = snprintf(line, sizeof(line), "\r%s: %s%.*s  %s\033[K", err_prog(),
	    n > room ? "..." : "", n > room ? room - 3 : n, p->what +
	    (n > room ? n - room + 3 : 0), tail);
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1);
	shown = 1;
}

void
progress_end(struct progress *p)
{
	if (p->on) {
		progress_erase();
		err_hook(NULL);
		p->on = 0;
	}
}
