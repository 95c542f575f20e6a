// @cnnlab/backend-torch native addon: libtorch tensors behind N-API handles.
//
// JS sees four things: tensor handles (externals owning an at::Tensor), operator
// handles (cached c10 OperatorHandles), one generic `call` that runs any ATen op
// by name through the dispatcher, and a few helpers (buffers, threads, device).
// Every tfjs kernel is composed from ATen ops in TypeScript; no op-specific C++.
#include <node_api.h>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/api/include/torch/version.h>

#include "cuda_probe.h"
#include "torch_compat.h"

#include <dlfcn.h>

#include <chrono>
#include <cstdlib>
#include <limits>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

#define NAPI_OK(call)                                          \
  do {                                                         \
    if ((call) != napi_ok) throw std::runtime_error(#call);    \
  } while (0)

// ---------------------------------------------------------------------------
// Exact-size caching CPU allocator. glibc malloc returns large freed blocks to
// the OS and fragments on the 64K-1M float tensors of a training step; RSS then
// grows without bound. Blocks are reused by exact size, and the cache is capped.
class CachingCpuAllocator final : public c10::Allocator {
 public:
  static constexpr size_t kAlign = 64;
  static constexpr size_t kHeader = 64;  // holds the block size, keeps data aligned

  c10::DataPtr allocate(size_t n) CNNLAB_ALLOCATE_CONST override {
    size_t size = n == 0 ? kAlign : (n + kAlign - 1) / kAlign * kAlign;
    void* base = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        base = it->second.back();
        it->second.pop_back();
        cached_ -= size;
      }
      live_ += size;
      if (live_ > peak_) peak_ = live_;
    }
    if (!base) {
      base = std::aligned_alloc(kAlign, size + kHeader);
      if (!base) throw std::bad_alloc();
      *static_cast<size_t*>(base) = size;
    }
    void* data = static_cast<char*>(base) + kHeader;
    // The context is the data pointer itself, as raw_allocate() requires; the size sits in the header before it.
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  CNNLAB_ALLOCATOR_COPY_DATA

  static void release(void* data) { instance().put(static_cast<char*>(data) - kHeader); }

  void put(void* base) const {
    size_t size = *static_cast<size_t*>(base);
    std::lock_guard<std::mutex> lock(mutex_);
    live_ -= size;
    if (cached_ + size > limit_) {
      std::free(base);
      return;
    }
    free_[size].push_back(base);
    cached_ += size;
  }

  void emptyCache() const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : free_)
      for (void* p : entry.second) std::free(p);
    free_.clear();
    cached_ = 0;
  }

  static CachingCpuAllocator& instance() {
    static CachingCpuAllocator allocator;
    return allocator;
  }

  mutable std::mutex mutex_;
  mutable std::unordered_map<size_t, std::vector<void*>> free_;
  mutable size_t cached_ = 0, live_ = 0, peak_ = 0;
  size_t limit_ = size_t(4) << 30;  // cached bytes kept at most
};

// ---------------------------------------------------------------------------
// Handles.
struct TensorBox {
  at::Tensor tensor;
};

c10::Device g_device(c10::DeviceType::CPU);

void finalizeTensor(napi_env, void* data, void*) { delete static_cast<TensorBox*>(data); }

napi_value wrapTensor(napi_env env, at::Tensor t) {
  napi_value out;
  auto* box = new TensorBox{std::move(t)};
  if (napi_create_external(env, box, finalizeTensor, nullptr, &out) != napi_ok) {
    delete box;
    throw std::runtime_error("napi_create_external failed");
  }
  return out;
}

at::Tensor& unwrapTensor(napi_env env, napi_value v) {
  void* data = nullptr;
  napi_valuetype type;
  NAPI_OK(napi_typeof(env, v, &type));
  if (type != napi_external) throw std::invalid_argument("expected a tensor handle");
  NAPI_OK(napi_get_value_external(env, v, &data));
  auto* box = static_cast<TensorBox*>(data);
  if (!box->tensor.defined()) throw std::invalid_argument("tensor handle used after dispose");
  return box->tensor;
}

struct OpBox {
  c10::OperatorHandle op;
  std::vector<c10::Argument> args;
};

void finalizeOp(napi_env, void* data, void*) { delete static_cast<OpBox*>(data); }

// ---------------------------------------------------------------------------
// JS value <-> IValue, driven by the schema's argument types.
std::string getString(napi_env env, napi_value v) {
  size_t len = 0;
  NAPI_OK(napi_get_value_string_utf8(env, v, nullptr, 0, &len));
  std::string s(len, '\0');
  NAPI_OK(napi_get_value_string_utf8(env, v, s.data(), len + 1, &len));
  return s;
}

double getNumber(napi_env env, napi_value v) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) throw std::invalid_argument("expected a number");
  return d;
}

bool getBool(napi_env env, napi_value v) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) throw std::invalid_argument("expected a boolean");
  return b;
}

