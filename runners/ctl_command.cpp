/// `vmss-sim ctl HOST:PORT COMMAND [ARGS...]`: one live command to a running
/// simulation's control port (docs/cli.md). Exit 0 accepted, 1 refused by
/// the run, 2 bad usage or no connection.

#include "messages/control.pb.h"
#include "runners/commands.hpp"
#include "runners/control_wire.hpp"
#include "runners/tell_user.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace vmss {

namespace {

/// Environment variable read when neither --token nor --token-file is given.
constexpr const char* control_token_env = "VMSS_CONTROL_TOKEN";

struct ctl_args {
  std::string target;
  std::vector<std::string> words;
  std::string token, token_file;
  CLI::Option* token_opt = nullptr;
  double timeout_s = 35;
};

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

/// The token: --token, --token-file, VMSS_CONTROL_TOKEN, else none (the run
/// refuses and traces the command).
std::string pick_token(const ctl_args& a) {
  if (a.token_opt->count() > 0)
    return a.token;
  if (!a.token_file.empty()) {
    std::ifstream in(a.token_file);
    if (!in)
      throw std::runtime_error("--token-file " + a.token_file +
                               ": cannot read it");
    std::ostringstream text;
    text << in.rdbuf();
    return trim(text.str());
  }
  if (const char* env = std::getenv(control_token_env))
    return trim(env);
  tell_user(user_line::note, "no token (--token, --token-file or "
                             "VMSS_CONTROL_TOKEN): the run will refuse the "
                             "command");
  return {};
}

int ctl_main(const ctl_args& a) {
  std::string host;
  uint16_t port = 0;
  try {
    control::split_host_port(a.target, host, port);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(a.target + ": " + e.what());
  }
  control::ControlRequest request;
  request.set_token(pick_token(a));
  for (const auto& w : a.words)
    request.add_words(w);
  std::string body, error;
  request.SerializeToString(&body);
  int fd = control::connect_tcp(host, port, 5, a.timeout_s, error);
  if (fd < 0)
    throw std::runtime_error("cannot connect to " + a.target + ": " + error);
  bool sent = control::write_frame(fd, body, error) &&
              control::read_frame(fd, body, error);
  ::close(fd);
  if (!sent)
    throw std::runtime_error(a.target + ": " + error);
  control::ControlReply reply;
  if (!reply.ParseFromString(body))
    throw std::runtime_error(a.target + ": the answer is not a ControlReply");
  std::cout << reply.text() << std::endl;
  return reply.ok() ? 0 : 1;
}

} // namespace

void add_ctl_command(CLI::App& root) {
  auto args = std::make_shared<ctl_args>();
  auto* cmd = root.add_subcommand(
      "ctl", "Send a live command to a running simulation (run --control): "
             "status, fault ..., recover ..., scale SET N, update SET JSON, "
             "pause, resume, pace X, stop. Prints the run's answer; exit 0 "
             "accepted, 1 refused, 2 bad usage or no connection");
  cmd->add_option("target", args->target,
                  "HOST:PORT of the run's control port (its '# control' line)")
      ->required();
  cmd->add_option("command", args->words,
                  "the command and its arguments (use -- before words that "
                  "start with '-')")
      ->required();
  args->token_opt = cmd->add_option(
      "--token", args->token,
      "the run's control token (hex; else --token-file, else the "
      "environment variable VMSS_CONTROL_TOKEN)");
  cmd->add_option("--token-file", args->token_file,
                  "file holding the token (the run writes control-token in "
                  "its output folder)")
      ->excludes(args->token_opt);
  cmd->add_option("--timeout", args->timeout_s,
                  "seconds to wait for the answer")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->callback([args] {
    int code = ctl_main(*args);
    if (code != 0)
      throw CLI::RuntimeError(code);
  });
}

} // namespace vmss
