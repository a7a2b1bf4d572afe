#include "fakes/slack/block_kit.h"

namespace rundrill::fakes {
namespace {

using nlohmann::json;

constexpr size_t kMaxBlocks = 50;
constexpr size_t kMaxHeaderText = 150;
constexpr size_t kMaxSectionText = 3000;
constexpr size_t kMaxFields = 10;
constexpr size_t kMaxFieldText = 2000;
constexpr size_t kMaxActionsElements = 25;
constexpr size_t kMaxContextElements = 10;
constexpr size_t kMaxBlockId = 255;
constexpr size_t kMaxAttachments = 100;

std::string Pointer(size_t block, const std::string& rest = "") {
  return "/blocks/" + std::to_string(block) + rest;
}

std::string TooLong(size_t length, size_t limit) {
  return std::to_string(length) + " characters, at most " + std::to_string(limit);
}

std::string TooMany(size_t count, size_t limit, const char* what) {
  return std::to_string(count) + " " + what + ", at most " + std::to_string(limit);
}

// The text of a text object ({"type": "...", "text": "..."}), or nullptr when it has none.
const json* TextOf(const json& object) {
  if (!object.is_object()) return nullptr;
  auto it = object.find("text");
  return it != object.end() && it->is_string() ? &*it : nullptr;
}

void CheckSection(const json& block, size_t i, std::vector<PayloadViolation>& out) {
  const auto text = block.find("text");
  const auto fields = block.find("fields");
  const bool has_text = text != block.end() && !text->is_null();
  const bool has_fields = fields != block.end() && fields->is_array() && !fields->empty();
  if (!has_text && !has_fields) {
    out.push_back({"block_kit.section_text_or_fields", Pointer(i), "neither text nor fields"});
  }
  if (has_text) {
    const json* t = TextOf(*text);
    const size_t length = t == nullptr ? 0 : CodePoints(t->get<std::string>());
    if (length == 0 || length > kMaxSectionText) {
      out.push_back({"block_kit.section_text_length", Pointer(i, "/text/text"),
                     TooLong(length, kMaxSectionText) + " (and at least 1)"});
    }
  }
  if (has_fields) {
    if (fields->size() > kMaxFields) {
      out.push_back({"block_kit.section_max_fields", Pointer(i, "/fields"),
                     TooMany(fields->size(), kMaxFields, "fields")});
    }
    for (size_t f = 0; f < fields->size(); ++f) {
      const json* t = TextOf((*fields)[f]);
      const size_t length = t == nullptr ? 0 : CodePoints(t->get<std::string>());
      if (length > kMaxFieldText) {
        out.push_back({"block_kit.section_field_length",
                       Pointer(i, "/fields/" + std::to_string(f) + "/text"),
                       TooLong(length, kMaxFieldText)});
      }
    }
  }
}

void CheckHeader(const json& block, size_t i, std::vector<PayloadViolation>& out) {
  const auto text = block.find("text");
  if (text == block.end() || !text->is_object() || text->value("type", "") != "plain_text") {
    out.push_back({"block_kit.header_plain_text", Pointer(i, "/text"),
                   "header text must be a plain_text object"});
    return;
  }
  const json* t = TextOf(*text);
  const size_t length = t == nullptr ? 0 : CodePoints(t->get<std::string>());
  if (length > kMaxHeaderText) {
    out.push_back({"block_kit.header_text_length", Pointer(i, "/text/text"),
                   TooLong(length, kMaxHeaderText)});
  }
}

void CheckElements(const json& block, size_t i, size_t limit, const char* rule,
                   std::vector<PayloadViolation>& out) {
  const auto elements = block.find("elements");
  if (elements != block.end() && elements->is_array() && elements->size() > limit) {
    out.push_back({rule, Pointer(i, "/elements"), TooMany(elements->size(), limit, "elements")});
  }
}

}  // namespace

size_t CodePoints(const std::string& utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

BlocksCheck CheckBlocks(const json& blocks) {
  BlocksCheck check;
  if (!blocks.is_array()) {
    check.verdict = BlocksVerdict::kMalformed;
    return check;
  }
  for (const json& block : blocks) {
    if (!block.is_object() || !block.contains("type") || !block["type"].is_string()) {
      check.verdict = BlocksVerdict::kMalformed;
      return check;
    }
  }
  auto& out = check.violations;
  if (blocks.size() > kMaxBlocks) {
    out.push_back(
        {"block_kit.max_blocks", "/blocks", TooMany(blocks.size(), kMaxBlocks, "blocks")});
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    const json& block = blocks[i];
    const std::string type = block["type"].get<std::string>();
    if (type == "section") {
      CheckSection(block, i, out);
    } else if (type == "header") {
      CheckHeader(block, i, out);
    } else if (type == "actions") {
      CheckElements(block, i, kMaxActionsElements, "block_kit.actions_max_elements", out);
    } else if (type == "context") {
      CheckElements(block, i, kMaxContextElements, "block_kit.context_max_elements", out);
    }
    const auto block_id = block.find("block_id");
    if (block_id != block.end() && block_id->is_string() &&
        CodePoints(block_id->get<std::string>()) > kMaxBlockId) {
      out.push_back({"block_kit.block_id_length", Pointer(i, "/block_id"),
                     TooLong(CodePoints(block_id->get<std::string>()), kMaxBlockId)});
    }
  }
  if (!out.empty()) check.verdict = BlocksVerdict::kInvalid;
  return check;
}

std::vector<PayloadViolation> CheckAttachments(const json& attachments) {
  if (!attachments.is_array() || attachments.size() <= kMaxAttachments) return {};
  return {{"attachments.max_count", "/attachments",
           TooMany(attachments.size(), kMaxAttachments, "attachments")}};
}

std::string SlackErrorLine(const PayloadViolation& violation) {
  return violation.detail + " [json-pointer:" + violation.pointer + "]";
}

}  // namespace rundrill::fakes
