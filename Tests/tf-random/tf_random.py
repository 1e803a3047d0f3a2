#!/usr/bin/env python3
"""Random conformance runs against real TensorFlow.

Draws random convolutions (transposed and forward, 1-D to 3-D, every padding form, dilations,
groups, channels-first, invalid output shapes on purpose), runs each in TensorFlow, writes the same
calls as one `tconv run` script (np.load -> tf.nn op -> np.save), and compares what tconv computed:
the values (float32 within 1e-3 of the largest magnitude, float64 within 1e-9), the shapes, and
which calls fail.

Where TensorFlow's own CPU back ends disagree with each other, tconv follows the reference semantics
(../shared spec: "copy the reference semantics, not the oneDNN laxities"). Those places are
classified, not counted as differences:
  onednn-accepts   float32 transposed op that oneDNN computes although the size rules reject it
                   (an output axis of 0, or VALID with a one-pixel input axis and E - s < O < E)
  eigen-window     float64 forward conv3d, SAME, stride larger than the effective kernel: TF's Eigen
                   kernel shifts the window (left out of the golden files for that reason); compared
                   with TF's float32 result instead
  f64-refused      TF's float64 kernels refuse NCHW or dilation for transposed ops; compared with
                   TF's float32 result instead (tconv computes them)

usage: tf_random.py TCONV SET SEED COUNT [WORKDIR]
  SET: basic (small shapes, every op and argument form), wide (large channel counts and images:
       the fast kernels' tiles, explicit padding, groups, NCHW), fold (transposed ops whose last
       axis folds into channels: stride > 1 there, K a multiple of it), winograd (2-D 3x3
       stride-1 and dilated convolutions with the channel counts the Winograd path takes)
Needs numpy and tensorflow-cpu. Exit status 1 when a difference is not explained by the above.
"""
import os, sys, random, subprocess, tempfile
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf

tconv, which, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
work = sys.argv[5] if len(sys.argv) > 5 else tempfile.mkdtemp(prefix=f"tf-random-{which}-{seed}-")
os.makedirs(work, exist_ok=True)
rng = random.Random(f"{which}-{seed}")


def transposed_size(i, k, s, d, pad):
    """The usual output size of a transposed op (the forward conv of that size gives back i)."""
    e = (k - 1) * d + 1
    if isinstance(pad, tuple):
        return max(0, (i - 1) * s + e - pad[0] - pad[1])
    return i * s if pad == "SAME" else i * s + max(e - s, 0)


def draw_basic():
    kind = rng.choice(["c1t", "c2t", "c2t", "atrous", "c3t", "ct", "c2", "c3", "c1"])
    rank = {"c1t": 1, "c2t": 2, "atrous": 2, "c3t": 3, "ct": rng.choice([1, 2, 3]), "c2": 2, "c3": 3, "c1": 1}[kind]
    big = rng.random() < 0.5
    n = rng.choice([1, 1, 2, 3])
    cin = rng.choice([1, 2, 3, 4, 5, 8, 16, 17, 24, 32] if big else [1, 2, 3, 4])
    cout = rng.choice([1, 2, 3, 4, 5, 8, 16, 21, 24, 33, 48] if big else [1, 2, 3, 4])
    limit = {3: 7 if big else 4, 2: 20 if big else 6, 1: 64 if big else 8}[rank]
    sp = [rng.randint(1, limit) for _ in range(rank)]
    k = [rng.randint(1, 5) for _ in range(rank)]
    pad = rng.choice(["SAME", "VALID"])
    if kind == "atrous":
        rate = rng.randint(1, 4); s = [1, 1]; d = [rate, rate]
    else:
        s = [rng.randint(1, 4) for _ in range(rank)]; d = [1] * rank
        if kind in ("c2", "c3", "c1") and rng.random() < 0.3:
            s = [1] * rank; d = [rng.randint(1, 3) for _ in range(rank)]
    return dict(kind=kind, n=n, sp=sp, cin=cin, cout=cout, k=k, s=s, d=d, pad=pad, groups=1, nchw=False)


