// The config file parser (config/options.hpp, parse_options with --config):
// the input is the file, up to a "\0\0" after which '\0'-separated command
// line arguments follow. Whatever the text, parse_options answers with
// options or an error; options it accepts pass the checks that span options
// (jwt_secret length, dev on loopback, cluster TLS files all or none).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "config/options.hpp"

namespace {

void require(bool ok) {
  if (!ok)
    std::abort();
}

// One in-memory file (memfd, named by /proc/self/fd/N) for the whole run,
// rewritten for every input: no disk between the fuzzer and the parser.
struct temp_file {
  std::string path;
  int fd = -1;

  temp_file() {
    fd = memfd_create("sockd-fuzz-config", 0);
    require(fd >= 0);
    path = "/proc/self/fd/" + std::to_string(fd);
  }

  ~temp_file() {
    close(fd);
  }

  void write_all(std::string_view text) {
    require(ftruncate(fd, 0) == 0);
    size_t done = 0;
    while (done < text.size()) {
      auto n = pwrite(fd, text.data() + done, text.size() - done,
                      static_cast<off_t>(done));
      require(n > 0);
      done += static_cast<size_t>(n);
    }
  }
};

bool loopback(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static temp_file file;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto split = input.find(std::string_view{"\0\0", 2});
  file.write_all(input.substr(0, split));
  std::vector<std::string> args{"--config=" + file.path};
  if (split != std::string_view::npos) {
    auto rest = input.substr(split + 2);
    while (!rest.empty()) {
      auto nul = rest.find('\0');
      auto arg = rest.substr(0, nul);
      // Another --config could name a file that blocks (/dev/stdin).
      if (arg.substr(0, 8) == "--config")
        return 0;
      args.emplace_back(arg);
      rest = nul == rest.npos ? std::string_view{} : rest.substr(nul + 1);
    }
  }
  std::vector<const char*> argv;
  for (auto& a : args)
    argv.push_back(a.c_str());
  const char* envp[] = {nullptr};
  auto res = sockd::parse_options(static_cast<int>(argv.size()), argv.data(),
                                  envp);
  if (res.help)
    return 0;
  require(res.opts.has_value() != !res.error.empty());
  if (auto& o = res.opts) {
    require(o->jwt_secret.empty() || o->jwt_secret.size() >= 32);
    require(!o->dev || o->dev_allow_remote || loopback(o->listen_host()));
    int tls = !o->cluster_tls_cert.empty() + !o->cluster_tls_key.empty()
              + !o->cluster_tls_ca.empty();
    require(tls == 0 || tls == 3);
    require(o->network_threads() >= 1 && o->scheduler_threads() >= 1);
  }
  return 0;
}
