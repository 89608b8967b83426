#include "db/private_postgres.hpp"

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/log_text.hpp"
#include "db/subprocess.hpp"
#include "support/log.hpp"
#include "support/strings.hpp"

namespace sockd {

namespace {

using std::chrono::seconds;

constexpr const char* fallback_bindir = "/usr/lib/postgresql/15/bin";
constexpr int start_attempts = 3;
constexpr off_t max_log_bytes = 16 * 1024 * 1024;

bool is_executable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Quotes for /bin/sh: pg_ctl hands its -o string to a shell.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (auto c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  out += '\'';
  return out;
}

// A port nobody listens on right now (the kernel's pick for port 0).
uint16_t free_port(std::string& error) {
  auto fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string{"socket: "} + std::strerror(errno);
    return 0;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0
      && ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  else
    error = std::string{"bind 127.0.0.1:0: "} + std::strerror(errno);
  ::close(fd);
  return port;
}

std::string describe(const db::process_result& r, const std::string& what) {
  if (!r.ran)
    return what + ": " + r.error;
  return what + " exited with " + std::to_string(r.exit_code) + ": "
         + std::string{trim(r.output)};
}

} // namespace

private_postgres::private_postgres(std::string data_dir)
  : data_dir_(std::move(data_dir)) {
  // nop
}

private_postgres::~private_postgres() {
  if (running_) {
    auto err = stop();
    if (!err.empty())
      log_error(db::log_text("stopping the private PostgreSQL: " + err));
  }
  if (lock_fd_ >= 0)
    ::close(lock_fd_); // releases the lock
}

std::string private_postgres::start() {
  if (running_)
    return {};
  std::string err;
  if (err = find_bindir(); !err.empty())
    return err;
  if (err = prepare_directories(); !err.empty())
    return err;
  if (err = lock_data_dir(); !err.empty())
    return err;
  if (err = init_cluster(); !err.empty())
    return err;
  if (err = stop_leftover(); !err.empty())
    return err;
  return start_server();
}

std::string private_postgres::stop() {
  if (!running_)
    return {};
  auto r = db::run_process(command("pg_ctl", {"-D", pgdata_, "-m", "fast",
                                              "-w", "-t", "60", "stop"}),
                           cluster_dir_, seconds{90});
  if (!r.ran || r.exit_code != 0)
    return describe(r, "pg_ctl stop");
  running_ = false;
  return {};
}

std::string private_postgres::find_bindir() {
  auto r = db::run_process({"pg_config", "--bindir"}, {}, seconds{10});
  if (r.ran && r.exit_code == 0) {
    auto dir = std::string{trim(r.output)};
    if (is_executable(dir + "/pg_ctl") && is_executable(dir + "/initdb")) {
      bindir_ = dir;
      return {};
    }
  }
  if (is_executable(std::string{fallback_bindir} + "/pg_ctl")
      && is_executable(std::string{fallback_bindir} + "/initdb")) {
    bindir_ = fallback_bindir;
    return {};
  }
  return "PostgreSQL 15 not found (neither pg_config --bindir nor "
         + std::string{fallback_bindir} + " has pg_ctl and initdb)";
}

std::string private_postgres::prepare_directories() {
  if (data_dir_.empty())
    return "data_dir is empty";
  if (::mkdir(data_dir_.c_str(), 0755) != 0 && errno != EEXIST)
    return "cannot create " + data_dir_ + ": " + std::strerror(errno);
  char abs[PATH_MAX];
  if (::realpath(data_dir_.c_str(), abs) == nullptr)
    return "cannot resolve " + data_dir_ + ": " + std::strerror(errno);
  cluster_dir_ = std::string{abs} + "/postgresql";
  pgdata_ = cluster_dir_ + "/data";
  if (::mkdir(cluster_dir_.c_str(), 0700) != 0 && errno != EEXIST)
    return "cannot create " + cluster_dir_ + ": " + std::strerror(errno);
  as_postgres_ = ::geteuid() == 0;
  if (!as_postgres_)
    return {};
  auto* pw = ::getpwnam("postgres");
  if (pw == nullptr)
    return "running as root, but there is no `postgres` account to run"
           " PostgreSQL as";
  uid_ = pw->pw_uid;
  gid_ = pw->pw_gid;
  // Only the top directory: initdb creates the rest as `postgres`.
  if (::lchown(cluster_dir_.c_str(), uid_, gid_) != 0)
    return "cannot hand " + cluster_dir_ + " to postgres: "
           + std::strerror(errno);
  return {};
}

std::string private_postgres::lock_data_dir() {
  if (lock_fd_ >= 0)
    return {};
  auto path = cluster_dir_.substr(0, cluster_dir_.rfind('/')) + "/sockd.lock";
  // O_CLOEXEC: PostgreSQL, started from here, must not inherit the lock and
  // keep it after this process is gone.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return "cannot open " + path + ": " + std::strerror(errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto why = errno;
    char buf[32] = {};
    auto n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    ::close(fd);
    if (why != EWOULDBLOCK)
      return "cannot lock " + path + ": " + std::strerror(why);
    return "data_dir " + data_dir_ + " is in use by another running sockd"
           + (n > 0 ? " (pid " + std::string{trim(std::string_view{buf, size_t(n)})} + ")"
                    : std::string{})
           + "; each sockd needs a data_dir of its own";
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0
      || ::pwrite(fd, pid.data(), pid.size(), 0)
           != static_cast<ssize_t>(pid.size()))
    log_warn(db::log_text("cannot write the pid to " + path + ": "
                          + std::strerror(errno)));
  lock_fd_ = fd;
  return {};
}

