#include "sync/hub/http/metrics.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <utility>

namespace larder::hub::http {
namespace {

void append_escaped(std::string& out, const std::string& s, bool escape_quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

void append_sample(std::string& out, const std::string& name, const std::string& prefix,
                   const std::string& extra_label, double value) {
  out += name;
  if (!prefix.empty() || !extra_label.empty()) {
    out += prefix.empty() ? "{" : prefix;
    if (!prefix.empty() && !extra_label.empty()) out += ",";
    out += extra_label;
    out += "}";
  }
  out += " ";
  out += format_metric_value(value);
  out += "\n";
}

}  // namespace

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Shortest round-trip form; integers print without ".0".
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

std::vector<double> default_latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

MetricFamily::MetricFamily(std::string name, std::string help,
                           std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

std::string MetricFamily::label_prefix(const LabelValues& values) const {
  if (label_names_.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < label_names_.size(); ++i) {
    if (i) out += ",";
    out += label_names_[i];
    out += "=\"";
    append_escaped(out, i < values.size() ? values[i] : std::string(), true);
    out += "\"";
  }
  return out;
}

void MetricFamily::render_header(std::string& out, const char* type) const {
  out += "# HELP " + name_ + " ";
  append_escaped(out, help_, false);
  out += "\n# TYPE " + name_ + " " + type + "\n";
}

LabelValues MetricFamily::normalize(LabelValues values) const {
  assert(values.size() == label_names_.size());
  values.resize(label_names_.size());
  return values;
}

void Counter::inc(const LabelValues& labels, double by) {
  LabelValues key = normalize(labels);
  std::lock_guard lock(mu_);
  series_[std::move(key)] += by;
}

double Counter::value(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second;
}

void Counter::render(std::string& out) const {
  render_header(out, "counter");
  std::lock_guard lock(mu_);
  for (const auto& [labels, v] : series_) append_sample(out, name_, label_prefix(labels), "", v);
}

void Gauge::set(const LabelValues& labels, double v) {
  LabelValues key = normalize(labels);
  std::lock_guard lock(mu_);
  series_[std::move(key)] = v;
}

void Gauge::add(const LabelValues& labels, double by) {
  LabelValues key = normalize(labels);
  std::lock_guard lock(mu_);
  series_[std::move(key)] += by;
}

double Gauge::value(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second;
}

void Gauge::render(std::string& out) const {
  render_header(out, "gauge");
  std::lock_guard lock(mu_);
  for (const auto& [labels, v] : series_) append_sample(out, name_, label_prefix(labels), "", v);
}

CallbackMetric::CallbackMetric(std::string name, std::string help, const char* type,
                               std::function<double()> read)
    : MetricFamily(std::move(name), std::move(help), {}), type_(type), read_(std::move(read)) {}

void CallbackMetric::render(std::string& out) const {
  render_header(out, type_);
  append_sample(out, name_, "", "", read_ ? read_() : 0);
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names)),
      bounds_(std::move(bounds)) {}

void Histogram::observe(const LabelValues& labels, double v) {
  LabelValues key = normalize(labels);
  std::size_t bucket = 0;
  while (bucket < bounds_.size() && v > bounds_[bucket]) ++bucket;
  std::lock_guard lock(mu_);
  Series& s = series_[std::move(key)];
  if (s.buckets.empty()) s.buckets.resize(bounds_.size() + 1);
  ++s.buckets[bucket];
  s.sum += v;
  ++s.count;
}

std::uint64_t Histogram::count(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

void Histogram::render(std::string& out) const {
  render_header(out, "histogram");
  std::lock_guard lock(mu_);
  const std::string bucket_name = name_ + "_bucket";
  for (const auto& [labels, s] : series_) {
    std::string prefix = label_prefix(labels);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      std::string le = "le=\"" +
                       (i < bounds_.size() ? format_metric_value(bounds_[i]) : std::string("+Inf")) +
                       "\"";
      append_sample(out, bucket_name, prefix, le, static_cast<double>(cumulative));
    }
    append_sample(out, name_ + "_sum", prefix, "", s.sum);
    append_sample(out, name_ + "_count", prefix, "", static_cast<double>(s.count));
  }
}

template <typename T, typename... Args>
T& MetricsRegistry::get_or_create(const std::string& name, Args&&... args) {
  std::lock_guard lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    auto* existing = dynamic_cast<T*>(it->second.get());
    assert(existing && "metric registered twice with different kinds");
    if (existing) return *existing;
    // Release builds: rather than crash a server over a metrics bug, the new
    // family takes the name and the old one is kept (unrendered) so that
    // references to it stay valid.
    retired_.push_back(std::move(it->second));
  }
  auto family = std::make_unique<T>(name, std::forward<Args>(args)...);
  T& ref = *family;
  families_[name] = std::move(family);
  return ref;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  return get_or_create<Counter>(name, help, std::move(label_names));
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names) {
  return get_or_create<Gauge>(name, help, std::move(label_names));
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> bounds) {
  return get_or_create<Histogram>(name, help, std::move(label_names), std::move(bounds));
}

void MetricsRegistry::callback_gauge(const std::string& name, const std::string& help,
                                     std::function<double()> read) {
  set_callback(name, help, "gauge", std::move(read));
}

void MetricsRegistry::callback_counter(const std::string& name, const std::string& help,
                                       std::function<double()> read) {
  set_callback(name, help, "counter", std::move(read));
}

void MetricsRegistry::set_callback(const std::string& name, const std::string& help,
                                   const char* type, std::function<double()> read) {
  auto family = std::make_unique<CallbackMetric>(name, help, type, std::move(read));
  std::unique_ptr<MetricFamily> previous;
  {
    std::lock_guard lock(mu_);
    auto& slot = families_[name];
    // A callback family hands out no references, so the old one can go -
    // unless it is a non-callback family someone may still hold.
    if (slot && !dynamic_cast<CallbackMetric*>(slot.get())) {
      retired_.push_back(std::move(slot));
    } else {
      previous = std::move(slot);
    }
    slot = std::move(family);
  }
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& [name, family] : families_) family->render(out);
  return out;
}

}  // namespace larder::hub::http
