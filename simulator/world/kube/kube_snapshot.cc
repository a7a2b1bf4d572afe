// The kube state as JSON for results and world diffs: sorted keys, virtual times in ms.

#include "simulator/world/kube/kube_world.h"

namespace rundrill::world {

nlohmann::json KubeWorld::Snapshot() const {
  using nlohmann::json;
  json namespaces = json::object();
  for (const auto& [nsname, ns] : namespaces_) {
    json deployments = json::object();
    for (const auto& [name, d] : ns.deployments) {
      const DeploymentState s = *Deployment(nsname, name);
      json conditions = json::object();
      for (const kube::Condition& c : d.conditions) {
        conditions[c.type] = {{"status", c.status}, {"reason", c.reason}};
      }
      deployments[name] = {
          {"image", s.image},
          {"revision", s.revision},
          {"replicas", s.replicas},
          {"updated", s.updated},
          {"ready", s.ready},
          {"available", s.available},
          {"total", s.total},
          {"healthy", s.healthy},
          {"paused", d.paused},
          {"generation", d.generation},
          {"change_cause", d.change_cause},
          {"template_annotations", d.pod_template.annotations},
          {"readiness_ok", d.readiness_ok},
          {"conditions", conditions},
      };
    }
    json replica_sets = json::object();
    for (const auto& [name, rs] : ns.replica_sets) {
      replica_sets[name] = {{"deployment", rs.deployment},
                            {"revision", rs.revision},
                            {"replicas", rs.replicas},
                            {"image", rs.pod_template.image},
                            {"change_cause", rs.change_cause}};
    }
    json pods = json::object();
    for (const auto& [name, pod] : ns.pods) {
      const kube::PodView v = PodStatus(pod);
      pods[name] = {{"replica_set", pod.replica_set},
                    {"image", pod.pod_template.image},
                    {"created_ms", pod.created.count()},
                    {"phase", v.phase},
                    {"status", v.status},
                    {"ready", v.ready},
                    {"restarts", v.container.restart_count}};
    }
    json events = json::array();
    for (const kube::Event& e : Events(nsname)) {
      events.push_back({{"type", e.type},
                        {"reason", e.reason},
                        {"object", e.object_kind + "/" + e.object_name},
                        {"message", e.message},
                        {"count", e.count},
                        {"first_ms", e.first.count()},
                        {"last_ms", e.last.count()}});
    }
    namespaces[nsname] = {{"deployments", deployments},
                          {"replica_sets", replica_sets},
                          {"pods", pods},
                          {"events", events}};
  }
  return json{{"cluster", cluster_}, {"namespaces", namespaces}};
}

}  // namespace rundrill::world
