// A JSON checker that never recurses: RFC 8259 values, strings in UTF-8 as
// nlohmann's parser requires them, nesting up to a limit, in one pass over
// the text with one bit of stack per level. It hands out the members of the
// two outer levels as spans of the text, so a frame is checked without
// building a DOM and its payload is relayed as the client wrote it.
// Sources: json_lexer.hpp (the tokens), json_scan.cpp (check),
// json_skim.cpp (skim), json_literal.cpp (reading checked literals).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sockd::protocol::json_scan {

/// The deepest nesting `check` supports (its stack holds this many bits).
constexpr int deepest = 4096;

enum class verdict { ok, malformed, too_deep };

/// Receives members of the two outer levels of objects, in text order.
class member_sink {
public:
  virtual ~member_sink() = default;

  /// `parent` is empty for a member of the outermost object; else it is the
  /// key of the outer member whose object value holds this member. Keys are
  /// raw string literals (quotes and escapes included); values are raw JSON
  /// text without the whitespace around them.
  virtual void member(std::string_view parent, std::string_view key,
                      std::string_view value)
    = 0;
};

/// Checks that `text` is one JSON value (a UTF-8 byte order mark and
/// whitespace around it allowed) nested at most `max_depth` levels: `{}` and
/// `[]` count one level each, scalars none. `sink` may be null; `object`,
/// when not null, tells whether the outer value is an object.
verdict check(std::string_view text, int max_depth, member_sink* sink,
              bool* object = nullptr);

/// Skims the outermost object of `text` without checking what is inside
/// its values and without allocating: calls `sink` for each top-level
/// member (`parent` empty). False when the text is not shaped like one
/// object; members seen before the mismatch were reported.
bool skim(std::string_view text, member_sink& sink);

/// Decodes a checked string literal (quotes included) to UTF-8.
std::string unquote(std::string_view raw);

/// Whether the checked string literal `raw` decodes to `word`.
bool equals(std::string_view raw, std::string_view word);

/// The value of a checked number literal that is an integer nlohmann reads
/// as one (no fraction or exponent, within int64 or uint64; a uint64 above
/// int64's range wraps, as nlohmann's `get<int64_t>` does). nullopt else.
std::optional<int64_t> integer(std::string_view raw);

/// Whether `s` is UTF-8 as RFC 3629 defines it: no overlong forms, no
/// surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

} // namespace sockd::protocol::json_scan
