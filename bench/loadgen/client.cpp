#include "loadgen/client.hpp"

#include <array>

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "common/ws_frame.hpp"

namespace bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The largest server message the load generator accepts.
constexpr size_t max_message_bytes = 1 << 20;

constexpr size_t read_chunk = 16 * 1024;

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

// A short, stable name for an error, used as a key of the error counts.
std::string describe(const char* step, const beast::error_code& ec) {
  std::string what;
  if (ec == net::error::connection_refused)
    what = "refused";
  else if (ec == net::error::connection_reset)
    what = "reset";
  else if (ec == net::error::eof || ec == http::error::end_of_stream)
    what = "eof";
  else if (ec == net::error::timed_out)
    what = "timed_out";
  else if (ec == net::error::broken_pipe)
    what = "broken_pipe";
  else
    what = ec.message();
  return std::string{step} + ":" + what;
}

// Opens `socket` on one of 64 loopback source addresses (127.0.0.2-65)
// when the target is IPv4 loopback. With thousands of connections to one
// address and port, the kernel's search for a free ephemeral port
// (__inet_hash_connect) otherwise dominates the load generator's CPU;
// spread over 64 sources, each port space stays sparse.
void open_spread(tcp::socket& socket, const tcp::endpoint& target,
                 uint32_t index) {
  beast::error_code ec;
  if (!target.address().is_v4() || !target.address().is_loopback())
    return;
  socket.open(tcp::v4(), ec);
  if (ec)
    return;
  int one = 1;
  ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
               &one, sizeof(one));
  auto source = net::ip::make_address_v4((127u << 24) | (2 + index % 64));
  socket.bind({source, 0}, ec);
  if (ec) {
    // Fall back to the kernel's choice of source.
    beast::error_code ignored;
    socket.close(ignored);
  }
}

