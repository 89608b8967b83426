// The access part of the backend API (docs/api.md):
//   POST /api/unsubscribe {user, topic}: the user's connections leave the
//     topic on this node at once (the access actor), and on the other nodes
//     through the database (NOTIFY to every node's allowance listener).
//   POST /api/recheck {user?, topic?}: a NOTIFY that makes every node
//     re-check the matching memberships against the allowance queries.
#include "net/admin_access.hpp"

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/bridge.hpp"
#include "interfaces/access.hpp"
#include "net/server_state.hpp"

namespace sockd::net {

namespace {

// A NOTIFY is answered at once by PostgreSQL; a database that does not
// answer within this is reported as unavailable.
constexpr auto notify_timeout = std::chrono::seconds(5);

using json = nlohmann::json;

struct parsed_body {
  std::optional<std::string> user;
  std::optional<std::string> topic;
  std::string error; // non-empty: 400 with this message
};

// {user?, topic?} with string values; anything else is a 400.
parsed_body read_body(const request& req, size_t max_topic_bytes) {
  parsed_body out;
  auto j = json::parse(req.body(), nullptr, false);
  if (!j.is_object()) {
    out.error = "the body must be a JSON object";
    return out;
  }
  for (auto& [key, value] : j.items()) {
    if (key != "user" && key != "topic") {
      out.error = "unknown field '" + key + "'";
      return out;
    }
    if (!value.is_string() || value.get<std::string>().empty()) {
      out.error = "'" + key + "' must be a non-empty string";
      return out;
    }
  }
  if (j.contains("user"))
    out.user = j["user"].get<std::string>();
  if (j.contains("topic")) {
    out.topic = j["topic"].get<std::string>();
    if (out.topic->size() > max_topic_bytes)
      out.error = "'topic' is longer than max_topic_bytes";
  }
  return out;
}

reply_info info_of(const std::shared_ptr<server_state>& st,
                   const request& req) {
  return reply_info::of(req, st->svc.opts, false);
}

// What every node's access actor gets (interfaces/access.hpp).
std::string notification(const std::shared_ptr<server_state>& st,
                         const char* kind, const parsed_body& body) {
  json j{{"schema", st->svc.opts.schema}, {"kind", kind}};
  if (body.user)
    j["user"] = *body.user;
  if (body.topic)
    j["topic"] = *body.topic;
  return j.dump();
}

json scope(const parsed_body& body) {
  return json{{"user", body.user ? json(*body.user) : json(nullptr)},
              {"topic", body.topic ? json(*body.topic) : json(nullptr)}};
}

void unavailable(const reply_info& info, const responder& reply,
                 const std::string& why) {
  reply(error_reply(info, http::status::service_unavailable, "unavailable",
                    why));
}

} // namespace

void api_unsubscribe(const std::shared_ptr<server_state>& st,
                     const request& req, const responder& reply) {
  auto info = info_of(st, req);
  auto body = read_body(req, static_cast<size_t>(st->svc.opts.max_topic_bytes));
  if (body.error.empty() && (!body.user || !body.topic))
    body.error = "'user' and 'topic' are required";
  if (body.error.empty() && body.topic->find(':') == std::string::npos)
    body.error = "'topic' must be <type>:<handle>";
  if (!body.error.empty()) {
    reply(error_reply(info, http::status::bad_request, "bad_request",
                      body.error));
    return;
  }
  bool cluster = !st->svc.opts.cluster_listen.empty();
  auto answer = [=](int32_t removed, int32_t members) {
    if (!cluster && members == 0) {
      reply(error_reply(info, http::status::not_found, "topic_not_found",
                        "the topic is not live"));
      return;
    }
    auto out = scope(body);
    out["removed"] = removed;
    if (!cluster) {
      reply(json_reply(info, http::status::ok, out));
      return;
    }
    // The other nodes: through the database, not waited for.
    ask(
      st->svc.bridge, st->svc.access_notifier, caf::duration{notify_timeout},
      [=](bool) mutable {
        out["other_nodes"] = "notified";
        reply(json_reply(info, http::status::accepted, out));
      },
      [=](const caf::error&) {
        unavailable(info, reply,
                    "removed on this node only: the database did not take"
                    " the notification for the other nodes");
      },
      notify_atom::value, notification(st, "unsubscribe", body));
  };
  ask(
    st->svc.bridge, st->svc.access, caf::infinite, answer,
    [=](const caf::error&) {
      unavailable(info, reply, "the access actor is gone");
    },
    leave_atom::value, *body.user, *body.topic);
}

void api_recheck(const std::shared_ptr<server_state>& st, const request& req,
                 const responder& reply) {
  auto info = info_of(st, req);
  auto body = read_body(req, static_cast<size_t>(st->svc.opts.max_topic_bytes));
  if (!body.error.empty()) {
    reply(error_reply(info, http::status::bad_request, "bad_request",
                      body.error));
    return;
  }
  ask(
    st->svc.bridge, st->svc.access_notifier, caf::duration{notify_timeout},
    [=](bool) {
      auto out = scope(body);
      out["recheck"] = "queued on every node";
      reply(json_reply(info, http::status::accepted, out));
    },
    [=](const caf::error&) {
      unavailable(info, reply,
                  "the database is unavailable: nothing can be re-checked");
    },
    notify_atom::value, notification(st, "recheck", body));
}

} // namespace sockd::net
