#pragma once
/// A watcher of the trace records a node writes (the live view's region
/// state, analysis/live_state): called on the node's thread for every record
/// an entity traces in this process, whether or not the run writes a trace.
/// It must not block and must be thread-safe towards its readers. No CAF in
/// this header.

#include "kernel/trace_sink.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

namespace vmss {

/// One record as the kernel traces it; the views and fields are valid only
/// during the call.
struct observed_record {
  int64_t t_ns = 0;
  std::string_view entity; ///< topology path
  std::string_view kind;   ///< entity kind
  std::string_view event;
  const trace::field* fields = nullptr;
  size_t num_fields = 0;
};

using trace_observer = std::function<void(const observed_record&)>;

} // namespace vmss
