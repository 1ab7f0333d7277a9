#pragma once
/// The ARM front door of a region, as a pure core: it holds each scale
/// set's model and version, validates each request against it the way
/// Azure Resource Manager and the compute resource provider do, and either
/// applies it whole or refuses it with Azure's error code and message
/// (never half-applied). Its shell (arm.hpp) traces every request
/// (`arm_request`) and every accepted change (`model_updated`), tells the
/// set's orchestrator, and forwards the instance-level requests it accepts.
/// docs/model.md lists each rule with its source. No CAF.
///
///   request --> set exists? --no--> put_model: create, version 1
///                 |                  else: ResourceNotFound
///                 yes
///                 +--> put_model / set_capacity: the update rules; the
///                 |    new model differs? version + 1, model_changed
///                 |    (an identical model is accepted, no new version)
///                 +--> instance-level: the request's own rules, then
///                      forward to the orchestrator (instance-level rules)

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

  /// A PUT of a model known only at run time (a live `update`): the same
  /// checks and effects as a put_model request of `model`.
  arm_answer on_put(const arm_request& request, set_model model);

  /// The model in force and its version (none before the set is created).
  /// The orchestrator deleted instances a request named: sku.capacity is
  /// now `capacity` (Azure lowers the model's capacity with each instance
  /// delete). Not a new version: the orchestrator already acts on it.
  void on_capacity(const std::string& scale_set, uint32_t capacity);

  const set_model* model(const std::string& scale_set) const;
  uint32_t version(const std::string& scale_set) const;

  /// The resource group named in Azure's messages (ARM templates'
  /// resourceGroup() is "vmss-sim" too, docs/azure-input.md).
  static constexpr const char* resource_group = "vmss-sim";

private:
  struct entry {
    set_model model;
    uint32_t version = 0;
  };
  arm_answer put_model(const arm_request& request, set_model next);
  arm_answer set_capacity(const arm_request& request, const entry& set);
  /// Replaces the set's model with `next` if it differs: version + 1.
  arm_answer apply(const std::string& scale_set, set_model next);
  const arm_params* params_;
  std::map<std::string, entry> sets_;
};

} // namespace vmss::compute
