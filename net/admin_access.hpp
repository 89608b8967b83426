// The access part of the backend API on the admin address: take a user
// off a topic, re-check live memberships. Called by net/admin_router.cpp
// after the bearer api_key and the method matched.
#pragma once

#include <memory>

#include "net/beast.hpp"
#include "net/http_reply.hpp"

namespace sockd::net {

struct server_state;

/// POST /api/unsubscribe {user, topic}
void api_unsubscribe(const std::shared_ptr<server_state>& st,
                     const request& req, const responder& reply);

/// POST /api/recheck {user?, topic?}
void api_recheck(const std::shared_ptr<server_state>& st, const request& req,
                 const responder& reply);

} // namespace sockd::net
