#include "distributed/local_address.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace diga {
namespace {

struct AddrInfoFree {
  void operator()(addrinfo* p) const { freeaddrinfo(p); }
};

// Numeric text of a local socket address; empty for the unspecified address
// (what some stacks report when no route exists).
std::string Numeric(const sockaddr_storage& ss) {
  char text[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
    if (in.sin_addr.s_addr == htonl(INADDR_ANY)) return "";
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    return text;
  }
  const auto& in6 = reinterpret_cast<const sockaddr_in6&>(ss);
  if (IN6_IS_ADDR_UNSPECIFIED(&in6.sin6_addr)) return "";
  inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
  std::string out = text;
  // A link-local address means nothing without its interface.
  char name[IF_NAMESIZE] = {};
  if (in6.sin6_scope_id != 0 && if_indextoname(in6.sin6_scope_id, name)) out += std::string("%") + name;
  return out;
}

// Connecting a UDP socket sends nothing; it only asks the kernel to pick the
// route, and with it the source address that getsockname() then reports.
std::string SourceAddress(const addrinfo& ai, std::string* error) {
  const int fd = socket(ai.ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::strerror(errno);
    return "";
  }
  sockaddr_storage peer{};
  std::memcpy(&peer, ai.ai_addr, ai.ai_addrlen);
  // Any non-zero port will do.
  if (peer.ss_family == AF_INET) reinterpret_cast<sockaddr_in&>(peer).sin_port = htons(9);
  else reinterpret_cast<sockaddr_in6&>(peer).sin6_port = htons(9);
  std::string out;
  sockaddr_storage self{};
  socklen_t len = sizeof self;
  if (connect(fd, reinterpret_cast<sockaddr*>(&peer), ai.ai_addrlen) != 0) {
    *error = std::strerror(errno);
  } else if (getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len) != 0) {
    *error = std::strerror(errno);
  } else {
    out = Numeric(self);
    if (out.empty()) *error = "no route";
  }
  close(fd);
  return out;
}

}  // namespace

std::string LocalAddressTowards(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, AddrInfoFree> list(found);
  std::vector<const addrinfo*> candidates;
  for (const addrinfo* ai = found; ai; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6) candidates.push_back(ai);
  }
  // Every machine applies the same order, so all ranks agree on a family.
  std::stable_partition(candidates.begin(), candidates.end(), [](const addrinfo* ai) { return ai->ai_family == AF_INET; });
  std::string error = "no IPv4 or IPv6 address";
  for (const addrinfo* ai : candidates) {
    std::string address = SourceAddress(*ai, &error);
    if (!address.empty()) return address;
  }
  throw std::runtime_error("no local address routes to " + host + " (" + error +
                           "); set GLOO_SOCKET_IFNAME to the network interface to use");
}

std::vector<std::string> InterfaceList(const char* value) {
  std::vector<std::string> out;
  if (!value) return out;
  std::string rest = value;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string name = rest.substr(0, comma);
    if (!name.empty()) out.push_back(name);
    if (comma == std::string::npos) break;
    rest.erase(0, comma + 1);
  }
  return out;
}

}  // namespace diga
