// sockd's metrics (docs/operations.md, "Metrics"): one process-wide set of
// counters and gauges that the layers bump where the event happens, with
// one relaxed atomic operation each. Label sets are fixed here by
// construction: error codes by their number (protocol/errc.hpp, named on
// scrape by net/), close codes bucketed to the known ones plus "other",
// database requests by a fixed kind, topics by their registered type.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "support/metrics.hpp"

namespace sockd::metrics {

/// Error codes are a uint8_t enum with fewer values than this.
constexpr size_t error_code_slots = 32;

/// The close codes counted by value; any other is "other". 4001 and 4002
/// are sockd's own (protocol/close_codes.hpp: disconnect, token expired).
constexpr std::array<uint16_t, 14> known_close_codes{
  1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1013,
  4001, 4002};

/// Index of `code` in known_close_codes, or known_close_codes.size().
size_t close_bucket(uint16_t code);

enum class db_kind : uint8_t {
  allow,       // allowance queries (SUBSCRIBE)
  recheck,     // batched allowance re-checks of live members
  store,       // a batch of stored messages
  history,     // LOAD_MESSAGES
  writers,     // LOAD_SUBSCRIBERS
  connections, // sock_connections rows
  ping,        // /readyz and shutdown
  count_
};

const char* to_string(db_kind kind);

/// Buckets of the database latency histogram, in seconds.
std::vector<double> db_latency_bounds();

struct db_metrics {
  counter ok;
  counter error;
  histogram latency{db_latency_bounds()};
};

enum class ticket_event : uint8_t { issued, redeemed, expired, count_ };

enum class subscribe_result : uint8_t {
  allowed, forbidden, unavailable, count_
};

struct catalogue {
  gauge open_sockets;  // accepted TCP sockets of the listen address
  gauge connections;   // upgraded WebSocket connections
  sharded_counter relayed; // relay frames broadcast by topics
  std::array<counter, error_code_slots> refused; // ERROR frames by code
  sharded_counter deliveries; // frames written to sockets
  sharded_counter outbound_bytes;
  counter slow_consumer_closes;
  std::array<counter, known_close_codes.size() + 1> closes;
  std::array<counter, static_cast<size_t>(ticket_event::count_)> tickets;
  std::array<counter, static_cast<size_t>(subscribe_result::count_)>
    subscribes;
  std::array<db_metrics, static_cast<size_t>(db_kind::count_)> db;
  gauge db_queue_depth; // requests sent to the pool, not yet taken
  counter stored_messages;
  gauge cluster_nodes;  // live nodes this node sees, itself included
  counter topic_handovers;

  void refuse(uint8_t code) noexcept {
    refused[code < error_code_slots ? code : 0].inc();
  }
  void close(uint16_t code) noexcept { closes[close_bucket(code)].inc(); }
  void ticket(ticket_event e) noexcept {
    tickets[static_cast<size_t>(e)].inc();
  }
  void subscribe(subscribe_result r) noexcept {
    subscribes[static_cast<size_t>(r)].inc();
  }
  db_metrics& of(db_kind k) noexcept { return db[static_cast<size_t>(k)]; }
};

/// The process's catalogue.
extern catalogue sockd;

/// The live-topic gauge of a topic type (taken once per topic spawn, not
/// per frame: a lock inside). Types are the registered ones, a bounded
/// set; the gauge lives as long as the process.
gauge& topics_of_type(const std::string& type);

/// Every type seen so far with its gauge, for the scrape.
std::vector<std::pair<std::string, const gauge*>> topic_gauges();

} // namespace sockd::metrics
