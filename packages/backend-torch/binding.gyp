{
  "targets": [
    {
      "target_name": "cnnlab_torch",
      "sources": ["native/addon.cc"],
      "include_dirs": ["<!@(node scripts/libtorch-paths.cjs include)"],
      "libraries": ["<!@(node scripts/libtorch-paths.cjs libs)"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter"],
      "defines": ["_GLIBCXX_USE_CXX11_ABI=<!(node scripts/libtorch-paths.cjs abi)"]
    }
  ]
}
