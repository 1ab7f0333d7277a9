// The live view's page in headless Chromium, driven over WebDriver
// (chromedriver's JSON/HTTP protocol through httplib's client), against a
// paced run of the binary: the heat map has every host of the topology, the
// scale sets and the FC leader appear, a click on a host injects a fault
// that the run accepts and traces, and a request without the token is 403.
// Without chromium/chromedriver: skipped, or failed when CI=true.

#include "analysis/trace_reader.hpp"
#include "tests/support/scratch.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

/// A child process of this test, its stdout and stderr read into lines.
class child {
public:
  explicit child(std::vector<std::string> argv) {
    int fds[2];
    if (::pipe(fds) != 0)
      throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> args;
      for (auto& a : argv)
        args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] {
      char buf[4096];
      std::string partial;
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) {
        std::lock_guard<std::mutex> lock(mutex_);
        output_.append(buf, static_cast<size_t>(n));
        changed_.notify_all();
      }
      ::close(fd);
      std::lock_guard<std::mutex> lock(mutex_);
      eof_ = true;
      changed_.notify_all();
    });
  }
  ~child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGTERM); // our own child, by its pid
      wait();
    }
    if (reader_.joinable())
      reader_.join();
  }

  /// The first match of `re`'s group 1 in the output, waiting up to `limit`.
  std::string wait_for(const std::regex& re, std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    std::string found;
    changed_.wait_for(lock, limit, [&] {
      std::smatch m;
      if (std::regex_search(output_, m, re))
        found = m[1];
      return !found.empty() || eof_;
    });
    return found;
  }

  int wait() {
    if (reaped_)
      return code_;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (reader_.joinable())
      reader_.join();
    return code_;
  }

  std::string output() {
    std::lock_guard<std::mutex> lock(mutex_);
    return output_;
  }

private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int code_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
};

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

/// A WebDriver session (W3C protocol) on chromedriver at `port`.
class webdriver {
public:
  explicit webdriver(int port) : http_("127.0.0.1", port) {
    http_.set_read_timeout(60);
  }

  json call(const std::string& method, const std::string& path,
            const json& body = json::object()) {
    httplib::Result r =
        method == "GET" ? http_.Get(path.c_str())
        : method == "DELETE"
            ? http_.Delete(path.c_str())
            : http_.Post(path.c_str(), body.dump(), "application/json");
    if (!r)
      throw std::runtime_error("webdriver " + path + ": no answer");
    auto j = json::parse(r->body, nullptr, false);
    if (j.is_discarded())
      throw std::runtime_error("webdriver " + path + ": " + r->body);
    return j["value"];
  }

  bool start() {
    json caps{{"capabilities",
               {{"alwaysMatch",
                 {{"goog:chromeOptions",
                   {{"args",
                     {"--headless=new", "--no-sandbox", "--disable-gpu",
                      "--disable-dev-shm-usage"}}}}}}}}};
    auto v = call("POST", "/session", caps);
    if (!v.contains("sessionId"))
      return error_ = v.dump(), false;
    session_ = "/session/" + v["sessionId"].get<std::string>();
    return true;
  }
  ~webdriver() {
    if (!session_.empty())
      try {
        call("DELETE", session_);
      } catch (...) {
      }
  }
  const std::string& error() const { return error_; }

  void go(const std::string& url) {
    call("POST", session_ + "/url", {{"url", url}});
  }

  /// Element ids matching a CSS selector.
  std::vector<std::string> find(const std::string& css) {
    auto v = call("POST", session_ + "/elements",
                  {{"using", "css selector"}, {"value", css}});
    std::vector<std::string> out;
    if (v.is_array())
      for (const auto& e : v)
        out.push_back(e.begin().value().get<std::string>());
    return out;
  }
  std::string text(const std::string& id) {
    auto v = call("GET", session_ + "/element/" + id + "/text");
    return v.is_string() ? v.get<std::string>() : "";
  }
  std::string attribute(const std::string& id, const std::string& name) {
    auto v = call("GET", session_ + "/element/" + id + "/attribute/" + name);
    return v.is_string() ? v.get<std::string>() : "";
  }
  json click(const std::string& id) {
    return call("POST", session_ + "/element/" + id + "/click");
  }

  /// Waits up to `limit` for `ok()`; returns whether it held.
  template <class F>
  static bool eventually(F ok, std::chrono::seconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (ok())
        return true;
      std::this_thread::sleep_for(200ms);
    }
    return ok();
  }

private:
  httplib::Client http_;
  std::string session_;
  std::string error_;
};

bool ci() {
  const char* v = std::getenv("CI");
  return v && std::string(v) == "true";
}

#define NEED(cond, what)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      if (ci())                                                                \
        FAIL() << what                                                         \
               << " (CI=true: the browser test must run; "                     \
                  "scripts/setup.sh installs chromium-driver)";                \
      GTEST_SKIP() << what;                                                    \
    }                                                                          \
  } while (0)

