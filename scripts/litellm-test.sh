#!/usr/bin/env bash
# `milp synth`'s LLM client against a widely used OpenAI-compatible server that is not ours:
# LiteLLM's proxy (PyPI, pinned; installed once into a cached venv) started on loopback with
# recorded replies (scripts/litellm/), stopped by pid on exit, also when a check fails. Checks:
#   1. the three-phase pipeline with the retry loop (an invalid reply in phases 1 and 3), plain
#      and streamed replies, and the model as algebraic text (a product of variables sent back
#      with its line): the coconut problem's optimum 880;
#   2. a wrong API key: HTTP 401, exit 1, the key never printed;
#   3. 429 with Retry-After: retried after the wait, then solved;
#   4. 503 on every try: the retries spent, exit 1 naming HTTP 503;
#   5. a reply slower than --timeout: a read timeout, exit 1.
# When the package cannot be installed (no PyPI), prints SKIPPED with the reason and exits 0.
# MILP (default: the debug build) is the binary under test.
set -euo pipefail
cd "$(dirname "$0")/.."
milp=${MILP:-$(swift build --show-bin-path)/milp}
[ -x "$milp" ] || { echo "no milp binary at $milp (swift build first, or set MILP)" >&2; exit 1; }
version=1.108.7   # litellm[proxy] releases after it need litellm-proxy packages PyPI lacks
venv=${XDG_CACHE_HOME:-$HOME/.cache}/milpkit/litellm-$version
python=/usr/bin/python3   # Debian's, whose venv module the apt package provides

if [ ! -x "$venv/bin/litellm" ]; then
    if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
        apt-get install -y -qq python3-venv >/dev/null 2>&1 || { echo "litellm-test: SKIPPED: python3-venv is missing and apt-get install python3-venv failed"; exit 0; }
    fi
    echo "litellm-test: installing litellm[proxy]==$version into $venv (once; about a minute)"
    rm -rf "$venv"
    if ! { "$python" -m venv "$venv" && "$venv/bin/pip" install -q "litellm[proxy]==$version"; } > /tmp/litellm-install.$$.log 2>&1; then
        echo "litellm-test: SKIPPED: litellm[proxy]==$version could not be installed from PyPI: $(tail -2 /tmp/litellm-install.$$.log)"
        rm -rf "$venv" /tmp/litellm-install.$$.log
        exit 0
    fi
    rm -f /tmp/litellm-install.$$.log
fi

work=$(mktemp -d /tmp/milp-litellm-test.XXXXXX)
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "litellm-test: FAILED: $*" >&2; [ -f "$work/server.log" ] && tail -5 "$work/server.log" >&2; exit 1; }

