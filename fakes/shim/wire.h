#pragma once

// The wire format between rundrill-shim and the drill's Unix socket server.
//
// Header-only and dependency-free (standard library only) so that the shim, which must
// stay tiny, and the simulator share one definition.
//
// One connection carries exactly one call: the shim sends one request frame, the server
// answers with one response frame and closes.
//
// Frame   = Header Payload
// Header  = magic "RDSH" (4 bytes) | version u16 | kind u16 | payload size u32   (12 bytes)
// Request payload  = argc u32, argc × Bytes (argv[0] is the program's base name),
//                    Bytes stdin, Bytes cwd, envc u32, envc × (Bytes name, Bytes value)
// Response payload = Bytes stdout, Bytes stderr, exit code i32
// Bytes   = length u32, then that many raw bytes (binary-safe: NULs and any byte value)
// Every integer is big-endian. A payload must be consumed exactly: trailing bytes, counts
// that overrun the payload, an unknown kind, a foreign magic or another version are all
// rejected. The magic and the version come first in every version of the format, so a
// shim and a simulator from different builds always detect each other and fail loudly.
//
// The step id and the sequence number of a call are not on the wire: the server assigns
// them (it knows which step it is running, and numbers calls in arrival order).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rundrill::wire {

inline constexpr char kMagic[4] = {'R', 'D', 'S', 'H'};
inline constexpr uint16_t kVersion = 1;
inline constexpr std::size_t kHeaderSize = 12;
// Larger payloads are refused before anything is allocated (guards against garbage sizes).
inline constexpr uint32_t kMaxPayloadSize = 256u * 1024u * 1024u;

enum class FrameKind : uint16_t { kRequest = 1, kResponse = 2 };

struct Request {
  std::vector<std::string> argv;
  std::string stdin_data;
  std::string cwd;
  std::map<std::string, std::string> env;

  bool operator==(const Request&) const = default;
};

struct Response {
  std::string stdout_data;
  std::string stderr_data;
  int32_t exit_code = 0;

  bool operator==(const Response&) const = default;
};

