#pragma once
/// The ARM front door of a region, as a pure core: it holds each scale
/// set's model and version, validates each request against it the way
/// Azure Resource Manager and the compute resource provider do, and either
/// applies it whole or refuses it with Azure's error code and message
/// (never half-applied). Its shell (arm.hpp) traces every request
/// (`arm_request`) and every accepted change (`model_updated`), tells the
/// set's orchestrator, and forwards the instance-level requests it accepts.
/// docs/model.md lists each rule with its source. No CAF.

#include "messages/compute_messages.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vmss::compute {

struct arm_params {
  /// Every model the run's requests name (arm_request::model indexes it):
  /// each scale set's initial body, then the bodies of the timeline's
  /// updates, in the scenario's order.
  std::vector<set_model> models;
};

struct arm_answer {
  bool accepted = false;
  /// Refused: "Code: message", e.g. "PropertyChangeNotAllowed: Changing
  /// property 'platformFaultDomainCount' is not allowed."
  std::string reason;
  /// Accepted and the model changed: the new version and model, for the
  /// orchestrator (model_changed).
  std::optional<model_changed> changed;
  /// Accepted and instance-level: pass the request to the orchestrator.
  bool forward = false;
};

class arm_core {
public:
  explicit arm_core(const arm_params& params) : params_(&params) {}

  arm_answer on_request(const arm_request& request);

  /// The model in force and its version (none before the set is created).
  const set_model* model(const std::string& scale_set) const;
  uint32_t version(const std::string& scale_set) const;

private:
  struct entry {
    set_model model;
    uint32_t version = 0;
  };
  const arm_params* params_;
  std::map<std::string, entry> sets_;
};

} // namespace vmss::compute