cp scripts/litellm/* "$work/"
key=sk-milp-litellm-test
cat > "$work/problem.txt" <<'TEXT'
A coconut seller has to transport coconuts using either rickshaws or ox carts. The rickshaws can take 50 coconuts each and cost $10 per trip. The ox carts can take 30 coconuts each and cost $8 per trip. The seller has at most $200 to spend on transporting the coconuts. Due to pollution, the number of rickshaws must not exceed the number of ox carts. Formulate a LP to maximize the number of coconuts that can be transported.
TEXT
# The model's replies, as an LLM gives them: phases 1 and 3 first invalid (prose; a "$200" and a
# misspelt name), then valid after the pipeline sends the errors back.
python3 - "$work/replies.json" <<'PY'
import json, sys
variables = '{"variables": [{"name": "rickshaws", "kind": "integer"}, {"name": "ox_carts", "kind": "integer"}]}'
classes = '```json\n{"objective": 6, "constraints": [{"sentence": 4, "class": 3}, {"sentence": 5, "class": 9}]}\n```'
bad = ('{"variables": [{"name": "rickshaws"}, {"name": "ox_carts"}], "objective": {"sense": "maximize", "terms": {"rickshaws": 50, "ox_carts": 30}},'
       ' "constraints": [{"class": 3, "terms": {"rickshaw": 10, "ox_carts": 8}, "rhs": "$200"}, {"class": 9, "x": "rickshaws", "y": "ox_carts"}]}')
good = ('{"variables": [{"name": "rickshaws", "kind": "integer"}, {"name": "ox_carts", "kind": "integer"}],'
        ' "objective": {"sense": "maximize", "terms": {"rickshaws": 50, "ox_carts": 30}},'
        ' "constraints": [{"class": 3, "terms": {"rickshaws": 10, "ox_carts": 8}, "rhs": 200}, {"class": 9, "x": "rickshaws", "y": "ox_carts", "factor": 1}]}')
pipeline = [{"content": c} for c in ["Sure! The variables are rickshaws and ox carts.", variables, classes, bad, good]]
json.dump({
    "pipeline": pipeline,
    "pipeline-stream": [dict(e, chunk_size=7) for e in pipeline],
    "algebraic": [{"content": "Here is the model:\n```\nMaximize 50 r + 30 o\n10 r + 8 o <= 200\nr * o <= 4\n```"},
                  {"content": "Corrected:\n```\nMaximize 50 r + 30 o\n10 r + 8 o <= 200   (budget)\nr <= o   (pollution)\ninteger r, o\n```"}],
    "rate-limited": [{"status": 429, "message": "Rate limit reached for requests", "retry_after": 1}] + [{"content": c} for c in [variables, classes, good]],
    "down": [{"status": 503, "message": "the model is overloaded"}] * 3,
    "slow": [{"content": variables, "delay": 4}],
}, open(sys.argv[1], "w"))
PY

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
started=$SECONDS
(cd "$work" && exec env LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_TELEMETRY_DISABLED=true HOME="$work" REPLAY_FILE="$work/replies.json" REPLAY_LOG="$work/requests.log" \
    "$venv/bin/litellm" --config config.yaml --host 127.0.0.1 --port "$port" > server.log 2>&1) &
pid=$!
until curl -fs "http://127.0.0.1:$port/health/liveliness" > /dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail "the proxy exited while starting"
    ((SECONDS - started < 90)) || fail "the proxy did not answer within 90 s"
    sleep 0.2
done
echo "litellm-test: LiteLLM $version proxy (pid $pid) up on 127.0.0.1:$port in $((SECONDS - started)) s"
endpoint=http://127.0.0.1:$port/v1
synth() { MILP_LLM_API_KEY=${KEY:-$key} "$milp" synth "$work/problem.txt" --endpoint "$endpoint" "$@"; }
objective() { python3 -c 'import json, sys; o = json.load(sys.stdin); r = o["llm_replies"]; print(o["status"], "%g" % o["objective"], r["variables"], r["classification"], r["formulation"])'; }

for mode in plain stream; do
    model=pipeline; flags=()
    [ $mode = stream ] && { model=pipeline-stream; flags=(--stream); }
    out=$(synth --model $model "${flags[@]}" --json 2> "$work/err") || fail "$mode pipeline (exit $?): $(tail -3 "$work/err")"
    got=$(objective <<< "$out")
    [ "$got" = "optimal 880 2 1 2" ] || fail "$mode pipeline: expected 'optimal 880 2 1 2' (status, objective, replies per phase), got '$got'"
    modes=$(grep "^$model " "$work/requests.log" | cut -d' ' -f2 | sort | uniq -c | xargs)
    [ "$modes" = "5 $([ $mode = stream ] && echo stream || echo plain)" ] || fail "$mode pipeline: the server saw requests '$modes'"
    echo "litellm-test: 1. $mode pipeline: optimal 880, replies per phase 2/1/2 (two invalid replies sent back with their errors), $modes requests"
done

out=$(synth --model algebraic --reply-format algebraic --json 2> "$work/err") || fail "algebraic replies (exit $?): $(tail -3 "$work/err")"
got=$(python3 -c 'import json, sys; o = json.load(sys.stdin); print(o["status"], "%g" % o["objective"], o["llm_replies"]["model"])' <<< "$out")
[ "$got" = "optimal 880 2" ] || fail "algebraic replies: expected 'optimal 880 2', got '$got'"
grep -q "^algebraic plain" "$work/requests.log" || fail "algebraic replies: no request reached the proxy"
echo "litellm-test: 1. algebraic replies: optimal 880 after 2 replies (the product r * o sent back with its line)"

status=0; KEY=sk-wrong-key-9876 synth --model pipeline > /dev/null 2> "$work/err" || status=$?
[ $status = 1 ] && grep -q "HTTP 401 (check the API key)" "$work/err" && ! grep -q sk-wrong-key-9876 "$work/err" \
    || fail "wrong key: exit $status, $(cat "$work/err")"
echo "litellm-test: 2. wrong key: exit 1, $(grep -o 'HTTP 401[^:]*' "$work/err")"

started=$SECONDS
out=$(synth --model rate-limited --json -v 2> "$work/err") || fail "429 then replies (exit $?): $(tail -3 "$work/err")"
grep -q "HTTP 429.*retry 1/2 in 1 s" "$work/err" || fail "429: no retry after the server's Retry-After: $(cat "$work/err")"
[ "$(objective <<< "$out")" = "optimal 880 1 1 1" ] || fail "429: $(objective <<< "$out")"
echo "litellm-test: 3. 429 with Retry-After: 1: retried after 1 s, then solved ($((SECONDS - started)) s)"

status=0; synth --model down --retries 2 > /dev/null 2> "$work/err" || status=$?
[ $status = 1 ] && grep -q "HTTP 503" "$work/err" || fail "503 every time: exit $status, $(cat "$work/err")"
echo "litellm-test: 4. 503 on 3 tries: exit 1, $(grep -o 'HTTP 503.*overloaded' "$work/err" | head -1)"

started=$SECONDS
status=0; synth --model slow --timeout 1 --retries 0 > /dev/null 2> "$work/err" || status=$?
[ $status = 1 ] && grep -q "read timeout" "$work/err" && ((SECONDS - started < 4)) || fail "slow reply: exit $status after $((SECONDS - started)) s, $(cat "$work/err")"
echo "litellm-test: 5. a reply slower than --timeout 1: exit 1 (read timeout) after $((SECONDS - started)) s"
echo "litellm-test: passed"
