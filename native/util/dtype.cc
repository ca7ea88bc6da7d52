#include "util/dtype.h"

namespace diga {

namespace {
struct DtypeEntry {
  const char* name;
  c10::ScalarType type;
};
constexpr DtypeEntry kDtypes[] = {
    {"float32", c10::kFloat}, {"float64", c10::kDouble}, {"float16", c10::kHalf},
    {"bfloat16", c10::kBFloat16}, {"int64", c10::kLong}, {"int32", c10::kInt},
    {"int16", c10::kShort}, {"int8", c10::kChar}, {"uint8", c10::kByte},
    {"bool", c10::kBool}, {"complex64", c10::kComplexFloat},
};
}  // namespace

const char* DtypeName(c10::ScalarType type) {
  for (const auto& e : kDtypes) {
    if (e.type == type) return e.name;
  }
  return c10::toString(type);
}

std::optional<c10::ScalarType> DtypeFromName(const std::string& name) {
  for (const auto& e : kDtypes) {
    if (name == e.name) return e.type;
  }
  return std::nullopt;
}

std::string DtypeNameList() {
  std::string out;
  const size_t n = sizeof(kDtypes) / sizeof(kDtypes[0]);
  for (size_t i = 0; i < n; ++i) {
    out += i == 0 ? "" : i + 1 == n ? " or " : ", ";
    out += kDtypes[i].name;
  }
  return out;
}

}  // namespace diga
