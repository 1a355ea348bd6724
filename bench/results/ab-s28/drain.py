"""Per run: the closed loop (workers on) and the workers' drain after it, with CPU per event. Usage: drain.py <glob>"""
import glob, json, sys
print("| run | closed loop req/s | ack p99 | workers alone events/s | drain: backlog left | server ms/event | PostgreSQL ms/event | machine cores |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for f in sorted(glob.glob(sys.argv[1])):
    d = json.load(open(f)); c = d["closedLoop"]; app = c["app"] if "app" in c else c
    w = d["workerDrain"]; ev = w["inboundProcessedPerSec"]; cpu = w["cpu"]
    left = w["backlogAfter"].get("inbound_pending", 0)
    print(f"| {f.split('/')[-1][:-5]} | {app['reqPerSec']:,.0f} | {app['ackMs']['p99']:.0f} ms | {ev:,.0f} | {left:,} | {cpu['server']/ev*1000:.3f} | {cpu['postgres']/ev*1000:.3f} | {cpu['machine']:.2f} |")
