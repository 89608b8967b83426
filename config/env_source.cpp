// The environment: SOCKD_<NAME> for every option of the table.
#include "config/sources.hpp"

#include "config/option_table.hpp"
#include "support/strings.hpp"

namespace sockd::config {

void parse_env(const char* const* envp, raw_map& out) {
  if (envp == nullptr)
    return;
  for (auto& s : specs()) {
    auto key = "SOCKD_" + ascii_upper(s.name) + "=";
    for (auto e = envp; *e != nullptr; ++e) {
      std::string_view entry{*e};
      if (starts_with(entry, key) && entry.size() > key.size())
        out[s.name] = raw_value{std::string{entry.substr(key.size())},
                                "environment " + key.substr(0, key.size() - 1)};
    }
  }
}

std::optional<std::string> env_value(const char* const* envp,
                                     std::string_view key) {
  if (envp == nullptr)
    return std::nullopt;
  std::optional<std::string> result;
  for (auto e = envp; *e != nullptr; ++e) {
    std::string_view entry{*e};
    if (entry.size() > key.size() + 1 && starts_with(entry, key)
        && entry[key.size()] == '=')
      result = std::string{entry.substr(key.size() + 1)};
  }
  return result;
}

} // namespace sockd::config
