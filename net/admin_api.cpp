// The backend API (docs/api.md). Each handler checks its input here, then
// asks the actors through the bridge and answers from the callback:
//
//   publish     directory lookup (spawns the topic, or this node's relay of
//               it) -> publish(publication with sender "server") to it; the
//               topic answers after the broadcast (after the commit with
//               store:true), in the topic's order like a client's relay
//   disconnect  svc.admin (cluster-wide, or this node alone)
//   presence    svc.admin: the live topic's owner node
//   info        svc.admin: every live node's census
#include "net/admin_api.hpp"

#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>

#include "actors/bridge.hpp"
#include "actors/server_publication.hpp"
#include "interfaces/errors.hpp"
#include "net/query_string.hpp"
#include "net/server_state.hpp"
#include "support/log.hpp"

#ifndef SOCKD_VERSION
#define SOCKD_VERSION "unknown"
#endif

namespace sockd::net {

namespace {

using json = nlohmann::json;

// Cluster requests carry their own per-node bounds (cluster/admin.cpp);
// this one only keeps an HTTP request from waiting forever.
constexpr auto api_timeout = std::chrono::seconds(15);

// A user id longer than this is no user of any token sockd accepted.
constexpr size_t max_user_bytes = 1024;

response bad_request(const reply_info& info, std::string_view code,
                     std::string_view message) {
  return error_reply(info, http::status::bad_request, code, message);
}

// The JSON object of a request body; nullopt after answering 400. Nesting
// deeper than max_json_depth is refused before any value that deep is
// built (the callback discards it).
std::optional<json> read_body(const server_state& st, const request& req,
                              const reply_info& info, const responder& reply) {
  int max_depth = st.svc.opts.max_json_depth;
  bool too_deep = false;
  json::parser_callback_t cb = [&](int depth, json::parse_event_t, json&) {
    if (depth > max_depth + 1)
      too_deep = true;
    return !too_deep;
  };
  auto body = json::parse(req.body(), cb, false);
  if (too_deep) {
    reply(bad_request(info, "bad_json",
                      "nesting deeper than max_json_depth ("
                        + std::to_string(max_depth) + ")"));
    return std::nullopt;
  }
  if (body.is_discarded()) {
    reply(bad_request(info, "bad_json", "the body is not valid JSON"));
    return std::nullopt;
  }
  if (!body.is_object()) {
    reply(bad_request(info, "bad_request", "the body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

// An actor's refusal as an HTTP answer.
response refusal(const reply_info& info, const caf::error& err) {
  auto message = message_of(err);
  switch (to_errc(err)) {
    case errc::bad_frame:
      return bad_request(info, "bad_topic",
                         message.empty() ? "malformed topic" : message);
    case errc::forbidden:
      return error_reply(info, http::status::not_found, "unknown_topic_type",
                         "no topic type matches this topic");
    case errc::not_found:
      return error_reply(info, http::status::not_found, "topic_not_live",
                         "nobody is subscribed to this topic");
    case errc::not_subscribed:
      // A topic type written from scratch may refuse publications of
      // non-members, the server's included.
      return error_reply(info, http::status::conflict, "refused",
                         "this topic's type refuses server publications");
    case errc::unavailable:
      return error_reply(info, http::status::service_unavailable,
                         "unavailable",
                         message.empty() ? "try again later" : message);
    default:
      return error_reply(info, http::status::internal_server_error,
                         "internal", "internal error");
  }
}

// The topic answered (or refused) the publication; a topic that stopped
// between the lookup and the publish is looked up once more.
void publish_to(const std::shared_ptr<server_state>& st, reply_info info,
                responder reply, std::string topic, publication msg,
                bool retry) {
  auto& svc = st->svc;
  ask(
    svc.bridge, svc.directory, caf::duration{api_timeout},
    [=](const topic_actor& handle) {
      ask(
        svc.bridge, handle, caf::duration{api_timeout},
        [=](bool) {
          reply(json_reply(info, http::status::ok,
                           {{"topic", topic}, {"stored", msg.store}}));
        },
        [=](const caf::error& err) {
          if (retry && err == caf::sec::request_receiver_down)
            publish_to(st, info, reply, topic, msg, false);
          else
            reply(refusal(info, err));
        },
        publish_atom::value, msg);
    },
    [=](const caf::error& err) { reply(refusal(info, err)); },
    lookup_atom::value, topic);
}

} // namespace

void api_publish(const std::shared_ptr<server_state>& st, const request& req,
                 const responder& reply) {
  auto info = reply_info::of(req, st->svc.opts, false);
  auto body = read_body(*st, req, info, reply);
  if (!body)
    return;
  auto topic = body->find("topic");
  if (topic == body->end() || !topic->is_string()) {
    reply(bad_request(info, "bad_request", "topic must be a string"));
    return;
  }
  auto payload = body->find("payload");
  if (payload == body->end()) {
    reply(bad_request(info, "bad_request", "payload is required"));
    return;
  }
  auto store = body->find("store");
  if (store != body->end() && !store->is_boolean()) {
    reply(bad_request(info, "bad_request", "store must be a boolean"));
    return;
  }
  // The action of the relay frame members get; default 12 (TEXT).
  json action = 12;
  if (auto a = body->find("action"); a != body->end()) {
    if (!a->is_number_integer() && !a->is_string()) {
      reply(bad_request(info, "bad_action",
                        "action must be an integer or a string"));
      return;
    }
    action = *a;
  }
  json frame = {{"action", action}, {"topic", *topic}, {"payload", *payload},
                {"store", store != body->end() && store->get<bool>()}};
  auto& opts = st->svc.opts;
  auto checked = make_server_publication(
    frame.dump(-1, ' ', false, json::error_handler_t::replace),
    opts.max_json_depth, static_cast<size_t>(opts.max_topic_bytes));
  if (!checked.ok) {
    reply(bad_request(info, checked.code, checked.message));
    return;
  }
  publish_to(st, info, reply, std::move(checked.topic),
             std::move(checked.msg), true);
}

void api_disconnect(const std::shared_ptr<server_state>& st,
                    const request& req, const responder& reply) {
  auto info = reply_info::of(req, st->svc.opts, false);
  auto body = read_body(*st, req, info, reply);
  if (!body)
    return;
  auto user = body->find("user");
  if (user == body->end() || !user->is_string()
      || user->get_ref<const std::string&>().empty()
      || user->get_ref<const std::string&>().size() > max_user_bytes) {
    reply(bad_request(info, "bad_request",
                      "user must be a non-empty string"));
    return;
  }
  std::string reason = "disconnected by the server";
  if (auto r = body->find("reason"); r != body->end()) {
    if (!r->is_string() || r->get_ref<const std::string&>().size()
                             > max_close_reason) {
      reply(bad_request(info, "bad_request",
                        "reason must be a string of at most "
                          + std::to_string(max_close_reason) + " bytes"));
      return;
    }
    reason = r->get<std::string>();
  }
  ask(
    st->svc.bridge, st->svc.admin, caf::duration{api_timeout},
    [=, sub = user->get<std::string>()](uint64_t closed) {
      // Who was cut off, for the operator; the reason may be private.
      log_info("api: disconnect " + sub + ": " + std::to_string(closed)
               + " socket(s) closed");
      reply(json_reply(info, http::status::ok,
                       {{"closed", closed}, {"code", disconnect_close_code}}));
    },
    [=](const caf::error& err) { reply(refusal(info, err)); },
    disconnect_atom::value, user->get<std::string>(), std::move(reason));
}

void api_presence(const std::shared_ptr<server_state>& st, const request& req,
                  const responder& reply) {
  auto info = reply_info::of(req, st->svc.opts, false);
  auto topic = query_param(req.target(), "topic");
  if (!topic || topic->empty()) {
    reply(bad_request(info, "bad_request", "topic is required: ?topic=T"));
    return;
  }
  auto colon = topic->find(':');
  if (colon == 0 || colon == std::string::npos || colon + 1 == topic->size()
      || topic->size() > static_cast<size_t>(st->svc.opts.max_topic_bytes)) {
    reply(bad_request(info, "bad_topic",
                      "topic must be <type>:<handle> of at most "
                        "max_topic_bytes"));
    return;
  }
  ask(
    st->svc.bridge, st->svc.admin, caf::duration{api_timeout},
    [=](const remote_member_list& members) {
      auto list = json::array();
      for (auto& m : members)
        list.push_back(
          {{"user", m.sub}, {"connection", m.cid}, {"node", m.node}});
      reply(json_reply(info, http::status::ok,
                       {{"topic", *topic}, {"members", std::move(list)}}));
    },
    [=](const caf::error& err) { reply(refusal(info, err)); },
    presence_atom::value, *topic);
}

void api_info(const std::shared_ptr<server_state>& st, const request& req,
              const responder& reply) {
  auto info = reply_info::of(req, st->svc.opts, false);
  auto self = st->svc.opts.node_name;
  ask(
    st->svc.bridge, st->svc.admin, caf::duration{api_timeout},
    [=](const node_census_list& nodes) {
      auto list = json::array();
      int64_t connections = 0;
      int64_t topics = 0;
      for (auto& n : nodes) {
        json x = {{"name", n.name}, {"live", n.live}};
        if (n.live) {
          x["connections"] = n.connections;
          x["topics"] = n.topics;
          connections += n.connections;
          topics += n.topics;
        }
        list.push_back(std::move(x));
      }
      reply(json_reply(info, http::status::ok,
                       {{"version", SOCKD_VERSION},
                        {"node", self},
                        {"nodes", std::move(list)},
                        {"connections", connections},
                        {"topics", topics}}));
    },
    [=](const caf::error& err) { reply(refusal(info, err)); },
    census_atom::value);
}

} // namespace sockd::net
