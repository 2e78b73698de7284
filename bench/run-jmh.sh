#!/usr/bin/env bash
# Builds the JMH benchmarks of the SIP parser and serializer and runs them, printing JMH's results table.
#
#   bench/run-jmh.sh                      # all benchmarks, short run: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement
#   bench/run-jmh.sh -f 2 -wi 5 -i 10 ParseBenchmark   # any JMH options and benchmark regexps instead
#   bench/run-jmh.sh -h                   # JMH's own help
#
# JAVA_HOME picks the JDK (the build targets release 17 either way). SIPWAKE_TARGET names the build
# directory (default "target"), so that a benchmark build can run beside another build of the tree.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${SIPWAKE_TARGET:-target}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "==> building bench/${target}/benchmarks.jar" >&2
(cd "$root" && mvn -q -B -Pjmh -Dsipwake.target="$target" -Dmaven.test.skip=true -pl bench -am package)

jar="$root/bench/$target/benchmarks.jar"
if [ "$#" -eq 0 ]; then
  set -- -f 1 -wi 3 -w 1s -i 5 -r 1s
fi
echo "==> $("$java" -version 2>&1 | head -n 1); $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ)" >&2
exec "$java" -jar "$jar" "$@"
