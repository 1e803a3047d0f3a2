#!/usr/bin/env python3
"""Side-by-side table: tconv (median over rounds and before/after runs) vs each peer (median over
rounds), this machine. Prints markdown.

usage: analyze.py DIR[,DIR...] [PEAK_1T PEAK_2T]   (DIR: a folder of paired.py's tconv-r*.jsonl and
peers-r*.json, and cores-r*.jsonl where paired.py recorded the core probe; several folders,
comma-separated, are pooled as one run of all their rounds). Runs whose records say the host took
CPU time from the VM (steal_cores above 0.05) are listed at the end."""
import json, glob, statistics, math, sys, os
TOOLS = os.path.dirname(os.path.abspath(__file__))
suite = json.load(open(os.path.join(TOOLS, '../suite.json')))
folders = [os.path.abspath(d) for d in sys.argv[1].split(',')]
cases = suite['cases']
peak = {1: float(sys.argv[2]) if len(sys.argv) > 2 else 112.0, 2: float(sys.argv[3]) if len(sys.argv) > 3 else 223.0}
T = {}   # (name, dtype, threads) -> list of records
for path in sorted(p for d in folders for p in glob.glob(os.path.join(d, 'tconv-r*.jsonl'))):
    for line in open(path):
        d = json.loads(line)
        T.setdefault((d['name'], d['dtype'], d['threads']), []).append(d)
P = {}   # (name, peer, threads) -> list of slots
peer_rounds = {}   # (name, round) -> {peer: 2-thread median seconds}, for the core probe's table
rounds = sorted(p for d in folders for p in glob.glob(os.path.join(d, 'peers-r*.json')))
versions = {}
for path in rounds:
    data = json.load(open(path))
    r = int(os.path.basename(path)[len('peers-r'):-len('.json')])
    versions.update(data.get('meta', {}).get('versions', {}))
    for name, e in data['cases'].items():
        for peer, byT in e.get('peers', {}).items():
            for t, slot in byT.items():
                if 'median_s' in slot:
                    P.setdefault((name, peer, int(t)), []).append(slot)
                    if t == '2': peer_rounds.setdefault((name, r), {})[peer] = slot['median_s']
med = statistics.median
def tconv_value(c, dtype, t):
    recs = T.get((c['name'], dtype, t), [])
    if not recs: return None, None, None, 0
    if c['kind'] == 'latency':
        return med(r['median_s'] for r in recs) * 1e6, None, max(r['foreign_cores'] for r in recs), len(recs)
    return (med(r['gflops'] for r in recs), med(r['flops'] / r['cpu_median_s'] / 1e9 for r in recs),
            max(r['foreign_cores'] for r in recs), len(recs))
def peer_value(c, peer, t):
    slots = P.get((c['name'], peer, t), [])
    if not slots: return None, None
    if c['kind'] == 'latency':
        return med(s['median_s'] for s in slots) * 1e6, slots[0].get('best')
    return med(c['flops'] / s['median_s'] / 1e9 for s in slots), slots[0].get('best')
