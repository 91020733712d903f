// Run-time registration of rows in a name table (sched/engines.h engines,
// sched/registry.h methods): a row takes the next free id after the last
// row, and only the row registered last may be removed again (tests restore
// the table). Not thread-safe: register before any reader runs.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace respect {

// Appends `row` (its id replaced by the next free one) unless it has no name,
// no factory (`has_factory`), or a name a row holds; `what` names the table
// in the message ("engine", "method").
template <class Row>
auto AppendRow(std::vector<Row>* rows, Row row, bool has_factory, const char* what) -> StatusOr<decltype(row.id)> {
  using Id = decltype(row.id);
  if (row.name == nullptr || !has_factory)
    return Status::Invalid(std::string("a ") + what + " row needs a name and a factory");
  for (const Row& r : *rows)
    if (std::string(r.name) == row.name) return Status::Invalid(std::string(what) + " '" + row.name + "' is already registered");
  row.id = static_cast<Id>(static_cast<int>(rows->back().id) + 1);
  rows->push_back(std::move(row));
  return rows->back().id;
}

// Removes the last row when it has `id` and is not one of the first
// `built_in` rows; false otherwise.
template <class Row, class Id>
bool RemoveLastRow(std::vector<Row>* rows, Id id, size_t built_in) {
  if (rows->size() <= built_in || rows->back().id != id) return false;
  rows->pop_back();
  return true;
}

}  // namespace respect
