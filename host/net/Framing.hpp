// The message-framing rules of RFC 9112 that Poco 1.11 does not enforce, checked on a parsed
// request head before any handler runs. A proxy in front of us may read the framing differently
// from Poco; every ambiguity is refused (400 or 501, and the connection closes) so that no body
// byte can ever be taken for the next request (request smuggling).
#pragma once

#include <Poco/Net/HTTPRequest.h>

#include <optional>
#include <string>

namespace aicore::host::net {

struct FramingError {
  int status;  // 400, or 501 for a transfer coding we do not implement
  std::string message;
};

// - a field name with whitespace (`Content-Length : 5`, RFC 9112 5.1) -> 400
// - Content-Length together with Transfer-Encoding -> 400
// - Transfer-Encoding whose last coding is not chunked -> 400; other codings before chunked -> 501
// - Content-Length not 1*DIGIT (negative, signed, empty, too long) or two different values -> 400
//   (the same value repeated, as separate fields or a list, is accepted: RFC 9112 6.3)
std::optional<FramingError> framing_problem(const Poco::Net::HTTPRequest& req);

// The request's body length when it has one by Content-Length (validated), 0 when it has neither
// Content-Length nor Transfer-Encoding (RFC 9112 6.3: no body; Poco would read to the close),
// -1 for chunked.
int64_t declared_body_length(const Poco::Net::HTTPRequest& req);

}  // namespace aicore::host::net
