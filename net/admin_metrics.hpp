// GET /metrics on the admin address: every metric of support/metrics.hpp
// rendered in the Prometheus text format 0.0.4, plus the gauges read at
// scrape time (docs/operations.md, "Metrics").
#pragma once

#include "net/beast.hpp"
#include "net/http_reply.hpp"

namespace sockd::net {

struct server_state;

/// The scrape answer (200, text/plain; version=0.0.4); `head`: no body.
response metrics_reply(const server_state& st, const reply_info& info,
                       bool head);

} // namespace sockd::net
