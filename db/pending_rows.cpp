#include "db/pending_rows.hpp"

#include <utility>

namespace sockd::db {

void pending_rows::open(std::string cid, std::string sub) {
  // A repeated id replaces its older insert rather than writing two rows.
  cancel_open(cid);
  push(op{true, std::move(cid), std::move(sub)});
  opens_[ops_.back().cid] = std::prev(ops_.end());
}

bool pending_rows::cancel_open(const std::string& cid) {
  auto i = opens_.find(cid);
  if (i == opens_.end())
    return false;
  ops_.erase(i->second);
  opens_.erase(i);
  return true;
}

void pending_rows::close(std::string cid) {
  push(op{false, std::move(cid), {}});
}

void pending_rows::pop_front() {
  if (ops_.empty())
    return;
  if (ops_.front().open)
    opens_.erase(ops_.front().cid);
  ops_.pop_front();
}

void pending_rows::front_run(size_t max, std::vector<op>& run) const {
  run.clear();
  for (auto& x : ops_) {
    if (run.size() == max || (!run.empty() && x.open != run.front().open))
      break;
    run.push_back(x);
  }
}

void pending_rows::push(op x) {
  while (capacity_ > 0 && ops_.size() >= capacity_) {
    pop_front();
    ++dropped_;
  }
  ops_.push_back(std::move(x));
}

} // namespace sockd::db
