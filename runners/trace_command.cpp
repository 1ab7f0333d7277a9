/// The `trace` subcommand: a thin shell over analysis/.

#include "runners/trace_command.hpp"

#include "analysis/checker.hpp"
#include "analysis/digest.hpp"
#include "analysis/export.hpp"
#include "analysis/summary.hpp"
#include "analysis/trace_reader.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace vmss {

namespace {

using namespace vmss::analysis;

constexpr int exit_checks_failed = 1;
constexpr int exit_error = 2;
constexpr size_t violations_shown = 20;

const char* const exit_footer =
    "Exit status: 0 success, 2 error (message on stderr starting with "
    "'error: ').";

/// Runs `body`; any std::exception becomes `error: …` on stderr and
/// CLI::RuntimeError(exit_error).
template <class Body>
void guarded(Body&& body) {
  try {
    body();
  } catch (const CLI::Error&) {
    throw;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "error: " << e.what() << std::endl;
    throw CLI::RuntimeError(exit_error);
  }
}

CLI::App* add_dir_command(CLI::App& trace, const char* name,
                          const char* description, std::string& dir) {
  CLI::App* sub = trace.add_subcommand(name, description);
  sub->add_option("DIR", dir,
                  "Trace directory (manifest.json + shard-<node>.capnp)")
      ->required();
  return sub;
}

void add_digest(CLI::App& trace) {
  auto dir = std::make_shared<std::string>();
  CLI::App* sub = add_dir_command(
      trace, "digest",
      "Print the canonical SHA-256 digest of a trace: records in canonical "
      "order, node not included (docs/trace-format.md). Last stdout line: "
      "digest=<64 hex>",
      *dir);
  sub->footer(exit_footer);
  sub->callback([dir] {
    guarded([&] {
      auto digest = trace_digest(*dir); // before printing: no partial line
      std::cout << "digest=" << digest << std::endl;
    });
  });
}

struct export_options {
  std::string dir;
  std::string format = "jsonl";
  std::string output = "-";
};

void write_export(const trace_reader& reader, const std::string& format,
                  std::ostream& out) {
  if (format == "jsonl")
    export_jsonl(reader, out);
  else
    export_csv(reader, out);
}

/// Writes FILE.partial, then renames it to FILE, so a failed export never
/// leaves a plausible-looking file behind.
void export_to_file(const trace_reader& reader, const export_options& o) {
  std::string partial = o.output + ".partial";
  try {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out)
      throw std::runtime_error(partial + ": cannot create");
    write_export(reader, o.format, out);
    out.close();
    if (!out)
      throw std::runtime_error(partial + ": write failed");
  } catch (...) {
    std::remove(partial.c_str());
    throw;
  }
  if (std::rename(partial.c_str(), o.output.c_str()) != 0)
    throw std::runtime_error(o.output + ": cannot rename " + partial);
}

void run_export(const export_options& o) {
  if (o.format == "chrome")
    throw std::runtime_error(
        "export format 'chrome' is not supported yet (use jsonl or csv)");
  trace_reader reader(o.dir);
  if (o.output == "-")
    write_export(reader, o.format, std::cout);
  else
    export_to_file(reader, o);
}

void add_export(CLI::App& trace) {
  auto o = std::make_shared<export_options>();
  CLI::App* sub = add_dir_command(
      trace, "export",
      "Export every record in canonical order. jsonl: one object per line "
      "with t_ns,node,entity,kind,event then one key per field. csv: the "
      "same base columns, then one column per field key (sorted union)",
      o->dir);
  sub->add_option("-f,--format", o->format, "Output format (default jsonl)")
      ->check(CLI::IsMember({"jsonl", "csv", "chrome"}));
  sub->add_option("-o,--output", o->output,
                  "Output file ('-' or absent: stdout)");
  sub->footer(exit_footer);
  sub->callback([o] { guarded([&] { run_export(*o); }); });
}

struct check_options {
  std::string dir;
  std::vector<std::string> only;
};

std::vector<std::unique_ptr<checker>>
select_checkers(const std::vector<std::string>& only) {
  auto all = builtin_checkers().create_all();
  if (only.empty())
    return all;
  std::vector<std::unique_ptr<checker>> chosen;
  for (auto& c : all)
    for (const auto& name : only)
      if (c->name() == name)
        chosen.push_back(std::move(c));
  return chosen;
}

void print_result(const check_result& r) {
  if (r.ok()) {
    std::cout << "check " << r.name << ": ok (" << r.records << " records)\n";
    return;
  }
  std::cout << "check " << r.name << ": FAIL " << r.violations.total()
            << " violations\n";
  const auto& kept = r.violations.kept();
  for (size_t i = 0; i < kept.size() && i < violations_shown; ++i)
    std::cout << "  " << kept[i].to_string() << '\n';
  if (r.violations.total() > violations_shown)
    std::cout << "  ... " << r.violations.total() - violations_shown
              << " more\n";
}

void run_check(const check_options& o) {
  bool all_ok = true;
  guarded([&] {
    auto results = run_checkers(o.dir, select_checkers(o.only));
    for (const auto& r : results) {
      print_result(r);
      all_ok = all_ok && r.ok();
    }
    std::cout.flush();
  });
  if (!all_ok)
    throw CLI::RuntimeError(exit_checks_failed);
}

void add_check(CLI::App& trace) {
  auto o = std::make_shared<check_options>();
  CLI::App* sub = add_dir_command(
      trace, "check",
      "Run the invariant checkers over the merged trace. Prints "
      "'check <name>: ok (<N> records)' or 'check <name>: FAIL <k> "
      "violations' and up to 20 violations per checker",
      o->dir);
  std::string names;
  for (const auto& name : builtin_checkers().names())
    names += (names.empty() ? "" : ", ") + name;
  sub->add_option("--only", o->only,
                  "Run only these checkers (repeatable): " + names)
      ->check(CLI::IsMember(builtin_checkers().names()));
  sub->footer("Exit status: 0 all checks hold, 1 a check failed, 2 error "
              "(message on stderr starting with 'error: ').");
  sub->callback([o] { run_check(*o); });
}

void add_summary(CLI::App& trace) {
  auto dir = std::make_shared<std::string>();
  CLI::App* sub = add_dir_command(
      trace, "summary",
      "Summarise a trace: scenario, seed, nodes/shards, records, records "
      "per event, entities per kind, virtual time span",
      *dir);
  sub->footer(exit_footer);
  sub->callback([dir] {
    guarded([&] {
      trace_reader reader(*dir);
      print_summary(summarize(reader), std::cout);
      std::cout.flush();
    });
  });
}

} // namespace

void add_trace_command(CLI::App& root) {
  CLI::App* trace = root.add_subcommand(
      "trace", "Inspect a trace directory written by `run`, `node` or "
               "`bench --trace`");
  trace->require_subcommand(1);
  add_digest(*trace);
  add_export(*trace);
  add_check(*trace);
  add_summary(*trace);
}

} // namespace vmss
