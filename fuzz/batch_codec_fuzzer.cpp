// Fuzzes the reading of a run journal's records (store/batch_codec), which baton reads back
// after a crash or a power cut may have left anything in the file: any bytes are refused or
// read as a Batch, and a Batch read encodes to bytes that read back to the same encoding.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "store/batch_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto batch = baton::store::decode(bytes);
  if (!batch) return 0;
  std::string once;
  baton::store::encode(*batch, once);
  auto again = baton::store::decode(once);
  BATON_FUZZ_CHECK(again.has_value(), "what encode() wrote does not decode");
  std::string twice;
  baton::store::encode(*again, twice);
  BATON_FUZZ_CHECK(once == twice, "a decoded batch does not encode the same way twice");
  return 0;
}
