// Dtype names as JS writes them (PyTorch's, without "torch."): the one table
// the addon and the tools share.
#pragma once

#include <c10/core/ScalarType.h>

#include <optional>
#include <string>

namespace diga {

// The name of a dtype; libtorch's own name for one the table does not hold.
const char* DtypeName(c10::ScalarType type);
std::optional<c10::ScalarType> DtypeFromName(const std::string& name);
// "float32, float64, ... or complex64", for messages.
std::string DtypeNameList();

}  // namespace diga
