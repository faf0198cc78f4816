#include "store/run_id.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <random>

namespace baton::store {

std::string new_run_id() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::random_device random;
  return fmt::format("{:04}{:02}{:02}-{:02}{:02}{:02}-{:04x}", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, random() & 0xffff);
}

}  // namespace baton::store
