// The demo page's files (dev mode only): a file under the web directory,
// never outside it.
#pragma once

#include <string>
#include <string_view>

#include "net/beast.hpp"
#include "net/http_reply.hpp"

namespace sockd::net {

/// The Content-Type for a file name, by extension.
std::string_view mime_type(std::string_view path);

/// Answers GET/HEAD of `path` (the decoded request path, `/` meaning
/// `/index.html`) from `root`: 200 with the file, 404 JSON when missing,
/// 400 JSON for `..` or other tricks.
response serve_static(const std::string& root, std::string_view path,
                      const reply_info& info, bool head);

} // namespace sockd::net
