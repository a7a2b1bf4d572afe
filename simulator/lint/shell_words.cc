#include "simulator/lint/shell_words.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace rundrill::lint {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool IsOperatorChar(char c) { return c == ';' || c == '&' || c == '|' || c == '(' || c == ')'; }

// The offset just past the `)` that closes a `$(` whose `(` is at `open`, skipping quoted
// text; script.size() when it is never closed.
size_t MatchParen(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\') {
      ++i;
    } else if (c == '\'') {
      const size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos) return s.size();
      i = end;
    } else if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\') ++i;
      }
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth == 0) return i + 1;
    }
  }
  return s.size();
}

size_t MatchBrace(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '{') {
      ++depth;
    } else if (s[i] == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return s.size();
}

class Splitter {
 public:
  Splitter(std::string_view s, size_t base) : s_(s), base_(base) {}

  std::vector<ShellCommand> Run() {
    while (i_ < s_.size()) Step();
    EndCommand();
    for (ShellCommand& c : nested_) out_.push_back(std::move(c));
    return std::move(out_);
  }

 private:
  struct HereDoc {
    std::string delimiter;
    bool strip_tabs;
  };

  void Step() {
    const char c = s_[i_];
    if (c == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
      EndWord();
      i_ += 2;
    } else if (c == '\n') {
      EndCommand();
      ++i_;
      SkipHereDocs();
    } else if (IsBlank(c)) {
      EndWord();
      ++i_;
    } else if (c == '#' && !in_word_) {
      while (i_ < s_.size() && s_[i_] != '\n') ++i_;
    } else if (IsOperatorChar(c)) {
      EndCommand();
      ++i_;
    } else if (c == '<' || c == '>') {
      Redirection();
    } else {
      WordChar();
    }
  }

  void WordChar() {
    const char c = s_[i_];
    if (!in_word_) {
      in_word_ = true;
      word_ = ShellWord{};
      word_.offset = base_ + i_;
    }
    if (c == '\'') {
      const size_t end = std::min(s_.find('\'', i_ + 1), s_.size());
      word_.text.append(s_.substr(i_ + 1, end - i_ - 1));
      i_ = end + 1;
    } else if (c == '"') {
      ++i_;
      while (i_ < s_.size() && s_[i_] != '"') {
        if (s_[i_] == '\\' && i_ + 1 < s_.size() &&
            std::string_view("$`\"\\\n").find(s_[i_ + 1]) != std::string_view::npos) {
          if (s_[i_ + 1] != '\n') word_.text += s_[i_ + 1];
          i_ += 2;
        } else if (s_[i_] == '$' || s_[i_] == '`') {
          Expansion();
        } else {
          word_.text += s_[i_++];
        }
      }
      ++i_;
    } else if (c == '\\') {
      if (i_ + 1 < s_.size()) word_.text += s_[i_ + 1];
      i_ += 2;
    } else if (c == '$' || c == '`') {
      Expansion();
    } else {
      word_.text += c;
      ++i_;
    }
  }

  // At a `$` or a backquote: keeps the expansion as written in the word; the commands of a
  // command substitution are read as commands of their own.
  void Expansion() {
    word_.expands = true;
    const size_t start = i_;
    size_t end = i_ + 1;
    if (s_[i_] == '`') {
      end = std::min(s_.find('`', i_ + 1), s_.size());
      Nested(i_ + 1, end);
      end = std::min(end + 1, s_.size());
    } else if (i_ + 1 < s_.size() && s_[i_ + 1] == '(') {
      end = MatchParen(s_, i_ + 1);
      const bool arithmetic = i_ + 2 < s_.size() && s_[i_ + 2] == '(';
      if (!arithmetic) Nested(i_ + 2, end > i_ + 2 ? end - 1 : end);
    } else if (i_ + 1 < s_.size() && s_[i_ + 1] == '{') {
      end = MatchBrace(s_, i_ + 1);
    } else {
      while (end < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_')) {
        ++end;
      }
      // Special parameters: $?, $#, $1…
      if (end == i_ + 1 && end < s_.size()) ++end;
    }
    word_.text.append(s_.substr(start, end - start));
    i_ = end;
  }

  void Nested(size_t begin, size_t end) {
    if (end <= begin) return;
    Splitter inner(s_.substr(begin, end - begin), base_ + begin);
    for (ShellCommand& c : inner.Run()) nested_.push_back(std::move(c));
  }

