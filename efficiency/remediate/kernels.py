"""What a GPU operation does, from its name: the op class, the math precision, and whether it
runs on tensor cores, so that GPU playbooks match by behaviour across GPU generations and
libraries instead of one generation's kernel names.

The rules read the naming conventions the vendors' libraries use (facts, not code):

* cuBLAS/cuDNN ``xmma`` kernels name their types ``<A><B>_<math><accumulate>_<out>``:
  ``sm80_xmma_gemm_f32f32_f32f32_f32_…`` multiplies in FP32, ``…_f32f32_tf32f32_f32_…`` in
  TF32; ``ffma`` (fused multiply-add on the CUDA cores) marks a SIMT kernel, ``hmma``/``imma``
  (and Hopper's ``warpgroup``/``wgmma``) tensor-core ones.
* Older cuBLAS/CUTLASS names: ``sgemm``/``simt_sgemm`` (FP32 SIMT), ``s1688gemm``/``s16816gemm``
  (TF32 tensor cores), ``h884``/``h1688``/``h16816`` (FP16 tensor cores), ``tensorop`` in CUTLASS.
* cuBLASLt's Hopper kernels are called ``nvjet_*`` (tensor cores); cuDNN FP32 convolutions
  ``scudnn_*``, ``implicit_convolve_sgemm`` and ``*_engine<float…>``; convolution passes are
  ``fprop`` (forward), ``dgrad`` and ``wgrad`` (backward).
* Kineto names copies ``Memcpy HtoD (Pageable -> Device)``, ``Memcpy DtoH (Device -> Pinned)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_COPY = re.compile(r"Memcpy (\w+)(?: \((.*)\))?")
_FILL = re.compile(r"^Memset\b")
_COMM = re.compile(r"nccl|rccl", re.I)
_CONV = re.compile(
    r"fprop|dgrad|wgrad|convolve|scudnn|winograd|conv2d|conv3d|convolution|"
    r"implicit_gemm_\w*(nchw|nhwc|kcrs|krsc)",
    re.I,
)
_GEMV = re.compile(r"gemv", re.I)
_GEMM = re.compile(r"gemm|gemv|nvjet|matmul|cutlass\w*(Kernel|_tensorop)", re.I)
#: xmma type block: <A><B>_<math><accumulate>_<out>, each an f32/tf32/f16/bf16/e4m3/... token
_XMMA_TYPES = re.compile(
    r"_(?:[a-z]*\d+){2}_(?P<math>tf32|bf16|f16|f32|f64|e4m3|e5m2|i8|fp8)(?:[a-z]*\d+)_"
)
_TENSOR_CORE = re.compile(
    r"hmma|imma|wgmma|warpgroup|tensorop|nvjet|s1688|s16816|s884|h884|h1688|h16816|i8816|"
    r"tf32|bf16|f16|fp16|e4m3|e5m2|fp8|_tst_",
    re.I,
)
_SIMT = re.compile(r"ffma|simt|(^|[_ ])sgemm|scudnn|convolve_sgemm|gemmSN_[A-Z]{2}_kernel<float")
_FP32_HINT = re.compile(r"(^|[_ ])sgemm|scudnn|convolve_sgemm|ffma|<float\b|f32f32_f32|_f32_", re.I)


@dataclass(frozen=True)
class KernelClass:
    """What one GPU operation does."""

    #: gemm | gemv | conv | copy | fill | communication | other
    op: str
    #: math precision (fp32, tf32, fp16, bf16, fp8, fp64, int8) or None when the name says none
    precision: str | None = None
    #: True on tensor cores, False on the SIMT cores, None when unknown
    tensor_core: bool | None = None
    #: copies: HtoD, DtoH, DtoD, ...
    direction: str = ""
    #: copies: pageable | pinned | device (the host side's memory, or device for DtoD)
    memory: str = ""


_PRECISION = {"f32": "fp32", "tf32": "tf32", "f16": "fp16", "bf16": "bf16", "f64": "fp64",
              "e4m3": "fp8", "e5m2": "fp8", "fp8": "fp8", "i8": "int8"}  # fmt: skip


@lru_cache(maxsize=4096)
def classify(name: str) -> KernelClass:
    """The class of a GPU operation from its Kineto name."""
    copy = _COPY.match(name)
    if copy:
        what = copy.group(2) or ""
        memory = "pageable" if "Pageable" in what else "pinned" if "Pinned" in what else ""
        if not memory and copy.group(1) == "DtoD":
            memory = "device"
        return KernelClass("copy", direction=copy.group(1), memory=memory)
    if _FILL.match(name):
        return KernelClass("fill")
    if _COMM.search(name):
        return KernelClass("communication")
    if _GEMV.search(name):
        # matrix-vector products are memory-bound: no tensor-core path to move them to
        return KernelClass("gemv")
    op = "conv" if _CONV.search(name) else "gemm" if _GEMM.search(name) else ""
    if not op:
        return KernelClass("other")
    types = _XMMA_TYPES.search(name)
    precision = _PRECISION.get(types.group("math")) if types else None
    if precision is None and _FP32_HINT.search(name) and not _TENSOR_CORE.search(name):
        precision = "fp32"
    if _SIMT.search(name) and precision in (None, "fp32"):
        return KernelClass(op, precision or "fp32", tensor_core=False)
    if precision == "tf32" or _TENSOR_CORE.search(name):
        return KernelClass(op, precision, tensor_core=True)
    return KernelClass(op, precision, tensor_core=False if precision == "fp32" else None)


def fp32_simt(name: str) -> bool:
    """A GEMM or convolution that multiplies FP32 on the CUDA cores (no TF32, no tensor cores)."""
    c = classify(name)
    return c.op in ("gemm", "conv") and c.precision == "fp32" and c.tensor_core is False
