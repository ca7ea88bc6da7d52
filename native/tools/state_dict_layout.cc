// Prints a preset's state-dict layout as JSON, in the form of the reference
// layout files: {"preset", "num_parameters", "keys": [[name, shape, dtype], ...]}.
// Usage: state_dict_layout <preset>
#include <iostream>

#include "model/seg_model.h"
#include "util/dtype.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: state_dict_layout <preset>\n";
    return 2;
  }
  try {
    diga::model::SegModel model(diga::model::PresetConfig(argv[1]));
    int64_t params = 0;
    for (const auto& p : model->parameters()) params += p.numel();

    if (params != diga::model::ParameterCount(model->config())) {
      std::cerr << "ParameterCount() says " << diga::model::ParameterCount(model->config())
                << ", the model has " << params << "\n";
      return 1;
    }
    std::cout << "{\"preset\": \"" << argv[1] << "\", \"num_parameters\": " << params
              << ", \"keys\": [";
    bool first = true;
    for (const auto& [name, t] : diga::model::StateDictEntries(model)) {
      std::cout << (first ? "\n" : ",\n") << "[\"" << name << "\", [";
      for (int64_t d = 0; d < t.dim(); ++d) std::cout << (d ? ", " : "") << t.size(d);
      std::cout << "], \"torch." << diga::DtypeName(t.scalar_type()) << "\"]";
      first = false;
    }
    std::cout << "\n]}\n";
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
