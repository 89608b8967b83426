#include "support/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace sockd::metrics {

histogram::histogram(std::vector<double> bounds)
  : bounds_(std::move(bounds)),
    buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double seconds) noexcept {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  auto i = static_cast<size_t>(it - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (seconds > 0)
    sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9),
                      std::memory_order_relaxed);
}

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.0f", value);
    return buf;
  }
  // The shortest of 15, 16 or 17 digits that reads back as the same
  // double (7.105, not 7.1050000000000004).
  char buf[32];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof(buf), "%.*g", digits, value);
    if (std::strtod(buf, nullptr) == value)
      break;
  }
  return buf;
}

registry::family& registry::family_of(const std::string& name,
                                      const std::string& help,
                                      const std::string& type) {
  for (auto& f : families_)
    if (f.name == name) {
      if (f.type != type)
        throw std::logic_error("metric " + name + " registered twice with "
                               "different types");
      return f;
    }
  families_.push_back(family{name, help, type, {}});
  return families_.back();
}

void registry::add(const std::string& name, const std::string& help,
                   const counter& c, std::vector<label> labels) {
  family_of(name, help, "counter")
    .members.push_back({std::move(labels), kind::counter, &c, {}});
}

void registry::add(const std::string& name, const std::string& help,
                   const sharded_counter& c, std::vector<label> labels) {
  family_of(name, help, "counter")
    .members.push_back({std::move(labels), kind::sharded, &c, {}});
}

void registry::add(const std::string& name, const std::string& help,
                   const gauge& g, std::vector<label> labels) {
  family_of(name, help, "gauge")
    .members.push_back({std::move(labels), kind::gauge, &g, {}});
}

void registry::add(const std::string& name, const std::string& help,
                   const histogram& h, std::vector<label> labels) {
  family_of(name, help, "histogram")
    .members.push_back({std::move(labels), kind::histogram, &h, {}});
}

void registry::add_sampled(const std::string& name, const std::string& help,
                           const std::string& type, sampler fn,
                           std::vector<label> labels) {
  family_of(name, help, type)
    .members.push_back({std::move(labels), kind::sampled, nullptr,
                        std::move(fn)});
}

namespace {

// `{a="x",le="0.5"}`, or nothing without labels.
std::string label_text(const std::vector<label>& labels,
                       const label* extra = nullptr) {
  if (labels.empty() && extra == nullptr)
    return {};
  std::string out = "{";
  auto put = [&](const label& l) {
    if (out.size() > 1)
      out += ',';
    out += l.name + "=\"" + escape_label(l.value) + '"';
  };
  for (auto& l : labels)
    put(l);
  if (extra != nullptr)
    put(*extra);
  return out + "}";
}

std::string help_text(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void render_histogram(std::string& out, const std::string& name,
                      const std::vector<label>& labels, const histogram& h) {
  uint64_t cumulative = 0;
  auto& bounds = h.bounds();
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += h.bucket(i);
    label le{"le", i < bounds.size() ? format_number(bounds[i]) : "+Inf"};
    out += name + "_bucket" + label_text(labels, &le) + ' '
           + std::to_string(cumulative) + '\n';
  }
  // Count from the buckets, so that _count equals the +Inf bucket even
  // while another thread observes.
  out += name + "_sum" + label_text(labels) + ' ' + format_number(h.sum())
         + '\n';
  out += name + "_count" + label_text(labels) + ' '
         + std::to_string(cumulative) + '\n';
}

} // namespace

std::string registry::render() const {
  std::string out;
  for (auto& f : families_) {
    out += "# HELP " + f.name + ' ' + help_text(f.help) + '\n';
    out += "# TYPE " + f.name + ' ' + f.type + '\n';
    for (auto& s : f.members) {
      switch (s.k) {
        case kind::counter:
          out += f.name + label_text(s.labels) + ' '
                 + std::to_string(static_cast<const counter*>(s.metric)
                                    ->value())
                 + '\n';
          break;
        case kind::sharded:
          out += f.name + label_text(s.labels) + ' '
                 + std::to_string(
                   static_cast<const sharded_counter*>(s.metric)->value())
                 + '\n';
          break;
        case kind::gauge:
          out += f.name + label_text(s.labels) + ' '
                 + std::to_string(static_cast<const gauge*>(s.metric)->value())
                 + '\n';
          break;
        case kind::histogram:
          render_histogram(out, f.name, s.labels,
                           *static_cast<const histogram*>(s.metric));
          break;
        case kind::sampled:
          out += f.name + label_text(s.labels) + ' ' + format_number(s.fn())
                 + '\n';
          break;
      }
    }
  }
  return out;
}

} // namespace sockd::metrics
