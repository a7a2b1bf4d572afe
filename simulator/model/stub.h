#pragma once

// Stubs: answers for programs rundrill does not model (psql, redis-cli, aws, …).

#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/source_mark.h"

namespace rundrill::model {

// A named change a stubbed call makes to the world.
struct StubEffect {
  enum class Kind {
    kTerminateIdleConnections,  // database, older_than, state ("idle" unless given)
    kStopConnectionLeak,        // database
    kFreeDisk,                  // host, path: delete that file
    kRestartService,            // host, service
    kStartService,              // host, service
    kStopService,               // host, service
    kRestartDeployment,         // namespace, deployment
  };
  Kind kind = Kind::kTerminateIdleConnections;
  std::string database;
  std::optional<SimDuration> older_than;
  std::string state = "idle";
  std::string host;
  std::string service;
  std::string path;
  std::string namespace_name;
  std::string deployment;
  SourceMark mark;
};

struct StubSpec {
  std::string program;  // base name put on PATH ("psql")
  // ECMAScript regex matched against the whole of the arguments after the program name,
  // joined by single spaces. Absent: any arguments.
  std::optional<std::string> args;
  // Output texts may use {{ $1 }}… (groups of `args`) and {{ metric{label="v"} }} (the
  // metric's value when the call is answered).
  std::string stdout_text;
  std::string stderr_text;
  int exit_code = 0;
  SimDuration duration{SimDuration(100)};
  std::vector<StubEffect> effects;
  SourceMark mark;
};

}  // namespace rundrill::model
