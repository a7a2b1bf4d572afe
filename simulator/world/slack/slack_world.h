#pragma once

// The simulated Slack workspace: channels and the messages posted to them (with their ts,
// thread, edits and reactions), and the per-channel posting allowance. Backends check a
// request against Slack's rules before calling an operation; the operations here only
// refuse what would corrupt the state (an unknown channel or message).
//
// Not modelled: users other than the app's bot, DMs, files, pins, bookmarks, message
// deletion, ephemeral and scheduled messages.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"
#include "simulator/model/slack.h"

namespace rundrill::world {

enum class SlackSource { kWebhook, kWebApi };

struct SlackReaction {
  std::string name;                // "eyes", without colons
  std::vector<std::string> users;  // in the order they reacted
};

// What a post or an update carries.
struct SlackContent {
  std::string text;
  nlohmann::json blocks;       // an array, or null when absent
  nlohmann::json attachments;  // an array, or null when absent
};

struct SlackMessage {
  std::string ts;         // "1767225600.080000"; unique within its channel
  int64_t ts_micros = 0;  // the same instant, for ordering
  std::optional<std::string> thread_ts;
  SlackContent content;
  SlackSource source = SlackSource::kWebApi;
  std::string user;    // the bot's user id
  std::string bot_id;  // the bot's id
  SimTime posted_at{0};
  std::optional<std::string> edited_ts;  // the ts of the last chat.update
  std::vector<SlackReaction> reactions;  // in the order first added
};

struct SlackChannel {
  std::string id;
  std::string name;
  bool archived = false;
  bool posting_restricted = false;
  // A deleted channel keeps its messages for results, but no lookup finds it any more.
  bool deleted = false;
  std::vector<SlackMessage> messages;  // by ts, oldest first
};

enum class ReactionResult { kAdded, kMessageNotFound, kAlreadyReacted };

class SlackWorld {
 public:
  explicit SlackWorld(Epoch epoch) : epoch_(epoch) {}

  // Sets up the channels, empty. Rejects duplicate names or ids, ids that are not 'C' or
  // 'G' followed by upper-case letters and digits, a webhook channel that is not declared
  // and a rate limit that is not positive. Call once.
  Status Build(const model::SlackSpec& spec);

  const model::SlackSpec& spec() const { return spec_; }
  const Epoch& epoch() const { return epoch_; }

  // By id ("C0123ABCD"), name ("incidents") or "#incidents". nullptr when unknown or
  // deleted.
  const SlackChannel* FindChannel(std::string_view id_or_name) const;
  // The channel the incoming webhook posts to; nullptr when the app has none or the
  // channel was deleted.
  const SlackChannel* WebhookChannel() const;
  const SlackMessage* FindMessage(const std::string& channel_id, std::string_view ts) const;

  // ---- Operations. `channel_id` must name a channel (as FindChannel returned it); the
  // callers have already checked Slack's rules (archived, restricted, rate).

  // Takes one message from the channel's allowance at `now`, or, when there is none, says
  // how long until there is one (and takes nothing). Allowances are spent only here, so a
  // request refused for another reason costs nothing.
  std::optional<SimDuration> TakePostAllowance(const std::string& channel_id, SimTime now);
  // Appends a message from the bot at `now`; returns it. Its ts is the epoch plus `now`,
  // moved on by one microsecond past the channel's latest ts if it would not be later.
  const SlackMessage& Post(const std::string& channel_id, SlackContent content,
                           std::optional<std::string> thread_ts, SlackSource source, SimTime now);
  // Replaces the content; the ts stays. nullptr when the message does not exist.
  const SlackMessage* Update(const std::string& channel_id, std::string_view ts,
                             SlackContent content, SimTime now);
  ReactionResult AddReaction(const std::string& channel_id, std::string_view ts,
                             const std::string& name, const std::string& user);
  // For timeline faults and tests. Return false when the channel is unknown.
  bool SetArchived(std::string_view id_or_name, bool archived);
  bool Delete(std::string_view id_or_name);

  // ---- Queries for expectations. An unknown channel has no messages.
  std::vector<const SlackMessage*> Messages(std::string_view id_or_name) const;
  int MessageCount(std::string_view id_or_name) const;
  const std::vector<SlackChannel>& channels() const { return channels_; }  // by declaration

  // Channels keyed by name: id, flags and messages (oldest first); times in virtual ms.
  nlohmann::json Snapshot() const;

  // "1767225600.080000": seconds and six digits of microseconds.
  static std::string FormatTs(int64_t micros);
  // The inverse; nullopt unless `ts` has exactly that shape.
  static std::optional<int64_t> ParseTs(std::string_view ts);
  // "C" and eight characters of [0-9A-Z] from a stable hash of the name (and `attempt`, for
  // the rare collision).
  static std::string DeriveChannelId(std::string_view name, int attempt = 0);

 private:
  struct ChannelState {
    int64_t last_ts_micros = 0;
    // Generic cell rate algorithm: the theoretical arrival time of the next message.
    SimTime next_allowed{SimTime::min()};
  };

  SlackChannel* MutableChannel(std::string_view id_or_name);
  size_t IndexOf(std::string_view id_or_name) const;  // channels_.size() when not found

  Epoch epoch_;
  model::SlackSpec spec_;
  std::vector<SlackChannel> channels_;
  std::vector<ChannelState> states_;  // parallel to channels_
};

std::string_view SlackSourceName(SlackSource source);  // "webhook" | "web_api"

}  // namespace rundrill::world
