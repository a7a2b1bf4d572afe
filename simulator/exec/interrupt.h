#pragma once

namespace rundrill::exec {

// A request to stop, from SIGINT or SIGTERM (or from RequestInterrupt): process-wide, as
// signals are, and sticky — once set it stays set for the life of the process, so every
// drill running in any thread sees it, whenever it looks.
//
// The running step's StepRunner wakes at once (it watches InterruptFd), kills the step's
// process group (SIGTERM, then SIGKILL after the step's kill grace) and reports
// StepProcessResult::Stop::kInterrupted; the drill then stops and returns a result marked
// interrupted; the CLI writes what it has and exits 130.

// Installs the handler for SIGINT and SIGTERM. The handler only sets a flag and writes one
// byte to a self-pipe (both async-signal-safe), and resets itself to the default action, so
// a second signal ends the process at once. Call once, early, before threads start.
void InstallInterruptHandlers();

// True once a signal arrived (or RequestInterrupt was called).
bool Interrupted();

// The read end of the self-pipe: readable once Interrupted() is true, and never drained, so
// any number of event loops may wait on it (each on its own dup). -1 when no pipe could be
// made (then only Interrupted() is reliable, and runners notice it at their next poll).
int InterruptFd();

// What the signal handler does, for tests and for callers that stop a run themselves.
void RequestInterrupt();

}  // namespace rundrill::exec
