#!/usr/bin/env python3
"""Time series of short tconv bench runs, to see how this host's state moves within minutes.

Runs `tconv bench --json --min-time SECONDS` once per (threads, filter) in turn, ROUNDS times, each in
a fresh process, and prints one line per round: the GFLOP/s of every case (microseconds per call for
the latency cases), and after each run the CPU time the whole machine spent in user, system, idle
and steal (from /proc/stat, in 1/100 s) while that run's process ran. With --jsonl FILE, it also
appends every record (with the round, the UTC time and its process's counters) to FILE.

usage: timeseries.py [--tconv BIN] [--rounds N] [--min-time S] [--jsonl FILE] THREADS:REGEX ...
  e.g. timeseries.py --rounds 20 '2:unet|dcgan_g3|conv3d.*k3' '1:unet'
"""
import argparse, json, os, subprocess, time

TOOLS = os.path.dirname(os.path.abspath(__file__))


def cpu_counters():
    with open('/proc/stat') as f:
        fields = f.readline().split()[1:]
    values = [int(v) for v in fields]
    return {'user': values[0], 'system': values[2], 'idle': values[3], 'steal': values[7] if len(values) > 7 else 0}


def main():
    ap = argparse.ArgumentParser(description='time series of short tconv bench runs')
    ap.add_argument('--tconv', default=os.path.join(TOOLS, '../../.build/release/tconv'))
    ap.add_argument('--suite', default=os.path.join(TOOLS, '../suite.json'))
    ap.add_argument('--rounds', type=int, default=20)
    ap.add_argument('--min-time', default='0.3')
    ap.add_argument('--jsonl')
    ap.add_argument('runs', nargs='+', help='THREADS:REGEX')
    args = ap.parse_args()
    runs = []
    for spec in args.runs:
        threads, _, regex = spec.partition(':')
        if not threads.isdigit() or not regex:
            ap.error(f'expected THREADS:REGEX, got {spec!r}')
        runs.append((threads, regex))
    for r in range(1, args.rounds + 1):
        parts = []
        for threads, regex in runs:
            before = cpu_counters()
            out = subprocess.run([args.tconv, 'bench', '--json', '--threads', threads, '--min-time', args.min_time,
                                  '--filter', regex, args.suite], capture_output=True, text=True).stdout
            after = cpu_counters()
            spent = {k: after[k] - before[k] for k in before}
            for line in out.splitlines():
                if not line.startswith('{'):
                    continue
                d = json.loads(line)
                if 'gflops' not in d:
                    continue
                figure = f"{d['median_s'] * 1e6:.1f} us" if d.get('kind') == 'latency' else f"{d['gflops']:.0f}"
                parts.append(f"{threads}T {d['name']} {figure}")
                if args.jsonl:
                    d.update(round=r, utc=time.strftime('%H:%M:%S', time.gmtime()), cpu=spent)
                    with open(args.jsonl, 'a') as f:
                        f.write(json.dumps(d) + '\n')
            parts.append(f"(us {spent['user']} sy {spent['system']} id {spent['idle']} st {spent['steal']})")
        print(f"{r:3d} " + ' '.join(parts), flush=True)


if __name__ == '__main__':
    main()
