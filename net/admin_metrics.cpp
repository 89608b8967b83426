#include "net/admin_metrics.hpp"

#include "net/server_state.hpp"

namespace sockd::net {

response metrics_reply(const server_state&, const reply_info& info,
                       bool head) {
  response res{http::status::ok, info.version};
  res.set(http::field::content_type, "text/plain; version=0.0.4");
  if (!head)
    res.body() = "";
  res.prepare_payload();
  finish_reply(info, res);
  return res;
}

} // namespace sockd::net
