"""Prints an A/B series of bench:webhook runs as a table: python3 bench/results/ab-s30/table.py <folder>"""
import glob, json, os, re, statistics, sys

folder = sys.argv[1]
rows = []
print("| run | baseline req/s | closed loop req/s (ack p99) | e2e p99 | first 5 s p99 | after 5 s p99 | e2e p50 | second 0: stored p99 · e2e p99 | second 1: stored p99 · e2e p99 | replies in seconds 0 · 1 · 2 |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |")
files = sorted(glob.glob(os.path.join(folder, "*.json")), key=lambda f: (int(re.search(r"-(\d+)\.json$", f).group(1)), f))
for f in files:
    name = re.sub(r"^.*_", "", os.path.basename(f)[:-5])
    d = json.load(open(f))
    o, t = d["openLoop"], d["openLoop"]["timeline"]
    app, base = d["closedLoop"]["app"], d["closedLoop"]["baseline"]
    rows.append((name.split("-")[0], o["e2eMs"]["p99"], o["e2eColdMs"]["p99"], t[0]["storedP99"]))
    print(f"| {name} | {base['reqPerSec']:,} | {app['reqPerSec']:,} ({app['ackMs']['p99']:.1f} ms) | {o['e2eMs']['p99']:.0f} ms | "
          f"{o['e2eColdMs']['p99']:.0f} ms | {o['e2eWarmMs']['p99']:.1f} ms | {o['e2eMs']['p50']:.1f} ms | "
          f"{t[0]['storedP99']} · {t[0]['e2eP99']} ms | {t[1]['storedP99']} · {t[1]['e2eP99']} ms | "
          f"{' · '.join(str(s['replies']) for s in t[:3])} |")
print()
for arm in sorted({r[0] for r in rows}):
    sel = [r for r in rows if r[0] == arm]
    print(f"- `{arm}` ({len(sel)} runs): median e2e p99 {statistics.median(r[1] for r in sel):.0f} ms, "
          f"median first-5-s p99 {statistics.median(r[2] for r in sel):.0f} ms, "
          f"median second-0 stored p99 {statistics.median(r[3] for r in sel):.0f} ms")