peers = ['tf', 'torch', 'jax']
out = []
geo = {1: [], 2: []}
f64r = {1: [], 2: []}
rows = {}
for t in (2, 1):
    out.append(f"\n### {t} thread{'s' if t > 1 else ''} (float32; throughput cases in GFLOP/s = suite flops / median wall time, latency cases in µs per call)\n")
    out.append("| case | tconv | tconv flops / CPU time (1T) | tf | torch | jax | best peer | tconv / best | f64/f32 (tconv) |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for c in cases:
        v, cpu, foreign, n = tconv_value(c, 'float32', t)
        v64, _, _, _ = tconv_value(c, 'float64', t)
        pv = {p: peer_value(c, p, t) for p in peers}
        lat = c['kind'] == 'latency'
        have = {p: x[0] for p, x in pv.items() if x[0] is not None}
        if lat:
            best = min(have, key=have.get) if have else None
            ratio = have[best] / v if best and v else None
        else:
            best = max(have, key=have.get) if have else None
            ratio = v / have[best] if best and v else None
            if ratio: geo[t].append(ratio)
            if v and v64: f64r[t].append((c['name'], v64 / v))
        fmt = (lambda x: f"{x:.1f} µs") if lat else (lambda x: f"{x:.1f}")
        cell = lambda p: (fmt(pv[p][0]) + (f" ({pv[p][1]})" if pv[p][1] else "")) if pv[p][0] is not None else "-"
        out.append(f"| {c['name']} | {fmt(v) if v else '-'} | {f'{cpu:.1f}' if (cpu and t == 1) else '-'} | {cell('tf')} | {cell('torch')} | {cell('jax')} | "
                   f"{best or '-'} | {f'{ratio:.2f}x' if ratio else '-'} | {f'{v64 / v:.2f}' if (v64 and v and not lat) else '-'} |")
        rows[(c['name'], t)] = (v, ratio)
    if geo[t]:
        g = math.exp(sum(math.log(x) for x in geo[t]) / len(geo[t]))
        out.append(f"\ngeometric mean of tconv / best peer over {len(geo[t])} throughput cases, {t}T: **{g:.2f}x**; "
                   f"cases below the best peer: {sum(1 for x in geo[t] if x < 1)}")
    if f64r[t]:
        out.append(f"float64/float32 (tconv, {t}T): min {min(x for _, x in f64r[t]):.2f}, median {med(x for _, x in f64r[t]):.2f}; "
                   f"below 0.45: {', '.join(n for n, x in f64r[t] if x < 0.45) or 'none'}")
gemm = ['dcgan_g2', 'dcgan_g3', 'unet_up', 'atrous_r2', 'atrous_r4', 'conv3d_1x16c64_to_32c32_k3s2', 's1_']
out.append("\n### GEMM-friendly cases, share of the measured FMA peak (" + f"{peak[1]:.0f} GFLOP/s 1T, {peak[2]:.0f} 2T)\n")
out.append("| case | 2T GFLOP/s | % of peak 2T | 1T GFLOP/s | % of peak 1T |")
out.append("|---|---|---|---|---|")
for c in cases:
    if not any(c['name'].startswith(g) for g in gemm): continue
    v2 = rows[(c['name'], 2)][0]; v1 = rows[(c['name'], 1)][0]
    out.append(f"| {c['name']} | {v2:.1f} | {100 * v2 / peak[2]:.0f} % | {v1:.1f} | {100 * v1 / peak[1]:.0f} % |")
# The core probe (cores-r*.jsonl, from paired.py since the eighth run): each 2-thread float32 run
# of tconv and each peer's 2-thread slot, sorted by the probe taken just before it.
probes = {}   # (round, case, tag) -> median round trip, ns
for path in sorted(p for d in folders for p in glob.glob(os.path.join(d, 'cores-r*.jsonl'))):
    for line in open(path):
        d = json.loads(line)
        if 'median_ns' in d: probes[(d['round'], d['case'], d['tag'])] = d['median_ns']
if probes:
    near = lambda ns: ns < 150
    out.append("\n### 2 threads by the core probe just before (round trip < 150 ns: the vCPUs shared an L3)\n")
    out.append("| case | tconv, shared L3 | tconv, no shared L3 | best peer, shared L3 | best peer, no shared L3 |")
    out.append("|---|---|---|---|---|")
    for c in cases:
        if c['kind'] == 'latency': continue
        groups = {True: [], False: []}
        for rec in T.get((c['name'], 'float32', 2), []):
            ns = probes.get((rec.get('round'), c['name'], rec.get('tag')))
            if ns is not None: groups[near(ns)].append(rec['gflops'])
        peer_groups = {True: [], False: []}
        for (name, r), times in peer_rounds.items():
            ns = probes.get((r, name, 'peers'))
            if name == c['name'] and ns is not None: peer_groups[near(ns)].append(c['flops'] / min(times.values()) / 1e9)
        cell = lambda xs: f"{med(xs):.1f} ({len(xs)})" if xs else "-"
        out.append(f"| {c['name']} | {cell(groups[True])} | {cell(groups[False])} | {cell(peer_groups[True])} | {cell(peer_groups[False])} |")
    out.append("\n(GFLOP/s, median, with the number of runs in brackets.)")
robbed = [d for recs in T.values() for d in recs if d.get('steal_cores', 0) > 0.05]
if robbed:
    # Records from tconv builds that report steal time (4a3c73e on): runs the host took CPU from.
    out.append("\n### tconv runs during which the host took more than 5 % of a core from this VM (steal)\n")
    out.append("| case | threads | dtype | round | tag | GFLOP/s | steal (cores) |")
    out.append("|---|---|---|---|---|---|---|")
    for d in sorted(robbed, key=lambda d: (d.get('round', 0), d['name'], -d['threads'], d['dtype'])):
        out.append(f"| {d['name']} | {d['threads']} | {d['dtype']} | {d.get('round', '-')} | {d.get('tag', '-')} | "
                   f"{d['gflops']:.1f} | {d['steal_cores']:.2f} |")
out.append(f"\npeer versions: {versions}; tconv records: {sum(len(v) for v in T.values())}; peer rounds: {len(rounds)}")
print("\n".join(out))
