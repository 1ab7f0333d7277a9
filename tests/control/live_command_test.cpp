// Live commands on the region model (model::check_live / apply_live): the
// canonical text and the refusals of check_live on scenarios/faults-tour.json
// (one scale set, demo-vmss, and a fault of each kind), and apply_live in an
// in-process run (the commands a run's control port would take, at the times it
// would choose).

#include "actors/control/live_command.hpp"
#include "actors/physical/region_model.hpp"
#include "analysis/trace_reader.hpp"
#include "input/scenario.hpp"
#include "kernel/cluster.hpp"
#include "runners/modules.hpp"
#include "runners/run_support.hpp"
#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace vmss;

std::unique_ptr<model> tour_model() {
  return physical::make_region_model(
      input::load_scenario_file(VMSS_SOURCE_DIR "/scenarios/faults-tour.json"),
      1);
}

/// The built-in default scenario's model (its scale set is web).
std::unique_ptr<model> default_model() {
  return physical::make_region_model(input::load_builtin_default_scenario(), 1);
}

std::string canonical(const model& m, const std::string& text) {
  return m.check_live(control::split_words(text));
}

/// check_live's reason for refusing `text` ("" if it accepts it).
std::string refusal(const model& m, const std::string& text) {
  try {
    m.check_live(control::split_words(text));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(live_commands, have_one_canonical_line_that_reads_back_the_same) {
  auto m = tour_model();
  const std::vector<std::pair<std::string, std::string>> cases{
      {"fault host_crash westeurope/z2/r1/h2",
       "fault host_crash westeurope/z2/r1/h2"},
      {"recover host_crash westeurope/z2/r1/h2",
       "recover host_restore westeurope/z2/r1/h2"},
      {"recover host_restore westeurope/z2/r1/h2",
       "recover host_restore westeurope/z2/r1/h2"},
      {"fault   tor_repair westeurope/z3/r2/tor",
       "recover tor_repair westeurope/z3/r2/tor"},
      {"fault link_degrade westeurope/z1 westeurope/z2 lossPpm=1000 "
       "extraLatency=5ms",
       "fault link_degrade westeurope/z1 westeurope/z2 extraLatency=5ms "
       "lossPpm=1000"},
      {"fault app_crash demo-vmss/1", "fault app_crash demo-vmss/1"},
      {"fault fc_leader_kill westeurope duration=30s",
       "fault fc_leader_kill westeurope duration=30s"},
      {"recover fc_leader_kill westeurope",
       "recover fc_leader_restore westeurope"},
      {"scale demo-vmss 5", "scale demo-vmss 5"},
      {"update demo-vmss {\"sku\": {\"name\": \"Standard_D4s_v3\"}}",
       "update demo-vmss {\"sku\":{\"name\":\"Standard_D4s_v3\"}}"},
      {"vm_restart demo-vmss/2", "vm_restart demo-vmss/2"},
      {"vm_protect demo-vmss/0 protectFromScaleIn=true",
       "vm_protect demo-vmss/0 protectFromScaleIn=true"},
      {"stop", "stop"},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_EQ(canonical(*m, text), want) << text;
    EXPECT_EQ(canonical(*m, want), want) << "read back: " << want;
  }
}

TEST(live_commands, are_refused_with_the_reason) {
  auto m = tour_model();
  EXPECT_NE(refusal(*m, "fault meteor westeurope/z1")
                .find("unknown fault kind 'meteor'"),
            std::string::npos);
  EXPECT_EQ(refusal(*m, "fault tor_fail westeurope/z1/r1/h1"),
            "fault tor_fail westeurope/z1/r1/h1: is a host_agent, not a "
            "tor_switch");
  EXPECT_EQ(refusal(*m, "fault host_crash westeurope/z9/r1/h1"),
            "fault host_crash westeurope/z9/r1/h1: no such entity");
  EXPECT_EQ(refusal(*m, "fault zone_partition westeurope/z1"),
            "peer: missing: zone_partition needs the other zone");
  EXPECT_EQ(refusal(*m, "fault fc_leader_kill eastus"),
            "target: \"eastus\" is not a region of this scenario "
            "(westeurope)");
  EXPECT_EQ(refusal(*m, "fault host_crash westeurope/z1/r1/h1 duration=5s"),
            "duration: only for fc_leader_kill");
  EXPECT_NE(refusal(*m, "scale webx 3").find("no scale set \"webx\""),
            std::string::npos);
  EXPECT_NE(refusal(*m, "scale demo-vmss lots").find("capacity"),
            std::string::npos);
  EXPECT_EQ(refusal(*m, "update demo-vmss {\"sku\":"),
            "body: not JSON: {\"sku\":");
  EXPECT_NE(refusal(*m, "update demo-vmss {\"name\":\"other\"}")
                .find("an update cannot rename the scale set"),
            std::string::npos);
  EXPECT_NE(refusal(*m, "vm_restart demo-vmss").find("is not SETNAME/N"),
            std::string::npos);
  EXPECT_NE(refusal(*m, "explode now").find("unknown command 'explode'"),
            std::string::npos);
  EXPECT_EQ(refusal(*m, "stop now"), "stop takes nothing");
  EXPECT_EQ(refusal(*m, ""), "empty command");
}

TEST(fc_leader_kill, can_be_a_random_process_over_the_regions) {
  auto in = input::load_scenario_text(R"({
    "name": "kills", "duration": "2h", "topology": {"preset": "small"},
    "faultProcesses": [{"fault": "fc_leader_kill", "targets": "westeurope",
                        "mtbf": "20m",
                        "repair": {"distribution": "fixed", "mean": "1m"}}]})",
                                      "kills.json", ".");
  auto m = physical::make_region_model(in, 7);
  auto lines = m->describe_run();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].rfind("fault_process faultProcesses[0] fc_leader_kill "
                           "targets=1 faults=",
                           0),
            0u)
      << lines[1];
  // Zones are not what it takes.
  try {
    physical::make_region_model(input::load_scenario_text(R"({
    "name": "kills", "duration": "2h", "topology": {"preset": "small"},
    "faultProcesses": [{"fault": "fc_leader_kill", "targets": "westeurope/z1",
                        "mtbf": "20m",
                        "repair": {"distribution": "fixed", "mean": "1m"}}]})",
                                                          "kills.json", "."),
                                7);
    FAIL() << "a zone holds no region";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "kills.json: faultProcesses[0].targets: westeurope/z1 holds no "
              "region for fc_leader_kill in this topology");
  }
}