def draw_wide():
    kind = rng.choice(["c2t", "c2t", "c2t-explicit", "c2t-dilated", "c2t-nchw", "c1t", "c3t", "c2-groups", "c2-explicit", "c3", "atrous"])
    rank = 3 if kind in ("c3t", "c3") else 1 if kind == "c1t" else 2
    n = rng.choice([1, 1, 2, 3])
    cin = rng.choice([1, 3, 7, 16, 24, 32, 48, 64, 96, 130])
    cout = rng.choice([1, 2, 3, 5, 8, 13, 16, 21, 33, 48, 64, 100, 128])
    limit = {3: 9, 2: 36, 1: 200}[rank]
    sp = [rng.randint(1, limit) for _ in range(rank)]
    k = [rng.randint(1, 6) for _ in range(rank)]
    s = [rng.randint(1, 4) for _ in range(rank)]; d = [1] * rank
    pad = rng.choice(["SAME", "VALID"])
    groups = 1
    if kind == "atrous":
        rate = rng.randint(1, 5); s = [1, 1]; d = [rate, rate]
    if kind == "c2t-dilated":
        s = [1, 1]; d = [rng.randint(1, 3), rng.randint(1, 3)]
    if kind in ("c2t-explicit", "c2-explicit"):
        pad = tuple((rng.randint(0, k[a] + 1), rng.randint(0, k[a] + 1)) for a in range(2))
        if kind == "c2-explicit" and rng.random() < 0.3:
            s = [1, 1]; d = [rng.randint(1, 3), rng.randint(1, 3)]
    if kind == "c2-groups":
        groups = rng.choice([2, 3, 4])
        cin = groups * rng.choice([1, 2, 4, 8, 16]); cout = groups * rng.choice([1, 2, 5, 8, 16])
        if rng.random() < 0.3:
            s = [1, 1]; d = [rng.randint(1, 2), rng.randint(1, 2)]
    return dict(kind=kind, n=n, sp=sp, cin=cin, cout=cout, k=k, s=s, d=d, pad=pad, groups=groups, nchw=kind == "c2t-nchw")


def draw_fold():
    kind = rng.choice(["c1t", "c2t", "c2t", "c3t", "ct"])
    rank = {"c1t": 1, "c2t": 2, "c3t": 3, "ct": rng.choice([1, 2, 3])}[kind]
    s = [rng.randint(1, 3) for _ in range(rank)]
    s[-1] = rng.choice([2, 3, 4, 8])
    k = [rng.randint(1, 4) for _ in range(rank)]
    k[-1] = s[-1] * rng.randint(1, 3)
    sp = {3: lambda: [rng.randint(1, 4), rng.randint(1, 4), rng.randint(8, 24)],
          2: lambda: [rng.randint(1, 8), rng.randint(8, 40)],
          1: lambda: [rng.randint(8, 64)]}[rank]()
    return dict(kind=kind, n=rng.choice([1, 1, 2]), sp=sp, cin=rng.choice([1, 3, 8, 16, 21, 32]),
                cout=rng.choice([1, 2, 3, 5, 8, 12, 21, 24, 40]), k=k, s=s, d=[1] * rank,
                pad=rng.choice(["SAME", "VALID"]), groups=1, nchw=False)


def draw_winograd():
    """Shapes the Winograd path takes: 2-D, 3x3, stride 1, C_in >= 32 (a multiple of 16), C_out a
    multiple of 64; dilated (atrous) and not, every padding form, both layouts, forward and transposed."""
    kind = rng.choice(["c2t", "c2t-explicit", "c2t-dilated", "c2t-nchw", "atrous", "c2", "c2-explicit"])
    sp = [rng.randint(1, 30), rng.randint(1, 30)]
    pad = rng.choice(["SAME", "VALID"])
    s, d = [1, 1], [1, 1]
    if kind == "atrous":
        d = [rng.randint(1, 4)] * 2
    if kind in ("c2t-dilated", "c2"):
        d = [rng.randint(1, 3), rng.randint(1, 3)]
    if kind in ("c2t-explicit", "c2-explicit"):
        pad = tuple((rng.randint(0, 4), rng.randint(0, 4)) for _ in range(2))
    return dict(kind=kind, n=rng.choice([1, 1, 2]), sp=sp, cin=rng.choice([32, 48, 64, 96, 128]),
                cout=rng.choice([64, 128, 192]), k=[3, 3], s=s, d=d, pad=pad, groups=1, nchw=kind == "c2t-nchw")


