// systemd's readiness protocol (sd_notify(3)) without libsystemd: one
// datagram of `KEY=value` lines to the AF_UNIX socket named by
// $NOTIFY_SOCKET ("@name": the abstract namespace). Under Type=notify the
// unit is "started" only after READY=1, so units ordered after sockd (and
// `systemctl start`) wait until its ports are bound.
#pragma once

#include <string>
#include <string_view>

namespace sockd {

/// Sends `state` (e.g. "READY=1") when $NOTIFY_SOCKET is set. Returns false
/// with `error` when it is set but the datagram could not be sent; true
/// when sent or when not running under systemd.
bool systemd_notify(std::string_view state, std::string& error);

} // namespace sockd
