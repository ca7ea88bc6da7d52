// Collective communication for data-parallel training, on libtorch's own
// distributed engine (c10d): a TCPStore for rendezvous (rendezvous.h),
// ProcessGroupGloo for CPU tensors from this machine's own address and, in
// CUDA builds that have NCCL and when asked, a ProcessGroupNCCL for CUDA
// tensors (PyTorch's own "cpu:gloo,cuda:nccl").
// Calls block until every rank has joined the collective or the group's
// timeout passes; a failed or timed-out collective throws.
#include "distributed/process_group.h"

#include "distributed/grad_reducer.h"
#include "distributed/local_address.h"
#include "distributed/rendezvous.h"

#include "tensor/convert.h"
#include "tensor/handle.h"
#include "util/args.h"
#include "util/errors.h"

#ifdef DIGA_WITH_GLOO
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/version.h>
#endif
#ifdef DIGA_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace diga {

#ifdef DIGA_WITH_GLOO
namespace {

// The collectives' common interface: c10d::Backend since libtorch 2.0, the
// process group itself before.
#if TORCH_VERSION_MAJOR >= 2
using Collectives = c10d::Backend;
#else
using Collectives = c10d::ProcessGroup;
#endif

// Gloo's devices: one per interface GLOO_SOCKET_IFNAME names (as PyTorch
// does; every rank must name as many), else one on this machine's address
// that routes to rank 0's, which the other machines can reach back. Neither
// rank 0's address (not this machine's, on the others) nor the address the
// hostname resolves to (often a loopback one) would do.
std::vector<std::shared_ptr<::gloo::transport::Device>> GlooDevices(const std::vector<std::string>& interfaces, const std::string& self) {
  std::vector<std::shared_ptr<::gloo::transport::Device>> devices;
  if (interfaces.empty()) {
    devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(self));
    return devices;
  }
  for (const auto& name : interfaces) {
    try {
      devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
    } catch (const std::exception& e) {
      const auto* c10 = dynamic_cast<const c10::Error*>(&e);
      throw std::runtime_error("GLOO_SOCKET_IFNAME: no usable interface " + name + ": " + (c10 ? c10->what_without_backtrace() : e.what()));
    }
  }
  return devices;
}

// Milliseconds come from seconds times 1000, so they need not be whole: the fraction is dropped.
int64_t TimeoutMs(const Napi::Value& v, const args::Arg& a) {
  const double ms = args::Double(v, a);
  if (!(ms >= 0 && ms < 9.2e18)) args::Fail(a, "a non-negative number of milliseconds", v);
  return static_cast<int64_t>(ms);
}

