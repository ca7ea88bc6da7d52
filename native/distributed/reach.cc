#include "distributed/reach.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <thread>

namespace diga {
namespace {

using Clock = std::chrono::steady_clock;

struct FreeAddrInfo {
  void operator()(addrinfo* p) const { freeaddrinfo(p); }
};

// One non-blocking connection attempt, cut off at the deadline: 0 or an errno.
int TryConnect(const addrinfo& ai, Clock::time_point deadline) {
  const int fd = socket(ai.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int error = connect(fd, ai.ai_addr, ai.ai_addrlen) == 0 ? 0 : errno;
  if (error == EINPROGRESS) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLOUT, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30)));
    socklen_t len = sizeof error;
    if (ready == 0) error = ETIMEDOUT;
    else if (ready < 0) error = errno;
    else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
  }
  close(fd);
  return error;
}

}  // namespace

Reach AwaitPort(const std::string& host, std::uint16_t port, Clock::time_point deadline, bool refusedIsEnough) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, FreeAddrInfo> list(found);
  Reach out;
  out.error = ETIMEDOUT;
  do {
    for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
      out.error = TryConnect(*ai, deadline);
      if (out.error == 0 || (refusedIsEnough && out.error == ECONNREFUSED)) {
        out.answered = true;
        return out;
      }
    }
    // Refusals come back at once; do not spin on them.
    const auto left = deadline - Clock::now();
    if (left > Clock::duration::zero()) std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(100)));
  } while (Clock::now() < deadline);
  return out;
}

}  // namespace diga