std::vector<napi_value> getArray(napi_env env, napi_value v) {
  bool isArray = false;
  NAPI_OK(napi_is_array(env, v, &isArray));
  if (!isArray) throw std::invalid_argument("expected an array");
  uint32_t n;
  NAPI_OK(napi_get_array_length(env, v, &n));
  std::vector<napi_value> items(n);
  for (uint32_t i = 0; i < n; i++) NAPI_OK(napi_get_element(env, v, i, &items[i]));
  return items;
}

c10::IValue toIValue(napi_env env, napi_value v, const c10::TypePtr& type) {
  napi_valuetype jsType;
  NAPI_OK(napi_typeof(env, v, &jsType));
  switch (type->kind()) {
    case c10::TypeKind::OptionalType:
      if (jsType == napi_null || jsType == napi_undefined) return c10::IValue();
      return toIValue(env, v, type->castRaw<c10::OptionalType>()->getElementType());
    case c10::TypeKind::TensorType:
      return unwrapTensor(env, v);
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
    case c10::TypeKind::ScalarTypeType:
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType:
      return static_cast<int64_t>(getNumber(env, v));
    case c10::TypeKind::FloatType:
      return getNumber(env, v);
    case c10::TypeKind::BoolType:
      return getBool(env, v);
    case c10::TypeKind::NumberType: {  // Scalar: keeps integers integral so int tensors stay int
      if (jsType == napi_boolean) return getBool(env, v);
      double d = getNumber(env, v);
      if (d == static_cast<double>(static_cast<int64_t>(d)) && std::abs(d) < 9e15) return static_cast<int64_t>(d);
      return d;
    }
    case c10::TypeKind::StringType:
      return getString(env, v);
    case c10::TypeKind::DeviceObjType:
      return c10::Device(getString(env, v));
    case c10::TypeKind::ListType: {
      auto elem = type->castRaw<c10::ListType>()->getElementType();
      auto items = getArray(env, v);
      switch (elem->kind()) {
        case c10::TypeKind::IntType:
        case c10::TypeKind::SymIntType: {
          c10::List<int64_t> list;
          for (auto item : items) list.push_back(static_cast<int64_t>(getNumber(env, item)));
          return list;
        }
        case c10::TypeKind::FloatType: {
          c10::List<double> list;
          for (auto item : items) list.push_back(getNumber(env, item));
          return list;
        }
        case c10::TypeKind::BoolType: {
          c10::List<bool> list;
          for (auto item : items) list.push_back(getBool(env, item));
          return list;
        }
        case c10::TypeKind::TensorType: {
          c10::List<at::Tensor> list;
          for (auto item : items) list.push_back(unwrapTensor(env, item));
          return list;
        }
        case c10::TypeKind::OptionalType: {
          c10::List<c10::optional<at::Tensor>> list;
          for (auto item : items) {
            napi_valuetype t;
            NAPI_OK(napi_typeof(env, item, &t));
            list.push_back(t == napi_null || t == napi_undefined ? c10::optional<at::Tensor>() : unwrapTensor(env, item));
          }
          return list;
        }
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  throw std::invalid_argument("unsupported argument type " + type->str());
}


// ---------------------------------------------------------------------------
// Step capture. While a recorder is active, every dispatcher call (and every layout fix-up by finish) is
// appended to a Program, its tensor arguments named by slot: the declared inputs first, then each tensor an
// op returns. Tensors from elsewhere (made from JS buffers during the step, or older ones) are kept by
// value as constants. Replaying the program runs the same ATen calls in the same order, so its results are
// those of the eager step bit for bit, without the JS between the calls; each intermediate is freed after
// its last use, as PyTorch's autograd frees them.
struct ArgTemplate {
  enum Kind { kConst, kSlot, kList, kOptionalList } kind = kConst;
  c10::IValue value;                   // kConst
  std::vector<int> slots;              // kSlot: one; lists: per element, >= 0 slot, -1 - k constant k, kNone
  std::vector<at::Tensor> constants;   // list elements that are not slots
  static constexpr int kNone = std::numeric_limits<int>::min();
};

struct Instr {
  bool finish = false;                      // a layout/dtype fix-up of args[0] (see finishTensor)
  c10::optional<c10::OperatorHandle> op;
  std::vector<ArgTemplate> args;
  std::vector<int> outs;                    // flattened tensor returns -> slot (-1: undefined tensor)
  std::vector<int> frees;                   // slots whose last use is this instruction
  std::string shapes;                       // the tensor arguments' sizes and strides when recorded (for profiles)
};

struct Program {
  int inputs = 0, slots = 0;
  std::vector<Instr> instrs;
  std::vector<int> outputs;                 // slot, or -1 - k for constant k
  std::vector<at::Tensor> outputConstants;
};

struct Recorder {
  Program program;
  std::unordered_map<c10::TensorImpl*, int> slotOf;
  // Weak references keep a dead tensor's TensorImpl address from being reused (and so misnamed) while
  // recording, without keeping its data.
  std::vector<c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>> pins;
  std::string tainted;

  int find(const at::Tensor& t) const {
    auto it = slotOf.find(t.unsafeGetTensorImpl());
    return it == slotOf.end() ? -1 : it->second;
  }
  int define(const at::Tensor& t) {
    if (!t.defined()) return -1;
    int existing = find(t);
    if (existing >= 0) return existing;  // an in-place op, or an op returning its input
    int slot = program.slots++;
    slotOf.emplace(t.unsafeGetTensorImpl(), slot);
    pins.emplace_back(t.getIntrusivePtr());
    return slot;
  }
  ArgTemplate argOf(const c10::IValue& v) {
    ArgTemplate a;
    if (v.isTensor()) {
      int slot = v.toTensor().defined() ? find(v.toTensor()) : -1;
      if (slot >= 0) { a.kind = ArgTemplate::kSlot; a.slots = {slot}; } else a.value = v;
      return a;
    }
    bool tensorList = v.isTensorList();
    if (!tensorList && (!v.isList() || v.isIntList() || v.isDoubleList() || v.isBoolList())) {
      a.value = v;
      return a;
    }
    if (!tensorList) {  // a list of optional tensors (index ops), or of numbers
      for (const auto& e : v.toListRef()) if (!e.isNone() && !e.isTensor()) { a.value = v; return a; }
    }
    a.kind = tensorList ? ArgTemplate::kList : ArgTemplate::kOptionalList;
    for (const auto& e : v.toListRef()) {
      if (e.isNone()) { a.slots.push_back(ArgTemplate::kNone); continue; }
      int slot = find(e.toTensor());
      if (slot >= 0) a.slots.push_back(slot);
      else { a.slots.push_back(-1 - static_cast<int>(a.constants.size())); a.constants.push_back(e.toTensor()); }
    }
    return a;
  }
};

Recorder* g_recorder = nullptr;

template <typename F>
void forEachReturnedTensor(const torch::jit::Stack& stack, F&& f) {
  for (const auto& v : stack) {
    if (v.isTensor()) f(v.toTensor());
    else if (v.isTensorList()) for (const auto& t : v.toTensorList()) f(static_cast<at::Tensor>(t));
    else if (!v.isNone() && g_recorder && g_recorder->tainted.empty()) g_recorder->tainted = "an op returned a number to JavaScript";
  }
}

std::string describeTensors(const torch::jit::Stack& args) {
  std::string out;
  for (const auto& v : args) {
    if (!v.isTensor() || !v.toTensor().defined()) continue;
    const auto& t = v.toTensor();
    if (!out.empty()) out += " ";
    out += "[";
    for (int64_t d = 0; d < t.dim(); d++) out += (d ? "," : "") + std::to_string(t.size(d));
    out += t.is_contiguous() ? "]" : t.is_contiguous(at::MemoryFormat::ChannelsLast) ? "]cl" : "]s";
  }
  return out;
}

void recordCall(const c10::OperatorHandle& op, const torch::jit::Stack& args, const torch::jit::Stack& results) {
  Instr instr;
  instr.op = op;
  instr.shapes = describeTensors(args);
  for (const auto& v : args) instr.args.push_back(g_recorder->argOf(v));
  forEachReturnedTensor(results, [&](const at::Tensor& t) { instr.outs.push_back(g_recorder->define(t)); });
  g_recorder->program.instrs.push_back(std::move(instr));
}

c10::IValue instantiate(const ArgTemplate& a, const std::vector<at::Tensor>& slots) {
  switch (a.kind) {
    case ArgTemplate::kConst: return a.value;
    case ArgTemplate::kSlot: return slots[a.slots[0]];
    case ArgTemplate::kList: {
      c10::List<at::Tensor> list;
      list.reserve(a.slots.size());
      for (int s : a.slots) list.push_back(s >= 0 ? slots[s] : a.constants[-1 - s]);
      return list;
    }
    case ArgTemplate::kOptionalList: {
      c10::List<c10::optional<at::Tensor>> list;
      for (int s : a.slots) list.push_back(s == ArgTemplate::kNone ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(s >= 0 ? slots[s] : a.constants[-1 - s]));
      return list;
    }
  }
  return {};
}

napi_value fromIValue(napi_env env, const c10::IValue& v) {
  napi_value out;
  if (v.isTensor()) {
    if (v.toTensor().defined()) return wrapTensor(env, v.toTensor());
    NAPI_OK(napi_get_null(env, &out));
    return out;
  }
  if (v.isTensorList() || v.isTuple() || v.isList()) {
    std::vector<c10::IValue> items;
    if (v.isTuple()) {
      for (const auto& e : v.toTupleRef().elements()) items.push_back(e);
    } else {
      for (const auto& e : v.toListRef()) items.push_back(e);
    }
    NAPI_OK(napi_create_array_with_length(env, items.size(), &out));
    for (size_t i = 0; i < items.size(); i++) NAPI_OK(napi_set_element(env, out, i, fromIValue(env, items[i])));
    return out;
  }
  if (v.isInt()) NAPI_OK(napi_create_double(env, static_cast<double>(v.toInt()), &out));
  else if (v.isDouble()) NAPI_OK(napi_create_double(env, v.toDouble(), &out));
  else if (v.isBool()) NAPI_OK(napi_get_boolean(env, v.toBool(), &out));
  else NAPI_OK(napi_get_null(env, &out));
  return out;
}

// ---------------------------------------------------------------------------
// Exported functions. Each converts C++ exceptions into JS errors.
template <typename F>
napi_value guarded(napi_env env, F&& body) {
  try {
    return body();
  } catch (const c10::Error& e) {
    napi_throw_error(env, nullptr, e.what_without_backtrace());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

std::vector<napi_value> args(napi_env env, napi_callback_info info, size_t max = 64) {
  size_t argc = max;
  std::vector<napi_value> argv(max);
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv.data(), nullptr, nullptr));
  argv.resize(argc);
  return argv;
}

// op(name, overload) -> operator handle
napi_value Op(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 2);
    if (a.size() < 1) throw std::invalid_argument("op(name, overload?)");
    std::string name = getString(env, a[0]);
    std::string overload = a.size() > 1 ? getString(env, a[1]) : "";
    auto op = c10::Dispatcher::singleton().findSchemaOrThrow(name.c_str(), overload.c_str());
    auto* box = new OpBox{op, op.schema().arguments()};
    napi_value out;
    NAPI_OK(napi_create_external(env, box, finalizeOp, nullptr, &out));
    return out;
  });
}