  // `2>&1`, `> file`, `<<EOF`: the target is not an argument, and a here-document's body
  // is data, not commands.
  void Redirection() {
    if (in_word_ && std::all_of(word_.text.begin(), word_.text.end(),
                                [](char c) { return c >= '0' && c <= '9'; })) {
      in_word_ = false;  // a file descriptor number
    } else {
      EndWord();
    }
    const size_t start = i_;
    while (i_ < s_.size() && std::string_view("<>&|-").find(s_[i_]) != std::string_view::npos) {
      ++i_;
    }
    const std::string_view op = s_.substr(start, i_ - start);
    while (i_ < s_.size() && IsBlank(s_[i_])) ++i_;
    // Read the target as a word, then drop it.
    while (i_ < s_.size() && !IsBlank(s_[i_]) && s_[i_] != '\n' && !IsOperatorChar(s_[i_]) &&
           s_[i_] != '<' && s_[i_] != '>') {
      WordChar();
    }
    if (op.substr(0, 2) == "<<" && op.substr(0, 3) != "<<<" && in_word_) {
      heredocs_.push_back(HereDoc{word_.text, op == "<<-"});
    }
    in_word_ = false;
  }

  void SkipHereDocs() {
    for (const HereDoc& doc : heredocs_) {
      while (i_ < s_.size()) {
        size_t end = s_.find('\n', i_);
        if (end == std::string_view::npos) end = s_.size();
        std::string_view line = s_.substr(i_, end - i_);
        if (doc.strip_tabs) {
          while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
        }
        i_ = std::min(end + 1, s_.size());
        if (line == doc.delimiter) break;
      }
    }
    heredocs_.clear();
  }

  void EndWord() {
    if (in_word_) command_.words.push_back(std::move(word_));
    in_word_ = false;
  }

  void EndCommand() {
    EndWord();
    if (!command_.words.empty()) out_.push_back(std::move(command_));
    command_ = ShellCommand{};
  }

  std::string_view s_;
  size_t base_;
  size_t i_ = 0;
  bool in_word_ = false;
  ShellWord word_;
  ShellCommand command_;
  std::vector<ShellCommand> out_;
  std::vector<ShellCommand> nested_;
  std::vector<HereDoc> heredocs_;
};

bool IsAssignment(const ShellWord& w) {
  const size_t eq = w.text.find('=');
  if (eq == 0 || eq == std::string::npos) return false;
  for (size_t i = 0; i < eq; ++i) {
    const char c = w.text[i];
    const bool ok = std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
                    (i > 0 && std::isdigit(static_cast<unsigned char>(c)));
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::vector<ShellCommand> SplitCommands(std::string_view script) {
  return Splitter(script, 0).Run();
}

size_t ProgramIndex(const ShellCommand& command) {
  static constexpr std::array<std::string_view, 14> kKeywords = {
      "if", "then", "else", "elif", "do",    "while",   "until",
      "!",  "{",    "}",    "time", "nohup", "command", "exec"};
  const std::vector<ShellWord>& w = command.words;
  size_t i = 0;
  while (i < w.size()) {
    const std::string& t = w[i].text;
    if (IsAssignment(w[i]) || std::find(kKeywords.begin(), kKeywords.end(), t) != kKeywords.end()) {
      ++i;
    } else if (t == "sudo" || t == "env" || t == "xargs") {
      // Their own options come first; sudo's -u/-g and xargs' -I/-n take a value.
      for (++i; i < w.size() && !w[i].text.empty() && w[i].text[0] == '-'; ++i) {
        const std::string& o = w[i].text;
        if (o == "-u" || o == "-g" || o == "-I" || o == "-n" || o == "-P" || o == "-d") ++i;
      }
    } else if (t == "timeout") {
      for (++i; i < w.size() && !w[i].text.empty() && w[i].text[0] == '-'; ++i) {
        if (w[i].text == "-s" || w[i].text == "-k") ++i;
      }
      ++i;  // the duration
    } else {
      return i;
    }
  }
  return w.size();
}

std::string_view BaseName(std::string_view program) {
  const size_t slash = program.rfind('/');
  return slash == std::string_view::npos ? program : program.substr(slash + 1);
}

}  // namespace rundrill::lint
