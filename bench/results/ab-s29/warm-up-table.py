"""Prints the warm-up A/B (wu-*, wu2-*) as a table: python3 bench/results/ab-s29/warm-up-table.py"""
import glob, json, os, re

here = os.path.dirname(os.path.abspath(__file__))
print("| run | warm-up | baseline req/s | e2e p99 | e2e p50 | replies in seconds 0 · 1 · 2 · 3 | stored p99, second 0 · 1 |")
print("| --- | --- | ---: | ---: | ---: | --- | --- |")
for f in sorted(glob.glob(os.path.join(here, "wu*.json")), key=lambda f: (re.sub(r"-w?\d+-", "-", os.path.basename(f)), f)):
    name = os.path.basename(f)[:-5]
    d = json.load(open(f))
    o, t = d["openLoop"], d["openLoop"]["timeline"]
    warm = "off" if re.search(r"-w?0-", name) else "on"
    cl = d.get("closedLoop") or {}
    base = next((s.get("reqPerSec") for s in (cl.get("servers") or []) if "baseline" in str(s.get("name", ""))), None)
    base = base or (d.get("closedLoop", {}).get("baseline", {}) or {}).get("reqPerSec")
    print(f"| {name} | {warm} | {round(base) if base else '?'} | {o['e2eMs']['p99']:.0f} ms | {o['e2eMs']['p50']:.0f} ms | "
          f"{' · '.join(str(s['replies']) for s in t[:4])} | {t[0]['storedP99']} · {t[1]['storedP99']} ms |")
