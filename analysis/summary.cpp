/// Trace summary: one pass over the merged stream.

#include "analysis/summary.hpp"

#include <iomanip>
#include <vector>

namespace vmss::analysis {

namespace {

void count_event(trace_summary& s, std::string_view event) {
  auto it = s.records_per_event.find(event);
  if (it == s.records_per_event.end())
    it = s.records_per_event.emplace(std::string(event), 0).first;
  ++it->second;
}

void fill_from_manifest(trace_summary& s, const trace::manifest& m) {
  s.scenario = m.scenario;
  s.seed = m.seed;
  s.nodes = m.nodes;
  s.shards = m.shards.size();
  s.end_t_ns = m.end_t_ns;
  s.incomplete = incomplete_note(m);
  for (const auto& shard : m.shards)
    s.shard_bytes += shard.bytes;
  for (const auto& e : m.entities)
    ++s.entities_per_kind[e.kind];
}

template <class Counts>
void print_counts(const char* title, const Counts& counts, std::ostream& out) {
  out << title << ":\n";
  for (const auto& [name, n] : counts)
    out << "  " << std::left << std::setw(28) << name << ' ' << n << '\n';
}

} // namespace

trace_summary summarize(const trace_reader& reader) {
  trace_summary s;
  fill_from_manifest(s, reader.manifest());
  std::vector<bool> active(reader.manifest().entities.size(), false);
  bool first = true;
  s.records = reader.for_each([&](const record& r) {
    if (first)
      s.first_t_ns = r.t_ns();
    first = false;
    s.last_t_ns = r.t_ns();
    count_event(s, r.event);
    active[r.entity()] = true;
  });
  for (size_t id = 0; id < active.size(); ++id)
    if (active[id])
      ++s.active_entities_per_kind[reader.manifest().entities[id].kind];
  return s;
}

void print_summary(const trace_summary& s, std::ostream& out) {
  out << "scenario: " << s.scenario << '\n';
  if (!s.incomplete.empty())
    out << "INCOMPLETE: " << s.incomplete << '\n';
  out << "seed: " << s.seed << '\n'
      << "nodes: " << s.nodes << "  shards: " << s.shards
      << "  shard bytes: " << s.shard_bytes << '\n'
      << "records: " << s.records << '\n'
      << "virtual time: first_t_ns=" << s.first_t_ns
      << " last_t_ns=" << s.last_t_ns << " (span "
      << static_cast<double>(s.last_t_ns - s.first_t_ns) / 1e9
      << " s), end_t_ns=" << s.end_t_ns << '\n';
  print_counts("records per event", s.records_per_event, out);
  print_counts("entities per kind (manifest)", s.entities_per_kind, out);
  print_counts("entities per kind (with records)", s.active_entities_per_kind,
               out);
  out << "records=" << s.records << " events=" << s.records_per_event.size()
      << " span_ns=" << s.last_t_ns - s.first_t_ns << " nodes=" << s.nodes
      << '\n';
}

} // namespace vmss::analysis
