#include "net/server.hpp"

#include <algorithm>
#include <chrono>

#include "net/admin_listener.hpp"
#include "net/listen_tls.hpp"
#include "net/listener.hpp"
#include "net/server_state.hpp"
#include "support/log.hpp"

namespace sockd {

namespace {

using clock = std::chrono::steady_clock;

// How long stop() lets sessions close in order, then after cutting their
// sockets how long it waits for the last handlers to run.
constexpr auto close_grace = std::chrono::seconds(2);
constexpr auto cut_grace = std::chrono::milliseconds(500);

} // namespace

server::server(server_services services) {
  auto threads = services.opts.network_threads();
  state_ = std::make_shared<net::server_state>(std::move(services), threads);
}

server::~server() {
  stop();
}

bool server::start(std::string& error) {
  if (running_) {
    error = "server already started";
    return false;
  }
  auto& opts = state_->svc.opts;
  if (!opts.tls_cert.empty()) {
    auto ctx = net::listen_tls::load(opts.tls_cert, opts.tls_key, error);
    if (!ctx)
      return false;
    state_->tls = std::make_shared<net::listen_tls>(opts.tls_cert,
                                                    opts.tls_key, ctx);
  }
  net::tcp::endpoint endpoint;
  if (!net::resolve_listen(opts.listen_host(), opts.listen_port(), endpoint,
                           error))
    return false;
  listener_ = std::make_shared<net::listener>(state_);
  if (!listener_->open(endpoint, error)) {
    listener_.reset();
    return false;
  }
  if (!open_admin(error)) {
    listener_.reset();
    return false;
  }
  auto bound = listener_->local_endpoint();
  port_ = bound.port();
  listener_->run();
  if (admin_)
    admin_->run();
  auto count = opts.network_threads();
  threads_.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i)
    threads_.emplace_back([st = state_] { st->ioc.run(); });
  running_ = true;
  log_info("sockd listening on " + net::endpoint_string(bound)
           + (state_->tls ? " (https/wss)" : ""));
  if (admin_)
    log_info("sockd admin listening on "
             + net::endpoint_string(admin_->local_endpoint()));
  return true;
}

bool server::open_admin(std::string& error) {
  auto& opts = state_->svc.opts;
  if (opts.admin_listen.empty())
    return true;
  net::tcp::endpoint endpoint;
  if (!net::resolve_listen(opts.admin_host(), opts.admin_port(), endpoint,
                           error)) {
    error = "admin_listen: " + error;
    return false;
  }
  admin_ = std::make_shared<net::admin_listener>(state_);
  if (!admin_->open(endpoint, error)) {
    error = "admin_listen: " + error;
    admin_.reset();
    return false;
  }
  admin_port_ = admin_->local_endpoint().port();
  return true;
}

bool server::reload_tls(std::string& error) {
  if (!state_->tls) {
    error = "no tls_cert and tls_key configured";
    return false;
  }
  return state_->tls->reload(error);
}

std::string server::check_tls(const options& opts) {
  if (opts.tls_cert.empty())
    return {};
  std::string error;
  net::listen_tls::load(opts.tls_cert, opts.tls_key, error);
  return error;
}

uint16_t server::port() const {
  return port_;
}

uint16_t server::admin_port() const {
  return admin_port_;
}

void server::stop() {
  if (!running_)
    return;
  running_ = false;
  state_->stopping = true;
  listener_->stop();
  if (admin_)
    admin_->stop();
  for (auto& session : state_->sessions.live())
    session->stop(false);
  if (!state_->sessions.wait_empty(clock::now() + close_grace)) {
    log_warn("stop: " + std::to_string(state_->sessions.size())
             + " sessions did not close in time; cutting them");
    for (auto& session : state_->sessions.live())
      session->stop(true);
    state_->sessions.wait_empty(clock::now() + cut_grace);
  }
  // Every socket is closed now; what is left in the io_context are the
  // last completion handlers (and answers still coming back from actors).
  // Those get the cut grace too, then the threads stop regardless.
  auto deadline = clock::now() + cut_grace;
  while (!state_->ioc.stopped() && clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  state_->ioc.stop();
  for (auto& t : threads_)
    t.join();
  threads_.clear();
  // Run what completed meanwhile, so no handler is left holding a session
  // (and through it the io_context) when the state goes.
  state_->ioc.restart();
  state_->ioc.poll();
  listener_.reset();
  admin_.reset();
}

} // namespace sockd
