/* tmpfd.c - see tmpfd.h */
#define _GNU_SOURCE	/* O_TMPFILE: glibc and Linux */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tmpfd.h"
#include "wr.h"

int
tmpfd(const char *dir)
{
	char t[PATH_MAX];
	int fd;

	if (dir == NULL && ((dir = getenv("TMPDIR")) == NULL || *dir == '\0'))
		dir = "/tmp";
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
	if ((size_t)snprintf(t, sizeof(t), "%.4000s/.ct.XXXXXX", dir) >=
	    sizeof(t))
		return -1;
	if ((fd = mkstemp(t)) >= 0) {
		unlink(t);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	return fd;
}

long long
tmpfd_copy(int fd, int out)
{
	char buf[128 * 1024];
	long long n = 0;
	size_t done;
	ssize_t k;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((k = read(fd, buf, sizeof(buf))) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (writeall(out, buf, (size_t)k, &done) < 0)
			return -1;
		n += k;
	}
	return n;
}
