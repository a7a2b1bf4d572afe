#include "simulator/cli/drill_outputs.h"

#include "reports/contracts_json.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "reports/postmortem.h"
#include "reports/result_json.h"
#include "simulator/cli/commands.h"

namespace rundrill::cli {

namespace fs = std::filesystem;

bool WriteDrillOutputs(const fs::path& dir, const drill::DrillResult& result,
                       const std::vector<contracts::ContractResult>& contracts,
                       const reports::RunbookCoverage* coverage, std::string* error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) fs::remove(dir / "postmortem.md", ec);
  if (!ec) fs::remove_all(dir / "contracts", ec);
  if (!ec) fs::create_directories(dir / "contracts", ec);
  if (ec) {
    *error = "cannot prepare " + dir.string() + ": " + ec.message();
    return false;
  }
  if (!WriteFileAtomically(dir / "result.json", reports::RenderResultJson(result), error) ||
      !WriteFileAtomically(dir / "report.md", reports::RenderMarkdown(result), error) ||
      !WriteFileAtomically(dir / "report.html", reports::RenderHtml(result, coverage), error) ||
      (reports::HasIncident(result) &&
       !WriteFileAtomically(dir / "postmortem.md", reports::RenderPostmortem(result), error))) {
    return false;
  }
  for (const auto& contract : contracts) {
    if (!WriteFileAtomically(dir / "contracts" / reports::ContractFileName(contract),
                             reports::RenderContractJson(contract, result), error)) {
      return false;
    }
  }
  return true;
}

}  // namespace rundrill::cli
