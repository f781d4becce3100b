#!/bin/sh
# kiosk-grow-data (deploy/image/grow.sh) on a disk file laid out as build.sh
# lays out the image, written to a 64 GiB disk: the data partition grows to
# the disk's end in place (same start, the other partitions and the data
# untouched, the backup table moved to the end), once; a partition table
# put back to the image's (an update that wrote the first MiB) is grown
# again to the same end; nothing else is grown. No root, no image, no QEMU
# (sfdisk and mkfs.ext4 work on files); make image-check boots it for real.
. "$(dirname "$0")/../env.sh"
n=0
t() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
for c in sfdisk mkfs.ext4 debugfs e2fsck; do
	command -v "$c" >/dev/null || { echo "1..0 # SKIP no $c (fdisk, e2fsprogs)"; exit 0; }
done
b=$KIOSK_TOP/deploy/image/build.sh
grow=$KIOSK_TOP/deploy/image/grow.sh
v() { sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" "$b" | head -1; }
esp_start=$(v ESP_START) esp_mb=$(v ESP_MB) root_start=$(v ROOT_START)
root_mb=$(v ROOT_MB) data_start=$(v DATA_START) data_mb=$(v DATA_MB) disk_mb=$(v DISK_MB)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
d=$dir/disk.img

# The image's disk, as build.sh makes it (the same sfdisk lines).
truncate -s "${disk_mb}M" "$d"
sed -n '/^sfdisk -q/,/^EOF$/p' "$b" | sed '1d;$d' |
    sed "s/\\\$DISK_GUID/6b696f73-6b00-4000-8000-000000000000/;
	s/\\\$ESP_PARTUUID/6b696f73-6b00-4000-8000-000000000001/;
	s/\\\$ROOT_PARTUUID/6b696f73-6b00-4000-8000-000000000002/;
	s/\\\$DATA_PARTUUID/6b696f73-6b00-4000-8000-000000000003/;
	s/\$((ESP_START \* 2048))/$((esp_start * 2048))/; s/\$((ESP_MB \* 2048))/$((esp_mb * 2048))/;
	s/\$((ROOT_START \* 2048))/$((root_start * 2048))/; s/\$((ROOT_MB \* 2048))/$((root_mb * 2048))/;
	s/\$((DATA_START \* 2048))/$((data_start * 2048))/; s/\$((DATA_MB \* 2048))/$((data_mb * 2048))/" \
    > "$dir/layout"
sfdisk -q --no-reread --no-tell-kernel "$d" < "$dir/layout" >/dev/null 2>&1
# The data file system, with a file in it.
mkdir -p "$dir/data/data"
echo "sealed submissions stand-in" > "$dir/data/data/kiosk.db"
mkfs.ext4 -q -L kiosk-data -d "$dir/data" "$dir/data.ext4" "${data_mb}M"
dd if="$dir/data.ext4" of="$d" bs=1M seek="$data_start" conv=notrunc,sparse status=none
rm -f "$dir/data.ext4"
dd if="$d" of="$dir/table0" bs=1M count=1 status=none

parts() { sfdisk --dump "$d" 2>/dev/null | sed -n 's/^[^ ]*\([0-9]\) : start= *\([0-9]*\), size= *\([0-9]*\),.*/\1 \2 \3/p'; }
parts > "$dir/p0"
out=$(sh "$grow" "$d" 3 2>&1)
echo "$out" | grep -q "reaches the end of the disk ($data_mb MiB)" && cmp -s "$dir/p0" "$(parts > "$dir/p"; echo "$dir/p")"
t $? "on a disk the image's size, nothing to grow"

truncate -s 64G "$d"
total=$((64 * 1024 * 1024 * 2))
out=$(sh "$grow" "$d" 3 2>&1)
parts > "$dir/p1"
want3="3 $((data_start * 2048)) $((total - 33 - data_start * 2048))"
[ "$(sed -n 3p "$dir/p1")" = "$want3" ]
t $? "on a 64 GiB disk the data partition grows to the last usable sector, from the same start"
[ "$(sed -n 1,2p "$dir/p1")" = "$(sed -n 1,2p "$dir/p0")" ] &&
    sfdisk -d "$d" 2>/dev/null | grep -q 'uuid=6B696F73-6B00-4000-8000-000000000003, name="kiosk-data"'
t $? "the other partitions, the data partition's id and name unchanged"
sfdisk --verify "$d" 2>&1 | grep -q "No errors detected" &&
    ! sfdisk --dump "$d" 2>&1 | grep -q "not on the end"
t $? "the table verifies; its backup is at the disk's end"
e2fsck -fn "$d?offset=$((data_start << 20))" >/dev/null 2>&1 &&
    [ "$(debugfs -R 'cat /data/kiosk.db' "$d?offset=$((data_start << 20))" 2>/dev/null)" = "sealed submissions stand-in" ]
t $? "the data file system is untouched (e2fsck, its file)"
out=$(sh "$grow" "$d" 3 2>&1)
dd if="$d" of="$dir/table1" bs=1M count=1 status=none
parts > "$dir/p2"
echo "$out" | grep -q "reaches the end of the disk" && cmp -s "$dir/p1" "$dir/p2"
t $? "at the next boot nothing is grown again ($out)"

# An update that wrote the whole first MiB puts the image's table back: the
# data partition is 512 MiB again, its file system (grown) larger.
dd if="$dir/table0" of="$d" bs=1M conv=notrunc status=none
[ "$(parts | sed -n 3p)" = "3 $((data_start * 2048)) $((data_mb * 2048))" ]
t $? "(the image's table written back: the data partition is ${data_mb} MiB)"
sh "$grow" "$d" 3 >/dev/null 2>&1
parts > "$dir/p3"
cmp -s "$dir/p1" "$dir/p3"
t $? "it grows again to the same end"

sh "$grow" "$d" 2 2>&1 | grep -q "not the last one" && parts | cmp -s - "$dir/p1"
t $? "a partition that is not the last one is not grown"
: > "$dir/empty"; truncate -s 100M "$dir/empty"
! sh "$grow" "$dir/empty" 1 >/dev/null 2>&1
t $? "a disk without a GPT: an error, nothing written"
grep -q "^DATA_PARTUUID=$(sed -n 's/^DATA_PARTUUID=\([0-9a-f-]*\).*/\1/p' "$b")" "$grow"
t $? "kiosk-grow-data looks for the data partition build.sh makes"
echo "1..$n"
