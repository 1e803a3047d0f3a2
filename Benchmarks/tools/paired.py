#!/usr/bin/env python3
"""Paired measurement: per case, tconv (2T, 1T, float32 and float64), then the peers (2T and 1T),
then tconv float32 again; repeated for several rounds. Every timing window is checked for foreign
CPU load (tconv --max-foreign, peers.py --max-foreign) and retried when others used the CPU.
Before tconv's runs, before the peers and after them, `tconv bench --cores` measures for half a
second how long a cache line takes between the two vCPUs' cores (cores-rN.jsonl): about 60 ns when
they share an L3 and about 330 ns when they do not, on this project's machine.

usage: paired.py DIR [ROUNDS [FIRST_ROUND]]   (writes its records and log into the folder DIR)"""
import json, subprocess, sys, time, os
TOOLS = os.path.dirname(os.path.abspath(__file__))
B = os.environ.get('TCONV', os.path.join(TOOLS, '../../.build/release/tconv'))
S = os.path.join(TOOLS, '../suite.json')
PY = os.environ.get('PEERS_PYTHON', 'python3')  # a Python with tensorflow-cpu, torch, jax
PEERS = os.environ['PEERS_SCRIPT']  # the shared suite's peers/peers.py
HERE = os.path.abspath(sys.argv[1])
os.makedirs(HERE, exist_ok=True)
os.chdir(HERE)
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
first = int(sys.argv[3]) if len(sys.argv) > 3 else 1
cases = [c['name'] for c in json.load(open(S))['cases']]
def log(msg):
    with open('log.txt', 'a') as f:
        f.write(f"{time.strftime('%H:%M:%S', time.gmtime())} load {open('/proc/loadavg').read().split()[0]} {msg}\n")
def record(arguments, path, **fields):
    """Runs tconv with `arguments` and appends its JSON lines to `path`, each with `fields` and the time."""
    out = subprocess.run([B] + arguments, capture_output=True, text=True).stdout
    with open(path, 'a') as f:
        for line in out.splitlines():
            if line.startswith('{'):
                d = json.loads(line); d.update(fields, utc=time.strftime('%H:%M:%S', time.gmtime()))
                f.write(json.dumps(d) + '\n')
def tconv(case, t, dtype, r, tag):
    record(['bench', '--json', '--threads', str(t), '--dtype', dtype, '--min-time', '0.6', '--max-foreign', '0.15',
            '--attempts', '5', '--filter', '^' + case + '$', S], f'tconv-r{r}.jsonl', tag=tag, round=r)
def cores(case, r, tag):
    record(['bench', '--cores', '--json', '--min-time', '0.5'], f'cores-r{r}.jsonl', case=case, tag=tag, round=r)
for r in range(first, first + rounds):
    for case in cases:
        cores(case, r, 'before')
        log(f'round {r} {case} tconv')
        for t in (2, 1):
            tconv(case, t, 'float32', r, 'before')
            tconv(case, t, 'float64', r, 'before')
        cores(case, r, 'peers')
        log(f'round {r} {case} peers')
        subprocess.run([PY, PEERS, '--threads', '2,1', '--repeat', '1', '--cases', '^' + case + '$',
                        '--out-json', os.path.join(HERE, f'peers-r{r}.json'), '--out-md', os.path.join(HERE, f'peers-r{r}.md')],
                       stdout=open(f'peers-r{r}.log', 'a'), stderr=subprocess.STDOUT)
        cores(case, r, 'after')
        log(f'round {r} {case} tconv after')
        for t in (2, 1):
            tconv(case, t, 'float32', r, 'after')
    log(f'round {r} done')
