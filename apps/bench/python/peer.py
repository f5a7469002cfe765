"""PyTorch as a bench peer: one process per thread count, speaking JSON lines on stdin/stdout.

Started by apps/bench/src/impls/pytorch.ts as `python3 peer.py THREADS`. Every request is one
JSON object on a line, `{"id": N, "op": ..., ...}`; every reply is one line, `{"id": N, ...}`
or `{"id": N, "error": "..."}`. Arrays travel as base64 of little-endian float32 / int32.

Timing follows the bench's rules (src/harness/timing.ts `measure` for kernels, and
src/harness/lec-models.ts `timeCalls` for model steps), ported below, so that the only thing
not measured in this process is the pipe.
"""

import base64
import json
import sys
import time
import traceback

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
    from torch import nn
except Exception as e:  # the skip path: the bench records this reason
    sys.stdout.write(json.dumps({"id": 0, "error": f"import torch failed: {type(e).__name__}: {e}"}) + "\n")
    sys.stdout.flush()
    sys.exit(3)

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(THREADS)
torch.set_num_interop_threads(1)
torch.manual_seed(0)


def f32(s, shape=None):
    a = np.frombuffer(base64.b64decode(s), dtype=np.float32).copy()
    return a.reshape(shape) if shape is not None else a


def i32(s):
    return np.frombuffer(base64.b64decode(s), dtype=np.int32).copy()


def b64(t):
    a = t.detach().contiguous().numpy() if isinstance(t, torch.Tensor) else t
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.float32).tobytes()).decode("ascii")


# ---- timing (ports of the bench's TypeScript) --------------------------------------------


