#!/usr/bin/env python3
"""Generates Tests/Fixtures/golden-extra: more TensorFlow-generated cases in the shared golden format
(format 1, see Tests/Fixtures/golden/README.md), with wider configurations than the shared set:
larger strides, kernels, rates and channel counts, batch up to 3, NCHW/NCW/NCDHW, explicit padding,
dilation with stride, the two dispatchers (conv_transpose, convolution) and TF-rejected inputs.

Every expected value comes from running TensorFlow (CPU). A success case is kept only when TF's
float32 result equals an independent float64 NumPy scatter/gather reference (so the configurations
where TF's back ends disagree are left out, as in the shared set). Inputs are multiples of 1/8, so
every result is exact in float32 and data == data_f64.

Error cases record TF's exception; their `category` is this project's reading of what was broken
(the `why` field), as in the shared set.

Usage (needs tensorflow-cpu and numpy):  python make_extra_golden.py OUTDIR [--seed N] [--per-op N]
"""
import argparse, json, os, random, sys
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402


def eighths(rng, shape):
    n = int(np.prod(shape)) if shape else 1
    return (np.array([rng.randint(-16, 16) for _ in range(n)], dtype=np.float64) / 8.0).reshape(shape)


# ---------------------------------------------------------------- independent NumPy references
def scatter_ref(x, w, out_shape, strides, dil, pad_before, channels_first):
    """Transposed conv by its definition: out[o] += x[i] * w[k, co, ci] with o = i*s + k*d - p."""
    n = x.ndim - 2
    if channels_first:
        x = np.moveaxis(x, 1, -1)
        out_shape = [out_shape[0]] + list(out_shape[2:]) + [out_shape[1]]
    out = np.zeros(out_shape, dtype=np.float64)
    O = out_shape[1:1 + n]
    for idx in np.ndindex(*x.shape[1:1 + n]):
        for k in np.ndindex(*w.shape[:n]):
            o = [idx[j] * strides[j] + k[j] * dil[j] - pad_before[j] for j in range(n)]
            if all(0 <= o[j] < O[j] for j in range(n)):
                # x[:, idx, :] [N, Cin] @ w[k].T [Cin, Cout]
                out[(slice(None),) + tuple(o) + (slice(None),)] += x[(slice(None),) + idx + (slice(None),)] @ w[k].T
    if channels_first:
        out = np.moveaxis(out, -1, 1)
    return out