/// A region model (faults-tour's unless told), with live commands applied
/// after its own events, as the run's control port would at `t`.
class with_live_commands final : public model {
public:
  struct command {
    sim_time t;
    std::string text;    ///< canonical, or the refused words
    std::string refusal; ///< empty: accepted
  };
  with_live_commands(std::vector<command> commands,
                     std::unique_ptr<model> inner)
      : inner_(std::move(inner)), commands_(std::move(commands)) {}

  bool ends_by_itself() const override { return inner_->ends_by_itself(); }
  void describe(entity_table& t) override { inner_->describe(t); }
  network_model& network() override { return inner_->network(); }
  sim_time lookahead() const override { return inner_->lookahead(); }
  void spawn(caf::actor_system& sys, node_kernel& k, entity_id id) override {
    inner_->spawn(sys, k, id);
  }
  void inject(node_kernel& k) override {
    inner_->inject(k);
    for (const auto& c : commands_)
      inner_->apply_live(k, c.t, c.text, c.refusal);
  }

private:
  std::unique_ptr<model> inner_;
  std::vector<command> commands_;
};

/// "PATH EVENT FIELD=VALUE..." of each record at `t` seconds, in order.
std::vector<std::pair<double, std::string>>
run_live(const std::vector<with_live_commands::command>& commands,
         sim_time until, std::unique_ptr<model> (*make)() = &tour_model) {
  vmss_test::scratch dir;
  run_options opts;
  opts.trace_dir = dir.at("trace");
  opts.model_spec = "default";
  opts.messages = &register_family_messages;
  opts.until = until;
  opts.factory = [&](const std::string&, uint64_t, uint32_t) {
    return std::make_unique<with_live_commands>(commands, make());
  };
  auto res = run_simulation(opts);
  EXPECT_EQ(res.error, "");
  auto described = opts.factory(opts.model_spec, opts.seed, opts.nodes);
  write_run_manifest(opts, *described, res, "default");
  std::vector<std::pair<double, std::string>> out;
  analysis::trace_reader(dir.at("trace")).for_each([&](const auto& r) {
    std::string text = std::string(r.path) + " " + std::string(r.event);
    for (const auto& f : r.fields)
      text += " " + std::string(f.key) + "=" +
              std::visit(
                  [](const auto& v) {
                    std::ostringstream s;
                    s << std::boolalpha << v;
                    return s.str();
                  },
                  f.val);
    out.emplace_back(static_cast<double>(r.t_ns()) / 1e9, text);
  });
  return out;
}

/// The times of records whose text starts with `prefix`.
std::vector<double>
times_of(const std::vector<std::pair<double, std::string>>& records,
         const std::string& prefix) {
  std::vector<double> out;
  for (const auto& [t, text] : records)
    if (text.rfind(prefix, 0) == 0)
      out.push_back(t);
  return out;
}

