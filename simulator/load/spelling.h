#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rundrill::load {

// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters each cost 1, so "retires" is 1 away from "retries".
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is near enough to be a likely typo (at most 2 edits,
// and fewer edits than `word` has characters), else "". Ties go to the earlier candidate so
// the hint does not depend on anything but the order the caller gives.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean "x"?)" when ClosestMatch finds one, else "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rundrill::load
