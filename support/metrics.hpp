// Prometheus metrics: counters, gauges and histograms that any thread
// bumps with one relaxed atomic operation (no lock, no allocation, no
// message), and a registry that renders them in the text exposition
// format 0.0.4 on scrape. Series are declared up front with their label
// values, so every label set is bounded by construction; sockd's own
// catalogue is interfaces/metrics.hpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace sockd::metrics {

// Each counter and gauge has a cache line of its own: two threads bumping
// neighbours (an I/O thread's deliveries, a topic's relays) do not bounce
// one line between their cores.
class alignas(64) counter {
public:
  void inc(uint64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<uint64_t> value_{0};
};

/// The cell of sharded counters the calling thread bumps: threads take
/// slots in turn as they first count, so up to `sharded_cells` threads
/// never share one.
constexpr size_t sharded_cells = 16;
inline size_t thread_slot() noexcept {
  static std::atomic<size_t> next{0};
  thread_local size_t slot = next.fetch_add(1, std::memory_order_relaxed)
                             % sharded_cells;
  return slot;
}

/// A counter bumped at a high rate from several threads (per socket write,
/// per broadcast): a cell per thread slot, summed on scrape, so the
/// threads do not pull one cache line between their cores.
class sharded_counter {
public:
  void inc(uint64_t n = 1) noexcept {
    cells_[thread_slot()].value.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t value() const noexcept {
    uint64_t sum = 0;
    for (auto& c : cells_)
      sum += c.value.load(std::memory_order_relaxed);
    return sum;
  }

private:
  struct alignas(64) cell {
    std::atomic<uint64_t> value{0};
  };
  cell cells_[sharded_cells];
};

class alignas(64) gauge {
public:
  void add(int64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  void sub(int64_t n = 1) noexcept {
    value_.fetch_sub(n, std::memory_order_relaxed);
  }
  void set(int64_t n) noexcept { value_.store(n, std::memory_order_relaxed); }
  int64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<int64_t> value_{0};
};

/// Observations in seconds; `bounds` are the upper bounds of the buckets
/// (ascending; +Inf is implied). The sum is kept in nanoseconds so that it
/// stays one integer add.
class histogram {
public:
  explicit histogram(std::vector<double> bounds);

  void observe(double seconds) noexcept;

  const std::vector<double>& bounds() const { return bounds_; }
  /// Observations <= bounds()[i] (not cumulative); the last is +Inf's own.
  uint64_t bucket(size_t i) const noexcept {
    return buckets_[i].load(std::memory_order_relaxed);
  }
  uint64_t count() const noexcept {
    return count_.load(std::memory_order_relaxed);
  }
  double sum() const noexcept {
    return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  }

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_; // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

/// One `name="value"` pair of a series.
struct label {
  std::string name;
  std::string value;
};

/// The families of one exposition, in registration order. Registration is
/// for start-up (not thread-safe); render() may run on any thread while
/// the metrics are bumped.
class registry {
public:
  /// A sampled value: called on each scrape (e.g. open fds).
  using sampler = std::function<double()>;

  void add(const std::string& name, const std::string& help,
           const counter& c, std::vector<label> labels = {});
  void add(const std::string& name, const std::string& help,
           const sharded_counter& c, std::vector<label> labels = {});
  void add(const std::string& name, const std::string& help, const gauge& g,
           std::vector<label> labels = {});
  void add(const std::string& name, const std::string& help,
           const histogram& h, std::vector<label> labels = {});
  /// `type` is "counter" or "gauge".
  void add_sampled(const std::string& name, const std::string& help,
                   const std::string& type, sampler fn,
                   std::vector<label> labels = {});

  /// The text format 0.0.4: `# HELP` and `# TYPE` once per family, then its
  /// series.
  std::string render() const;

private:
  enum class kind { counter, sharded, gauge, histogram, sampled };
  struct series {
    std::vector<label> labels;
    kind k;
    const void* metric; // counter, sharded_counter, gauge or histogram
    sampler fn;
  };
  struct family {
    std::string name;
    std::string help;
    std::string type;
    std::vector<series> members;
  };
  family& family_of(const std::string& name, const std::string& help,
                    const std::string& type);

  std::vector<family> families_;
};

/// A label value escaped for the text format (backslash, quote, newline).
std::string escape_label(const std::string& value);

/// A number as the text format writes it (integers without a fraction,
/// +Inf, NaN).
std::string format_number(double value);

} // namespace sockd::metrics
