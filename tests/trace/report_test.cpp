/// The HTML report (analysis/report.hpp, analysis/svg_chart.hpp) on small
/// hand-made traces, and `vmss-sim trace report` in-process. The rendered
/// page in a browser is tests/cli/report_browser_test.cpp.

#include "analysis/digest.hpp"
#include "analysis/report.hpp"
#include "cli_runner.hpp"
#include "trace_fixture.hpp"

#include "messages/compute_events.hpp"
#include "messages/control_events.hpp"
#include "messages/fabric_events.hpp"
#include "messages/network_events.hpp"
#include "messages/physical_events.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace vmss::trace_test {

namespace {

using namespace vmss::analysis;

constexpr int64_t s(int64_t t) {
  return t * 1'000'000'000;
}

enum entity : uint32_t {
  orchestrator,
  lb,
  fc1,
  fc2,
  control_entity,
  workload,
  autoscale
};

/// Records of declared events, one value per field in order.
class report_trace {
public:
  report_trace& add(int64_t t_ns, uint32_t e, const trace::event_def& def,
                    std::initializer_list<trace::value> values) {
    test_record r{0, key(t_ns, e, records_.size()), std::string(def.name), {}};
    size_t i = 0;
    for (const auto& v : values)
      r.fields.push_back(trace::field{std::string(def.fields[i++]), v});
    records_.push_back(std::move(r));
    return *this;
  }
  report_trace& view(int64_t t, int64_t id, const char* prov, const char* power,
                     const char* health = "Healthy") {
    return add(t, orchestrator, compute::events::instance_view,
               {std::string("web"), id, int64_t{0}, int64_t{0}, int64_t{0},
                true, std::string(prov), std::string(power),
                std::string(health), false, false, int64_t{1}});
  }
  report_trace& backend(int64_t t, const char* vm, bool member) {
    return add(t, lb, network::events::lb_backend,
               {std::string(vm), member, std::string("pool")});
  }
  report_trace& requests(int64_t t, const char* target, int64_t ok,
                         int64_t failed, double p99) {
    return add(t, workload, control::events::requests,
               {std::string("users"), std::string(target),
                std::string("westeurope"), ok, failed, 5.0, 9.0, p99,
                t - s(1)});
  }
  report_trace& fault(int64_t t, bool recovered, const char* fault,
                      const char* target) {
    return add(t, control_entity,
               recovered ? control::events::fault_recovered
                         : control::events::fault_injected,
               {std::string(fault), std::string(target)});
  }
  report_trace& crash(int64_t t, uint32_t e) {
    records_.push_back(
        test_record{0, key(t, e, records_.size()), "entity_crashed", {}});
    return *this;
  }
  std::string write() const {
    auto dir = scratch_dir();
    write_trace(dir,
                {{"westeurope/web/orchestrator", "orchestrator", 0},
                 {"westeurope/lb", "load_balancer", 0},
                 {"westeurope/fc/r1", "fc_replica", 0},
                 {"westeurope/fc/r2", "fc_replica", 0},
                 {"westeurope/control", "control", 0},
                 {"westeurope/users", "workload", 0},
                 {"westeurope/autoscale", "autoscale", 0}},
                records_);
    return dir;
  }

private:
  std::vector<test_record> records_;
};

/// A scale set of two instances, one replaced after a host crash; load on
/// two load balancers; a leader change; CPU as autoscale read it.
std::string small_run() {
  report_trace t;
  t.add(s(1), fc1, fabric::events::leader_elected, {int64_t{1}})
      .view(s(2), 0, "Creating", "starting", "none")
      .view(s(2), 1, "Creating", "starting", "none")
      .add(s(2), orchestrator, compute::events::capacity_changed,
           {std::string("web"), int64_t{0}, int64_t{2}, std::string("create")})
      .view(s(10), 0, "Succeeded", "running")
      .view(s(12), 1, "Succeeded", "running")
      .backend(s(15), "web/0", true)
      .backend(s(16), "web/1", true)
      .requests(s(20), "westeurope/lb", 90, 10, 40.0)
      .requests(s(20), "westeurope/lb2", 100, 0, 25.0)
      .fault(s(30), false, "host_crash", "westeurope/z1/r1/h1")
      .crash(s(30), fc1)
      .backend(s(31), "web/1", false)
      .view(s(32), 1, "Succeeded", "running", "Unhealthy")
      .add(s(33), fc2, fabric::events::leader_elected, {int64_t{2}})
      .requests(s(34), "westeurope/lb", 50, 50, 80.0)
      .add(s(40), autoscale, compute::events::autoscale_evaluated,
           {std::string("cpu"), std::string("web"), std::string("default"),
            std::string("none"), int64_t{2}, int64_t{2}, int64_t{1}, int64_t{5},
            std::string(""), int64_t{300},
            std::string("rules[0] Percentage CPU=78.25;rules[1] Percentage "
                        "CPU=missing")})
      .fault(s(50), true, "host_restore", "westeurope/z1/r1/h1")
      .view(s(55), 1, "Deleted", "stopped", "none")
      .fault(s(60), false, "tor_fail", "westeurope/z2/r1/tor");
  return t.write();
}

const svg::chart* find_chart(const report_data& d, const std::string& id) {
  for (const auto& c : d.charts)
    if (c.id == id)
      return &c;
  return nullptr;
}

const svg::series* find_line(const svg::chart& c, const std::string& name) {
  for (const auto& l : c.lines)
    if (l.name == name)
      return &l;
  return nullptr;
}

std::vector<std::pair<int64_t, double>> values(const svg::series& l) {
  std::vector<std::pair<int64_t, double>> out;
  for (const auto& p : l.points)
    out.emplace_back(p.t_ns, p.value);
  return out;
}

using tv = std::vector<std::pair<int64_t, double>>;

TEST(report, counts_instances_by_state_from_the_instance_views) {
  auto d = collect_report(trace_reader(small_run()));
  const auto* c = find_chart(d, "chart-instances-web");
  ASSERT_NE(c, nullptr);
  ASSERT_NE(find_line(*c, "Creating"), nullptr);
  EXPECT_EQ(values(*find_line(*c, "Creating")),
            (tv{{s(2), 2}, {s(10), 1}, {s(12), 0}}));
  EXPECT_EQ(values(*find_line(*c, "running")),
            (tv{{s(10), 1}, {s(12), 2}, {s(32), 1}}));
  EXPECT_EQ(values(*find_line(*c, "unhealthy")), (tv{{s(32), 1}, {s(55), 0}}));
}

TEST(report, healthy_backends_against_the_desired_capacity) {
  auto d = collect_report(trace_reader(small_run()));
  const auto* c = find_chart(d, "chart-backends-web");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(values(*find_line(*c, "desired capacity")), (tv{{s(2), 2}}));
  EXPECT_EQ(values(*find_line(*c, "healthy backends")),
            (tv{{s(15), 1}, {s(16), 2}, {s(31), 1}}));
}

TEST(report, requests_of_one_second_are_summed_over_the_targets) {
  auto d = collect_report(trace_reader(small_run()));
  const auto* rate = find_chart(d, "chart-success");
  ASSERT_NE(rate, nullptr);
  // Tick 19 s: 190 ok of 200; tick 33 s: 50 of 100.
  EXPECT_EQ(values(rate->lines.at(0)), (tv{{s(19), 95}, {s(33), 50}}));
  const auto* latency = find_chart(d, "chart-latency");
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(values(*find_line(*latency, "p99")),
            (tv{{s(19), 40}, {s(33), 80}}));
  const auto* count = find_chart(d, "chart-requests");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(values(*find_line(*count, "failed")),
            (tv{{s(19), 10}, {s(33), 50}}));
}

TEST(report, the_leader_chart_follows_elections_and_a_leader_crash) {
  auto d = collect_report(trace_reader(small_run()));
  const auto* c = find_chart(d, "chart-leader");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->y_categories,
            (std::vector<std::string>{"(none)", "fc/r1", "fc/r2"}));
  const auto& line = c->lines.at(0);
  EXPECT_EQ(values(line), (tv{{s(1), 1}, {s(30), 0}, {s(33), 2}}));
  EXPECT_EQ(line.point_labels.at(0), "term 1: westeurope/fc/r1");
  EXPECT_EQ(line.point_labels.at(2), "term 2: westeurope/fc/r2");
}

