#include "simulator/load/reporter.h"

#include <algorithm>
#include <cstdio>

#include "simulator/text/quote.h"

namespace rundrill::load {

model::SourceMark Reporter::MarkOf(const YAML::Mark& mark) const {
  model::SourceMark out;
  out.file = path_;
  // yaml-cpp uses -1 for "no position" (an empty document, for one).
  out.line = mark.line >= 0 ? mark.line + 1 : 1;
  out.column = mark.column >= 0 ? mark.column + 1 : 1;
  return out;
}

model::SourceMark Reporter::MarkOf(const YAML::Node& node) const { return MarkOf(node.Mark()); }

model::SourceMark Reporter::FileStart() const {
  model::SourceMark out;
  out.file = path_;
  out.line = 1;
  out.column = 1;
  return out;
}

void Reporter::Error(const model::SourceMark& mark, std::string message) {
  diagnostics_.push_back(Diagnostic{mark, std::move(message)});
}

void Reporter::MoveSortedTo(std::vector<Diagnostic>* out) {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.mark.line != b.mark.line) return a.mark.line < b.mark.line;
                     return a.mark.column < b.mark.column;
                   });
  for (Diagnostic& d : diagnostics_) out->push_back(std::move(d));
  diagnostics_.clear();
}

std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 60;
  return QuoteText(text, kMaxShown);
}

std::string QuotedList(const std::vector<std::string>& words, std::string_view last_joiner) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      if (i + 1 == words.size()) {
        out.append(" ").append(last_joiner).append(" ");
      } else {
        out += ", ";
      }
    }
    out += Quote(words[i]);
  }
  return out;
}

bool DuplicateFinder::Add(const std::string& name, const model::SourceMark& mark) {
  auto [it, inserted] = first_.emplace(name, mark);
  if (inserted) return true;
  sink_->push_back(Diagnostic{
      it->second, what_ + " " + Quote(name) + " is defined again at " + mark.ToString()});
  sink_->push_back(Diagnostic{mark, "duplicate " + what_ + " " + Quote(name) +
                                        " (first defined at " + it->second.ToString() + ")"});
  return false;
}

}  // namespace rundrill::load
