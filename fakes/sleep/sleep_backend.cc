#include "fakes/sleep/sleep_backend.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace rundrill::fakes {

std::optional<SimDuration> ParseSleepInterval(std::string_view operand) {
  if (operand.empty()) return std::nullopt;
  double scale = 1000.0;
  std::string number(operand);
  switch (number.back()) {
    case 's':
      number.pop_back();
      break;
    case 'm':
      scale = 60000.0;
      number.pop_back();
      break;
    case 'h':
      scale = 3600000.0;
      number.pop_back();
      break;
    case 'd':
      scale = 86400000.0;
      number.pop_back();
      break;
    default:
      break;
  }
  if (number.empty() || number[0] == '-' || number[0] == '+' || number[0] == ' ') {
    return std::nullopt;
  }
  char* end = nullptr;
  // strtod reads "inf" and "infinity" in any case, and an overflow ("1e999") as infinity
  // too; GNU sleep accepts all of them (an ERANGE result included) and sleeps for ever.
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || std::isnan(value) || value < 0) {
    return std::nullopt;
  }
  // Saturate far beyond any horizon rather than overflow: an infinite sleep, like a very
  // long one, lasts until the step's virtual deadline stops it.
  constexpr double kMaxMillis = 1e15;
  return SimDuration(static_cast<int64_t>(std::llround(std::min(value * scale, kMaxMillis))));
}

CommandResponse SleepBackend::Handle(const CommandRequest& request, SimContext& context) {
  CommandResponse response;
  static constexpr char kTryHelp[] = "Try 'sleep --help' for more information.\n";
  if (request.argv.size() < 2) {
    response.stderr_data = std::string("sleep: missing operand\n") + kTryHelp;
    response.exit_code = 1;
    return response;
  }
  SimDuration total{0};
  for (size_t i = 1; i < request.argv.size(); ++i) {
    const std::string& operand = request.argv[i];
    if (operand == "--help" || operand == "--version") {
      // sleep cannot be stubbed (the scenario loader refuses it), so no stub is suggested.
      response.stderr_data =
          "rundrill: sleep '" + operand + "' is not modelled (see docs/fakes.md)\n";
      response.exit_code = 1;
      return response;
    }
    const auto interval = ParseSleepInterval(operand);
    if (!interval) {
      // GNU quotes the operand with ‘…’ under a UTF-8 locale, which the sandbox sets.
      response.stderr_data =
          "sleep: invalid time interval \u2018" + operand + "\u2019\n" + kTryHelp;
      response.exit_code = 1;
      return response;
    }
    total = std::min(total + *interval, SimDuration(int64_t{1000000000000000}));
  }
  context.AdvanceTo(context.Now() + total);
  return response;
}

}  // namespace rundrill::fakes