TEST(LiveViewBrowser, ThePageShowsTheRegionAndAClickInjectsAFault) {
  const std::string driver_exe = "/usr/bin/chromedriver";
  NEED(::access(driver_exe.c_str(), X_OK) == 0,
       "chromedriver not found at " + driver_exe);
  NEED(::access("/usr/bin/chromium", X_OK) == 0,
       "chromium not found at /usr/bin/chromium");

  vmss_test::scratch dir;
  const std::string out = dir.at("trace");
  // The built-in default scenario (small layout), its first 120 virtual
  // seconds paced to about 60 wall seconds.
  child run({VMSS_SIM_EXE, "run", "--out", out, "--until", "120s", "--pace",
             "2", "--view", "0"});
  auto url = run.wait_for(
      std::regex("# view (http://127\\.0\\.0\\.1:[0-9]+/\\?token=[0-9a-f]+)"),
      60s);
  ASSERT_FALSE(url.empty()) << run.output();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(url, m, std::regex(":([0-9]+)/")));
  int view_port = std::stoi(m[1]);

  // Without the token: 403, and nothing of the run.
  {
    httplib::Client c("127.0.0.1", view_port);
    for (const char* path : {"/", "/api/state", "/?token=00"}) {
      auto r = c.Get(path);
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->status, 403) << path;
    }
    auto p =
        c.Post("/api/command", R"({"command":"pause"})", "application/json");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->status, 403);
  }

  int driver_port = free_port();
  child driver({driver_exe, "--port=" + std::to_string(driver_port)});
  ASSERT_FALSE(
      driver.wait_for(std::regex("(started successfully)"), 30s).empty())
      << driver.output();
  webdriver wd(driver_port);
  NEED(wd.start(), "chromedriver could not start Chromium: " + wd.error());
  wd.go(url);

  // The heat map: hosts appear once the page has polled.
  std::set<std::string> on_page;
  ASSERT_TRUE(webdriver::eventually(
      [&] {
        auto cells = wd.find(".host");
        if (cells.size() < 24)
          return false;
        on_page.clear();
        for (const auto& c : cells)
          on_page.insert(wd.attribute(c, "data-path"));
        return true;
      },
      30s));
  // The scale sets and the leader.
  std::set<std::string> sets_on_page;
  ASSERT_TRUE(webdriver::eventually(
      [&] {
        for (const auto& p : wd.find(".scaleset"))
          sets_on_page.insert(wd.attribute(p, "data-name"));
        return !sets_on_page.empty();
      },
      30s));
  std::string leader;
  ASSERT_TRUE(webdriver::eventually(
      [&] {
        auto ids = wd.find("#leader");
        leader = ids.empty() ? "" : wd.text(ids[0]);
        return leader.find("term") != std::string::npos;
      },
      30s))
      << leader;

  // Click a host no planned fault touches, pick host_crash, inject it.
  const std::string host = "westeurope/z3/r1/h3";
  auto cell = wd.find(".host[data-path=\"" + host + "\"]");
  ASSERT_EQ(cell.size(), 1u);
  wd.click(cell[0]);
  auto option =
      wd.find("#fault-kind option[value=\"fault host_crash " + host + "\"]");
  ASSERT_EQ(option.size(), 1u);
  wd.click(option[0]);
  wd.click(wd.find("#fault-submit").at(0));
  std::string answer;
  ASSERT_TRUE(webdriver::eventually(
      [&] {
        answer = wd.text(wd.find("#answer").at(0));
        return answer.find("accepted") != std::string::npos ||
               answer.find("refused") != std::string::npos;
      },
      30s));
  bool accepted = answer.find("accepted") != std::string::npos;
  EXPECT_TRUE(accepted) << answer;
  // The page shows it down (its cell and the faults in effect).
  EXPECT_TRUE(!accepted ||
              webdriver::eventually(
                  [&] {
                    auto c = wd.find(".host[data-path=\"" + host + "\"]");
                    return !c.empty() &&
                           wd.attribute(c[0], "data-state") == "down";
                  },
                  30s));
  EXPECT_TRUE(
      !accepted ||
      webdriver::eventually(
          [&] {
            return !wd.find(".fault[data-target=\"" + host + "\"]").empty();
          },
          10s));

  ASSERT_EQ(run.wait(), 0) << run.output();

  // After the run: every host of the topology was on the map, every scale
  // set had its panel, and the trace has the fault at that host.
  vmss::analysis::trace_reader reader(out);
  std::set<std::string> hosts, sets;
  for (const auto& e : reader.manifest().entities)
    if (e.kind == "host_agent")
      hosts.insert(e.path);
  ASSERT_EQ(hosts.size(), 24u); // small: 3 zones x 2 racks x 4 hosts
  for (const auto& h : hosts)
    EXPECT_EQ(on_page.count(h), 1u) << h;
  bool injected = false;
  std::set<std::string> elected;
  reader.for_each([&](const vmss::analysis::record& r) {
    auto field = [&](const char* k) {
      for (const auto& f : r.fields)
        if (f.key == k && std::holds_alternative<std::string>(f.val))
          return std::get<std::string>(f.val);
      return std::string();
    };
    if (r.event == "capacity_changed" || r.event == "vm_state")
      sets.insert(field("scale_set"));
    if (r.event == "fault_injected" && field("fault") == "host_crash" &&
        field("target") == host)
      injected = true;
    if (r.event == "leader_elected")
      elected.insert(std::string(r.path));
  });
  sets.erase("");
  EXPECT_TRUE(injected) << "no fault_injected host_crash " << host;
  EXPECT_EQ(sets_on_page, sets);
  // The leader the page showed is a replica the trace has elected.
  EXPECT_EQ(elected.count(leader.substr(0, leader.find(' '))), 1u) << leader;
}

} // namespace
