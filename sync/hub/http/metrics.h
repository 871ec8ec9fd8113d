// A small Prometheus metrics registry: counters, gauges, histograms with fixed
// buckets, all with labels, and gauges computed at scrape time.
//
// render() writes the text exposition format (version 0.0.4): one # HELP and
// # TYPE per family, series sorted by label values, histograms as cumulative
// _bucket{le=...} lines plus _sum and _count.
//
// Families are created once (at startup, or lazily - creation is locked) and
// live as long as the registry; the references returned stay valid. Series
// inside a family appear on first use. Keep label values bounded (route
// labels, status codes) - every distinct set is a series kept forever.
//
// Thread safety: everything is safe from any thread. Updating a series takes
// its family's mutex briefly; callback gauges run during render(), on the
// rendering thread, and must not call back into the registry.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace larder::hub::http {

using LabelValues = std::vector<std::string>;

class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~MetricFamily() = default;
  const std::string& name() const { return name_; }
  virtual void render(std::string& out) const = 0;

 protected:
  // `{a="x",b="y"` without the closing brace, or "" when there are no labels.
  std::string label_prefix(const LabelValues& values) const;
  void render_header(std::string& out, const char* type) const;
  // A missing or extra value is a programming error: fewer values are padded
  // with "", extra ones dropped, so a bug shows in the data, not as a crash.
  LabelValues normalize(LabelValues values) const;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

class Counter : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  void inc(const LabelValues& labels = {}, double by = 1);
  double value(const LabelValues& labels = {}) const;
  void render(std::string& out) const override;

 private:
  mutable std::mutex mu_;
  std::map<LabelValues, double> series_;  // guarded by mu_
};

class Gauge : public MetricFamily {
 public:
  using MetricFamily::MetricFamily;
  void set(const LabelValues& labels, double v);
  void add(const LabelValues& labels, double by);
  double value(const LabelValues& labels = {}) const;
  void render(std::string& out) const override;

 private:
  mutable std::mutex mu_;
  std::map<LabelValues, double> series_;  // guarded by mu_
};

// A gauge or counter without labels whose value is read at scrape time (open
// long-polls, pool queue depth), so the owner of the number keeps no copy.
class CallbackMetric : public MetricFamily {
 public:
  CallbackMetric(std::string name, std::string help, const char* type,
                 std::function<double()> read);
  void render(std::string& out) const override;

 private:
  const char* type_;  // "gauge" or "counter"
  std::function<double()> read_;
};

class Histogram : public MetricFamily {
 public:
  // `bounds` are the upper bounds of the buckets, ascending; +Inf is implied.
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> bounds);
  void observe(const LabelValues& labels, double v);
  // Number of observations of one series (tests).
  std::uint64_t count(const LabelValues& labels) const;
  void render(std::string& out) const override;

 private:
  struct Series {
    std::vector<std::uint64_t> buckets;  // non-cumulative; the last is +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<LabelValues, Series> series_;  // guarded by mu_
};

class MetricsRegistry {
 public:
  // Each returns the family named `name`, creating it on first call. Asking
  // for an existing name returns the existing family when the kind matches;
  // a kind mismatch is a programming error and aborts in debug builds.
  Counter& counter(const std::string& name, const std::string& help,
                   std::vector<std::string> label_names = {});
  Gauge& gauge(const std::string& name, const std::string& help,
               std::vector<std::string> label_names = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<std::string> label_names, std::vector<double> bounds);
  // Registers a scrape-time gauge; a second registration of a name replaces
  // the reader (so a restarted component can re-register).
  void callback_gauge(const std::string& name, const std::string& help,
                      std::function<double()> read);
  // The same for a monotonic count kept elsewhere (name it *_total).
  void callback_counter(const std::string& name, const std::string& help,
                        std::function<double()> read);

  // The Prometheus text exposition of every family, sorted by name.
  std::string render() const;

 private:
  template <typename T, typename... Args>
  T& get_or_create(const std::string& name, Args&&... args);
  void set_callback(const std::string& name, const std::string& help, const char* type,
                    std::function<double()> read);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamily>> families_;  // guarded by mu_
  std::vector<std::unique_ptr<MetricFamily>> retired_;              // guarded by mu_
};

// Latency buckets in seconds, from 1 ms to 60 s (long-polls end near their
// wait, so the top buckets matter).
std::vector<double> default_latency_buckets();

// Prometheus text for a double: integers without a fraction, "+Inf", "NaN".
std::string format_metric_value(double v);

}  // namespace larder::hub::http
