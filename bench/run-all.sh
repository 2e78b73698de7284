#!/usr/bin/env bash
# sipwake and Kamailio side by side on loopback (issue 6; docs/benchmarks.md): builds sipwake's jar and the
# harness, then runs REGISTER throughput (in memory, SQLite), call relay (rate, set-up latency), edge relay, the
# RFC 8599 wake path (sipwake + APNs double vs Kamailio tsilo) and capacity (memory, start-up with 1M bindings),
# and prints one table: sipwake's figure, Kamailio's, and the ratio sipwake/Kamailio.
#
#   bench/run-all.sh                       # everything, about 15 minutes, build included; never more than 20
#   bench/run-all.sh --smoke               # tiny loads, about a minute: checks the harness, not the servers
#   bench/run-all.sh --only register,calls # some sections: register, calls, edge, wake, capacity
#   bench/run-all.sh --profile DIR         # also record a JFR profile of each sipwake scenario into DIR
#   bench/run-all.sh --keep                # keep the logs and databases of every process (path printed at the end)
#
# Needs sipp (sip-tester), kamailio with kamailio-sqlite-modules (scripts/install-test-peers installs them).
# Everything it starts (sipwake JVMs, Kamailio, SIPp) is stopped at the end, on failure and on Ctrl-C.
# Each section has a share of the time left after the build (SIDE_BY_SIDE_MINUTES in all, default 20); a section
# that fails or runs out of time writes "failed: reason" into its rows, and the table is printed with every row.
# JAVA_HOME picks the JDK; SIPWAKE_TARGET names the build directory (default "target").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${SIPWAKE_TARGET:-target}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "==> building server/${target}/sipwake.jar and bench/${target}/wake-bench.jar" >&2
(cd "$root" && mvn -q -B -Pwake -Dsipwake.target="$target" -DskipTests -pl bench -am package)

# What is left of the whole run's time after the build: the harness plans its sections within it, less a minute
# for stopping the last section and printing; `timeout` is only the backstop.
left=$(( ${SIDE_BY_SIDE_MINUTES:-20} * 60 - SECONDS ))
budget=$(( left - 60 ))
if (( budget < 60 )); then
  echo "the build took ${SECONDS} s: no time left for the benchmark (SIDE_BY_SIDE_MINUTES=${SIDE_BY_SIDE_MINUTES:-20})" >&2
  exit 1
fi
budget_args=()
[[ " $* " == *" --smoke "* ]] || budget_args=(--budget "$budget")
exec timeout --foreground --kill-after=15 "$(( left - 15 ))" "$java" -cp "$root/bench/$target/wake-bench.jar" \
  io.sipwake.bench.compare.SideBySide --sipwake-jar "$root/server/$target/sipwake.jar" "${budget_args[@]}" "$@"
