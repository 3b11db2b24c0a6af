#pragma once

// The HTTP-JSON plumbing the Chroma and Qdrant backends share: the server's base URL from a store reference,
// one JSON request, and the error a failed reply becomes. How a reply's body is read, and how each server
// words its errors, stays with each backend.

#include <string>
#include <string_view>

#include "alith/core/http.h"
#include "alith/core/json.h"

namespace alith::store {

// base_url without trailing slashes; InvalidArgumentError naming ref unless it is http:// or https://.
// scheme is the store's prefix ("chroma"), for the message.
std::string checked_base_url(std::string base_url, std::string_view scheme, const std::string& ref);

// Sends method url with body (when not null) as application/json.
http::Response send_json(http::Client& client, const std::string& method, const std::string& url,
                         const Json* body);

// A failed reply as an error: InvalidArgumentError for bad input (400, 422, or invalid_argument), else
// IoError with the method, URL and status. store starts the message ("qdrant store").
[[noreturn]] void throw_reply_error(std::string_view store, const std::string& method, const std::string& url,
                                    int status, const std::string& message, bool invalid_argument = false);

}  // namespace alith::store
