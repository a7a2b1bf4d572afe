#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/condition.h"
#include "simulator/model/source_mark.h"
#include "simulator/model/verify_spec.h"

namespace rundrill::model {

// notify: tells people (a chat post, a ticket); never counted as mitigation.
enum class StepType { kCheck, kAction, kVerify, kNotify, kWait };

std::string_view StepTypeName(StepType type);

struct Capture {
  enum class Format { kText, kJson };
  std::string name;  // also the environment variable later steps see
  Format format = Format::kText;
  SourceMark mark;
};

struct StepExpect {
  std::optional<int> exit_code;    // default: 0
  std::string stdout_matches;      // ECMAScript regex searched in stdout; "" = none
  std::string stdout_not_matches;  // regex that must NOT be found
};

struct Retries {
  int attempts = 1;                         // total tries, >= 1
  SimDuration backoff{SimDuration(10000)};  // wait before the 2nd try
  double multiplier = 2.0;                  // backoff grows by this each further try
  SimDuration max_backoff{SimDuration(300000)};
};

// A Slack post a notify step makes. Text and block strings may hold `${NAME}`: the step's
// environment (params, captures, ALERT_*) fills them in when the step runs.
struct SlackNotice {
  std::string channel;    // name, "#name" or id; empty: post through the incoming webhook
  std::string text;       // the message, or its fallback when blocks are given
  nlohmann::json blocks;  // Block Kit array as written; null when absent
  SourceMark mark;
};

// An Events API v2 event a notify step sends to PagerDuty.
struct PageNotice {
  enum class Action { kTrigger, kAcknowledge, kResolve };
  Action action = Action::kTrigger;
  std::string service;    // id or name of a PagerDuty service in the scenario; empty: the first
  std::string severity;   // critical | error | warning | info (from `urgency` when given so)
  std::string summary;    // required for a trigger
  std::string dedup_key;  // empty: one per runbook and alert, so a second run does not page twice
  std::string source;     // empty: "rundrill/<runbook>"
  SourceMark mark;
};

// A human gate before a step runs: the request goes to Slack and people react to answer.
struct Approval {
  std::string channel = "incident-approvals";
  std::string action;  // what will be done; empty: the step's name
  std::string impact;  // what it does to production
  SimDuration timeout{SimDuration(300000)};
  // Safe steps are approved when nobody answers in time; others fail and escalate.
  bool auto_approve_on_timeout = false;
  SourceMark mark;
};

// How a scalar is written in the file, which decides how a place inside its text maps back
// to a line and column.
enum class ScalarStyle {
  kPlain,
  kSingleQuoted,
  kDoubleQuoted,
  kLiteral,  // `|`: the text starts on the line after the indicator, lines kept as written
  kFolded,   // `>`: as literal, but lines are joined, so only the first line maps back
};

// A lint rule silenced for one step: `lint: {ignore: [{rule: RD001, reason: "..."}]}`.
struct LintIgnore {
  std::string rule;    // a known rule id (checked by the loader)
  std::string reason;  // never empty: a silenced finding is reported with it
  SourceMark mark;     // of the entry
};

struct Step {
  std::string id;
  SourceMark mark;
  StepType type = StepType::kCheck;
  std::string name;     // human title; defaults to id
  std::string run;      // /bin/sh -c command; empty for wait steps and built-in notices
  SourceMark run_mark;  // where the `run` value is written, for places inside the command
  ScalarStyle run_style = ScalarStyle::kPlain;
  SimDuration duration{0};  // wait steps only
  std::optional<Condition> when;
  std::optional<Capture> capture;
  StepExpect expect;
  SimDuration timeout{SimDuration(300000)};
  Retries retries;
  std::string rollback;  // command that undoes this step; checked by the rollback check
  SourceMark rollback_mark;
  ScalarStyle rollback_style = ScalarStyle::kPlain;
  bool continue_on_failure = false;
  std::optional<SlackNotice> slack;  // notify steps: instead of, never besides, `run`
  std::optional<PageNotice> page;    // notify steps: as `slack`; both may be given
  std::optional<Approval> approval;
  // Why running this step twice must change the world twice (a status post that is meant to
  // repeat); empty: the step-idempotence check holds it to changing nothing the second time.
  std::string not_idempotent;
  std::vector<LintIgnore> lint_ignores;  // lint rules silenced for this step, with reasons
};

struct Trigger {
  std::string alertname;          // exact alertname, or
  std::string alertname_matches;  // ECMAScript regex matched against the whole alertname
  std::map<std::string, std::string> labels;  // each must equal the alert's label
  SourceMark mark;
};

struct Param {
  std::string name;                          // environment variable name in steps
  std::string label;                         // taken from this alert label, or
  std::string annotation;                    // this annotation, or
  std::string value;                         // a constant
  std::optional<std::string> default_value;  // used when the label/annotation is absent
  SourceMark mark;
};

struct Runbook {
  std::string name;
  std::string description;
  std::string path;
  SourceMark mark;
  Trigger trigger;
  std::vector<Param> params;
  std::vector<Step> steps;
  std::vector<Step> on_failure;  // run, in order, when a step fails and does not continue
  // The `escalation` block as notify steps, run after on_failure: a Slack post and/or a page.
  std::vector<Step> escalation;
  VerifySpec verify;  // what the verification checks leave out for this runbook
};

}  // namespace rundrill::model
