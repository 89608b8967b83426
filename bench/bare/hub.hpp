// The bare server's topic registry: a topic is a list of sessions under one
// mutex, and a broadcast is one encoded frame handed to each of them.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace bench::bare {

/// A frame as it goes on the wire for the server's mode: pre-framed bytes
/// (coalescing mode) or the bare JSON text (naive mode, Beast frames it).
using frame_ptr = std::shared_ptr<const std::string>;

class session;

class hub {
public:
  explicit hub(bool preframed) : preframed_(preframed) {
    // nothing else
  }

  /// Encodes `json` once for every recipient.
  frame_ptr make_frame(const std::string& json) const;

  void join(const std::string& topic, const std::shared_ptr<session>& s);

  void leave(const std::string& topic, const session* s);

  /// Hands `frame` to every subscriber of `topic`.
  void publish(const std::string& topic, const frame_ptr& frame);

private:
  bool preframed_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<session>>>
    topics_;
};

} // namespace bench::bare
