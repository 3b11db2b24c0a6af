#include "alith/inference/devices.h"

#include <gtest/gtest.h>

namespace alith::inference {
namespace {

TEST(Devices, TheCpuIsListedWithCoresAndMemory) {
  const auto info = system_info();
  ASSERT_FALSE(info.devices.empty());
  bool cpu = false;
  for (const auto& d : info.devices) cpu |= d.type == Device::Type::cpu;
  EXPECT_TRUE(cpu);
  EXPECT_GT(info.logical_cores, 0);
  EXPECT_GT(info.physical_cores, 0);
  EXPECT_LE(info.physical_cores, info.logical_cores);
  EXPECT_GT(info.ram_total, 0u);
  EXPECT_FALSE(info.cpu_features.empty());
}

TEST(Devices, DefaultsFollowTheMachine) {
  EXPECT_GE(default_threads(), 1);
  EXPECT_EQ(default_gpu_layers() > 0, system_info().has_gpu());
}

}  // namespace
}  // namespace alith::inference
