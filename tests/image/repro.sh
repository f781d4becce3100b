#!/bin/sh
# make image-repro: build the kiosk image twice from this checkout, one build
# after the other, and compare the two files byte for byte (sha256). Needs
# root, like make image; not in make check (two builds take 8 to 20 minutes
# here). On a difference it says which partition differs and by how many
# bytes, and keeps both builds' folders for diffoscope (deploy/image/README.md
# "Reproducibility").
#
#   IMAGE_MIRROR, IMAGE_SECURITY, SOURCE_DATE_EPOCH as for build.sh; both
#   builds use the same ones.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
: "${SOURCE_DATE_EPOCH:=$(git log -1 --format=%ct 2>/dev/null || echo 1700000000)}"
export SOURCE_DATE_EPOCH
dir=build/image
for i in 1 2; do
	start=$(date +%s)
	sh deploy/image/build.sh "$dir/repro-$i.img"
	echo "image-repro: build $i took $(($(date +%s) - start)) s"
	rm -rf "$dir/work-$i"
	mv "$dir/work" "$dir/work-$i"
done
h1=$(sha256sum < "$dir/repro-1.img" | cut -d' ' -f1)
h2=$(sha256sum < "$dir/repro-2.img" | cut -d' ' -f1)
echo "image-repro: build 1 sha256 $h1"
echo "image-repro: build 2 sha256 $h2"
if [ "$h1" = "$h2" ]; then
	echo "image-repro: PASS: the two builds are identical (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
	rm -rf "$dir/work-1" "$dir/work-2" "$dir/repro-2.img"
	exit 0
fi
# Which bytes differ: the GPT, then each partition, as sfdisk reads them.
sfdisk -d "$dir/repro-1.img" | sed -n 's/^[^:]*: start= *\([0-9]*\), size= *\([0-9]*\),.*name="\([^"]*\)".*/\1 \2 \3/p' |
while read -r start size name; do
	n=$(cmp -l -i $((start * 512)) -n $((size * 512)) "$dir/repro-1.img" "$dir/repro-2.img" | wc -l)
	echo "image-repro: partition $name: $n bytes differ"
done
n=$(cmp -l -n $((2048 * 512)) "$dir/repro-1.img" "$dir/repro-2.img" | wc -l)
echo "image-repro: GPT (first MiB): $n bytes differ"
echo "image-repro: FAIL: the builds differ; their folders are in $dir/work-1 and $dir/work-2" \
    "(try: diffoscope $dir/work-1/root.ext4 $dir/work-2/root.ext4)"
exit 1
