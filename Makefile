# ctlog - log NAT connections from Linux conntrack, and trace them back.
# POSIX make.  `make` builds, `make check` tests, `make demo` shows.
.POSIX:
.SUFFIXES:
.SUFFIXES: .c .o

CC = cc
CFLAGS = -O2 -Wall -Wextra
CSTD = -std=c11		# kept apart, so that a user's CFLAGS keeps it
LDFLAGS =
AR = ar
ARFLAGS = rc
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
MANDIR = $(MANPREFIX)/man1
BATS = bats

# what the sources need from libc beyond C11: POSIX.1-2008; the few files
# that use a glibc or Linux extension (memrchr, tm_gmtoff, O_TMPFILE, ...)
# define _GNU_SOURCE themselves and say which
CT_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -Ilib

BIN = cmd/ctcat cmd/ctgrep cmd/ctparse cmd/ctretain cmd/ctrow cmd/cttime \
	cmd/ctverdict cmd/ctzip
SCRIPT = cmd/cttrace
MAN = cmd/ctcat.1 cmd/ctgrep.1 cmd/ctparse.1 cmd/ctretain.1 cmd/ctrow.1 \
	cmd/cttime.1 cmd/cttrace.1 cmd/ctverdict.1 cmd/ctzip.1
LIBHDR = lib/ac.h lib/acpath.h lib/bmh.h lib/chlog.h lib/cover.h lib/csv.h \
	lib/ctev.h lib/err.h lib/flow.h lib/hash.h lib/inflate.h \
	lib/logdir.h lib/logf.h lib/logread.h lib/natkey.h lib/natset.h \
	lib/otab.h lib/pair.h lib/proc.h lib/progress.h lib/query.h lib/rd.h \
	lib/span.h lib/tm.h lib/tmpfd.h lib/wr.h lib/zidx.h lib/zmark.h
LIBOBJ = lib/ac.o lib/bmh.o lib/chlog.o lib/cover.o lib/csv.o lib/ctev.o \
	lib/err.o lib/flow.o lib/inflate.o lib/logdir.o lib/logf.o \
	lib/logread.o lib/natkey.o lib/natset.o lib/otab.o lib/pair.o \
	lib/proc.o lib/progress.o lib/query.o lib/rd.o lib/tm.o lib/tmpfd.o \
	lib/wr.o lib/zidx.o lib/zmark.o
LIB = lib/libct.a

# test programs: lib/ cores against naive ones, and ctgrep with its test
# hook (CTGREP_ALGO: the search path forced), which the installed one lacks
TESTPROG = t/actest t/bmhtest t/ctgrep-algo t/inflatetest t/natsettest \
	t/otabtest t/proctest
# cttime and ctcat with lib/logread.c's test hooks (CTTIME_DEBUG: the bytes
# and blocks read; CTTIME_ZPARTS: the decompressors at once; logread.h), which
# the installed ones lack: their objects, and logread's compiled with them; in
# a directory of their own, so that they keep their names (messages) and
# a test or benchmark puts it first on PATH
HOOKPROG = t/hooks/cttime t/hooks/ctcat

all: $(BIN)

.c.o:
	$(CC) $(CSTD) $(CFLAGS) $(CT_CPPFLAGS) $(CPPFLAGS) -c -o $@ $<

$(LIBOBJ) $(BIN:=.o) $(TESTPROG:=.o): $(LIBHDR)

$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) $(ARFLAGS) $@ $(LIBOBJ)

# every tool and test program: its object and the library, one rule
$(BIN) $(TESTPROG): $(LIB)
	$(CC) $(CSTD) $(CFLAGS) $(LDFLAGS) -o $@ $@.o $(LIB)
cmd/ctcat: cmd/ctcat.o
cmd/ctgrep: cmd/ctgrep.o
cmd/ctparse: cmd/ctparse.o
cmd/ctretain: cmd/ctretain.o
cmd/ctrow: cmd/ctrow.o
cmd/cttime: cmd/cttime.o
cmd/ctverdict: cmd/ctverdict.o
cmd/ctzip: cmd/ctzip.o
t/actest: t/actest.o
t/bmhtest: t/bmhtest.o
t/inflatetest: t/inflatetest.o
t/natsettest: t/natsettest.o
t/ctgrep-algo: t/ctgrep-algo.o
t/ctgrep-algo.o: cmd/ctgrep.c $(LIBHDR)
	$(CC) $(CSTD) $(CFLAGS) $(CT_CPPFLAGS) $(CPPFLAGS) -DCT_TESTHOOKS \
		-c -o $@ cmd/ctgrep.c
