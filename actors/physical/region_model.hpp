#pragma once
/// The region model: a whole region's physical plane as entities (design
/// §5; spec Layers 4-7). Per zone a host health monitor; per rack a TOR
/// switch and its servers, each a host agent, a hypervisor and VM slots;
/// per storage cluster a TOR switch and storage servers; one control
/// entity. Background tenants fill the servers, a scale set's VMs are
/// placed at 1 s, and a fault plan can run (actors/physical/faults.hpp).
///
/// "region [preset=small|region] [zones= racks= hosts=] [slots=N]
///  [tenants=PERCENT] [vms=N scale_at=1s scale_interval=0s]
///  [fault_domains=1|2|3|5] [fc_replicas=5] [disks=lrs|zrs]
///  [faults=none|PLAN]
///  [requests=PLAN] [probe=10s] [tenant_probe=300s] [period=1s missed=3
///  down_after=120s heal_after=600s]
///  [boot_gb=2] [allocating= creating= starting= running= repairing=
///  stopping= deleting=MIN-MAX]"

#include "actors/physical/faults.hpp"
#include "kernel/model.hpp"
#include "topology/partition.hpp"

#include <cstdint>
#include <memory>

namespace vmss::input {
struct scenario_input;
} // namespace vmss::input

namespace vmss::physical {

/// faults= PLAN: see parse_fault_plan; requests= PLAN: the client's
/// operations on its VMs through the fabric controller,
/// "vm_stop|vm_start|vm_reimage|vm_delete@TIME:demo-vmss/N" with N below
/// vms=, '+' between them. Checks everything before it returns: option
/// values and ranges, the size against this machine (topology::check_size),
/// the fault plan's syntax, order (check_fault_sequence) and targets
/// (check_fault_target), the requests. Throws std::invalid_argument naming
/// the option, or the fault or request and what is wrong with it. The model
/// never ends by itself; plan_warnings lists faults, requests and scale_at
/// at or after the end of the run.
/// `partition` says which shard runs each zone (default: node_of, today's
/// automatic rule).
std::unique_ptr<model> make_region_model(model_spec& spec,
                                         const topology::partition& p = {});

/// The region of a scenario file read by input/scenario.hpp, its fault
/// processes drawn from the run's `seed` (input/fault_process.hpp: each
/// occurrence a planned fault, and its recovery when that falls inside the
/// run; describe_run() prints what each process drew). Checks what needs
/// the entities: every timeline target exists and fits its fault
/// ("FILE: timeline[3].target: …"), recoveries follow their faults, each
/// process's `targets` selects something ("FILE:
/// faultProcesses[0].targets: …"), each family's settings. Throws
/// std::invalid_argument.
std::unique_ptr<model> make_region_model(const input::scenario_input& in,
                                         uint64_t seed,
                                         const topology::partition& p = {});

} // namespace vmss::physical