TEST(report, cpu_is_the_value_an_autoscale_rule_read) {
  auto d = collect_report(trace_reader(small_run()));
  const auto* c = find_chart(d, "chart-cpu");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(values(*find_line(*c, "web")), (tv{{s(40), 78.25}}));
}

TEST(report, faults_pair_with_the_recovery_of_their_target) {
  auto d = collect_report(trace_reader(small_run()));
  ASSERT_EQ(d.faults.size(), 2u);
  EXPECT_EQ(d.faults[0].from_ns, s(30));
  EXPECT_EQ(d.faults[0].to_ns, s(50));
  EXPECT_FALSE(d.faults[0].open);
  EXPECT_EQ(d.faults[0].fault, "host_crash");
  EXPECT_EQ(d.faults[1].fault, "tor_fail");
  EXPECT_TRUE(d.faults[1].open); // not recovered: to the end of the run
  EXPECT_EQ(d.faults[1].to_ns, d.end_t_ns);
}

/// Every <svg …> tag of `html`: id and data-points.
std::map<std::string, int> svg_points(const std::string& html) {
  std::map<std::string, int> out;
  std::regex re(R"re(<svg id="([^"]+)" class="chart" data-points="(\d+)")re");
  for (std::sregex_iterator it(html.begin(), html.end(), re), end; it != end;
       ++it)
    out[(*it)[1]] = std::stoi((*it)[2]);
  return out;
}

TEST(report, the_page_has_every_chart_with_its_points_and_fault_bands) {
  std::string dir = small_run();
  std::ostringstream page;
  write_report(trace_reader(dir), page);
  std::string html = page.str();
  auto charts = svg_points(html);
  for (const char* id :
       {"chart-instances-web", "chart-backends-web", "chart-requests",
        "chart-success", "chart-latency", "chart-leader", "chart-cpu"}) {
    ASSERT_TRUE(charts.count(id)) << id;
    EXPECT_GT(charts[id], 0) << id;
  }
  // Two faults on each of the 7 charts.
  std::regex band("<g class=\"fault\" data-fault=\"");
  auto bands =
      std::distance(std::sregex_iterator(html.begin(), html.end(), band), {});
  EXPECT_EQ(bands, 14);
  EXPECT_NE(html.find("term 2: westeurope/fc/r2"), std::string::npos);
  EXPECT_NE(html.find(trace_digest(dir)), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos); // nothing fetched
  EXPECT_NE(html.find("<td>host_crash</td><td>westeurope/z1/r1/h1</td>"
                      "<td class=\"num\">30.000</td>"
                      "<td class=\"num\">50.000</td>"),
            std::string::npos);
  for (const char* id :
       {"table-faults", "table-availability-sets", "table-availability-zones",
        "table-failovers", "table-autoscale", "table-upgrades"})
    EXPECT_NE(html.find(std::string("<table id=\"") + id + "\">"),
              std::string::npos)
        << id;
  // Nothing saw the TOR failure: no time to detect, none to recover.
  EXPECT_NE(html.find("<td>tor_fail</td><td>westeurope/z2/r1/tor</td>"
                      "<td class=\"num\">60.000</td><td>none</td>"
                      "<td>not detected</td><td class=\"num\">-</td>"
                      "<td class=\"num\">-</td>"),
            std::string::npos);
  // The leader crashed at 30 s, the next was elected at 33 s.
  EXPECT_NE(html.find("<td>westeurope/fc/r1</td><td class=\"num\">30.000</td>"
                      "<td class=\"num\">3.000</td>"),
            std::string::npos);
}

TEST(report, a_trace_without_those_events_has_no_charts) {
  report_trace t;
  t.crash(s(5), lb);
  auto d = collect_report(trace_reader(t.write()));
  EXPECT_TRUE(d.charts.empty());
  std::ostringstream page;
  write_report_html(d, page);
  EXPECT_NE(page.str().find("none of the events"), std::string::npos);
}

TEST(svg_chart, downsampling_keeps_the_budget_the_ends_and_the_spikes) {
  std::vector<svg::point> p;
  for (int64_t i = 0; i < 100'000; ++i)
    p.push_back({i * 1000, i == 54'321 ? 1000.0 : (i == 77'777 ? -5.0 : 1.0)});
  auto kept = svg::downsample(p, 2000, 0, p.back().t_ns);
  EXPECT_LE(kept.size(), 2000u);
  EXPECT_GT(kept.size(), 1000u);
  EXPECT_EQ(kept.front(), 0u);
  EXPECT_EQ(kept.back(), p.size() - 1);
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end()));
  EXPECT_NE(std::find(kept.begin(), kept.end(), 54'321u), kept.end());
  EXPECT_NE(std::find(kept.begin(), kept.end(), 77'777u), kept.end());
  auto few = svg::downsample({p.begin(), p.begin() + 10}, 2000, 0, s(1));
  EXPECT_EQ(few.size(), 10u);
}

TEST(svg_chart, a_long_series_is_plotted_within_the_budget) {
  svg::chart c;
  c.id = "chart-x";
  c.lines.resize(2);
  for (auto& l : c.lines)
    for (int64_t i = 0; i < 50'000; ++i)
      l.push(s(i), static_cast<double>(i % 7));
  std::ostringstream out;
  size_t n = svg::write_chart(c, {}, 0, s(50'000), 2000, out);
  EXPECT_LE(n, 2000u);
  EXPECT_GT(n, 1000u);
  EXPECT_NE(out.str().find("data-points=\"" + std::to_string(n) + "\""),
            std::string::npos);
  EXPECT_LT(out.str().size(), 60'000u);
}

TEST(svg_chart, durations_and_escapes) {
  EXPECT_EQ(svg::format_duration(0), "0s");
  EXPECT_EQ(svg::format_duration(s(90)), "1m30s");
  EXPECT_EQ(svg::format_duration(s(7200)), "2h");
  EXPECT_EQ(svg::format_duration(s(5400)), "1h30m");
  EXPECT_EQ(svg::format_duration(250'000'000), "250ms");
  EXPECT_EQ(svg::format_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(svg::escape("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
}

TEST(trace_report_command, writes_the_page_and_refuses_bad_outputs) {
  std::string dir = small_run();
  std::string html = scratch_dir("out") + "/r.html";
  auto ok = run_cli({"trace", "report", dir, "-o", html});
  ASSERT_EQ(ok.code, 0) << ok.err;
  std::ifstream in(html);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(svg_points(text).size(), 7u);
  auto missing = run_cli({"trace", "report", dir});
  EXPECT_NE(missing.code, 0);
  auto into_dir = run_cli({"trace", "report", dir, "-o", dir});
  EXPECT_EQ(into_dir.code, 2);
  EXPECT_NE(into_dir.err.find("error: -o " + dir), std::string::npos)
      << into_dir.err;
  auto manifest =
      run_cli({"trace", "report", dir, "-o", dir + "/manifest.json"});
  EXPECT_EQ(manifest.code, 2) << manifest.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/manifest.json"));
  auto no_trace = run_cli({"trace", "report", html, "-o", html + "2"});
  EXPECT_EQ(no_trace.code, 2);
  EXPECT_FALSE(std::filesystem::exists(html + "2"));
}

} // namespace

} // namespace vmss::trace_test
