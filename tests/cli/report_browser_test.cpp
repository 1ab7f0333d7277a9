// `vmss-sim trace report` opened in headless Chromium (Debian's
// `chromium`): a run of scenarios/layer8-cpu-autoscale.json with a host
// crash and a TOR failure added, cut short with --until, gives a page whose
// every chart the browser renders as an SVG with data and fault bands, and
// that fetches nothing. Without chromium the test is skipped, and fails
// when CI=true.

#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace {

using vmss_test::run_shell;
using vmss_test::run_sim;

/// The faults the test adds to the scenario (inside its 15 minutes).
constexpr const char* timeline = R"json("timeline": [
    {"at": "4m", "fault": "host_crash", "target": "westeurope/z1/r1/h1"},
    {"at": "7m", "fault": "host_restore", "target": "westeurope/z1/r1/h1"},
    {"at": "9m", "fault": "tor_fail", "target": "westeurope/z2/r1/tor"},
    {"at": "11m", "fault": "tor_repair", "target": "westeurope/z2/r1/tor"}
  ],
  )json";

/// Appended to a copy of the report: what the browser made of each chart,
/// and what the page fetched, as one <pre id="probe"> the DOM dump shows.
constexpr const char* probe = R"js(<script>
(() => {
  const charts = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.getBoundingClientRect();
    charts.push([svg.id, svg instanceof SVGSVGElement, svg.dataset.points,
                 svg.querySelectorAll('path.series').length,
                 svg.querySelectorAll('g.fault').length,
                 Math.round(box.width), Math.round(box.height)].join(','));
  }
  const fetched = performance.getEntriesByType('resource').length;
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = 'fetched=' + fetched + '\n' + charts.join('\n');
  document.body.appendChild(pre);
})();
</script>)js";

std::string chromium() {
  auto which = run_shell("command -v chromium", [](const std::string&) {});
  if (which.exit_code != 0)
    return {};
  return which.output.substr(0, which.output.find('\n'));
}

std::string scenario_with_faults(const vmss_test::scratch& s) {
  std::string text = vmss_test::read_file(
      std::string(VMSS_SOURCE_DIR) + "/scenarios/layer8-cpu-autoscale.json");
  auto at = text.find("\"workloads\"");
  EXPECT_NE(at, std::string::npos);
  text.insert(at, timeline);
  return s.file("scenario.json", text);
}

struct rendered_chart {
  bool is_svg = false;
  int points = 0, paths = 0, faults = 0, width = 0, height = 0;
};

std::map<std::string, rendered_chart> parse_probe(const std::string& dom,
                                                  int& fetched) {
  std::map<std::string, rendered_chart> out;
  std::smatch m;
  fetched = -1;
  if (std::regex_search(dom, m, std::regex("fetched=(\\d+)")))
    fetched = std::stoi(m[1]);
  std::regex row("(chart-[\\w-]+),(true|false),(\\d+),(\\d+),(\\d+),(\\d+),("
                 "\\d+)");
  for (std::sregex_iterator it(dom.begin(), dom.end(), row), end; it != end;
       ++it) {
    const auto& r = *it;
    out[r[1]] = {r[2] == "true",  std::stoi(r[3]), std::stoi(r[4]),
                 std::stoi(r[5]), std::stoi(r[6]), std::stoi(r[7])};
  }
  return out;
}

TEST(ReportBrowser, EveryChartRendersWithDataAndFaultMarkers) {
  std::string browser = chromium();
  if (browser.empty()) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true")
      FAIL() << "chromium is not installed (scripts/setup.sh installs it); "
                "the report's browser test needs it in CI";
    GTEST_SKIP() << "chromium is not installed (scripts/setup.sh)";
  }
  vmss_test::scratch s;
  auto run = run_sim("run " + scenario_with_faults(s) + " --until 15m --out " +
                     s.at("trace"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto report =
      run_sim("trace report " + s.at("trace") + " -o " + s.at("report.html"));
  ASSERT_EQ(report.exit_code, 0) << report.output;
  std::string html = vmss_test::read_file(s.at("report.html"));
  EXPECT_FALSE(std::regex_search(
      html, std::regex("(src|href)\\s*=\\s*[\"']?(https?:)?//")))
      << "the report references a network resource";
  std::string page = html;
  page.insert(page.rfind("</body>"), probe);
  std::string probed = s.file("probed.html", page);

  auto dom = run_shell("'" + browser +
                           "' --headless=new --no-sandbox --disable-gpu "
                           "--no-first-run --user-data-dir=" +
                           s.at("profile") + " --window-size=1200,900 " +
                           "--dump-dom file://" + probed + " 2>/dev/null",
                       [](const std::string&) {});
  ASSERT_EQ(dom.exit_code, 0) << dom.output;
  int fetched = -1;
  auto charts = parse_probe(dom.output, fetched);
  EXPECT_EQ(fetched, 0) << "the page fetched resources";
  for (const char* id :
       {"chart-instances-web", "chart-backends-web", "chart-requests",
        "chart-success", "chart-latency", "chart-leader", "chart-cpu"}) {
    ASSERT_TRUE(charts.count(id)) << id << " missing in:\n" << dom.output;
    const auto& c = charts[id];
    EXPECT_TRUE(c.is_svg) << id;
    EXPECT_GT(c.points, 0) << id;
    EXPECT_GT(c.paths, 0) << id;
    EXPECT_EQ(c.faults, 2) << id << ": one band per fault";
    EXPECT_GT(c.width, 300) << id;
    EXPECT_GT(c.height, 50) << id;
  }
}

} // namespace