// call(op, ...args) -> tensor | array | number | boolean | null
// Positional JS arguments follow the schema; missing trailing ones take the schema default.
napi_value Call(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info);
    if (a.empty()) throw std::invalid_argument("call(op, ...args)");
    void* data;
    NAPI_OK(napi_get_value_external(env, a[0], &data));
    auto* box = static_cast<OpBox*>(data);
    const auto& schemaArgs = box->args;
    if (a.size() - 1 > schemaArgs.size()) throw std::invalid_argument(box->op.schema().name() + ": too many arguments");
    c10::InferenceMode guard;
    torch::jit::Stack stack;
    stack.reserve(schemaArgs.size());
    for (size_t i = 0; i < schemaArgs.size(); i++) {
      const auto& arg = schemaArgs[i];
      napi_valuetype t = napi_undefined;
      if (i + 1 < a.size()) NAPI_OK(napi_typeof(env, a[i + 1], &t));
      if (t == napi_undefined) {
        if (arg.default_value()) stack.push_back(*arg.default_value());
        else if (arg.type()->kind() == c10::TypeKind::OptionalType) stack.emplace_back();
        else throw std::invalid_argument(box->op.schema().name() + ": missing argument " + arg.name());
        continue;
      }
      try {
        stack.push_back(toIValue(env, a[i + 1], arg.type()));
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(box->op.schema().name() + " argument " + arg.name() + " (" + arg.type()->str() + "): " + e.what());
      }
    }
    if (g_recorder) {
      torch::jit::Stack args = stack;
      cnnlab_compat::callBoxed(box->op, &stack);
      recordCall(box->op, args, stack);
    } else {
      cnnlab_compat::callBoxed(box->op, &stack);
    }
    if (stack.size() == 1) return fromIValue(env, stack[0]);
    napi_value out;
    NAPI_OK(napi_create_array_with_length(env, stack.size(), &out));
    for (size_t i = 0; i < stack.size(); i++) NAPI_OK(napi_set_element(env, out, i, fromIValue(env, stack[i])));
    return out;
  });
}

