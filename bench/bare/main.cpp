// bare_beast_server: the reference for sockd's benchmark. Same libraries
// (Asio, Beast, nlohmann), no actors, no database, no checks: what a
// broadcast costs with nothing in the way.
//
//   bare_beast_server --listen=127.0.0.1:9000 [--threads=2]
//                     [--mode=coalesce|naive] [--max_queued_bytes=1048576]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include "bare/hub.hpp"
#include "bare/listener.hpp"
#include "common/file_limit.hpp"

namespace {

namespace net = boost::asio;

struct cli {
  std::string host = "127.0.0.1";
  unsigned short port = 9000;
  int threads = 2;
  bench::bare::server_config cfg;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "bare_beast_server: %s\nusage: bare_beast_server "
               "--listen=HOST:PORT [--threads=N] [--mode=coalesce|naive] "
               "[--max_queued_bytes=N]\n",
               why);
  std::exit(2);
}

long parse_number(const std::string& value, long lo, long hi,
                  const char* what) {
  char* end = nullptr;
  auto n = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || n < lo || n > hi)
    usage(what);
  return n;
}

cli parse(int argc, char** argv) {
  cli c;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos)
      usage(("bad argument: " + arg).c_str());
    auto key = arg.substr(2, eq - 2);
    auto value = arg.substr(eq + 1);
    if (key == "listen") {
      auto colon = value.rfind(':');
      if (colon == std::string::npos)
        usage("--listen wants HOST:PORT");
      c.host = value.substr(0, colon);
      c.port = static_cast<unsigned short>(
        parse_number(value.substr(colon + 1), 1, 65535, "bad port"));
    } else if (key == "threads") {
      c.threads = static_cast<int>(parse_number(value, 1, 64, "bad threads"));
    } else if (key == "mode") {
      if (value != "coalesce" && value != "naive")
        usage("--mode is coalesce or naive");
      c.cfg.coalesce = value == "coalesce";
    } else if (key == "max_queued_bytes") {
      c.cfg.max_queued_bytes = static_cast<size_t>(
        parse_number(value, 1024, 1L << 30, "bad max_queued_bytes"));
    } else {
      usage(("unknown option: " + key).c_str());
    }
  }
  return c;
}

} // namespace

int main(int argc, char** argv) {
  auto c = parse(argc, argv);
  bench::raise_file_limit();
  boost::system::error_code ec;
  auto addr = net::ip::make_address(c.host, ec);
  if (ec)
    usage("--listen host is not an IP address");
  net::io_context ioc{c.threads};
  bench::bare::hub h{c.cfg.coalesce};
  try {
    std::make_shared<bench::bare::listener>(
      ioc, net::ip::tcp::endpoint{addr, c.port}, h, c.cfg)
      ->run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bare_beast_server: cannot listen: %s\n", e.what());
    return 1;
  }
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  signals.async_wait([&ioc](const boost::system::error_code&, int) {
    ioc.stop();
  });
  std::fprintf(stderr,
               "bare_beast_server: listening on %s:%u, %d threads, %s\n",
               c.host.c_str(), c.port, c.threads,
               c.cfg.coalesce ? "coalescing writes" : "one write per message");
  std::vector<std::thread> threads;
  for (int i = 1; i < c.threads; ++i)
    threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads)
    t.join();
  return 0;
}
