#!/bin/sh
# Seed corpora for the fuzz targets from the repository's sample files, plus
# any further files or folders given as arguments (bank exports):
#   fuzz/seed.sh [FILE|DIR ...]
# bank_reader inputs are a selector byte then the file (see
# huikuan::import::fuzz::bank_reader); each file is seeded read as detected,
# with GBK forced, headerless, with the user profile, and as the first
# built-in profile.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/bank_reader corpus/csv_import corpus/date_money

statements=$(find ../tests/fixtures/bank ../tests/fixtures/bad -type f; for a in "$@"; do find "$a" -type f; done)
for f in $statements; do
    for sel in 000 004 024 030 034; do # octal: 0, 4, 20, 24, 28
        { printf "\\$sel"; cat "$f"; } >"corpus/bank_reader/$sel-$(basename "$f")"
    done
done

for f in ../examples/*.csv ../tests/fixtures/*.csv ../tests/fixtures/bad/*; do
    cp "$f" "corpus/csv_import/$(basename "$f")"
done

i=0
for s in 1234.5 1,234.50 ¥1,234.50 "CNY 12" -3.10 1000000000000.00 0.01 "(12.00)" 12.00- "100.00 CR" \
    1.234,56 ０.５ "- \$7,971.39" 2176.9100000000003 2026-11-22 2026/11/22 20261122 today 2026-10 202610 \
    2023-01-02T10:00:00+08:00 2023年1月2日 02.01.2023 01/02/2023 "2 Jan 2023" "Jan 2, 2023" "10:46:49 PDT" \
    45292.75 "2020.9.6 16:59"; do
    i=$((i + 1))
    printf '%s' "$s" >"corpus/date_money/seed-$i"
done
printf '2023|01|02\000%%Y|%%m|%%d' >corpus/date_money/seed-format
