#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "simulator/core/status.h"

namespace rundrill {

// A regular expression as runbooks and scenarios write them (ECMAScript syntax). Matching
// uses Boost.Regex rather than std::regex: libstdc++'s matcher recurses once per character,
// so a pattern like `start.*end` overflows the stack on a few tens of kilobytes of step
// output, while Boost's is iterative and gives up on pathological patterns instead of
// running for ever.
class Pattern {
 public:
  // Fails with Status::InvalidInput and a one-line reason ("Unmatched [ or [^ in character
  // class declaration").
  static StatusOr<Pattern> Compile(std::string_view text);

  // Whether the pattern matches somewhere in `text` (Search) or all of it (FullMatch).
  // Fails with Status::InvalidInput when matching grows too complex to finish.
  StatusOr<bool> Search(std::string_view text) const;
  StatusOr<bool> FullMatch(std::string_view text) const;

  const std::string& text() const { return text_; }

 private:
  struct Compiled;
  Pattern(std::string text, std::shared_ptr<const Compiled> compiled)
      : text_(std::move(text)), compiled_(std::move(compiled)) {}

  std::string text_;
  std::shared_ptr<const Compiled> compiled_;  // immutable, so copies may share it
};

}  // namespace rundrill
