#include "net/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace sockd::net {

namespace {

namespace fs = std::filesystem;

// The demo page is a handful of small files; anything bigger is not ours.
constexpr std::uintmax_t max_file_bytes = 8 * 1024 * 1024;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size()
         && text.compare(text.size() - suffix.size(), suffix.size(), suffix)
              == 0;
}

// A relative path made only of plain segments: no "..", ".", empty
// segments (after the leading '/'), backslashes or NULs.
bool safe_path(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return false;
  if (path.find('\\') != std::string_view::npos
      || path.find('\0') != std::string_view::npos)
    return false;
  size_t pos = 1;
  while (pos <= path.size()) {
    auto end = path.find('/', pos);
    if (end == std::string_view::npos)
      end = path.size();
    auto segment = path.substr(pos, end - pos);
    if (segment.empty() || segment == "." || segment == "..")
      return false;
    pos = end + 1;
  }
  return true;
}

} // namespace

std::string_view mime_type(std::string_view path) {
  struct entry {
    std::string_view ext;
    std::string_view type;
  };
  static constexpr entry table[] = {
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".json", "application/json"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},
  };
  for (auto& e : table)
    if (ends_with(path, e.ext))
      return e.type;
  return "application/octet-stream";
}

response serve_static(const std::string& root, std::string_view path,
                      const reply_info& info, bool head) {
  std::string rel{path};
  if (rel == "/")
    rel = "/index.html";
  if (!safe_path(rel))
    return error_reply(info, http::status::bad_request, "bad_request",
                       "bad path");
  std::error_code ec;
  auto file = fs::path{root} / rel.substr(1);
  auto size = fs::file_size(file, ec);
  if (ec || !fs::is_regular_file(file, ec) || size > max_file_bytes)
    return error_reply(info, http::status::not_found, "not_found",
                       "no such file");
  std::ifstream in{file, std::ios::binary};
  std::string body{std::istreambuf_iterator<char>{in},
                   std::istreambuf_iterator<char>{}};
  if (!in.good() && !in.eof())
    return error_reply(info, http::status::not_found, "not_found",
                       "cannot read file");
  response res{http::status::ok, info.version};
  res.set(http::field::content_type, mime_type(rel));
  res.set(http::field::cache_control, "no-cache");
  auto length = body.size();
  if (!head)
    res.body() = std::move(body);
  finish_reply(info, res);
  if (head)
    res.content_length(length);
  return res;
}

} // namespace sockd::net
