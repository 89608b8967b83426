// What a websocket_session reads and writes through, chosen at compile time
// (websocket_session<Stream> is instantiated for both): the plain socket,
// on which the session keeps its raw path (readiness waits, non-blocking
// reads, one gathered sendmsg per burst), or the TLS stream of the listen
// port (net/tls_stream.hpp). A template rather than an interface: the plain
// path must not pay a virtual call or a branch per frame, nor a byte per
// idle socket, for a mode it does not use.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <utility>

#include "net/beast.hpp"
#include "net/tls_stream.hpp"

namespace sockd::net {

template <class Stream>
struct ws_transport;

template <>
struct ws_transport<tcp::socket> {
  static constexpr bool tls = false;

  explicit ws_transport(tcp::socket&& s) : stream(std::move(s)) {
    // nop
  }

  tcp::socket& socket() {
    return stream;
  }

  tcp::socket stream;
};

template <>
struct ws_transport<tls_stream> {
  static constexpr bool tls = true;

  // One TLS record's plaintext at most: a read never leaves a record half
  // decrypted for lack of room.
  static constexpr size_t read_size = 16 * 1024;

  explicit ws_transport(tls_stream&& s)
    : stream(std::move(s)),
      in(std::make_unique<std::array<char, read_size>>()) {
    // nop
  }

  tcp::socket& socket() {
    return beast::get_lowest_layer(stream).socket();
  }

  tls_stream stream;
  // The burst being written, laid out contiguously: asio's ssl::stream
  // encrypts only the first buffer of a sequence per write, so the burst's
  // frames go in as one buffer and leave as full records (one per 16 KiB),
  // not a record per frame.
  std::string out;
  // Where an asynchronous read lands (the TLS stream buffers ciphertext
  // itself, so readiness of the socket says nothing about it). Besides the
  // stream's own buffers (about 70 KiB with OpenSSL's), a TLS socket costs
  // these 16 KiB, idle or not.
  std::unique_ptr<std::array<char, read_size>> in;
};

} // namespace sockd::net
