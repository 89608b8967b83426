// A client's way to ready: the ticket over its own HTTP connection, the
// WebSocket upgrade, the subscribe (each connection TLS-handshaken first when
// the target says so). Frames once upgraded: client_frames.cpp.
#include "loadgen/client.hpp"

#include <array>

#include <boost/asio/connect.hpp>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>

#include "loadgen/sockets.hpp"

namespace bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  auto len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

std::string expected_accept(const std::string& key) {
  auto input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest;
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
       digest.data());
  return base64(digest.data(), digest.size());
}

} // namespace

client::client(net::io_context& ioc, const target_config& target,
               client_observer& observer, uint32_t index, std::string topic,
               std::string token)
  : ioc_(ioc),
    target_(target),
    observer_(observer),
    index_(index),
    topic_(std::move(topic)),
    token_(std::move(token)),
    rng_(index * 2654435761u + 12345u),
    socket_(ioc) {
  if (rng_ == 0)
    rng_ = 1;
}

void client::start(std::chrono::milliseconds timeout) {
  started_ = steady::now();
  deadline_ = started_ + timeout;
  if (target_.ticket)
    fetch_ticket();
  else
    open_socket();
}

void client::check_deadline(steady::time_point now) {
  if (now <= deadline_)
    return;
  switch (state_) {
    case state::ticket:
      return fail("timeout:ticket");
    case state::upgrade:
      return fail("timeout:upgrade");
    case state::subscribing:
      return fail("timeout:subscribe");
    default:
      return;
  }
}

void client::fetch_ticket() {
  state_ = state::ticket;
  auto* pool = target_.tickets;
  if (pool != nullptr && !target_.tls && !pool->idle.empty()) {
    ticket_socket_.emplace(std::move(pool->idle.back()));
    pool->idle.pop_back();
    ticket_reused_ = true;
    ++pool->reused;
    return send_ticket_request();
  }
  connect_ticket();
}

// A fresh connection for the ticket.
void client::connect_ticket() {
  ticket_reused_ = false;
  if (target_.tickets != nullptr)
    ++target_.tickets->opened;
  ticket_socket_.emplace(ioc_);
  open_spread(*ticket_socket_, target_.endpoint, index_);
  auto self = shared_from_this();
  ticket_socket_->async_connect(target_.endpoint,
                                [self](beast::error_code ec) {
                                  self->on_ticket_connect(ec);
                                });
}

void client::on_ticket_connect(beast::error_code ec) {
  if (state_ != state::ticket)
    return;
  if (ec)
    return fail(describe("ticket_connect", ec));
  beast::error_code ignored;
  ticket_socket_->set_option(tcp::no_delay{true}, ignored);
  if (!target_.tls)
    return send_ticket_request();
  ticket_tls_.emplace(*ticket_socket_, *target_.tls);
  auto self = shared_from_this();
  ticket_tls_->async_handshake(net::ssl::stream_base::client,
                               [self](beast::error_code ec) {
                                 if (self->state_ != state::ticket)
                                   return;
                                 if (ec)
                                   return self->fail(
                                     describe("ticket_tls", ec));
                                 self->send_ticket_request();
                               });
}

void client::send_ticket_request() {
  request_.emplace(http::verb::get, "/ticket", 11);
  request_->set(http::field::host, target_.host);
  request_->set(http::field::authorization, "Bearer " + token_);
  request_->keep_alive(target_.tickets != nullptr && !target_.tls);
  auto self = shared_from_this();
  with_ticket_stream([&](auto& stream) {
    http::async_write(stream, *request_, [self, &stream](beast::error_code ec,
                                                         size_t) {
      if (self->state_ != state::ticket)
        return;
      if (ec && self->ticket_reused_) {
        // The server closed the idle connection (its handshake_timeout
        // ends a kept-alive one): a fresh one, as a browser would.
        drop(*self->ticket_socket_);
        return self->connect_ticket();
      }
      if (ec)
        return self->fail(describe("ticket_write", ec));
      self->parser_.emplace();
      self->parser_->body_limit(64 * 1024);
      http::async_read(stream, self->http_buffer_, *self->parser_,
                       [self](beast::error_code ec, size_t) {
                         self->on_ticket_read(ec);
                       });
    });
  });
}

