#include "distributed/rendezvous.h"

#ifdef DIGA_HAVE_C10D_STORE
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <c10/util/Exception.h>

#include "distributed/cut_connections.h"
#include "distributed/reach.h"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace diga {
namespace {

using Clock = std::chrono::steady_clock;

// libtorch ≥ 2.4 asks for the libuv TCPStore by default, and builds without
// libuv (Debian's, for one) then refuse to start. The classic backend exists in
// every version, so ask for it wherever the option exists (detected, not
// version-guessed, since the field appeared before its default changed).
template <typename O>
auto PreferClassicStore(O& o, int) -> decltype(o.useLibUV = false, void()) {
  o.useLibUV = false;
}
template <typename O>
void PreferClassicStore(O&, long) {}

// A failure this file has already put in words (c10d's pass through Reason()).
struct Said : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// c10d's own words, without a backtrace, first line only.
std::string Reason(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  std::string text = c10 ? c10->what_without_backtrace() : e.what();
  return text.substr(0, text.find('\n'));
}

std::string Seconds(std::chrono::milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(ms.count()) / 1000);
  return text;
}

// "rank 3" or "ranks 0-1, 5".
std::string Ranks(const std::vector<int>& ranks) {
  std::string out;
  for (size_t i = 0; i < ranks.size();) {
    size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(ranks[i]);
    if (j > i) out += "-" + std::to_string(ranks[j]);
    i = j + 1;
  }
  return (ranks.size() == 1 ? "rank " : "ranks ") + out;
}

std::string RankKey(int rank) { return "diga/rdzv/rank/" + std::to_string(rank); }
std::string AddressKey(int rank) { return "diga/rdzv/address/" + std::to_string(rank); }

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

// Who is missing after the timeout, and where the others came from.
std::string NotJoined(c10d::Store& store, const RendezvousOptions& o, int* joinedCount) {
  std::vector<int> missing, joined;
  std::set<int> machines;
  std::set<std::string> from;
  for (int r = 0; r < o.size; ++r) {
    if (store.check({RankKey(r)})) {
      joined.push_back(r);
      const auto address = store.get(AddressKey(r));
      from.insert(std::string(address.begin(), address.end()));
    } else {
      missing.push_back(r);
      if (o.localSize > 0) machines.insert(r / o.localSize);
    }
  }
  *joinedCount = static_cast<int>(joined.size());
  std::string out = Ranks(missing) + " of " + std::to_string(o.size) + " did not join within " + Seconds(o.timeout);
  if (!machines.empty()) {
    std::string nodes;
    for (int m : machines) nodes += (nodes.empty() ? "" : ", ") + std::to_string(m);
    out += " (" + std::string(machines.size() == 1 ? "the machine of --node-rank " : "the machines of --node-rank ") + nodes + ")";
  }
  out += "; joined: " + Ranks(joined) + " from ";
  std::string addresses;
  for (const auto& a : from) addresses += (addresses.empty() ? "" : ", ") + a;
  return out + addresses;
}