std::string private_postgres::init_cluster() {
  if (exists(pgdata_ + "/PG_VERSION"))
    return {};
  log_info(
    db::log_text("creating the private PostgreSQL cluster in " + pgdata_));
  auto r = db::run_process(command("initdb", {"-D", pgdata_, "-U", "postgres",
                                              "--auth=trust", "-E", "UTF8",
                                              "--locale=C"}),
                           cluster_dir_, seconds{300});
  if (!r.ran || r.exit_code != 0)
    return describe(r, "initdb");
  return {};
}

std::string private_postgres::stop_leftover() {
  // A crashed sockd leaves its postmaster running; pg_ctl status exits 0
  // when a server runs on this data directory. It is no other live sockd's:
  // we hold the data_dir's lock.
  auto r = db::run_process(command("pg_ctl", {"-D", pgdata_, "status"}),
                           cluster_dir_, seconds{10});
  if (!r.ran || r.exit_code != 0)
    return {};
  log_warn(db::log_text("stopping the PostgreSQL an earlier sockd left running"
                        " in "
                        + pgdata_ + " (it ended without stopping it)"));
  r = db::run_process(command("pg_ctl", {"-D", pgdata_, "-m", "fast", "-w",
                                         "-t", "60", "stop"}),
                      cluster_dir_, seconds{90});
  if (!r.ran || r.exit_code != 0)
    return describe(r, "pg_ctl stop");
  return {};
}

std::string private_postgres::start_server() {
  // The Unix socket path must fit sockaddr_un (107 bytes); when the
  // directory is too deep, TCP alone will do.
  auto socket_dir = cluster_dir_.size() + 16 < 107 ? cluster_dir_
                                                   : std::string{};
  auto log_file = cluster_dir_ + "/server.log";
  // One old log is kept, so the file cannot grow without bound over restarts.
  struct stat st;
  if (::stat(log_file.c_str(), &st) == 0 && st.st_size > max_log_bytes)
    ::rename(log_file.c_str(), (log_file + ".1").c_str());
  std::string err;
  for (int attempt = 0; attempt < start_attempts; ++attempt) {
    // A restart keeps the port, so running workers find the server again.
    auto port = attempt == 0 && port_ != 0 ? port_ : free_port(err);
    if (port == 0)
      return err;
    // log_min_messages=log: server life-cycle lines, but not one line per
    // failed query (sockd logs those it cares about itself).
    auto opts = "-p " + std::to_string(port)
                + " -c listen_addresses=127.0.0.1 -c log_min_messages=log"
                  " -k "
                + shell_quote(socket_dir);
    auto r = db::run_process(command("pg_ctl",
                                     {"-D", pgdata_, "-l", log_file, "-w",
                                      "-t", "60", "-o", opts, "start"}),
                             cluster_dir_, seconds{90});
    if (r.ran && r.exit_code == 0) {
      port_ = port;
      url_ = "postgresql://postgres@127.0.0.1:" + std::to_string(port)
             + "/postgres";
      running_ = true;
      return {};
    }
    err = describe(r, "pg_ctl start") + "\n" + log_tail();
    // Someone took the port between our probe and the server's bind.
    if (err.find("could not bind") == std::string::npos
        && err.find("already in use") == std::string::npos
        && err.find("could not create any TCP/IP sockets")
             == std::string::npos)
      break;
  }
  return err;
}

std::vector<std::string>
private_postgres::command(const std::string& program,
                          std::vector<std::string> args) const {
  std::vector<std::string> argv;
  if (as_postgres_) {
    auto runuser = is_executable("/usr/sbin/runuser") ? "/usr/sbin/runuser"
                   : is_executable("/sbin/runuser")   ? "/sbin/runuser"
                                                      : "runuser";
    argv = {runuser, "-u", "postgres", "--"};
  }
  argv.push_back(bindir_ + "/" + program);
  for (auto& a : args)
    argv.push_back(std::move(a));
  return argv;
}

std::string private_postgres::log_tail() const {
  std::ifstream in{cluster_dir_ + "/server.log", std::ios::binary};
  if (!in)
    return {};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  constexpr size_t keep = 2048;
  if (text.size() > keep)
    text.erase(0, text.size() - keep);
  return std::string{trim(text)};
}

} // namespace sockd
