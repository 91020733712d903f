// SignalStop: SIGINT and SIGTERM become a StopToken request for the lifetime
// of a scope (the CLI's schedule and compare tasks, the Python module's
// solving calls), so that Ctrl-C ends a solve with its best schedule so far
// instead of killing the process.
//
// While at least one SignalStop is alive, the first SIGINT or SIGTERM the
// process receives requests the token of every live scope (and of scopes
// made later in the same period). The handler itself only counts the signal
// and writes one byte to a pipe (async-signal-safe); a watcher thread reads
// it and requests the tokens. A second signal puts back the handlers that
// were installed before the first scope and raises it again: with the
// default action (the CLI) the process ends at once, under Python its own
// handler runs (KeyboardInterrupt once the call returns). A signal whose
// action was SIG_IGN when the first scope began (a background job of a
// non-interactive shell) stays ignored.
//
// When the last live scope ends, the previous handlers are restored and the
// watcher joined: nothing stays installed (one pipe, made on first use, is
// kept open for the life of the process, close-on-exec).
//
// Thread-safety: scopes may be made and ended in any threads, concurrently
// (they share one installation); never from a signal handler. Not for a
// process that forks while a scope is alive.
#pragma once

#include "core/stop_token.h"

namespace respect {

class SignalStop {
 public:
  // Installs the handlers if no scope is alive; `stop` is requested at the
  // first signal.
  explicit SignalStop(StopToken stop);
  // Restores the previous handlers if this is the last live scope.
  ~SignalStop();
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;

  // The signal (SIGINT or SIGTERM) that requested this scope's token; 0 if
  // none did. Exit code convention for a run it stopped: 128 + signal().
  int signal() const;
  // False when the handlers could not be installed (no pipe or thread): the
  // run goes on, and Ctrl-C acts as it would without the scope.
  bool active() const { return active_; }

  struct Entry;  // opaque: the scope's token and signal, in the shared list (signal_stop.cpp)

 private:
  Entry* entry_;
  bool active_ = false;
};

}  // namespace respect