at::ScalarType scalarType(const std::string& dtype) {
  if (dtype == "float32") return at::kFloat;
  if (dtype == "int32") return at::kInt;
  if (dtype == "bool") return at::kBool;
  throw std::invalid_argument("unsupported dtype " + dtype);
}

std::vector<int64_t> getShape(napi_env env, napi_value v) {
  std::vector<int64_t> shape;
  for (auto item : getArray(env, v)) shape.push_back(static_cast<int64_t>(getNumber(env, item)));
  return shape;
}

// fromBuffer(typedArray, shape, dtype) -> tensor (a copy, on the current device)
napi_value FromBuffer(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 3);
    if (a.size() != 3) throw std::invalid_argument("fromBuffer(typedArray, shape, dtype)");
    napi_typedarray_type type;
    size_t length, offset;
    void* data;
    napi_value ab;
    NAPI_OK(napi_get_typedarray_info(env, a[0], &type, &length, &data, &ab, &offset));
    auto shape = getShape(env, a[1]);
    auto dtype = scalarType(getString(env, a[2]));
    c10::InferenceMode guard;
    auto t = at::empty(shape, at::TensorOptions().dtype(dtype));
    size_t bytes = t.numel() * t.element_size();
    size_t have = length * (type == napi_float32_array || type == napi_int32_array || type == napi_uint32_array ? 4 : 1);
    if (have != bytes) throw std::invalid_argument("buffer holds " + std::to_string(have) + " bytes, shape needs " + std::to_string(bytes));
    if (bytes) std::memcpy(t.data_ptr(), data, bytes);
    if (g_device.type() != c10::DeviceType::CPU) t = t.to(g_device);
    return wrapTensor(env, std::move(t));
  });
}

