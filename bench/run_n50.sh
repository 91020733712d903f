#!/usr/bin/env bash
# Issue 11 goal "50-node graphs of any degree: each proven optimal in <= 5 s".
# Synthetic 50-node graphs (seeds 1-8, max in-degree 2 / 4 / 8), 4 and 6
# stages, default objective and default engine (solver.engine auto), 30 s
# limit; wall time of the whole process by GNU time. Writes
# bench/results/exact_n50.csv; ~3 minutes; not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > /dev/null
BIN="${BIN:-build/respect-opt}"
OUT="${OUT:-bench/out/n50}"
CSV="${CSV:-bench/results/exact_n50.csv}"
mkdir -p "$OUT"
echo "degree,seed,stages,status,objective,wall_s" > "$CSV"
for d in 2 4 8; do
  for s in 1 2 3 4 5 6 7 8; do
    for k in 4 6; do
      dir="$OUT/d$d.s$s.k$k"
      rm -rf "$dir" && mkdir -p "$dir"
      /usr/bin/time -f "%e" -o "$dir/time" "$BIN" --task schedule --model synthetic \
        --synthetic.nodes 50 --synthetic.max_in_degree "$d" --synthetic.seed "$s" --stages "$k" \
        --methods exact --solver.time_limit_s 30 --output.dir "$dir" > "$dir/log" 2>&1 || true
      python3 - "$dir" "$d" "$s" "$k" "$(tail -1 "$dir/time")" >> "$CSV" <<'PY'
import glob, json, sys
d, deg, seed, k, wall = sys.argv[1:]
f = glob.glob(d + "/*.exact.schedule.json")
j = json.load(open(f[0])) if f else {}
print(f"{deg},{seed},{k},{j.get('status', 'error')},{j.get('objective', '')},{wall}")
PY
    done
  done
done
python3 - "$CSV" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for d in sorted({r["degree"] for r in rows}, key=int):
    w = sorted(float(r["wall_s"]) for r in rows if r["degree"] == d)
    opt = sum(r["status"] == "optimal" for r in rows if r["degree"] == d)
    ok = sum(float(r["wall_s"]) <= 5 and r["status"] == "optimal" for r in rows if r["degree"] == d)
    print(f"max in-degree {d}: {opt}/{len(w)} optimal, {ok} within 5 s; wall median {w[len(w)//2]:.2f} s, max {w[-1]:.2f} s")
PY
