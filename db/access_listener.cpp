#include "db/access_listener.hpp"

#include <memory>
#include <utility>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/notification>

#include "db/conninfo.hpp"
#include "db/log_text.hpp"
#include "interfaces/errors.hpp"
#include "support/log.hpp"

namespace sockd {

namespace {

// Hands each notification to the access actor.
class receiver : public pqxx::notification_receiver {
public:
  receiver(pqxx::connection& conn, access_actor target,
           std::shared_ptr<db::allowance_cache> cache)
    : pqxx::notification_receiver(conn, access_channel),
      target_(std::move(target)),
      cache_(std::move(cache)) {
    // nop
  }

  void operator()(const std::string& payload, int) override {
    // Before the re-check: a SUBSCRIBE from now on asks the query again.
    if (cache_)
      cache_->clear();
    caf::anon_send(target_, recheck_atom::value, payload);
  }

private:
  access_actor target_;
  std::shared_ptr<db::allowance_cache> cache_;
};

struct listener_state {
  access_listener_config cfg;
  access_actor target;
  // Declared before `rcv`: the receiver (UNLISTEN) goes first.
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<receiver> rcv;
  caf::actor_clock::time_point next_attempt;
  bool logged_down = false;
  static inline const char* name = "sockd.db.access_listener";

  void drop(const std::string& why) {
    rcv.reset();
    conn.reset();
    if (!logged_down)
      log_warn(db::log_text("allowance listener: database lost, revocations wait"
                        " for it: "
                        + why));
    logged_down = true;
  }

  bool connect(caf::actor_clock::time_point now) {
    if (now < next_attempt)
      return false;
    next_attempt = now + cfg.retry;
    try {
      conn = std::make_unique<pqxx::connection>(db::make_conninfo(cfg.url));
      {
        pqxx::nontransaction tx{*conn};
        tx.exec0("SET statement_timeout = 5000");
      }
      rcv = std::make_unique<receiver>(*conn, target, cfg.cache);
    } catch (const std::exception& e) {
      drop(e.what());
      return false;
    }
    log_info(db::log_text(std::string{"allowance listener: listening on "}
                      + access_channel));
    logged_down = false;
    // Changes committed while nobody listened: check everything.
    if (cfg.cache)
      cfg.cache->clear();
    caf::anon_send(target, recheck_atom::value);
    return true;
  }
};

using listener_pointer =
  access_notifier_actor::stateful_pointer<listener_state>;

void listen(listener_pointer self) {
  auto& st = self->state;
  if (!st.conn && !st.connect(self->clock().now())) {
    self->delayed_send(self, st.cfg.poll, listen_atom::value);
    return;
  }
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(st.cfg.poll)
              .count();
  try {
    st.conn->await_notification(us / 1000000, us % 1000000);
  } catch (const std::exception& e) {
    st.drop(e.what());
  }
  self->send(self, listen_atom::value);
}

caf::result<bool> notify(listener_pointer self, const std::string& payload) {
  auto& st = self->state;
  if (!st.conn && !st.connect(self->clock().now()))
    return make_error(errc::unavailable, "database unavailable");
  try {
    pqxx::nontransaction tx{*st.conn};
    tx.exec_params("SELECT pg_notify($1, $2)", std::string{access_channel},
                   payload);
    return true;
  } catch (const pqxx::broken_connection& e) {
    st.drop(e.what());
    return make_error(errc::unavailable, "database unavailable");
  } catch (const std::exception& e) {
    return make_error(errc::internal, db::log_text(e.what()));
  }
}

access_notifier_actor::behavior_type
access_listener(listener_pointer self, access_listener_config cfg,
                access_actor target) {
  self->state.cfg = std::move(cfg);
  self->state.target = std::move(target);
  self->send(self, listen_atom::value);
  return {
    [=](notify_atom, const std::string& payload) {
      return notify(self, payload);
    },
    [=](listen_atom) { listen(self); },
  };
}

} // namespace

access_notifier_actor spawn_access_listener(caf::actor_system& sys,
                                            access_listener_config cfg,
                                            access_actor target) {
  return sys.spawn<caf::detached>(access_listener, std::move(cfg),
                                  std::move(target));
}

} // namespace sockd
