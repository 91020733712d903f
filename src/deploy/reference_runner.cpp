#include "deploy/reference_runner.h"

#include <sstream>

#ifdef RESPECT_HAVE_ARMNN
#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <thread>

#include "core/deadline.h"
#include "core/rng.h"
#include "tflite/tflite_reader.h"
#endif

namespace respect {

std::string FormatReferenceReport(const ReferenceCheckReport& r) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(1);
  os << "reference check (Arm NN " << r.backend << ", " << r.runs << " run(s)): "
     << (r.identical ? "segment chain reproduces the whole model's outputs exactly"
                     : "segment chain DIFFERS from the whole model")
     << "\n";
  if (!r.identical) {
    os.precision(6);
    os << "  mismatched outputs: " << r.mismatched_outputs << ", max abs difference " << r.max_abs_diff << "\n";
    os.precision(1);
  }
  os << "  whole model: " << r.whole_model_mean_ms << " ms per inference\n";
  for (const SegmentRunStats& s : r.segments)
    os << "  segment " << s.segment << ": " << s.mean_ms << " ms per inference (" << s.invocations << " run(s))\n";
  os.precision(3);
  os << "  pipeline: " << r.pipeline_seconds << " s for " << r.runs << " run(s), " << r.throughput_per_s
     << " inferences/s\n";
  return os.str();
}

#ifndef RESPECT_HAVE_ARMNN

bool ReferenceRunnerAvailable() { return false; }

namespace {

Status Unavailable() {
  return Status::Invalid("built without Arm NN: the CPU reference runner is unavailable "
                         "(install it with scripts/setup.sh --extras, then rebuild with scripts/build.sh)");
}

}  // namespace

StatusOr<ReferenceCheckReport> RunReferenceCheck(const TfliteModel&, const std::vector<Segment>&,
                                                 const RunnerOptions&) {
  return Unavailable();
}

StatusOr<std::map<std::string, std::vector<uint8_t>>> RunModelOnce(const TfliteModel&,
                                                                   const std::map<std::string, std::vector<uint8_t>>&) {
  return Unavailable();
}

#else  // RESPECT_HAVE_ARMNN

namespace {

using TensorMap = std::map<std::string, std::vector<uint8_t>>;

// The process-wide runtime: created once, never destroyed (Arm NN's backend
// registry is a static too; tearing down in exit order is not worth the risk).
armnn::IRuntime* SharedRuntime(std::string* error) {
  static std::once_flag once;
  static armnn::IRuntime* runtime = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    try {
      armnn::IRuntime::CreationOptions options;
      runtime = armnn::IRuntime::CreateRaw(options);
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown exception";
    }
  });
  if (!runtime && error) *error = "cannot create the Arm NN runtime: " + failure;
  return runtime;
}

std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

struct Binding {
  std::string name;
  armnn::LayerBindingId id = 0;
  armnn::TensorInfo info;
};

// One parsed, optimized and loaded network.
class Net {
 public:
  // `label(i)` names operator i of this model in messages.
  static StatusOr<std::unique_ptr<Net>> Load(const std::vector<uint8_t>& bytes, const std::string& what,
                                             const std::function<std::string(int)>& label) {
    std::string err;
    armnn::IRuntime* rt = SharedRuntime(&err);
    if (!rt) return Status::Internal(err);
    auto net = std::unique_ptr<Net>(new Net());
    net->rt_ = rt;
    net->what_ = what;
    try {
      auto parser = armnnTfLiteParser::ITfLiteParser::Create();
      armnn::INetworkPtr network = parser->CreateNetworkFromBinary(bytes);
      for (const std::string& n : parser->GetSubgraphInputTensorNames(0)) {
        auto b = parser->GetNetworkInputBindingInfo(0, n);
        net->inputs.push_back({n, b.first, b.second});
      }
      for (const std::string& n : parser->GetSubgraphOutputTensorNames(0)) {
        auto b = parser->GetNetworkOutputBindingInfo(0, n);
        net->outputs.push_back({n, b.first, b.second});
      }
      std::vector<armnn::BackendId> backends = {armnn::Compute::CpuRef};
      std::vector<std::string> messages;
      armnn::IOptimizedNetworkPtr opt = armnn::Optimize(*network, backends, rt->GetDeviceSpec(),
                                                        armnn::OptimizerOptions(),
                                                        armnn::Optional<std::vector<std::string>&>(messages));
      if (!opt) {
        std::string m = messages.empty() ? "no backend supports every layer" : messages.front();
        return Status::Invalid("Arm NN cannot run " + what + ": " + OneLine(m));
      }
      armnn::INetworkProperties props;
      if (rt->LoadNetwork(net->id_, std::move(opt), err, props) != armnn::Status::Success)
        return Status::Invalid("Arm NN cannot load " + what + ": " + OneLine(err));
      net->loaded_ = true;
    } catch (const std::exception& e) {
      return Status::Invalid(Explain(what, e.what(), label));
    } catch (...) {
      return Status::Invalid("Arm NN cannot run " + what + ": unknown exception");
    }
    return net;
  }