void client::on_ticket_read(beast::error_code ec) {
  if (state_ != state::ticket)
    return;
  if (ec && ticket_reused_) {
    drop(*ticket_socket_); // closed while idle: see send_ticket_request
    parser_.reset();
    http_buffer_.clear();
    return connect_ticket();
  }
  if (ec)
    return fail(describe("ticket_read", ec));
  auto& res = parser_->get();
  if (res.result_int() != 200)
    return fail("http_" + std::to_string(res.result_int()));
  // {"ticket":"<authCode>:<connectionId>"}
  const auto& body = res.body();
  auto key = body.find("\"ticket\"");
  auto open = key == std::string::npos ? key : body.find('"', key + 8);
  auto close = open == std::string::npos ? open : body.find('"', open + 1);
  if (close == std::string::npos)
    return fail("ticket_body");
  ticket_ = body.substr(open + 1, close - open - 1);
  if (target_.tickets != nullptr && !target_.tls && res.keep_alive()
      && http_buffer_.size() == 0) {
    target_.tickets->idle.push_back(std::move(*ticket_socket_));
  } else {
    // No TLS close_notify: the server is done with this connection (the
    // response said close), and RST keeps TIME_WAIT away as in plain mode.
    drop(*ticket_socket_);
  }
  ticket_tls_.reset();
  ticket_socket_.reset();
  parser_.reset();
  http_buffer_.clear();
  open_socket();
}

void client::open_socket() {
  state_ = state::upgrade;
  open_spread(socket_, target_.endpoint, index_);
  auto self = shared_from_this();
  socket_.async_connect(target_.endpoint, [self](beast::error_code ec) {
    self->on_connect(ec);
  });
}

void client::on_connect(beast::error_code ec) {
  if (state_ != state::upgrade)
    return;
  if (ec)
    return fail(describe("connect", ec));
  beast::error_code ignored;
  socket_.set_option(tcp::no_delay{true}, ignored);
  if (!target_.tls)
    return send_upgrade();
  tls_.emplace(socket_, *target_.tls);
  auto self = shared_from_this();
  tls_->async_handshake(net::ssl::stream_base::client,
                        [self](beast::error_code ec) {
                          if (self->state_ != state::upgrade)
                            return;
                          if (ec)
                            return self->fail(describe("tls", ec));
                          self->send_upgrade();
                        });
}

void client::send_upgrade() {
  std::array<unsigned char, 16> nonce;
  for (size_t i = 0; i < nonce.size(); i += 4) {
    auto r = next_mask();
    for (size_t j = 0; j < 4; ++j)
      nonce[i + j] = static_cast<unsigned char>(r >> (8 * j));
  }
  ws_key_ = base64(nonce.data(), nonce.size());
  auto path = target_.ws_path;
  if (target_.ticket)
    path += "?ticket=" + ticket_;
  request_.emplace(http::verb::get, path, 11);
  request_->set(http::field::host, target_.host);
  request_->set(http::field::upgrade, "websocket");
  request_->set(http::field::connection, "Upgrade");
  request_->set(http::field::sec_websocket_key, ws_key_);
  request_->set(http::field::sec_websocket_version, "13");
  auto self = shared_from_this();
  with_stream([&](auto& stream) {
    http::async_write(stream, *request_, [self, &stream](beast::error_code ec,
                                                         size_t) {
      if (self->state_ != state::upgrade)
        return;
      if (ec)
        return self->fail(describe("upgrade_write", ec));
      self->parser_.emplace();
      self->parser_->body_limit(64 * 1024);
      http::async_read(stream, self->in_, *self->parser_,
                       [self](beast::error_code ec, size_t) {
                         self->on_upgrade_read(ec);
                       });
    });
  });
}

std::string client::tls_summary() const {
  if (!tls_)
    return {};
  // native_handle() is not const in Asio; reading the session changes nothing.
  auto* ssl = const_cast<tls_stream&>(*tls_).native_handle();
  return std::string{SSL_get_version(ssl)} + " " + SSL_get_cipher_name(ssl);
}

void client::on_upgrade_read(beast::error_code ec) {
  if (state_ != state::upgrade)
    return;
  if (ec)
    return fail(describe("upgrade_read", ec));
  auto& res = parser_->get();
  if (res.result_int() != 101)
    return fail("http_" + std::to_string(res.result_int()));
  if (res[http::field::sec_websocket_accept] != expected_accept(ws_key_))
    return fail("bad_accept");
  parser_.reset();
  request_.reset();
  state_ = state::subscribing;
  if (target_.kind == wire_kind::sockd)
    queue_message(sockd_wire::subscribe(topic_));
  else
    queue_message(nats_wire::connect_and_subscribe(topic_));
  if (!consume_frames())
    return;
  do_read();
}

} // namespace bench
