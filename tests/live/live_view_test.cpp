// runners/live_view: the live view's HTTP server against a hub whose "run"
// is a thread of the test. Every request without the run's token gets 403
// and reaches nothing; the page, the state and commands work with it.

#include "analysis/live_state.hpp"
#include "kernel/live_hub.hpp"
#include "runners/live_view.hpp"
#include "tests/support/scratch.hpp"
#include "tests/support/sim_process.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <regex>
#include <thread>

namespace {

using json = nlohmann::json;

/// A stand-in for the run: answers `status` with JSON, accepts any other
/// command whose token is right, records what it was asked.
class fake_run {
public:
  explicit fake_run(vmss::live::hub& h) : hub_(h) {
    thread_ = std::thread([this] {
      while (!stop_) {
        for (auto& p : hub_.take()) {
          std::lock_guard<std::mutex> lock(mutex_);
          seen_.push_back(p);
          if (p.words == std::vector<std::string>{"status"})
            hub_.reply(p.id,
                       {true, R"({"t_s":1.5,"paused":false,"region":1})"});
          else if (!p.token_ok)
            hub_.reply(p.id, {false, "refused: wrong token"});
          else
            hub_.reply(p.id, {true, "accepted at 2.000s"});
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  ~fake_run() {
    stop_ = true;
    thread_.join();
  }
  std::vector<vmss::live::pending> seen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

private:
  vmss::live::hub& hub_;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<vmss::live::pending> seen_;
  std::thread thread_;
};

const std::string token = "0123456789abcdef0123456789abcdef";

struct LiveView : ::testing::Test {
  vmss::live::hub hub{token};
  vmss::analysis::live_state state;
  fake_run run{hub};
  std::unique_ptr<vmss::live::view_server> view;

  void SetUp() override {
    state.add_entity("westeurope/z1/r1/h1", "host_agent");
    state.add_entity("westeurope/z1/r1/tor", "tor_switch");
    view = std::make_unique<vmss::live::view_server>(
        hub, &state, vmss::live::view_options{});
  }
  httplib::Client client() {
    httplib::Client c("127.0.0.1", view->port());
    c.set_read_timeout(15);
    return c;
  }
};

TEST_F(LiveView, ListensOnLoopbackAndNamesItsUrl) {
  EXPECT_GT(view->port(), 0);
  EXPECT_EQ(view->url(), "http://127.0.0.1:" + std::to_string(view->port()) +
                             "/?token=" + token);
}

TEST_F(LiveView, WithoutTheTokenEveryRequestIs403AndReachesNothing) {
  auto c = client();
  for (const std::string& path : std::vector<std::string>{
           "/", "/?token=", "/?token=wrong", "/api/state",
           "/api/state?token=" + token.substr(1), "/nothing"}) {
    auto r = c.Get(path.c_str());
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 403) << path;
    EXPECT_EQ(r->body.find("<html"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("westeurope"), std::string::npos) << path;
  }
  auto p = c.Post("/api/command", R"({"command":"fault host_crash x"})",
                  "application/json");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 403);
  httplib::Headers wrong{{"X-Vmss-Token", "nope"}};
  auto q = c.Post("/api/command", wrong, R"({"command":"pause"})",
                  "application/json");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 403);
  EXPECT_TRUE(run.seen().empty());
}

TEST_F(LiveView, ServesThePageWithTheToken) {
  auto r = client().Get(("/?token=" + token).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"),
            std::string::npos);
  EXPECT_NE(r->body.find("vmss-sim live view"), std::string::npos);
  EXPECT_NE(r->body.find("/api/state"), std::string::npos);
  EXPECT_EQ(r->body, vmss::live::page_html());
}

TEST_F(LiveView, StateHasTheRegionAndTheRunsStatus) {
  httplib::Headers auth{{"X-Vmss-Token", token}};
  auto r = client().Get("/api/state", auth);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["region"]["zones"][0]["racks"][0]["hosts"][0]["path"],
            "westeurope/z1/r1/h1");
  EXPECT_EQ(j["status"]["t_s"], 1.5);
  EXPECT_FALSE(j["status"].contains("region"));
  hub.close("the run is over");
  r = client().Get(("/api/state?token=" + token).c_str());
  ASSERT_TRUE(r);
  j = json::parse(r->body);
  EXPECT_EQ(j["status"]["error"], "the run is over");
  EXPECT_FALSE(j["region"]["zones"].empty()); // the last picture stays
}

TEST_F(LiveView, CommandsGoToTheRunAndItsAnswerComesBack) {
  httplib::Headers auth{{"X-Vmss-Token", token}};
  auto c = client();
  auto r = c.Post("/api/command", auth,
                  R"({"command":"fault host_crash westeurope/z1/r1/h1"})",
                  "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["text"], "accepted at 2.000s");
  r = c.Post("/api/command", auth, R"({"words":["pace","4"]})",
             "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["ok"], true);
  auto seen = run.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].words, (std::vector<std::string>{"fault", "host_crash",
                                                     "westeurope/z1/r1/h1"}));
  EXPECT_TRUE(seen[0].token_ok);
  EXPECT_EQ(seen[1].words, (std::vector<std::string>{"pace", "4"}));
}

TEST_F(LiveView, AMalformedCommandIs400AndReachesNothing) {
  httplib::Headers auth{{"X-Vmss-Token", token}};
  auto c = client();
  for (const std::string body :
       {"not json", "[1]", R"({"words":[1]})", R"({"command":"   "})", "{}"}) {
    auto r = c.Post("/api/command", auth, body, "application/json");
    ASSERT_TRUE(r) << body;
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_EQ(json::parse(r->body)["ok"], false) << body;
  }
  EXPECT_TRUE(run.seen().empty());
}

TEST_F(LiveView, APortInUseIsAClearError) {
  vmss::live::view_options o;
  o.port = view->port();
  try {
    vmss::live::view_server again(hub, &state, o);
    FAIL() << "a second server bound the same port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" +
                                         std::to_string(o.port)),
              std::string::npos)
        << e.what();
  }
}

TEST(LiveViewToken, MatchesOnlyTheWholeToken) {
  EXPECT_TRUE(vmss::live::token_matches("abc", "abc"));
  EXPECT_FALSE(vmss::live::token_matches("abd", "abc"));
  EXPECT_FALSE(vmss::live::token_matches("ab", "abc"));
  EXPECT_FALSE(vmss::live::token_matches("abcd", "abc"));
  EXPECT_FALSE(vmss::live::token_matches("", ""));
}

} // namespace

