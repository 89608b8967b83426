#include "net/server_state.hpp"

#include <utility>

#ifndef SOCKD_WEB_DIR
#  define SOCKD_WEB_DIR "web"
#endif
#ifndef SOCKD_CLIENT_DIR
#  define SOCKD_CLIENT_DIR "clients/js/src"
#endif

namespace sockd::net {

server_state::server_state(server_services services, int io_threads)
  : svc(std::move(services)),
    ioc(io_threads),
    limits(svc.opts.max_connections + svc.opts.max_pending_connections,
           svc.opts.max_pending_connections,
           svc.opts.max_pending_per_address) {
  web_dir = svc.opts.static_dir.empty() ? std::string{SOCKD_WEB_DIR}
                                        : svc.opts.static_dir;
  client_dir = SOCKD_CLIENT_DIR;
}

} // namespace sockd::net
