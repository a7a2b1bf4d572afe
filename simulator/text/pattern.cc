#include "simulator/text/pattern.h"

#include <boost/regex.hpp>

namespace rundrill {
namespace {

// Boost appends where in the pattern the error is; the first sentence says what it is.
std::string FirstSentence(const std::string& message) {
  const auto end = message.find(".  ");
  return end == std::string::npos ? message : message.substr(0, end);
}

}  // namespace

struct Pattern::Compiled {
  boost::regex regex;
};

StatusOr<Pattern> Pattern::Compile(std::string_view text) {
  try {
    auto compiled = std::make_shared<Compiled>(
        Compiled{boost::regex(text.begin(), text.end(), boost::regex::ECMAScript)});
    return Pattern(std::string(text), std::move(compiled));
  } catch (const boost::regex_error& e) {
    return Status::InvalidInput(FirstSentence(e.what()));
  }
}

StatusOr<bool> Pattern::Search(std::string_view text) const {
  try {
    return boost::regex_search(text.begin(), text.end(), compiled_->regex);
  } catch (const std::runtime_error& e) {
    return Status::InvalidInput("pattern /" + text_ + "/: " + FirstSentence(e.what()));
  }
}

StatusOr<bool> Pattern::FullMatch(std::string_view text) const {
  try {
    return boost::regex_match(text.begin(), text.end(), compiled_->regex);
  } catch (const std::runtime_error& e) {
    return Status::InvalidInput("pattern /" + text_ + "/: " + FirstSentence(e.what()));
  }
}

}  // namespace rundrill