class ProcessGroupWrap : public Napi::ObjectWrap<ProcessGroupWrap> {
 public:
  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, "ProcessGroup",
                                      {
                                          InstanceMethod<&ProcessGroupWrap::AllReduce>("allreduce"),
                                          InstanceMethod<&ProcessGroupWrap::Broadcast>("broadcast"),
                                          InstanceMethod<&ProcessGroupWrap::AllGather>("allgather"),
                                          InstanceMethod<&ProcessGroupWrap::Barrier>("barrier"),
                                          InstanceMethod<&ProcessGroupWrap::Rank>("rank"),
                                          InstanceMethod<&ProcessGroupWrap::Size>("size"),
                                          InstanceMethod<&ProcessGroupWrap::Close>("close"),
                                          InstanceMethod<&ProcessGroupWrap::AttachGradReducer>("attachGradReducer"),
                                          InstanceMethod<&ProcessGroupWrap::FinishGradReduction>("finishGradReduction"),
                                          InstanceMethod<&ProcessGroupWrap::DetachGradReducer>("detachGradReducer"),
                                      });
    exports.Set("ProcessGroup", ctor);
  }

  // new ProcessGroup({rank, worldSize, masterAddr, masterPort, timeoutMs, rendezvousTimeoutMs?, localWorldSize?, nccl?})
  explicit ProcessGroupWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ProcessGroupWrap>(info) {
    constexpr const char* fn = "new ProcessGroup(options)";
    Napi::Object o = args::Object(info[0], args::Param(fn, "options"),
                                  "an object with rank, worldSize, masterAddr, masterPort, timeoutMs");
    size_ = static_cast<int>(args::IntIn(o.Get("worldSize"), args::Field(fn, "worldSize"), 1, std::numeric_limits<int>::max()));
    rank_ = static_cast<int>(args::IntIn(o.Get("rank"), args::Field(fn, "rank"), 0, size_ - 1));
    RendezvousOptions r;
    r.host = args::String(o.Get("masterAddr"), args::Field(fn, "masterAddr"));
    r.port = static_cast<std::uint16_t>(args::IntIn(o.Get("masterPort"), args::Field(fn, "masterPort"), 0, 65535));
    r.rank = rank_;
    r.size = size_;
    const auto timeout = std::chrono::milliseconds(TimeoutMs(o.Get("timeoutMs"), args::Field(fn, "timeoutMs")));
    r.timeout = o.Get("rendezvousTimeoutMs").IsUndefined()
                    ? timeout
                    : std::chrono::milliseconds(TimeoutMs(o.Get("rendezvousTimeoutMs"), args::Field(fn, "rendezvousTimeoutMs")));
    r.localSize = static_cast<int>(
        args::Optional(o.Get("localWorldSize"), args::Field(fn, "localWorldSize"), [](const Napi::Value& v, const args::Arg& a) {
          return args::IntIn(v, a, 1, std::numeric_limits<int>::max());
        }).value_or(0));
    const bool nccl = args::Optional(o.Get("nccl"), args::Field(fn, "nccl"), args::Bool).value_or(false);
    Guard(info.Env(), [&] { Join(r, timeout, nccl); });
  }

 private:
  // The rendezvous through rank 0's TCPStore, then the Gloo group (and the NCCL one when asked).
  void Join(RendezvousOptions r, std::chrono::milliseconds timeout, bool nccl) {
    const auto interfaces = InterfaceList(std::getenv("GLOO_SOCKET_IFNAME"));
    if (interfaces.empty()) {
      r.self = LocalAddressTowards(r.host);
    } else {
      try {
        r.self = LocalAddressTowards(r.host);
      } catch (const std::exception&) {
        r.self = std::getenv("GLOO_SOCKET_IFNAME");  // only named in messages
      }
    }
    auto store = JoinRendezvous(r);
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("diga", store);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices = GlooDevices(interfaces, r.self);
    options->threads = 2;
    // Gloo's connection waits on the store under the rendezvous timeout; later
    // waits (NCCL's first collective) are collectives.
    gloo_ = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("gloo", prefixed), rank_, size_, options);
    store->setTimeout(timeout);
    if (!nccl) return;
#ifdef DIGA_WITH_NCCL
    auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
    ncclOptions->timeout = timeout;
    nccl_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(c10::make_intrusive<c10d::PrefixStore>("nccl", prefixed), rank_, size_, ncclOptions);
#else
    throw std::runtime_error(
        "NCCL was asked for, but this addon was built without it (a CPU libtorch, or a CUDA libtorch without NCCL headers); "
        "rebuild against a CUDA libtorch, or train on CPU tensors with Gloo");