def call_text(p, oshape):
    """The tf.nn call (the same text runs in Python here and in tconv)."""
    kind, s, d, pad = p["kind"], p["s"], p["d"], p["pad"]
    padtext = f'"{pad}"' if isinstance(pad, str) else str([[0, 0]] + [list(q) for q in pad] + [[0, 0]])
    if kind in ("c2t", "c2t-explicit", "c2t-dilated"):
        return f"tf.nn.conv2d_transpose(x, w, output_shape={oshape}, strides=[1, {s[0]}, {s[1]}, 1], padding={padtext}, dilations={d})"
    if kind == "c2t-nchw":
        return f'tf.nn.conv2d_transpose(x, w, output_shape={oshape}, strides={s}, padding={padtext}, data_format="NCHW")'
    if kind == "atrous":
        return f"tf.nn.atrous_conv2d_transpose(x, w, output_shape={oshape}, rate={d[0]}, padding={padtext})"
    if kind == "c1t":
        return f"tf.nn.conv1d_transpose(x, w, output_shape={oshape}, strides={s[0]}, padding={padtext})"
    if kind == "c3t":
        return f"tf.nn.conv3d_transpose(x, w, output_shape={oshape}, strides=[1, {s[0]}, {s[1]}, {s[2]}, 1], padding={padtext})"
    if kind == "ct":
        return f"tf.nn.conv_transpose(x, w, output_shape={oshape}, strides={s}, padding={padtext})"
    if kind in ("c2", "c2-groups", "c2-explicit"):
        return f"tf.nn.conv2d(x, w, strides={s}, padding={padtext}, dilations={d})"
    if kind == "c3":
        return f"tf.nn.conv3d(x, w, strides=[1, {s[0]}, {s[1]}, {s[2]}, 1], padding={padtext}, dilations=[1, {d[0]}, {d[1]}, {d[2]}, 1])"
    return f"tf.nn.conv1d(x, w, stride={s[0]}, padding={padtext}, dilations={d[0]})"


def run_tf(text, x, w):
    return eval(text, {"tf": tf, "x": x, "w": w}).numpy()


