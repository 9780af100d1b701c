#!/usr/bin/env bash
# `npm run test:rego`: format check, Regal lint and `opa test` (with the rule docs as data.tollgate.meta,
# exactly as the compiled bundle has them) with a coverage floor.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/install-tools.sh
opa=.tools/bin/opa
regal=.tools/bin/regal
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
meta="$work/meta"
# The compiled bundle and the capabilities file sit in policies/ but are not test data.
ignore=(--ignore wasm-capabilities.json --ignore tollgate.tar.gz)
# The batch and plan_view tests evaluate generated plans; on a busy runner they outlast opa test's default
# 5 s per test, which would fail them for the machine's load rather than for a wrong decision.
timeout=(--timeout 120s)
node --import tsx scripts/write-rule-meta.ts "$meta"

unformatted=$("$opa" fmt --list policies)
if [ -n "$unformatted" ]; then
  echo "test-rego: not formatted with opa fmt (run: $opa fmt -w policies):" >&2
  echo "$unformatted" >&2
  exit 1
fi
"$regal" lint --format pretty policies
"$opa" test "${timeout[@]}" "${ignore[@]}" policies "$meta"
"$opa" test "${timeout[@]}" "${ignore[@]}" --coverage --threshold 90 --format json policies "$meta" >"$work/coverage.json" || {
  echo "test-rego: Rego coverage is under 90%" >&2
  exit 1
}
node -e 'const c=require(process.argv[1]);console.log(`rego coverage: ${c.coverage.toFixed(1)}%`)' "$work/coverage.json"
