# ctlog - log NAT connections from Linux conntrack, and trace them back.
# POSIX make.  `make` builds, `make check` tests, `make demo` shows.
.POSIX:
.SUFFIXES:
.SUFFIXES: .c .o

CC = cc
CFLAGS = -std=c11 -O2 -Wall -Wextra
LDFLAGS =
AR = ar
ARFLAGS = rc
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
MANDIR = $(MANPREFIX)/man1
BATS = bats

# what the sources need from libc beyond C11: POSIX and glibc's
# tm_gmtoff, memrchr, memmem, getopt_long (glibc: _GNU_SOURCE)
CT_CPPFLAGS = -D_GNU_SOURCE -Ilib

BIN = cmd/ctgrep cmd/ctparse
SCRIPT =
MAN = cmd/ctgrep.1 cmd/ctparse.1
LIBHDR = lib/bmh.h lib/csv.h lib/ctev.h lib/err.h lib/rd.h lib/span.h \
	lib/tm.h lib/wr.h
LIBOBJ = lib/bmh.o lib/csv.o lib/ctev.o lib/err.o lib/rd.o lib/tm.o \
	lib/wr.o
LIB = lib/libct.a

all: $(BIN)

.c.o:
	$(CC) $(CFLAGS) $(CT_CPPFLAGS) $(CPPFLAGS) -c -o $@ $<

$(LIBOBJ) $(BIN:=.o): $(LIBHDR)

$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) $(ARFLAGS) $@ $(LIBOBJ)

cmd/ctgrep: cmd/ctgrep.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ cmd/ctgrep.o $(LIB)

cmd/ctparse: cmd/ctparse.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ cmd/ctparse.o $(LIB)

t/bmhtest: t/bmhtest.c $(LIB)
	$(CC) $(CFLAGS) $(CT_CPPFLAGS) $(CPPFLAGS) $(LDFLAGS) -o $@ t/bmhtest.c \
	    $(LIB)

check: all t/bmhtest
	LC_ALL=C TZ=UTC BATS=$(BATS) sh t/run.sh

demo: all
	@sh examples/demo.sh

bench: all
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
	rm -f $(BIN) $(BIN:=.o) $(LIBOBJ) $(LIB) t/bmhtest

.PHONY: all check demo bench install uninstall clean
