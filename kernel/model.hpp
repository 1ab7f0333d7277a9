#pragma once
/// What a runnable simulation provides to the kernel: its entities, their
/// network, how to spawn each entity actor, the scenario's injected events
/// and how to check its results. Every node process builds the same model
/// from the same spec string ("name key=value ...").

#include "kernel/network.hpp"
#include "kernel/node_kernel.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace vmss {

/// A parsed model spec: "pingpong pairs=1000 rounds=1000".
class model_spec {
public:
  /// Throws std::invalid_argument on a malformed spec or an option given
  /// twice.
  explicit model_spec(const std::string& text);

  /// Options given as a map (a scenario's family settings); `name` prefixes
  /// every error ("scenario.json: fabric: missed=0 is out of range …").
  model_spec(std::string name, std::map<std::string, std::string> options)
      : name_(std::move(name)), options_(std::move(options)) {}

  const std::string& name() const { return name_; }

  /// Typed option lookups; each marks the key as known. Throw
  /// std::invalid_argument naming the model, the option and the reason on a
  /// bad value: "region: hosts=0x10 is not a whole number (decimal
  /// digits)", "region: hosts=20000 is out of range (1 to 10000)".
  int64_t get_int(const std::string& key, int64_t fallback, int64_t min,
                  int64_t max);
  /// A duration (parse_duration) from `min` to `max`.
  sim_time get_duration(const std::string& key, sim_time fallback,
                        sim_time min = 0, sim_time max = sim_time_never - 1);
  std::string get_string(const std::string& key, const std::string& fallback);

  /// Throws std::invalid_argument naming the first key nobody asked for.
  void reject_unknown() const;

private:
  std::string name_;
  std::map<std::string, std::string> options_;
  std::map<std::string, bool> used_;
};

/// Per-node results, summed over nodes by the coordinator.
struct model_report {
  std::map<std::string, int64_t> counters;
  std::vector<std::string> failures;

  /// A counter's value; 0 if no node reported it.
  int64_t counter(const std::string& key) const {
    auto i = counters.find(key);
    return i == counters.end() ? 0 : i->second;
  }
};

/// A model is constructed by its factory, which checks the whole spec (options,
/// plans, sizes against this machine) and throws std::invalid_argument naming
/// what is wrong, before any kernel, actor or file exists.
class model {
public:
  virtual ~model() = default;

  /// False for a model that never runs out of events (its entities keep
  /// timers forever): a run of it needs an end time.
  virtual bool ends_by_itself() const { return true; }

  /// Things a user may mean but probably does not, for a run that ends at
  /// `until` (sim_time_never: no end): e.g. a fault planned at or after the
  /// end. One line each; errors throw from the constructor instead.
  virtual std::vector<std::string> plan_warnings(sim_time /*until*/) const {
    return {};
  }

  /// Lists every entity and the node that runs it.
  virtual void describe(entity_table& table) = 0;

  virtual network_model& network() = 0;

  /// The smallest latency between entities on different nodes: the window
  /// width of the conservative synchronisation.
  virtual sim_time lookahead() const = 0;

  /// Spawns the actor of local entity `id` and attaches it to `kernel`.
  virtual void spawn(caf::actor_system& sys, node_kernel& kernel,
                     entity_id id) = 0;

  /// Schedules the scenario's own events (faults, commands). Every node
  /// makes the same calls; the kernel keeps the local ones.
  virtual void inject(node_kernel&) {}

  /// A live command (`vmss-sim ctl`, the live view, `run --replay`), as its
  /// words after the verb's dispatch by the run (`fault host_crash
  /// westeurope/z1/r1/h1`, `recover host_crash westeurope/z1/r1/h1`, `scale
  /// web 5`, `update web {"sku":{"name":"Standard_D4s_v3"}}`, `stop`):
  /// returns its canonical text (one line, the form the trace records and
  /// `run --replay` reads back), or throws std::invalid_argument with the
  /// reason this model refuses it. Called in the coordinator's process
  /// before the run picks the command's time; no kernel exists there.
  virtual std::string check_live(const std::vector<std::string>& words) const {
    (void)words;
    throw std::invalid_argument("this model takes no live commands");
  }

  /// Applies a live command at virtual time `t` (at or after every node's
  /// window end): `canonical` is check_live()'s text, or, when `refusal` is
  /// not empty, the refused request's words joined by spaces. Traces
  /// `control_command` (command, accepted, and the reason when refused) at
  /// the control entity and, when accepted, schedules its effects as
  /// inject() would. Every node makes the same calls in the same order.
  virtual void apply_live(node_kernel& k, sim_time t,
                          const std::string& canonical,
                          const std::string& refusal) {
    (void)k, (void)t, (void)canonical, (void)refusal;
  }

  /// Adds this node's results to `out` after the run.
  virtual void report(node_kernel&, model_report&) {}

  /// Checks the results summed over all nodes; `end` is the time of the
  /// last delivered event. Appends a line per failed check.
  virtual void check(const model_report&, sim_time /*end*/,
                     std::vector<std::string>& /*failures*/) {}

  /// Lines printed before the run (what was drawn from the seed, sizes).
  virtual std::vector<std::string> describe_run() const { return {}; }
};

using model_factory = std::function<std::unique_ptr<model>(
    const std::string& spec, uint64_t seed, uint32_t nodes)>;

/// Registers the simulation messages of every family a run may use (the
/// runner's list of modules, runners/modules.cpp); every process of a run
/// calls the same one, after the kernel's own protocol.
using message_registration = void (*)(caf::actor_system_config& cfg);

/// Spawns entity actor T for `id` (lazily initialised, hidden: it never
/// runs from a mailbox, only from the kernel) and attaches it.
template <class T, class... Ts>
void spawn_entity(caf::actor_system& sys, node_kernel& kernel, entity_id id,
                  Ts&&... xs);

} // namespace vmss
