import json,glob,sys,os
def f(x): return '∞' if x is None else (f"{x:.0f} ms" if x<1000 else f"{x/1000:.2f} s")
print("| run | baseline req/s | closed loop req/s (p99) | e2e p50 | e2e p99 | first 5 s p99 | after 5 s p99 | second 0: stored p99 · e2e p99 | second 1 e2e p99 | cores app · PostgreSQL |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for p in sorted(sum([glob.glob(a) for a in sys.argv[1:]],[]), key=os.path.getmtime):
  d=json.load(open(p)); o=d['openLoop']; tl=o['timeline']; cl=d['closedLoop']
  name=os.path.basename(p).replace('.json','')
  print(f"| {name} | {cl['baseline']['reqPerSec']:,} | {cl['app']['reqPerSec']:,} ({f(cl['app']['ackMs']['p99'])}) | {f(o['e2eMs']['p50'])} | {f(o['e2eMs']['p99'])} | {f(o['e2eColdMs']['p99'])} | {f(o['e2eWarmMs']['p99'])} | {f(tl[0].get('storedP99'))} · {f(tl[0].get('e2eP99'))} | {f(tl[1].get('e2eP99'))} | {o['cpu'].get('server',0):.2f} · {o['cpu'].get('postgres',0):.2f} |")
