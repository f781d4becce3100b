#!/bin/sh
# The build flags must be read after `make deps` has installed the packages.
# On a fresh Debian 12, pkg-config finds nothing until deps has run; a make
# that computed its flags before that compiled without -I for fribidi and
# failed (issue 12). Here a fake pkg-config fails until a marker exists, and
# a fake deps script creates the marker, in a scratch copy of the tree.
. "$(dirname "$0")/../env.sh"
echo "1..6"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/tree/tests" "$w/bin"
cp -r "$KIOSK_TOP/Makefile" "$KIOSK_TOP/kiosk" "$w/tree/"
cp "$KIOSK_TOP/tests/deps.sh" "$w/tree/tests/"
real=$(command -v pkg-config)
cat > "$w/bin/pkg-config" <<SH
#!/bin/sh
[ -f "$w/installed" ] || exit 1
exec "$real" "\$@"
SH
cat > "$w/fake-deps.sh" <<SH
#!/bin/sh
touch "$w/installed"
SH
chmod +x "$w/bin/pkg-config" "$w/fake-deps.sh"
mk() { (cd "$w/tree" && PATH="$w/bin:$PATH" make --no-print-directory "$@") > "$w/out" 2>&1; }

# Without the packages, a plain build says what to do, not a compiler error.
mk build/obj/text.o
r=$?
[ $r -ne 0 ] && grep -q "make deps" "$w/out"
ok $? "a build without the packages stops and names make deps"
! grep -q "fribidi.h" "$w/out"
ok $? "... before any compiler error about a missing header"

# The old shape: deps and the build in one make, flags read before deps.
mk DEPS_SCRIPT="$w/fake-deps.sh" deps build/obj/text.o
ok $((! $?)) "deps and the build in one make cannot work (the fault this guards)"

rm -f "$w/installed"
mk DEPS_SCRIPT="$w/fake-deps.sh" after-deps GOAL=build/obj/text.o
r=$?
[ $r -eq 0 ] && [ -f "$w/tree/build/obj/text.o" ]
ok $? "after-deps: deps first, then a new make reads the flags and compiles text.c"

# check, demo, bench and fuzz all go through after-deps.
(cd "$w/tree" && make --no-print-directory MAKE=echo check demo bench fuzz) > "$w/out" 2>&1
[ "$(grep -c '^--no-print-directory after-deps GOAL=.*-run$' "$w/out")" -eq 4 ]
ok $? "check, demo, bench and fuzz each run deps before the make that builds"
grep -q 'GOAL=check-run' "$w/out" && grep -q 'GOAL=demo-run' "$w/out"
ok $? "... check and demo by name"
