// What doctor reports about CUDA: whether this libtorch was built with it
// (libc10_cuda registered its device guard), and what the NVIDIA driver says.
// The driver API is reached through dlopen, as libtorch itself does, so the
// addon needs no CUDA headers and loads where there is no driver.
#pragma once

#include <c10/core/impl/DeviceGuardImplInterface.h>
#include <dlfcn.h>

#include <string>
#include <vector>

namespace cnnlab_cuda {

struct Probe {
  bool built = false;      // libtorch has its CUDA kernels (libtorch_cuda/libc10_cuda linked)
  std::string driver;      // '' when the driver answered, else why not
  std::vector<std::string> gpus;
};

inline Probe probe() {
  Probe p;
  p.built = c10::impl::hasDeviceGuardImpl(c10::DeviceType::CUDA);
  void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!lib) {
    p.driver = "no NVIDIA driver (libcuda.so.1 not found)";
    return p;
  }
  using Init = int (*)(unsigned);
  using Count = int (*)(int*);
  using Get = int (*)(int*, int);
  using Name = int (*)(char*, int, int);
  auto init = reinterpret_cast<Init>(dlsym(lib, "cuInit"));
  auto count = reinterpret_cast<Count>(dlsym(lib, "cuDeviceGetCount"));
  auto get = reinterpret_cast<Get>(dlsym(lib, "cuDeviceGet"));
  auto name = reinterpret_cast<Name>(dlsym(lib, "cuDeviceGetName"));
  if (!init || !count || !get || !name) {
    p.driver = "libcuda.so.1 lacks the driver API";
    return p;
  }
  int rc = init(0);
  if (rc != 0) {
    // 100 CUDA_ERROR_NO_DEVICE, 999 unknown (often no /dev/nvidia*), 35 driver too old...
    p.driver = rc == 100 ? "the NVIDIA driver sees no GPU (CUDA_ERROR_NO_DEVICE)" : "cuInit failed with CUresult " + std::to_string(rc);
    return p;
  }
  int n = 0;
  count(&n);
  for (int i = 0; i < n; i++) {
    int dev = 0;
    char buf[256] = {0};
    if (get(&dev, i) == 0 && name(buf, sizeof buf, dev) == 0) p.gpus.emplace_back(buf);
  }
  if (n == 0) p.driver = "the NVIDIA driver sees no GPU";
  return p;
}

}  // namespace cnnlab_cuda
