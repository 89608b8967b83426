// Request-target helpers (net/query_string.hpp) on any target: the path,
// percent-decoding in both modes and query_param with a fuzzed name.
// Decoding never grows the text and undoes a strict percent-encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include "net/query_string.hpp"

namespace {

using namespace sockd::net;

void require(bool ok) {
  if (!ok)
    std::abort();
}

// Every byte but unreserved ones as %XX.
std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
                 || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in{data, size};
  auto name = in.ConsumeRandomLengthString(64);
  auto target = in.ConsumeRemainingBytesAsString();
  for (bool plus : {false, true}) {
    auto dec = percent_decode(target, plus);
    if (dec) {
      require(dec->size() <= target.size());
      auto again = percent_decode(percent_encode(*dec), plus);
      require(again && *again == *dec);
    }
  }
  auto path = target_path(target);
  require(path.size() <= target.size());
  auto value = query_param(target, name);
  if (value)
    require(value->size() <= target.size());
  // A parameter put in by the rules is found again.
  auto built = "/sock?" + percent_encode(name) + "=" + percent_encode(target);
  auto found = query_param(built, name);
  require(found && *found == target);
  return 0;
}
