#include "net/upgrade_gate.hpp"

#include <chrono>

#include "actors/bridge.hpp"
#include "interfaces/errors.hpp"
#include "net/query_string.hpp"
#include "net/server_state.hpp"
#include "support/log.hpp"

namespace sockd::net {

namespace {

// Two UUIDs and a colon; anything far longer is not a ticket.
constexpr size_t max_ticket_length = 256;

struct refusal {
  http::status status;
  const char* code;
};

refusal refusal_for(errc code) {
  switch (code) {
    case errc::unauthorized:
      return {http::status::unauthorized, "unauthorized"};
    case errc::server_full:
      return {http::status::service_unavailable, "server_full"};
    case errc::too_many_connections:
      return {http::status::too_many_requests, "too_many_connections"};
    case errc::unavailable:
      return {http::status::service_unavailable, "unavailable"};
    default:
      return {http::status::internal_server_error, "internal"};
  }
}

// Answers a refused upgrade and logs it (one line per refusal).
void refuse_with(const responder& refuse, const reply_info& info,
                 const std::string& peer, refusal r, std::string message) {
  log_info("upgrade refused: " + message,
           {{"status", std::to_string(static_cast<int>(r.status))},
            {"code", r.code},
            {"peer", peer}});
  refuse(error_reply(info, r.status, r.code, message));
}

void refuse_error(const responder& refuse, const reply_info& info,
                  const std::string& peer, const caf::error& err) {
  auto message = message_of(err);
  auto code = to_errc(err);
  if (message.empty())
    message = to_string(code);
  refuse_with(refuse, info, peer, refusal_for(code), std::move(message));
}

void admit(const std::shared_ptr<server_state>& st, reply_info info,
           std::string peer, std::string sub, std::string cid,
           int64_t valid_until, grant_handler grant, responder refuse) {
  auto admission = st->svc.admission;
  ask(
    st->svc.bridge, admission, caf::infinite,
    [=](bool ok) {
      if (!ok) {
        refuse_with(refuse, info, peer, refusal_for(errc::server_full),
                    "admission refused");
        return;
      }
      auto slot = std::make_shared<admission_slot>(admission, sub);
      grant(upgrade_grant{sub, cid, std::move(slot), valid_until});
    },
    [=](const caf::error& err) { refuse_error(refuse, info, peer, err); },
    admit_atom::value, sub);
}

} // namespace

void check_upgrade(const std::shared_ptr<server_state>& st,
                   const request& req, std::string peer, grant_handler grant,
                   responder refuse) {
  auto& opts = st->svc.opts;
  auto info = reply_info::of(req, opts, true);
  auto origin = req[http::field::origin];
  if (!origin.empty() && !opts.allowed_origins.empty()
      && !origin_listed(opts, origin)) {
    refuse_with(refuse, info, peer,
                {http::status::forbidden, "origin_not_allowed"},
                "origin " + std::string{origin} + " is not allowed");
    return;
  }
  auto ticket = query_param(req.target(), "ticket");
  if (!ticket || ticket->empty() || ticket->size() > max_ticket_length) {
    refuse_with(refuse, info, peer, refusal_for(errc::unauthorized),
                "missing or malformed ticket");
    return;
  }
  ask(
    st->svc.bridge, st->svc.tickets, caf::infinite,
    [=](const std::string& sub, const std::string& cid,
        int64_t valid_until) {
      admit(st, info, peer, sub, cid, valid_until, grant, refuse);
    },
    [=](const caf::error& err) { refuse_error(refuse, info, peer, err); },
    redeem_atom::value, std::move(*ticket));
}

} // namespace sockd::net
