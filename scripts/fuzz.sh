#!/usr/bin/env bash
# Fuzzes MILPKit's input readers with libFuzzer (the Fuzz/ package, one target per reader).
# What each target checks, and the figures of past runs: docs/fuzzing.md.
#
#   scripts/fuzz.sh TARGET [SECONDS]   TARGET: mps, lp, sol, remat-graph, npy, spec, algebraic, or
#                                      all (SECONDS split evenly, one target after the other);
#                                      SECONDS defaults to 600
#
# FUZZ_FLAGS adds libFuzzer options (e.g. FUZZ_FLAGS=-len_control=0: long inputs from the start).
# FUZZ_WORK (default /tmp/fuzz) holds one directory per target, outside the repository:
# $FUZZ_WORK/TARGET/{corpus,seeds,artifacts,last-run.log}. The corpus persists between runs.
# Each input may take at most 1 s (-timeout=1: slower is a hang) and 2 GB. libFuzzer stops at the
# first finding and leaves it in $FUZZ_WORK/TARGET/artifacts/ (crash-*, timeout-*, oom-*);
# reproduce with `$FUZZER FILE`, minimize with `$FUZZER -minimize_crash=1 -runs=20000 FILE`
# ($FUZZER: Fuzz/.build/release/FuzzMPS, FuzzLP, … as printed below).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(mps lp sol remat-graph npy spec algebraic)
usage() { echo "usage: scripts/fuzz.sh {$(IFS=,; echo "${targets[*]}"),all} [SECONDS]" >&2; exit 2; }
[ $# -ge 1 ] || usage
target=$1
seconds=${2:-600}
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || usage   # libFuzzer reads -max_total_time=0 as "no limit"
root=${FUZZ_WORK:-/tmp/fuzz}

product() {
    case $1 in
        mps) echo FuzzMPS ;; lp) echo FuzzLP ;; sol) echo FuzzSol ;; remat-graph) echo FuzzRematGraph ;;
        npy) echo FuzzNpy ;; spec) echo FuzzSpec ;; algebraic) echo FuzzAlgebraic ;; *) usage ;;
    esac
}
# Longest input per target (longer seeds are cut).
max_len() {
    case $1 in
        mps | lp | remat-graph) echo 16384 ;; spec | algebraic) echo 8192 ;; sol | npy) echo 4096 ;;
    esac
}

# -sanitize=fuzzer instruments every Swift target of the build (the library modules included) and
# links libFuzzer; -parse-as-library because the targets have no top-level code
# (Fuzz/Sources/FuzzEntry provides the entry points SwiftPM expects).
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
# Product by product: a plain `swift build` of Fuzz/ would also link the root package's `milp`
# executable with these flags, which fails.
build() {
    if [ "$1" = all ]; then
        local t
        for t in "${targets[@]}"; do build "$t"; done
        return
    fi
    local what=(--product "$(product "$1")") log status attempt
    log=$(mktemp)
    # Sources edited while the build runs make it fail ("modified during the build"): try again.
    for attempt in 1 2 3; do
        status=0
        swift build --package-path Fuzz "${flags[@]}" "${what[@]}" > "$log" 2>&1 || status=$?
        grep -E "error|warning: unre|Compiling|Build" "$log" || true
        [ "$status" -ne 0 ] && grep -q "modified during the build" "$log" || break
        sleep 10
    done
    rm "$log"
    # A failed build would leave the previous binaries in place: never fuzz those.
    [ "$status" -eq 0 ] || { echo "fuzz build failed (exit $status)" >&2; exit 1; }
}
bin=$(swift build --package-path Fuzz "${flags[@]}" --show-bin-path)

# MARK: Seeds (rewritten on every run; the corpus keeps what the fuzzer found)

seeds_mps() {
    local seeds=$1
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
}

