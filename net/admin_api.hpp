// The backend API on the admin address (docs/api.md): publish, disconnect,
// presence, info. Called by net/admin_router.cpp after the bearer api_key
// and the method matched.
#pragma once

#include <memory>

#include "net/beast.hpp"
#include "net/http_reply.hpp"

namespace sockd::net {

struct server_state;

/// POST /api/publish {topic, payload, store?}
void api_publish(const std::shared_ptr<server_state>& st, const request& req,
                 const responder& reply);

/// POST /api/disconnect {user, reason?}
void api_disconnect(const std::shared_ptr<server_state>& st,
                    const request& req, const responder& reply);

/// GET /api/presence?topic=
void api_presence(const std::shared_ptr<server_state>& st, const request& req,
                  const responder& reply);

/// GET /api/info
void api_info(const std::shared_ptr<server_state>& st, const request& req,
              const responder& reply);

} // namespace sockd::net
