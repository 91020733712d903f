#include "core/signal_stop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace respect {

struct SignalStop::Entry {
  StopToken stop;
  int signal = 0;  // guarded by Shared::mu
};

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM};
constexpr int kNumSignals = 2;

// What the handler reads: plain globals set before it is installed and
// changed only while it is not (or, for `count`, atomically).
std::atomic<int> g_count{0};       // signals seen in this period
std::atomic<int> g_write_fd{-1};   // the pipe's write end (-1: none)
struct sigaction g_old[kNumSignals];             // written only while no handler of ours is installed
std::atomic<bool> g_installed[kNumSignals] = {};  // read by the handler, reset by Uninstall

void RestoreOldHandlers() {
  for (int i = 0; i < kNumSignals; ++i)
    if (g_installed[i].load()) sigaction(kSignals[i], &g_old[i], nullptr);
}

// Async-signal-safe: an atomic add, write(), sigaction() and raise() only.
extern "C" void OnStopSignal(int sig) {
  const int saved_errno = errno;
  if (g_count.fetch_add(1) == 0) {
    const unsigned char byte = static_cast<unsigned char>(sig);
    const int fd = g_write_fd.load();
    if (fd >= 0) {
      const ssize_t n = write(fd, &byte, 1);
      (void)n;  // a full pipe already holds a wake-up
    }
  } else {
    // The second signal: the handlers from before, and the signal again
    // (delivered once this handler returns, since it is blocked here).
    RestoreOldHandlers();
    raise(sig);
  }
  errno = saved_errno;
}

// The state the scopes share; `life` orders installing and removing (held
// across the watcher's join), `mu` guards the scope list the watcher reads.
struct Shared {
  std::mutex life;
  std::mutex mu;
  std::vector<SignalStop::Entry*> scopes;  // guarded by mu
  int signal = 0;                          // the period's signal (mu), 0: none yet
  int read_fd = -1, write_fd = -1;         // the pipe, made once
  std::thread watcher;
};

Shared& State() {
  static Shared* s = new Shared;  // never destroyed: a handler may outlive static destruction
  return *s;
}

bool MakePipe(Shared* s) {
  if (s->read_fd >= 0) return true;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  s->read_fd = fds[0];
  s->write_fd = fds[1];
  return true;
}

// Reads what is in the pipe; the first signal number seen (0: none), and
// whether the end marker (a 0 byte) came.
int Drain(int fd, bool* end) {
  int sig = 0;
  unsigned char buf[64];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sig;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == 0) *end = true;
      else if (sig == 0) sig = buf[i];
    }
  }
}

void RequestAll(Shared* s, int sig) {
  std::lock_guard<std::mutex> lock(s->mu);
  if (s->signal == 0) s->signal = sig;
  for (SignalStop::Entry* e : s->scopes) {
    if (e->signal == 0) e->signal = sig;
    e->stop.Request();
  }
}

void Watch(Shared* s) {
  // This thread takes no stop signal: they go to the threads that run.
  sigset_t block;
  sigemptyset(&block);
  for (int sig : kSignals) sigaddset(&block, sig);
  pthread_sigmask(SIG_BLOCK, &block, nullptr);
  bool end = false;
  while (!end) {
    pollfd p{s->read_fd, POLLIN, 0};
    if (poll(&p, 1, -1) < 0 && errno != EINTR) return;
    if (const int sig = Drain(s->read_fd, &end)) RequestAll(s, sig);
  }
}

// Installs the handlers and starts the watcher; false (nothing installed)
// when that fails. Caller holds s->life.
bool Install(Shared* s) {
  if (!MakePipe(s)) return false;
  bool end = false;
  Drain(s->read_fd, &end);  // a byte a late handler wrote in the last period
  g_count.store(0);
  s->signal = 0;
  g_write_fd.store(s->write_fd);
  try {
    s->watcher = std::thread(Watch, s);
  } catch (...) {
    g_write_fd.store(-1);
    return false;
  }
  struct sigaction sa = {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : kSignals) sigaddset(&sa.sa_mask, sig);
  sa.sa_flags = SA_RESTART;
  for (int i = 0; i < kNumSignals; ++i) {
    g_installed[i].store(false);
    if (sigaction(kSignals[i], nullptr, &g_old[i]) != 0) continue;
    if (!(g_old[i].sa_flags & SA_SIGINFO) && g_old[i].sa_handler == SIG_IGN) continue;  // stays ignored
    g_installed[i].store(sigaction(kSignals[i], &sa, nullptr) == 0);
  }
  return true;
}

// Restores the handlers and joins the watcher. Caller holds s->life.
void Uninstall(Shared* s) {
  RestoreOldHandlers();
  for (std::atomic<bool>& b : g_installed) b.store(false);
  g_write_fd.store(-1);
  const unsigned char end = 0;
  while (write(s->write_fd, &end, 1) < 0 && errno == EINTR) {
  }
  if (s->watcher.joinable()) s->watcher.join();
}

}  // namespace

SignalStop::SignalStop(StopToken stop) : entry_(new Entry{std::move(stop), 0}) {
  Shared& s = State();
  std::lock_guard<std::mutex> life(s.life);
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    first = s.scopes.empty();
  }
  if (first && !Install(&s)) return;
  std::lock_guard<std::mutex> lock(s.mu);
  s.scopes.push_back(entry_);
  active_ = true;
  if (s.signal != 0) {  // Ctrl-C came already in this period: it stops this run too
    entry_->signal = s.signal;
    entry_->stop.Request();
  }
}

SignalStop::~SignalStop() {
  Shared& s = State();
  if (active_) {
    std::lock_guard<std::mutex> life(s.life);
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      s.scopes.erase(std::find(s.scopes.begin(), s.scopes.end(), entry_));
      last = s.scopes.empty();
    }
    if (last) Uninstall(&s);
  }
  delete entry_;
}

int SignalStop::signal() const {
  std::lock_guard<std::mutex> lock(State().mu);
  return entry_->signal;
}

}  // namespace respect
