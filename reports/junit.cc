#include "reports/junit.h"

#include <cstdint>
#include <cstdio>
#include <optional>

namespace rundrill::reports {
namespace {

// Decodes one UTF-8 sequence at `text[*i]`, advancing `*i`; nullopt (and one byte consumed)
// for anything that is not the shortest encoding of a Unicode scalar value.
std::optional<uint32_t> NextCodePoint(std::string_view text, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(*i);
  size_t length = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    ++*i;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    ++*i;
    return std::nullopt;
  }
  if (*i + length > text.size()) {
    ++*i;
    return std::nullopt;
  }
  for (size_t k = 1; k < length; ++k) {
    const unsigned char c = byte(*i + k);
    if ((c & 0xC0) != 0x80) {
      ++*i;
      return std::nullopt;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return std::nullopt;
  }
  *i += length;
  return cp;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// XML 1.0's Char production, less tab and line ends (handled by the caller).
bool XmlChar(uint32_t cp) {
  return (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::string Visible(uint32_t cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, cp <= 0xFF ? "\\x%02X" : "\\u%04X", cp);
  return buffer;
}

struct Counts {
  size_t tests = 0;
  size_t failures = 0;
  size_t skipped = 0;
};

struct TestCase {
  std::string name;
  std::string classname;
  enum class Verdict { kPassed, kFailed, kSkipped } verdict = Verdict::kPassed;
  std::string message;  // failure or skipped message
  std::string type;     // failure type
  std::string detail;   // failure body
  std::string out;      // system-out
};

struct Suite {
  std::string name;
  std::vector<TestCase> cases;

  Counts Count() const {
    Counts c;
    for (const TestCase& t : cases) {
      ++c.tests;
      c.failures += t.verdict == TestCase::Verdict::kFailed;
      c.skipped += t.verdict == TestCase::Verdict::kSkipped;
    }
    return c;
  }
};

std::string Attr(std::string_view text) { return XmlEscape(text, /*attribute=*/true); }
std::string Text(std::string_view text) { return XmlEscape(text, /*attribute=*/false); }

std::string CountAttributes(const Counts& c) {
  return " tests=\"" + std::to_string(c.tests) + "\" failures=\"" + std::to_string(c.failures) +
         "\" errors=\"0\" skipped=\"" + std::to_string(c.skipped) + "\" time=\"0\"";
}

// Jenkins splits a classname at its last dot into package and class; a dot inside a name
// would split it in the wrong place.
std::string ClassPart(const std::string& name) {
  std::string out = name.empty() ? "_" : name;
  for (char& c : out) {
    if (c == '.') c = '_';
  }
  return out;
}

std::string DrillName(const drill::DrillResult& d) {
  return d.scenario_name + " (seed " + std::to_string(d.seed) + ")";
}

TestCase DrillCase(const drill::DrillResult& d) {
  TestCase t;
  t.name = DrillName(d);
  t.classname = "rundrill.drills." + ClassPart(d.scenario_name);
  std::string out = "scenario: " + d.scenario_path + "\nseed: " + std::to_string(d.seed) + "\n";
  for (const auto& run : d.runbooks) {
    out += "runbook " + run.name + ": " + run.outcome + "\n";
  }
  out += "reproduce: " + d.reproduce + "\n";
  t.out = out;
  if (d.passed) return t;

  t.verdict = TestCase::Verdict::kFailed;
  t.type = "drill";
  std::vector<std::string> parts;
  std::string detail;
  size_t steps_failed = 0;
  for (const auto& run : d.runbooks) {
    for (const auto& step : run.steps) {
      if (step.outcome == drill::StepOutcome::kFailed ||
          step.outcome == drill::StepOutcome::kTimedOut) {
        ++steps_failed;
        detail += "step " + run.name + "/" + step.id + " " +
                  std::string(drill::StepOutcomeName(step.outcome)) +
                  (step.reason.empty() ? "" : ": " + step.reason) + "\n";
      }
    }
  }
  size_t unmet = 0;
  for (const auto& e : d.expectations) {
    if (e.passed) continue;
    ++unmet;
    detail += "not met: " + e.what + " (found " + e.detail + ")" +
              (e.source.empty() ? "" : " at " + e.source) + "\n";
  }
  size_t checks_failed = 0;
  if (d.verification) {
    for (const auto& f : d.verification->findings) {
      if (f.passed || f.skipped) continue;
      ++checks_failed;
      detail += "check " + f.check + " " + f.runbook + (f.step.empty() ? "" : "/" + f.step) + ": " +
                f.summary + "\n";
    }
  }
  const auto plural = [](size_t n, const std::string& what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  if (unmet > 0) parts.push_back(plural(unmet, "expectation") + " not met");
  if (steps_failed > 0) parts.push_back(plural(steps_failed, "step") + " failed");
  if (checks_failed > 0) parts.push_back(plural(checks_failed, "check") + " failed");
  std::string message;
  for (const std::string& p : parts) message += (message.empty() ? "" : ", ") + p;
  t.message = message.empty() ? "drill failed" : message;
  t.detail = detail + "reproduce: " + d.reproduce + "\n";
  return t;
}

TestCase CheckCase(const drill::DrillResult& d, const verify::Finding& f) {
  TestCase t;
  t.name = f.check + " " + f.runbook + (f.step.empty() ? "" : "/" + f.step);
  t.classname = "rundrill.checks." + ClassPart(d.scenario_name);
  t.out = (f.mark.empty() ? "" : f.mark + ": ") + f.summary + "\n";
  if (f.skipped) {
    t.verdict = TestCase::Verdict::kSkipped;
    t.message = f.summary;
  } else if (!f.passed) {
    t.verdict = TestCase::Verdict::kFailed;
    t.type = f.check;
    t.message = f.summary;
    std::string detail = f.mark.empty() ? "" : f.mark + "\n";
    for (const verify::DiffEntry& e : f.diff) {
      detail += e.path + ": " + (e.had_before ? e.before.dump() : "(absent)") + " -> " +
                (e.has_after ? e.after.dump() : "(absent)") + "\n";
    }
    t.detail = detail + "reproduce: " + d.reproduce + "\n";
  }
  return t;
}

TestCase ContractCase(const drill::DrillResult& d, const contracts::ContractResult& c) {
  using contracts::ContractStatus;
  TestCase t;
  t.name = c.consumer + "--" + c.provider;
  t.classname = "rundrill.contracts." + ClassPart(d.scenario_name);
  std::string out;
  std::string detail;
  for (const contracts::ContractInteraction& i : c.interactions) {
    std::string line = "#" + std::to_string(i.call.sequence) + " " + i.call.step + ": " +
                       i.description + " => " + std::string(ContractStatusName(i.status)) +
                       (i.reason.empty() ? "" : " (" + i.reason + ")");
    if (i.real_client) {
      line += "; real client " + std::string(contracts::RealClientVerdictName(i.real_client->kind));
      if (!i.real_client->detail.empty()) line += " (" + i.real_client->detail + ")";
    }
    out += line + "\n";
    const bool rejected =
        i.real_client && i.real_client->kind == contracts::RealClientVerdict::Kind::kRejected;
    if (i.status == ContractStatus::kViolated || rejected) detail += line + "\n";
  }
  t.out = out;
  const size_t violated = c.Count(ContractStatus::kViolated);
  const size_t rejected = c.RealClientRejections();
  if (violated > 0 || rejected > 0) {
    t.verdict = TestCase::Verdict::kFailed;
    t.type = "contract";
    std::string message;
    if (violated > 0) {
      message = std::to_string(violated) + " of " + std::to_string(c.interactions.size()) +
                " interactions violated the " + c.provider + " contract";
    }
    if (rejected > 0) {
      message += std::string(message.empty() ? "" : "; ") + std::to_string(rejected) +
                 " rejected by the real client's parser";
    }
    t.message = message;
    t.detail = detail + "reproduce: " + d.reproduce + "\n";
  } else if (c.Count(ContractStatus::kNotModelled) == c.interactions.size()) {
    t.verdict = TestCase::Verdict::kSkipped;
    t.message = "no contract is modelled for " + c.provider;
  }
  return t;
}

TestCase LintCase(const lint::LintFinding& f) {
  TestCase t;
  t.name = f.rule + (f.step_id.empty() ? "" : " " + f.step_id) + " (" + f.mark.ToString() + ")";
  t.classname = "rundrill.lint." + ClassPart(f.mark.file);
  t.out = f.ToString() + "\n";
  if (f.silenced()) {
    t.verdict = TestCase::Verdict::kSkipped;
    t.message = "silenced: " + f.silenced_reason;
  } else if (f.severity == lint::Severity::kError) {
    t.verdict = TestCase::Verdict::kFailed;
    t.type = f.rule;
    t.message = f.message;
    t.detail = f.ToString() + "\n";
  }
  return t;
}

void RenderCase(const TestCase& t, std::string& xml) {
  xml += "    <testcase name=\"" + Attr(t.name) + "\" classname=\"" + Attr(t.classname) +
         "\" time=\"0\">\n";
  if (t.verdict == TestCase::Verdict::kFailed) {
    xml += "      <failure message=\"" + Attr(t.message) + "\" type=\"" + Attr(t.type) + "\">" +
           Text(t.detail) + "</failure>\n";
  } else if (t.verdict == TestCase::Verdict::kSkipped) {
    xml += "      <skipped message=\"" + Attr(t.message) + "\"/>\n";
  }
  if (!t.out.empty()) xml += "      <system-out>" + Text(t.out) + "</system-out>\n";
  xml += "    </testcase>\n";
}

}  // namespace

std::string XmlEscape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const std::optional<uint32_t> cp = NextCodePoint(text, &i);
    if (!cp) {
      AppendUtf8(0xFFFD, out);
      continue;
    }
    switch (*cp) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += attribute ? "&quot;" : "\"";
        continue;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        continue;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        continue;
      case '\r':
        // A raw CR would be read back as a line feed; the reference keeps it.
        out += "&#13;";
        continue;
      default:
        break;
    }
    if (XmlChar(*cp)) {
      AppendUtf8(*cp, out);
    } else {
      out += Visible(*cp);
    }
  }
  return out;
}

std::string RenderJUnit(
    const std::vector<drill::DrillResult>& drills, const std::vector<lint::LintFinding>& lint,
    const std::vector<std::vector<contracts::ContractResult>>& contracts_per_drill) {
  Suite drill_suite{"drills", {}};
  Suite check_suite{"checks", {}};
  Suite contract_suite{"contracts", {}};
  Suite lint_suite{"lint", {}};
  for (size_t k = 0; k < drills.size(); ++k) {
    const drill::DrillResult& d = drills[k];
    drill_suite.cases.push_back(DrillCase(d));
    if (d.verification) {
      for (const verify::Finding& f : d.verification->findings) {
        check_suite.cases.push_back(CheckCase(d, f));
      }
    }
    if (k < contracts_per_drill.size()) {
      for (const contracts::ContractResult& c : contracts_per_drill[k]) {
        contract_suite.cases.push_back(ContractCase(d, c));
      }
    }
  }
  for (const lint::LintFinding& f : lint) lint_suite.cases.push_back(LintCase(f));

  Counts total;
  std::string body;
  for (const Suite* suite : {&drill_suite, &check_suite, &contract_suite, &lint_suite}) {
    if (suite->cases.empty()) continue;
    const Counts c = suite->Count();
    total.tests += c.tests;
    total.failures += c.failures;
    total.skipped += c.skipped;
    body += "  <testsuite name=\"" + Attr(suite->name) + "\"" + CountAttributes(c) + ">\n";
    for (const TestCase& t : suite->cases) RenderCase(t, body);
    body += "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rundrill\"" +
         CountAttributes(total) + ">\n" + body + "</testsuites>\n";
}

}  // namespace rundrill::reports
