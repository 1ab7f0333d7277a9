#pragma once
/// The meeting point between a running simulation and its live clients
/// (`vmss-sim ctl` over the control port, the live view's page): clients on
/// any thread submit a command and wait for the run's answer; the run (the
/// coordinator) takes the queued commands between windows, picks the virtual
/// time each takes effect, and answers. No CAF in this header.
///
/// A command is its words, as `vmss-sim ctl` takes them after HOST:PORT:
/// `status`, `fault host_crash westeurope/z1/r1/h1`, `scale web 5`, `pause`.
/// A request that does not carry the run's token is still handed to the run
/// (so that it is traced, docs/cli.md `control_command`), marked refused.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace vmss::live {

/// The run's answer to one request.
struct answer {
  bool ok = false;
  std::string text; ///< a human line, or JSON for `status`
};

/// A request waiting for the run.
struct pending {
  uint64_t id = 0;
  std::vector<std::string> words;
  bool token_ok = false;
};

class hub {
public:
  explicit hub(std::string token) : token_(std::move(token)) {}

  hub(const hub&) = delete;
  hub& operator=(const hub&) = delete;

  const std::string& token() const { return token_; }

  /// Any thread: queues `words` (checked against the run's token) and waits
  /// up to `timeout_s` wall seconds for the run's answer. After close(), or
  /// on time-out, answers ok=false with the reason.
  answer submit(const std::string& token, std::vector<std::string> words,
                double timeout_s = 10);

  /// Called (on the submitting thread) after each submit, so that the run
  /// can wake up and take() the request; set before any client starts.
  void set_wakeup(std::function<void()> wake);

  // -- the run's side --------------------------------------------------------

  /// The requests queued since the last take(), in arrival order.
  std::vector<pending> take();

  /// Answers request `id` (ignored if its client stopped waiting).
  void reply(uint64_t id, answer a);

  /// The run is over: waiting and later submits get ok=false with `why`.
  void close(const std::string& why);

private:
  std::string token_;
  std::mutex mutex_;
  std::condition_variable answered_;
  std::function<void()> wake_;
  std::deque<pending> queue_;
  std::map<uint64_t, answer> answers_;
  std::set<uint64_t> waiting_; ///< ids whose client still waits
  uint64_t next_id_ = 1;
  bool closed_ = false;
  std::string closed_why_;
};

} // namespace vmss::live
