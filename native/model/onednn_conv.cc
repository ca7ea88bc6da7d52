#include "model/onednn_conv.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#ifdef DIGA_WITH_ONEDNN
#include <ATen/Parallel.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <mutex>
#include <unordered_map>
#endif

namespace diga::model::onednn {

namespace {
std::atomic<bool>& WinogradSwitch() {
  static std::atomic<bool> on = [] {
    const char* v = std::getenv("DIGA_WINOGRAD");
    return !(v && (std::strcmp(v, "off") == 0 || std::strcmp(v, "0") == 0));
  }();
  return on;
}
}  // namespace

void SetWinograd(bool on) { WinogradSwitch() = on; }

#ifndef DIGA_WITH_ONEDNN

struct Conv {};
void ConvDeleter::operator()(Conv* conv) const { delete conv; }
ConvPtr Create(const torch::Tensor&, const c10::optional<torch::Tensor>&, const ConvGeometry&, bool) {
  return nullptr;
}
torch::Tensor Run(Conv&, const torch::Tensor&, bool*) { return {}; }
Facts Info() { return {}; }

#else

namespace {
using dnnl::memory;
using Tag = memory::format_tag;
constexpr auto kF32 = memory::data_type::f32;

dnnl::engine& Engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& Stream() {
  thread_local dnnl::stream stream(Engine());
  return stream;
}

memory::dims Dims(const std::vector<int64_t>& v) { return memory::dims(v.begin(), v.end()); }

// Winograd pays on 3x3 stride-1 convolutions with enough channels each side; with
// fewer than 32 the padding to 16-channel blocks costs more than it saves.
bool WinogradFits(const torch::Tensor& w, const ConvGeometry& g) {
  return w.size(2) == 3 && w.size(3) == 3 && g.groups == 1 && g.stride == std::vector<int64_t>{1, 1} &&
         g.dilation == std::vector<int64_t>{1, 1} && w.size(0) >= 32 && w.size(1) >= 32;
}

// One input size: the primitive, its weights in the layout it chose, and the
// reorders between channels-last and the layout Winograd works in.
struct Plan {
  std::vector<int64_t> input;  // N, C, H, W
  bool asked = false;          // Winograd was asked for (the lookup key)
  bool winograd = false;       // and is what runs
  std::vector<int64_t> output;
  dnnl::convolution_forward conv;
  memory weights;
  memory::desc src, dst, user_src, user_dst, scratchpad;
  dnnl::reorder to_src, from_dst;
};
}  // namespace

struct Conv {
  torch::Tensor weight, bias;  // OIHW contiguous, [O] or undefined
  ConvGeometry geometry;
  bool relu = false;
  std::mutex mutex;           // a module may be shared by threads
  std::vector<Plan> plans;    // most recently used last
  // Weights already reordered, by layout: plans of other sizes usually share them.
  // Their storage is a libtorch tensor, so the caching allocator takes it back.
  struct Reordered {
    memory::desc desc;
    torch::Tensor storage;
    memory mem;
  };
  std::vector<Reordered> weights;
};

void ConvDeleter::operator()(Conv* conv) const { delete conv; }

namespace {

// A float32 CPU scratch buffer of `desc`'s size, from libtorch's allocator (so
// the caching allocator serves it).
torch::Tensor Scratch(const memory::desc& desc) {
  return torch::empty({static_cast<int64_t>((desc.get_size() + 3) / 4)}, torch::kFloat);
}

memory ReorderedWeights(Conv& c, const memory::desc& want) {
  for (const auto& w : c.weights) {
    if (w.desc == want) return w.mem;
  }
  memory::desc plain(Dims(c.weight.sizes().vec()), kF32, Tag::oihw);
  memory user(plain, Engine(), c.weight.data_ptr());
  torch::Tensor storage = Scratch(want);
  memory mem(want, Engine(), storage.data_ptr());
  dnnl::reorder(user, mem).execute(Stream(), user, mem);
  Stream().wait();
  c.weights.push_back({want, storage, mem});
  return mem;
}

// The plan for input sizes `in`, or false where oneDNN offers none.
bool MakePlan(Conv& c, const std::vector<int64_t>& in, bool winograd, Plan& plan) {
  const auto& g = c.geometry;
  const int64_t kh = c.weight.size(2), kw = c.weight.size(3);
  std::vector<int64_t> out{in[0], c.weight.size(0), 0, 0};
  memory::dims stride{g.stride[0], g.stride[1]}, dilate{g.dilation[0] - 1, g.dilation[1] - 1};
  memory::dims pad_l{g.padding[0], g.padding[1]}, pad_r(2);
  const int64_t k[2] = {kh, kw};
  for (int i = 0; i < 2; ++i) {
    const int64_t extent = (k[i] - 1) * g.dilation[i] + 1;
    out[2 + i] = (in[2 + i] + 2 * g.padding[i] - extent) / g.stride[i] + 1;
    if (out[2 + i] < 1) return false;
    // As libtorch: padding on the far side only as far as the last window reaches.
    pad_r[i] = (out[2 + i] - 1) * g.stride[i] + extent - in[2 + i] - g.padding[i];
  }
  plan.input = in;
  plan.output = out;
  plan.winograd = winograd;
  plan.user_src = memory::desc(Dims(in), kF32, Tag::nhwc);
  plan.user_dst = memory::desc(Dims(out), kF32, Tag::nhwc);
  const memory::desc weights(Dims(c.weight.sizes().vec()), kF32, Tag::any);
  const memory::desc bias = c.bias.defined() ? memory::desc({c.weight.size(0)}, kF32, Tag::a) : memory::desc();
  dnnl::post_ops ops;
  if (c.relu) ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  // Scratch memory from libtorch's allocator (the caching one), not malloc:
  // Winograd's transformed tiles are large, and fresh pages are zeroed on each touch.
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  try {
    const auto alg = winograd ? dnnl::algorithm::convolution_winograd : dnnl::algorithm::convolution_direct;
    // Winograd picks its own blocked layout; direct runs on channels-last as it is.
    const memory::desc src = winograd ? memory::desc(Dims(in), kF32, Tag::any) : plan.user_src;
    const memory::desc dst = winograd ? memory::desc(Dims(out), kF32, Tag::any) : plan.user_dst;
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, alg, src, weights, bias, dst,
                                      stride, dilate, pad_l, pad_r);
    dnnl::convolution_forward::primitive_desc pd(d, attr, Engine());
    plan.conv = dnnl::convolution_forward(pd);
    plan.src = pd.src_desc();
    plan.dst = pd.dst_desc();
    plan.scratchpad = pd.scratchpad_desc();
    plan.weights = ReorderedWeights(c, pd.weights_desc());
  } catch (const dnnl::error&) {
    return false;
  }
  if (plan.src != plan.user_src) plan.to_src = dnnl::reorder(dnnl::reorder::primitive_desc(Engine(), plan.user_src, Engine(), plan.src));
  if (plan.dst != plan.user_dst) plan.from_dst = dnnl::reorder(dnnl::reorder::primitive_desc(Engine(), plan.dst, Engine(), plan.user_dst));
  return true;
}

Plan* FindPlan(Conv& c, const std::vector<int64_t>& in) {
  const bool winograd = WinogradSwitch() && WinogradFits(c.weight, c.geometry);
  for (size_t i = 0; i < c.plans.size(); ++i) {
    if (c.plans[i].input == in && c.plans[i].asked == winograd) {
      std::rotate(c.plans.begin() + i, c.plans.begin() + i + 1, c.plans.end());
      return &c.plans.back();
    }
  }
  Plan plan;
  if (!MakePlan(c, in, winograd, plan) && !(winograd && MakePlan(c, in, false, plan))) return nullptr;
  plan.asked = winograd;
  // A few sizes per convolution (multi-scale inference uses three); older ones go.
  constexpr size_t kMaxPlans = 6;
  if (c.plans.size() == kMaxPlans) c.plans.erase(c.plans.begin());
  c.plans.push_back(std::move(plan));
  return &c.plans.back();
}

}  // namespace

