#!/bin/sh
# Install the Debian packages kiosk needs that are missing. Says what it runs.
missing=""
for p in "$@"; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$s" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "make deps: installing missing Debian packages:$missing"
echo "+ $sudo apt-get update"
$sudo apt-get update -qq || exit 1
echo "+ $sudo apt-get install -y --no-install-recommends$missing"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
