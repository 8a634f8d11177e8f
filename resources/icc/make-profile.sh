#!/bin/sh
# Rebuild xj-newsprint-tr002.icc from the CGATS TR 002 newsprint data (see README.md).
# Needs the Debian packages argyll and icc-profiles-free.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp /usr/share/color/icc/TR002.ti3 "$work/"
cd "$work"
colprof -qm -kr -l240 -L95 \
  -D "XJ Editor newsprint (CGATS TR 002)" \
  -C "Data: ANSI CGATS/SNAP TR 002-2007, NPES. Profile: XJ Editor, Zlib" \
  -O xj-newsprint-tr002.icc TR002
cp xj-newsprint-tr002.icc "$here/"
