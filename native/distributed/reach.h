// Waiting, up to a deadline, until a TCP port answers: the rendezvous's
// connection attempts, bounded by the rendezvous timeout (c10d's own retries
// can run past it) and reported in a few words. Plain sockets, no libtorch.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace diga {

struct Reach {
  bool answered = false;  // a connection was made (or refused, where that was enough)
  int error = 0;          // the last attempt's errno when not
};

// Tries host:port until a connection is made (or, with refusedIsEnough,
// refused: the machine is there) or the deadline passes. Throws
// std::runtime_error when host does not resolve.
Reach AwaitPort(const std::string& host, std::uint16_t port, std::chrono::steady_clock::time_point deadline, bool refusedIsEnough);

}  // namespace diga
