#pragma once

// The checks a runbook change is gated on, each a drill (or several) of its own with a probe:
//   step-idempotence     every mutating step, run again at once, changes nothing more;
//   runbook-idempotence  every runbook, run again on the world it left, changes nothing;
//   rollback             a step's rollback gives back the world the step started from;
//   crash-consistency    a runbook whose runner dies after step k and starts again from the
//                        top still reaches the state the uninterrupted drill reached.
// A finding shows the diff that broke it. World changes are measured against a copy of the
// world left to evolve on its own, so time passing (a disk filling, a pod crash-looping) is
// never blamed on the runbook.

#include <string>
#include <vector>

#include "simulator/core/status.h"
#include "simulator/drill/drill.h"
#include "simulator/verify/finding.h"

namespace rundrill::verify {

// Runs every check for the drill `baseline` came from (same scenario, runbooks and options).
StatusOr<Verification> VerifyDrill(const model::Scenario& scenario,
                                   const std::vector<model::Runbook>& runbooks,
                                   const drill::DrillOptions& options,
                                   const drill::DrillResult& baseline);

}  // namespace rundrill::verify
