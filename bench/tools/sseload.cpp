// sseload: a small closed-loop HTTP/1.1 load client for the benchmark's streaming scenarios, where
// wrk cannot tell when the first event arrived or whether every event came, in order.
//
//   sseload --url http://127.0.0.1:PORT/path --body-file F [--header 'Name: value']...
//           [--concurrency C] [--duration S | --per-conn N] [--ramp-ms M] [--timeout S]
//           [--expect-words N] [--rss-pids PID,PID...]
//
// C keep-alive connections each send POST requests back to back, for S seconds (requests still in
// flight then are abandoned, like wrk) or N requests each (then it waits for all of them, up to
// --timeout). One epoll thread, non-blocking sockets, loopback only.
//
// Per request it measures, from the moment the request is written:
//   ttfb     until the first complete SSE event with a data line (first body byte for non-SSE)
//   latency  until the response is complete (chunked terminator / Content-Length / close)
// With --expect-words N the prompt was "w1 w2 ... wN": the text carried by the stream (OpenAI
// chunks' choices[0].delta.content, Anthropic content_block_delta's delta.text) must contain
// w1..wN exactly once each, in order, and the stream must end with [DONE] or message_stop.
// Otherwise a response is good when its status is 2xx and, for SSE, it carries an end marker.
//
// Prints one JSON object on stdout.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

double now_s() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "sseload: %s\n", msg.c_str());
  std::exit(2);
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/";
  std::vector<std::string> headers;
  std::string body;
  int concurrency = 1;
  double duration = 0;  // seconds; 0 = use per_conn
  int per_conn = 0;
  int ramp_ms = 0;
  double timeout = 60;
  int expect_words = 0;
  std::vector<int> rss_pids;
};

struct Stats {
  uint64_t started = 0, ok = 0;
  uint64_t err_connect = 0, err_read = 0, err_status = 0, err_invalid = 0, err_timeout = 0;
  uint64_t events = 0;
  std::vector<uint32_t> latency_us, ttfb_us;
  int open_streams = 0, peak_open = 0;
  long rss_peak_kb = 0;
  std::string first_error;
  void note(const std::string& e) {
    if (first_error.empty()) first_error = e;
  }
};

enum class State { Idle, Connecting, Sending, Headers, Body, Closed };

struct Conn {
  int fd = -1;
  State st = State::Idle;
  int done_requests = 0;
  bool abandoned = false;
  // request
  size_t out_off = 0;
  double t_start = 0, t_first = 0;
  // response
  std::string in;
  int status = 0;
  bool chunked = false, until_close = false, keep_alive = true, is_sse = false, counted_open = false;
  long long content_left = -1;  // for Content-Length bodies
  long long chunk_left = -1;    // -1: expecting a size line; -2: expecting the final CRLF after 0
  bool in_chunk_crlf = false;   // data of a chunk done, its CRLF pending
  std::string sse;              // SSE bytes not yet split into events
  std::string text;             // stream text collected for --expect-words
  bool ended = false;           // [DONE] or message_stop seen
  bool stream_error = false;
  uint64_t events = 0;
};

class Load {
 public:
  explicit Load(Options o) : o_(std::move(o)) {
    std::ostringstream r;
    r << "POST " << o_.path << " HTTP/1.1\r\nHost: " << o_.host << ':' << o_.port
      << "\r\nContent-Type: application/json\r\nAccept: */*\r\n";
    for (const auto& h : o_.headers) r << h << "\r\n";
    r << "Content-Length: " << o_.body.size() << "\r\n\r\n" << o_.body;
    request_ = r.str();
    ep_ = epoll_create1(0);
    if (ep_ < 0) die("epoll_create1");
    std::memset(&addr_, 0, sizeof addr_);
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(static_cast<uint16_t>(o_.port));
    if (inet_pton(AF_INET, o_.host.c_str(), &addr_.sin_addr) != 1) die("host must be an IPv4 address: " + o_.host);
    conns_.resize(static_cast<size_t>(o_.concurrency));
  }

