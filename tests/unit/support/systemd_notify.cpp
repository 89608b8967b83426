#define CAF_SUITE support.systemd_notify
// sd_notify over a real AF_UNIX datagram socket, as systemd listens.
#include <caf/test/unit_test.hpp>

#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "support/systemd_notify.hpp"

using namespace sockd;

namespace {

// A datagram socket bound like systemd's notify socket: a path, or an
// abstract name when `name` starts with '@'.
struct notify_listener {
  int fd = -1;
  std::string name;

  explicit notify_listener(std::string n) : name(std::move(n)) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.data(), name.size());
    socklen_t len = offsetof(sockaddr_un, sun_path) + name.size();
    if (name[0] == '@')
      addr.sun_path[0] = '\0';
    else
      ::unlink(name.c_str());
    CAF_REQUIRE(fd >= 0);
    CAF_REQUIRE_EQUAL(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }

  ~notify_listener() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd);
    if (name[0] == '/')
      ::unlink(name.c_str());
  }

  // The next datagram (the send already happened: it is queued).
  std::string next() {
    char buf[256];
    auto n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    return n < 0 ? std::string{"(nothing)"} : std::string(buf, n);
  }
};

} // namespace

CAF_TEST(READY=1 reaches a socket named by a path) {
  notify_listener systemd{"/tmp/sockd-notify-test-" + std::to_string(getpid())};
  std::string error;
  CAF_CHECK(systemd_notify("READY=1", error));
  CAF_CHECK_EQUAL(error, "");
  CAF_CHECK_EQUAL(systemd.next(), "READY=1");
  CAF_CHECK(systemd_notify("STOPPING=1", error));
  CAF_CHECK_EQUAL(systemd.next(), "STOPPING=1");
}

CAF_TEST(READY=1 reaches an abstract socket) {
  notify_listener systemd{"@sockd-notify-test-" + std::to_string(getpid())};
  std::string error;
  CAF_CHECK(systemd_notify("READY=1", error));
  CAF_CHECK_EQUAL(systemd.next(), "READY=1");
}

CAF_TEST(without NOTIFY_SOCKET nothing is sent and nothing fails) {
  ::unsetenv("NOTIFY_SOCKET");
  std::string error;
  CAF_CHECK(systemd_notify("READY=1", error));
  CAF_CHECK_EQUAL(error, "");
}

CAF_TEST(a socket nobody listens on is an error) {
  ::setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1);
  std::string error;
  CAF_CHECK(!systemd_notify("READY=1", error));
  CAF_CHECK_EQUAL(error, "NOTIFY_SOCKET: sendto: No such file or directory");
  ::setenv("NOTIFY_SOCKET", "relative/notify", 1);
  CAF_CHECK(!systemd_notify("READY=1", error));
  CAF_CHECK_EQUAL(error,
                  "NOTIFY_SOCKET is neither a path nor an abstract name");
  ::unsetenv("NOTIFY_SOCKET");
}