t/otabtest: t/otabtest.o
t/proctest: t/proctest.o
t/hooks/logread.o: lib/logread.c $(LIBHDR)
	mkdir -p t/hooks
	$(CC) $(CSTD) $(CFLAGS) $(CT_CPPFLAGS) $(CPPFLAGS) -DCT_TESTHOOKS \
		-c -o $@ lib/logread.c
t/hooks/cttime: cmd/cttime.o t/hooks/logread.o $(LIB)
	$(CC) $(CSTD) $(CFLAGS) $(LDFLAGS) -o $@ cmd/cttime.o t/hooks/logread.o \
		$(LIB)
t/hooks/ctcat: cmd/ctcat.o t/hooks/logread.o $(LIB)
	$(CC) $(CSTD) $(CFLAGS) $(LDFLAGS) -o $@ cmd/ctcat.o t/hooks/logread.o \
		$(LIB)

# TESTS: the suites to run (default: every t/*.bats)
check: all $(TESTPROG) $(HOOKPROG)
	LC_ALL=C TZ=UTC BATS=$(BATS) sh t/run.sh $(TESTS)

# The suites of the C tools built with AddressSanitizer and
# UndefinedBehaviorSanitizer (in-tree, so the normal build is cleaned before
# and after); TESTS, when given, instead of SANITIZE_TESTS.  Left out, to
# keep CI under its time: the shell front ends' suites (cttrace, ctcompress,
# make), whose C paths the others drive, the end-to-end NAT test, which
# make check runs, t/ctzip-filter.bats (the index's filters, which the zidx
# fuzz harness reads under the sanitizers) and t/clickhouse.bats (its
# servers' ports; .ci/run runs this at the same time as make check).
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O1
SANITIZE_TESTS = t/ctcat.bats t/ctgrep.bats t/ctgrep-multi.bats \
	t/ctparse.bats t/ctparse-faults.bats t/ctparse-real.bats \
	t/cttime.bats t/cttime-batch.bats t/cttime-cover.bats \
	t/ctverdict.bats t/ctzip.bats t/faults-zip.bats t/inflate.bats \
	t/natkey.bats t/ctretain.bats t/progress.bats t/proc.bats
check-sanitize:
	$(MAKE) clean
	t="$(TESTS)"; $(MAKE) CFLAGS="-std=c11 -Wall -Wextra $(SANITIZE)" \
		LDFLAGS="$(SANITIZE)" TESTS="$${t:-$(SANITIZE_TESTS)}" check; \
		s=$$?; $(MAKE) clean; exit $$s

# libFuzzer harnesses (t/fuzz/NAME.c over lib/), each run FUZZTIME seconds
# from its seed corpus t/fuzz/corpus/NAME; findings go to t/fuzz/crash-*.
# CI runs a repeatable smoke: make fuzz FUZZFLAGS='-seed=1 -runs=300000'
FUZZCC = clang
FUZZTIME = 60
FUZZFLAGS = -max_total_time=$(FUZZTIME)
FUZZ = ctev tm csv bmh zidx ac inflate
LIBSRC = $(LIBOBJ:.o=.c)
fuzz:
	mkdir -p t/fuzz/bin
	for f in $(FUZZ); do \
		$(FUZZCC) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
		    -fno-sanitize-recover=all \
		    $(CT_CPPFLAGS) -o t/fuzz/bin/$$f t/fuzz/$$f.c $(LIBSRC) || exit 1; \
	done
	for f in $(FUZZ); do \
		mkdir -p t/fuzz/bin/corpus-$$f && \
		t/fuzz/bin/$$f $(FUZZFLAGS) -timeout=10 \
		    -artifact_prefix=t/fuzz/crash-$$f- \
		    t/fuzz/bin/corpus-$$f t/fuzz/corpus/$$f || exit 1; \
	done

demo: all
	@sh examples/demo.sh

bench: all $(HOOKPROG)
	sh t/bench/run.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)
	for f in $(BIN) $(SCRIPT); do \
		cp -f $$f $(DESTDIR)$(BINDIR)/ && \
		chmod 755 $(DESTDIR)$(BINDIR)/$${f#cmd/} || exit 1; \
	done
	for f in $(MAN); do \
		cp -f $$f $(DESTDIR)$(MANDIR)/ && \
		chmod 644 $(DESTDIR)$(MANDIR)/$${f#cmd/} || exit 1; \
	done

uninstall:
	for f in $(BIN) $(SCRIPT); do rm -f $(DESTDIR)$(BINDIR)/$${f#cmd/}; done
	for f in $(MAN); do rm -f $(DESTDIR)$(MANDIR)/$${f#cmd/}; done

clean:
	rm -f $(BIN) $(BIN:=.o) $(LIBOBJ) $(LIB) $(TESTPROG) $(TESTPROG:=.o)
	rm -rf t/hooks
	rm -rf t/fuzz/bin

.PHONY: all check check-sanitize fuzz demo bench install uninstall clean
