#include "config/setters.hpp"

#include <algorithm>
#include <limits>

#include "config/values.hpp"
#include "support/log.hpp"
#include "support/strings.hpp"

namespace sockd::config {

namespace {

std::string range_text(int64_t lo, int64_t hi, int64_t type_max) {
  if (hi == type_max)
    return "(at least " + std::to_string(lo) + ")";
  return "(" + std::to_string(lo) + " to " + std::to_string(hi) + ")";
}

template <class T>
setter integer_of(T options::*field, int64_t lo, int64_t hi) {
  return [field, lo, hi](options& o, std::string_view v) -> std::string {
    auto x = parse_int(v);
    if (!x)
      return quote(v) + " is not an integer";
    if (*x < lo || *x > hi)
      return quote(v) + " is out of range "
             + range_text(lo, hi, std::numeric_limits<T>::max());
    o.*field = static_cast<T>(*x);
    return {};
  };
}

} // namespace

setter integer(int options::*field, int64_t lo, int64_t hi) {
  return integer_of(field, lo, hi);
}

setter integer(int64_t options::*field, int64_t lo, int64_t hi) {
  return integer_of(field, lo, hi);
}

setter positive_real(double options::*field) {
  return [field](options& o, std::string_view v) -> std::string {
    auto x = parse_real(v);
    if (!x)
      return quote(v) + " is not a number";
    if (*x <= 0)
      return quote(v) + " is out of range (greater than 0)";
    o.*field = *x;
    return {};
  };
}

setter boolean(bool options::*field) {
  return [field](options& o, std::string_view v) -> std::string {
    auto x = parse_bool(v);
    if (!x)
      return quote(v) + " is not a boolean (true/false, 1/0, yes/no, on/off)";
    o.*field = *x;
    return {};
  };
}

setter text(std::string options::*field) {
  return [field](options& o, std::string_view v) -> std::string {
    o.*field = std::string{v};
    return {};
  };
}

setter non_empty_text(std::string options::*field) {
  return [field](options& o, std::string_view v) -> std::string {
    if (trim(v).empty())
      return "must not be empty";
    o.*field = std::string{v};
    return {};
  };
}

setter address(std::string options::*field, bool allow_empty) {
  return [field, allow_empty](options& o, std::string_view v) -> std::string {
    auto t = trim(v);
    if (t.empty() && allow_empty) {
      (o.*field).clear();
      return {};
    }
    host_port hp;
    if (auto err = split_host_port(t, hp, 0); !err.empty())
      return err;
    o.*field = std::string{t};
    return {};
  };
}

std::string set_schema(options& o, std::string_view v) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
           || (c >= '0' && c <= '9');
  };
  if (v.empty() || v.size() > 63 || (v.front() >= '0' && v.front() <= '9')
      || !std::all_of(v.begin(), v.end(), ok_char))
    return quote(v)
           + " is not a plain SQL identifier (letters, digits and _,"
             " not starting with a digit, at most 63)";
  o.schema = std::string{v};
  return {};
}

std::string set_origins(options& o, std::string_view v) {
  o.allowed_origins = split_list(v);
  return {};
}

std::string set_seeds(options& o, std::string_view v) {
  auto seeds = split_list(v);
  for (auto& seed : seeds) {
    host_port hp;
    if (auto err = split_host_port(seed, hp, 1); !err.empty())
      return err;
  }
  o.cluster_seeds = std::move(seeds);
  return {};
}

std::string set_turn_uris(options& o, std::string_view v) {
  auto uris = split_list(v);
  for (auto& uri : uris) {
    auto colon = uri.find(':');
    auto scheme = uri.substr(0, colon == std::string::npos ? 0 : colon);
    if (scheme != "turn" && scheme != "turns" && scheme != "stun"
        && scheme != "stuns")
      return quote(uri) + " is not a turn:, turns:, stun: or stuns: URI";
    if (colon + 1 == uri.size())
      return quote(uri) + " has no host";
    auto bad = [](char c) {
      return is_ascii_space(c) || static_cast<unsigned char>(c) < 0x20;
    };
    if (std::any_of(uri.begin(), uri.end(), bad))
      return quote(uri) + " holds a space or a control character";
  }
  o.turn_uris = std::move(uris);
  return {};
}

std::string set_log_format(options& o, std::string_view v) {
  auto name = trim(v);
  if (!parse_log_format(name))
    return quote(v) + " is not text or json";
  o.log_format = std::string{name};
  return {};
}

std::string set_log_level(options& o, std::string_view v) {
  auto name = trim(v);
  if (!parse_log_level(name))
    return quote(v) + " is not debug, info, warn or error";
  o.log_level = std::string{name};
  return {};
}

} // namespace sockd::config