  ~Net() {
    if (loaded_) rt_->UnloadNetwork(id_);
  }

  // Runs once; inputs by binding name.
  Status Run(const TensorMap& in, TensorMap* out, double* ms) {
    armnn::InputTensors inputs;
    for (const Binding& b : this->inputs) {
      auto it = in.find(b.name);
      if (it == in.end()) return Status::Internal(what_ + " needs input '" + b.name + "' that nobody provided");
      if (it->second.size() != b.info.GetNumBytes())
        return Status::Internal(what_ + " input '" + b.name + "' has " + std::to_string(it->second.size()) +
                                " bytes, expected " + std::to_string(b.info.GetNumBytes()));
      inputs.emplace_back(b.id, armnn::ConstTensor(b.info, it->second.data()));
    }
    out->clear();
    armnn::OutputTensors outputs;
    for (const Binding& b : this->outputs) {
      std::vector<uint8_t>& buf = (*out)[b.name];
      buf.assign(b.info.GetNumBytes(), 0);
      outputs.emplace_back(b.id, armnn::Tensor(b.info, buf.data()));
    }
    try {
      const Stopwatch clock;
      const armnn::Status st = rt_->EnqueueWorkload(id_, inputs, outputs);
      *ms = 1e3 * clock.Seconds();
      if (st != armnn::Status::Success) return Status::Invalid("Arm NN failed to run " + what_);
    } catch (const std::exception& e) {
      return Status::Invalid("Arm NN failed to run " + what_ + ": " + OneLine(e.what()));
    }
    return Status::Ok();
  }

  std::vector<Binding> inputs, outputs;

 private:
  Net() = default;

  // Names the operator an Arm NN parse error is about.
  static std::string Explain(const std::string& what, const std::string& msg,
                             const std::function<std::string(int)>& label) {
    std::smatch m;
    static const std::regex op_re(R"(operator[ #:]*([0-9]+))");
    std::string op;
    if (std::regex_search(msg, m, op_re)) op = label(std::stoi(m[1].str())) + ": ";
    return "Arm NN cannot run " + what + ": " + op + OneLine(msg);
  }

  armnn::IRuntime* rt_ = nullptr;
  armnn::NetworkId id_ = 0;
  bool loaded_ = false;
  std::string what_;
};

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}
  void Push(T item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_; });
    q_.push_back(std::move(item));
    not_empty_.notify_one();
  }
  T Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty(); });
    T item = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return item;
  }

 private:
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> q_;
};

struct Item {
  int run = -1;  // -1 marks the end of the stream
  TensorMap tensors;
};

std::vector<uint8_t> RandomTensor(const armnn::TensorInfo& info, Rng* rng) {
  std::vector<uint8_t> b(info.GetNumBytes());
  switch (info.GetDataType()) {
    case armnn::DataType::Float32: {
      for (size_t i = 0; i + 4 <= b.size(); i += 4) {
        const float f = static_cast<float>(rng->Next() % 2000001) / 1000000.0f - 1.0f;
        std::memcpy(&b[i], &f, 4);
      }
      break;
    }
    case armnn::DataType::Signed32: {
      for (size_t i = 0; i + 4 <= b.size(); i += 4) {
        const int32_t v = static_cast<int32_t>(rng->Next() % 4);
        std::memcpy(&b[i], &v, 4);
      }
      break;
    }
    case armnn::DataType::Boolean:
      for (auto& x : b) x = static_cast<uint8_t>(rng->Next() & 1);
      break;
    case armnn::DataType::Float16:
      for (size_t i = 0; i + 2 <= b.size(); i += 2) {  // halves in [-1, 1]
        const uint16_t h = static_cast<uint16_t>((rng->Next() & 0x8000) | (rng->Next() % 0x3C00));
        std::memcpy(&b[i], &h, 2);
      }
      break;
    default:
      for (auto& x : b) x = static_cast<uint8_t>(rng->Next() >> 24);
  }
  return b;
}

