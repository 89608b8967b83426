#include "db/subprocess.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sockd::db {

namespace {

constexpr size_t max_output = 64 * 1024;

std::string errno_text(const char* what, int code) {
  return std::string{what} + ": " + std::strerror(code);
}

// Owns a file descriptor.
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0)
      ::close(fd);
  }
};

// Owns posix_spawn's file actions.
struct actions_guard {
  posix_spawn_file_actions_t actions;
  bool ok = false;
  actions_guard() {
    ok = posix_spawn_file_actions_init(&actions) == 0;
  }
  ~actions_guard() {
    if (ok)
      posix_spawn_file_actions_destroy(&actions);
  }
};

// Reads the child's output until it closes the pipe or the deadline passes;
// false on timeout.
bool collect(int fd, std::string& out,
             std::chrono::steady_clock::time_point deadline) {
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd, POLLIN, 0};
    auto n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false; // timeout or a broken poll: give up on the child
    auto got = ::read(fd, buf, sizeof(buf));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return true;
    auto keep = std::min(static_cast<size_t>(got), max_output - out.size());
    out.append(buf, keep);
  }
}

} // namespace

process_result run_process(const std::vector<std::string>& argv,
                           const std::string& cwd,
                           std::chrono::seconds timeout) {
  process_result result;
  if (argv.empty()) {
    result.error = "no program given";
    return result;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    result.error = errno_text("pipe", errno);
    return result;
  }
  fd_guard read_end{fds[0]};
  fd_guard write_end{fds[1]};
  actions_guard fa;
  if (!fa.ok) {
    result.error = "posix_spawn_file_actions_init failed";
    return result;
  }
  posix_spawn_file_actions_addopen(&fa.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa.actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa.actions, fds[1], 2);
  if (!cwd.empty())
    posix_spawn_file_actions_addchdir_np(&fa.actions, cwd.c_str());
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  auto rc = ::posix_spawnp(&pid, args[0], &fa.actions, nullptr, args.data(),
                           environ);
  if (rc != 0) {
    result.error = errno_text(argv[0].c_str(), rc);
    return result;
  }
  ::close(write_end.fd);
  write_end.fd = -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto finished = collect(read_end.fd, result.output, deadline);
  int status = 0;
  // The child closed its output; give it until the deadline to exit too.
  while (finished) {
    auto got = ::waitpid(pid, &status, WNOHANG);
    if (got == pid)
      break;
    if (got < 0 && errno != EINTR) {
      result.error = errno_text("waitpid", errno);
      return result;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      finished = false;
    else
      ::usleep(10 * 1000);
  }
  if (!finished) {
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      // retry
    }
    result.error = argv[0] + " did not finish within "
                   + std::to_string(timeout.count()) + " s";
    return result;
  }
  result.ran = true;
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  return result;
}

} // namespace sockd::db
