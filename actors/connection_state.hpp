// The state of a connection actor (actors/connection.cpp): its config,
// its topics, the joins under way with the frames waiting for them, the
// rate limiter and the keepalive's last sign of life.
#pragma once

#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>

#include "actors/by_topic.hpp"
#include "actors/connection.hpp"
#include "interfaces/refusal.hpp"
#include "protocol/frame.hpp"
#include "protocol/rate_limiter.hpp"

namespace sockd {

struct connection_state {
  using time_point = caf::actor_clock::time_point;

  connection_config cfg;
  by_topic<topic_actor> topics;
  by_topic<std::vector<protocol::inbound>> joining;
  protocol::rate_limiter limiter{1, 1, time_point{}};
  time_point last_seen;
  time_point last_rate_error;
  bool rate_error_sent = false;

  const char* name = "connection";

  void send(std::string text) {
    cfg.out->send(make_frame(std::move(text)));
  }

  void refuse(const protocol::inbound& in, const caf::error& err) {
    send(protocol::encode_error(
      refusal_of(err, in.action, in.topic, in.id)));
  }

  void refuse(const protocol::inbound& in, errc code, std::string message) {
    send(protocol::encode_error(
      protocol::refusal{code, std::move(message), in.action, in.topic, in.id}));
  }

  void ack(const protocol::inbound& in) {
    if (in.id)
      send(protocol::encode_ack(in.topic, *in.id));
  }

  const topic_actor* joined(const std::string& topic) {
    return topics.find(topic);
  }

  // Memberships held or under way: joined topics plus joins in flight for
  // topics not joined (a second SUBSCRIBE to either does not count again).
  size_t memberships() {
    size_t n = topics.size();
    joining.for_each([&](const std::string& t) {
      if (topics.find(t) == nullptr)
        ++n;
    });
    return n;
  }
};

using connection_pointer = connection_actor::stateful_pointer<connection_state>;

} // namespace sockd
