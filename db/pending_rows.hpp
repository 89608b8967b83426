// sock_connections writes waiting for the database: inserts for opened
// connections and deletes for closed ones, oldest first, bounded. Closing a
// connection whose insert is still waiting just forgets the insert.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace sockd::db {

class pending_rows {
public:
  struct op {
    bool open;        // insert (true) or delete (false)
    std::string cid;
    std::string sub;  // for inserts
  };

  explicit pending_rows(size_t capacity) : capacity_(capacity) {
  }

  void set_capacity(size_t capacity) {
    capacity_ = capacity;
  }

  /// Queues an insert; drops the oldest entry when full.
  void open(std::string cid, std::string sub);

  /// Forgets a waiting insert of `cid`; returns false when there was none
  /// (the caller then deletes the row, or queues the delete).
  bool cancel_open(const std::string& cid);

  /// Queues a delete; drops the oldest entry when full.
  void close(std::string cid);

  bool empty() const {
    return ops_.empty();
  }

  size_t size() const {
    return ops_.size();
  }

  const op& front() const {
    return ops_.front();
  }

  void pop_front();

  /// Copies the oldest entries of the same kind as the front, at most
  /// `max`, into `run`: one transaction writes them.
  void front_run(size_t max, std::vector<op>& run) const;

  /// Entries dropped for lack of room since the last call.
  size_t take_dropped() {
    auto n = dropped_;
    dropped_ = 0;
    return n;
  }

private:
  void push(op x);

  size_t capacity_;
  size_t dropped_ = 0;
  std::list<op> ops_;
  std::unordered_map<std::string, std::list<op>::iterator> opens_;
};

} // namespace sockd::db
