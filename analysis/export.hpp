#pragma once
/// Trace export to JSONL and CSV (see docs/trace-format.md).
///
/// JSONL: one object per record, keys in this order: t_ns, node, entity
/// (path), kind, event, then each field as its own key with its typed value.
/// CSV: header t_ns,node,entity,kind,event followed by one column per field
/// key found anywhere in the trace (sorted); a record's cell is empty when it
/// lacks that field. A field whose key equals a base column name is written
/// as "field.<key>" in both formats.

#include "analysis/trace_reader.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace vmss::analysis {

/// Output column name of a field key (base-column collisions renamed).
std::string field_column(const std::string& key);

/// Appends one JSONL line (with '\n') for `r`.
void append_jsonl(const record& r, std::string& out);

/// Streams the whole trace as JSONL; returns the number of records.
uint64_t export_jsonl(const trace_reader& reader, std::ostream& out);

/// Streams the whole trace as CSV (two passes: field keys, then records);
/// returns the number of records.
uint64_t export_csv(const trace_reader& reader, std::ostream& out);

} // namespace vmss::analysis
