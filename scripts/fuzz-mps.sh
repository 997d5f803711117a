#!/usr/bin/env bash
# Fuzzes the MPS reader with libFuzzer (Fuzz/: MPSReader.parse on every input, and write → read
# round trips of what parses). Results and the figures to record: docs/fuzzing.md.
#
#   scripts/fuzz-mps.sh [SECONDS]        default 600; FUZZ_WORK (default /tmp/fuzz-mps) holds the
#                                        corpus, seeds and findings, outside the repository
#
# Seeds: the bundled instances (decompressed; one kept gzipped for the gzip path) and dialect
# snippets. Each input may take at most 1 s (-timeout=1: slower is a hang) and 2 GB. libFuzzer
# stops at the first finding and leaves it in $FUZZ_WORK/artifacts/ (crash-*, timeout-*, oom-*);
# reproduce with `$FUZZER FILE`, minimize with `$FUZZER -minimize_crash=1 -runs=10000 FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
work=${FUZZ_WORK:-/tmp/fuzz-mps}
mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"

# -sanitize=fuzzer instruments every Swift target of the build (MILPFormats included) and links
# libFuzzer; -parse-as-library because the target has no top-level code (Fuzz/Sources/FuzzEntry
# provides the entry point SwiftPM expects).
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
swift build --package-path Fuzz "${flags[@]}" --product FuzzMPS 2>&1 | grep -E "error|warning: unre|Compiling|Build" || true
fuzzer="$(swift build --package-path Fuzz "${flags[@]}" --show-bin-path)/FuzzMPS"
[ -x "$fuzzer" ] || { echo "fuzz build failed" >&2; exit 1; }

seeds=$work/seeds
for f in instances/*/*.mps.gz; do gunzip -c "$f" > "$seeds/$(basename "$f" .gz)"; done
cp instances/netlib/afiro.mps.gz "$seeds/afiro.mps.gz"
cat > "$seeds/snippet-sections.mps" <<'MPS'
NAME t
OBJSENSE
    MAX
ROWS
 N obj
 L c
 G d
 E e
COLUMNS
    MARKER 'MARKER' 'INTORG'
 x obj 1 c 1
 x d 2
    MARKER 'MARKER' 'INTEND'
 y obj -1 e 3
RHS
 RHS c 4 d 1
 RHS obj 2.5
RANGES
 RNG c 2 e -1
BOUNDS
 UP BND x 4
 LO BND y -1e30
ENDATA
MPS
cat > "$seeds/snippet-bounds-sos.mps" <<'MPS'
NAME t
OBJSENSE MAXIMIZE
OBJNAME
    second
ROWS
 N first
 N second
 L c
COLUMNS
 x first 1 second 3
 x c 1
 y c 1
RHS
    c 4
BOUNDS
 BV BND x
 LI BND y -4
 UI BND y 9
 SC BND x 12
 MI BND y
 PL BND y
SOS
 S2 SOS s1
    s1 x 1
    s1 y 2
ENDATA
MPS
cat > "$seeds/snippet-fixed.mps" <<'MPS'
NAME          FIXED
ROWS
 N  COST
 L  LIM 1
COLUMNS
    DEDO3 11  COST                2.   LIM 1               1.
    DEDO3 12  LIM 1               3.
RHS
              LIM 1               9.
BOUNDS
 UP BND       DEDO3 11            4.
 FR BND       DEDO3 12
ENDATA
MPS
printf '* comment\r\nNAME\tt\r\n\r\nROWS\r\n N\tobj\r\n L\tc\r\nCOLUMNS\r\n\tx\tobj\t1\tc\t2\r\nRHS\r\n\tRHS\tc\t4 $ trailing\r\nENDATA\r\n' > "$seeds/snippet-crlf-tabs.mps"
gzip -c "$seeds/snippet-bounds-sos.mps" > "$seeds/snippet-bounds-sos.mps.gz"

# Swift's crash handler would run inside the ASan process after a trap and trip ASan itself.
export SWIFT_BACKTRACE=enable=no
echo "fuzzing for $seconds s: $fuzzer"
"$fuzzer" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -max_len=16384 \
  -dict=Fuzz/mps.dict -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
  "$work/corpus" "$seeds" 2>&1 | tee "$work/last-run.log" | grep -vE "^#[0-9]+\s+(NEW|REDUCE)" || true
echo "corpus: $(ls "$work/corpus" | wc -l) files; findings: $(ls "$work/artifacts" | wc -l) in $work/artifacts"
