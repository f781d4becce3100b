# kiosk: a privacy-first intake kiosk. See README.md.
#
#   make            build build/kiosk and its helpers build/kiosk-print, build/kiosk-speak
#   make demo       run the kiosk full-screen on a throwaway demo set-up
#   make check      build everything and run every test (normal + ASan/UBSan)
#   make asan       sanitizer build in build-asan/
#   make bench      performance figures beside their references
#   make fuzz       run the fuzz harnesses for longer
#   make i18n       regenerate locales/kiosk.pot and merge the PO files
#   make deps       install missing Debian 12 packages (apt-get, as root or via sudo)
#   make fresh-check prove `make check` passes on a fresh Debian 12 (debootstrap; root)
#
# check, demo, bench and fuzz first run `deps`, then build in a second make:
# the package flags below come from pkg-config when a make reads this file,
# so the make that builds must start after the packages are installed.
#   make install    install under $(DESTDIR)$(PREFIX)

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
DATADIR	?= $(PREFIX)/share/kiosk
LOCALEDIR ?= $(PREFIX)/share/locale
MANDIR	?= $(PREFIX)/share/man

CC	?= cc
# The kiosk links only KIOSK_PKGS; cairo, pango, qrencode and CUPS are
# linked by the print helper kiosk-print alone (see kiosk/printer.h), and
# espeak-ng by the speech helper kiosk-speak alone (see kiosk/speech.h).
KIOSK_PKGS = ncursesw sqlite3 libsodium inih fribidi libutf8proc xlsxwriter
PRINT_PKGS = cairo pangocairo libqrencode
SPEAK_PKGS = espeak-ng
PKG_CFLAGS := $(shell pkg-config --cflags $(KIOSK_PKGS) $(PRINT_PKGS) 2>/dev/null | sed 's/-D_XOPEN_SOURCE=600//; s/-D_DEFAULT_SOURCE//')
PKG_LIBS   := $(shell pkg-config --libs $(KIOSK_PKGS) 2>/dev/null) -lm
PRINT_LIBS := $(shell pkg-config --libs $(PRINT_PKGS) 2>/dev/null) $(shell cups-config --libs 2>/dev/null) -lm
SPEAK_LIBS := $(shell pkg-config --libs $(SPEAK_PKGS) 2>/dev/null)

WARN	 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-unused-parameter -Wformat=2 -Wvla
DEFS	 = -D_GNU_SOURCE -DLOCALEDIR='"$(LOCALEDIR)"' -DDATADIR='"$(DATADIR)"' \
	   -DBINDIR='"$(BINDIR)"'
CFLAGS	?= -O2 -g
# -ffile-prefix-map: the checkout's path is not in the binaries' debug
# information, so the image is the same whichever folder builds it.
ALL_CFLAGS = -std=c11 $(WARN) $(DEFS) -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	     -fno-strict-aliasing -ffile-prefix-map=$(CURDIR)=. $(PKG_CFLAGS) $(CFLAGS)
ASAN_CFLAGS = -std=c11 $(WARN) $(DEFS) -O1 -g -fno-omit-frame-pointer \
	     -fsanitize=address,undefined -fno-sanitize-recover=undefined $(PKG_CFLAGS)