seeds_lp() {
    local seeds=$1 fuzzer=$2 instances
    # The bundled instances written as LP by LPWriter (FuzzLP's seed mode), those within max_len.
    instances=$(mktemp -d)
    cp instances/*/*.mps.gz "$instances/"
    FUZZ_LP_SEEDS_FROM=$instances FUZZ_LP_SEEDS_TO=$seeds ASAN_OPTIONS=detect_leaks=0 "$fuzzer" | tail -1
    rm -r "$instances"
    find "$seeds" -name '*.lp' -size +16k -delete
    cat > "$seeds/snippet-sections.lp" <<'LP'
\ Problem name: sections
Maximize
 obj: 3 x + 2y - z + 4.5 ~constant
Subject To
 c1: x + y + z <= 10
 c2: x - y >= -2.5e1
 -3 <= x + 2 z <= 8
 c4: 2 x + 3 y = 6
 r5: 1 >= y
 c6: x + y - ~r_c6 = 0
Bounds
 ~constant = 1
 -1 <= ~r_c6 <= 7
 x <= 4
 y >= -inf
 -infinity <= z <= +INF
 w free
 3 >= v >= -2
General
 x
Binary
 b
Semi-continuous
 s
SOS
 s1: S1:: x:1 y:2
 S2:: z:1 w:2 v:3
End
LP
    cat > "$seeds/snippet-dialect.lp" <<'LP'
MINIMIZE
 + 2 x1 + 3x2 - - 4 x3
subject to
 x1 + x2 =< 4
 x1 + x3 => 1
 - x2 + x1 > -inf
 x3 < 5
 2 = x1 + x2
such that
 lim: x1 + x2 + x3 <= 100
bound
 x1 >= 1e30
 x2 <= -1e31
 x3 = 2
gen
 x1
integers
 x2
binaries
 x3
semis
 x1
end
LP
    cat > "$seeds/snippet-names.lp" <<'LP'
\ names with punctuation, a wrapped expression, comments
min
 cost: a!b + c"d + #e + $f + %g + &h + (i) + /j + ,k + ;l + ?m + @n + _o + `p + 'q + {r} + |s + ~t
 + énergie + x.1 + y_2
st
 s.t.: a!b
   + c"d   \ a comment inside an expression
   >= 1
bounds
 énergie <= 3
End
this is ignored
LP
    cat > "$seeds/snippet-empty-objective.lp" <<'LP'
Minimize
Subject To
 x >= 1
End
LP
    printf 'Maximize\r\n obj: x + y\r\nSubject To\r\n c: x + y <= 2\r\nBounds\r\n x <= 1\r\nEnd\r\n' > "$seeds/snippet-crlf.lp"
    printf '\xef\xbb\xbfmin\n x\nst\n x >= 1\nend\n' > "$seeds/snippet-bom.lp"
    gzip -c "$seeds/snippet-sections.lp" > "$seeds/snippet-sections.lp.gz"
}

seeds_sol() {
    local seeds=$1
    # FuzzSol reads every input for a model with columns x, y, z_1, x[2,3], α, t.5, a#1,
    # solution_rate, objective and an unnamed one (x9).
    printf '=obj= 12.5\nx 1\ny 2\nz_1 -3.25\nx[2,3] 1e-3\n\xce\xb1 7\nt.5 0.5\nx9 4\n' > "$seeds/plain.sol"
    printf '# a comment\n\nobjective value: 3\nsolution status: optimal\nx 1 (obj:1)\ny 2 # trailing\n' > "$seeds/scip.sol"
    printf '=infeas=\n' > "$seeds/infeasible.sol"
    printf '=obj= inf\r\nx\t1\r\n' > "$seeds/crlf-tabs.sol"
    printf '=obj= -0\nsolution_rate 2\nobjective 3\n' > "$seeds/header-words.sol"
}

seeds_remat_graph() {
    local seeds=$1
    cp Tests/RematTests/Fixtures/*.json "$seeds/"
    cat > "$seeds/native-int.json" <<'JSON'
{"name": "g", "nodes": [{"id": 2, "cost": 1, "size": 1, "backward": true}, {"id": 1, "cost": 0, "size": 9007199254740993}], "edges": [[1, 2]]}
JSON
    cat > "$seeds/checkmate.json" <<'JSON'
{"directed": true, "multigraph": false, "graph": {"name": "tiny"}, "nodes": [{"id": 0, "name": "in", "cost_cpu": 1, "cost_ram": 4, "backward": false}, {"id": 1, "name": "Loss", "cost_cpu": 2, "cost_ram": 1, "backward": true}], "links": [{"source": 0, "target": 1}]}
JSON
    cat > "$seeds/layered.json" <<'JSON'
{"graph": {"order": ["a", "b", "c"], "name": "l"}, "nodes": [{"name": "c", "duration": 1, "out_cost": 2}, {"name": "a", "duration": 3, "out_cost": 4}, {"name": "b", "duration": 5, "out_cost": 6}], "links": [{"0": "a", "1": "b"}, {"0": "b", "1": "c"}]}
JSON
    cat > "$seeds/cycle.json" <<'JSON'
{"nodes": [{"id": "a", "cost": 1, "size": 1}, {"id": "b", "cost": 1, "size": 1}, {"id": "c", "cost": 1, "size": 1}], "edges": [["a", "b"], ["b", "c"], ["c", "b"]]}
JSON
}

# One .npy file, version 1: npy FILE DESCR FORTRAN SHAPE PAYLOAD (PAYLOAD: printf escapes).
npy() {
    local header="{'descr': '$2', 'fortran_order': $3, 'shape': $4, }"
    while [ $(((10 + ${#header} + 1) % 64)) -ne 0 ]; do header+=" "; done
    { printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $(((${#header} + 1) % 256)))\\x$(printf %02x $(((${#header} + 1) / 256)))"
      printf '%s\n' "$header"; printf "$5"; } > "$1"
}

seeds_npy() {
    local seeds=$1
    local one='\x00\x00\x00\x00\x00\x00\xf0\x3f' two='\x00\x00\x00\x00\x00\x00\x00\x40' onef='\x00\x00\x80\x3f'
    npy "$seeds/c-2x2.npy" '<f8' False '(2, 2)' "$one$two$one$two"
    npy "$seeds/fortran-2x1x2.npy" '<f8' True '(2, 1, 2)' "$one$two$two$one"
    npy "$seeds/f4-3.npy" '<f4' False '(3,)' "$onef$onef$onef"
    npy "$seeds/native-f8.npy" '=f8' False '(1,)' "$one"
    npy "$seeds/scalar.npy" '<f8' False '()' "$one"
    npy "$seeds/big-endian.npy" '>f8' False '(1,)' "$one"
    npy "$seeds/int.npy" '<i8' False '(1,)' "$one"
    # Versions 2 and 3: a 4-byte header length.
    local header="{'descr': '<f8', 'shape': (1,), 'fortran_order': False}"
    { printf '\x93NUMPY\x02\x00'; printf "\\x$(printf %02x $((${#header} + 1)))\\x00\\x00\\x00"; printf '%s\n' "$header"; printf "$two"; } > "$seeds/v2.npy"
    { printf '\x93NUMPY\x03\x00'; printf "\\x$(printf %02x $((${#header} + 1)))\\x00\\x00\\x00"; printf '%s\n' "$header"; printf "$two"; } > "$seeds/v3.npy"
    head -c 4096 Tests/CoreShapeTests/Fixtures/digits.npy > "$seeds/digits-head.npy"
}

seeds_spec() {
    local seeds=$1
    cat > "$seeds/coconuts.json" <<'JSON'
{"name": "coconuts",
 "variables": [{"name": "rickshaws", "kind": "integer", "unit": "rickshaws", "description": "rickshaw trips"},
               {"name": "ox_carts", "description": "ox cart trips"}],
 "objective": {"sense": "maximize", "terms": {"rickshaws": 50, "ox_carts": 30}, "sentence": "maximize the number of coconuts"},
 "constraints": [
   {"class": 3, "terms": {"rickshaws": 10, "ox_carts": 8}, "rhs": 200, "sentence": "at most $200 to spend"},
   {"class": 9, "x": "rickshaws", "y": "ox_carts", "sentence": "rickshaws must not exceed ox carts"}]}
JSON
    cat > "$seeds/every-class.json" <<'JSON'
{"name": "all",
 "variables": [{"name": "trucks", "kind": "integer", "lower": 0, "upper": 100, "unit": "trucks"},
               {"name": "planes", "kind": "continuous", "lower": 1.5},
               {"name": "buses"},
               {"name": "open", "kind": "binary"},
               {"name": "bi_trucks", "kind": "binary", "indicator_of": "trucks"}],
 "objective": {"sense": "min", "terms": {"trucks": 5, "planes": "10", "buses": -1e-3}, "constant": 7, "sentence": "minimize cost"},
 "constraints": [
   {"class": 1, "var": "trucks", "rhs": 50, "name": "cap"},
   {"class": 2, "vars": ["trucks", "planes"], "rhs": 80},
   {"class": 3, "terms": {"trucks": 12, "planes": 20}, "rhs": 890, "sentence": "budget"},
   {"class": 4, "var": "buses", "fraction": 0.2},
   {"class": 5, "var": "planes", "rhs": 2},
   {"class": 6, "vars": ["buses", "planes"], "rhs": 1},
   {"class": 7, "terms": {"buses": 1}, "rhs": 1},
   {"class": 8, "var": "trucks", "fraction": 0.1, "of": ["trucks", "buses"]},
   {"class": 9, "x": "buses", "y": "planes", "factor": 2},
   {"class": 10, "if": "trucks", "then": "planes", "big_m": 1000},
   {"class": 11, "vars": ["trucks", "planes"], "big_m": 1000},
   {"class": 12, "vars": ["trucks", "buses"]},
   {"class": 13, "vars": ["trucks", "planes"], "big_m": 1000},
   {"class": "linear", "terms": {"trucks": 1, "planes": -2}, "operator": "<=", "rhs": 0},
   {"class": "Indicator", "indicator": "open", "active": 1, "terms": {"buses": 1}, "operator": ">=", "rhs": 3},
   {"class": "indicator", "indicator": "open", "active": false, "terms": {"buses": 1}, "operator": "=", "rhs": 0}]}
JSON
    cat > "$seeds/errors.json" <<'JSON'
{"variables": [{"name": "x"}, {"name": "x"}, {"name": "M"}, {"name": "ox carts", "kind": "whole"}], "objective": {"sense": "upward", "terms": {"y": 1}},
 "constraints": [{"class": 14}, {"class": 0}, {"var": "x"}, {"class": 4, "var": "x", "fraction": 40}, {"class": 1, "var": "x", "rhs": "$1,000", "limit": 5}]}
JSON
    printf '[1, 2]' > "$seeds/array.json"
}

seeds_algebraic() {
    local seeds=$1
    cat > "$seeds/transport.txt" <<'TXT'
Maximize 5*trucks + 10 planes + 3 buses
12 trucks + 20*planes + 6 buses <= 890      # budget
buses <= 20% (trucks + planes + buses)      # a proportion
bi_trucks + bi_planes <= 1                  # at most one of trucks, planes
trucks <= M * bi_trucks                     # bare M: big-M derived from bounds
planes <= M * bi_planes
TXT
    cat > "$seeds/dialect.txt" <<'TXT'
// a comment line
min: 3x + 2y   # objective
subject to
cover: -x - y <= -4
x - 2 y => -(3 - 1)
2a + 4b + 10 ≤ 1,010 + 0.5·a
a/2 <= 100
3 <= x + y <= 5
x, z >= 0
z == 1
t >= -5
integer x, y, z
continuous a, b, t
binary bi_x
var w
TXT
    cat > "$seeds/bigm.txt" <<'TXT'
max 10 big + small - 4 bi_big
big + small <= 8
big >= 2 - M * (1 - bi_big)
small >= 3 - M*bi_big
big <= M * bi_big
maximize -(-x) + 2*(y - (0 - z))
2*(x + 3*(y + z)) <= 24;
[x − y] × 2 ≥ 1e-3 - 2.5E+2
TXT
    cat > "$seeds/objective-forms.txt" <<'TXT'
maximize profit = 1.5 a + 2.25b
Minimise cost: 4 c
s.t.
c1: a + b <= 4
constraints:
end
TXT
}

# MARK: Runs

# The dictionary of a target: Fuzz/<target>.dict.
run() {
    local t=$1 secs=$2 fuzzer work
    fuzzer="$bin/$(product "$t")"
    [ -x "$fuzzer" ] || { echo "fuzz build failed: no $fuzzer" >&2; exit 1; }
    work=$root/$t
    mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
    "seeds_${t//-/_}" "$work/seeds" "$fuzzer"
    # Swift's crash handler would run inside the ASan process after a trap and trip ASan itself.
    export SWIFT_BACKTRACE=enable=no
    echo "fuzzing $t for $secs s: $fuzzer"
    # -detect_leaks=0: Swift runtime caches and the MPS reader's thread leave more mallocs than
    # frees behind many inputs, and libFuzzer then runs a full LeakSanitizer scan after each of
    # them (MPS: ~110 instead of ~1,900 executions per second). Leaks are not what we look for.
    "$fuzzer" -max_total_time="$secs" -timeout=1 -rss_limit_mb=2048 -max_len="$(max_len "$t")" -detect_leaks=0 \
      -dict="Fuzz/$t.dict" -print_final_stats=1 -artifact_prefix="$work/artifacts/" ${FUZZ_FLAGS:-} \
      "$work/corpus" "$work/seeds" 2>&1 | tee "$work/last-run.log" | grep -vE "^#[0-9]+\s+(NEW|REDUCE)" || true
    echo "$t: corpus $(ls "$work/corpus" | wc -l) files; findings: $(ls "$work/artifacts" | wc -l) in $work/artifacts"
}

if [ "$target" = all ]; then
    build all
    share=$((seconds / ${#targets[@]}))
    [ "$share" -ge 1 ] || share=1
    for t in "${targets[@]}"; do run "$t" "$share"; done
    echo "summary (last status line of each run):"
    for t in "${targets[@]}"; do
        done_line=$(grep -E '^#[0-9]+\s+DONE' "$root/$t/last-run.log" | tail -1 || true)
        printf '  %-12s %s\n' "$t" "${done_line:-no DONE line: a finding? see $root/$t/last-run.log}"
    done
else
    product "$target" > /dev/null
    build "$target"
    run "$target" "$seconds"
fi
