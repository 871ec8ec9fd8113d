// The systemd notification protocol (sd_notify(3)), without libsystemd.
//
// larder-node needs three messages (READY=1, WATCHDOG=1, STOPPING=1) and the
// watchdog interval; libsystemd.so would bring six more shared libraries
// (lzma, zstd, lz4, cap, gcrypt, gpg-error) into an idle process for them.
// The protocol is one datagram per message on the AF_UNIX socket named by
// $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace); systemd
// learns the sender from the socket's credentials.
//
// Thread safety: both functions read the environment; call them from the
// thread that owns the process lifecycle (main).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace larder::node {

// Sends `state` ("READY=1") to the service manager. False when not run by one
// ($NOTIFY_SOCKET unset) or the datagram could not be sent: callers go on.
bool notify_service_manager(std::string_view state);

// The watchdog interval systemd expects pings within ($WATCHDOG_USEC), when
// the watchdog is on for this process ($WATCHDOG_PID, when set, is our pid).
std::optional<std::chrono::microseconds> service_watchdog_interval();

}  // namespace larder::node
