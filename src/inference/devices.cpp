#include "alith/inference/devices.h"

#include <ggml-backend.h>
#include <llama.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "backend.h"

namespace alith::inference {

namespace {

// Physical cores from /proc/cpuinfo (distinct physical id/core id pairs); the logical count when unknown.
int count_physical_cores() {
  std::ifstream in("/proc/cpuinfo");
  std::set<std::pair<std::string, std::string>> cores;
  std::string line, physical = "0";
  while (std::getline(in, line)) {
    auto value = [&] { return line.substr(line.find(':') + 1); };
    if (line.rfind("physical id", 0) == 0) physical = value();
    if (line.rfind("core id", 0) == 0) cores.emplace(physical, value());
  }
  const int logical = static_cast<int>(std::thread::hardware_concurrency());
  if (cores.empty()) return logical > 0 ? logical : 1;
  return static_cast<int>(cores.size());
}

Device::Type device_type(enum ggml_backend_dev_type type) {
  switch (type) {
    case GGML_BACKEND_DEVICE_TYPE_GPU:
      return Device::Type::gpu;
    case GGML_BACKEND_DEVICE_TYPE_IGPU:
      return Device::Type::integrated_gpu;
    case GGML_BACKEND_DEVICE_TYPE_ACCEL:
      return Device::Type::accelerator;
    default:
      return Device::Type::cpu;
  }
}

}  // namespace

bool SystemInfo::has_gpu() const {
  for (const auto& d : devices) {
    if (d.type == Device::Type::gpu || d.type == Device::Type::integrated_gpu) return true;
  }
  return false;
}

SystemInfo system_info() {
  detail::ensure_backend();
  SystemInfo info;
  for (size_t i = 0; i < ggml_backend_dev_count(); ++i) {
    ggml_backend_dev_t dev = ggml_backend_dev_get(i);
    Device d;
    d.type = device_type(ggml_backend_dev_type(dev));
    d.name = ggml_backend_dev_name(dev);
    d.description = ggml_backend_dev_description(dev);
    size_t free = 0, total = 0;
    ggml_backend_dev_memory(dev, &free, &total);
    d.memory_free = free;
    d.memory_total = total;
    info.devices.push_back(std::move(d));
  }
  info.cpu_features = llama_print_system_info();
  info.logical_cores = static_cast<int>(std::thread::hardware_concurrency());
  info.physical_cores = count_physical_cores();
  const long page = sysconf(_SC_PAGESIZE);
  info.ram_total = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(page);
  info.ram_available = static_cast<uint64_t>(sysconf(_SC_AVPHYS_PAGES)) * static_cast<uint64_t>(page);
  return info;
}

int default_threads() {
  static const int threads = count_physical_cores();  // immutable once computed
  return threads > 0 ? threads : 1;
}

int default_gpu_layers() {
  detail::ensure_backend();
  for (size_t i = 0; i < ggml_backend_dev_count(); ++i) {
    const auto type = ggml_backend_dev_type(ggml_backend_dev_get(i));
    if (type == GGML_BACKEND_DEVICE_TYPE_GPU || type == GGML_BACKEND_DEVICE_TYPE_IGPU) return 999;
  }
  return 0;
}

}  // namespace alith::inference
