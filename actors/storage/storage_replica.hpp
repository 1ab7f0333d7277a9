#pragma once
/// A storage server holding managed-disk replicas: a thin shell around
/// disk_replication. Traces `disk_degraded` (disk, lost),
/// `disk_rereplicated` (disk, added), `disk_unavailable` (disk) and
/// `disk_slow` (factor_permille); disks and replicas are named by path
/// (a disk by its VM's path). A crash drops pending operations; replica
/// data and membership are durable.

#include "actors/storage/disk_replication.hpp"
#include "kernel/entity.hpp"
#include "messages/storage_messages.hpp"

namespace vmss::storage {

class storage_replica : public entity {
public:
  /// `region` and `params` must outlive the entity (the model owns them);
  /// params->redundancy applies to every disk of the run.
  storage_replica(caf::actor_config& cfg, node_kernel& k, entity_id id,
                  const topology::region* region,
                  const replication_params* params);

  void on_crash() override { core_.crash(); }
  void on_restart() override { execute(core_.restart()); }
  caf::behavior make_behavior() override;

private:
  void execute(const storage_effects& fx);
  void note(const disk_note& n);

  replica_directory directory_;
  disk_replication core_;
};

} // namespace vmss::storage
