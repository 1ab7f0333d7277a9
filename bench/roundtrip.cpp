#include "bench/workloads.hpp"
#include "messages/bench_kinds.hpp"

#include "kernel/spawn_entity.hpp"

#include <caf/all.hpp>

namespace vmss::bench {

namespace {

struct roundtrip_counts {
  int64_t ok = 0;
  int64_t bad = 0;
  std::vector<std::string> failures;
};

/// Answers every message with itself.
class echo : public entity {
public:
  echo(caf::actor_config& cfg, node_kernel& k, entity_id id)
      : entity(cfg, k, id) {}

  caf::behavior make_behavior() override {
    set_default_handler([=](caf::scheduled_actor*,
                            caf::message_view& x) -> caf::result<caf::message> {
      send_message(source(), kernel_.current_type(),
                   x.copy_content_to_message());
      return caf::message{};
    });
    return {[](caf::unit_t) {}};
  }
};

/// Sends a sample of each registered type and checks the echo.
class prober : public entity {
public:
  prober(caf::actor_config& cfg, node_kernel& k, entity_id id, entity_id peer,
         roundtrip_counts* counts)
      : entity(cfg, k, id), peer_(peer), counts_(counts) {}

  void on_start() override {
    auto& reg = wire::registry::instance();
    for (auto t : reg.ids())
      send_message(peer_, t, reg.at(t).sample(t + 1));
  }

  caf::behavior make_behavior() override {
    set_default_handler([=](caf::scheduled_actor*,
                            caf::message_view& x) -> caf::result<caf::message> {
      auto& info = wire::registry::instance().at(kernel_.current_type());
      auto original = info.sample(kernel_.current_type() + 1);
      if (info.equal(original, x.copy_content_to_message())) {
        ++counts_->ok;
      } else {
        ++counts_->bad;
        counts_->failures.push_back(info.name + " changed on the way");
      }
      return caf::message{};
    });
    return {[](caf::unit_t) {}};
  }

private:
  entity_id peer_;
  roundtrip_counts* counts_;
};

class roundtrip_model final : public model {
public:
  roundtrip_model(model_spec& spec, uint32_t nodes)
      : nodes_(nodes), net_(ms(1)) {
    spec.reject_unknown();
  }

  void describe(entity_table& table) override {
    table.add("roundtrip/prober", kinds::prober, 0);
    table.add("roundtrip/echo", kinds::echo, nodes_ - 1);
  }

  network_model& network() override { return net_; }
  sim_time lookahead() const override { return ms(1); }

  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    if (*k.table()[id].kind == kinds::echo)
      spawn_entity<echo>(sys, k, id);
    else
      spawn_entity<prober>(sys, k, id, k.table().id_of("roundtrip/echo"),
                           &counts_);
  }

  void report(node_kernel&, model_report& out) override {
    out.counters["types_ok"] += counts_.ok;
    out.counters["types_bad"] += counts_.bad;
    for (auto& f : counts_.failures)
      out.failures.push_back(f);
  }

  void check(const model_report& r, sim_time,
             std::vector<std::string>& failures) override {
    auto types = static_cast<int64_t>(wire::registry::instance().ids().size());
    auto ok = r.counter("types_ok");
    if (ok != types)
      failures.push_back(std::to_string(ok) + " of " + std::to_string(types) +
                         " message types came back unchanged");
    for (auto& f : r.failures)
      failures.push_back(f);
  }

  std::vector<std::string> describe_run() const override {
    return {"roundtrip types=" +
            std::to_string(wire::registry::instance().ids().size())};
  }

private:
  uint32_t nodes_;
  constant_latency net_;
  roundtrip_counts counts_;
};

} // namespace

std::unique_ptr<model> make_roundtrip(model_spec& spec, uint32_t nodes) {
  return std::make_unique<roundtrip_model>(spec, nodes);
}

} // namespace vmss::bench
