/*
 * inflatetest - lib/inflate.h over a whole file: every gzip member in
 * turn, decompressed by gz_member and written to standard output, as
 * "gzip -dc FILE" does (t/inflate.bats compares the two).
 *
 *	t/inflatetest [-b count] file
 *
 * Each member is decompressed into one buffer, which is doubled while the
 * member's plain text does not fit (GZ_EFULL), so the caps tried include
 * small ones.  The buffer's first GUARD bytes are 'a's, and each member's
 * output goes after them: a decoder that let a distance reach back before
 * the member's output would read them, and not fail by chance (the tests
 * make members whose trailers expect that).  -b: decompress the file
 * count times (a benchmark), writing the plain text on the last pass
 * only.  On an error: "inflatetest: FILE: member at offset N: MESSAGE",
 * what was decompressed before it written, exit 2.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "inflate.h"

#define GUARD 32768	/* the longest distance */

/*
 * slurp: the whole file (*n bytes), mapped (no copy, no fresh pages to
 * fault in: the benchmark times the decoder, not this), or read when it
 * cannot be mapped (a pipe, an empty file)
 */
static unsigned char *
slurp(const char *name, size_t *n)
{
	unsigned char *b;
	size_t size = 1 << 20;
	struct stat st;
	ssize_t r;
	void *m;
	int fd;

	if ((fd = open(name, O_RDONLY)) < 0)
		die(EXIT_TROUBLE, "%s:", name);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
	    0)) != MAP_FAILED) {
		close(fd);
		*n = (size_t)st.st_size;
		return m;
	}
	b = xmalloc(size);
	*n = 0;
	while ((r = read(fd, b + *n, size - *n)) > 0)
		if ((*n += (size_t)r) == size)
			b = xreallocarray(b, size *= 2, 1);
	if (r < 0)
		die(EXIT_TROUBLE, "%s:", name);
	close(fd);
	return b;
}

int
main(int argc, char **argv)
{
	unsigned char *in, *buf;
	size_t n, at, used, outn, cap = 4096;
	long count = 1, pass;
	int c, r;

	err_init(argv[0]);
	while ((c = getopt(argc, argv, "b:")) != -1)
		switch (c) {
		case 'b':
			if ((count = atol(optarg)) < 1)
				die(EXIT_TROUBLE, "-b %s: not a count", optarg);
			break;
		default:
			fprintf(stderr, "usage: inflatetest [-b count] file\n");
			return EXIT_TROUBLE;
		}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: inflatetest [-b count] file\n");
		return EXIT_TROUBLE;
	}
	in = slurp(argv[optind], &n);
	buf = xmalloc(GUARD + cap);
	memset(buf, 'a', GUARD);
	for (pass = 1; pass <= count; pass++)
		for (at = 0; at < n; at += used) {
			while ((r = gz_member(in + at, n - at, &used,
			    buf + GUARD, cap, &outn)) == GZ_EFULL)
				buf = xreallocarray(buf, GUARD + (cap *= 2), 1);
			if (r != GZ_OK) {
				fflush(stdout);
				die(EXIT_TROUBLE,
				    "%s: member at offset %zu: %s",
				    argv[optind], at, gz_strerror(r));
			}
			if (pass == count && fwrite(buf + GUARD, 1, outn,
			    stdout) != outn)
				die(EXIT_TROUBLE, "writing:");
		}
	if (fflush(stdout) == EOF)
		die(EXIT_TROUBLE, "writing:");
	free(buf);
	return 0;
}
