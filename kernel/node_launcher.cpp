#include "kernel/node_launcher.hpp"

#include "kernel/log.hpp"
#include "kernel/run_secret.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace vmss {

namespace {

/// This process's environment, with VMSS_RUN_SECRET set to `secret`.
std::vector<std::string> child_environment(const std::string& secret) {
  std::string prefix = std::string(run_secret_env) + "=";
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, prefix.c_str(), prefix.size()) != 0)
      env.emplace_back(*e);
  env.push_back(prefix + secret);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& words) {
  std::vector<char*> out;
  for (auto& w : words)
    out.push_back(w.data());
  out.push_back(nullptr);
  return out;
}

} // namespace

std::string shell_quote(const std::string& text) {
  bool safe = !text.empty();
  for (char c : text)
    safe = safe && (std::isalnum(static_cast<unsigned char>(c)) ||
                    std::strchr("_./-+:=@", c) != nullptr);
  if (safe)
    return text;
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string expand_launch(const std::string& tmpl,
                          const std::map<std::string, std::string>& values) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{') {
      out += tmpl[i];
      continue;
    }
    auto close = tmpl.find('}', i);
    if (close == std::string::npos)
      throw std::invalid_argument("unterminated placeholder at '" +
                                  tmpl.substr(i) + "'");
    auto name = tmpl.substr(i + 1, close - i - 1);
    auto v = values.find(name);
    if (v == values.end()) {
      std::string known;
      for (const auto& p : launch_placeholders())
        known += (known.empty() ? "{" : ", {") + p + "}";
      throw std::invalid_argument("unknown placeholder {" + name +
                                  "} (known: " + known + ")");
    }
    out += shell_quote(v->second);
    i = close;
  }
  return out;
}

std::vector<std::string> node_launcher::command(const launch_request& req,
                                                uint32_t k) const {
  if (layout_.launch.empty()) {
    std::vector<std::string> args{req.executable,  "node",
                                  "--coordinator", req.coordinator,
                                  "--node-id",     std::to_string(k),
                                  "--threads",     std::to_string(req.threads),
                                  "--log-level",   req.log_level};
    if (!layout_.config.empty()) {
      args.push_back("--config");
      args.push_back(layout_.config);
    }
    return args;
  }
  node_place place;
  if (k < layout_.nodes.size())
    place = layout_.nodes[k];
  std::map<std::string, std::string> values{
      {"host", place.host.empty() ? place.address : place.host},
      {"node", std::to_string(k)},
      {"address", place.address},
      {"port", std::to_string(place.port)},
      {"threads", std::to_string(req.threads)},
      {"coordinator", req.coordinator},
      {"config", layout_.config},
      {"exe", req.executable},
      {"log_level", req.log_level}};
  return {"/bin/sh", "-c", expand_launch(layout_.launch, values)};
}

bool node_launcher::start(const launch_request& req, std::string& error) {
  if (layout_.launch == launch_manual) {
    logging::info("waiting for {} node processes started by hand "
                  "(coordinator {})",
                  req.nodes, req.coordinator);
    return true;
  }
  auto env = child_environment(req.secret);
  auto envp = pointers(env);
  groups_ = !layout_.launch.empty();
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (groups_) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  for (uint32_t k = 0; k < req.nodes; ++k) {
    auto args = command(req, k);
    auto argv = pointers(args);
    pid_t pid = 0;
    if (posix_spawn(&pid, args[0].c_str(), nullptr, &attr, argv.data(),
                    envp.data()) != 0) {
      error = "cannot start node process " + args[0];
      posix_spawnattr_destroy(&attr);
      return false;
    }
    if (groups_)
      logging::info("node {} pid {}: {}", k, pid, args.back());
    else
      logging::info("node {} pid {}", k, pid);
    pids_.push_back(pid);
  }
  posix_spawnattr_destroy(&attr);
  return true;
}

void node_launcher::stop(bool kill_now) {
  using namespace std::chrono_literals;
  auto deadline = std::chrono::steady_clock::now() + 5s;
  auto kill_it = [&](pid_t pid) { ::kill(groups_ ? -pid : pid, SIGKILL); };
  for (auto pid : pids_) {
    if (kill_now)
      kill_it(pid);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill_it(pid);
        waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
  }
  pids_.clear();
}

} // namespace vmss
