// Times one database request for the sockd_db_* metrics: its latency in
// the kind's histogram and its outcome in sockd_db_requests_total.
#pragma once

#include <chrono>

#include <caf/result.hpp>

#include "support/sockd_metrics.hpp"

namespace sockd::db {

class request_timer {
public:
  explicit request_timer(metrics::db_kind kind)
    : m_(metrics::sockd.of(kind)), start_(std::chrono::steady_clock::now()) {
    // nop
  }

  void finish(bool ok) {
    std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                         - start_;
    m_.latency.observe(took.count());
    (ok ? m_.ok : m_.error).inc();
  }

  template <class... Ts>
  caf::result<Ts...> done(caf::result<Ts...> r) {
    finish(r.flag != caf::rt_error);
    return r;
  }

private:
  metrics::db_metrics& m_;
  std::chrono::steady_clock::time_point start_;
};

} // namespace sockd::db
