#include "simulator/world/metrics/metrics.h"

#include <cmath>
#include <cstdio>
#include <functional>

#include "simulator/world/metrics/service_health.h"
#include "simulator/world/world.h"

namespace rundrill::world::metrics {
namespace {

bool Matches(const std::map<std::string, std::string>& labels,
             const std::vector<model::LabelMatcher>& matchers) {
  for (const model::LabelMatcher& m : matchers) {
    const auto it = labels.find(m.name);
    const std::string& value = it == labels.end() ? std::string() : it->second;
    if ((value == m.value) != m.equal) return false;
  }
  return true;
}

using Emit = std::function<void(std::map<std::string, std::string>, double)>;

void ServiceSeries(const World& world, const std::string& metric, const Emit& emit) {
  for (const ServiceHealth& h : ServiceHealths(world)) {
    emit({{"service", h.service}}, metric == "service_error_ratio" ? h.error_ratio : h.p99_seconds);
  }
}

void DeploymentSeries(const World& world, const std::string& metric, const Emit& emit) {
  const KubeWorld& kube = world.kube();
  for (const auto& [ns_name, ns] : kube.namespaces()) {
    for (const auto& [name, deployment] : ns.deployments) {
      const ReplicaCounts counts = kube.Counts(deployment);
      double value = 0;
      if (metric == "kube_deployment_spec_replicas") {
        value = deployment.replicas;
      } else if (metric == "kube_deployment_status_replicas_ready") {
        value = counts.ready;
      } else {
        value = counts.unavailable;
      }
      emit({{"namespace", ns_name}, {"deployment", name}}, value);
    }
  }
}

void DatabaseSeries(const World& world, const std::string& metric, const Emit& emit) {
  for (const Database& db : world.databases().databases()) {
    const DatabaseState s = *world.databases().State(db.name);
    double value = 0;
    if (metric == "db_connections") {
      value = s.total;
    } else if (metric == "db_idle_connections") {
      value = s.idle + s.idle_in_transaction;
    } else if (metric == "db_max_connections") {
      value = s.max_connections;
    } else {
      value = s.max_connections > 0 ? static_cast<double>(s.total) / s.max_connections : 0;
    }
    emit({{"database", db.name}}, value);
  }
}

// Host series as node_exporter on each host exposes them, scraped at `instance`
// "<host>:9100". A down host cannot be scraped: `up` is 0 and its other series are absent
// (stale), as in Prometheus, so a rule on them stops holding while the host is down.
void HostSeries(const World& world, const std::string& metric, const Emit& emit) {
  const HostWorld& hosts = world.hosts();
  for (const std::string& host : hosts.HostNames()) {
    const std::string instance = host + ":9100";
    const bool up = hosts.IsUp(host).ok() && *hosts.IsUp(host);
    if (metric == "up") {
      emit({{"host", host}, {"instance", instance}}, up ? 1 : 0);
      continue;
    }
    if (!up) continue;
    if (metric == "node_systemd_unit_active") {
      auto services = hosts.Services(host);
      if (!services.ok()) continue;
      for (const ServiceStatus& unit : *services) {
        emit({{"host", host}, {"instance", instance}, {"name", unit.name + ".service"}},
             unit.state == ServiceState::kActive ? 1 : 0);
      }
      continue;
    }
    auto disks = hosts.Disks(host);
    if (!disks.ok()) continue;
    for (const DiskUsage& disk : *disks) {
      double value = 0;
      if (metric == "node_filesystem_size_bytes") {
        value = static_cast<double>(disk.size_bytes);
      } else if (metric == "node_filesystem_avail_bytes") {
        value = static_cast<double>(disk.avail_bytes);
      } else {
        value = disk.size_bytes > 0
                    ? static_cast<double>(disk.used_bytes) / static_cast<double>(disk.size_bytes)
                    : 0;
      }
      emit({{"host", host},
            {"instance", instance},
            {"mountpoint", disk.mount},
            {"device", disk.device}},
           value);
    }
  }
}

}  // namespace

std::vector<Sample> QueryMetric(const World& world, const model::SeriesSelector& selector) {
  std::vector<Sample> out;
  const Emit emit = [&](std::map<std::string, std::string> labels, double value) {
    if (Matches(labels, selector.matchers)) out.push_back({std::move(labels), value});
  };
  const std::string& metric = selector.metric;
  if (metric == "service_error_ratio" || metric == "service_latency_p99_seconds") {
    ServiceSeries(world, metric, emit);
  } else if (metric == "kube_deployment_spec_replicas" ||
             metric == "kube_deployment_status_replicas_ready" ||
             metric == "kube_deployment_status_replicas_unavailable") {
    DeploymentSeries(world, metric, emit);
  } else if (metric == "db_connections" || metric == "db_idle_connections" ||
             metric == "db_max_connections" || metric == "db_pool_used_ratio") {
    DatabaseSeries(world, metric, emit);
  } else if (metric == "up" || metric == "node_filesystem_size_bytes" ||
             metric == "node_filesystem_avail_bytes" || metric == "node_filesystem_used_ratio" ||
             metric == "node_systemd_unit_active") {
    HostSeries(world, metric, emit);
  }
  return out;
}

std::string SeriesText(const std::string& metric,
                       const std::map<std::string, std::string>& labels) {
  std::string out = metric + "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ",";
    first = false;
    out += name + "=\"";
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    // `+ 0.0` turns -0 into 0.
    std::snprintf(buffer, sizeof buffer, "%.0f", value + 0.0);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
  }
  return buffer;
}

}  // namespace rundrill::world::metrics