draw = {"basic": draw_basic, "wide": draw_wide, "fold": draw_fold, "winograd": draw_winograd}[which]
lines = ["import tensorflow as tf", "import numpy as np"]
cases = []
for c in range(count):
    p = draw()
    dtype = rng.choice(["float32", "float64"])
    forward = p["kind"] in ("c1", "c2", "c3", "c2-groups", "c2-explicit")
    rank = len(p["sp"])
    x = np.random.default_rng([seed, c, 1]).standard_normal([p["n"]] + p["sp"] + [p["cin"]]).astype(dtype)
    fshape = p["k"] + ([p["cin"] // p["groups"], p["cout"]] if forward else [p["cout"], p["cin"]])
    w = np.random.default_rng([seed, c, 2]).standard_normal(fshape).astype(dtype)
    oshape = None
    if not forward:
        out = [transposed_size(p["sp"][a], p["k"][a], p["s"][a], p["d"][a], p["pad"][a] if isinstance(p["pad"], tuple) else p["pad"])
               for a in range(rank)]
        if rng.random() < 0.2:
            out = [max(0, o + rng.randint(-2, 2)) for o in out]   # often invalid: both must refuse it
        oshape = [p["n"], p["cout"]] + out if p["nchw"] else [p["n"]] + out + [p["cout"]]
    if p["nchw"]:
        x = np.ascontiguousarray(np.transpose(x, (0, 3, 1, 2)))
    text = call_text(p, oshape)
    np.save(f"{work}/x{c}.npy", x); np.save(f"{work}/w{c}.npy", w)
    note, expected, tf_error = "", None, None
    try:
        expected = run_tf(text, x, w)
    except Exception as error:
        tf_error = str(error)
    eigen_window = (dtype == "float64" and p["kind"] == "c3" and p["pad"] == "SAME"
                    and any(p["s"][a] > (p["k"][a] - 1) * p["d"][a] + 1 for a in range(rank)))
    refused = tf_error is not None and dtype == "float64" and ("only supports NHWC" in tf_error or "dilation rates larger" in tf_error)
    if eigen_window or refused:
        note = "eigen-window" if eigen_window else "f64-refused"
        try:
            expected = run_tf(text, x.astype("float32"), w.astype("float32")).astype("float64")
        except Exception as error:
            expected, tf_error = None, str(error)
    lines.append(f'x = np.load("{work}/x{c}.npy"); w = np.load("{work}/w{c}.npy")')
    lines.append(f"y{c} = {text}")
    lines.append(f'np.save("{work}/y{c}.npy", y{c})')
    cases.append(dict(index=c, p=p, dtype=dtype, text=text, expected=expected, note=note, oshape=oshape, forward=forward))

with open(f"{work}/script.tconv", "w") as f:
    f.write("\n".join(lines) + "\n")
for c in cases:
    path = f"{work}/y{c['index']}.npy"
    if os.path.exists(path):
        os.remove(path)
run = subprocess.run([tconv, "run", f"{work}/script.tconv"], capture_output=True, text=True, timeout=3600)
if run.returncode not in (0, 1):
    print(f"tconv exited with status {run.returncode}:\n{run.stderr[-2000:]}")
    sys.exit(1)


def onednn_accepts(c):
    """A float32 transposed op oneDNN computes although the size rules reject it (spec section 5)."""
    p = c["p"]
    if c["dtype"] != "float32" or c["forward"] or c["oshape"] is None:
        return False
    out = c["oshape"][2:] if p["nchw"] else c["oshape"][1:-1]
    if 0 in out:
        return True
    for a, o in enumerate(out):
        e = (p["k"][a] - 1) * p["d"][a] + 1
        if p["pad"] == "VALID" and p["sp"][a] == 1 and e - p["s"][a] < o < e:
            return True
    return False


counts = {"agree": 0, "both-refuse": 0, "onednn-accepts": 0, "eigen-window": 0, "f64-refused": 0}
unexplained = []
for c in cases:
    path = f"{work}/y{c['index']}.npy"
    got = np.load(path) if os.path.exists(path) else None
    want = c["expected"]
    if want is None and got is None:
        counts["both-refuse"] += 1
        continue
    if want is not None and got is None and onednn_accepts(c):
        counts["onednn-accepts"] += 1
        continue
    if (want is None) != (got is None):
        unexplained.append(f"{c['text']} [{c['dtype']}]: TF {'computes it' if want is not None else 'refuses it'}, tconv {'computes it' if got is not None else 'refuses it'}")
        continue
    if c["forward"] and 0 in got.shape:
        counts["agree"] += 1   # an empty forward result: oneDNN returns it shaped like the input (spec section 5)
        continue
    if got.shape != want.shape:
        unexplained.append(f"{c['text']} [{c['dtype']}]: shape {got.shape}, TF {want.shape}")
        continue
    exact64 = c["dtype"] == "float64" and not c["note"]
    tolerance = (1e-9 if exact64 else 1e-3) * max(1.0, float(np.abs(want).max()) if want.size else 1.0)
    error = float(np.abs(got - want).max()) if want.size else 0.0
    if error > tolerance:
        unexplained.append(f"{c['text']} [{c['dtype']}]: largest difference {error:.3g} (allowed {tolerance:.3g})")
        continue
    counts[c["note"] or "agree"] += 1

summary = ", ".join(f"{k} {v}" for k, v in counts.items())
print(f"{which} seed {seed}: {len(cases)} cases: {summary}, unexplained {len(unexplained)}  ({work})")
for line in unexplained:
    print("  " + line)
sys.exit(1 if unexplained else 0)
