/*
 * tmpfd.h - an unnamed temporary file, for the output of a child that the
 * caller reads back in order later (ctzip's compressed blocks, cttime's
 * decompressed parts).
 *
 * Contract: tmpfd(dir) returns a descriptor, open O_RDWR and close-on-exec,
 * of a new file in dir (NULL: $TMPDIR, or /tmp) that has no name: it is
 * gone when closed, whatever happens to the process.  O_TMPFILE where the
 * file system has it, else mkstemp(3) and unlink(2) at once.  -1 with
 * errno on failure.
 *
 * tmpfd_copy(fd, out) copies the whole file fd, from its start, to out
 * (write(2) until done); the bytes copied, or -1 with errno.
 */
#ifndef CT_TMPFD_H
#define CT_TMPFD_H

int tmpfd(const char *dir);
long long tmpfd_copy(int fd, int out);

#endif
