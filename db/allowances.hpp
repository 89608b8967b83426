// Who may subscribe to what. Each topic type (the part of the topic before
// its first ':') maps to one SQL query that gets $1 the user id, $2 the
// handle and $3 the whole topic, all declared as text, and returns one
// boolean; no row or NULL means no. "*" is the query of every type not
// named; an empty query denies its type; a type without any query is
// denied.
//
// A configured query runs as a subquery behind a parameter subquery that
// types $1..$3 as text, so it may use any of them, or none.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/connection>

namespace sockd {

/// The shipped rules: every type matches topic_allowances (exact pattern,
/// or a pattern whose one trailing '*' makes it a prefix); exchange/0..2
/// follow Awayto's booking rule when its tables exist in the schema.
std::map<std::string, std::string>
default_allowances(const std::string& schema, bool awayto_tables_exist);

} // namespace sockd

namespace sockd::db {

/// Whether bookings, quotes and schedule_bracket_slots exist in `schema`.
bool awayto_tables_exist(pqxx::connection& conn, const std::string& schema);

/// The configured rules over the shipped defaults: a type configured wins.
std::map<std::string, std::string>
effective_allowances(const std::map<std::string, std::string>& configured,
                     const std::string& schema, bool awayto_tables_exist);

/// The rules of one connection, prepared as statements.
class allowance_table {
public:
  enum class verdict { deny, query, broken };

  struct entry {
    verdict kind = verdict::deny;
    std::string statement; // for verdict::query
    /// pg_temp function of the same query, taking ($1, $2, $3): re-checks
    /// call it once per topic for all members (evaluate_allowances). Empty
    /// when PostgreSQL refused to create it: one statement per member then.
    std::string function{};
  };

  allowance_table() = default;

  /// A table of entries prepared already, by type pattern (tests build
  /// one to check lookup() without a database).
  explicit allowance_table(std::map<std::string, entry> by_type)
    : by_type_(std::move(by_type)) {
  }

  /// Prepares one statement per distinct query. A query PostgreSQL refuses
  /// answers `broken` (the caller reports an internal error) instead of
  /// failing the connection; it is logged when `log_errors` is set.
  void prepare(pqxx::connection& conn,
               const std::map<std::string, std::string>& rules,
               bool log_errors);

  /// The rule for a topic type: the exact type's, else the longest
  /// matching prefix pattern's ("*" last); deny when none matches.
  entry lookup(const std::string& type) const;

private:
  std::map<std::string, entry> by_type_;
};

/// Runs a prepared allowance statement. A data error (e.g. a user id that
/// is not a uuid where the query needs one) is a denial; other errors
/// propagate. Throws std::runtime_error when the query's first column is
/// not a boolean.
bool evaluate_allowance(pqxx::connection& conn, const std::string& statement,
                        const std::string& sub, const std::string& handle,
                        const std::string& topic);

/// The subs among `subs` that the rule allows, in one statement for all of
/// them (the rule's function over unnest($1::text[])), in the order given.
/// A data error (a sub that is not a uuid where the query needs one) falls
/// back to one statement per sub, so that it denies that sub alone.
std::vector<std::string>
evaluate_allowances(pqxx::connection& conn,
                    const allowance_table::entry& rule,
                    const std::vector<std::string>& subs,
                    const std::string& handle, const std::string& topic);

/// For each row i, whether the rule allows (subs[i], handles[i],
/// topics[i]): one statement for every row (the rule's function over
/// unnest of the three arrays), for SUBSCRIBEs queued at one worker
/// (db/allow_batch.hpp). A data error, or a rule without a function, falls
/// back to one statement per row, so that a bad row denies itself alone.
std::vector<bool>
evaluate_allowance_rows(pqxx::connection& conn,
                        const allowance_table::entry& rule,
                        const std::vector<std::string>& subs,
                        const std::vector<std::string>& handles,
                        const std::vector<std::string>& topics);

/// PostgreSQL's text form of a text[]: {"a","b\"c"}.
std::string text_array(const std::vector<std::string>& items);

} // namespace sockd::db
