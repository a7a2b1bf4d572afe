#include "reports/report_text.h"

namespace rundrill::reports {

std::string JoinArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    const bool plain =
        !arg.empty() && arg.find_first_of(" \t\n'\"$`\\|&;<>(){}*?") == std::string::npos;
    out += plain ? arg : "'" + arg + "'";
  }
  return out;
}

std::string FigureOrDash(const std::optional<SimDuration>& d) {
  return d ? FormatDuration(*d) : "—";
}

std::string AlertLabelsText(const drill::AlertRecord& alert) {
  std::string out;
  for (const auto& [k, v] : alert.labels) {
    if (k != "alertname") out += (out.empty() ? "" : ", ") + k + "=" + v;
  }
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace rundrill::reports
