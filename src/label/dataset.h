// Label datasets: ground-truth exact schedules of synthetic graphs for
// training the policy.
//
// File format (version 1, little-endian):
//   header  8 bytes  "RSPLBL01"
//   record* u32 payload_size | u32 crc32(payload) | payload (a flatbuffer
//           `respect.fb.Label`, schema src/label/label_dataset.fbs)
// Records are only ever appended, each with one write() and fsync() batch.
// A crash can leave at most a torn last record, which ReadDataset ignores and
// OpenForAppend truncates away; every complete record is kept.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "cost/problem.h"
#include "graph/graph.h"

namespace respect {

struct LabelRecord {
  uint32_t index = 0;
  uint64_t seed = 0;
  int stages = 0;
  int max_in_degree = 0;
  std::shared_ptr<const Graph> graph;
  std::vector<int> stage;         // exact stage per node
  std::vector<int> target_order;  // by (stage, ASAP level, id)
  double objective = 0, bound = 0, solve_seconds = 0;
  bool optimal = false;
};

// Nodes sorted by (stage, ASAP level, index): the policy's target order.
std::vector<int> TargetOrder(const Graph& g, const std::vector<int>& stage);

std::string EncodeLabel(const LabelRecord& r);
StatusOr<LabelRecord> DecodeLabel(const uint8_t* data, size_t size);

struct DatasetContents {
  std::vector<LabelRecord> records;
  uint64_t valid_bytes = 0;   // header + all complete, CRC-valid records
  bool torn_tail = false;     // trailing bytes after the last valid record
};

// Reads every complete record. A torn or corrupt tail is reported in
// torn_tail, not as an error; a wrong header is an error.
StatusOr<DatasetContents> ReadDataset(const std::string& path);

// Where a complete record lies in its file: its frame (u32 size, u32 crc,
// payload) starts at `offset`.
struct RecordSpan {
  uint32_t index = 0;
  uint64_t offset = 0;
  uint32_t payload_size = 0;
};

// ReadDataset one record at a time (the file is never held whole): calls
// visit(record, span) for every complete record in file order and returns the
// contents without records. An error from visit stops the scan and is returned.
using RecordVisitor = std::function<Status(LabelRecord&& record, const RecordSpan& span)>;
StatusOr<DatasetContents> ScanDataset(const std::string& path, const RecordVisitor& visit);

// Appends records. Not thread-safe: one writer per file (the label task
// funnels workers' results through one writer).
class DatasetWriter {
 public:
  // Creates the file (error if it exists and resume is false) or, with
  // resume, truncates a torn tail and appends after the valid records.
  static StatusOr<std::unique_ptr<DatasetWriter>> Open(const std::string& path, bool resume);
  ~DatasetWriter();
  Status Append(const LabelRecord& record);
  // Appends an encoded record (EncodeLabel's bytes, e.g. copied from another
  // dataset) as one frame.
  Status AppendPayload(const uint8_t* payload, size_t size);
  Status Sync();  // fsync the file

 private:
  explicit DatasetWriter(int fd) : fd_(fd) {}
  int fd_ = -1;
};

uint32_t Crc32(const uint8_t* data, size_t size);

}  // namespace respect