# kiosk-print: the ticket (cairo, pango, qrencode), CUPS, util, and the
# request's wire format (printer-request.c, and the framing and process
# plumbing both helpers share, helper-*.c: the kiosk links them too).
HELPER_SRCS := kiosk/helper-wire.c kiosk/helper-proc.c
PRINT_ONLY := kiosk/print-main.c kiosk/print.c kiosk/ticket.c kiosk/chart.c
PSRCS	 := $(PRINT_ONLY) kiosk/printer-request.c $(HELPER_SRCS) kiosk/util.c
# kiosk-speak: espeak-ng, util, and the speech protocol (speech-request.c
# and helper-*.c, which the kiosk links too).
SPEAK_ONLY := kiosk/speak-main.c
SSRCS	 := $(SPEAK_ONLY) kiosk/speech-request.c $(HELPER_SRCS) kiosk/util.c
SRCS	 := $(filter-out $(PRINT_ONLY) $(SPEAK_ONLY),$(sort $(wildcard kiosk/*.c)))
LIB_SRCS := $(filter-out kiosk/main.c,$(SRCS))
OBJS	 := $(SRCS:kiosk/%.c=build/obj/%.o)
LIB_OBJS := $(LIB_SRCS:kiosk/%.c=build/obj/%.o)
POBJS	 := $(PSRCS:kiosk/%.c=build/obj/%.o)
SOBJS	 := $(SSRCS:kiosk/%.c=build/obj/%.o)
ASOBJS	 := $(SSRCS:kiosk/%.c=build-asan/obj/%.o)
TICKET_OBJS := build/obj/ticket.o build/obj/util.o
AOBJS	 := $(SRCS:kiosk/%.c=build-asan/obj/%.o)
ALIB_OBJS := $(LIB_SRCS:kiosk/%.c=build-asan/obj/%.o)
APOBJS	 := $(PSRCS:kiosk/%.c=build-asan/obj/%.o)
ATICKET_OBJS := build-asan/obj/ticket.o build-asan/obj/util.o
UNIT_SRCS := $(sort $(wildcard tests/unit/t_*.c))
UNITS	 := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)
AUNITS	 := $(UNIT_SRCS:tests/unit/%.c=build-asan/tests/%)
PO	 := $(sort $(wildcard locales/*.po))
MO	 := $(PO:locales/%.po=build/locale/%/LC_MESSAGES/kiosk.mo)
AMO	 := $(PO:locales/%.po=build-asan/locale/%/LC_MESSAGES/kiosk.mo)

# Debian 12 packages: build, run, and test. See README "Dependencies".
DEB_PKGS = build-essential pkg-config libncurses-dev libsqlite3-dev libsodium-dev \
	   libcups2-dev libinih-dev libcairo2-dev libpango1.0-dev libqrencode-dev \
	   libfribidi-dev libutf8proc-dev gettext locales fonts-noto-core \
	   tmux poppler-utils cups-daemon cups-client perl clang valgrind gdb \
	   libclang-rt-14-dev llvm-14 dialog sqlite3 python3 time \
	   libespeak-ng-dev alsa-utils sox python3-nacl python3-openpyxl \
	   libxlsxwriter-dev

.PHONY: all asan check demo bench fuzz i18n deps install clean units mo \
	after-deps check-run demo-run bench-run fuzz-run pkgcheck fresh-check

all: build/kiosk build/kiosk-print build/kiosk-speak mo build/kiosk.1

# Says what is missing instead of failing inside a compiler on a missing header.
pkgcheck:
	@pkg-config --exists $(KIOSK_PKGS) $(PRINT_PKGS) $(SPEAK_PKGS) && command -v cups-config >/dev/null || \
	  { echo "Missing build packages: run 'make deps' (or 'make check' / 'make demo'," \
	    "which run it first)." >&2; exit 1; }

# kiosk(1) is generated from the same text as `kiosk help`.
build/kiosk.1: build/kiosk
	@echo "  MAN     $@"
	@build/kiosk help --man > $@

mo: $(MO)

build/kiosk: $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(PKG_LIBS) $(LDFLAGS)

build/kiosk-print: $(POBJS)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(POBJS) $(PRINT_LIBS) $(LDFLAGS)

build/kiosk-speak: $(SOBJS)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(SOBJS) $(SPEAK_LIBS) $(LDFLAGS)

build/obj/%.o: kiosk/%.c kiosk/*.h | build/obj pkgcheck
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# fixture.o: the unit tests' private kiosk (tests/unit/fixture.h).
build/tests/%: tests/unit/%.c build/tests/fixture.o $(LIB_OBJS) tests/tap.h | build/tests
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -Ikiosk -o $@ $< build/tests/fixture.o $(LIB_OBJS) $(PKG_LIBS)

build/tests/fixture.o: tests/unit/fixture.c tests/unit/fixture.h kiosk/*.h | build/tests pkgcheck
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -Ikiosk -c -o $@ $<

# The ticket's unit test links the print side, not the kiosk.
build/tests/t_ticket: tests/unit/t_ticket.c $(TICKET_OBJS) tests/tap.h | build/tests
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -Ikiosk -o $@ $< $(TICKET_OBJS) $(PRINT_LIBS)

# t_qtype_hole links its own question-type table (one row taken out) in
# place of qtype.o.
build/tests/t_qtype_hole: tests/unit/t_qtype_hole.c kiosk/qtype.c \
    $(filter-out build/obj/qtype.o,$(LIB_OBJS)) tests/tap.h | build/tests
	@echo "  CCLD    $@"
	@$(CC) $(ALL_CFLAGS) -Ikiosk -o $@ $< \
	    $(filter-out build/obj/qtype.o,$(LIB_OBJS)) $(PKG_LIBS)

build/locale/%/LC_MESSAGES/kiosk.mo: locales/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

build/obj build/tests build-asan/obj build-asan/tests:
	mkdir -p $@

asan: build-asan/kiosk build-asan/kiosk-print build-asan/kiosk-speak $(AUNITS) $(AMO)

build-asan/kiosk: $(AOBJS)
	@echo "  LD      $@"
	@$(CC) $(ASAN_CFLAGS) -o $@ $(AOBJS) $(PKG_LIBS)

build-asan/kiosk-print: $(APOBJS)
	@echo "  LD      $@"
	@$(CC) $(ASAN_CFLAGS) -o $@ $(APOBJS) $(PRINT_LIBS)

build-asan/kiosk-speak: $(ASOBJS)
	@echo "  LD      $@"
	@$(CC) $(ASAN_CFLAGS) -o $@ $(ASOBJS) $(SPEAK_LIBS)

build-asan/obj/%.o: kiosk/%.c kiosk/*.h | build-asan/obj pkgcheck
	@echo "  CC-ASAN $<"
	@$(CC) $(ASAN_CFLAGS) -c -o $@ $<

build-asan/tests/%: tests/unit/%.c build-asan/tests/fixture.o $(ALIB_OBJS) tests/tap.h | build-asan/tests
	@echo "  CCLD    $@"
	@$(CC) $(ASAN_CFLAGS) -Ikiosk -o $@ $< build-asan/tests/fixture.o $(ALIB_OBJS) $(PKG_LIBS)

build-asan/tests/fixture.o: tests/unit/fixture.c tests/unit/fixture.h kiosk/*.h | build-asan/tests pkgcheck
	@echo "  CC-ASAN $<"
	@$(CC) $(ASAN_CFLAGS) -Ikiosk -c -o $@ $<

build-asan/tests/t_ticket: tests/unit/t_ticket.c $(ATICKET_OBJS) tests/tap.h | build-asan/tests
	@echo "  CCLD    $@"
	@$(CC) $(ASAN_CFLAGS) -Ikiosk -o $@ $< $(ATICKET_OBJS) $(PRINT_LIBS)

build-asan/tests/t_qtype_hole: tests/unit/t_qtype_hole.c kiosk/qtype.c \
    $(filter-out build-asan/obj/qtype.o,$(ALIB_OBJS)) tests/tap.h | build-asan/tests
	@echo "  CCLD    $@"
	@$(CC) $(ASAN_CFLAGS) -Ikiosk -o $@ $< \
	    $(filter-out build-asan/obj/qtype.o,$(ALIB_OBJS)) $(PKG_LIBS)

build-asan/locale/%/LC_MESSAGES/kiosk.mo: locales/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

units: $(UNITS)

# DEPS_SCRIPT is replaced by tests/build/deps-order.t to prove the ordering.
DEPS_SCRIPT ?= tests/deps.sh
deps:
	@sh $(DEPS_SCRIPT) $(DEB_PKGS)

# `make after-deps GOAL=x`: install the packages, then make x in a new make,
# which reads the pkg-config flags afresh.
after-deps: deps
	@$(MAKE) --no-print-directory $(GOAL)

check:
	@$(MAKE) --no-print-directory after-deps GOAL=check-run
check-run: all units asan
	@sh tests/run.sh

demo:
	@$(MAKE) --no-print-directory after-deps GOAL=demo-run
demo-run: all
	@sh tests/demo.sh

bench:
	@$(MAKE) --no-print-directory after-deps GOAL=bench-run
bench-run: all
	@sh tests/bench/run.sh

fuzz:
	@$(MAKE) --no-print-directory after-deps GOAL=fuzz-run
fuzz-run:
	@sh tests/fuzz/run.sh 300

# On Debian 12 as root: a debootstrap'd minimal bookworm with only make and
# git added runs `make check` once on a clean clone, and must pass.
fresh-check:
	@sh tests/fresh/fresh-check.sh

i18n:
	@sh locales/update.sh

SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
	     -e 's|@LOCALEDIR@|$(LOCALEDIR)|g'

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/forms \
	    $(DESTDIR)$(DATADIR)/printers $(DESTDIR)$(DATADIR)/deploy \
	    $(DESTDIR)$(MANDIR)/man1
	install -m 0755 build/kiosk $(DESTDIR)$(BINDIR)/kiosk
	install -m 0755 build/kiosk-print $(DESTDIR)$(BINDIR)/kiosk-print
	install -m 0755 build/kiosk-speak $(DESTDIR)$(BINDIR)/kiosk-speak
	install -m 0644 build/kiosk.1 $(DESTDIR)$(MANDIR)/man1/kiosk.1
	install -m 0644 forms/*.csv $(DESTDIR)$(DATADIR)/forms/
	install -m 0644 printers/*.profile $(DESTDIR)$(DATADIR)/printers/
	for f in deploy/*; do [ -f $$f ] || continue; \
	  $(SUBST) $$f > $(DESTDIR)$(DATADIR)/$$f && chmod 0644 $(DESTDIR)$(DATADIR)/$$f; \
	done
	for mo in $(MO); do l=$${mo#build/locale/}; l=$${l%%/*}; \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
	  install -m 0644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kiosk.mo; done

clean:
	rm -rf build build-asan

# The kiosk appliance (deploy/image/README.md): a bootable x86-64 disk image
# of Debian 12 with this checkout installed, and its check in QEMU. As root.
# Not part of make check: see README "Install on a mini PC" for the times.
# IMAGE_PKGS are what building and checking the image need on this machine;
# what goes into the image is listed in deploy/image/packages.
IMAGE_PKGS = mmdebstrap e2fsprogs dosfstools mtools fdisk qemu-system-x86 ovmf git
IMAGE	 = build/image/kiosk.img

.PHONY: image image-run image-check image-repro

image:
	@sh $(DEPS_SCRIPT) $(DEB_PKGS) $(IMAGE_PKGS)
	@$(MAKE) --no-print-directory image-run
image-run: all
	@sh deploy/image/build.sh $(IMAGE)

image-check: image
	@prove -e sh -v tests/image/run.sh

# Two builds of the image from HEAD must be byte-identical (each compiles
# the kiosk in a fresh clone of its own: tests/image/repro.sh).
image-repro:
	@sh $(DEPS_SCRIPT) $(DEB_PKGS) $(IMAGE_PKGS)
	@sh tests/image/repro.sh
