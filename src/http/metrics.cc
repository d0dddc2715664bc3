#include "http/metrics.h"

#include <fmt/format.h>

namespace commentd::http {

void Metrics::RecordRequest(std::string_view method, std::string_view route, int status,
                            double seconds) {
  size_t bucket = 0;
  while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
  base::MutexLock lock(&mu_);
  ++requests_[{std::string(method), std::string(route), status}];
  ++latency_counts_[bucket];
  latency_sum_ += seconds;
  ++latency_count_;
}

void Metrics::RecordVerdict(const moderation::Verdict& verdict) {
  base::MutexLock lock(&mu_);
  ++decisions_[std::string(moderation::DecisionName(verdict.decision))];
  for (const moderation::Reason& r : verdict.reasons) {
    ++reasons_[{std::string(moderation::RuleName(r.rule)),
                std::string(moderation::DecisionName(r.action))}];
  }
}

std::string Metrics::Render() const {
  base::MutexLock lock(&mu_);
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "# HELP commentd_http_requests_total HTTP requests by method, route and status.\n"
                 "# TYPE commentd_http_requests_total counter\n");
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    fmt::format_to(it,
                   "commentd_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                   method, route, status, n);
  }
  fmt::format_to(it,
                 "# HELP commentd_http_request_duration_seconds Time from request to response.\n"
                 "# TYPE commentd_http_request_duration_seconds histogram\n");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += latency_counts_[i];
    fmt::format_to(it, "commentd_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                   kLatencyBuckets[i], cumulative);
  }
  cumulative += latency_counts_.back();
  fmt::format_to(it, "commentd_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n",
                 cumulative);
  fmt::format_to(it, "commentd_http_request_duration_seconds_sum {}\n", latency_sum_);
  fmt::format_to(it, "commentd_http_request_duration_seconds_count {}\n", latency_count_);
  fmt::format_to(it,
                 "# HELP commentd_moderation_decisions_total Engine decisions by outcome.\n"
                 "# TYPE commentd_moderation_decisions_total counter\n");
  for (const auto& [decision, n] : decisions_) {
    fmt::format_to(it, "commentd_moderation_decisions_total{{decision=\"{}\"}} {}\n", decision, n);
  }
  fmt::format_to(it,
                 "# HELP commentd_moderation_reasons_total Findings by rule and the action taken.\n"
                 "# TYPE commentd_moderation_reasons_total counter\n");
  for (const auto& [key, n] : reasons_) {
    fmt::format_to(it, "commentd_moderation_reasons_total{{rule=\"{}\",action=\"{}\"}} {}\n",
                   key.first, key.second, n);
  }
  return out;
}

}  // namespace commentd::http
