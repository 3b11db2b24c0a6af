#pragma once

// What this machine offers for inference, from ggml's backend registry, and the defaults derived from it.

#include <cstdint>
#include <string>
#include <vector>

namespace alith::inference {

struct Device {
  enum class Type { cpu, gpu, integrated_gpu, accelerator };
  Type type = Type::cpu;
  std::string name;         // e.g. "CPU", "CUDA0"
  std::string description;  // e.g. the CPU or GPU model
  uint64_t memory_total = 0;
  uint64_t memory_free = 0;
};

struct SystemInfo {
  std::vector<Device> devices;
  std::string cpu_features;  // llama.cpp's summary: SIMD extensions compiled in and detected
  int logical_cores = 0;
  int physical_cores = 0;
  uint64_t ram_total = 0;
  uint64_t ram_available = 0;
  bool has_gpu() const;
};

SystemInfo system_info();

// Threads for token generation: the physical cores (hyper-threads slow decoding down), at least 1.
int default_threads();
// Layers to offload: all when a GPU backend is present, none otherwise.
int default_gpu_layers();

}  // namespace alith::inference