// Largest element difference between two outputs of one type.
double MaxAbsDiff(const armnn::TensorInfo& info, const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size()) return 1e300;
  double m = 0;
  auto each = [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i + sizeof(T) <= a.size(); i += sizeof(T)) {
      T x, y;
      std::memcpy(&x, &a[i], sizeof(T));
      std::memcpy(&y, &b[i], sizeof(T));
      const double d = std::abs(static_cast<double>(x) - static_cast<double>(y));
      if (d > m || d != d) m = d != d ? 1e300 : d;
    }
  };
  switch (info.GetDataType()) {
    case armnn::DataType::Float32: each(float{}); break;
    case armnn::DataType::Signed32: each(int32_t{}); break;
    case armnn::DataType::QAsymmS8:
    case armnn::DataType::QSymmS8: each(int8_t{}); break;
    case armnn::DataType::QSymmS16: each(int16_t{}); break;
    default: each(uint8_t{});
  }
  return m;
}

// Names operator o of `info` in messages.
std::function<std::string(int)> OperatorLabels(const TfliteModelInfo& info) {
  return [&info](int o) {
    if (o < 0 || o >= static_cast<int>(info.operators.size())) return "operator " + std::to_string(o);
    return "operator " + std::to_string(o) + " (" + info.operators[o].op + " '" + info.operators[o].name + "')";
  };
}

}  // namespace

bool ReferenceRunnerAvailable() { return true; }

StatusOr<TensorMap> RunModelOnce(const TfliteModel& model, const TensorMap& inputs) {
  const TfliteModelInfo info = DescribeTflite(model);
  auto net = Net::Load(model.bytes(), "the model", OperatorLabels(info));
  if (!net.ok()) return net.status();
  for (const Binding& b : (*net)->inputs) {
    auto it = inputs.find(b.name);
    if (it == inputs.end()) return Status::Invalid("no bytes given for input '" + b.name + "'");
    if (it->second.size() != b.info.GetNumBytes())
      return Status::Invalid("input '" + b.name + "' has " + std::to_string(it->second.size()) + " bytes, expected " +
                             std::to_string(b.info.GetNumBytes()));
  }
  TensorMap out;
  double ms = 0;
  RESPECT_RETURN_IF_ERROR((*net)->Run(inputs, &out, &ms));
  return out;
}

namespace {

// The segments' networks, loaded before anything runs: a model Arm NN cannot
// handle is reported first.
StatusOr<std::vector<std::unique_ptr<Net>>> LoadSegmentNets(const std::vector<Segment>& segments,
                                                           const std::function<std::string(int)>& label) {
  std::vector<std::unique_ptr<Net>> nets;
  for (size_t k = 0; k < segments.size(); ++k) {
    const std::vector<int>& ops = segments[k].plan.operators;
    auto seg_label = [&](int i) { return (i >= 0 && i < static_cast<int>(ops.size())) ? label(ops[i]) : label(-1); };
    auto n = Net::Load(segments[k].bytes, "segment " + std::to_string(segments[k].plan.stage), seg_label);
    if (!n.ok()) return n.status();
    nets.push_back(std::move(n).value());
  }
  return nets;
}

// Runs the feeds through the segment chain: a feeder thread, one thread per
// segment, the collector on this thread, bounded queues between them. The
// last segment's outputs per run into *got; per-segment figures and the wall
// time into *report. Returns the first segment error, if any.
Status RunPipeline(const std::vector<std::unique_ptr<Net>>& nets, const std::vector<Segment>& segments,
                   const std::vector<TensorMap>& feeds, size_t queue_capacity, std::vector<TensorMap>* got,
                   ReferenceCheckReport* report) {
  const int runs = static_cast<int>(feeds.size());
  const size_t n = nets.size();
  std::vector<std::unique_ptr<BoundedQueue<Item>>> queues;
  for (size_t k = 0; k <= n; ++k) queues.push_back(std::make_unique<BoundedQueue<Item>>(queue_capacity));
  std::vector<SegmentRunStats> stats(n);
  std::mutex error_mu;
  Status first_error;
  std::vector<std::thread> threads;
  const Stopwatch clock;
  threads.emplace_back([&] {
    for (int r = 0; r < runs; ++r) queues[0]->Push(Item{r, feeds[r]});
    queues[0]->Push(Item{});
  });
  for (size_t k = 0; k < n; ++k) {
    threads.emplace_back([&, k] {
      bool failed = false;
      stats[k].segment = segments[k].plan.stage;
      for (;;) {
        Item in = queues[k]->Pop();
        if (in.run < 0) break;
        if (failed) continue;  // drain so upstream never blocks
        Item out;
        out.run = in.run;
        double ms = 0;
        Status st = nets[k]->Run(in.tensors, &out.tensors, &ms);
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(error_mu);
          if (first_error.ok()) first_error = st;
          failed = true;
          continue;
        }
        ++stats[k].invocations;
        stats[k].total_ms += ms;
        queues[k + 1]->Push(std::move(out));
      }
      queues[k + 1]->Push(Item{});
    });
  }
  got->assign(runs, TensorMap());
  for (;;) {
    Item it = queues[n]->Pop();
    if (it.run < 0) break;
    (*got)[it.run] = std::move(it.tensors);
  }
  report->pipeline_seconds = clock.Seconds();
  for (std::thread& t : threads) t.join();
  if (!first_error.ok()) return first_error;
  for (SegmentRunStats& s : stats) s.mean_ms = s.invocations ? s.total_ms / s.invocations : 0;
  report->segments = stats;
  report->throughput_per_s = report->pipeline_seconds > 0 ? runs / report->pipeline_seconds : 0;
  return Status::Ok();
}

