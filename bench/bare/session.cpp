#include "bare/session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace bench::bare {

namespace {

std::string iso_now() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

nlohmann::json error_frame(const nlohmann::json& topic, const char* code) {
  return {{"action", "ERROR"},
          {"topic", topic},
          {"payload", {{"code", code}, {"message", code}}}};
}

} // namespace

session::session(hub& h, std::string connection_id)
  : hub_(h), id_(std::move(connection_id)) {
  // nothing else
}

void session::reply(const std::string& json) {
  send(hub_.make_frame(json));
}

void session::on_text(std::string_view text) {
  auto msg = nlohmann::json::parse(text, nullptr, false);
  if (!msg.is_object()) {
    reply(error_frame(nullptr, "bad_frame").dump());
    return;
  }
  auto payload = msg.find("payload");
  auto action = msg.find("action");
  if (action == msg.end()) {
    if (payload != msg.end() && *payload == "PING")
      reply(R"({"payload":"PONG"})");
    else if (payload == msg.end() || *payload != "PONG")
      reply(error_frame(nullptr, "bad_action").dump());
    return;
  }
  auto topic_it = msg.find("topic");
  if (topic_it == msg.end() || !topic_it->is_string()) {
    reply(error_frame(nullptr, "bad_frame").dump());
    return;
  }
  const auto& topic = topic_it->get_ref<const std::string&>();
  auto joined = std::find(topics_.begin(), topics_.end(), topic)
                != topics_.end();
  if (*action == 8) {
    if (!joined) {
      topics_.push_back(topic);
      hub_.join(topic, shared_from_this());
    }
    reply(nlohmann::json{{"action", 8}, {"topic", topic}}.dump());
    return;
  }
  if (*action == 9) {
    if (joined) {
      hub_.leave(topic, this);
      topics_.erase(std::find(topics_.begin(), topics_.end(), topic));
    }
    reply(nlohmann::json{{"action", 9}, {"topic", topic}}.dump());
    return;
  }
  if (!joined) {
    reply(error_frame(topic, "not_subscribed").dump());
    return;
  }
  nlohmann::json out{{"action", *action},
                     {"topic", topic},
                     {"sender", id_},
                     {"timestamp", iso_now()}};
  if (payload != msg.end())
    out["payload"] = std::move(*payload);
  hub_.publish(topic, hub_.make_frame(out.dump()));
}

void session::leave_all() {
  for (auto& topic : topics_)
    hub_.leave(topic, this);
  topics_.clear();
}

} // namespace bench::bare
