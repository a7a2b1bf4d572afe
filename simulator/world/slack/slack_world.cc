#include "simulator/world/slack/slack_world.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "simulator/core/random.h"

namespace rundrill::world {
namespace {

constexpr std::string_view kIdAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

bool IsChannelId(std::string_view id) {
  if (id.size() < 2 || (id[0] != 'C' && id[0] != 'G')) return false;
  return std::all_of(id.begin() + 1, id.end(),
                     [](char c) { return kIdAlphabet.find(c) != std::string_view::npos; });
}

std::string_view StripHash(std::string_view id_or_name) {
  if (!id_or_name.empty() && id_or_name[0] == '#') id_or_name.remove_prefix(1);
  return id_or_name;
}

}  // namespace

std::string_view SlackSourceName(SlackSource source) {
  return source == SlackSource::kWebhook ? "webhook" : "web_api";
}

std::string SlackWorld::FormatTs(int64_t micros) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%06lld", static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  return buffer;
}

std::optional<int64_t> SlackWorld::ParseTs(std::string_view ts) {
  const size_t dot = ts.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 12 || ts.size() - dot - 1 != 6) {
    return std::nullopt;
  }
  int64_t micros = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i == dot) continue;
    if (ts[i] < '0' || ts[i] > '9') return std::nullopt;
    micros = micros * 10 + (ts[i] - '0');
  }
  return micros;
}

std::string SlackWorld::DeriveChannelId(std::string_view name, int attempt) {
  uint64_t h = StableHash(name);
  if (attempt > 0) h = StableHash(std::to_string(attempt), h);
  std::string id = "C";
  for (int i = 0; i < 8; ++i) {
    id += kIdAlphabet[h % kIdAlphabet.size()];
    h /= kIdAlphabet.size();
  }
  return id;
}

Status SlackWorld::Build(const model::SlackSpec& spec) {
  const std::string where = spec.mark.ToString().empty() ? "slack" : spec.mark.ToString();
  if (!(spec.rate_limit.per_second > 0) || spec.rate_limit.burst < 1) {
    return Status::InvalidInput(where +
                                ": slack rate limit must be positive with a burst of at least 1");
  }
  std::set<std::string> names;
  std::set<std::string> ids;
  // Explicit ids are reserved first, so a derived id never takes one a later channel names.
  for (const auto& c : spec.channels) {
    if (!c.id.empty()) ids.insert(c.id);
  }
  std::set<std::string> explicit_seen;
  // Built aside and committed only when the whole spec is valid.
  std::vector<SlackChannel> channels;
  for (const auto& c : spec.channels) {
    const std::string at = c.mark.ToString().empty() ? where : c.mark.ToString();
    if (c.name.empty() || c.name[0] == '#') {
      return Status::InvalidInput(at + ": slack channel name must be non-empty, without '#': '" +
                                  c.name + "'");
    }
    if (!names.insert(c.name).second) {
      return Status::InvalidInput(at + ": duplicate slack channel '" + c.name + "'");
    }
    SlackChannel channel;
    channel.name = c.name;
    channel.archived = c.archived;
    channel.posting_restricted = c.posting_restricted;
    if (!c.id.empty()) {
      if (!IsChannelId(c.id)) {
        return Status::InvalidInput(at + ": slack channel id '" + c.id +
                                    "' must be C or G followed by [0-9A-Z]");
      }
      if (!explicit_seen.insert(c.id).second) {
        return Status::InvalidInput(at + ": duplicate slack channel id '" + c.id + "'");
      }
      channel.id = c.id;
    } else {
      int attempt = 0;
      std::string id = DeriveChannelId(c.name);
      while (ids.count(id) > 0) id = DeriveChannelId(c.name, ++attempt);
      ids.insert(id);
      channel.id = id;
    }
    channels.push_back(std::move(channel));
  }
  const bool webhook_declared = std::any_of(channels.begin(), channels.end(), [&](const auto& c) {
    return c.id == StripHash(spec.webhook_channel) || c.name == StripHash(spec.webhook_channel);
  });
  if (!spec.webhook_channel.empty() && !webhook_declared) {
    return Status::InvalidInput(where + ": slack webhook channel '" + spec.webhook_channel +
                                "' is not a declared channel");
  }
  spec_ = spec;
  channels_ = std::move(channels);
  states_.assign(channels_.size(), ChannelState{});
  return Status::Ok();
}

size_t SlackWorld::IndexOf(std::string_view id_or_name) const {
  const std::string_view key = StripHash(id_or_name);
  for (size_t i = 0; i < channels_.size(); ++i) {
    if (channels_[i].deleted) continue;
    if (channels_[i].id == key || channels_[i].name == key) return i;
  }
  return channels_.size();
}

const SlackChannel* SlackWorld::FindChannel(std::string_view id_or_name) const {
  const size_t i = IndexOf(id_or_name);
  return i < channels_.size() ? &channels_[i] : nullptr;
}

SlackChannel* SlackWorld::MutableChannel(std::string_view id_or_name) {
  const size_t i = IndexOf(id_or_name);
  return i < channels_.size() ? &channels_[i] : nullptr;
}

const SlackChannel* SlackWorld::WebhookChannel() const {
  return spec_.webhook_channel.empty() ? nullptr : FindChannel(spec_.webhook_channel);
}

const SlackMessage* SlackWorld::FindMessage(const std::string& channel_id,
                                            std::string_view ts) const {
  const SlackChannel* channel = FindChannel(channel_id);
  if (channel == nullptr) return nullptr;
  for (const SlackMessage& m : channel->messages) {
    if (m.ts == ts) return &m;
  }
  return nullptr;
}

