#include "label/dataset.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "io/graph_io.h"
#include "label_dataset_generated.h"

namespace respect {

namespace {

constexpr char kMagic[8] = {'R', 'S', 'P', 'L', 'B', 'L', '0', '1'};
constexpr uint32_t kMaxRecord = 64u << 20;

void PutU32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t GetU32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

Status WriteAll(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::Io(std::string("write failed: ") + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

}  // namespace

uint32_t Crc32(const uint8_t* data, size_t size) {
  static uint32_t table[256] = {0};
  static bool init = [] {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    return true;
  }();
  (void)init;
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::vector<int> TargetOrder(const Graph& g, const std::vector<int>& stage) {
  std::vector<int> order(g.size());
  for (int v = 0; v < g.size(); ++v) order[v] = v;
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (stage[a] != stage[b]) return stage[a] < stage[b];
    if (g.asap()[a] != g.asap()[b]) return g.asap()[a] < g.asap()[b];
    return a < b;
  });
  return order;
}

std::string EncodeLabel(const LabelRecord& r) {
  flatbuffers::FlatBufferBuilder b(1024);
  const Graph& g = *r.graph;
  std::vector<flatbuffers::Offset<fb::LabelNode>> nodes;
  for (const Node& n : g.nodes())
    nodes.push_back(fb::CreateLabelNode(b, n.param_bytes, n.output_bytes, n.macs, b.CreateString(n.op)));
  std::vector<int> src, dst;
  for (const Edge& e : g.edges()) { src.push_back(e.src); dst.push_back(e.dst); }
  auto label = fb::CreateLabel(b, r.index, r.seed, r.stages, r.max_in_degree, b.CreateVector(nodes),
                               b.CreateVector(src), b.CreateVector(dst), b.CreateVector(r.stage),
                               b.CreateVector(r.target_order), r.objective, r.bound, r.solve_seconds, r.optimal);
  b.Finish(label);
  return std::string(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
}

StatusOr<LabelRecord> DecodeLabel(const uint8_t* data, size_t size) {
  flatbuffers::Verifier v(data, size);
  if (!fb::VerifyLabelBuffer(v)) return Status::Invalid("label record fails flatbuffers verification");
  const fb::Label* l = fb::GetLabel(data);
  if (!l->nodes() || !l->edge_src() || !l->edge_dst() || !l->stage() || !l->target_order())
    return Status::Invalid("label record is missing a field");
  LabelRecord r;
  r.index = l->index();
  r.seed = l->seed();
  r.stages = l->stages();
  r.max_in_degree = l->max_in_degree();
  GraphBuilder gb("label_" + std::to_string(r.index));
  const int n = static_cast<int>(l->nodes()->size());
  for (int i = 0; i < n; ++i) {
    const fb::LabelNode* ln = l->nodes()->Get(i);
    Node nd;
    nd.id = std::to_string(i);
    nd.id_is_int = true;
    nd.param_bytes = ln->param_bytes();
    nd.output_bytes = ln->output_bytes();
    nd.macs = ln->macs();
    if (ln->op()) nd.op = ln->op()->str();
    gb.AddNode(std::move(nd));
  }
  if (l->edge_src()->size() != l->edge_dst()->size()) return Status::Invalid("label record: edge arrays differ");
  for (size_t i = 0; i < l->edge_src()->size(); ++i) {
    int s = l->edge_src()->Get(i), d = l->edge_dst()->Get(i);
    if (s < 0 || s >= n || d < 0 || d >= n) return Status::Invalid("label record: edge out of range");
    gb.AddEdgeIdx(s, d);
  }
  auto g = gb.Build();
  if (!g.ok()) return g.status().WithContext("label record");
  r.graph = std::make_shared<const Graph>(std::move(g).value());
  r.stage.assign(l->stage()->begin(), l->stage()->end());
  r.target_order.assign(l->target_order()->begin(), l->target_order()->end());
  if (static_cast<int>(r.stage.size()) != n || static_cast<int>(r.target_order.size()) != n)
    return Status::Invalid("label record: stage/order size differs from node count");
  r.objective = l->objective();
  r.bound = l->bound();
  r.solve_seconds = l->solve_seconds();
  r.optimal = l->optimal();
  return r;
}

StatusOr<DatasetContents> ScanDataset(const std::string& path, const RecordVisitor& visit) {
  RESPECT_RETURN_IF_ERROR(CheckReadableFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read '" + path + "': " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  char magic[sizeof(kMagic)];
  if (file_size < sizeof(kMagic) || !in.read(magic, sizeof(magic)) || std::memcmp(magic, kMagic, sizeof(kMagic)) != 0)
    return Status::Invalid(path + ": not a respect-opt label dataset (bad header)");
  DatasetContents out;
  uint64_t pos = sizeof(kMagic);
  out.valid_bytes = pos;
  std::vector<uint8_t> payload;
  while (pos < file_size) {
    uint8_t head[8];
    if (file_size - pos < 8 || !in.read(reinterpret_cast<char*>(head), 8)) break;
    const uint32_t size = GetU32(head), crc = GetU32(head + 4);
    if (size > kMaxRecord || file_size - pos - 8 < size) break;
    payload.resize(size);
    if (!in.read(reinterpret_cast<char*>(payload.data()), size)) break;
    if (Crc32(payload.data(), size) != crc) break;
    auto rec = DecodeLabel(payload.data(), size);
    if (!rec.ok()) break;
    const RecordSpan span{rec->index, pos, size};
    RESPECT_RETURN_IF_ERROR(visit(std::move(rec).value(), span));
    pos += 8 + size;
    out.valid_bytes = pos;
  }
  if (in.bad()) return Status::Io("error while reading '" + path + "'");
  out.torn_tail = out.valid_bytes < file_size;
  return out;
}

StatusOr<DatasetContents> ReadDataset(const std::string& path) {
  std::vector<LabelRecord> records;
  auto out = ScanDataset(path, [&](LabelRecord&& r, const RecordSpan&) {
    records.push_back(std::move(r));
    return Status::Ok();
  });
  if (out.ok()) out->records = std::move(records);
  return out;
}

StatusOr<std::unique_ptr<DatasetWriter>> DatasetWriter::Open(const std::string& path, bool resume) {
  RESPECT_RETURN_IF_ERROR(CheckWritable(path));
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !resume)
    return Status::Invalid("label dataset '" + path + "' exists; pass --label.resume true to continue it "
                           "(or choose another label.dataset)");
  if (!exists) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return Status::Io("cannot create '" + path + "': " + std::strerror(errno));
    Status w = WriteAll(fd, reinterpret_cast<const uint8_t*>(kMagic), sizeof(kMagic));
    if (!w.ok() || ::fsync(fd) != 0) { ::close(fd); return w.ok() ? Status::Io("fsync failed") : w; }
    return std::unique_ptr<DatasetWriter>(new DatasetWriter(fd));
  }
  // Only where the valid records end matters here: scan, keep nothing.
  auto contents = ScanDataset(path, [](LabelRecord&&, const RecordSpan&) { return Status::Ok(); });
  if (!contents.ok()) return contents.status();
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io("cannot open '" + path + "': " + std::strerror(errno));
  if (contents->torn_tail && ::ftruncate(fd, static_cast<off_t>(contents->valid_bytes)) != 0) {
    ::close(fd);
    return Status::Io("cannot truncate the torn tail of '" + path + "'");
  }
  if (::lseek(fd, 0, SEEK_END) < 0) { ::close(fd); return Status::Io("seek failed on '" + path + "'"); }
  return std::unique_ptr<DatasetWriter>(new DatasetWriter(fd));
}

DatasetWriter::~DatasetWriter() {
  if (fd_ >= 0) {
    ::fsync(fd_);
    ::close(fd_);
  }
}

Status DatasetWriter::Append(const LabelRecord& record) {
  const std::string payload = EncodeLabel(record);
  return AppendPayload(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
}

Status DatasetWriter::AppendPayload(const uint8_t* payload, size_t size) {
  if (size > kMaxRecord) return Status::Invalid("label record of " + std::to_string(size) + " bytes is too large");
  std::string frame(8 + size, '\0');
  uint8_t* f = reinterpret_cast<uint8_t*>(&frame[0]);
  PutU32(f, static_cast<uint32_t>(size));
  PutU32(f + 4, Crc32(payload, size));
  std::memcpy(f + 8, payload, size);
  // One write() per record: a kill leaves either the whole frame or a torn
  // tail that the reader drops.
  return WriteAll(fd_, f, frame.size());
}

Status DatasetWriter::Sync() {
  if (::fsync(fd_) != 0) return Status::Io(std::string("fsync failed: ") + std::strerror(errno));
  return Status::Ok();
}

}  // namespace respect
