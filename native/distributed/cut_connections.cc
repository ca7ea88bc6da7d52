#include "distributed/cut_connections.h"

#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace diga {
namespace {

// An IPv4 address and port as they are, or as an IPv4-mapped IPv6 address
// (c10d's sockets are IPv6 ones that reach IPv4 addresses that way).
bool AsIPv4(const sockaddr* a, in_addr* addr, in_port_t* port) {
  if (a->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(a);
    *addr = in->sin_addr;
    *port = in->sin_port;
    return true;
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a);
  if (a->sa_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) return false;
  std::memcpy(addr, in6->sin6_addr.s6_addr + 12, sizeof *addr);
  *port = in6->sin6_port;
  return true;
}

// Address and port equal (the rest of a sockaddr, such as flow info, is not compared).
bool SamePeer(const sockaddr* a, const sockaddr* b) {
  in_addr a4{}, b4{};
  in_port_t aPort = 0, bPort = 0;
  if (AsIPv4(a, &a4, &aPort) && AsIPv4(b, &b4, &bPort)) return aPort == bPort && a4.s_addr == b4.s_addr;
  if (a->sa_family != AF_INET6 || b->sa_family != AF_INET6) return false;
  const auto* x = reinterpret_cast<const sockaddr_in6*>(a);
  const auto* y = reinterpret_cast<const sockaddr_in6*>(b);
  return x->sin6_port == y->sin6_port && std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

}  // namespace

int CutConnectionsTo(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return 0;
  std::vector<sockaddr_storage> peers;
  for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
    sockaddr_storage ss{};
    std::memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    peers.push_back(ss);
  }
  freeaddrinfo(found);
  int cut = 0;
  DIR* fds = opendir("/proc/self/fd");
  if (!fds) return 0;
  while (const dirent* entry = readdir(fds)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || fd == dirfd(fds)) continue;
    struct stat st {};
    if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    for (const auto& p : peers) {
      if (SamePeer(reinterpret_cast<const sockaddr*>(&p), reinterpret_cast<const sockaddr*>(&peer))) {
        shutdown(static_cast<int>(fd), SHUT_RDWR);
        ++cut;
        break;
      }
    }
  }
  closedir(fds);
  return cut;
}

}  // namespace diga
