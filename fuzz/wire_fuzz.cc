// Arbitrary bytes as a shim frame, through the decoders each side uses: the drill's server
// reads a header and then exactly the payload it announced (step_runner.cc), the shim reads
// a whole response frame. A decoder must reject garbage with a message and never read out of
// bounds or allocate what the bytes merely claim.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fakes/shim/wire.h"

namespace wire = rundrill::wire;

namespace {

// What decodes must encode to something that decodes to the same value: the encoder and the
// decoder agree on the format. (Not byte-equal to the input: the environment comes back
// sorted.)
void CheckRequest(std::string_view payload) {
  wire::Request request;
  std::string error;
  if (!wire::DecodeRequestPayload(payload, &request, &error)) {
    if (error.empty()) std::abort();
    return;
  }
  const std::string frame = wire::EncodeRequest(request);
  wire::Request again;
  if (!wire::DecodeRequestFrame(frame, &again, &error) || !(again == request)) std::abort();
}

void CheckResponse(std::string_view frame) {
  wire::Response response;
  std::string error;
  if (!wire::DecodeResponseFrame(frame, &response, &error)) {
    if (error.empty()) std::abort();
    return;
  }
  // A response has a single encoding, so it must come back byte for byte.
  if (wire::EncodeResponse(response) != frame) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // As the server reads a request: header, then the announced payload if that much arrived.
  uint32_t payload_size = 0;
  std::string error;
  if (wire::ParseHeader(bytes, wire::FrameKind::kRequest, &payload_size, &error)) {
    if (payload_size > wire::kMaxPayloadSize) std::abort();
    if (bytes.size() - wire::kHeaderSize >= payload_size) {
      CheckRequest(bytes.substr(wire::kHeaderSize, payload_size));
    }
  } else if (error.empty()) {
    std::abort();
  }
  wire::Request whole;
  if (!wire::DecodeRequestFrame(bytes, &whole, &error) && error.empty()) std::abort();

  // The bytes as a bare payload too, so the fuzzer need not discover the header first.
  CheckRequest(bytes);
  CheckResponse(bytes);
  return 0;
}
