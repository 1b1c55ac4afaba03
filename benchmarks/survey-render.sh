#!/usr/bin/env bash
# Times the synthetic galaxy survey's rendering (GalaxySurvey.image): COUNT images (default 1000, the old unit
# test's 8 s budget), ROUNDS rounds after WARMUP renders. Prints one JSON line. SKIP_BUILD=1 reuses the jar.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
if [ -z "${SKIP_BUILD:-}" ]; then
  (cd "$ROOT" && mvn -B -q -o -DskipTests -pl benchmarks -am package)
fi
exec java -Djava.awt.headless=true -cp "$HERE/target/lumen-benchmarks.jar:$HERE/target/lib/*" \
  org.lumen.benchmarks.SurveyRender "${COUNT:-1000}" "${WARMUP:-50}" "${ROUNDS:-5}"