// `run --view` through the binary.
namespace {

TEST(RunView, ChangesNoResultAndPrintsItsAddress) {
  vmss_test::scratch dir;
  auto plain = vmss_test::run_sim("run --until 20s --out " + dir.at("a"));
  auto viewed =
      vmss_test::run_sim("run --until 20s --view 0 --out " + dir.at("b"));
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  ASSERT_EQ(viewed.exit_code, 0) << viewed.output;
  EXPECT_EQ(plain.value("digest"), viewed.value("digest"));
  EXPECT_FALSE(plain.value("digest").empty());
  EXPECT_TRUE(std::regex_search(
      viewed.output,
      std::regex("# view http://127\\.0\\.0\\.1:[0-9]+/\\?token=[0-9a-f]{64}")))
      << viewed.output;
  EXPECT_EQ(plain.output.find("# view"), std::string::npos);
}

TEST(RunView, ABadOrBusyPortExits2AndWritesNothing) {
  vmss_test::scratch dir;
  auto bad =
      vmss_test::run_sim("run --until 5s --view 70000 --out " + dir.at("t"));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("error: --view"), std::string::npos) << bad.output;
  // A port another socket listens on.
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(s, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  auto busy = vmss_test::run_sim("run --until 5s --view " +
                                 std::to_string(ntohs(a.sin_port)) + " --out " +
                                 dir.at("t"));
  ::close(s);
  EXPECT_EQ(busy.exit_code, 2) << busy.output;
  EXPECT_NE(busy.output.find("error: --view: cannot listen on 127.0.0.1:"),
            std::string::npos)
      << busy.output;
  EXPECT_EQ(dir.names(), std::vector<std::string>{});
}

} // namespace

namespace {

// `ctl status` carries the live region state (run_options.live_status).
TEST(RunView, CtlStatusCarriesTheLiveRegion) {
  vmss_test::scratch dir;
  std::string status;
  auto run = vmss_test::run_sim(
      "run --until 20s --pace 4 --control 0 --out " + dir.at("t"),
      [&](const std::string& line) {
        std::smatch m;
        if (!status.empty() ||
            !std::regex_search(line, m,
                               std::regex("# control (127\\.0\\.0\\.1:[0-9]+) "
                                          "token=([0-9a-f]+)")))
          return;
        // A few virtual seconds in, the scale set exists.
        std::this_thread::sleep_for(std::chrono::seconds(3));
        status = vmss_test::run_sim("ctl " + std::string(m[1]) +
                                    " status --token " + std::string(m[2]))
                     .output;
      });
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto at = status.find('{');
  ASSERT_NE(at, std::string::npos) << status;
  auto j = json::parse(status.substr(at, status.rfind('}') - at + 1));
  ASSERT_TRUE(j.contains("region")) << status;
  size_t hosts = 0;
  for (const auto& z : j["region"]["zones"])
    for (const auto& r : z["racks"])
      if (!r["storage"].get<bool>())
        hosts += r["hosts"].size();
  EXPECT_EQ(hosts, 24u) << status; // the small layout
  EXPECT_FALSE(j["region"]["scale_sets"].empty()) << status;
}

} // namespace
