// Minimal safetensors reader for the development tools (the package itself
// reads checkpoints in TypeScript). Format: u64 little-endian header length,
// a JSON header {name: {dtype, shape, data_offsets}}, then the raw data.
#pragma once

#include <torch/torch.h>

#include <cctype>
#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace diga::tools {

class JsonCursor {
 public:
  explicit JsonCursor(const std::string& s) : s_(s) {}

  void Expect(char c) {
    Skip();
    if (pos_ >= s_.size() || s_[pos_] != c) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  bool Peek(char c) {
    Skip();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  std::string String() {
    Expect('"');
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\') ++pos_;  // names in these files need no unescaping beyond this
      out += s_[pos_++];
    }
    Expect('"');
    return out;
  }
  int64_t Integer() {
    Skip();
    size_t used = 0;
    const int64_t v = std::stoll(s_.substr(pos_, 24), &used);
    pos_ += used;
    return v;
  }
  std::vector<int64_t> IntArray() {
    std::vector<int64_t> out;
    Expect('[');
    while (!Peek(']')) {
      out.push_back(Integer());
      if (Peek(',')) Expect(',');
    }
    Expect(']');
    return out;
  }
  // Skips any value (used for __metadata__).
  void SkipValue() {
    Skip();
    if (Peek('"')) {
      String();
    } else if (Peek('{') || Peek('[')) {
      const char open = s_[pos_], close = open == '{' ? '}' : ']';
      Expect(open);
      while (!Peek(close)) {
        if (open == '{') {
          String();
          Expect(':');
        }
        SkipValue();
        if (Peek(',')) Expect(',');
      }
      Expect(close);
    } else {
      while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && s_[pos_] != ']') ++pos_;
    }
  }

 private:
  void Skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  [[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error("safetensors header: " + what + " at byte " + std::to_string(pos_));
  }
  const std::string& s_;
  size_t pos_ = 0;
};

inline std::map<std::string, at::Tensor> ReadSafetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  uint64_t header_len = 0;
  in.read(reinterpret_cast<char*>(&header_len), 8);
  std::string header(header_len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  std::map<std::string, at::Tensor> out;
  JsonCursor j(header);
  j.Expect('{');
  while (!j.Peek('}')) {
    const std::string name = j.String();
    j.Expect(':');
    if (name == "__metadata__") {
      j.SkipValue();
    } else {
      std::string dtype;
      std::vector<int64_t> shape, offsets;
      j.Expect('{');
      while (!j.Peek('}')) {
        const std::string field = j.String();
        j.Expect(':');
        if (field == "dtype") dtype = j.String();
        else if (field == "shape") shape = j.IntArray();
        else if (field == "data_offsets") offsets = j.IntArray();
        else j.SkipValue();
        if (j.Peek(',')) j.Expect(',');
      }
      j.Expect('}');
      at::ScalarType type;
      if (dtype == "F32") type = at::kFloat;
      else if (dtype == "I64") type = at::kLong;
      else if (dtype == "F64") type = at::kDouble;
      else throw std::runtime_error(path + ": tensor " + name + " has unsupported dtype " + dtype);
      if (offsets.size() != 2 || offsets[1] > static_cast<int64_t>(data.size())) {
        throw std::runtime_error(path + ": bad data_offsets for " + name);
      }
      auto t = torch::empty(shape, torch::TensorOptions().dtype(type));
      if (static_cast<int64_t>(t.nbytes()) != offsets[1] - offsets[0]) {
        throw std::runtime_error(path + ": size of " + name + " does not match its shape");
      }
      std::memcpy(t.data_ptr(), data.data() + offsets[0], t.nbytes());
      out.emplace(name, t);
    }
    if (j.Peek(',')) j.Expect(',');
  }
  return out;
}

}  // namespace diga::tools
