// Arbitrary bytes as a runbook file: the loader must answer with a model or with errors that
// each name a place in the file, and never crash, hang or leak.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/load/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<rundrill::load::Diagnostic> errors;
  const auto runbook = rundrill::load::ParseRunbook(text, "fuzz.yaml", &errors);
  // The loader's contract: nothing half-loaded, and a failure always says why.
  if (runbook.has_value() != errors.empty()) std::abort();
  for (const rundrill::load::Diagnostic& d : errors) {
    if (d.message.empty() || d.mark.file != "fuzz.yaml") std::abort();
  }
  return 0;
}
