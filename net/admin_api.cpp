// STUB of the admin listener skeleton: every route answers 501 until the
// api engineer's implementation replaces this file.
#include "net/admin_api.hpp"

namespace sockd::net {

namespace {

void not_implemented(const request& req, const responder& reply) {
  reply_info info;
  info.version = req.version();
  info.keep_alive = req.keep_alive();
  reply(error_reply(info, http::status::not_implemented, "not_implemented",
                    "not implemented yet"));
}

} // namespace

void api_publish(const std::shared_ptr<server_state>&,
                 const request& req, const responder& reply) {
  not_implemented(req, reply);
}

void api_disconnect(const std::shared_ptr<server_state>&,
                    const request& req, const responder& reply) {
  not_implemented(req, reply);
}

void api_presence(const std::shared_ptr<server_state>&,
                  const request& req, const responder& reply) {
  not_implemented(req, reply);
}

void api_info(const std::shared_ptr<server_state>&,
              const request& req, const responder& reply) {
  not_implemented(req, reply);
}

} // namespace sockd::net
