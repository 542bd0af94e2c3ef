/* tmpfd.c - see tmpfd.h */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tmpfd.h"

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
