#pragma once

// Mapping a place inside a loaded scalar's text back to the file, so that a finding points at
// the offending word rather than at the start of the command.

#include <string>
#include <string_view>
#include <vector>

#include "simulator/model/runbook.h"
#include "simulator/model/source_mark.h"

namespace rundrill::lint {

// The lines of a file's text, without their line ends.
std::vector<std::string_view> SplitLines(std::string_view text);

// The place of byte `offset` of `text`, a scalar whose value is written at `value_mark` in
// the style `style`; `lines` are the file's lines. Literal block scalars map line by line;
// one-line plain and quoted scalars map column by column (escapes accounted for). Where the
// text no longer lines up with the file (a folded block, a scalar over several lines) the
// place is the start of the text.
model::SourceMark PlaceInText(const std::vector<std::string_view>& lines,
                              const model::SourceMark& value_mark, model::ScalarStyle style,
                              std::string_view text, size_t offset);

}  // namespace rundrill::lint
