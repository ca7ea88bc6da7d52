// Ending this process's TCP connections to one host and port, from another
// thread: a thread blocked reading one of them then returns with an error.
// The rendezvous uses it to bound c10d requests that wait for an answer
// without a time limit. Plain sockets, no libtorch.
#pragma once

#include <cstdint>
#include <string>

namespace diga {

// Shuts down every socket of this process whose peer is host:port (any of
// the addresses host resolves to); returns how many.
int CutConnectionsTo(const std::string& host, std::uint16_t port);

}  // namespace diga
