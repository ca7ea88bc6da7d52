// The rendezvous of a distributed run: rank 0 serves a c10d TCPStore, every
// rank connects to it and says it is there, and all wait until every rank
// is, or until the rendezvous timeout, with an error that says who is missing.
#pragma once

#if __has_include(<torch/csrc/distributed/c10d/TCPStore.hpp>)
#define DIGA_HAVE_C10D_STORE 1
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace diga {

struct RendezvousOptions {
  std::string host;  // rank 0's machine, as the other ranks reach it
  std::uint16_t port = 0;
  int rank = 0;
  int size = 1;
  int localSize = 0;  // ranks per machine, to name missing machines (0: unknown)
  std::chrono::milliseconds timeout{0};
  std::string self;  // this rank's address, for messages
};

// The store once every rank has joined; throws std::runtime_error saying what
// failed: rank 0's server, the connection, or which ranks never came.
c10::intrusive_ptr<c10d::Store> JoinRendezvous(const RendezvousOptions& o);

}  // namespace diga
#endif
