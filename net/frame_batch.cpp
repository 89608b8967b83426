#include "net/frame_batch.hpp"

#include <cstring>
#include <utility>

namespace sockd::net {

out_frame data_frame(frame_ptr payload) {
  out_frame f;
  f.header_size = static_cast<uint8_t>(
    ws::encode_header(f.header, ws::opcode::text, payload->size()));
  f.payload = std::move(payload);
  return f;
}

out_frame control_frame(ws::opcode op, std::string payload) {
  if (payload.size() > ws::max_control_payload)
    payload.resize(ws::max_control_payload);
  out_frame f;
  f.header_size
    = static_cast<uint8_t>(ws::encode_header(f.header, op, payload.size()));
  f.payload = make_frame(std::move(payload));
  f.is_close = op == ws::opcode::close;
  return f;
}

size_t frame_batch::fill(iovec* out, size_t max) const {
  return fill(out, max, nullptr, 0, 0);
}

size_t frame_batch::fill(iovec* out, size_t max, char* scratch,
                         size_t scratch_size, size_t copy_below) const {
  size_t count = 0;
  size_t used = 0; // scratch bytes taken
  // Adds one piece; false once `out` is full.
  auto add = [&](const char* data, size_t size) {
    if (size == 0)
      return true;
    if (size < copy_below && scratch_size - used >= size) {
      auto dst = scratch + used;
      std::memcpy(dst, data, size);
      used += size;
      if (count > 0
          && static_cast<char*>(out[count - 1].iov_base)
                 + out[count - 1].iov_len
               == dst) {
        out[count - 1].iov_len += size; // right after the last copy
        return true;
      }
      if (count == max)
        return false;
      out[count++] = iovec{dst, size};
      return true;
    }
    if (count == max)
      return false;
    out[count++] = iovec{const_cast<char*>(data), size};
    return true;
  };
  auto skip = offset_;
  for (auto i = next_; i < frames_.size(); ++i) {
    auto& f = frames_[i];
    auto head = reinterpret_cast<const char*>(f.header);
    auto& body = *f.payload;
    bool more;
    if (skip < f.header_size) {
      more = add(head + skip, f.header_size - skip)
             && add(body.data(), body.size());
    } else {
      skip -= f.header_size;
      more = add(body.data() + skip, body.size() - skip);
    }
    skip = 0;
    if (!more || count == max)
      break;
  }
  return count;
}

size_t frame_batch::append_to(std::string& out) const {
  auto before = out.size();
  auto skip = offset_;
  for (auto i = next_; i < frames_.size(); ++i) {
    auto& f = frames_[i];
    auto head = reinterpret_cast<const char*>(f.header);
    if (skip < f.header_size) {
      out.append(head + skip, f.header_size - skip);
      out.append(*f.payload);
    } else {
      out.append(*f.payload, skip - f.header_size);
    }
    skip = 0;
  }
  return out.size() - before;
}

void frame_batch::advance(size_t bytes) {
  while (bytes > 0 && next_ < frames_.size()) {
    auto left = frames_[next_].size() - offset_;
    if (bytes < left) {
      offset_ += bytes;
      return;
    }
    bytes -= left;
    offset_ = 0;
    ++next_;
  }
}

void frame_batch::drop_unstarted() {
  auto keep = offset_ > 0 ? next_ + 1 : next_;
  if (keep < frames_.size())
    frames_.erase(frames_.begin() + static_cast<std::ptrdiff_t>(keep),
                  frames_.end());
}

void frame_batch::clear(size_t keep) {
  frames_.clear();
  if (frames_.capacity() > keep)
    std::vector<out_frame>{}.swap(frames_);
  next_ = 0;
  offset_ = 0;
}

} // namespace sockd::net
