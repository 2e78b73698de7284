#!/usr/bin/env bash
# Builds and runs WakePathBenchmark: an in-process sipwake and APNs double on loopback, N raw-TCP
# phones registered with RFC 8599 push parameters and asleep, a raw-UDP caller; reports the time
# from a woken phone's re-REGISTER to the INVITE reaching it (p50, p99, max).
#
#   bench/run-wake.sh                 # 1 call (30 rounds), 100 and 1,000 calls at once
#   bench/run-wake.sh 1,100 50        # levels, and how many rounds of the single call
#
# JAVA_HOME picks the JDK. SIPWAKE_TARGET names the build directory (default "target").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${SIPWAKE_TARGET:-target}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "==> building bench/${target}/wake-bench.jar" >&2
(cd "$root" && mvn -q -B -Pwake -Dsipwake.target="$target" -DskipTests -pl bench -am package)

echo "==> $("$java" -version 2>&1 | head -n 1); $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ)" >&2
exec timeout 600 "$java" -Xss512k -jar "$root/bench/$target/wake-bench.jar" "$@"