void drop(tcp::socket& socket) {
  if (!socket.is_open())
    return;
  beast::error_code ignored;
  // Linger 0: close with RST and leave no TIME_WAIT behind, so that
  // repeated runs do not exhaust the ephemeral ports.
  socket.set_option(net::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
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

uint32_t client::next_mask() {
  // xorshift32: masks only need to vary, not to be secret, in a benchmark.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 17;
  rng_ ^= rng_ << 5;
  return rng_ == 0 ? 1 : rng_;
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
  request_.emplace(http::verb::get, "/ticket", 11);
  request_->set(http::field::host, target_.host);
  request_->set(http::field::authorization, "Bearer " + token_);
  request_->keep_alive(false);
  auto self = shared_from_this();
  http::async_write(*ticket_socket_, *request_,
                    [self](beast::error_code ec, size_t) {
                      if (self->state_ != state::ticket)
                        return;
                      if (ec)
                        return self->fail(describe("ticket_write", ec));
                      self->parser_.emplace();
                      self->parser_->body_limit(64 * 1024);
                      http::async_read(*self->ticket_socket_,
                                       self->http_buffer_, *self->parser_,
                                       [self](beast::error_code ec, size_t) {
                                         self->on_ticket_read(ec);
                                       });
                    });
}

void client::on_ticket_read(beast::error_code ec) {
  if (state_ != state::ticket)
    return;
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
  drop(*ticket_socket_);
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
  http::async_write(socket_, *request_, [self](beast::error_code ec, size_t) {
    if (self->state_ != state::upgrade)
      return;
    if (ec)
      return self->fail(describe("upgrade_write", ec));
    self->parser_.emplace();
    self->parser_->body_limit(64 * 1024);
    http::async_read(self->socket_, self->in_, *self->parser_,
                     [self](beast::error_code ec, size_t) {
                       self->on_upgrade_read(ec);
                     });
  });
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

void client::publish(uint64_t seq, int64_t sent_ns) {
  if (state_ != state::ready)
    return;
  if (target_.kind == wire_kind::sockd)
    queue_message(sockd_wire::publish(topic_, seq, sent_ns));
  else
    queue_message(nats_wire::publish(topic_, seq, sent_ns));
}

void client::do_read() {
  auto self = shared_from_this();
  socket_.async_read_some(in_.prepare(read_chunk),
                          [self](beast::error_code ec, size_t n) {
                            self->on_read(ec, n);
                          });
}

void client::on_read(beast::error_code ec, size_t n) {
  if (state_ == state::failed)
    return;
  if (ec)
    return fail(describe(state_ == state::ready ? "read" : "subscribe_read",
                         ec));
  in_.commit(n);
  if (consume_frames())
    do_read();
}

bool client::consume_frames() {
  while (state_ != state::failed) {
    auto data = in_.data();
    ws::frame f;
    size_t used = 0;
    auto st = ws::decode_frame(static_cast<char*>(data.data()), data.size(),
                               max_message_bytes, false, f, used);
    if (st == ws::decode_status::incomplete)
      return true;
    if (st != ws::decode_status::ok) {
      fail(st == ws::decode_status::too_big ? "frame_too_big" : "bad_frame");
      return false;
    }
    bool alive = true;
    switch (f.op) {
      case ws::opcode::text:
      case ws::opcode::binary:
      case ws::opcode::continuation:
        if (fragments_.size() + f.payload.size() > max_message_bytes) {
          fail("message_too_big");
          return false;
        }
        if (f.fin && fragments_.empty()) {
          alive = on_message(f.payload);
        } else {
          fragments_.append(f.payload.data(), f.payload.size());
          if (f.fin) {
            auto whole = std::move(fragments_);
            fragments_.clear();
            alive = on_message(whole);
          }
        }
        break;
      case ws::opcode::ping: {
        std::string pong_frame;
        ws::append_frame(pong_frame, ws::opcode::pong, f.payload, next_mask());
        pending_ += pong_frame;
        flush();
        break;
      }
      case ws::opcode::pong:
        break;
      case ws::opcode::close: {
        unsigned code = 1005;
        if (f.payload.size() >= 2)
          code = (static_cast<unsigned char>(f.payload[0]) << 8)
                 | static_cast<unsigned char>(f.payload[1]);
        fail("closed_by_server:" + std::to_string(code));
        return false;
      }
    }
    if (!alive || state_ == state::failed)
      return false;
    in_.consume(used);
  }
  return false;
}

bool client::on_message(std::string_view payload) {
  if (target_.kind == wire_kind::sockd)
    return on_event(sockd_wire::classify(payload));
  nats_.append(payload);
  wire_event ev;
  bool bad = false;
  while (nats_.next(ev, bad))
    if (!on_event(ev))
      return false;
  if (bad) {
    fail("nats_parse");
    return false;
  }
  return true;
}

bool client::on_event(const wire_event& ev) {
  switch (ev.kind) {
    case wire_event::subscribed:
      if (state_ == state::subscribing) {
        state_ = state::ready;
        observer_.on_ready(*this);
      }
      break;
    case wire_event::delivery:
      observer_.on_delivery(*this, ev.seq, ev.sent_ns);
      break;
    case wire_event::ping:
      queue_message(target_.kind == wire_kind::sockd ? sockd_wire::pong()
                                                     : nats_wire::pong());
      break;
    case wire_event::error:
      if (state_ == state::subscribing) {
        fail("subscribe_error:" + std::string{ev.detail});
        return false;
      }
      ++error_frames;
      break;
    case wire_event::other:
      break;
  }
  return state_ != state::failed;
}

void client::queue_message(std::string_view payload) {
  // NATS takes its protocol in binary frames; sockd wants text.
  auto op = target_.kind == wire_kind::sockd ? ws::opcode::text
                                             : ws::opcode::binary;
  ws::append_frame(pending_, op, payload, next_mask());
  flush();
}

void client::flush() {
  if (write_in_flight_ || pending_.empty() || state_ == state::failed)
    return;
  writing_.swap(pending_);
  pending_.clear();
  write_in_flight_ = true;
  auto self = shared_from_this();
  net::async_write(socket_, net::buffer(writing_),
                   [self](beast::error_code ec, size_t) {
                     self->on_write(ec);
                   });
}

void client::on_write(beast::error_code ec) {
  write_in_flight_ = false;
  if (state_ == state::failed)
    return;
  if (ec)
    return fail(describe("write", ec));
  flush();
}

void client::fail(std::string reason) {
  if (state_ == state::failed)
    return;
  was_ready_ = state_ == state::ready;
  state_ = state::failed;
  close_sockets();
  observer_.on_failed(*this, reason);
}

void client::abort() {
  if (state_ == state::failed)
    return;
  state_ = state::failed;
  close_sockets();
}

void client::close_sockets() {
  if (ticket_socket_)
    drop(*ticket_socket_);
  drop(socket_);
}

} // namespace bench
