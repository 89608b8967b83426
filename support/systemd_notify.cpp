#include "support/systemd_notify.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sockd {

bool systemd_notify(std::string_view state, std::string& error) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (name == nullptr || *name == '\0')
    return true;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  size_t len = std::strlen(name);
  if ((name[0] != '/' && name[0] != '@') || len >= sizeof(addr.sun_path)) {
    error = "NOTIFY_SOCKET is neither a path nor an abstract name";
    return false;
  }
  std::memcpy(addr.sun_path, name, len);
  if (name[0] == '@')
    addr.sun_path[0] = '\0';
  // An abstract name's length counts exactly; a path's ends at its NUL.
  auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len
                                         + (name[0] == '/' ? 1 : 0));
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string{"NOTIFY_SOCKET: socket: "} + std::strerror(errno);
    return false;
  }
  auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&addr), addr_len);
  int err = errno;
  ::close(fd);
  if (sent != static_cast<ssize_t>(state.size())) {
    error = std::string{"NOTIFY_SOCKET: sendto: "}
            + (sent < 0 ? std::strerror(err) : "short write");
    return false;
  }
  return true;
}

} // namespace sockd