// toBuffer(tensor) -> ArrayBuffer with the contiguous values (float32/int32: 4 bytes, bool: 1 byte)
napi_value ToBuffer(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    c10::InferenceMode guard;
    if (g_recorder && g_recorder->tainted.empty()) g_recorder->tainted = "a tensor was read into JavaScript";
    auto t = unwrapTensor(env, a.at(0)).to(at::kCPU).contiguous();
    size_t bytes = t.numel() * t.element_size();
    void* out = nullptr;
    napi_value ab;
    NAPI_OK(napi_create_arraybuffer(env, bytes, &out, &ab));
    if (bytes) std::memcpy(out, t.data_ptr(), bytes);
    return ab;
  });
}

// A tensor's sizes as a JS number[].
napi_value shapeArray(napi_env env, const at::Tensor& t) {
  napi_value out;
  NAPI_OK(napi_create_array_with_length(env, t.dim(), &out));
  for (int64_t i = 0; i < t.dim(); i++) {
    napi_value n;
    NAPI_OK(napi_create_double(env, static_cast<double>(t.size(i)), &n));
    NAPI_OK(napi_set_element(env, out, i, n));
  }
  return out;
}

// shape(tensor) -> number[]
napi_value Shape(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    const auto& t = unwrapTensor(env, a.at(0));
    return shapeArray(env, t);
  });
}

at::Tensor finishTensor(const at::Tensor& in) {
  at::Tensor t = in;
  auto type = t.scalar_type();
  if (type == at::kLong || type == at::kShort || type == at::kChar || type == at::kByte) t = t.to(at::kInt);
  else if (type == at::kDouble || type == at::kHalf || type == at::kBFloat16) t = t.to(at::kFloat);
  if (!t.is_contiguous()) t = t.contiguous();
  return t;
}

// finish(tensor) -> shape: makes a kernel's output what the JS side stores, a contiguous
// float32/int32/bool tensor (int64 results become int32, float64 float32), and returns its shape.
napi_value Finish(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    auto& t = unwrapTensor(env, a.at(0));
    c10::InferenceMode guard;
    at::Tensor finished = finishTensor(t);
    if (g_recorder && !finished.is_same(t)) {
      int from = g_recorder->find(t);
      if (from >= 0) {
        Instr instr;
        instr.finish = true;
        instr.args.push_back(g_recorder->argOf(t));
        instr.outs.push_back(g_recorder->define(finished));
        instr.shapes = describeTensors({t});
        g_recorder->program.instrs.push_back(std::move(instr));
      }
    }
    t = std::move(finished);
    return shapeArray(env, t);
  });
}

napi_value Number(napi_env env, double d) {
  napi_value out;
  NAPI_OK(napi_create_double(env, d, &out));
  return out;
}

napi_value String(napi_env env, const std::string& text) {
  napi_value out;
  NAPI_OK(napi_create_string_utf8(env, text.c_str(), text.size(), &out));
  return out;
}

// dtype(tensor) -> 'float32' | 'int32' | 'bool' | torch's name for anything else
napi_value Dtype(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    auto type = unwrapTensor(env, a.at(0)).scalar_type();
    return String(env, type == at::kFloat ? "float32" : type == at::kInt ? "int32" : type == at::kBool ? "bool" : c10::toString(type));
  });
}

// dispose(tensor): frees the native memory now; the handle stays until GC.
napi_value Dispose(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    void* data;
    NAPI_OK(napi_get_value_external(env, a.at(0), &data));
    static_cast<TensorBox*>(data)->tensor.reset();
    return static_cast<napi_value>(nullptr);
  });
}


// setThreads(n) -> threads in use
napi_value SetThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    int n = static_cast<int>(getNumber(env, a.at(0)));
    if (n < 1) throw std::invalid_argument("threads must be at least 1");
    at::set_num_threads(n);
    return Number(env, at::get_num_threads());
  });
}

// setBlasThreads(n) -> whether an OpenBLAS was found to set. Debian's libtorch does matrix products in
// OpenBLAS, whose own thread pool competes for the cores with OpenMP's spinning workers (oneDNN, ATen);
// a LeNet step took 1.7x as long with it. Other BLAS builds (MKL in pytorch.org's libtorch) are left alone.
napi_value SetBlasThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    int n = static_cast<int>(getNumber(env, a.at(0)));
    if (n < 1) throw std::invalid_argument("threads must be at least 1");
    using SetThreads = void (*)(int);
    auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    for (const char* lib : {"libopenblas.so.0", "libblas.so.3"}) {
      if (set) break;
      if (void* handle = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD)) set = reinterpret_cast<SetThreads>(dlsym(handle, "openblas_set_num_threads"));
    }
    if (set) set(n);
    napi_value out;
    NAPI_OK(napi_get_boolean(env, set != nullptr, &out));
    return out;
  });
}

