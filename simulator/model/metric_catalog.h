#pragma once

// The metrics a scenario's alert rules and stub templates may name. Every one is a function
// of the world and the virtual time; simulator/world/metrics computes them.

#include <string_view>
#include <vector>

namespace rundrill::model {

struct MetricInfo {
  std::string_view name;
  std::vector<std::string_view> labels;  // every series of the metric carries these
  std::string_view help;
};

inline const std::vector<MetricInfo>& MetricCatalog() {
  static const std::vector<MetricInfo> catalog = {
      {"service_error_ratio",
       {"service"},
       "fraction of the service's requests that fail (0..1), from its pods and dependencies"},
      {"service_latency_p99_seconds",
       {"service"},
       "99th percentile request latency of the service, in seconds"},
      {"kube_deployment_spec_replicas", {"namespace", "deployment"}, "desired replicas"},
      {"kube_deployment_status_replicas_ready", {"namespace", "deployment"}, "ready replicas"},
      {"kube_deployment_status_replicas_unavailable",
       {"namespace", "deployment"},
       "desired replicas that are not available"},
      {"up", {"host", "instance"}, "1 while the host is up, 0 while it is down"},
      {"node_filesystem_size_bytes",
       {"host", "instance", "mountpoint", "device"},
       "size of a host's filesystem"},
      {"node_filesystem_avail_bytes",
       {"host", "instance", "mountpoint", "device"},
       "bytes free on a host's filesystem"},
      {"node_filesystem_used_ratio",
       {"host", "instance", "mountpoint", "device"},
       "fraction of a host's filesystem in use (0..1)"},
      {"node_systemd_unit_active",
       {"host", "instance", "name"},
       "1 while a systemd unit on the host is active"},
      {"db_connections", {"database"}, "open connections to the database, in any state"},
      {"db_idle_connections", {"database"}, "connections in state idle or idle in transaction"},
      {"db_max_connections", {"database"}, "the database's max_connections"},
      {"db_pool_used_ratio", {"database"}, "db_connections / db_max_connections (0..1)"},
  };
  return catalog;
}

inline const MetricInfo* FindMetric(std::string_view name) {
  for (const auto& info : MetricCatalog()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace rundrill::model
