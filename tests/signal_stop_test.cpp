// core/signal_stop.h: inside a scope the first SIGINT / SIGTERM requests the
// scope's token; a second goes to the handler from before; after the last
// scope the handlers from before are back; an ignored signal stays ignored.
// The signals are raised in this process: the handlers under test never
// kill it (each test installs a counting handler first).
#include "core/signal_stop.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace respect {
namespace {

std::atomic<int> g_previous_calls{0};
extern "C" void CountingHandler(int) { g_previous_calls.fetch_add(1); }

// Installs CountingHandler for `sig` for the life of the object, then puts
// back what was there.
class Counting {
 public:
  explicit Counting(int sig) : sig_(sig) {
    struct sigaction sa = {};
    sa.sa_handler = CountingHandler;
    sigemptyset(&sa.sa_mask);
    EXPECT_EQ(sigaction(sig_, &sa, &was_), 0);
    g_previous_calls = 0;
  }
  ~Counting() { sigaction(sig_, &was_, nullptr); }

 private:
  int sig_;
  struct sigaction was_ = {};
};

void (*HandlerOf(int sig))(int) {
  struct sigaction now = {};
  sigaction(sig, nullptr, &now);
  return now.sa_handler;
}

// The watcher requests the token on its own thread: wait for it (10 s at most).
bool WaitFor(const StopToken& stop) {
  for (int i = 0; i < 1000 && !stop.Requested(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return stop.Requested();
}

TEST(SignalStop, TheFirstSignalRequestsTheTokenAndTheHandlerComesBack) {
  const Counting counting(SIGINT);
  {
    const StopToken stop = StopToken::Make();
    const SignalStop scope(stop);
    ASSERT_TRUE(scope.active());
    EXPECT_EQ(scope.signal(), 0);
    EXPECT_NE(HandlerOf(SIGINT), CountingHandler);
    raise(SIGINT);
    ASSERT_TRUE(WaitFor(stop));
    EXPECT_EQ(scope.signal(), SIGINT);
    EXPECT_EQ(g_previous_calls.load(), 0);  // the scope took it
  }
  EXPECT_EQ(HandlerOf(SIGINT), CountingHandler);
  raise(SIGINT);
  EXPECT_EQ(g_previous_calls.load(), 1);
}

TEST(SignalStop, ASecondSignalGoesToTheHandlerFromBefore) {
  const Counting counting(SIGTERM);
  const StopToken stop = StopToken::Make();
  const SignalStop scope(stop);
  raise(SIGTERM);
  ASSERT_TRUE(WaitFor(stop));
  EXPECT_EQ(g_previous_calls.load(), 0);
  raise(SIGTERM);  // delivered again once the scope's handler put the old one back
  EXPECT_EQ(g_previous_calls.load(), 1);
  EXPECT_EQ(HandlerOf(SIGTERM), CountingHandler);
  EXPECT_EQ(scope.signal(), SIGTERM);
}

TEST(SignalStop, LiveScopesShareTheSignalAndTheLastOneRestores) {
  const Counting counting(SIGINT);
  const StopToken a = StopToken::Make(), b = StopToken::Make(), c = StopToken::Make();
  {
    const SignalStop outer(a);
    {
      const SignalStop inner(b);
      raise(SIGINT);
      ASSERT_TRUE(WaitFor(a));
      ASSERT_TRUE(WaitFor(b));
      EXPECT_EQ(inner.signal(), SIGINT);
    }
    EXPECT_NE(HandlerOf(SIGINT), CountingHandler);  // the outer scope still holds it
    // A scope begun after the signal, while another lives, is stopped too.
    const SignalStop late(c);
    EXPECT_TRUE(c.Requested());
    EXPECT_EQ(late.signal(), SIGINT);
  }
  EXPECT_EQ(HandlerOf(SIGINT), CountingHandler);
  // A new period starts clean.
  const StopToken d = StopToken::Make();
  const SignalStop fresh(d);
  EXPECT_FALSE(d.Requested());
  EXPECT_EQ(fresh.signal(), 0);
}

TEST(SignalStop, AnIgnoredSignalStaysIgnored) {
  struct sigaction ignore = {}, was = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ASSERT_EQ(sigaction(SIGTERM, &ignore, &was), 0);
  {
    const StopToken stop = StopToken::Make();
    const SignalStop scope(stop);
    EXPECT_EQ(HandlerOf(SIGTERM), SIG_IGN);
    raise(SIGTERM);
    EXPECT_EQ(scope.signal(), 0);
  }
  EXPECT_EQ(HandlerOf(SIGTERM), SIG_IGN);
  sigaction(SIGTERM, &was, nullptr);
}

}  // namespace
}  // namespace respect
