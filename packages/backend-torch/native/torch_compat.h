// Differences between the libtorch releases the addon builds against
// (Debian 12's 1.13, Debian 13's 2.6, PyTorch 2.x wheels' torch/include),
// kept here so that addon.cc reads the same for all of them.
#pragma once

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>
#include <c10/core/Allocator.h>
#include <torch/csrc/api/include/torch/version.h>

#include <cstring>
#include <link.h>

// libtorch 2.x made c10::Allocator::copy_data pure virtual (clone() copies
// through the allocator); 1.13 has no such method.
#if TORCH_VERSION_MAJOR >= 2
#define CNNLAB_ALLOCATOR_COPY_DATA \
  void copy_data(void* dest, const void* src, std::size_t count) const override { std::memcpy(dest, src, count); }
#else
#define CNNLAB_ALLOCATOR_COPY_DATA
#endif

// c10::Allocator::allocate lost its const in 2.x (const in 1.13's headers,
// not in 2.6's, both checked; 2.3 is where the change landed upstream).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define CNNLAB_ALLOCATE_CONST
#else
#define CNNLAB_ALLOCATE_CONST const
#endif

// Deterministic algorithms: 1.13 and 2.x both take (bool, warn_only); the
// CUDA side also needs CUBLAS_WORKSPACE_CONFIG set before cuBLAS starts.
namespace cnnlab_compat {
inline void setDeterministic(bool on) { at::globalContext().setDeterministicAlgorithms(on, /*warn_only=*/true); }
}  // namespace cnnlab_compat

// Debian 13's libtorch 2.6 is built against Debian's shared oneDNN (libdnnl.so.3.6, package 3.7.2) rather
// than the oneDNN PyTorch links in, and through it gets CPU convolutions wrong: depthwise (forward and
// gradients), transposed, the input gradient whenever the input is NCHW (always so with one channel or 1x1
// maps), and channels_last 1x1 stride-2 convolutions at 256->512 channels (ResNet-18's last shortcut) --
// errors of the size of the outputs, checked against float64 in the trixie root (tools/cuda-check/README.md).
// No rule narrower than "every convolution" was found safe, so with a shared oneDNN on 2.x the addon runs
// CPU convolutions on ATen's own kernels. Debian 12's 1.13 (shared oneDNN 2.7) gets them right; PyTorch's
// own builds carry their oneDNN inside libtorch_cpu and are left alone.
namespace cnnlab_compat {
#if TORCH_VERSION_MAJOR >= 2
inline bool sharedOnednnLoaded() {
  static const bool loaded = [] {
    bool found = false;
    dl_iterate_phdr([](dl_phdr_info* info, size_t, void* data) {
      if (info->dlpi_name && std::strstr(info->dlpi_name, "/libdnnl.so")) *static_cast<bool*>(data) = true;
      return 0;
    }, &found);
    return found;
  }();
  return loaded;
}

// A CPU aten::convolution (input first) or aten::convolution_backward (grad_output, input, ...).
inline bool avoidOnednn(const c10::OperatorHandle& op, const torch::jit::Stack& stack) {
  const auto& name = op.operator_name();
  if (!name.overload_name.empty()) return false;
  if (name.name == "aten::convolution") return stack.size() == 9 && stack[0].isTensor() && stack[0].toTensor().is_cpu() && sharedOnednnLoaded();
  if (name.name == "aten::convolution_backward") return stack.size() == 11 && stack[1].isTensor() && stack[1].toTensor().is_cpu() && sharedOnednnLoaded();
  return false;
}

// Runs op on stack, with oneDNN switched off for the calls above (a global flag, read when ATen picks
// the kernel on this thread; the addon calls ATen from the JS thread only).
inline void callBoxed(const c10::OperatorHandle& op, torch::jit::Stack* stack) {
  if (!avoidOnednn(op, *stack)) return op.callBoxed(stack);
  auto& context = at::globalContext();
  bool was = context.userEnabledMkldnn();
  context.setUserEnabledMkldnn(false);
  try {
    op.callBoxed(stack);
  } catch (...) {
    context.setUserEnabledMkldnn(was);
    throw;
  }
  context.setUserEnabledMkldnn(was);
}
#else
inline bool sharedOnednnLoaded() { return false; }
inline void callBoxed(const c10::OperatorHandle& op, torch::jit::Stack* stack) { op.callBoxed(stack); }
#endif
}  // namespace cnnlab_compat