// Until every rank has joined. Rank 0's deadline ends the wait for all: it
// posts why, so that the others fail with its words rather than with the
// connection it takes along when it exits, and gives them a moment to read them.
void AwaitEveryone(c10d::Store& store, const RendezvousOptions& o, Clock::time_point deadline) {
  const std::string failed = "diga/rdzv/failed", read = "diga/rdzv/read";
  std::vector<std::string> keys;
  for (int r = 0; r < o.size; ++r) keys.push_back(RankKey(r));
  while (!store.check(keys)) {
    if (o.rank != 0 && store.check({failed})) {
      const auto why = store.get(failed);
      store.add(read, 1);
      throw Said(std::string(why.begin(), why.end()));
    }
    if (Clock::now() >= deadline) {
      int joined = 0;
      const std::string why = NotJoined(store, o, &joined);
      if (o.rank == 0) {
        store.set(failed, Bytes(why));
        const auto until = Clock::now() + std::chrono::seconds(2);
        while (store.add(read, 0) < joined - 1 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } else {
        store.add(read, 1);  // gone on its own clock: rank 0 need not wait for it
      }
      throw Said(why);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Cuts this process's connections to the rendezvous once a deadline passes,
// so that a c10d request waiting for an answer without a time limit (some
// versions have such requests even in the store's constructor) returns when
// the program on the port is not rank 0's server and never answers.
class Watchdog {
 public:
  Watchdog(std::string host, std::uint16_t port, Clock::time_point deadline)
      : host_(std::move(host)), port_(port), deadline_(deadline), thread_([this] { Run(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  void MoveTo(Clock::time_point deadline) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      deadline_ = deadline;
    }
    wake_.notify_all();
  }
  bool Fired() const { return fired_; }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_) {
      if (Clock::now() >= deadline_) {
        fired_ = true;
        CutConnectionsTo(host_, port_);
        return;
      }
      wake_.wait_until(lock, deadline_);
    }
  }

  const std::string host_;
  const std::uint16_t port_;
  Clock::time_point deadline_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool done_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;  // last: starts once the rest is set
};

std::string NoAnswer(const RendezvousOptions& o) {
  return "the rendezvous at " + o.host + ":" + std::to_string(o.port) + " did not answer within " + Seconds(o.timeout) +
         " (another program on that port, or rank 0 gone?)";
}

// Waits, within the deadline, until rank 0's port answers (for rank 0: until
// its machine does; its own server is not up yet).
void AwaitRankZero(const RendezvousOptions& o, Clock::time_point deadline) {
  const Reach reach = AwaitPort(o.host, o.port, deadline, o.rank == 0);
  if (reach.answered) return;
  const std::string where = o.host + ":" + std::to_string(o.port);
  const std::string why = std::string(" (") + std::strerror(reach.error) + ")";
  if (o.rank == 0) {
    throw Said("rank 0 cannot reach --master-addr " + o.host + " within " + Seconds(o.timeout) + why +
               ": it must be an address of rank 0's machine that the other machines reach");
  }
  if (reach.error == ECONNREFUSED) {
    throw Said("nothing listened on " + where + " within " + Seconds(o.timeout) + why +
               ": rank 0 has not started there, or uses another --master-port");
  }
  throw Said("no machine answered at " + where + " within " + Seconds(o.timeout) + why + ": is --master-addr rank 0's machine?");
}

// After the server bound, a port taken by another program is the likely reason.
std::string StoreFailed(const RendezvousOptions& o, const std::exception& e) {
  const std::string reason = Reason(e);
  const bool inUse = reason.find(std::strerror(EADDRINUSE)) != std::string::npos || reason.find("EADDRINUSE") != std::string::npos;
  if (o.rank == 0 && inUse) {
    return "port " + std::to_string(o.port) + " is already in use on rank 0's machine (by another run or program): pick another --master-port";
  }
  return "could not connect to the rendezvous at " + o.host + ":" + std::to_string(o.port) + ": " + reason;
}

}  // namespace

c10::intrusive_ptr<c10d::Store> JoinRendezvous(const RendezvousOptions& o) {
  const auto deadline = Clock::now() + o.timeout;
  const auto left = [&] { return std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())); };
  AwaitRankZero(o, deadline);
  c10d::TCPStoreOptions opts;
  opts.port = o.port;
  opts.isServer = o.rank == 0;
  // Joining is counted below instead, so that a timeout can say who is missing.
  opts.waitWorkers = false;
  // Its connection attempt is cut off in whole seconds; the watchdog below
  // keeps the deadline.
  opts.timeout = std::max<std::chrono::milliseconds>(o.timeout, std::chrono::seconds(1));
  PreferClassicStore(opts, 0);
  Watchdog watchdog(o.host, o.port, deadline);
  c10::intrusive_ptr<c10d::TCPStore> store;
  try {
    store = c10::make_intrusive<c10d::TCPStore>(o.host, opts);
  } catch (const std::exception& e) {
    throw Said(watchdog.Fired() ? NoAnswer(o) : StoreFailed(o, e));
  }
  try {
    // A first request that fails at the deadline where the answer never comes
    // (its limit then stays on the connection, in some versions, for the rest).
    const std::string open = "diga/rdzv/open";
    if (o.rank == 0) store->set(open, std::vector<uint8_t>{1});
    store->wait({open}, left());
    // Rank 0's server answers: the wait for the others ends on its own, and
    // rank 0 may take a moment past the deadline to tell them why.
    watchdog.MoveTo(deadline + std::chrono::seconds(3));
    if (store->add(RankKey(o.rank), 1) > 1) {
      throw Said("another process has already joined as rank " + std::to_string(o.rank) + ": every machine needs its own --node-rank");
    }
    store->set(AddressKey(o.rank), Bytes(o.self));
    AwaitEveryone(*store, o, deadline);
  } catch (const Said&) {
    throw;
  } catch (const std::exception& e) {
    throw Said(watchdog.Fired() ? NoAnswer(o) : NoAnswer(o) + ": " + Reason(e));
  }
  return store;
}

}  // namespace diga
#endif
