#pragma once
/// Trace export to JSONL and CSV (see docs/trace-format.md).
///
/// JSONL: one object per record, keys in this order: t_ns, node, entity
/// (path), kind, event, then each field as its own key with its typed value.
/// CSV: header t_ns,node,entity,kind,event followed by one column per field
/// key found anywhere in the trace (sorted); a record's cell is empty when it
/// lacks that field. A field whose key equals a base column name is written
/// as "field.<key>" in both formats.

#include "analysis/record_filter.hpp"
#include "analysis/trace_reader.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace vmss::analysis {

/// Output column name of a field key (base-column collisions renamed).
std::string field_column(const std::string& key);

/// Appends `s` as a JSON string (quotes, escapes).
void append_json_string(std::string_view s, std::string& out);

/// Appends a field value as JSON: int64 and double as numbers (doubles in
/// shortest round-trip form, integral ones with ".0", NaN/inf as null),
/// bool, string.
void append_json_value(const trace::value& v, std::string& out);

/// Appends one JSONL line (with '\n') for `r`.
void append_jsonl(const record& r, std::string& out);

/// Streams the records `filter` selects as JSONL; returns the number of
/// records written.
uint64_t export_jsonl(const trace_reader& reader, std::ostream& out,
                      const record_filter& filter = {});

/// Streams the records `filter` selects as CSV (two passes: field keys,
/// then records; the header names every key of the trace whatever the
/// filter); returns the number of records written.
uint64_t export_csv(const trace_reader& reader, std::ostream& out,
                    const record_filter& filter = {});

} // namespace vmss::analysis