  Stats run() {
    const double t0 = now_s();
    start_ = t0;
    const double end = o_.duration > 0 ? t0 + o_.duration : 0;
    const double hard_end = t0 + (o_.duration > 0 ? o_.duration + o_.timeout : o_.timeout) + o_.ramp_ms / 1000.0;
    size_t launched = 0;
    double next_rss = t0;
    std::vector<epoll_event> evs(1024);
    while (true) {
      const double t = now_s();
      // Ramp: open connections evenly over ramp_ms.
      while (launched < conns_.size()) {
        double due = o_.ramp_ms > 0 ? t0 + (o_.ramp_ms / 1000.0) * launched / conns_.size() : t0;
        if (due > t) break;
        next_request(launched++);
      }
      if (!o_.rss_pids.empty() && t >= next_rss) {
        sample_rss();
        next_rss = t + 0.1;
      }
      if (end > 0 && t >= end) break;
      if (t >= hard_end) break;
      if (launched == conns_.size() && active() == 0) break;
      int n = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 5);
      if (n < 0 && errno != EINTR) die("epoll_wait");
      for (int i = 0; i < n; ++i) handle(evs[i].data.u32, evs[i].events);
      // Per-request timeout.
      if (o_.timeout > 0) {
        const double tn = now_s();
        for (size_t i = 0; i < conns_.size(); ++i) {
          Conn& c = conns_[i];
          if (c.st != State::Idle && c.st != State::Closed && c.t_start > 0 && tn - c.t_start > o_.timeout) {
            ++stats_.err_timeout;
            stats_.note("timeout");
            fail(i, false);
          }
        }
      }
    }
    const double t1 = now_s();
    if (!o_.rss_pids.empty()) sample_rss();
    // Whatever is still in flight: abandoned in duration mode, a timeout in per-conn mode.
    for (size_t i = 0; i < conns_.size(); ++i) {
      Conn& c = conns_[i];
      if (c.st != State::Idle && c.st != State::Closed && o_.duration <= 0) {
        ++stats_.err_timeout;
        stats_.note("timeout (still open at the end)");
      }
      if (c.fd >= 0) close(c.fd);
    }
    elapsed_ = (o_.duration > 0) ? std::min(t1 - t0, o_.duration) : (last_done_ > 0 ? last_done_ - t0 : t1 - t0);
    return stats_;
  }

  double elapsed() const { return elapsed_; }

 private:
  size_t active() const {
    size_t n = 0;
    for (const auto& c : conns_)
      if (c.st != State::Idle && c.st != State::Closed) ++n;
    return n;
  }

  void sample_rss() {
    long sum = 0;
    for (int pid : o_.rss_pids) {
      std::ifstream f("/proc/" + std::to_string(pid) + "/status");
      std::string line;
      while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) sum += std::strtol(line.c_str() + 6, nullptr, 10);
    }
    stats_.rss_peak_kb = std::max(stats_.rss_peak_kb, sum);
  }

  bool may_start(const Conn& c) const {
    if (o_.duration > 0) return now_s() < start_ + o_.duration;
    return c.done_requests < o_.per_conn;
  }

  void watch(size_t i, uint32_t events, bool add) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u32 = static_cast<uint32_t>(i);
    if (epoll_ctl(ep_, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, conns_[i].fd, &ev) < 0) die("epoll_ctl");
  }

  void reset_response(Conn& c) {
    c.in.clear();
    c.status = 0;
    c.chunked = c.until_close = c.is_sse = false;
    c.keep_alive = true;
    c.content_left = -1;
    c.chunk_left = -1;
    c.in_chunk_crlf = false;
    c.sse.clear();
    c.text.clear();
    c.ended = c.stream_error = false;
    c.events = 0;
    c.t_first = 0;
    c.counted_open = false;
  }

  void next_request(size_t i) {
    Conn& c = conns_[i];
    if (!may_start(c)) {
      if (c.fd >= 0) {
        close(c.fd);
        c.fd = -1;
      }
      c.st = State::Closed;
      return;
    }
    reset_response(c);
    if (c.fd < 0) {
      c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (c.fd < 0) die("socket: " + std::string(std::strerror(errno)));
      int one = 1;
      setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      int r = connect(c.fd, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_);
      c.t_start = now_s();
      ++stats_.started;
      if (r < 0 && errno != EINPROGRESS) {
        ++stats_.err_connect;
        stats_.note("connect: " + std::string(std::strerror(errno)));
        close(c.fd);
        c.fd = -1;
        c.st = State::Closed;
        return;
      }
      c.st = State::Connecting;
      c.out_off = 0;
      watch(i, EPOLLOUT | EPOLLIN, true);
      return;
    }
    c.t_start = now_s();
    ++stats_.started;
    c.st = State::Sending;
    c.out_off = 0;
    send_some(i);
  }

  void send_some(size_t i) {
    Conn& c = conns_[i];
    while (c.out_off < request_.size()) {
      ssize_t n = ::send(c.fd, request_.data() + c.out_off, request_.size() - c.out_off, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN) {
          watch(i, EPOLLOUT | EPOLLIN, false);
          return;
        }
        ++stats_.err_read;
        stats_.note("send: " + std::string(std::strerror(errno)));
        fail(i, true);
        return;
      }
      c.out_off += static_cast<size_t>(n);
    }
    c.st = State::Headers;
    watch(i, EPOLLIN, false);
  }

  void handle(uint32_t idx, uint32_t events) {
    Conn& c = conns_[idx];
    if (c.fd < 0) return;
    if (c.st == State::Connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
        ++stats_.err_connect;
        stats_.note("connect: " + std::string(std::strerror(err ? err : ECONNREFUSED)));
        fail(idx, false);
        return;
      }
      c.st = State::Sending;
      send_some(idx);
      return;
    }
    if (c.st == State::Sending && (events & EPOLLOUT)) send_some(idx);
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    char buf[65536];
    while (true) {
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        if (!parse(idx)) return;  // finished or failed (the conn may have moved on)
        if (static_cast<size_t>(n) < sizeof buf) return;
        continue;
      }
      if (n == 0) {
        on_eof(idx);
        return;
      }
      if (errno == EAGAIN || errno == EINTR) return;
      ++stats_.err_read;
      stats_.note("recv: " + std::string(std::strerror(errno)));
      fail(idx, false);
      return;
    }
  }

  void on_eof(size_t i) {
    Conn& c = conns_[i];
    if (c.st == State::Body && c.until_close) {
      complete(i, false);
      return;
    }
    ++stats_.err_read;
    stats_.note(c.st == State::Headers && c.in.empty() ? "connection closed before an answer"
                                                       : "connection closed mid-response");
    fail(i, false);
  }

  // A failed request: counted by the caller; the connection is closed and the slot goes on.
  void fail(size_t i, bool) {
    Conn& c = conns_[i];
    if (c.counted_open) {
      --stats_.open_streams;
      c.counted_open = false;
    }
    if (c.fd >= 0) {
      close(c.fd);
      c.fd = -1;
    }
    ++c.done_requests;
    c.st = State::Idle;
    last_done_ = now_s();
    next_request(i);
  }

  void complete(size_t i, bool reusable) {
    Conn& c = conns_[i];
    const double t = now_s();
    last_done_ = t;
    if (c.counted_open) {
      --stats_.open_streams;
      c.counted_open = false;
    }
    bool good = c.status >= 200 && c.status < 300;
    if (!good) {
      ++stats_.err_status;
      stats_.note("HTTP " + std::to_string(c.status) + ": " + c.text.substr(0, 300));
    } else if (c.is_sse && (!c.ended || c.stream_error)) {
      good = false;
      ++stats_.err_invalid;
      stats_.note(c.stream_error ? "stream carried an error event" : "stream ended without [DONE]/message_stop");
    } else if (c.is_sse && o_.expect_words > 0 && !words_in_order(c.text, o_.expect_words)) {
      good = false;
      ++stats_.err_invalid;
      stats_.note("events out of order or missing: " + c.text.substr(0, 200));
    }
    // Only requests that finished inside the measuring window count (like wrk).
    const bool in_window = o_.duration <= 0 || t <= start_ + o_.duration;
    if (good && in_window) {
      ++stats_.ok;
      stats_.events += c.events;
      stats_.latency_us.push_back(static_cast<uint32_t>((t - c.t_start) * 1e6));
      const double first = c.t_first > 0 ? c.t_first : t;
      stats_.ttfb_us.push_back(static_cast<uint32_t>((first - c.t_start) * 1e6));
    }
    ++c.done_requests;
    if (!reusable || !c.keep_alive) {
      close(c.fd);
      c.fd = -1;
    }
    c.st = State::Idle;
    next_request(i);
  }

  // w1 .. wN, each once, in order, and nothing else that looks like a w-token.
  static bool words_in_order(const std::string& text, int n) {
    int expect = 1;
    size_t p = 0;
    while (p < text.size()) {
      if (text[p] == 'w' && (p == 0 || !std::isalnum(static_cast<unsigned char>(text[p - 1]))) && p + 1 < text.size() &&
          std::isdigit(static_cast<unsigned char>(text[p + 1]))) {
        size_t q = p + 1;
        long v = 0;
        while (q < text.size() && std::isdigit(static_cast<unsigned char>(text[q]))) v = v * 10 + (text[q++] - '0');
        if (v != expect) return false;
        ++expect;
        p = q;
      } else {
        ++p;
      }
    }
    return expect == n + 1;
  }

  static std::string lower(std::string_view s) {
    std::string r(s);
    for (auto& ch : r) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return r;
  }

  // Parses what is buffered. Returns false when the request finished or failed.
  bool parse(size_t i) {
    Conn& c = conns_[i];
    if (c.st == State::Headers) {
      size_t e = c.in.find("\r\n\r\n");
      if (e == std::string::npos) return true;
      std::string_view head(c.in.data(), e);
      size_t sp = head.find(' ');
      if (head.rfind("HTTP/1.", 0) != 0 || sp == std::string_view::npos) {
        ++stats_.err_read;
        stats_.note("not an HTTP response");
        fail(i, false);
        return false;
      }
      c.status = std::atoi(std::string(head.substr(sp + 1, 3)).c_str());
      if (head.rfind("HTTP/1.0", 0) == 0) c.keep_alive = false;
      size_t pos = head.find("\r\n");
      while (pos != std::string_view::npos && pos < head.size()) {
        size_t next = head.find("\r\n", pos + 2);
        std::string_view line = head.substr(pos + 2, (next == std::string_view::npos ? head.size() : next) - pos - 2);
        size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
          std::string name = lower(line.substr(0, colon));
          std::string_view v = line.substr(colon + 1);
          while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
          std::string value = lower(v);
          if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) c.chunked = true;
          else if (name == "content-length") c.content_left = std::atoll(value.c_str());
          else if (name == "connection" && value.find("close") != std::string::npos) c.keep_alive = false;
          else if (name == "content-type" && value.find("text/event-stream") != std::string::npos) c.is_sse = true;
        }
        pos = next;
      }
      c.in.erase(0, e + 4);
      if (!c.chunked && c.content_left < 0) {
        c.until_close = true;
        c.keep_alive = false;
      }
      c.st = State::Body;
      if (c.is_sse && !c.counted_open) {
        c.counted_open = true;
        stats_.peak_open = std::max(stats_.peak_open, ++stats_.open_streams);
      }
      if (!c.chunked && c.content_left == 0) {
        complete(i, true);
        return false;
      }
    }
    if (c.st != State::Body) return true;
    if (c.chunked) {
      while (true) {
        if (c.in_chunk_crlf) {
          if (c.in.size() < 2) return true;
          c.in.erase(0, 2);
          c.in_chunk_crlf = false;
          c.chunk_left = -1;
        }
        if (c.chunk_left == -1) {
          size_t e = c.in.find("\r\n");
          if (e == std::string::npos) return true;
          long long size = std::strtoll(c.in.c_str(), nullptr, 16);
          c.in.erase(0, e + 2);
          if (size == 0) {
            c.chunk_left = -2;
          } else {
            c.chunk_left = size;
          }
        }
        if (c.chunk_left == -2) {
          // Trailers (none expected) end with an empty line.
          size_t e = c.in.find("\r\n");
          if (e == std::string::npos) return true;
          if (e != 0) {
            c.in.erase(0, e + 2);
            continue;
          }
          c.in.erase(0, 2);
          complete(i, true);
          return false;
        }
        if (c.in.empty()) return true;
        size_t take = static_cast<size_t>(std::min<long long>(c.chunk_left, static_cast<long long>(c.in.size())));
        body(c, std::string_view(c.in.data(), take));
        c.in.erase(0, take);
        c.chunk_left -= static_cast<long long>(take);
        if (c.chunk_left == 0) c.in_chunk_crlf = true;
        else return true;
      }
    }
    if (c.content_left >= 0) {
      size_t take = static_cast<size_t>(std::min<long long>(c.content_left, static_cast<long long>(c.in.size())));
      body(c, std::string_view(c.in.data(), take));
      c.content_left -= static_cast<long long>(take);
      c.in.erase(0, take);
      if (c.content_left == 0) {
        complete(i, true);
        return false;
      }
      return true;
    }
    // Until close.
    body(c, c.in);
    c.in.clear();
    return true;
  }

  void body(Conn& c, std::string_view data) {
    if (data.empty()) return;
    if (!c.is_sse) {
      if (c.t_first == 0) c.t_first = now_s();
      // Keep a prefix of an error answer for the report.
      if (c.status >= 300 && c.text.size() < 300) c.text.append(data.substr(0, 300));
      return;
    }
    c.sse.append(data);
    size_t start = 0;
    while (true) {
      size_t e = c.sse.find("\n\n", start);
      size_t sep = 2;
      size_t e2 = c.sse.find("\r\n\r\n", start);
      if (e2 != std::string::npos && (e == std::string::npos || e2 < e)) {
        e = e2;
        sep = 4;
      }
      if (e == std::string::npos) break;
      event(c, std::string_view(c.sse).substr(start, e - start));
      start = e + sep;
    }
    c.sse.erase(0, start);
  }

  void event(Conn& c, std::string_view ev) {
    std::string data;
    bool has_data = false;
    size_t p = 0;
    while (p <= ev.size()) {
      size_t e = ev.find('\n', p);
      std::string_view line = ev.substr(p, (e == std::string_view::npos ? ev.size() : e) - p);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.rfind("data:", 0) == 0) {
        line.remove_prefix(5);
        if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        if (has_data) data += '\n';
        data.append(line);
        has_data = true;
      }
      if (e == std::string_view::npos) break;
      p = e + 1;
    }
    if (!has_data) return;
    if (c.t_first == 0) c.t_first = now_s();
    ++c.events;
    if (data == "[DONE]") {
      c.ended = true;
      return;
    }
    Json j = Json::parse(data, nullptr, false);
    if (!j.is_object()) return;
    if (auto ch = j.find("choices"); ch != j.end() && ch->is_array() && !ch->empty()) {
      const Json& d = (*ch)[0].value("delta", Json::object());
      if (auto t = d.find("content"); t != d.end() && t->is_string()) c.text += t->get<std::string>();
    }
    if (auto t = j.find("type"); t != j.end() && t->is_string()) {
      const std::string& type = t->get_ref<const std::string&>();
      if (type == "content_block_delta") {
        const Json& d = j.value("delta", Json::object());
        if (auto x = d.find("text"); x != d.end() && x->is_string()) c.text += x->get<std::string>();
      } else if (type == "message_stop") {
        c.ended = true;
      } else if (type == "error") {
        c.stream_error = true;
      }
    }
    if (j.contains("error") && !j["error"].is_null()) c.stream_error = true;
  }

  Options o_;
  std::string request_;
  int ep_ = -1;
  sockaddr_in addr_{};
  std::vector<Conn> conns_;
  Stats stats_;
  double start_ = 0, last_done_ = 0, elapsed_ = 0;
};

