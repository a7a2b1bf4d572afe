// `kubectl get`: tables (as the apiserver's Table for each type, laid out by kubectl's
// tabwriter), -o wide/json/yaml/name/jsonpath, selectors, namespaces, names.

#include <algorithm>

#include "fakes/kubectl/jsonpath.h"
#include "fakes/kubectl/kube_objects.h"
#include "fakes/kubectl/kube_yaml.h"
#include "fakes/kubectl/kubectl_call.h"
#include "fakes/kubectl/sort_by.h"
#include "fakes/kubectl/tab_writer.h"

namespace rundrill::fakes::kubectl {
namespace {

namespace kube = world::kube;
using nlohmann::json;

// One object of the answer. Events are computed per call, so they are held by value.
struct Item {
  Item(Resource k, std::string n, std::string nm)
      : kind(k), ns(std::move(n)), name(std::move(nm)) {}
  Resource kind;
  std::string ns;
  std::string name;
  const kube::Pod* pod = nullptr;
  const kube::Deployment* deployment = nullptr;
  const kube::ReplicaSet* replica_set = nullptr;
  const kube::Namespace* namespace_object = nullptr;
  std::optional<kube::Event> event;
};

std::map<std::string, std::string> LabelsOf(const Item& item) {
  if (item.pod) return PodLabels(*item.pod);
  if (item.deployment) return item.deployment->selector;
  if (item.replica_set) return ReplicaSetLabels(*item.replica_set);
  if (item.namespace_object) return {{"kubernetes.io/metadata.name", item.name}};
  return {};
}

json ItemJson(const world::KubeWorld& kube, const Item& item) {
  if (item.pod) return PodObject(kube, *item.pod);
  if (item.deployment) return DeploymentObject(kube, *item.deployment);
  if (item.replica_set) return ReplicaSetObject(kube, *item.replica_set);
  if (item.namespace_object) return NamespaceObject(kube, *item.namespace_object);
  return EventObject(kube, *item.event);
}

// Objects of `kind` in namespace `ns` ("" = all), in the apiserver's order (by namespace,
// then name).
std::vector<Item> List(const world::KubeWorld& kube, Resource kind, const std::string& ns) {
  std::vector<Item> out;
  if (kind == Resource::kNamespace) {
    for (const auto& [name, n] : kube.namespaces()) {
      Item item{kind, "", name};
      item.namespace_object = &n;
      out.push_back(std::move(item));
    }
    return out;
  }
  for (const auto& [nsname, n] : kube.namespaces()) {
    if (!ns.empty() && nsname != ns) continue;
    switch (kind) {
      case Resource::kPod:
        for (const auto& [name, pod] : n.pods) {
          Item item{kind, nsname, name};
          item.pod = &pod;
          out.push_back(std::move(item));
        }
        break;
      case Resource::kDeployment:
        for (const auto& [name, d] : n.deployments) {
          Item item{kind, nsname, name};
          item.deployment = &d;
          out.push_back(std::move(item));
        }
        break;
      case Resource::kReplicaSet:
        for (const auto& [name, rs] : n.replica_sets) {
          Item item{kind, nsname, name};
          item.replica_set = &rs;
          out.push_back(std::move(item));
        }
        break;
      case Resource::kEvent: {
        std::vector<Item> events;
        for (const kube::Event& e : kube.Events(nsname)) {
          Item item{kind, nsname, EventName(kube, e)};
          item.event = e;
          events.push_back(std::move(item));
        }
        std::stable_sort(events.begin(), events.end(),
                         [](const Item& a, const Item& b) { return a.name < b.name; });
        for (Item& item : events) out.push_back(std::move(item));
        break;
      }
      case Resource::kNamespace:
        break;
    }
  }
  return out;
}

std::optional<Item> FindItem(const world::KubeWorld& kube, Resource kind, const std::string& ns,
                             const std::string& name) {
  for (Item& item : List(kube, kind, kind == Resource::kNamespace ? "" : ns)) {
    if (item.name == name) return item;
  }
  return std::nullopt;
}

std::string OrNone(const std::string& s) { return s.empty() ? "<none>" : s; }

std::vector<std::string> Header(Resource kind, bool wide) {
  switch (kind) {
    case Resource::kPod:
      if (wide) {
        return {"NAME", "READY", "STATUS",         "RESTARTS",       "AGE",
                "IP",   "NODE",  "NOMINATED NODE", "READINESS GATES"};
      }
      return {"NAME", "READY", "STATUS", "RESTARTS", "AGE"};
    case Resource::kDeployment:
      if (wide) {
        return {"NAME", "READY",      "UP-TO-DATE", "AVAILABLE",
                "AGE",  "CONTAINERS", "IMAGES",     "SELECTOR"};
      }
      return {"NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"};
    case Resource::kReplicaSet:
      if (wide) {
        return {"NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"};
      }
      return {"NAME", "DESIRED", "CURRENT", "READY", "AGE"};
    case Resource::kEvent:
      if (wide) {
        return {"LAST SEEN", "TYPE",    "REASON",     "OBJECT", "SUBOBJECT",
                "SOURCE",    "MESSAGE", "FIRST SEEN", "COUNT",  "NAME"};
      }
      return {"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"};
    case Resource::kNamespace:
      return {"NAME", "STATUS", "AGE"};
  }
  return {};
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> Row(const world::KubeWorld& kube, const Item& item, bool wide) {
  const SimTime now = kube.Now();
  if (item.pod) {
    const kube::Pod& pod = *item.pod;
    const kube::PodView v = kube.PodStatus(pod);
    std::string restarts = std::to_string(v.container.restart_count);
    if (v.container.restart_count > 0 && v.container.last_terminated) {
      restarts += " (" + Age(v.container.last_terminated->finished, now) + " ago)";
    }
    std::vector<std::string> row = {pod.name, std::string(v.ready ? "1" : "0") + "/1", v.status,
                                    restarts, Age(pod.created, now)};
    if (wide) {
      row.insert(row.end(),
                 {v.container.starts > 0 ? pod.ip : "<none>", pod.node, "<none>", "<none>"});
    }
    return row;
  }
  if (item.deployment) {
    const kube::Deployment& d = *item.deployment;
    const world::ReplicaCounts c = kube.Counts(d);
    std::vector<std::string> row = {
        d.name, std::to_string(c.ready) + "/" + std::to_string(d.replicas),
        std::to_string(c.updated), std::to_string(c.available), Age(d.created, now)};
    if (wide) {
      row.insert(row.end(),
                 {d.pod_template.container, d.pod_template.image, LabelsText(d.selector)});
    }
    return row;
  }
  if (item.replica_set) {
    const kube::ReplicaSet& rs = *item.replica_set;
    const world::ReplicaCounts c = kube.Counts(rs);
    std::vector<std::string> row = {rs.name, std::to_string(rs.replicas),
                                    std::to_string(c.replicas), std::to_string(c.ready),
                                    Age(rs.created, now)};
    if (wide) {
      row.insert(row.end(), {rs.pod_template.container, rs.pod_template.image,
                             LabelsText(ReplicaSetLabels(rs))});
    }
    return row;
  }
  if (item.namespace_object) {
    return {item.name, "Active", Age(item.namespace_object->created, now)};
  }
  const kube::Event& e = *item.event;
  const std::string object = Lower(e.object_kind) + "/" + e.object_name;
  if (wide) {
    const std::string source = e.host.empty() ? e.source : e.source + ", " + e.host;
    return {Age(e.last, now),
            e.type,
            e.reason,
            object,
            e.field_path,
            source,
            e.message,
            Age(e.first, now),
            std::to_string(e.count),
            item.name};
  }
  return {Age(e.last, now), e.type, e.reason, object, e.message};
}

enum class Format { kTable, kWide, kJson, kYaml, kName, kJsonPath };

}  // namespace

void RunGet(Call& call) {
  const ParsedArgs& args = call.args;
  if (args.positionals.empty()) {
    call.Err(
        "You must specify the type of resource to get. Use \"kubectl api-resources\" for a "
        "complete list of supported resources.\n\n"
        "error: Required resource not specified.\n"
        "Use \"kubectl explain <resource>\" for a detailed description of that resource (e.g. "
        "kubectl explain pods).\n"
        "See 'kubectl get -h' for help and examples\n");
    call.response.exit_code = 1;
    return;
  }

  // Output format.
  Format format = Format::kTable;
  std::string jsonpath;
  const std::string output = args.Get("output");
  if (output.empty()) {
    format = Format::kTable;
  } else if (output == "wide") {
    format = Format::kWide;
  } else if (output == "json") {
    format = Format::kJson;
  } else if (output == "yaml") {
    format = Format::kYaml;
  } else if (output == "name") {
    format = Format::kName;
  } else if (output.rfind("jsonpath=", 0) == 0) {
    format = Format::kJsonPath;
    jsonpath = output.substr(9);
  } else {
    static const std::vector<std::string> kKnown = {
        "custom-columns",   "custom-columns-file", "go-template", "go-template-file", "jsonpath",
        "jsonpath-as-json", "jsonpath-file",       "template",    "templatefile"};
    const std::string head = output.substr(0, output.find('='));
    if (std::find(kKnown.begin(), kKnown.end(), head) != kKnown.end()) {
      call.Fail(NotModelled("get -o", head));
    } else {
      call.Fail("error: unable to match a printer suitable for the output format \"" + output +
                "\", allowed formats are: custom-columns,custom-columns-file,go-template,"
                "go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,"
                "templatefile,wide,yaml");
    }
    return;
  }

  // What is asked for: TYPE [NAME...] or TYPE/NAME...
  std::optional<Resource> kind;
  std::vector<std::string> names;
  if (SplitTypeName(args.positionals[0])) {
    for (const std::string& p : args.positionals) {
      const auto tn = SplitTypeName(p);
      if (!tn) {
        call.Fail(
            "error: there is no need to specify a resource type as a separate argument when "
            "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
            "instead of 'kubectl get resource resource/<resource_name>'");
        return;
      }
      const std::optional<Resource> k = ResourceFromWord(tn->first);
      if (!k) {
        call.Fail(NotModelled("get", tn->first));
        return;
      }
      if (kind && *kind != *k) {
        call.Fail(NotModelled("get", "several resource types at once"));
        return;
      }
      kind = k;
      names.push_back(tn->second);
    }
  } else {
    kind = ResourceFromWord(args.positionals[0]);
    if (!kind) {
      call.Fail(NotModelled("get", args.positionals[0]));
      return;
    }
    names.assign(args.positionals.begin() + 1, args.positionals.end());
  }

  const bool all_ns = args.Bool("all-namespaces") && *kind != Resource::kNamespace;
  std::optional<Selector> selector;
  if (args.Has("selector")) {
    std::string error;
    selector = ParseSelector(args.Get("selector"), &error);
    if (!selector) {
      call.Fail(error);
      return;
    }
  }

  std::vector<Item> items;
  // Printed after the sort, which can replace them (see below).
  std::vector<std::string> not_found;
  const bool single = names.size() == 1;
  if (!names.empty()) {
    if (all_ns) {
      call.Fail("error: a resource cannot be retrieved by name across all namespaces");
      return;
    }
    for (const std::string& name : names) {
      std::optional<Item> item = FindItem(call.kube, *kind, call.ns, name);
      if (item) {
        items.push_back(std::move(*item));
      } else if (!args.Bool("ignore-not-found")) {
        not_found.push_back(NotFound(*kind, name));
      }
    }
  } else {
    for (Item& item : List(call.kube, *kind, all_ns ? "" : call.ns)) {
      if (selector && !selector->Matches(LabelsOf(item))) continue;
      items.push_back(std::move(item));
    }
  }

  // --sort-by: an empty value means no sorting, as in kubectl. Tables go through
  // RuntimeSorter in get.go; the other formats through SortingPrinter, which leaves a lone
  // object asked for by name alone.
  const std::string sort_by = args.Get("sort-by");
  const bool table = format == Format::kTable || format == Format::kWide;
  if (!sort_by.empty() && (table || !single)) {
    std::vector<json> objects;
    for (const Item& item : items) objects.push_back(ItemJson(call.kube, item));
    const SortOutcome sorted =
        SortObjects(sort_by, objects, table ? SortPath::kTable : SortPath::kList,
                    /*one_request_per_object=*/!names.empty());
    if (sorted.not_modelled) {
      call.Fail(*sorted.not_modelled);
      return;
    }
    if (sorted.error) {
      // A table's sort error ends the command before its other errors are reported; on the
      // List path they are reported together, and an aggregate of several errors prints
      // each message bare, without "error: ".
      if (!table) {
        for (const std::string& line : not_found) call.Fail(line);
      }
      call.Fail((table || not_found.empty() ? "error: " : "") + *sorted.error);
      return;
    }
    std::vector<Item> reordered;
    for (size_t index : sorted.order) reordered.push_back(std::move(items[index]));
    items = std::move(reordered);
  }
  for (const std::string& line : not_found) call.Fail(line);

  switch (format) {
    case Format::kJson:
    case Format::kYaml:
    case Format::kJsonPath: {
      if (single && items.empty()) return;
      json data;
      if (single) {
        data = ItemJson(call.kube, items[0]);
      } else {
        std::vector<json> objects;
        for (const Item& item : items) objects.push_back(ItemJson(call.kube, item));
        data = ListObject(std::move(objects));
      }
      if (format == Format::kJson) {
        call.Out(ToJsonText(data));
      } else if (format == Format::kYaml) {
        call.Out(ToYamlText(data));
      } else {
        const JsonPathResult r = ExecuteJsonPath(jsonpath, data);
        call.Out(r.output);
        if (r.error) {
          call.Err("error: " + *r.error);
          call.response.exit_code = 1;
        }
      }
      return;
    }
    case Format::kName:
      for (const Item& item : items) call.Out(NamePrefix(*kind) + "/" + item.name + "\n");
      return;
    case Format::kTable:
    case Format::kWide:
      break;
  }

  if (items.empty()) {
    if (names.empty()) {
      if (all_ns || *kind == Resource::kNamespace) {
        call.Err("No resources found\n");
      } else {
        call.Err("No resources found in " + call.ns + " namespace.\n");
      }
    }
    return;
  }
  const bool wide = format == Format::kWide;
  const bool show_labels = args.Bool("show-labels");
  std::vector<std::vector<std::string>> rows;
  if (!args.Bool("no-headers")) {
    std::vector<std::string> header = Header(*kind, wide);
    if (all_ns) header.insert(header.begin(), "NAMESPACE");
    if (show_labels) header.push_back("LABELS");
    rows.push_back(header);
  }
  for (const Item& item : items) {
    std::vector<std::string> row = Row(call.kube, item, wide);
    if (all_ns) row.insert(row.begin(), item.ns);
    if (show_labels) row.push_back(OrNone(LabelsText(LabelsOf(item))));
    rows.push_back(row);
  }
  call.Out(FormatTable(rows));
}

}  // namespace rundrill::fakes::kubectl
