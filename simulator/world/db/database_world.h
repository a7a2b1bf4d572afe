#pragma once

// PLACEHOLDER until the database model lands: holds nothing.

#include <nlohmann/json.hpp>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"
#include "simulator/model/infra.h"

namespace rundrill::world {

class DatabaseWorld {
 public:
  explicit DatabaseWorld(Epoch epoch) : epoch_(epoch) {}
  Status Build(const std::vector<model::DatabaseSpec>&) { return Status::Ok(); }
  void AdvanceTo(SimTime t) { now_ = std::max(now_, t); }
  SimTime Now() const { return now_; }
  nlohmann::json Snapshot() const { return nlohmann::json::object(); }

 private:
  Epoch epoch_;
  SimTime now_{0};
};

}  // namespace rundrill::world
