#!/usr/bin/env bash
# Regenerates the committed reports of the shipped scenarios:
#   results/cup-weekday/                 the CUP-like week alone
#   results/cup-weekday-vs-more-staff/   the same week vs a variant with more operators
#   results/cup-recommendation/          CUP H1 2025 status quo vs the review's recommendation
#                                        (priority queue + 07:00 opening) and its two halves
#   results/cc-recommendation/           Contact Center H1 2025 status quo vs cross-training
#                                        and vs a blending reserve
#
# Usage:
#   results/regenerate.sh           full runs (the scenarios' own replications and seed)
#   results/regenerate.sh --quick   5 replications, no staffing search (--no-staff), into
#                                   a temporary folder deleted afterwards: CI runs this so
#                                   the command cannot rot
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
case "${1:-}" in
  "") ;;
  --quick) quick=1 ;;
  *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac

cargo build --release --locked --quiet
bin="${CARGO_TARGET_DIR:-target}/release/ccsim"

extra=()
cc_extra=(--replications 100)
if [[ $quick == 1 ]]; then
  cc_extra=()
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  extra=(--replications 5 --no-staff)
else
  out=results
fi

"$bin" report scenarios/cup-weekday.toml \
  --out "$out/cup-weekday" --quiet ${extra[@]+"${extra[@]}"}
"$bin" report scenarios/cup-weekday.toml scenarios/cup-weekday-more-staff.toml \
  --out "$out/cup-weekday-vs-more-staff" --quiet ${extra[@]+"${extra[@]}"}

"$bin" report scenarios/cup-2025h1-status-quo.toml scenarios/cup-priority-queue-open-7am.toml \
  scenarios/cup-priority-queue.toml scenarios/cup-open-7am.toml \
  --out "$out/cup-recommendation" --quiet ${extra[@]+"${extra[@]}"}

"$bin" report scenarios/cc-2025h1-status-quo.toml scenarios/cc-cross-training.toml \
  scenarios/cc-blend-reserve.toml \
  --out "$out/cc-recommendation" --quiet ${extra[@]+"${extra[@]}"} "${cc_extra[@]}"

for d in cup-weekday cup-weekday-vs-more-staff cup-recommendation cc-recommendation; do
  for f in report.md report.html; do
    test -s "$out/$d/$f" || { echo "missing $out/$d/$f" >&2; exit 1; }
  done
  grep -q "How this report was made" "$out/$d/report.md"
done
echo "reports written to $out"
