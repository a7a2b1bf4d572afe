#include "simulator/lint/secrets.h"

#include <algorithm>
#include <regex>

namespace rundrill::lint {
namespace {

struct Pattern {
  std::regex re;
  int group;  // the part that is the secret
  const char* kind;
  const char* where;
};

const std::vector<Pattern>& Patterns() {
  static const std::vector<Pattern> patterns = [] {
    const auto icase = std::regex::ECMAScript | std::regex::icase;
    std::vector<Pattern> p;
    p.push_back({std::regex(R"((^|[^A-Za-z0-9])(xox[abposr]-[A-Za-z0-9-]{8,}))"), 2, "Slack token",
                 "SLACK_BOT_TOKEN"});
    p.push_back(
        {std::regex(R"(hooks\.slack\.com/(services|workflows|triggers)/[A-Za-z0-9_/-]{8,})"), 0,
         "Slack webhook URL", "SLACK_WEBHOOK_URL"});
    // Integration keys are 32 characters; only those written as a routing or service key
    // count, since any 32-character word (a commit id, a digest) is not a key.
    p.push_back(
        {std::regex(
             R"((routing_key|integration_key|service_key)[\\"' ]*[:=][\\"' ]*([A-Za-z0-9]{32})(?![A-Za-z0-9]))",
             icase),
         2, "PagerDuty routing key", "PAGERDUTY_ROUTING_KEY"});
    p.push_back({std::regex(R"(Token token=([A-Za-z0-9_+-]{16,}))"), 1, "PagerDuty API token",
                 "PAGERDUTY_API_TOKEN"});
    p.push_back({std::regex(R"((^|[^A-Z0-9])((AKIA|ASIA)[0-9A-Z]{16})(?![0-9A-Z]))"), 2,
                 "AWS access key id", ""});
    p.push_back({std::regex(R"(-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----)"), 0,
                 "private key", ""});
    p.push_back({std::regex(R"((^|[^A-Za-z0-9])((ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}))"), 2,
                 "GitHub token", ""});
    p.push_back(
        {std::regex(R"((^|[^A-Za-z0-9])(github_pat_[A-Za-z0-9_]{22,}))"), 2, "GitHub token", ""});
    return p;
  }();
  return patterns;
}

}  // namespace

std::vector<SecretMatch> FindSecrets(std::string_view line) {
  std::vector<SecretMatch> out;
  const std::string text(line);
  for (const Pattern& p : Patterns()) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), p.re);
         it != std::sregex_iterator(); ++it) {
      const std::smatch& m = *it;
      out.push_back(SecretMatch{static_cast<size_t>(m.position(p.group)),
                                static_cast<size_t>(m.length(p.group)), p.kind, p.where});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SecretMatch& a, const SecretMatch& b) { return a.offset < b.offset; });
  return out;
}

std::string MaskSecret(std::string_view secret) {
  // A fixed number of stars: the length of a secret is no business of the report either.
  return std::string(secret.substr(0, 4)) + "********";
}

}  // namespace rundrill::lint
