import json,sys,glob,statistics as st
f=sorted(glob.glob(sys.argv[1]))[-1]
rows=[json.loads(l) for l in open(f) if l.strip()]
R=[r for r in rows if r[0]=='r' and r[1]>=0]
B=[r for r in rows if r[0]=='b']
# open loop requests: i from 0..N-1 (reference has different prefix? take all)
t0=min(r[3]-r[1] for r in R if r[1]>=100)
R=[r for r in R if r[3]>t0-50]
def pct(a,p):
    a=sorted(a); 
    return a[min(len(a)-1,int(p*len(a)))] if a else float('nan')
print("requests",len(R),"batches",len(B))
buckets={}
for r in R:
    _,i,conn,req,body,a0,a1,s0,done=r
    sched=t0+i
    k=int(i//200)  # 200 ms buckets
    b=buckets.setdefault(k,dict(n=0,new=0,acc=[],req=[],body=[],acct=[],pre=[],store=[],total=[]))
    b['n']+=1
    if conn>sched-2: b['new']+=1; b['acc'].append(req-max(conn,sched) if False else conn-sched)
    b['req'].append(req-sched)
    b['body'].append(body-req)
    if a0 and a1: b['acct'].append(a1-a0)
    if s0 and a1: b['pre'].append(s0-a1)
    if s0: b['store'].append(done-s0)
    b['total'].append(done-sched)
print("bucket(200ms) n newconn | p50/p99 ms: accepted-sched | req-sched | body-req | acct lookup | parse..store | store | done-sched")
for k in sorted(buckets)[:20]:
    b=buckets[k]
    f2=lambda a: f"{pct(a,.5):6.1f}/{pct(a,.99):6.1f}"
    print(f"{k*0.2:4.1f}s {b['n']:4d} {b['new']:4d} | {f2(b['acc'])} | {f2(b['req'])} | {f2(b['body'])} | {f2(b['acct'])} | {f2(b['pre'])} | {f2(b['store'])} | {f2(b['total'])}")
# batches in first 3 s
print("batches: start-t0(ms), rows, duration ms")
for b in B:
    if b[2]-t0<3000 and b[2]>t0-50: pass
bb=[(b[2]-t0,b[1],b[3]-b[2]) for b in B if -50<b[2]-t0<3000]
import collections
agg=collections.defaultdict(lambda:[0,0,[]])
for s,n,d in bb:
    k=int(s//200); agg[k][0]+=1; agg[k][1]+=n; agg[k][2].append(d)
for k in sorted(agg):
    c,n,ds=agg[k]; print(f"{k*0.2:4.1f}s batches {c:3d} rows {n:4d} dur p50 {pct(ds,.5):6.1f} max {max(ds):6.1f}")
