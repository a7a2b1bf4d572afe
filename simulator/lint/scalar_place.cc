#include "simulator/lint/scalar_place.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace rundrill::lint {
namespace {

size_t Utf8Length(unsigned long code_point) {
  if (code_point < 0x80) return 1;
  if (code_point < 0x800) return 2;
  if (code_point < 0x10000) return 3;
  return 4;
}

// How many source bytes after the opening quote at `line[quote]` produce the first `offset`
// bytes of the value; nullopt when the value ends (or the line does) first.
std::optional<size_t> QuotedShift(std::string_view line, size_t quote, size_t offset) {
  const char q = line[quote];
  size_t i = quote + 1;
  size_t produced = 0;
  while (produced < offset) {
    if (i >= line.size()) return std::nullopt;
    const char c = line[i];
    if (q == '\'' && c == '\'') {
      if (i + 1 < line.size() && line[i + 1] == '\'') {
        i += 2;
        produced += 1;
        continue;
      }
      return std::nullopt;
    }
    if (q == '"' && c == '"') return std::nullopt;
    if (q == '"' && c == '\\' && i + 1 < line.size()) {
      const char e = line[i + 1];
      size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      if (digits > 0) {
        const std::string hex(line.substr(i + 2, digits));
        produced += Utf8Length(std::strtoul(hex.c_str(), nullptr, 16));
        i += 2 + digits;
      } else {
        produced += 1;
        i += 2;
      }
      continue;
    }
    ++produced;
    ++i;
  }
  return i - quote;
}

}  // namespace

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

model::SourceMark PlaceInText(const std::vector<std::string_view>& lines,
                              const model::SourceMark& value_mark, model::ScalarStyle style,
                              std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  model::SourceMark mark = value_mark;
  if (value_mark.line <= 0) return mark;
  const size_t line_index = static_cast<size_t>(value_mark.line - 1);

  if (style == model::ScalarStyle::kLiteral || style == model::ScalarStyle::kFolded) {
    // The text starts on the line after the indicator, indented; a literal block keeps its
    // lines, so text line k is file line (indicator line + 1 + k) minus its indentation.
    const std::string_view before = text.substr(0, offset);
    const size_t text_line = static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    const size_t line_start =
        before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
    size_t column_in_text = offset - line_start;
    size_t file_line = line_index + 1;
    if (style == model::ScalarStyle::kLiteral) {
      file_line += text_line;
    } else {
      column_in_text = 0;
    }
    if (file_line >= lines.size()) return mark;
    const std::string_view source = lines[file_line];
    std::string_view own = text.substr(line_start);
    own = own.substr(0, own.find('\n'));
    // A line may be indented more than the block; what precedes its own text is the block's.
    size_t indent = source.find_first_not_of(' ');
    if (indent == std::string_view::npos) indent = 0;
    if (style == model::ScalarStyle::kLiteral && !own.empty() && source.size() >= own.size() &&
        source.substr(source.size() - own.size()) == own) {
      indent = source.size() - own.size();
    }
    mark.line = static_cast<int>(file_line + 1);
    mark.column = static_cast<int>(indent + column_in_text + 1);
    return mark;
  }

  if (text.find('\n') != std::string_view::npos || line_index >= lines.size()) return mark;
  const std::string_view source = lines[line_index];
  const size_t start = static_cast<size_t>(value_mark.column - 1);
  if (start >= source.size()) return mark;
  std::optional<size_t> shift;
  if (style == model::ScalarStyle::kPlain) {
    if (source.substr(start, text.size()) == text) shift = offset;
  } else {
    shift = QuotedShift(source, start, offset);
  }
  if (shift) mark.column += static_cast<int>(*shift);
  return mark;
}

}  // namespace rundrill::lint
