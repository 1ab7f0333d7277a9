#pragma once
/// The live view (`vmss-sim run --view PORT`, docs/live-view.md): an HTTP
/// server on its own threads that serves a page drawing the region live and
/// lets its user inject faults. Every request must carry the run's token
/// (query parameter `token` or header `X-Vmss-Token`); any other gets 403
/// and nothing else. Endpoints:
///   GET  /?token=T     the page (HTML/JS/CSS embedded in the binary)
///   GET  /api/state    {"region": live_state snapshot, "status": the run's
///                      `status` answer, or {"error": why}}
///   POST /api/command  {"words": [...]} or {"command": "fault ..."}: the
///                      words go to the hub; answers {"ok": .., "text": ..}
/// No CAF, no httplib in this header.

#include <cstdint>
#include <memory>
#include <string>

namespace vmss::analysis {
class live_state;
}

namespace vmss::live {

class hub;

struct view_options {
  std::string bind = "127.0.0.1"; ///< address to listen on
  uint16_t port = 0;              ///< 0: a free port
  double status_timeout_s = 2;    ///< how long /api/state waits for `status`
  double command_timeout_s = 10;  ///< how long /api/command waits
};

class view_server {
public:
  /// Binds and starts serving; throws std::runtime_error naming the address
  /// when it cannot bind. `state` may be null (the page then shows no map).
  view_server(hub& h, const analysis::live_state* state, view_options opts);
  ~view_server(); ///< stops serving and joins its thread

  view_server(const view_server&) = delete;
  view_server& operator=(const view_server&) = delete;

  uint16_t port() const;
  /// http://BIND:PORT/?token=TOKEN
  std::string url() const;
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The page's HTML (embedded from runners/live_view.html).
const std::string& page_html();

/// True when `given` equals `token`, in time independent of where they differ.
bool token_matches(const std::string& given, const std::string& token);

} // namespace vmss::live