// Compares the chain's outputs with the whole model's, by output name (an
// output the whole model did not give counts as empty).
Status CompareOutputs(const Net& whole, std::vector<TensorMap>* expected, const std::vector<TensorMap>& got,
                      ReferenceCheckReport* report) {
  report->identical = true;
  for (size_t r = 0; r < got.size(); ++r)
    for (const Binding& b : whole.outputs) {
      auto it = got[r].find(b.name);
      if (it == got[r].end())
        return Status::Internal("the last segment does not produce model output '" + b.name + "'");
      const std::vector<uint8_t>& want = (*expected)[r][b.name];
      if (it->second != want) {
        report->identical = false;
        ++report->mismatched_outputs;
        report->max_abs_diff = std::max(report->max_abs_diff, MaxAbsDiff(b.info, want, it->second));
      }
    }
  return Status::Ok();
}

}  // namespace

StatusOr<ReferenceCheckReport> RunReferenceCheck(const TfliteModel& model, const std::vector<Segment>& segments,
                                                 const RunnerOptions& options) {
  if (segments.empty()) return Status::Invalid("no segments to check");
  const int runs = std::max(1, options.runs);
  const TfliteModelInfo info = DescribeTflite(model);
  const std::function<std::string(int)> label = OperatorLabels(info);

  // Load everything first: a model Arm NN cannot handle is reported before running.
  auto whole = Net::Load(model.bytes(), "the whole model", label);
  if (!whole.ok()) return whole.status();
  auto nets = LoadSegmentNets(segments, label);
  if (!nets.ok()) return nets.status();

  // Same random inputs for both.
  Rng rng(options.seed);
  std::vector<TensorMap> feeds(runs);
  for (int r = 0; r < runs; ++r)
    for (const Binding& b : (*whole)->inputs) feeds[r][b.name] = RandomTensor(b.info, &rng);

  ReferenceCheckReport report;
  report.backend = "CpuRef";
  report.runs = runs;
  for (const Binding& b : (*whole)->outputs) report.output_names.push_back(b.name);

  std::vector<TensorMap> expected(runs);
  double whole_ms = 0;
  for (int r = 0; r < runs; ++r) {
    double ms = 0;
    RESPECT_RETURN_IF_ERROR((*whole)->Run(feeds[r], &expected[r], &ms));
    whole_ms += ms;
  }
  report.whole_model_mean_ms = whole_ms / runs;

  std::vector<TensorMap> got;
  RESPECT_RETURN_IF_ERROR(RunPipeline(*nets, segments, feeds, options.queue_capacity, &got, &report));
  RESPECT_RETURN_IF_ERROR(CompareOutputs(**whole, &expected, got, &report));
  return report;
}

#endif  // RESPECT_HAVE_ARMNN

}  // namespace respect
