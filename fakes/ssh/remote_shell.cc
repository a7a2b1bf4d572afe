#include "fakes/ssh/remote_shell.h"

#include <algorithm>
#include <cctype>

namespace rundrill::fakes::ssh {

bool ShellWord::HasGlob() const {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!quoted[i] && (text[i] == '*' || text[i] == '?' || text[i] == '[')) return true;
  }
  return false;
}

std::string ShellWord::AsPattern() const {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((quoted[i] && (c == '*' || c == '?' || c == '[' || c == ']')) || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

namespace {

constexpr std::string_view kKeywords[] = {
    "if",   "then",     "else",   "elif", "fi", "for", "while", "until", "do", "done",
    "case", "function", "select", "time", "!",  "[[",  "]]",    "{",     "}",  "coproc"};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ShellScript Run() {
    size_t i = 0;
    while (i < text_.size() && script_.not_modelled.empty()) {
      const char c = text_[i];
      const char next = i + 1 < text_.size() ? text_[i + 1] : '\0';
      if (c == ' ' || c == '\t') {
        EndWord();
        ++i;
      } else if (c == '\n' || c == ';') {
        EndWord();
        Separate(Connector::kAlways, c == '\n');
        ++i;
      } else if (c == '&' && next == '&') {
        EndWord();
        Separate(Connector::kIfSuccess, false);
        i += 2;
      } else if (c == '|' && next == '|') {
        EndWord();
        Separate(Connector::kIfFailure, false);
        i += 2;
      } else if (c == '|') {
        Unsupported("pipes ('|')");
      } else if (c == '&') {
        Unsupported("background jobs ('&')");
      } else if (c == '<' || c == '>') {
        Unsupported(std::string("redirections ('") + c + "')");
      } else if (c == '(' || c == ')') {
        Unsupported(std::string("subshells ('") + c + "')");
      } else if (c == '`') {
        Unsupported("command substitution ('`')");
      } else if (c == '$' && Expands(next)) {
        Unsupported("expansions ('$')");
      } else if (c == '{' || c == '}') {
        Unsupported(std::string("braces ('") + c + "')");
      } else if (c == '#' && !started_) {
        while (i < text_.size() && text_[i] != '\n') ++i;
      } else if (c == '~' && !started_) {
        Unsupported("tilde expansion ('~')");
      } else if (c == '\\') {
        if (next == '\n') {
          i += 2;  // a line continuation joins the lines
        } else if (i + 1 < text_.size()) {
          Add(next, true);
          i += 2;
        } else {
          Add('\\', false);  // a trailing backslash stays as it is
          ++i;
        }
      } else if (c == '\'') {
        const size_t close = text_.find('\'', i + 1);
        if (close == std::string_view::npos) {
          Unsupported("an unterminated quote (\"'\")");
          break;
        }
        started_ = true;
        for (size_t k = i + 1; k < close; ++k) Add(text_[k], true);
        i = close + 1;
      } else if (c == '"') {
        i = DoubleQuoted(i + 1);
      } else {
        Add(c, false);
        ++i;
      }
    }
    if (!script_.not_modelled.empty()) return script_;
    EndWord();
    if (!current_.words.empty()) {
      Push();
    } else if (pending_ != Connector::kAlways) {
      Unsupported("a command line ending in '&&' or '||' (a syntax error)");
    }
    return script_;
  }

 private:
  static bool Expands(char next) {
    return std::isalnum(static_cast<unsigned char>(next)) != 0 ||
           std::string_view("_{(@*#?$!-").find(next) != std::string_view::npos;
  }

  size_t DoubleQuoted(size_t i) {
    started_ = true;
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == '"') return i + 1;
      if (c == '\\' && i + 1 < text_.size() &&
          std::string_view("$`\"\\\n").find(text_[i + 1]) != std::string_view::npos) {
        if (text_[i + 1] != '\n') Add(text_[i + 1], true);
        i += 2;
        continue;
      }
      if (c == '`') {
        Unsupported("command substitution ('`')");
        return text_.size();
      }
      if (c == '$' && i + 1 < text_.size() && Expands(text_[i + 1])) {
        Unsupported("expansions ('$')");
        return text_.size();
      }
      Add(c, true);
      ++i;
    }
    Unsupported("an unterminated quote ('\"')");
    return text_.size();
  }

  void Add(char c, bool quoted) {
    started_ = true;
    word_.text += c;
    word_.quoted.push_back(quoted);
  }

  void EndWord() {
    if (!started_) return;
    if (current_.words.empty()) {
      const bool bare =
          std::none_of(word_.quoted.begin(), word_.quoted.end(), [](bool q) { return q; });
      if (bare && std::find(std::begin(kKeywords), std::end(kKeywords), word_.text) !=
                      std::end(kKeywords)) {
        Unsupported("the shell keyword '" + word_.text + "'");
      }
      const size_t eq = word_.text.find('=');
      if (eq != std::string::npos && eq > 0 && !word_.quoted[eq] &&
          IsName(word_.text.substr(0, eq))) {
        Unsupported("variable assignments ('" + word_.text.substr(0, eq + 1) + "')");
      }
    }
    current_.words.push_back(word_);
    word_ = ShellWord();
    started_ = false;
  }

  static bool IsName(const std::string& s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) != 0) return false;
    return std::all_of(s.begin(), s.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
  }

  void Separate(Connector next, bool newline) {
    if (current_.words.empty()) {
      // Blank lines are fine (also after `&&`, where the shell reads on); anything else
      // with no command before it is a syntax error.
      if (newline) return;
      Unsupported("an empty command before a separator (a syntax error)");
      return;
    }
    Push();
    pending_ = next;
  }

  void Push() {
    current_.connector = pending_;
    script_.commands.push_back(current_);
    current_ = ShellCommand();
  }

  void Unsupported(const std::string& what) {
    if (script_.not_modelled.empty()) script_.not_modelled = what;
  }

  std::string_view text_;
  ShellScript script_;
  ShellCommand current_;
  ShellWord word_;
  bool started_ = false;
  Connector pending_ = Connector::kAlways;
};

}  // namespace

ShellScript ParseShell(std::string_view text) { return Parser(text).Run(); }

}  // namespace rundrill::fakes::ssh