std::optional<SimDuration> SlackWorld::TakePostAllowance(const std::string& channel_id,
                                                         SimTime now) {
  const size_t i = IndexOf(channel_id);
  if (i >= states_.size()) return std::nullopt;
  const SimDuration interval(
      std::max<int64_t>(1, std::llround(1000.0 / spec_.rate_limit.per_second)));
  const SimDuration tolerance = interval * (spec_.rate_limit.burst - 1);
  ChannelState& state = states_[i];
  const SimTime tat = std::max(state.next_allowed, now);
  if (tat - now > tolerance) return tat - tolerance - now;
  state.next_allowed = tat + interval;
  return std::nullopt;
}

const SlackMessage& SlackWorld::Post(const std::string& channel_id, SlackContent content,
                                     std::optional<std::string> thread_ts, SlackSource source,
                                     SimTime now) {
  const size_t i = IndexOf(channel_id);
  SlackChannel& channel = channels_.at(i);
  ChannelState& state = states_.at(i);
  // Slack's ts is the message's key within a channel: two posts in the same microsecond
  // would collide, so the later one moves on by a microsecond, keeping ts increasing.
  int64_t micros = epoch_.unix_seconds * 1000000 + now.count() * 1000;
  if (micros <= state.last_ts_micros) micros = state.last_ts_micros + 1;
  state.last_ts_micros = micros;
  SlackMessage message;
  message.ts_micros = micros;
  message.ts = FormatTs(micros);
  message.thread_ts = std::move(thread_ts);
  message.content = std::move(content);
  message.source = source;
  message.user = spec_.bot_user_id;
  message.bot_id = spec_.bot_id;
  message.posted_at = now;
  channel.messages.push_back(std::move(message));
  return channel.messages.back();
}

const SlackMessage* SlackWorld::Update(const std::string& channel_id, std::string_view ts,
                                       SlackContent content, SimTime now) {
  SlackChannel* channel = MutableChannel(channel_id);
  if (channel == nullptr) return nullptr;
  for (SlackMessage& m : channel->messages) {
    if (m.ts != ts) continue;
    m.content = std::move(content);
    m.edited_ts = FormatTs(epoch_.unix_seconds * 1000000 + now.count() * 1000);
    return &m;
  }
  return nullptr;
}

ReactionResult SlackWorld::AddReaction(const std::string& channel_id, std::string_view ts,
                                       const std::string& name, const std::string& user) {
  SlackChannel* channel = MutableChannel(channel_id);
  if (channel == nullptr) return ReactionResult::kMessageNotFound;
  for (SlackMessage& m : channel->messages) {
    if (m.ts != ts) continue;
    for (SlackReaction& r : m.reactions) {
      if (r.name != name) continue;
      if (std::find(r.users.begin(), r.users.end(), user) != r.users.end()) {
        return ReactionResult::kAlreadyReacted;
      }
      r.users.push_back(user);
      return ReactionResult::kAdded;
    }
    m.reactions.push_back(SlackReaction{name, {user}});
    return ReactionResult::kAdded;
  }
  return ReactionResult::kMessageNotFound;
}

bool SlackWorld::SetArchived(std::string_view id_or_name, bool archived) {
  SlackChannel* channel = MutableChannel(id_or_name);
  if (channel == nullptr) return false;
  channel->archived = archived;
  return true;
}

bool SlackWorld::Delete(std::string_view id_or_name) {
  SlackChannel* channel = MutableChannel(id_or_name);
  if (channel == nullptr) return false;
  channel->deleted = true;
  return true;
}

std::vector<const SlackMessage*> SlackWorld::Messages(std::string_view id_or_name) const {
  std::vector<const SlackMessage*> out;
  if (const SlackChannel* channel = FindChannel(id_or_name)) {
    for (const SlackMessage& m : channel->messages) out.push_back(&m);
  }
  return out;
}

int SlackWorld::MessageCount(std::string_view id_or_name) const {
  const SlackChannel* channel = FindChannel(id_or_name);
  return channel == nullptr ? 0 : static_cast<int>(channel->messages.size());
}

nlohmann::json SlackWorld::Snapshot() const {
  using nlohmann::json;
  json out = json::object();
  for (const SlackChannel& c : channels_) {
    json messages = json::array();
    for (const SlackMessage& m : c.messages) {
      json reactions = json::array();
      for (const SlackReaction& r : m.reactions) {
        reactions.push_back({{"name", r.name}, {"users", r.users}});
      }
      messages.push_back({{"ts", m.ts},
                          {"thread_ts", m.thread_ts ? json(*m.thread_ts) : json(nullptr)},
                          {"text", m.content.text},
                          {"blocks", m.content.blocks},
                          {"attachments", m.content.attachments},
                          {"source", SlackSourceName(m.source)},
                          {"user", m.user},
                          {"bot_id", m.bot_id},
                          {"posted_at_ms", m.posted_at.count()},
                          {"edited_ts", m.edited_ts ? json(*m.edited_ts) : json(nullptr)},
                          {"reactions", std::move(reactions)}});
    }
    out[c.name] = {{"id", c.id},
                   {"archived", c.archived},
                   {"posting_restricted", c.posting_restricted},
                   {"deleted", c.deleted},
                   {"messages", std::move(messages)}};
  }
  return out;
}

}  // namespace rundrill::world
