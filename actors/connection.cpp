// One actor per socket. Frames arrive in socket order; each is rate
// limited (before it is parsed), parsed and turned into a request to a
// topic or the database. The answer comes back as an ACK or an ERROR frame.
#include "actors/connection.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/connection_state.hpp"
#include "interfaces/errors.hpp"
#include "protocol/close_codes.hpp"
#include "support/log.hpp"

namespace sockd {

namespace {

using time_point = caf::actor_clock::time_point;

// A frame for a topic whose join is under way waits for the join's answer:
// the topic sends its subscribe ack to the socket before that answer
// reaches this actor, and a client may relay as soon as it sees the ack.
constexpr size_t max_waiting_frames = 64;


constexpr int max_join_attempts = 3;

// A subscribe decision, at debug level: who, where, and "ok" or the code.
void log_subscribe(const connection_state& st, const std::string& topic,
                   std::string_view result) {
  log_debug("SUBSCRIBE", {{"user", st.cfg.sub},
                          {"connection", st.cfg.cid},
                          {"topic", topic},
                          {"result", result}});
}

void handle(connection_pointer self, protocol::inbound in);

// The join of `topic` is answered: run the frames that waited for it.
void join_answered(connection_pointer self, const std::string& topic) {
  auto i = self->state.joining.find(topic);
  if (i == nullptr)
    return;
  auto waiting = std::move(*i);
  self->state.joining.erase(topic);
  for (auto& in : waiting)
    handle(self, std::move(in));
}

// What a SUBSCRIBE asked of positions; null for a plain one.
std::shared_ptr<const recovery_request>
recovery_of(const protocol::inbound& in) {
  if (!in.recover && !in.since)
    return nullptr;
  auto r = std::make_shared<recovery_request>();
  if (in.since) {
    r->has_since = true;
    r->epoch = in.since->epoch;
    r->offset = in.since->offset;
  }
  return r;
}

// Finds the topic and joins it. A topic that stopped between lookup and
// join answers `request_receiver_down`; the directory has forgotten it by
// then, so looking up again spawns a fresh one.
void subscribe(connection_pointer self, protocol::inbound in, int attempt) {
  self->state.joining[in.topic]; // frames for the topic wait from now on
  auto& cfg = self->state.cfg;
  self->request(cfg.directory, caf::infinite, lookup_atom::value, in.topic)
    .then(
      [=](topic_actor topic) {
        auto& cfg = self->state.cfg;
        member who{cfg.cid, cfg.sub, self->address(), cfg.out,
                   recovery_of(in)};
        self->request(topic, caf::infinite, join_atom::value, std::move(who))
          .then(
            [=](bool) {
              auto& st = self->state;
              log_subscribe(st, in.topic, "ok");
              st.topics[in.topic] = topic;
              if (st.cfg.access)
                self->send(st.cfg.access, enlist_atom::value, in.topic,
                           st.cfg.cid, st.cfg.sub);
              st.ack(in);
              join_answered(self, in.topic);
            },
            [=](caf::error& err) {
              if (err == caf::sec::request_receiver_down
                  && attempt + 1 < max_join_attempts) {
                subscribe(self, in, attempt + 1);
                return;
              }
              if (log_enabled(log_level::debug))
                log_subscribe(self->state, in.topic,
                              to_string(to_errc(err)));
              self->state.refuse(in, err);
              join_answered(self, in.topic);
            });
      },
      [=](caf::error& err) {
        self->state.refuse(in, err);
        join_answered(self, in.topic);
      });
}

void unsubscribe(connection_pointer self, const protocol::inbound& in,
                 topic_actor topic) {
  auto& st = self->state;
  st.topics.erase(in.topic);
  if (st.cfg.access)
    self->send(st.cfg.access, delist_atom::value, in.topic, st.cfg.cid);
  auto done = [=] {
    self->state.send(
      protocol::encode_control(protocol::action::unsubscribe, in.topic));
    self->state.ack(in);
  };
  // A topic that is gone has no member left to tell; the leave stands.
  self->request(topic, caf::infinite, leave_atom::value, st.cfg.cid)
    .then([=](bool) { done(); }, [=](caf::error&) { done(); });
}

// The access actor took the membership away (it forgot it already). The
// frame goes out once the topic answered the leave: every relay the topic
// sent before that is queued on the socket ahead of it, none after.
void revoke(connection_pointer self, const std::string& topic,
            bool forbidden) {
  auto& st = self->state;
  auto joined = st.topics.find(topic);
  if (joined == nullptr)
    return;
  auto handle = *joined;
  st.topics.erase(topic);
  auto done = [=] {
    if (forbidden)
      self->state.send(protocol::encode_error(protocol::refusal{
        errc::forbidden, "access to " + topic + " was revoked",
        std::string{"8"}, topic, std::nullopt}));
    else
      self->state.send(
        protocol::encode_control(protocol::action::unsubscribe, topic));
  };
  self->request(handle, caf::infinite, leave_atom::value, st.cfg.cid)
    .then([=](bool) { done(); }, [=](caf::error&) { done(); });
}

void publish(connection_pointer self, protocol::inbound in,
             topic_actor topic) {
  auto& st = self->state;
  publication msg{in.action, std::move(in.payload), in.target, in.store,
            st.cfg.cid, st.cfg.sub};
  // A stored relay's id keys its row: a retry with the same id on this
  // connection is answered from the row, never stored twice (db/).
  if (in.store && in.id)
    msg.id = *in.id;
  // Nothing to acknowledge and nothing to store: a post, which the topic
  // answers only with an ERROR frame on the socket if it refuses. Saves a
  // response message and a wake-up of this actor per relay.
  if (!in.id && !in.store) {
    self->send(topic, post_atom::value, std::move(msg));
    return;
  }
  self->request(topic, caf::infinite, publish_atom::value, std::move(msg))
    .then([=](bool) { self->state.ack(in); },
          [=](caf::error& err) { self->state.refuse(in, err); });
}

void load_messages(connection_pointer self, const protocol::inbound& in) {
  auto& st = self->state;
  self->request(st.cfg.db, st.cfg.request_timeout, history_atom::value,
                in.topic, int32_t{in.page}, int32_t{in.page_size})
    .then(
      [=](const frame_list& frames, bool has_more) {
        auto& st = self->state;
        for (auto& frame : frames)
          st.send(protocol::encode_replay(frame));
        if (has_more)
          st.send(protocol::encode_control(
            protocol::action::has_more_messages, in.topic));
        st.ack(in);
      },
      [=](caf::error& err) { self->state.refuse(in, err); });
}

void load_subscribers(connection_pointer self, const protocol::inbound& in,
                      topic_actor topic) {
  auto& st = self->state;
  self->request(topic, caf::infinite, members_atom::value, st.cfg.cid)
    .then([=](bool) { self->state.ack(in); },
          [=](caf::error& err) { self->state.refuse(in, err); });
}

void handle(connection_pointer self, protocol::inbound in) {
  auto& st = self->state;
  if (in.kind == protocol::control::subscribe) {
    if (st.joined(in.topic) == nullptr && st.joining.find(in.topic) == nullptr
        && st.memberships() >= st.cfg.max_topics) {
      st.refuse(in, errc::limit_exceeded,
                "too many topics: a connection holds at most "
                  + std::to_string(st.cfg.max_topics)
                  + " memberships (max_topics_per_connection); unsubscribe "
                    "from one first");
      return;
    }
    subscribe(self, std::move(in), 0);
    return;
  }
  auto topic = st.joined(in.topic);
  if (topic == nullptr) {
    if (auto i = st.joining.find(in.topic);
        i != nullptr && i->size() < max_waiting_frames) {
      i->push_back(std::move(in));
      return;
    }
    st.refuse(in, errc::not_subscribed, "not subscribed to " + in.topic);
    return;
  }
  switch (in.kind) {
    case protocol::control::unsubscribe:
      unsubscribe(self, in, *topic);
      break;
    case protocol::control::load_messages:
      load_messages(self, in);
      break;
    case protocol::control::load_subscribers:
      load_subscribers(self, in, *topic);
      break;
    default:
      publish(self, std::move(in), *topic);
  }
}

// Every data frame counts against the rate limit, garbage included, and a
// frame over it is not parsed: a glance finds whether it is a keepalive
// (exempt) and the id its rate_limited error carries. Without an id at most
// one such error a second goes out (no amplifier).
void over_rate(connection_pointer self, const std::string& text,
               time_point now) {
  auto& st = self->state;
  auto g = protocol::glance(text);
  if (g.keep) {
    if (*g.keep == protocol::keepalive::ping)
      st.send(protocol::encode_keepalive(protocol::keepalive::pong));
    return;
  }
  auto err = protocol::rate_limited(g, st.cfg.limits);
  if (!err.id) {
    if (st.rate_error_sent
        && now - st.last_rate_error < std::chrono::seconds(1))
      return;
    st.rate_error_sent = true;
    st.last_rate_error = now;
  }
  st.send(protocol::encode_error(err));
}

// The connection stops: the access actor forgets its memberships (it does
// not monitor connections, which would cost memory per idle connection).
void delist_all(connection_pointer self) {
  auto& st = self->state;
  if (!st.cfg.access)
    return;
  st.topics.for_each([&](const std::string& topic) {
    self->send(st.cfg.access, delist_atom::value, topic, st.cfg.cid);
  });
}

// Closes the socket when the login token expires (enforce_token_exp): one
// timer per connection, in the actor clock; an already expired token
// closes at once.
void schedule_expiry(connection_pointer self) {
  using namespace std::chrono;
  auto now = duration_cast<seconds>(system_clock::now().time_since_epoch());
  auto left = seconds{self->state.cfg.valid_until} - now;
  self->delayed_send(self, std::max(left, seconds{0}), expire_atom::value);
}

connection_actor::behavior_type connection(connection_pointer self,
                                           connection_config cfg) {
  auto& st = self->state;
  auto now = self->clock().now();
  st.limiter = protocol::rate_limiter{cfg.messages_per_second,
                                      cfg.messages_burst, now};
  st.last_seen = now;
  st.cfg = std::move(cfg);
  log_info("JOIN", {{"user", st.cfg.sub}, {"connection", st.cfg.cid}});
  self->send(st.cfg.db, opened_atom::value, st.cfg.cid, st.cfg.sub);
  if (st.cfg.keepalive)
    self->send(st.cfg.keepalive, watch_atom::value, self->address());
  if (st.cfg.valid_until > 0)
    schedule_expiry(self);
  self->attach_functor([db = st.cfg.db, keepalive = st.cfg.keepalive,
                        addr = self->address(), sub = st.cfg.sub,
                        cid = st.cfg.cid](const caf::error&) {
    caf::anon_send(db, closed_atom::value, cid);
    if (keepalive)
      caf::anon_send(keepalive, unwatch_atom::value, addr);
    log_info("PART", {{"user", sub}, {"connection", cid}});
  });
  // As CAF's default: a normal exit message is ignored.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    if (!msg.reason)
      return;
    delist_all(self);
    self->quit(msg.reason);
  });
  return {
    [=](frame_atom, const std::string& text) {
      frame_done_guard done{*self->state.cfg.out, text}; // reads resume
      auto now = self->clock().now();
      self->state.last_seen = now;
      if (!self->state.limiter.ready(now)) {
        over_rate(self, text, now);
        return;
      }
      auto parsed = protocol::parse(text, self->state.cfg.limits);
      if (auto k = std::get_if<protocol::keepalive>(&parsed)) {
        if (*k == protocol::keepalive::ping)
          self->state.send(
            protocol::encode_keepalive(protocol::keepalive::pong));
        return;
      }
      self->state.limiter.take(now);
      if (auto r = std::get_if<protocol::refusal>(&parsed)) {
        self->state.send(protocol::encode_error(*r));
        return;
      }
      handle(self, std::move(std::get<protocol::inbound>(parsed)));
    },
    [=](alive_atom) { self->state.last_seen = self->clock().now(); },
    [=](tick_atom) {
      auto& st = self->state;
      if (self->clock().now() - st.last_seen >= st.cfg.ping_timeout) {
        st.cfg.out->close(1001, "ping timeout");
        return;
      }
      st.send(protocol::encode_keepalive(protocol::keepalive::ping));
    },
    [=](closed_atom) {
      delist_all(self);
      self->quit();
    },
    [=](expire_atom) {
      log_info("token expired: closing",
               {{"user", self->state.cfg.sub},
                {"connection", self->state.cfg.cid}});
      self->state.cfg.out->close(protocol::close_code::token_expired,
                                 "token expired");
    },
    [=](revoke_atom, const std::string& topic, bool forbidden) {
      revoke(self, topic, forbidden);
    },
  };
}

} // namespace

connection_actor spawn_connection(caf::actor_system& sys,
                                  connection_config cfg) {
  return sys.spawn(connection, std::move(cfg));
}

} // namespace sockd
