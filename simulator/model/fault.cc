#include "simulator/model/fault.h"

namespace rundrill::model {

std::string FaultTarget::ToString() const {
  switch (kind) {
    case Kind::kHost:
      return "host/" + name;
    case Kind::kCluster:
      return "cluster/" + name;
    case Kind::kEndpoint:
      return "endpoint/" + name;
  }
  return name;
}

}  // namespace rundrill::model
