// The option table: every option of docs/configuration.md is one row (its
// name, how usage() shows it, its default and meaning, and the setter that
// checks and stores its text). Adding an option is one row here plus its
// field in config/options.hpp.
#pragma once

#include <string_view>
#include <vector>

#include "config/setters.hpp"

namespace sockd::config {

/// `allowance.<type>` names one allowance query per topic type; these
/// options are open-ended, so they have no row.
constexpr std::string_view allowance_prefix = "allowance.";

struct spec {
  const char* name;
  const char* metavar; // shown in usage: --name=METAVAR
  const char* default_text;
  const char* meaning;
  setter set;
  bool is_bool = false; // `--name` alone means true
};

/// Every row, in the order usage() lists them.
const std::vector<spec>& specs();

/// The row named `name`, or nullptr.
const spec* find_spec(std::string_view name);

/// A row's name or an `allowance.` name.
bool known_name(std::string_view name);

} // namespace sockd::config
