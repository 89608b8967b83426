#define CAF_SUITE config.admin
// The admin listener's options (config/checks.hpp): admin_listen, api_key
// and its length, api_key_file, metrics_require_key.
#include <caf/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "tests/unit/config/options_fixture.hpp"

using namespace sockd;
using namespace sockd::options_test;

namespace {

const std::string key(32, 'k');

std::string temp_file(const std::string& text) {
  char name[] = "/tmp/sockd-api-key-XXXXXX";
  auto fd = mkstemp(name);
  CAF_REQUIRE(fd >= 0);
  std::ofstream{name} << text;
  return name;
}

} // namespace

CAF_TEST(admin defaults) {
  auto o = opts_of({"--dev"});
  CAF_CHECK_EQUAL(o.admin_listen, "127.0.0.1:8081");
  CAF_CHECK_EQUAL(o.api_key, "");
  CAF_CHECK_EQUAL(o.metrics_require_key, false);
  CAF_CHECK_EQUAL(opts_of({"--dev", "--admin_listen="}).admin_listen, "");
}

CAF_TEST(a short api key is refused naming the option) {
  CAF_CHECK_EQUAL(error_of({"--dev", "--api_key=" + std::string(31, 'k')}),
                  "api_key: the key is 31 bytes, too short (at least 32)");
  CAF_CHECK_EQUAL(opts_of({"--dev", "--api_key=" + key}).api_key, key);
}

CAF_TEST(api_key_file is read with its trailing newline trimmed) {
  auto path = temp_file(key + "\n");
  CAF_CHECK_EQUAL(opts_of({"--dev", "--api_key_file=" + path}).api_key, key);
  CAF_CHECK_EQUAL(error_of({"--dev", "--api_key_file=" + path,
                            "--api_key=" + key}),
                  "api_key_file: set together with api_key; set one of them");
  auto short_path = temp_file("abc\r\n");
  CAF_CHECK_EQUAL(error_of({"--dev", "--api_key_file=" + short_path}),
                  "api_key_file: the key is 3 bytes, too short (at least "
                  "32)");
  std::remove(path.c_str());
  std::remove(short_path.c_str());
  CAF_CHECK_EQUAL(error_of({"--dev", "--api_key_file=/nonexistent/key"}),
                  "api_key_file: cannot read '/nonexistent/key'");
}

CAF_TEST(admin_listen must differ from listen and be an address) {
  CAF_CHECK_EQUAL(error_of({"--dev", "--admin_listen=127.0.0.1:8080"}),
                  "admin_listen: '127.0.0.1:8080' is the listen address; the "
                  "operator address must be another one (or empty: off)");
  CAF_CHECK_EQUAL(error_of({"--dev", "--admin_listen=nonsense"}),
                  "admin_listen: 'nonsense' is not host:port (command line)");
  // Port 0 twice: two different free ports.
  CAF_CHECK_EQUAL(parse({"--dev", "--listen=127.0.0.1:0",
                         "--admin_listen=127.0.0.1:0"})
                    .error,
                  "");
}

CAF_TEST(metrics_require_key needs a key) {
  CAF_CHECK_EQUAL(error_of({"--dev", "--metrics_require_key"}),
                  "metrics_require_key: set without api_key (or "
                  "api_key_file)");
  CAF_CHECK_EQUAL(
    parse({"--dev", "--metrics_require_key", "--api_key=" + key}).error, "");
}

CAF_TEST(admin_max_connections is a bounded count) {
  CAF_CHECK_EQUAL(opts_of({"--dev"}).admin_max_connections, 64);
  CAF_CHECK_EQUAL(opts_of({"--dev", "--admin_max_connections=3"})
                    .admin_max_connections,
                  3);
  CAF_CHECK_EQUAL(error_of({"--dev", "--admin_max_connections=0"}),
                  "admin_max_connections: '0' is out of range (1 to 100000) "
                  "(command line)");
}