namespace internal {

inline void PutU32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xff));
  out.push_back(static_cast<char>((v >> 16) & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

inline void PutU16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

inline void PutBytes(std::string& out, std::string_view bytes) {
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes.data(), bytes.size());
}

inline uint32_t GetU32(const char* p) {
  return (uint32_t{static_cast<unsigned char>(p[0])} << 24) |
         (uint32_t{static_cast<unsigned char>(p[1])} << 16) |
         (uint32_t{static_cast<unsigned char>(p[2])} << 8) |
         uint32_t{static_cast<unsigned char>(p[3])};
}

inline uint16_t GetU16(const char* p) {
  return static_cast<uint16_t>((static_cast<unsigned char>(p[0]) << 8) |
                               static_cast<unsigned char>(p[1]));
}

inline std::string Frame(FrameKind kind, const std::string& payload) {
  std::string out;
  out.reserve(kHeaderSize + payload.size());
  out.append(kMagic, sizeof(kMagic));
  PutU16(out, kVersion);
  PutU16(out, static_cast<uint16_t>(kind));
  PutU32(out, static_cast<uint32_t>(payload.size()));
  out += payload;
  return out;
}

// Reads from a payload, remembering the first failure.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool U32(uint32_t* v) {
    if (data_.size() - pos_ < 4) return Fail("truncated integer");
    *v = GetU32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool Bytes(std::string* out) {
    uint32_t n = 0;
    if (!U32(&n)) return false;
    if (data_.size() - pos_ < n) return Fail("byte string overruns the payload");
    out->assign(data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  // A count of items, each at least `min_item_size` bytes long: bounded by what is left, so
  // a garbled count cannot make the decoder reserve or loop absurdly.
  bool Count(uint32_t* n, std::size_t min_item_size) {
    if (!U32(n)) return false;
    if (*n > (data_.size() - pos_) / min_item_size) return Fail("item count overruns the payload");
    return true;
  }
  bool Finish() {
    if (pos_ != data_.size()) return Fail("trailing bytes after the payload");
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  bool Fail(const char* what) {
    if (error_.empty()) error_ = what;
    return false;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace internal

inline std::string EncodeRequest(const Request& request) {
  std::string payload;
  internal::PutU32(payload, static_cast<uint32_t>(request.argv.size()));
  for (const std::string& arg : request.argv) internal::PutBytes(payload, arg);
  internal::PutBytes(payload, request.stdin_data);
  internal::PutBytes(payload, request.cwd);
  internal::PutU32(payload, static_cast<uint32_t>(request.env.size()));
  for (const auto& [name, value] : request.env) {
    internal::PutBytes(payload, name);
    internal::PutBytes(payload, value);
  }
  return internal::Frame(FrameKind::kRequest, payload);
}

inline std::string EncodeResponse(const Response& response) {
  std::string payload;
  internal::PutBytes(payload, response.stdout_data);
  internal::PutBytes(payload, response.stderr_data);
  internal::PutU32(payload, static_cast<uint32_t>(response.exit_code));
  return internal::Frame(FrameKind::kResponse, payload);
}

// Checks the first kHeaderSize bytes of a frame. On success stores the payload size that
// follows. On failure stores a message that names the problem (a version mismatch says
// which versions met).
inline bool ParseHeader(std::string_view header, FrameKind expected_kind, uint32_t* payload_size,
                        std::string* error) {
  if (header.size() < kHeaderSize) {
    *error = "truncated frame header (" + std::to_string(header.size()) + " of " +
             std::to_string(kHeaderSize) + " bytes)";
    return false;
  }
  if (std::string_view(header.data(), 4) != std::string_view(kMagic, 4)) {
    *error = "not a rundrill frame (bad magic)";
    return false;
  }
  uint16_t version = internal::GetU16(header.data() + 4);
  if (version != kVersion) {
    *error = "wire protocol version mismatch: peer speaks version " + std::to_string(version) +
             ", this side speaks version " + std::to_string(kVersion) +
             "; rundrill and rundrill-shim come from different builds";
    return false;
  }
  uint16_t kind = internal::GetU16(header.data() + 6);
  if (kind != static_cast<uint16_t>(expected_kind)) {
    *error = "unexpected frame kind " + std::to_string(kind);
    return false;
  }
  uint32_t size = internal::GetU32(header.data() + 8);
  if (size > kMaxPayloadSize) {
    *error = "frame payload too large (" + std::to_string(size) + " bytes)";
    return false;
  }
  *payload_size = size;
  return true;
}

inline bool DecodeRequestPayload(std::string_view payload, Request* out, std::string* error) {
  internal::Reader reader(payload);
  Request request;
  uint32_t argc = 0;
  bool ok = reader.Count(&argc, 4);
  for (uint32_t i = 0; ok && i < argc; ++i) {
    std::string arg;
    ok = reader.Bytes(&arg);
    request.argv.push_back(std::move(arg));
  }
  ok = ok && reader.Bytes(&request.stdin_data) && reader.Bytes(&request.cwd);
  uint32_t envc = 0;
  ok = ok && reader.Count(&envc, 8);
  for (uint32_t i = 0; ok && i < envc; ++i) {
    std::string name, value;
    ok = reader.Bytes(&name) && reader.Bytes(&value);
    if (ok && !request.env.emplace(std::move(name), std::move(value)).second) {
      *error = "malformed request: duplicate environment variable";
      return false;
    }
  }
  ok = ok && reader.Finish();
  if (!ok) {
    *error = "malformed request: " + reader.error();
    return false;
  }
  *out = std::move(request);
  return true;
}

inline bool DecodeResponsePayload(std::string_view payload, Response* out, std::string* error) {
  internal::Reader reader(payload);
  Response response;
  uint32_t code = 0;
  if (!(reader.Bytes(&response.stdout_data) && reader.Bytes(&response.stderr_data) &&
        reader.U32(&code) && reader.Finish())) {
    *error = "malformed response: " + reader.error();
    return false;
  }
  response.exit_code = static_cast<int32_t>(code);
  *out = std::move(response);
  return true;
}

// Whole-frame decoders, for callers holding a complete frame in memory: the frame must be
// exactly one header plus its payload.
inline bool DecodeRequestFrame(std::string_view frame, Request* out, std::string* error) {
  uint32_t size = 0;
  if (!ParseHeader(frame, FrameKind::kRequest, &size, error)) return false;
  if (frame.size() - kHeaderSize != size) {
    *error = "frame length " + std::to_string(frame.size() - kHeaderSize) +
             " does not match the header's payload size " + std::to_string(size);
    return false;
  }
  return DecodeRequestPayload(frame.substr(kHeaderSize), out, error);
}

inline bool DecodeResponseFrame(std::string_view frame, Response* out, std::string* error) {
  uint32_t size = 0;
  if (!ParseHeader(frame, FrameKind::kResponse, &size, error)) return false;
  if (frame.size() - kHeaderSize != size) {
    *error = "frame length " + std::to_string(frame.size() - kHeaderSize) +
             " does not match the header's payload size " + std::to_string(size);
    return false;
  }
  return DecodeResponsePayload(frame.substr(kHeaderSize), out, error);
}

}  // namespace rundrill::wire
