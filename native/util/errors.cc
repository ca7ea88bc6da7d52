#include "util/errors.h"

namespace diga {

std::string CleanTorchMessage(const std::string& what) {
  std::string msg = what;
  const auto cut = msg.find("\nException raised from");
  if (cut != std::string::npos) msg.erase(cut);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg.empty() ? std::string("libtorch error") : msg;
}

}  // namespace diga