def once(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000.0


def median(xs):
    s = sorted(xs)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def measure(fn, o, first_ms=0.0):
    """harness/timing.ts `measure`: warm-up, then samples batching calls to minSampleMs, within a budget."""
    calls = 0
    last = first_ms
    start = time.perf_counter()
    budget = o["budgetMs"]
    if first_ms < budget / 2:
        while True:
            elapsed = (time.perf_counter() - start) * 1000.0
            if calls >= 1 and elapsed > budget / 2:
                break
            if calls >= o["minWarmupCalls"] and elapsed >= o["warmupMs"]:
                break
            last = once(fn)
            calls += 1
    per_call = []
    inner = max(1, -(-o["minSampleMs"] // max(last, 1e-3)))
    inner = int(inner)
    t0 = time.perf_counter()
    while len(per_call) < o["samples"]:
        total = 0.0
        for _ in range(inner):
            total += once(fn)
        per_call.append(total / inner)
        calls += inner
        elapsed = (time.perf_counter() - t0) * 1000.0
        if elapsed > budget and (len(per_call) >= 3 or elapsed > 3 * budget):
            break
    return {"median": median(per_call), "min": min(per_call), "max": max(per_call), "samples": len(per_call), "calls": calls}


def time_calls(fn, warmup, steps):
    """harness/lec-models.ts `timeCalls`: `warmup` untimed calls, then per-call wall and process CPU ms."""
    for i in range(warmup):
        fn(i)
    ms, cpu = [], []
    for i in range(steps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn(warmup + i)
        ms.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.process_time() - c0) * 1000.0)
    return ms, cpu


# ---- kernels: prepared once, then run / read / measure --------------------------------------

prepared = {}


def prepare_gemm(r):
    m, n, k, ta, tb = r["m"], r["n"], r["k"], r["transposeA"], r["transposeB"]
    an = f32(r["a"], (k, m) if ta else (m, k))
    bn = f32(r["b"], (n, k) if tb else (k, n))
    a, b = torch.from_numpy(an), torch.from_numpy(bn)
    state = {}

    def op(x, y):
        return (x.t() if ta else x) @ (y.t() if tb else y)

    if r.get("fresh"):
        # fresh operands per call: new tensors copied from the host arrays, like tensor(Float32Array)
        def run():
            state["out"] = op(torch.tensor(an), torch.tensor(bn))
    else:

        def run():
            state["out"] = op(a, b)

    return run, lambda: state["out"].reshape(-1)


def prepare_conv(r):
    p = r["problem"]
    n, h, w, cin, cout = p["batch"], p["height"], p["width"], p["inChannels"], p["outChannels"]
    kh, kw, s = p["kernelHeight"], p["kernelWidth"], p["stride"]
    oh, ow, pt, pl = r["oh"], r["ow"], r["padTop"], r["padLeft"]
    pb, pr = r["padBottom"], r["padRight"]
    # NHWC / [kh,kw,cin,cout] from the bench -> PyTorch's NCHW / [cout,cin,kh,kw], untimed
    nchw = lambda a, c, hh, ww: torch.from_numpy(a.reshape(n, hh, ww, c)).permute(0, 3, 1, 2).contiguous()
    oihw = lambda a: torch.from_numpy(a.reshape(kh, kw, cin, cout)).permute(3, 2, 0, 1).contiguous()
    symmetric = pt == pb and pl == pr
    state = {}
    first, second = f32(r["first"]), f32(r["second"])
    if r["pass"] == "forward":
        x, wt = nchw(first, cin, h, w), oihw(second)

        if symmetric:

            def run():
                state["out"] = F.conv2d(x, wt, stride=s, padding=(pt, pl))
        else:

            def run():
                state["out"] = F.conv2d(F.pad(x, (pl, pr, pt, pb)), wt, stride=s)

        return run, lambda: state["out"].permute(0, 2, 3, 1).reshape(-1)
    if not symmetric:
        return None, "asymmetric padding on a backward pass"
    if r["pass"] == "backpropInput":
        dy, wt = nchw(first, cout, oh, ow), oihw(second)

        def run():
            state["out"] = torch.nn.grad.conv2d_input((n, cin, h, w), wt, dy, stride=s, padding=(pt, pl))

        return run, lambda: state["out"].permute(0, 2, 3, 1).reshape(-1)
    x, dy = nchw(first, cin, h, w), nchw(second, cout, oh, ow)

    def run():
        state["out"] = torch.nn.grad.conv2d_weight(x, (cout, cin, kh, kw), dy, stride=s, padding=(pt, pl))

    return run, lambda: state["out"].permute(2, 3, 1, 0).reshape(-1)


def op_prepare(r):
    with torch.no_grad():
        run, read = (prepare_gemm if r["kind"] == "gemm" else prepare_conv)(r)
    if run is None:
        return {"unsupported": read}
    prepared[r["key"]] = (run, read)
    return {}


def op_run(r):
    run, _ = prepared[r["key"]]
    with torch.no_grad():
        return {"ms": once(run)}


def op_read(r):
    _, read = prepared[r["key"]]
    return {"data": b64(read())}


def op_measure(r):
    run, _ = prepared[r["key"]]
    with torch.no_grad():
        return {"stats": measure(run, r["timing"], r.get("firstMs", 0.0))}


def op_dispose(r):
    prepared.pop(r["key"], None)
    return {}


# ---- models: the same architectures as lec's ----------------------------------------------


def lenet5():
    """@lec/cnn lenet5(): conv 5x5 6 same, maxpool 2, relu, conv 5x5 16 valid, maxpool 2, relu, 400-120-84-10."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.MaxPool2d(2),
        nn.ReLU(),
        nn.Conv2d(6, 16, 5),
        nn.MaxPool2d(2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )


def dense_ae(inputs, hidden, latent):
    """@lec/autoencoder Autoencoder.dense: inputs-hidden relu-latent-hidden relu-inputs sigmoid."""
    return nn.Sequential(
        nn.Linear(inputs, hidden),
        nn.ReLU(),
        nn.Linear(hidden, latent),
        nn.Linear(latent, hidden),
        nn.ReLU(),
        nn.Linear(hidden, inputs),
        nn.Sigmoid(),
    )


class LastLSTM(nn.Module):
    """One LSTM layer, loss on the last hidden state. PyTorch keeps two bias vectors (b_ih, b_hh);
    b_hh is frozen at zero so the trained parameters are lec's W, U, b."""

    def __init__(self, inputs, hidden):
        super().__init__()
        self.lstm = nn.LSTM(inputs, hidden, batch_first=True)
        with torch.no_grad():
            self.lstm.bias_hh_l0.zero_()
        self.lstm.bias_hh_l0.requires_grad_(False)

    def forward(self, x):
        out, _ = self.lstm(x)
        return out[:, -1, :]


def trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def op_train(r):
    kind = r["model"]
    if kind == "lenet":
        model = lenet5()
        xs = [torch.from_numpy(f32(b, (-1, 28, 28, 1))).permute(0, 3, 1, 2).contiguous() for b in r["x"]]
        ys = [torch.from_numpy(i32(b)).long() for b in r["y"]]
        loss_fn = F.cross_entropy
        opt = torch.optim.Adam(model.parameters(), lr=r["lr"])
    elif kind == "ae":
        model = dense_ae(r["inputs"], r["hidden"], r["latent"])
        xs = [torch.from_numpy(f32(b, (-1, r["inputs"]))) for b in r["x"]]
        ys = xs
        loss_fn = F.mse_loss
        opt = torch.optim.Adam(model.parameters(), lr=r["lr"])
    elif kind == "lstm":
        model = LastLSTM(r["inputs"], r["hidden"])
        xs = [torch.from_numpy(f32(b, (r["batch"], r["seqLength"], r["inputs"]))) for b in r["x"]]
        ys = [torch.from_numpy(f32(b, (r["batch"], r["hidden"]))) for b in r["y"]]
        loss_fn = F.mse_loss
        opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=r["lr"])
    else:
        raise ValueError(f"unknown model {kind}")
    losses = []

    def step(i):
        x, y = xs[i % len(xs)], ys[i % len(ys)]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())

    ms, cpu = time_calls(step, r["warmup"], r["steps"])
    return {"ms": ms, "cpu": cpu, "losses": losses[r["warmup"]:], "parameters": trainable(model)}


