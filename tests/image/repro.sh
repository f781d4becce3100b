#!/bin/sh
# make image-repro: build the kiosk image twice from this checkout's HEAD
# and compare the two files byte for byte (sha256). Each build starts from a
# fresh clone of HEAD in a folder of its own (different paths, checkout
# times and folder order), compiles the kiosk there and runs that clone's
# deploy/image/build.sh; the builds run one after the other. Uncommitted
# changes are not in either build. Needs root, like make image; not in make
# check (two builds take 10 to 20 minutes here). On a difference it says
# which partition differs and by how many bytes, and keeps both builds'
# folders for diffoscope (deploy/image/README.md "Reproducibility").
#
#   IMAGE_MIRROR, IMAGE_SECURITY, SOURCE_DATE_EPOCH as for build.sh; both
#   builds use the same ones.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
commit=$(git rev-parse HEAD)
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct)}"
export SOURCE_DATE_EPOCH
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	echo "image-repro: note: uncommitted changes are not built; both builds are of $commit"
dir=$top/build/image/repro
rm -rf "$dir"
mkdir -p "$dir" "$top/build/image/debs"
for i in 1 2; do
	start=$(date +%s)
	# Two different paths; the second is deeper and otherwise named.
	[ "$i" = 1 ] && src=$dir/1/kiosk || src=$dir/2/another/checkout-of-kiosk
	git clone -q --no-hardlinks "$top" "$src"
	git -C "$src" checkout -q "$commit"
	# The packages downloaded before are reused (apt checks them).
	mkdir -p "$src/build/image"
	ln -s "$top/build/image/debs" "$src/build/image/debs"
	make -s -C "$src" all >/dev/null
	sh "$src/deploy/image/build.sh" "$dir/$i.img"
	echo "image-repro: build $i ($src) took $(($(date +%s) - start)) s"
done
h1=$(sha256sum < "$dir/1.img" | cut -d' ' -f1)
h2=$(sha256sum < "$dir/2.img" | cut -d' ' -f1)
echo "image-repro: build 1 sha256 $h1"
echo "image-repro: build 2 sha256 $h2"
if [ "$h1" = "$h2" ]; then
	echo "image-repro: PASS: the two builds of $commit are identical (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
	rm -rf "$dir/1/kiosk/build/image/work" "$dir/2" "$dir/2.img"
	exit 0
fi
# Which bytes differ: the GPT, then each partition, as sfdisk reads them.
n=$(cmp -l -n $((2048 * 512)) "$dir/1.img" "$dir/2.img" | wc -l)
echo "image-repro: GPT (first MiB): $n bytes differ"
sfdisk -d "$dir/1.img" | sed -n 's/^[^:]*: start= *\([0-9]*\), size= *\([0-9]*\),.*name="\([^"]*\)".*/\1 \2 \3/p' |
while read -r start size name; do
	n=$(cmp -l -i $((start * 512)) -n $((size * 512)) "$dir/1.img" "$dir/2.img" | wc -l)
	echo "image-repro: partition $name: $n bytes differ"
done
echo "image-repro: FAIL: the builds differ; their folders are $dir/1/kiosk/build/image/work" \
    "and $dir/2/another/checkout-of-kiosk/build/image/work (try diffoscope on their root.ext4)"
exit 1
