#!/usr/bin/env bash
# Fuzzes the guest docker CLI's argument and JSON parsing for SECONDS (default 20):
# a host (x86_64) build of vm-image/guest/docker under AddressSanitizer and
# UndefinedBehaviorSanitizer, driven by libFuzzer when clang is installed
# (Debian: apt-get install clang), otherwise by driver.c over mutated seeds.
# Exit status 0: no crash, no sanitizer report. A crashing input is kept in
# the work directory and its path printed.
set -euo pipefail
SECS="${1:-20}"
HERE="$(cd "$(dirname "$0")" && pwd)"
SRC="$HERE/../../vm-image/guest/docker"
WORK="${TMPDIR:-/tmp}/playground-cli-fuzz"
mkdir -p "$WORK/corpus"
cp "$HERE"/corpus/* "$WORK/corpus/"
LIB=()
for f in "$SRC"/*.c; do [ "$(basename "$f")" = main.c ] || LIB+=("$f"); done
# Leaks are not bugs in a CLI that exits after one command (it never frees its JSON).
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
SAN=(-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all)
if command -v clang >/dev/null && echo 'int LLVMFuzzerTestOneInput(const char*d,long n){return 0;}' |
  clang -fsanitize=fuzzer -x c - -o "$WORK/probe" 2>/dev/null; then
  clang "${SAN[@]}" -fsanitize=fuzzer -o "$WORK/cli_fuzz" "$HERE/cli_fuzz.c" "${LIB[@]}"
  cd "$WORK"
  # close_fd_mask=3: the CLI's own messages for each bad input are dropped; libFuzzer and the sanitizers keep theirs.
  set +e
  ./cli_fuzz -max_total_time="$SECS" -max_len=4096 -timeout=5 -close_fd_mask=3 -print_final_stats=1 \
    -artifact_prefix="$WORK/" corpus > "$WORK/log" 2>&1
  rc=$?
  set -e
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done)|ERROR|SUMMARY|runtime error|artifact|Test unit written' "$WORK/log" || true
  [ "$rc" = 0 ] || tail -40 "$WORK/log"
  exit "$rc"
else
  echo "cli fuzz: clang's libFuzzer is not installed; using the mutation driver (apt-get install clang for coverage-guided fuzzing)"
  gcc "${SAN[@]}" -o "$WORK/cli_fuzz" "$HERE/cli_fuzz.c" "$HERE/driver.c" "${LIB[@]}"
  "$WORK/cli_fuzz" "$SECS" "$WORK/corpus"
fi