def op_infer(r):
    """LeNet-5 forward (no grad) on fixed batches, logits read back as a float32 array each call."""
    model = lenet5().eval()
    xs = [torch.from_numpy(f32(b, (-1, 28, 28, 1))).permute(0, 3, 1, 2).contiguous() for b in r["x"]]

    def step(i):
        with torch.no_grad():
            model(xs[i % len(xs)]).numpy()

    ms, cpu = time_calls(step, r["warmup"], r["steps"])
    return {"ms": ms, "cpu": cpu, "parameters": trainable(model)}


def op_gcn(r):
    """PyG's GCN example: dense features, torch.sparse Â; relu(Â·drop(X)·W0+b0) → Â·drop(H)·W1+b1,
    cross-entropy on the training nodes, Adam 0.01 with weight decay 5e-4 on the first layer."""
    n, f, c = r["nodes"], r["features"], r["classes"]
    x = torch.from_numpy(f32(r["x"], (n, f)))
    rows, cols, vals = i32(r["adjRows"]), i32(r["adjCols"]), f32(r["adjValues"])
    adj = torch.sparse_coo_tensor(torch.from_numpy(np.stack([rows, cols])).long(), torch.from_numpy(vals), (n, n)).coalesce()
    labels = torch.from_numpy(i32(r["labels"])).long()
    train = torch.from_numpy(i32(r["train"])).long()
    torch.manual_seed(r.get("seed", 0))
    lin0, lin1 = nn.Linear(f, r["hidden"]), nn.Linear(r["hidden"], c)
    opt = torch.optim.Adam(
        [{"params": lin0.parameters(), "weight_decay": 5e-4}, {"params": lin1.parameters(), "weight_decay": 0.0}], lr=0.01
    )

    def epoch(_):
        opt.zero_grad(set_to_none=True)
        h = F.relu(torch.sparse.mm(adj, lin0(F.dropout(x, 0.5, True))))
        out = torch.sparse.mm(adj, lin1(F.dropout(h, 0.5, True)))
        loss = F.cross_entropy(out[train], labels[train])
        loss.backward()
        opt.step()
        loss.item()

    ms, cpu = time_calls(epoch, r["warmup"], r["epochs"])
    return {"ms": ms, "cpu": cpu}


def op_hello(_):
    return {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
    }


OPS = {
    "hello": op_hello,
    "prepare": op_prepare,
    "run": op_run,
    "read": op_read,
    "measure": op_measure,
    "dispose": op_dispose,
    "train": op_train,
    "infer": op_infer,
    "gcn": op_gcn,
}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            reply = OPS[req["op"]](req)
        except Exception as e:
            reply = {"error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)}
        reply["id"] = req.get("id")
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