// setDevice('cpu' | 'cuda'): where new tensors from buffers go
napi_value SetDevice(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    c10::Device device(getString(env, a.at(0)));
    if (device.is_cuda() && !at::hasCUDA()) throw std::invalid_argument("this libtorch has no CUDA device");
    g_device = device;
    return static_cast<napi_value>(nullptr);
  });
}

// memory() -> { live, peak, cached } bytes held by the CPU allocator
napi_value Memory(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto& alloc = CachingCpuAllocator::instance();
    napi_value out;
    NAPI_OK(napi_create_object(env, &out));
    std::lock_guard<std::mutex> lock(alloc.mutex_);
    NAPI_OK(napi_set_named_property(env, out, "live", Number(env, alloc.live_)));
    NAPI_OK(napi_set_named_property(env, out, "peak", Number(env, alloc.peak_)));
    NAPI_OK(napi_set_named_property(env, out, "cached", Number(env, alloc.cached_)));
    return out;
  });
}

napi_value EmptyCache(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    CachingCpuAllocator::instance().emptyCache();
    return static_cast<napi_value>(nullptr);
  });
}

napi_value ResetPeak(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    auto& alloc = CachingCpuAllocator::instance();
    std::lock_guard<std::mutex> lock(alloc.mutex_);
    alloc.peak_ = alloc.live_;
    return static_cast<napi_value>(nullptr);
  });
}


// ---------------------------------------------------------------------------
// Capture entry points (see Recorder).
void finalizeProgram(napi_env, void* data, void*) { delete static_cast<Program*>(data); }

std::vector<at::Tensor> tensorsOf(napi_env env, napi_value array) {
  std::vector<at::Tensor> out;
  for (auto item : getArray(env, array)) out.push_back(unwrapTensor(env, item));
  return out;
}

// recordBegin(inputs: tensor[]): starts recording; the inputs become slots 0..n-1.
napi_value RecordBegin(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    if (g_recorder) throw std::logic_error("a step is already being recorded");
    auto inputs = tensorsOf(env, a.at(0));
    auto* rec = new Recorder();
    for (const auto& t : inputs) {
      int slot = rec->program.slots++;
      rec->slotOf.emplace(t.unsafeGetTensorImpl(), slot);  // a tensor given twice keeps its first slot
      rec->pins.emplace_back(t.getIntrusivePtr());
    }
    rec->program.inputs = static_cast<int>(inputs.size());
    g_recorder = rec;
    return static_cast<napi_value>(nullptr);
  });
}

// recordEnd(outputs: tensor[]) -> program, or a string saying why the step cannot be replayed.
napi_value RecordEnd(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 1);
    std::unique_ptr<Recorder> rec(g_recorder);
    g_recorder = nullptr;
    if (!rec) throw std::logic_error("no step is being recorded");
    if (!rec->tainted.empty()) return String(env, rec->tainted);
    napi_value out;
    auto program = std::make_unique<Program>(std::move(rec->program));
    for (const auto& t : tensorsOf(env, a.at(0))) {
      int slot = rec->find(t);
      if (slot >= 0) program->outputs.push_back(slot);
      else {
        program->outputs.push_back(-1 - static_cast<int>(program->outputConstants.size()));
        program->outputConstants.push_back(t);
      }
    }
    // Free each slot after its last use; outputs and inputs are never freed by the program.
    std::vector<int> lastUse(program->slots, -1);
    for (size_t i = 0; i < program->instrs.size(); i++) {
      for (const auto& arg : program->instrs[i].args)
        for (int s : arg.slots) if (s >= 0) lastUse[s] = static_cast<int>(i);
      for (int s : program->instrs[i].outs) if (s >= 0 && lastUse[s] < static_cast<int>(i)) lastUse[s] = static_cast<int>(i);
    }
    for (int s : program->outputs) if (s >= 0) lastUse[s] = -1;
    for (int s = program->inputs; s < program->slots; s++)
      if (lastUse[s] >= 0) program->instrs[lastUse[s]].frees.push_back(s);
    NAPI_OK(napi_create_external(env, program.release(), finalizeProgram, nullptr, &out));
    return out;
  });
}

// recordAbort(): drops a recording after an error in the step.
napi_value RecordAbort(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    delete g_recorder;
    g_recorder = nullptr;
    return static_cast<napi_value>(nullptr);
  });
}

Program& unwrapProgram(napi_env env, napi_value v) {
  void* data = nullptr;
  NAPI_OK(napi_get_value_external(env, v, &data));
  return *static_cast<Program*>(data);
}

