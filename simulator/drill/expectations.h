#pragma once

#include <string>
#include <vector>

#include "simulator/drill/drill_result.h"
#include "simulator/model/scenario.h"
#include "simulator/world/world.h"

namespace rundrill::drill {

// Whether a deployment predicate holds in the world now. `found` receives what was seen,
// for messages ("image registry/api:1.5.0, 1/3 ready, revision 2").
bool DeploymentPredicateHolds(const world::KubeWorld& kube, const model::DeploymentPredicate& p,
                              std::string* found);

// "production/api image is registry/api:1.4.2 and healthy"
std::string DescribePredicate(const model::DeploymentPredicate& p);

// Checks the scenario's `expect` against the finished drill.
std::vector<ExpectationResult> CheckExpectations(const model::Expectations& expect,
                                                 const DrillResult& result,
                                                 const world::World& world);

}  // namespace rundrill::drill
