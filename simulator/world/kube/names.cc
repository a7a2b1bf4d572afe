#include "simulator/world/kube/names.h"

#include <cstdio>

namespace rundrill::world::kube {

std::string TemplateHash(const PodTemplate& pod_template) {
  // Canonical text: fields in a fixed order, maps already sorted; separators that cannot
  // appear in label keys keep "a=b" + "c" from colliding with "a" + "b=c".
  std::string canonical = "container\x1f" + pod_template.container + "\x1eimage\x1f" +
                          pod_template.image + "\x1elabels";
  for (const auto& [k, v] : pod_template.labels) canonical += "\x1f" + k + "=" + v;
  canonical +=
      "\x1e"
      "annotations";
  for (const auto& [k, v] : pod_template.annotations) canonical += "\x1f" + k + "=" + v;
  uint64_t h = StableHash(canonical);
  std::string out;
  for (int i = 0; i < 10; ++i) {
    out += kSafeAlphabet[h % kSafeAlphabet.size()];
    h /= kSafeAlphabet.size();
  }
  return out;
}

std::string PodSuffix(Random& rng) {
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += kSafeAlphabet[rng.Below(static_cast<uint32_t>(kSafeAlphabet.size()))];
  }
  return out;
}

std::string StableUid(std::string_view key) {
  const uint64_t a = StableHash(key);
  const uint64_t b = StableHash(key, a ^ 0x9e3779b97f4a7c15ULL);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace rundrill::world::kube