// replay(program, inputs: tensor[], timings?: Float64Array) -> tensor[] (the recorded outputs); with `timings`
// (one entry per call), each call's milliseconds are added to its entry.
napi_value Replay(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 3);
    auto& program = unwrapProgram(env, a.at(0));
    auto inputs = tensorsOf(env, a.at(1));
    double* timings = nullptr;
    if (a.size() > 2) {
      napi_valuetype type;
      NAPI_OK(napi_typeof(env, a[2], &type));
      if (type != napi_undefined && type != napi_null) {
        napi_typedarray_type kind;
        size_t length;
        void* data;
        NAPI_OK(napi_get_typedarray_info(env, a[2], &kind, &length, &data, nullptr, nullptr));
        if (kind != napi_float64_array || length != program.instrs.size()) throw std::invalid_argument("replay: timings must be a Float64Array with one entry per call");
        timings = static_cast<double*>(data);
      }
    }
    if (static_cast<int>(inputs.size()) != program.inputs)
      throw std::invalid_argument("replay: the program takes " + std::to_string(program.inputs) + " inputs, got " + std::to_string(inputs.size()));
    c10::InferenceMode guard;
    std::vector<at::Tensor> slots(program.slots);
    for (size_t i = 0; i < inputs.size(); i++) slots[i] = inputs[i];
    torch::jit::Stack stack;
    size_t index = 0;
    for (const auto& instr : program.instrs) {
      auto started = std::chrono::steady_clock::now();
      stack.clear();
      if (instr.finish) {
        slots[instr.outs[0]] = finishTensor(slots[instr.args[0].slots[0]]);
      } else {
        for (const auto& arg : instr.args) stack.push_back(instantiate(arg, slots));
        cnnlab_compat::callBoxed(*instr.op, &stack);
        size_t k = 0;
        for (const auto& v : stack) {
          if (v.isTensor()) { int s = instr.outs.at(k++); if (s >= 0) slots[s] = v.toTensor(); }
          else if (v.isTensorList()) for (const auto& t : v.toTensorList()) { int s = instr.outs.at(k++); if (s >= 0) slots[s] = t; }
        }
      }
      for (int s : instr.frees) slots[s].reset();
      if (timings) timings[index] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      index++;
    }
    napi_value out;
    NAPI_OK(napi_create_array_with_length(env, program.outputs.size(), &out));
    for (size_t i = 0; i < program.outputs.size(); i++) {
      int s = program.outputs[i];
      NAPI_OK(napi_set_element(env, out, i, wrapTensor(env, s >= 0 ? slots[s] : program.outputConstants[-1 - s])));
    }
    return out;
  });
}

bool sameTensor(const at::Tensor& x, const at::Tensor& y) {
  if (x.defined() != y.defined()) return false;
  if (!x.defined()) return true;
  return x.sizes() == y.sizes() && x.strides() == y.strides() && x.scalar_type() == y.scalar_type() && x.device() == y.device() && at::equal(x, y);
}

bool sameValue(const c10::IValue& x, const c10::IValue& y) {
  if (x.isTensor() || y.isTensor()) return x.isTensor() && y.isTensor() && sameTensor(x.toTensor(), y.toTensor());
  if (x.isTensorList() || y.isTensorList()) {
    if (!x.isTensorList() || !y.isTensorList() || x.toTensorList().size() != y.toTensorList().size()) return false;
    for (size_t i = 0; i < x.toTensorList().size(); i++) if (!sameTensor(x.toTensorList()[i], y.toTensorList()[i])) return false;
    return true;
  }
  return x.tagKind() == y.tagKind() && x == y;
}

// sameProgram(a, b) -> '' when the two recordings are the same computation, else where they differ.
napi_value SameProgram(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 2);
    const auto& p = unwrapProgram(env, a.at(0));
    const auto& q = unwrapProgram(env, a.at(1));
    std::string why;
    if (p.inputs != q.inputs || p.slots != q.slots || p.instrs.size() != q.instrs.size() || p.outputs != q.outputs)
      why = "the steps made different numbers of calls or tensors";
    for (size_t i = 0; why.empty() && i < p.instrs.size(); i++) {
      const auto &x = p.instrs[i], &y = q.instrs[i];
      std::string name = x.op ? x.op->schema().name() + "." + x.op->schema().overload_name() : "finish";
      if (x.finish != y.finish || x.op.has_value() != y.op.has_value() || (x.op && !(x.op->operator_name() == y.op->operator_name())) ||
          x.outs != y.outs || x.args.size() != y.args.size()) {
        why = "call " + std::to_string(i) + " (" + name + ") differs";
        break;
      }
      for (size_t j = 0; why.empty() && j < x.args.size(); j++) {
        const auto &u = x.args[j], &v = y.args[j];
        bool same = u.kind == v.kind && u.slots == v.slots && sameValue(u.value, v.value) && u.constants.size() == v.constants.size();
        for (size_t k = 0; same && k < u.constants.size(); k++) same = sameTensor(u.constants[k], v.constants[k]);
        if (!same) why = "argument " + std::to_string(j) + " of call " + std::to_string(i) + " (" + name + ") differs";
      }
    }
    for (size_t i = 0; why.empty() && i < p.outputConstants.size(); i++)
      if (!sameTensor(p.outputConstants[i], q.outputConstants[i])) why = "output constant " + std::to_string(i) + " differs";
    return String(env, why);
  });
}

