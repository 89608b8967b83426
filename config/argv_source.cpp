// The command line: --name=value, or --name value; a boolean option alone
// (`--dev`) is true. --config names the file and is no option of the table.
#include "config/sources.hpp"

#include "config/option_table.hpp"
#include "config/values.hpp"
#include "support/strings.hpp"

namespace sockd::config {

std::string parse_args(int argc, const char* const* argv, command_line& out) {
  const std::string source = "command line";
  for (int i = 0; i < argc; ++i) {
    std::string_view arg{argv[i] != nullptr ? argv[i] : ""};
    if (!starts_with(arg, "--") || arg == "--")
      return "unexpected argument " + quote(arg)
             + " (options are --name=value)";
    arg.remove_prefix(2);
    auto eq = arg.find('=');
    auto name = std::string{arg.substr(0, eq)};
    std::optional<std::string> value;
    if (eq != arg.npos)
      value = std::string{arg.substr(eq + 1)};
    auto s = find_spec(name);
    if (name != "config" && !known_name(name))
      return "unknown option " + quote(name) + " (" + source + ")";
    if (!value) {
      auto has_next = i + 1 < argc && argv[i + 1] != nullptr;
      std::string_view next{has_next ? argv[i + 1] : ""};
      if (s != nullptr && s->is_bool) {
        // `--dev` alone is true; `--dev false` is understood too.
        if (has_next && parse_bool(next)) {
          value = std::string{next};
          ++i;
        } else {
          value = "true";
        }
      } else if (!has_next || starts_with(next, "--")) {
        return "option --" + name + " needs a value";
      } else {
        value = std::string{next};
        ++i;
      }
    }
    if (name == "config")
      out.config_path = std::move(*value);
    else
      out.values[name] = raw_value{std::move(*value), source};
  }
  return {};
}

} // namespace sockd::config
