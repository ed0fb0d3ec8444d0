"""Record held-out PyTorch profiler traces of GPU waste patterns (and clean controls) and NVML
points sampled by the project's own collector while they run. Each pattern is a different code
path from the h200_pattern_* traces already in the datasets, so GPU playbooks can be checked
on traces they were not written against (tests/data/gpu-heldout/README.md).

Run on a machine with an NVIDIA GPU and PyTorch, from the repository root:
``OUT=/tmp/out python benchmarks/gpu_heldout_record.py [PATTERN ...]`` writes
``$OUT/heldout.tar.gz`` (the traces, the NVML points and the versions)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile, schedule

sys.path.insert(0, os.getcwd())
OUT = Path(os.environ.get("OUT", "/tmp/out"))
WORK = Path("/tmp/traces")
WORK.mkdir(parents=True, exist_ok=True)
DEV = "cuda" if torch.cuda.is_available() else "cpu"
STEPS = 6


def run(name: str, step, setup=None) -> None:
    state = setup() if setup else None
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if DEV == "cuda" else [])
    path = WORK / f"h200_heldout_{name}.pt.trace.json"
    with profile(
        activities=acts,
        schedule=schedule(wait=1, warmup=2, active=STEPS, repeat=1),
        on_trace_ready=lambda p: p.export_chrome_trace(str(path)),
        record_shapes=True,
    ) as prof:
        for _ in range(1 + 2 + STEPS):
            step(state)
            if DEV == "cuda":
                torch.cuda.synchronize()
            prof.step()
    with open(path, "rb") as src, gzip.open(str(path) + ".gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    path.unlink()
    print("recorded", name, flush=True)


# -- waste patterns --------------------------------------------------------------------------


def fp32_linear_setup():
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    m = torch.nn.Sequential(
        torch.nn.Linear(4096, 4096), torch.nn.GELU(), torch.nn.Linear(4096, 4096)
    ).to(DEV)
    x = torch.randn(8192, 4096, device=DEV)
    return m, x


def fp32_linear_step(s):  # FP32 MLP forward+backward, TF32 off: SIMT FP32 GEMMs
    m, x = s
    m(x).sum().backward()


def fp32_conv_setup():
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    m = torch.nn.Conv2d(256, 256, 3, padding=1).to(DEV)
    x = torch.randn(64, 256, 56, 56, device=DEV)
    return m, x


def fp32_conv_step(s):  # FP32 convolution, TF32 off: cuDNN FP32 implicit GEMM
    m, x = s
    m(x).sum().backward()


def pageable_d2h_setup():
    return torch.randn(16 * 1024 * 1024, device=DEV)


def pageable_d2h_step(s):  # results copied back to pageable host memory every step
    y = (s * 2).cpu()
    float(y[0])


def sync_tolist_setup():
    return torch.randn(1024, 1024, device=DEV)


def sync_tolist_step(s):  # per-row Python decisions: a device->host sync on each .tolist()
    total = 0.0
    for i in range(40):
        row = (s[i] * 3).relu()
        total += sum(row[:4].tolist())


def small_ops_setup():
    return [torch.randn(64, 64, device=DEV) for _ in range(8)]


def small_ops_step(s):  # a hand-written optimizer loop over many tiny tensors: launch bound
    for _ in range(60):
        for p in s:
            p.mul_(0.999).add_(0.001)


def empty_cache_setup():
    return {"i": 0}


def empty_cache_step(s):  # growing tensors and an empty_cache() per step: cudaMalloc/cudaFree
    s["i"] += 1
    for k in range(6):
        t = torch.empty((256 + 64 * ((s["i"] + k) % 7)) * 1024 * 1024 // 4, device=DEV)
        t.fill_(1.0)
        del t
        if DEV == "cuda":
            torch.cuda.empty_cache()


class SlowDataset(torch.utils.data.Dataset):
    def __len__(self):
        return 10_000

    def __getitem__(self, i):  # CPU-heavy decoding/augmentation in the training process
        x = torch.randn(3, 128, 128)
        for _ in range(6):
            x = torch.nn.functional.avg_pool2d(x.unsqueeze(0), 3, 1, 1).squeeze(0)
        return x, i % 10


def loader_setup():
    dl = torch.utils.data.DataLoader(SlowDataset(), batch_size=32, num_workers=0)
    m = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 128 * 128, 10)).to(DEV)
    return iter(dl), m


def loader_step(s):
    it, m = s
    x, y = next(it)
    x, y = x.to(DEV), y.to(DEV)
    torch.nn.functional.cross_entropy(m(x), y).backward()


# -- clean controls ---------------------------------------------------------------------------


def clean_amp_setup():
    m = torch.nn.Sequential(
        torch.nn.Linear(4096, 4096), torch.nn.GELU(), torch.nn.Linear(4096, 4096)
    ).to(DEV)
    x = torch.randn(8192, 4096, device=DEV)
    return m, x


def clean_amp_step(s):  # bf16 autocast: tensor-core GEMMs, no host round trips
    m, x = s
    with torch.autocast(DEV, dtype=torch.bfloat16):
        m(x).float().sum().backward()


def clean_tf32_setup():
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    m = torch.nn.Conv2d(256, 256, 3, padding=1).to(DEV)
    x = torch.randn(64, 256, 56, 56, device=DEV)
    return m, x


def clean_tf32_step(s):  # FP32 tensors with TF32 allowed: tensor-core kernels, nothing to fix
    m, x = s
    m(x).sum().backward()


PATTERNS = [
    ("fp32_linear", fp32_linear_step, fp32_linear_setup),
    ("fp32_conv", fp32_conv_step, fp32_conv_setup),
    ("pageable_d2h", pageable_d2h_step, pageable_d2h_setup),
    ("sync_tolist", sync_tolist_step, sync_tolist_setup),
    ("small_ops", small_ops_step, small_ops_setup),
    ("empty_cache", empty_cache_step, empty_cache_setup),
    ("dataloader_cpu_transforms", loader_step, loader_setup),
    ("clean_bf16_autocast", clean_amp_step, clean_amp_setup),
    ("clean_tf32_conv", clean_tf32_step, clean_tf32_setup),
]


def nvml_sampler(stop: threading.Event, points: list) -> None:
    from collectors.gpu import GpuCollector

    with GpuCollector(host="h200-device") as gpu:
        while not stop.is_set():
            points.extend(gpu.sample())
            stop.wait(0.5)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    info = {
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "device": DEV,
        "name": torch.cuda.get_device_name(0) if DEV == "cuda" else "cpu",
    }
    points: list = []
    stop = threading.Event()
    sampler = None
    if DEV == "cuda":
        sampler = threading.Thread(target=nvml_sampler, args=(stop, points), daemon=True)
        sampler.start()
    t0 = time.time()
    only = set(sys.argv[1:])
    for name, step, setup in PATTERNS:
        if only and name not in only:
            continue
        try:
            run(name, step, setup)
        except Exception as exc:  # keep the others
            info.setdefault("failed", {})[name] = repr(exc)
            print("FAILED", name, repr(exc), flush=True)
        if DEV == "cuda":
            torch.cuda.empty_cache()
    stop.set()
    if sampler:
        sampler.join(5)
    info["seconds"] = round(time.time() - t0, 1)
    info["nvml_points"] = len(points)
    (WORK / "h200_heldout_nvml_points.jsonl").write_text(
        "".join(json.dumps(p) + "\n" for p in points)
    )
    (WORK / "info.json").write_text(json.dumps(info, indent=2))
    shutil.make_archive(str(OUT / "heldout"), "gztar", WORK)
    print(json.dumps(info), flush=True)


if __name__ == "__main__":
    main()
