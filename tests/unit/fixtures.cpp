#include "tests/unit/fixtures.hpp"

#include <algorithm>

#include "interfaces/errors.hpp"

namespace sockd::test {

namespace {

// Spawned with its script as an argument: CAF 0.17 dereferences a null
// argument tuple for function actors spawned without arguments.
database_actor::behavior_type
database_double(std::shared_ptr<database_script> script) {
  auto unavailable = [] {
    return make_error(errc::unavailable, "database unavailable");
  };
  return {
    [=](allow_atom, const std::string&, const std::string& sub,
        const std::string&, const std::string& topic) -> caf::result<bool> {
      if (script->down)
        return unavailable();
      return script->allowed.count({sub, topic}) > 0;
    },
    [=](allow_atom, const std::string&, const string_list& subs,
        const std::string&, const std::string& topic)
      -> caf::result<string_list> {
      ++script->batched_allows;
      if (script->down)
        return unavailable();
      string_list result;
      for (auto& sub : subs)
        if (script->allowed.count({sub, topic}) > 0)
          result.push_back(sub);
      return result;
    },
    [=](ping_atom) -> caf::result<bool> {
      if (script->down)
        return unavailable();
      return true;
    },
    [=](opened_atom, const std::string& cid, const std::string&) {
      script->opened.push_back(cid);
    },
    [=](closed_atom, const std::string& cid) {
      script->closed.push_back(cid);
    },
    [=](store_atom, stored_message& row) -> caf::result<int64_t> {
      if (script->down || script->fail_stores)
        return unavailable();
      script->stored.push_back(std::move(row));
      return static_cast<int64_t>(script->stored.size());
    },
    [=](history_atom, const std::string& topic, int32_t page,
        int32_t size) -> caf::result<frame_list, bool> {
      if (script->down)
        return unavailable();
      frame_list rows;
      for (auto i = script->stored.rbegin(); i != script->stored.rend(); ++i)
        if (i->topic == topic)
          rows.push_back(i->frame);
      size_t first = static_cast<size_t>(page - 1) * size;
      frame_list page_rows;
      for (size_t i = first; i < rows.size() && i < first + size; ++i)
        page_rows.push_back(rows[i]);
      return {page_rows, rows.size() > first + size};
    },
    [=](writers_atom, const std::string&,
        const string_list&) -> caf::result<writer_list> {
      ++script->writer_queries;
      if (script->down)
        return unavailable();
      return script->writers;
    },
    [=](positions_atom, const std::string& topic, const std::string& epoch,
        int64_t after, int64_t limit) -> caf::result<positioned_rows> {
      if (script->down)
        return unavailable();
      positioned_rows rows;
      for (auto& x : script->stored)
        if (x.topic == topic && x.epoch == epoch && x.offset > after)
          rows.push_back(positioned_row{x.offset, x.frame});
      std::sort(rows.begin(), rows.end(),
                [](const positioned_row& a, const positioned_row& b) {
                  return a.offset < b.offset;
                });
      if (rows.size() > static_cast<size_t>(limit))
        rows.resize(static_cast<size_t>(limit));
      return rows;
    },
    [=](retry_atom) {
      // nop
    },
  };
}

caf::behavior peer(int) {
  return {[](int) {
    // nop
  }};
}

} // namespace

database_actor spawn_database_double(caf::actor_system& sys,
                                     std::shared_ptr<database_script> script) {
  return sys.spawn(database_double, std::move(script));
}

caf::actor spawn_peer(caf::actor_system& sys) {
  return sys.spawn(peer, 0);
}

} // namespace sockd::test