#endif
  }

  // NCCL for CUDA tensors when there is an NCCL group; Gloo for everything else.
  Collectives& For(const at::Tensor& t) {
    if (!gloo_) throw std::runtime_error("process group was closed");
    return nccl_ && t.is_cuda() ? *nccl_ : *gloo_;
  }
  Collectives& Group(Napi::Env env, const at::Tensor& t) {
    if (!gloo_) ThrowError(env, "process group was closed");
    return For(t);
  }

  // One collective call works on tensors of one device type.
  static void CheckSameDevice(Napi::Env env, const std::vector<at::Tensor>& tensors) {
    for (const auto& t : tensors) {
      if (t.device() != tensors.front().device()) ThrowTypeError(env, "collective: all tensors of one call must be on the same device");
    }
  }

  // allreduce(tensors): element-wise sum over ranks, in place.
  Napi::Value AllReduce(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<at::Tensor> tensors = JsToTensors(info[0], args::Param("allreduce", "tensors"));
    if (tensors.empty()) return env.Undefined();
    CheckSameDevice(env, tensors);
    Collectives& group = Group(env, tensors.front());
    Guard(env, [&] { group.allreduce(tensors)->wait(); });
    return env.Undefined();
  }

  // broadcast(tensors, root): every rank gets root's values, in place.
  Napi::Value Broadcast(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<at::Tensor> tensors = JsToTensors(info[0], args::Param("broadcast", "tensors"));
    c10d::BroadcastOptions opts;
    opts.rootRank = static_cast<int>(args::IntIn(info[1], args::Param("broadcast", "root"), 0, size_ - 1));
    for (auto& t : tensors) {
      Collectives& group = Group(env, t);
      std::vector<at::Tensor> one{t};
      Guard(env, [&] { group.broadcast(one, opts)->wait(); });
    }
    return env.Undefined();
  }

  // allgather(tensor) -> one tensor per rank (all of the same shape).
  Napi::Value AllGather(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    at::Tensor t = TensorHandle::FromJs(info[0]);
    Collectives& group = Group(env, t);
    std::vector<std::vector<at::Tensor>> out(1);
    Guard(env, [&] {
      for (int i = 0; i < size_; ++i) out[0].push_back(at::empty_like(t));
      std::vector<at::Tensor> in{t};
      group.allgather(out, in)->wait();
    });
    Napi::Array result = Napi::Array::New(env, out[0].size());
    for (size_t i = 0; i < out[0].size(); ++i) result.Set(static_cast<uint32_t>(i), TensorHandle::Wrap(env, out[0][i]));
    return result;
  }

  Napi::Value Barrier(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!gloo_) ThrowError(env, "process group was closed");
    Guard(env, [&] { gloo_->barrier()->wait(); });
    return env.Undefined();
  }

  Napi::Value Rank(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), rank_); }
  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), size_); }

  // attachGradReducer(params, bucketBytes): averages these parameters'
  // gradients during backward from now on (see grad_reducer.h).
  Napi::Value AttachGradReducer(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<at::Tensor> params = JsToTensors(info[0], args::Param("attachGradReducer", "params"));
    const int64_t bucket = args::IntIn(info[1], args::Param("attachGradReducer", "bucketBytes"), 0);
    if (!gloo_) ThrowError(env, "process group was closed");
    Guard(env, [&] {
      reducer_.reset();
      reducer_ = std::make_unique<GradReducer>(std::move(params), bucket, size_, [this](at::Tensor& flat) {
        std::vector<at::Tensor> one{flat};
        auto work = For(flat).allreduce(one);
        return std::function<void()>([work]() { work->wait(); });
      });
    });
    return Napi::Number::New(env, static_cast<double>(reducer_->NumBuckets()));
  }

  // finishGradReduction() -> buckets that started during backward.
  Napi::Value FinishGradReduction(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!reducer_) ThrowError(env, "finishGradReduction: no gradient reducer attached (attachGradReducer first)");
    return Napi::Number::New(env, static_cast<double>(Guard(env, [&] { return reducer_->Finish(); })));
  }

  Napi::Value DetachGradReducer(const Napi::CallbackInfo& info) {
    reducer_.reset();
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    reducer_.reset();
    nccl_.reset();
    gloo_.reset();
    return info.Env().Undefined();
  }

  int rank_ = 0;
  int size_ = 1;
  c10::intrusive_ptr<Collectives> gloo_;
  c10::intrusive_ptr<Collectives> nccl_;
  std::unique_ptr<GradReducer> reducer_;
};

}  // namespace

void InitDistributed(Napi::Env env, Napi::Object exports) {
  ProcessGroupWrap::Init(env, exports);
  Napi::Array backends = Napi::Array::New(env);
  backends.Set(0u, "gloo");
#ifdef DIGA_WITH_NCCL
  backends.Set(1u, "nccl");
#endif
  exports.Set("distributedBackends", backends);
}
#else
void InitDistributed(Napi::Env env, Napi::Object exports) { exports.Set("distributedBackends", Napi::Array::New(env)); }
#endif

}  // namespace diga
