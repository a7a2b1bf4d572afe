#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/condition.h"
#include "simulator/model/source_mark.h"

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

struct Step {
  std::string id;
  SourceMark mark;
  StepType type = StepType::kCheck;
  std::string name;         // human title; defaults to id
  std::string run;          // /bin/sh -c command; empty only for wait steps
  SimDuration duration{0};  // wait steps only
  std::optional<Condition> when;
  std::optional<Capture> capture;
  StepExpect expect;
  SimDuration timeout{SimDuration(300000)};
  Retries retries;
  std::string rollback;  // command that undoes this step; checked by the rollback check
  bool continue_on_failure = false;
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
};

}  // namespace rundrill::model
