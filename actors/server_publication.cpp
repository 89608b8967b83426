#include "actors/server_publication.hpp"

#include <variant>

#include "protocol/frame.hpp"

namespace sockd {

server_publication_result
make_server_publication(std::string_view frame, int max_json_depth,
                        size_t max_topic_bytes) {
  server_publication_result result;
  protocol::limits lim;
  lim.max_json_depth = max_json_depth;
  lim.max_topic_bytes = max_topic_bytes;
  auto parsed = protocol::parse(frame, lim);
  if (auto refused = std::get_if<protocol::refusal>(&parsed)) {
    // The parser's messages name the member they refuse.
    if (refused->code == errc::bad_action)
      result.code = "bad_action";
    else if (refused->message.find("topic") != std::string::npos)
      result.code = "bad_topic";
    else
      result.code = "bad_request";
    result.message = refused->message;
    return result;
  }
  auto in = std::get_if<protocol::inbound>(&parsed);
  if (in == nullptr) {
    result.code = "bad_request";
    result.message = "not a publication";
    return result;
  }
  if (in->kind != protocol::control::relay) {
    // SUBSCRIBE, LOAD_MESSAGES and the like are a connection's requests.
    result.code = "bad_action";
    result.message = "action " + in->action + " is not relayed";
    return result;
  }
  result.ok = true;
  result.topic = in->topic;
  // No target: a server publication goes to every member.
  result.msg = publication{in->action, in->payload, std::string{}, in->store,
                           server_sender, std::string{}, std::string{}};
  return result;
}

} // namespace sockd