// sameTensor(a, b) -> whether two handles hold the same tensor
napi_value SameTensor(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 2);
    napi_value out;
    NAPI_OK(napi_get_boolean(env, unwrapTensor(env, a.at(0)).is_same(unwrapTensor(env, a.at(1))), &out));
    return out;
  });
}

// programCalls(program, shapes?) -> the name of each call ('aten::convolution', …; 'finish' for a layout fix-up),
// with `shapes` followed by its tensor arguments' sizes when recorded (']cl': channels-last, ']s': other strides)
napi_value ProgramCalls(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 2);
    const auto& p = unwrapProgram(env, a.at(0));
    bool withShapes = a.size() > 1 && getBool(env, a[1]);
    napi_value out;
    NAPI_OK(napi_create_array_with_length(env, p.instrs.size(), &out));
    for (size_t i = 0; i < p.instrs.size(); i++) {
      std::string name = p.instrs[i].op ? p.instrs[i].op->schema().name() : "finish";
      if (withShapes) name += " " + p.instrs[i].shapes;
      NAPI_OK(napi_set_element(env, out, i, String(env, name)));
    }
    return out;
  });
}

// programInfo(program) -> { calls, slots, inputs, outputs }
napi_value ProgramInfo(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    auto a = args(env, info, 1);
    const auto& p = unwrapProgram(env, a.at(0));
    napi_value out;
    NAPI_OK(napi_create_object(env, &out));
    NAPI_OK(napi_set_named_property(env, out, "calls", Number(env, p.instrs.size())));
    NAPI_OK(napi_set_named_property(env, out, "slots", Number(env, p.slots)));
    NAPI_OK(napi_set_named_property(env, out, "inputs", Number(env, p.inputs)));
    NAPI_OK(napi_set_named_property(env, out, "outputs", Number(env, p.outputs.size())));
    return out;
  });
}

napi_value Init(napi_env env, napi_value exports) {
  c10::SetCPUAllocator(&CachingCpuAllocator::instance(), /*priority=*/100);
  struct Fn {
    const char* name;
    napi_callback cb;
  } fns[] = {{"op", Op},           {"call", Call},           {"fromBuffer", FromBuffer}, {"toBuffer", ToBuffer},
             {"shape", Shape}, {"finish", Finish},     {"dtype", Dtype},         {"dispose", Dispose},       {"setThreads", SetThreads}, {"setBlasThreads", SetBlasThreads},
             {"setDevice", SetDevice}, {"memory", Memory},   {"emptyCache", EmptyCache}, {"resetPeak", ResetPeak},
             {"recordBegin", RecordBegin}, {"recordEnd", RecordEnd}, {"recordAbort", RecordAbort}, {"replay", Replay},
             {"sameProgram", SameProgram}, {"sameTensor", SameTensor}, {"programCalls", ProgramCalls}, {"programInfo", ProgramInfo}};
  for (const auto& fn : fns) {
    napi_value f;
    napi_create_function(env, fn.name, NAPI_AUTO_LENGTH, fn.cb, nullptr, &f);
    napi_set_named_property(env, exports, fn.name, f);
  }
  napi_value v;
  std::string version = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
  napi_create_string_utf8(env, version.c_str(), version.size(), &v);
  napi_set_named_property(env, exports, "libtorchVersion", v);
  napi_get_boolean(env, at::hasCUDA(), &v);
  napi_set_named_property(env, exports, "cuda", v);
  // CNNLAB_TORCH_DETERMINISTIC=1: libtorch's deterministic algorithms (the device kit's same-seed check).
  if (const char* d = std::getenv("CNNLAB_TORCH_DETERMINISTIC"); d && std::string(d) == "1") cnnlab_compat::setDeterministic(true);
  auto cudaProbe = cnnlab_cuda::probe();
  napi_get_boolean(env, cudaProbe.built, &v);
  napi_set_named_property(env, exports, "cudaBuilt", v);
  napi_create_string_utf8(env, cudaProbe.driver.c_str(), cudaProbe.driver.size(), &v);
  napi_set_named_property(env, exports, "cudaDriver", v);
  napi_create_array_with_length(env, cudaProbe.gpus.size(), &v);
  for (size_t i = 0; i < cudaProbe.gpus.size(); i++) {
    napi_value name;
    napi_create_string_utf8(env, cudaProbe.gpus[i].c_str(), cudaProbe.gpus[i].size(), &name);
    napi_set_element(env, v, i, name);
  }
  napi_set_named_property(env, exports, "gpus", v);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
