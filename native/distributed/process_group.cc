// Collective communication for data-parallel training, on libtorch's own
// distributed engine (c10d): a TCPStore for rendezvous and ProcessGroupGloo
// for CPU tensors. Calls block until every rank has joined the collective or
// the group's timeout passes; a failed or timed-out collective throws.
#include "distributed/process_group.h"

#include "tensor/convert.h"
#include "tensor/handle.h"
#include "util/errors.h"

#ifdef DIGA_WITH_GLOO
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace diga {

#ifdef DIGA_WITH_GLOO
namespace {

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
                                      });
    exports.Set("ProcessGroup", ctor);
  }

  // new ProcessGroup({rank, worldSize, masterAddr, masterPort, timeoutMs})
  explicit ProcessGroupWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ProcessGroupWrap>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) ThrowTypeError(env, "ProcessGroup: expected {rank, worldSize, masterAddr, masterPort, timeoutMs}");
    Napi::Object o = info[0].As<Napi::Object>();
    rank_ = o.Get("rank").As<Napi::Number>().Int32Value();
    size_ = o.Get("worldSize").As<Napi::Number>().Int32Value();
    const std::string addr = o.Get("masterAddr").As<Napi::String>().Utf8Value();
    const int port = o.Get("masterPort").As<Napi::Number>().Int32Value();
    const auto timeout = std::chrono::milliseconds(o.Get("timeoutMs").As<Napi::Number>().Int64Value());
    if (size_ < 1 || rank_ < 0 || rank_ >= size_) ThrowError(env, "ProcessGroup: rank must be in [0, worldSize)");
    DIGA_TRY
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<std::uint16_t>(port);
    opts.isServer = rank_ == 0;
    opts.numWorkers = size_;
    opts.waitWorkers = true;
    opts.timeout = timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(addr, opts);
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("diga", store);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(addr));
    options->threads = 2;
    group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, rank_, size_, options);
    DIGA_CATCH(env)
  }

 private:
  c10d::ProcessGroupGloo& Group(Napi::Env env) {
    if (!group_) ThrowError(env, "process group was closed");
    return *group_;
  }

  // allreduce(tensors): element-wise sum over ranks, in place.
  Napi::Value AllReduce(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<at::Tensor> tensors = JsToTensors(env, info[0]);
    DIGA_TRY
    Group(env).allreduce(tensors)->wait();
    return env.Undefined();
    DIGA_CATCH(env)
  }

  // broadcast(tensors, root): every rank gets root's values, in place.
  Napi::Value Broadcast(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::vector<at::Tensor> tensors = JsToTensors(env, info[0]);
    DIGA_TRY
    c10d::BroadcastOptions opts;
    opts.rootRank = info[1].As<Napi::Number>().Int32Value();
    for (auto& t : tensors) {
      std::vector<at::Tensor> one{t};
      Group(env).broadcast(one, opts)->wait();
    }
    return env.Undefined();
    DIGA_CATCH(env)
  }

  // allgather(tensor) -> one tensor per rank (all of the same shape).
  Napi::Value AllGather(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    at::Tensor t = TensorHandle::FromJs(info[0]);
    DIGA_TRY
    std::vector<std::vector<at::Tensor>> out(1);
    for (int i = 0; i < size_; ++i) out[0].push_back(at::empty_like(t));
    std::vector<at::Tensor> in{t};
    Group(env).allgather(out, in)->wait();
    Napi::Array result = Napi::Array::New(env, out[0].size());
    for (size_t i = 0; i < out[0].size(); ++i) result.Set(static_cast<uint32_t>(i), TensorHandle::Wrap(env, out[0][i]));
    return result;
    DIGA_CATCH(env)
  }

  Napi::Value Barrier(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    DIGA_TRY
    Group(env).barrier()->wait();
    return env.Undefined();
    DIGA_CATCH(env)
  }

  Napi::Value Rank(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), rank_); }
  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), size_); }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    group_.reset();
    return info.Env().Undefined();
  }

  int rank_ = 0;
  int size_ = 1;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};

}  // namespace

void InitDistributed(Napi::Env env, Napi::Object exports) { ProcessGroupWrap::Init(env, exports); }
#else
void InitDistributed(Napi::Env env, Napi::Object exports) {}
#endif

}  // namespace diga