TEST(live_commands, take_effect_at_their_time_and_are_traced) {
  auto m = tour_model();
  auto kill = canonical(*m, "fault fc_leader_kill westeurope");
  auto restore = canonical(*m, "recover fc_leader_kill westeurope");
  auto scale = canonical(*m, "scale demo-vmss 5");
  auto records = run_live({{seconds(12), kill, ""},
                           {seconds(13), "fault meteor x", "unknown kind"},
                           {seconds(14), scale, ""},
                           {seconds(25), restore, ""}},
                          seconds(28));
  const std::string control = "westeurope/control control_command ";
  EXPECT_EQ(
      times_of(records, control + "command=" + kill + " accepted=true reason="),
      std::vector<double>{12});
  EXPECT_EQ(times_of(records, control + "command=fault meteor x accepted=false "
                                        "reason=unknown kind"),
            std::vector<double>{13});
  EXPECT_EQ(times_of(records, "westeurope/control fault_injected "
                              "fault=fc_leader_kill target=westeurope"),
            std::vector<double>{12});
  // The leader, and only it, crashes at 12 s; another replica is elected
  // and the killed one is back at 25 s.
  std::string killed;
  for (const auto& [t, text] : records)
    if (t == 12 && text.find(" leader_killed ") != std::string::npos)
      killed = text.substr(0, text.find(' '));
  ASSERT_FALSE(killed.empty());
  EXPECT_EQ(times_of(records, killed + " entity_crashed"),
            std::vector<double>{12});
  auto elected = std::find_if(records.begin(), records.end(), [&](auto& r) {
    return r.first > 12 &&
           r.second.find(" leader_elected ") != std::string::npos;
  });
  ASSERT_NE(elected, records.end());
  EXPECT_NE(elected->second.substr(0, elected->second.find(' ')), killed);
  EXPECT_EQ(times_of(records, killed + " entity_restarted"),
            std::vector<double>{25});
  // The scale request reached ARM at 14 s and its capacity changed.
  EXPECT_FALSE(times_of(records, "westeurope/arm model_updated "
                                 "scale_set=demo-vmss")
                   .empty());
  auto changed = times_of(records, "westeurope/vmss/demo-vmss "
                                   "capacity_changed scale_set=demo-vmss "
                                   "from=3 to=5");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_GE(changed[0], 14);
}

TEST(live_commands, an_update_reaches_arm_with_its_model) {
  auto m = tour_model();
  auto update = canonical(
      *m, "update demo-vmss {\"sku\":{\"name\":\"Standard_D4s_v3\"}}");
  auto records = run_live({{seconds(8), update, ""}}, seconds(10));
  EXPECT_EQ(times_of(records, "westeurope/control control_command command=" +
                                  update + " accepted=true"),
            std::vector<double>{8});
  // Version 1 is the creation at 1 s; the live update is version 2.
  auto v2 = times_of(records, "westeurope/arm model_updated "
                              "scale_set=demo-vmss version=2");
  ASSERT_EQ(v2.size(), 1u);
  EXPECT_GE(v2[0], 8);
}

} // namespace

TEST(extension_failure, has_one_canonical_line_and_refuses_other_targets) {
  auto m = default_model();
  const std::vector<std::pair<std::string, std::string>> cases{
      {"fault extension_failure web/1", "fault extension_failure web/1"},
      {"recover extension_failure web/1", "recover extension_restore web/1"},
      {"fault extension_restore web", "recover extension_restore "
                                      "web"},
      {"fault extension_failure web", "fault extension_failure "
                                      "web"},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_EQ(canonical(*m, text), want) << text;
    EXPECT_EQ(canonical(*m, want), want) << "read back: " << want;
  }
  // An unknown scale set (or any entity path) is no scale set instance.
  EXPECT_EQ(refusal(*m, "fault extension_failure webx/1"),
            "fault extension_failure webx/1: not an instance of a scale set "
            "(SETNAME/N) or a scale set (SETNAME)");
  EXPECT_EQ(refusal(*m, "fault extension_failure westeurope/z1/r1/h1/vm0"),
            "fault extension_failure westeurope/z1/r1/h1/vm0: not an instance "
            "of a scale set (SETNAME/N) or a scale set (SETNAME)");
  EXPECT_EQ(refusal(*m, "recover extension_failure web/one"),
            "target: instance one is not a number");
  EXPECT_EQ(refusal(*m, "fault extension_failure web/1 duration=5s"),
            "duration: only for fc_leader_kill");
}

TEST(extension_failure, live_marks_the_instance_failed_until_restored) {
  auto m = default_model();
  auto fail = canonical(*m, "fault extension_failure web/1");
  auto restore = canonical(*m, "recover extension_failure web/1");
  auto records =
      run_live({{seconds(150), fail, ""}, {seconds(170), restore, ""}},
               seconds(180), &default_model);
  EXPECT_EQ(times_of(records, "westeurope/control fault_injected "
                              "fault=extension_failure target=web/1"),
            std::vector<double>{150});
  EXPECT_EQ(times_of(records, "westeurope/control fault_recovered "
                              "fault=extension_restore target=web/1"),
            std::vector<double>{170});
  std::vector<std::pair<double, std::string>> states;
  const std::string view = "westeurope/vmss/web instance_view "
                           "scale_set=web instance_id=1 ";
  for (const auto& [t, text] : records) {
    auto p = text.find("provisioning_state=");
    if (t >= 150 && text.rfind(view, 0) == 0 && p != std::string::npos)
      states.emplace_back(t, text.substr(p, text.find(' ', p) - p));
  }
  EXPECT_EQ(states, (std::vector<std::pair<double, std::string>>{
                        {150, "provisioning_state=Failed"},
                        {170, "provisioning_state=Succeeded"}}));
}
