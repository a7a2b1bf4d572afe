#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rundrill {

// `"text"` on one line: quotes, backslashes and control characters escaped, and cut after
// `max_shown` characters with "..." so that a message quoting a value stays readable.
std::string QuoteText(std::string_view text, size_t max_shown);

}  // namespace rundrill
