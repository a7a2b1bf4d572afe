#include "fakes/kubectl/tab_writer.h"

#include <algorithm>

namespace rundrill::fakes::kubectl {
namespace {

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xc0) != 0x80) ++n;
  }
  return n;
}

// A port of the recursive column-block algorithm of Go's tabwriter.Writer.format.
class TabFormatter {
 public:
  TabFormatter(std::string_view text, int min_width, int padding)
      : min_width_(min_width), padding_(padding) {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      const bool terminated = end != std::string_view::npos;
      if (!terminated) end = text.size();
      std::vector<std::string> cells;
      std::string_view line = text.substr(start, end - start);
      size_t cell_start = 0;
      for (;;) {
        const size_t tab = line.find('\t', cell_start);
        if (tab == std::string_view::npos) {
          cells.emplace_back(line.substr(cell_start));
          break;
        }
        cells.emplace_back(line.substr(cell_start, tab - cell_start));
        cell_start = tab + 1;
      }
      lines_.push_back(std::move(cells));
      newline_.push_back(terminated);
      start = end + 1;
    }
  }

  std::string Run() {
    std::vector<size_t> widths;
    Format(0, lines_.size(), widths);
    return out_;
  }

 private:
  void Format(size_t line0, size_t line1, std::vector<size_t>& widths) {
    const size_t column = widths.size();
    for (size_t i = line0; i < line1; ++i) {
      if (column + 1 >= lines_[i].size()) continue;
      WriteLines(line0, i, widths);
      line0 = i;
      size_t width = static_cast<size_t>(min_width_);
      for (; i < line1; ++i) {
        if (column + 1 >= lines_[i].size()) break;
        width = std::max(width, RuneCount(lines_[i][column]) + static_cast<size_t>(padding_));
      }
      widths.push_back(width);
      Format(line0, i, widths);
      widths.pop_back();
      line0 = i;
    }
    WriteLines(line0, line1, widths);
  }

  void WriteLines(size_t line0, size_t line1, const std::vector<size_t>& widths) {
    for (size_t i = line0; i < line1; ++i) {
      const std::vector<std::string>& cells = lines_[i];
      for (size_t j = 0; j < cells.size(); ++j) {
        out_ += cells[j];
        if (j < widths.size() && j + 1 < cells.size()) {
          const size_t w = RuneCount(cells[j]);
          if (widths[j] > w) out_.append(widths[j] - w, ' ');
        }
      }
      if (newline_[i]) out_ += '\n';
    }
  }

  int min_width_;
  int padding_;
  std::vector<std::vector<std::string>> lines_;
  std::vector<bool> newline_;
  std::string out_;
};

}  // namespace

std::string TabFormat(std::string_view text, int min_width, int padding) {
  return TabFormatter(text, min_width, padding).Run();
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::string text;
  for (const std::vector<std::string>& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) text += '\t';
      text += row[i];
    }
    text += '\n';
  }
  return TabFormat(text, 6, 3);
}

std::string HumanDuration(SimDuration d) {
  const int64_t ms = d.count();
  const int64_t seconds = ms / 1000;  // truncates toward zero, like int(d.Seconds())
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return std::to_string(seconds) + "s";
  const int64_t minutes = seconds / 60;
  if (minutes < 10) {
    const int64_t s = seconds % 60;
    return std::to_string(minutes) + "m" + (s == 0 ? "" : std::to_string(s) + "s");
  }
  if (minutes < 180) return std::to_string(minutes) + "m";
  const int64_t hours = seconds / 3600;
  if (hours < 8) {
    const int64_t m = minutes % 60;
    return std::to_string(hours) + "h" + (m == 0 ? "" : std::to_string(m) + "m");
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    const int64_t h = hours % 24;
    return std::to_string(hours / 24) + "d" + (h == 0 ? "" : std::to_string(h) + "h");
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    const int64_t dy = hours / 24 % 365;
    return std::to_string(hours / 24 / 365) + "y" + (dy == 0 ? "" : std::to_string(dy) + "d");
  }
  return std::to_string(hours / 24 / 365) + "y";
}

SimTime FloorToSecond(SimTime t) {
  const int64_t ms = t.count();
  return SimTime(ms >= 0 ? ms / 1000 * 1000 : -((-ms + 999) / 1000) * 1000);
}

std::string Age(SimTime created, SimTime now) {
  return HumanDuration(now - FloorToSecond(created));
}

}  // namespace rundrill::fakes::kubectl
