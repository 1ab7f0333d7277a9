/// Shared parts of the `trace` subcommands (see the header).

#include "runners/trace_support.hpp"

namespace vmss::trace_cli {

const char* const exit_footer =
    "Exit status: 0 success, 2 error (message on stderr starting with "
    "'error: ').";

analysis::trace_reader open_trace(const std::string& dir,
                                  analysis::read_options options) {
  analysis::trace_reader reader(dir, options);
  std::string note = analysis::incomplete_note(reader.manifest());
  if (!note.empty())
    tell_user(user_line::warning, dir + ": " + note);
  return reader;
}

CLI::App* add_dir_command(CLI::App& trace, const char* name,
                          const char* description, std::string& dir) {
  CLI::App* sub = trace.add_subcommand(name, description);
  sub->add_option("DIR", dir,
                  "Trace directory (manifest.json + shard-<node>.capnp)")
      ->required();
  return sub;
}

} // namespace vmss::trace_cli
