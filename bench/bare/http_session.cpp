#include "bare/http_session.hpp"

#include <atomic>
#include <cinttypes>
#include <cstdint>
#include <chrono>
#include <cstdio>

#include <boost/beast/websocket.hpp>

#include "bare/naive_session.hpp"
#include "bare/raw_session.hpp"

namespace bench::bare {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Tickets only need the shape of sockd's (`<uuid>:<uuid>`), so that frames
// carry a sender of the same length; uniqueness within the process will do.
std::string fake_uuid() {
  static std::atomic<uint64_t> counter{0};
  auto n = counter.fetch_add(1, std::memory_order_relaxed);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "00000000-0000-4000-8000-%012" PRIx64,
                static_cast<uint64_t>(n & 0xFFFFFFFFFFFF));
  return buf;
}

bool starts_with(beast::string_view s, beast::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

} // namespace

http_session::http_session(beast::tcp_stream&& stream, hub& h,
                           const server_config& cfg)
  : stream_(std::move(stream)), hub_(h), cfg_(cfg) {
  // nothing else
}

void http_session::run() {
  do_read();
}

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(8 * 1024);
  stream_.expires_after(std::chrono::seconds(30));
  auto self = shared_from_this();
  http::async_read(stream_, buffer_, *parser_,
                   [self](beast::error_code ec, size_t n) {
                     self->on_read(ec, n);
                   });
}

void http_session::on_read(beast::error_code ec, size_t) {
  if (ec) {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send,
                              ignored);
    return;
  }
  auto req = parser_->release();
  if (beast::websocket::is_upgrade(req) && starts_with(req.target(), "/sock"))
    return upgrade(std::move(req));
  response_ = std::make_shared<http::response<http::string_body>>();
  auto& res = *response_;
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set(http::field::content_type, "application/json");
  auto target = req.target();
  if (req.method() == http::verb::get
      && (starts_with(target, "/ticket")
          || starts_with(target, "/v1/sock/ticket"))) {
    res.result(http::status::ok);
    res.body() = "{\"ticket\":\"" + fake_uuid() + ":" + fake_uuid() + "\"}";
  } else {
    res.result(http::status::not_found);
    res.body() = R"({"error":{"code":"not_found","message":"no such path"}})";
  }
  res.prepare_payload();
  auto self = shared_from_this();
  auto keep_alive = res.keep_alive();
  http::async_write(stream_, res,
                    [self, keep_alive](beast::error_code ec, size_t n) {
                      self->on_write(keep_alive, ec, n);
                    });
}

void http_session::on_write(bool keep_alive, beast::error_code ec, size_t) {
  response_.reset();
  if (ec)
    return;
  if (!keep_alive) {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send,
                              ignored);
    return;
  }
  do_read();
}

void http_session::upgrade(request req) {
  std::string cid;
  auto target = req.target();
  auto colon = target.find(':');
  if (colon != beast::string_view::npos)
    cid = std::string{target.substr(colon + 1)};
  if (cid.empty() || cid.size() > 64)
    cid = fake_uuid();
  stream_.expires_never();
  if (cfg_.coalesce) {
    auto s = std::make_shared<raw_session>(hub_, std::move(cid),
                                           stream_.release_socket(),
                                           std::move(buffer_),
                                           cfg_.max_queued_bytes);
    s->run(std::move(req));
  } else {
    auto s = std::make_shared<naive_session>(hub_, std::move(cid),
                                             std::move(stream_),
                                             cfg_.max_queued_bytes);
    s->run(std::move(req));
  }
}

} // namespace bench::bare
