// A publication of the backend API (POST /api/publish): the request's
// fields as one relay frame, checked by the same parser as a client's
// frame (protocol/frame.hpp), so that the topic gets exactly what a
// client's relay would give it, with sender "server" and no target.
#pragma once

#include <string>
#include <string_view>

#include "interfaces/messages.hpp"

namespace sockd {

struct server_publication_result {
  bool ok = false;
  std::string code;    // when refused: bad_topic, bad_action, bad_request
  std::string message; // when refused
  std::string topic;
  publication msg;
};

/// `frame`: `{"action":..,"topic":..,"payload":..,"store":..}` as JSON text.
server_publication_result
make_server_publication(std::string_view frame, int max_json_depth,
                        size_t max_topic_bytes);

} // namespace sockd
