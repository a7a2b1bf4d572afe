#pragma once

// Slack's published limits on message payloads (Block Kit and legacy attachments), checked
// the way Slack refuses them: every broken rule is reported, with where it is broken.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rundrill::fakes {

// One broken rule of a payload.
struct PayloadViolation {
  std::string rule;     // stable id: "block_kit.max_blocks", "attachments.max_count", …
  std::string pointer;  // RFC 6901 pointer into the request payload: "/blocks/3/text/text"
  std::string detail;   // "3001 characters, at most 3000"
};

enum class BlocksVerdict {
  kOk,
  kMalformed,  // not an array of objects with a string "type": invalid_blocks_format
  kInvalid,    // well formed, but over a limit: invalid_blocks
};

struct BlocksCheck {
  BlocksVerdict verdict = BlocksVerdict::kOk;
  std::vector<PayloadViolation> violations;  // in payload order; empty unless kInvalid
};

// `blocks` as sent (already decoded from JSON). Limits: 50 blocks; header text plain_text
// of at most 150 characters; section text 1..3000 characters, at most 10 fields of at most
// 2000 characters each, and text or fields present; actions at most 25 elements; context
// at most 10 elements; block_id at most 255 characters. Lengths count Unicode code points.
BlocksCheck CheckBlocks(const nlohmann::json& blocks);

// More than 100 attachments is one violation ("attachments.max_count"); otherwise none.
std::vector<PayloadViolation> CheckAttachments(const nlohmann::json& attachments);

// Slack-style entry for an `errors` array: "<detail> [json-pointer:/blocks/0/text/text]".
std::string SlackErrorLine(const PayloadViolation& violation);

// Unicode code points in a UTF-8 string (continuation bytes are not counted).
size_t CodePoints(const std::string& utf8);

}  // namespace rundrill::fakes