def gather_ref(x, w, strides, dil, pads, channels_first):
    """Forward conv (cross-correlation) with groups G = Cin / w_in; pads = [(before, after)] per axis."""
    n = x.ndim - 2
    if channels_first:
        x = np.moveaxis(x, 1, -1)
    N, cin = x.shape[0], x.shape[-1]
    win, cout = w.shape[-2], w.shape[-1]
    G = cin // win
    padded = np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)])
    E = [(w.shape[j] - 1) * dil[j] + 1 for j in range(n)]
    F = [(padded.shape[1 + j] - E[j]) // strides[j] + 1 for j in range(n)]
    out = np.zeros([N] + F + [cout])
    per_out = cout // G
    for q in np.ndindex(*F):
        for k in np.ndindex(*w.shape[:n]):
            h = tuple(q[j] * strides[j] + k[j] * dil[j] for j in range(n))
            xv = padded[(slice(None),) + h + (slice(None),)]
            for g in range(G):
                out[(slice(None),) + q + (slice(g * per_out, (g + 1) * per_out),)] += \
                    xv[:, g * win:(g + 1) * win] @ w[k][:, g * per_out:(g + 1) * per_out]
    if channels_first:
        out = np.moveaxis(out, -1, 1)
    return out


# ---------------------------------------------------------------- size rules (tf-semantics 1.1-1.4)
def tdiv(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def same_pad(L, F, k, s, d):
    E = (k - 1) * d + 1
    T = max(0, (F - 1) * s + E - L)
    return T // 2, T - T // 2


def accepted(I, k, s, d, rule):
    E = (k - 1) * d + 1
    if rule == "SAME":
        return list(range((I - 1) * s + 1, I * s + 1)) if I > 0 else [0]
    pb, pa = (0, 0) if rule == "VALID" else rule
    return [O for O in range(0, (I + 2) * s + E + 8) if tdiv(O + pb + pa - E + s, s) == I]


def full_seq(v, n, cf):
    return [1, 1] + v if cf else [1] + v + [1]


def tf_call(op, x, w, args, dtype):
    fn = {"conv2d_transpose": tf.nn.conv2d_transpose, "conv1d_transpose": tf.nn.conv1d_transpose,
          "conv3d_transpose": tf.nn.conv3d_transpose, "atrous_conv2d_transpose": tf.nn.atrous_conv2d_transpose,
          "conv_transpose": tf.nn.conv_transpose, "conv2d": tf.nn.conv2d, "conv1d": tf.nn.conv1d, "conv3d": tf.nn.conv3d,
          "atrous_conv2d": tf.nn.atrous_conv2d, "convolution": tf.nn.convolution}[op]
    first = "value" if op.startswith("atrous") else "input"
    kw = {first: tf.constant(x, dtype=dtype), "filters": tf.constant(w, dtype=dtype)}
    kw.update(args)
    return fn(**kw).numpy()


# ---------------------------------------------------------------- random configurations
def transposed_case(rng, op):
    n = {"conv1d_transpose": 1, "conv3d_transpose": 3}.get(op, 2)
    if op == "conv_transpose":
        n = rng.choice([1, 2, 3])
    atrous = op == "atrous_conv2d_transpose"
    cf = (not atrous) and rng.random() < 0.3
    N, cin, cout = rng.randint(1, 3), rng.randint(1, 5), rng.randint(1, 5)
    smax = 2 if n == 3 else 5
    I = [rng.randint(1, 3 if n == 3 else 6) for _ in range(n)]
    K = [rng.randint(1, 3 if n == 3 else 7) for _ in range(n)]
    rate = rng.randint(1, 5) if atrous else 1
    S = [1] * n if atrous else [rng.randint(1, smax) for _ in range(n)]
    D = [rate] * n if atrous else [rng.choice([1, 1, 1, 2, 3]) for _ in range(n)]
    explicit = op == "conv2d_transpose" and not cf and D == [1, 1] and rng.random() < 0.3
    if explicit:
        pads = [(rng.randint(0, 3), rng.randint(0, 3)) for _ in range(n)]
        rules = pads
        padding = [[0, 0]] + [list(p) for p in pads] + [[0, 0]]
    else:
        padding = rng.choice(["SAME", "VALID"])
        rules = [padding] * n
    O = []
    for j in range(n):
        acc = [o for o in accepted(I[j], K[j], S[j], D[j], rules[j]) if o > 0]
        if not acc:
            return None
        O.append(rng.choice(acc))
    pb = []
    for j in range(n):
        if rules[j] == "VALID":
            pb.append(0)
        elif rules[j] == "SAME":
            pb.append(same_pad(O[j], I[j], K[j], S[j], D[j])[0])
        else:
            pb.append(rules[j][0])
    xs = [N, cin] + I if cf else [N] + I + [cin]
    os_ = [N, cout] + O if cf else [N] + O + [cout]
    x, w = eighths(rng, xs), eighths(rng, K + [cout, cin])
    fmt = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}[n][int(cf)]
    if atrous:
        args = {"output_shape": os_, "rate": rate, "padding": padding}
    else:
        form = rng.choice(["int", "spatial", "full"])
        st = S[0] if form == "int" and len(set(S)) == 1 else (S if form != "full" else full_seq(S, n, cf))
        dl = D[0] if form == "int" and len(set(D)) == 1 else (D if form != "full" else full_seq(D, n, cf))
        args = {"output_shape": os_, "strides": st, "padding": padding, "data_format": fmt, "dilations": dl}
    ref = scatter_ref(x, w, os_, S, D, pb, cf)
    return op, x, w, args, ref


def forward_case(rng, op):
    n = {"conv1d": 1, "conv3d": 3}.get(op, 2)
    if op == "convolution":
        n = rng.choice([1, 2, 3])
    atrous = op == "atrous_conv2d"
    cf = op in ("conv2d", "conv1d") and rng.random() < 0.25
    G = rng.choice([1, 1, 2]) if op == "conv2d" else 1
    N, win, cout = rng.randint(1, 3), rng.randint(1, 4), G * rng.randint(1, 3)
    cin = G * win
    H = [rng.randint(3, 6 if n == 3 else 12) for _ in range(n)]
    K = [rng.randint(1, 3 if n == 3 else 6) for _ in range(n)]
    rate = rng.randint(1, 5) if atrous else 1
    S = [1] * n if atrous else [rng.randint(1, 2 if n == 3 else 4) for _ in range(n)]
    D = [rate] * n if atrous else [1] * n
    if op in ("conv2d",) and rng.random() < 0.3:
        D = [rng.randint(1, 3) for _ in range(n)]
    if op == "convolution" and max(S) == 1 and rng.random() < 0.5:
        D = [rng.randint(1, 3) for _ in range(n)]
    explicit = op in ("conv2d",) and not cf and rng.random() < 0.3
    if explicit:
        pads = [(rng.randint(0, 3), rng.randint(0, 3)) for _ in range(n)]
        padding = [[0, 0]] + [list(p) for p in pads] + [[0, 0]]
    else:
        padding = rng.choice(["SAME", "VALID"])
        pads = []
        for j in range(n):
            E = (K[j] - 1) * D[j] + 1
            if padding == "VALID":
                pads.append((0, 0))
            else:
                F = -(-H[j] // S[j])
                pads.append(same_pad(H[j], F, K[j], S[j], D[j]))
    for j in range(n):
        E = (K[j] - 1) * D[j] + 1
        if H[j] + pads[j][0] + pads[j][1] < E:
            return None
    if n == 3 and padding == "SAME" and any(S[j] > (K[j] - 1) * D[j] + 1 for j in range(n)):
        return None  # TF's back ends disagree here (shared README)
    xs = [N, cin] + H if cf else [N] + H + [cin]
    x, w = eighths(rng, xs), eighths(rng, K + [win, cout])
    fmt = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}[n][int(cf)]
    if atrous:
        args = {"rate": rate, "padding": padding}
    elif op == "conv1d":
        args = {"stride": rng.choice([S[0], S, full_seq(S, n, cf)]), "padding": padding, "data_format": fmt, "dilations": D[0]}
    elif op == "conv3d":
        args = {"strides": full_seq(S, n, cf), "padding": padding, "data_format": fmt, "dilations": full_seq(D, n, cf)}
    elif op == "convolution":
        args = {"strides": S, "padding": padding, "data_format": fmt, "dilations": D}
    else:
        args = {"strides": rng.choice([S, full_seq(S, n, cf)]), "padding": padding, "data_format": fmt,
                "dilations": rng.choice([D, full_seq(D, n, cf)])}
    ref = gather_ref(x, w, S, D, pads, cf)
    return op, x, w, args, ref


# ---------------------------------------------------------------- error cases
def error_cases(rng):
    """(op, x, w, args, category, why): broken on purpose, kept when TF raises."""
    out = []
    x4, w4 = eighths(rng, [1, 4, 4, 3]), eighths(rng, [3, 3, 2, 3])
    base = {"output_shape": [1, 8, 8, 2], "strides": 2, "padding": "SAME"}
    def v(**kw):
        a = dict(base); a.update(kw); return a
    out += [
        ("conv2d_transpose", x4, w4, v(output_shape=[1, 11, 8, 2]), "inconsistent_output_shape", "H = 11 above the range 7..8"),
        ("conv2d_transpose", x4, w4, v(output_shape=[1, 6, 8, 2]), "inconsistent_output_shape", "H = 6 below the range 7..8"),
        ("conv2d_transpose", x4, w4, v(strides=5, output_shape=[1, 21, 20, 2]), "inconsistent_output_shape", "stride 5: H = 21 above 16..20"),
        ("conv2d_transpose", x4, w4, v(output_shape=[3, 8, 8, 2]), "inconsistent_output_shape", "batch 3 != 1"),
        ("conv2d_transpose", x4, w4, v(output_shape=[1, 8, 8, 5]), "channel_mismatch", "output channels 5 != filters[2] = 2"),
        ("conv2d_transpose", x4, eighths(rng, [3, 3, 2, 4]), v(), "channel_mismatch", "filters[3] = 4 != input channels 3"),
        ("conv2d_transpose", x4, w4, v(strides=[1, 2, 2, 2]), "bad_strides", "channel stride 2"),
        ("conv2d_transpose", x4, w4, v(strides=[2, 0]), "bad_strides", "zero stride"),
        ("conv2d_transpose", x4, w4, v(strides=[2, 2, 2]), "bad_strides", "strides of length 3"),
        ("conv2d_transpose", x4, w4, v(dilations=[2, 1, 1, 1]), "bad_dilations", "batch dilation 2"),
        ("conv2d_transpose", x4, w4, v(padding="valid"), "bad_padding", "lower-case padding"),
        ("conv2d_transpose", x4, w4, v(padding=[[0, 0], [1, 1], [1, 1]]), "bad_padding", "3 pairs for a 4-D tensor"),
        ("conv2d_transpose", x4, w4, v(padding=[[0, 0], [1, 1], [1, 1], [1, 0]]), "bad_padding", "channel pad"),
        ("conv2d_transpose", x4, w4, v(data_format="NWHC"), "bad_data_format", "unknown data_format"),
        ("conv2d_transpose", x4, w4, v(output_shape=[1, 8, 8, 2, 1]), "bad_output_shape", "5 entries"),
        ("conv2d_transpose", x4, eighths(rng, [3, 3, 2]), v(), "bad_rank", "filter of rank 3"),
        ("conv1d_transpose", eighths(rng, [2, 5, 3]), eighths(rng, [4, 2, 3]),
         {"output_shape": [2, 14, 2], "strides": 2, "padding": "SAME"}, "inconsistent_output_shape", "W = 14 outside 9..10"),
        ("conv1d_transpose", eighths(rng, [2, 5, 3]), eighths(rng, [4, 2, 3]),
         {"output_shape": [2, 10, 2], "strides": 2, "padding": "SAME", "data_format": "NHWC"}, "bad_data_format", "NHWC for 1-D"),
        ("conv3d_transpose", eighths(rng, [1, 2, 2, 2, 2]), eighths(rng, [2, 2, 2, 3, 2]),
         {"output_shape": [1, 4, 4, 5, 3], "strides": 2, "padding": "SAME"}, "inconsistent_output_shape", "W = 5 outside 3..4"),
        ("conv3d_transpose", eighths(rng, [1, 2, 2, 2, 2]), eighths(rng, [2, 2, 2, 3, 2]),
         {"output_shape": [1, 4, 4, 4, 3], "strides": 2, "padding": "EXPLICIT"}, "bad_padding", "EXPLICIT string"),
        ("atrous_conv2d_transpose", x4, w4, {"output_shape": [1, 4, 4, 2], "rate": -2, "padding": "SAME"}, "bad_rate", "rate -2"),
        ("atrous_conv2d_transpose", x4, w4, {"output_shape": [1, 9, 9, 2], "rate": 3, "padding": "VALID"}, "inconsistent_output_shape",
         "VALID needs O = I + (K-1)*rate = 10"),
        ("atrous_conv2d_transpose", x4, w4, {"output_shape": [1, 4, 4, 2], "rate": 2, "padding": "same"}, "bad_padding", "lower-case"),
        ("conv2d", x4, eighths(rng, [9, 9, 3, 2]), {"strides": 1, "padding": "VALID"}, "filter_too_large", "9x9 filter on 4x4, VALID"),
        ("conv2d", x4, eighths(rng, [3, 3, 2, 2]), {"strides": 1, "padding": "SAME"}, "channel_mismatch", "filter in 2 does not divide 3"),
        ("conv2d", x4, eighths(rng, [3, 3, 3, 2]), {"strides": [1, 1, 1, 3], "padding": "SAME"}, "bad_strides", "channel stride"),
        ("conv3d", eighths(rng, [1, 3, 3, 3, 1]), eighths(rng, [2, 2, 2, 1, 1]), {"strides": [1, 1, 1], "padding": "SAME"},
         "bad_strides", "3 strides for conv3d"),
        ("atrous_conv2d", x4, eighths(rng, [3, 3, 3, 2]), {"rate": 0, "padding": "SAME"}, "bad_rate", "rate 0"),
        ("atrous_conv2d", x4, eighths(rng, [3, 3, 3, 2]), {"rate": 3, "padding": "VALID"}, "filter_too_large", "extent 7 on 4"),
    ]
    return out


def tensor(a):
    return {"shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--per-op", type=int, default=40)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    ops_t = ["conv2d_transpose", "conv1d_transpose", "conv3d_transpose", "atrous_conv2d_transpose", "conv_transpose"]
    ops_f = ["conv2d", "conv1d", "conv3d", "atrous_conv2d", "convolution"]
    files = {}
    dropped = 0
    for op in ops_t + ops_f:
        cases = []
        tries = 0
        while len(cases) < a.per_op and tries < a.per_op * 50:
            tries += 1
            made = transposed_case(rng, op) if op in ops_t else forward_case(rng, op)
            if made is None:
                continue
            _, x, w, args, ref = made
            try:
                y32 = tf_call(op, x, w, args, tf.float32)
            except Exception:
                dropped += 1
                continue
            if y32.shape != ref.shape or not np.array_equal(y32.astype(np.float64), ref):
                dropped += 1   # TF's back ends disagree with the definition here: leave it out
                continue
            try:
                y64 = tf_call(op, x, w, args, tf.float64)
                method = "direct"
                if not np.array_equal(y64, ref):
                    dropped += 1
                    continue
            except Exception:
                y64 = ref
                method = "reference (TF float64 kernel refuses this layout/dilation; values exact)"
            cases.append({"id": f"x-{op}-{len(cases):03d}", "op": op, "args": args, "input": tensor(x), "filters": tensor(w),
                          "expected": {"shape": list(ref.shape), "data": [float(v) for v in y32.reshape(-1)],
                                       "data_f64": [float(v) for v in y64.reshape(-1)]},
                          "tf_cpu": {"onednn_f32": "ok", "f64_method": method}, "tags": ["extra"]})
        files[op] = cases
    for i, (op, x, w, args, category, why) in enumerate(error_cases(rng)):
        try:
            tf_call(op, x, w, args, tf.float32)
            print(f"warning: error case {op} {why} did not raise in TF; left out", file=sys.stderr)
            continue
        except Exception as e:  # noqa: BLE001 - TF raises many classes; all mean "rejected"
            err = {"category": category, "tf_class": type(e).__name__, "tf_message": str(e).splitlines()[0][:300], "why": why}
        files[op].append({"id": f"x-{op}-err-{i:02d}-{category}", "op": op, "args": args, "input": tensor(x),
                          "filters": tensor(w), "error": err, "tags": ["error"]})
    manifest = {"format": 1, "generator": f"TensorFlow {tf.__version__} via Tests/Fixtures/tools/make_extra_golden.py",
                "set": "extra", "seed": a.seed, "files": {}}
    for op, cases in files.items():
        name = f"{op}.json"
        lines = [json.dumps(c) for c in cases]
        body = ('{"format": 1, "generator": "TensorFlow %s", "op": "%s", "set": "extra", "seed": %d, "n_cases": %d, '
                '"n_error_cases": %d,\n "cases": [\n' % (tf.__version__, op, a.seed, len(cases), sum("error" in c for c in cases))
                + ",\n".join(lines) + "\n]}\n")
        with open(os.path.join(a.outdir, name), "w") as f:
            f.write(body)
        manifest["files"][name] = {"cases": len(cases), "errors": sum("error" in c for c in cases)}
    with open(os.path.join(a.outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"wrote {sum(len(c) for c in files.values())} cases; left out {dropped} where TF disagreed with the definition",
          file=sys.stderr)


if __name__ == "__main__":
    main()