ConvPtr Create(const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias,
               const ConvGeometry& geometry, bool relu) {
  if (geometry.groups != 1 || weight.dim() != 4 || weight.scalar_type() != at::kFloat || !weight.is_cpu()) {
    return nullptr;
  }
  ConvPtr c(new Conv);
  c->weight = weight.detach().contiguous();
  if (bias && bias->defined()) c->bias = bias->detach().to(at::kFloat).contiguous();
  c->geometry = geometry;
  c->relu = relu;
  return c;
}

torch::Tensor Run(Conv& c, const torch::Tensor& x, bool* winograd) {
  if (!x.is_cpu() || x.scalar_type() != at::kFloat || x.dim() != 4 || x.size(1) != c.weight.size(1) ||
      !x.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    return {};
  }
  // oneDNN runs on libtorch's OpenMP threads; a thread that has run no libtorch
  // op yet has not been given libtorch's thread count.
  at::internal::lazy_init_num_threads();
  std::lock_guard<std::mutex> lock(c.mutex);
  Plan* plan = FindPlan(c, x.sizes().vec());
  if (!plan) return {};
  auto y = torch::empty(plan->output, x.options().memory_format(at::MemoryFormat::ChannelsLast));
  auto& s = Stream();
  memory user_src(plan->user_src, Engine(), x.data_ptr()), user_dst(plan->user_dst, Engine(), y.data_ptr());
  memory src = user_src, dst = user_dst;
  torch::Tensor src_buffer, dst_buffer;
  if (plan->to_src) {
    src_buffer = Scratch(plan->src);
    src = memory(plan->src, Engine(), src_buffer.data_ptr());
    plan->to_src.execute(s, user_src, src);
  }
  if (plan->from_dst) {
    dst_buffer = Scratch(plan->dst);
    dst = memory(plan->dst, Engine(), dst_buffer.data_ptr());
  }
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, plan->weights}, {DNNL_ARG_DST, dst}};
  torch::Tensor scratch_buffer;
  if (plan->scratchpad.get_size() > 0) {
    scratch_buffer = Scratch(plan->scratchpad);
    args.emplace(DNNL_ARG_SCRATCHPAD, memory(plan->scratchpad, Engine(), scratch_buffer.data_ptr()));
  }
  if (c.bias.defined()) args.emplace(DNNL_ARG_BIAS, memory(memory::desc({c.weight.size(0)}, kF32, Tag::a), Engine(), c.bias.data_ptr()));
  plan->conv.execute(s, args);
  if (plan->from_dst) plan->from_dst.execute(s, dst, user_dst);
  s.wait();
  *winograd = plan->winograd;
  return y;
}

Facts Info() {
  Facts f;
  f.linked = true;
  const dnnl_version_t* v = dnnl_version();
  f.version = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  f.winograd = WinogradSwitch();
  return f;
}

#endif  // DIGA_WITH_ONEDNN

}  // namespace diga::model::onednn
