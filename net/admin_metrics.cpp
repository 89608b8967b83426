#include "net/admin_metrics.hpp"

#include <string>

#include "actors/fanout_stats.hpp"
#include "interfaces/errors.hpp"
#include "net/server_state.hpp"
#include "support/process_metrics.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd::net {

namespace {

using metrics::label;

void add_traffic(metrics::registry& reg, metrics::catalogue& m) {
  reg.add("sockd_open_sockets",
          "TCP sockets open on the listen address (upgraded or not).",
          m.open_sockets);
  reg.add("sockd_connections", "Upgraded WebSocket connections.",
          m.connections);
  reg.add("sockd_frames_received_total",
          "Client frames by result: relayed (a relay broadcast by its "
          "topic) or the error code of the ERROR frame it got.",
          m.relayed, {{"result", "relayed"}});
  // Every code of protocol/errc.hpp (too_many_tickets is the last).
  constexpr auto last = static_cast<uint8_t>(errc::too_many_tickets);
  static_assert(last < metrics::error_code_slots);
  for (uint8_t i = 1; i <= last; ++i) {
    auto name = std::string{to_string(static_cast<errc>(i))};
    reg.add("sockd_frames_received_total", "", m.refused[i],
            {{"result", name}});
  }
  reg.add("sockd_deliveries_total",
          "WebSocket frames written to sockets (control frames included).",
          m.deliveries);
  reg.add("sockd_outbound_bytes_total",
          "Bytes written to WebSocket sockets (frame headers included).",
          m.outbound_bytes);
  reg.add("sockd_slow_consumer_closes_total",
          "Sockets closed with 1008 for queueing over max_queued_bytes.",
          m.slow_consumer_closes);
  for (size_t i = 0; i <= metrics::known_close_codes.size(); ++i)
    reg.add("sockd_closes_total",
            "Closed WebSocket connections by close code (sent or received; "
            "1006: cut without a close frame; other: any other code).",
            m.closes[i],
            {{"code", i < metrics::known_close_codes.size()
                        ? std::to_string(metrics::known_close_codes[i])
                        : std::string{"other"}}});
}

void add_access(metrics::registry& reg, metrics::catalogue& m) {
  const char* events[] = {"issued", "redeemed", "expired"};
  for (size_t i = 0; i < 3; ++i)
    reg.add("sockd_tickets_total",
            "Tickets issued, redeemed and expired (expired: swept unused).",
            m.tickets[i], {{"event", events[i]}});
  const char* results[] = {"allowed", "forbidden", "unavailable"};
  for (size_t i = 0; i < 3; ++i)
    reg.add("sockd_subscribe_decisions_total",
            "Allowance decisions on SUBSCRIBE by result.", m.subscribes[i],
            {{"result", results[i]}});
}

void add_database(metrics::registry& reg, metrics::catalogue& m) {
  for (size_t i = 0; i < m.db.size(); ++i) {
    std::string kind = to_string(static_cast<metrics::db_kind>(i));
    reg.add("sockd_db_requests_total",
            "Database requests by kind and result.", m.db[i].ok,
            {{"kind", kind}, {"result", "ok"}});
    reg.add("sockd_db_requests_total", "", m.db[i].error,
            {{"kind", kind}, {"result", "error"}});
  }
  for (size_t i = 0; i < m.db.size(); ++i)
    reg.add("sockd_db_request_duration_seconds",
            "Database request latency by kind.", m.db[i].latency,
            {{"kind", to_string(static_cast<metrics::db_kind>(i))}});
  reg.add("sockd_db_queue_depth",
          "Database requests handed to the pool and not yet taken by a "
          "worker.",
          m.db_queue_depth);
  reg.add("sockd_stored_messages_total", "Messages stored (store: true).",
          m.stored_messages);
}

void add_cluster(metrics::registry& reg, metrics::catalogue& m) {
  reg.add("sockd_cluster_nodes",
          "Live cluster nodes this node sees, itself included (0: single "
          "node).",
          m.cluster_nodes);
  reg.add_sampled("sockd_cluster_messages_total",
                  "Messages broadcasts sent to relays on other nodes.",
                  "counter", [] {
                    return static_cast<double>(
                      fanout_stats().cross_node_messages);
                  });
  reg.add("sockd_topic_handovers_total",
          "Topics whose owner moved to another node, seen by this node's "
          "relays.",
          m.topic_handovers);
}

const metrics::registry& sockd_registry() {
  static const metrics::registry reg = [] {
    metrics::registry r;
    auto& m = metrics::sockd;
    add_traffic(r, m);
    add_access(r, m);
    add_database(r, m);
    add_cluster(r, m);
    metrics::add_process_metrics(r);
    return r;
  }();
  return reg;
}

// Topic types appear as topics of them are spawned (a bounded set: the
// registered types), so this family is rendered apart.
std::string render_topics() {
  std::string out = "# HELP sockd_topics Live topics by type.\n"
                    "# TYPE sockd_topics gauge\n";
  for (auto& [type, g] : metrics::topic_gauges())
    out += "sockd_topics{type=\"" + metrics::escape_label(type) + "\"} "
           + std::to_string(g->value()) + '\n';
  return out;
}

} // namespace

response metrics_reply(const server_state&, const reply_info& info,
                       bool head) {
  response res{http::status::ok, info.version};
  res.set(http::field::content_type, "text/plain; version=0.0.4");
  res.keep_alive(info.keep_alive);
  auto body = sockd_registry().render() + render_topics();
  auto size = body.size();
  if (!head)
    res.body() = std::move(body);
  finish_reply(info, res);
  if (head)
    res.content_length(size); // what a GET would carry
  return res;
}

} // namespace sockd::net
