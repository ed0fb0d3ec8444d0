"""The kernel classifier: op class, precision and tensor cores from names of several GPU
generations and libraries (names as the profiler records them)."""

from __future__ import annotations

import pytest

from efficiency.remediate.kernels import classify, fp32_simt

FP32_SIMT = [
    # Ampere+ cuBLAS with TF32 off (H200 traces), cuDNN FP32 convolution, CUTLASS SIMT
    "sm80_xmma_gemm_f32f32_f32f32_f32_nn_n_tilesize256x128x8_stage3_warpsize4x2x1_ffma_aligna4",
    "sm80_xmma_fprop_implicit_gemm_f32f32_f32f32_f32_nchwkcrs_nchw_tilesize32x32x8_stage3_"
    "warpsize1x2x1_g1_ffma_aligna4_alignc4_execute_kernel__5x_cudnn",
    "void cutlass::Kernel2<cutlass_80_simt_sgemm_128x256_8x4_nt_align1>(cutlass_80_simt_sgemm_"
    "128x256_8x4_nt_align1::Params)",
    # pre-Ampere cuBLAS and cuDNN
    "volta_sgemm_128x64_nn",
    "maxwell_sgemm_128x64_nt",
    "volta_scudnn_128x64_relu_interior_nn_v1",
    "void wgrad_alg0_engine<float, 128, 5, 5, 3, 3, 3, false, 512>(int, int, int, float const*)",
]
TENSOR_CORE = [
    "sm90_xmma_wgrad_indexed_implicit_gemm_f32f32_tf32f32_f32_nhwckrsc_nhwc_tilesize128x128x32",
    "nvjet_sm90_tst_256x128_64x4_1x2_h_bz_coopA_bias_TNT",
    "ampere_s16816gemm_fp16_128x128_ldg8_f2f_stages_32x5_nn",
    "volta_h884gemm_64x64_ldg8_nn",
    "sm80_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x32_stage4_warpsize2x2x1_tensor16x8x16",
]


@pytest.mark.parametrize("name", FP32_SIMT)
def test_fp32_simt_gemms_and_convolutions_of_every_generation(name: str) -> None:
    c = classify(name)
    assert c.op in ("gemm", "conv") and c.precision == "fp32" and c.tensor_core is False
    assert fp32_simt(name)


@pytest.mark.parametrize("name", TENSOR_CORE)
def test_tensor_core_kernels_are_not_fp32_simt(name: str) -> None:
    c = classify(name)
    assert c.op in ("gemm", "conv") and c.tensor_core is True
    assert not fp32_simt(name)


def test_tf32_and_conv_passes() -> None:
    tf32 = classify("sm90_xmma_fprop_implicit_gemm_f32f32_tf32f32_f32_nhwckrsc_nhwc_tile64x256")
    assert (tf32.op, tf32.precision) == ("conv", "tf32")
    assert classify("sm80_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tile").precision == "bf16"


def test_copies_fills_and_other_kernels() -> None:
    d2h = classify("Memcpy DtoH (Device -> Pageable)")
    assert (d2h.op, d2h.direction, d2h.memory) == ("copy", "DtoH", "pageable")
    h2d = classify("Memcpy HtoD (Pinned -> Device)")
    assert (h2d.op, h2d.direction, h2d.memory) == ("copy", "HtoD", "pinned")
    assert classify("Memcpy DtoD (Device -> Device)").memory == "device"
    assert classify("Memset (Device)").op == "fill"
    assert classify(
        "ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevKernelArgsStorage<4096ul>)"
    ).op == ("communication")
    # a layout transform inside cuDNN, an elementwise kernel, a memory-bound gemv: not GEMMs
    layout = "void cudnn::engines_precompiled::nchwToNhwcKernel<float, float, float, false, true>"
    assert classify(layout).op == "other"
    assert classify("void at::native::vectorized_elementwise_kernel<4, float>").op == "other"
    gemv = "void gemv2T_kernel_val<int, int, float, float, float, float, 128, 16, 4, 4>"
    assert classify(gemv).op == "gemv" and not fp32_simt(gemv)