uint32_t pct(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

Options parse_args(int argc, char** argv) {
  Options o;
  std::string url;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--url") url = next();
    else if (a == "--header") o.headers.push_back(next());
    else if (a == "--body-file") {
      std::ifstream f(next(), std::ios::binary);
      if (!f) die("cannot read the body file");
      std::ostringstream ss;
      ss << f.rdbuf();
      o.body = ss.str();
    } else if (a == "--body") o.body = next();
    else if (a == "--concurrency") o.concurrency = std::atoi(next().c_str());
    else if (a == "--duration") o.duration = std::atof(next().c_str());
    else if (a == "--per-conn") o.per_conn = std::atoi(next().c_str());
    else if (a == "--ramp-ms") o.ramp_ms = std::atoi(next().c_str());
    else if (a == "--timeout") o.timeout = std::atof(next().c_str());
    else if (a == "--expect-words") o.expect_words = std::atoi(next().c_str());
    else if (a == "--rss-pids") {
      std::stringstream ss(next());
      std::string p;
      while (std::getline(ss, p, ','))
        if (!p.empty()) o.rss_pids.push_back(std::atoi(p.c_str()));
    } else die("unknown option " + a);
  }
  if (url.rfind("http://", 0) != 0) die("--url must be http://HOST:PORT/PATH");
  std::string rest = url.substr(7);
  size_t slash = rest.find('/');
  std::string hp = rest.substr(0, slash);
  o.path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = hp.rfind(':');
  if (colon == std::string::npos) die("--url needs a port");
  o.host = hp.substr(0, colon);
  o.port = std::atoi(hp.c_str() + colon + 1);
  if (o.concurrency < 1) die("--concurrency must be >= 1");
  if (o.duration <= 0 && o.per_conn <= 0) o.per_conn = 1;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse_args(argc, argv);
  Load load(o);
  Stats s = load.run();
  const double el = load.elapsed();
  const uint64_t errors = s.err_connect + s.err_read + s.err_status + s.err_invalid + s.err_timeout;
  Json out = {
      {"requests", s.ok + errors},
      {"ok", s.ok},
      {"errors", errors},
      {"err_connect", s.err_connect},
      {"err_read", s.err_read},
      {"err_status", s.err_status},
      {"err_invalid", s.err_invalid},
      {"err_timeout", s.err_timeout},
      {"duration_s", el},
      {"rps", el > 0 ? static_cast<double>(s.ok) / el : 0.0},
      {"lat_p50_us", pct(s.latency_us, 50)},
      {"lat_p99_us", pct(s.latency_us, 99)},
      {"ttfb_p50_us", pct(s.ttfb_us, 50)},
      {"ttfb_p99_us", pct(s.ttfb_us, 99)},
      {"events", s.events},
      {"peak_open", s.peak_open},
      {"rss_peak_kb", s.rss_peak_kb},
      {"first_error", s.first_error},
  };
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
