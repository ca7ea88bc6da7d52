// Which of this machine's addresses a distributed run uses: the one its
// packets to the rendezvous host leave from. Plain sockets, no libtorch.
#pragma once

#include <string>
#include <vector>

namespace diga {

// The numeric local address that routes to `host` (a name or an address;
// IPv4 tried before IPv6). Throws std::runtime_error naming `host` when it
// does not resolve or no local address routes to it.
std::string LocalAddressTowards(const std::string& host);

// GLOO_SOCKET_IFNAME's comma-separated interface names, in order, empties
// dropped; no names when `value` is null or empty.
std::vector<std::string> InterfaceList(const char* value);

}  // namespace diga
