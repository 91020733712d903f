// StopToken: the flag that ends a run early (a user's Ctrl-C, an owner
// stopping a helper thread). Header-only; no dependency beyond the standard
// library, so solver/ (MilpOptions::stop) and the solve path share it.
#pragma once

#include <atomic>
#include <memory>
#include <utility>

namespace respect {

// A flag that ends a run early when requested. Copies share the flag; a
// Child() is requested when it or any ancestor is, and requesting the child
// leaves its ancestors running. A default-constructed token has no flag:
// never requested, Request() does nothing. Cheap to copy; any thread.
class StopToken {
 public:
  StopToken() = default;
  // A token with a flag of its own (no parent).
  static StopToken Make() { return StopToken(std::make_shared<Node>(nullptr)); }
  // A token with a flag of its own under this one.
  StopToken Child() const { return StopToken(std::make_shared<Node>(node_)); }

  void Request() const {
    if (node_) node_->flag.store(true, std::memory_order_relaxed);
  }
  bool Requested() const {
    for (const Node* n = node_.get(); n; n = n->parent.get())
      if (n->flag.load(std::memory_order_relaxed)) return true;
    return false;
  }

 private:
  struct Node {
    explicit Node(std::shared_ptr<const Node> p) : parent(std::move(p)) {}
    std::atomic<bool> flag{false};
    std::shared_ptr<const Node> parent;
  };
  explicit StopToken(std::shared_ptr<Node> node) : node_(std::move(node)) {}
  std::shared_ptr<Node> node_;
};

}  // namespace respect
