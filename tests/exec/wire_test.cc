#include "fakes/shim/wire.h"

#include <gtest/gtest.h>

#include <string>

namespace rundrill::wire {
namespace {

std::string AllBytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

Request SampleRequest() {
  Request request;
  request.argv = {"kubectl", "get", "pods", "-n", "payments"};
  request.stdin_data = "apiVersion: v1\n";
  request.cwd = "/tmp/rundrill-abc/home";
  request.env = {{"HOME", "/tmp/rundrill-abc/home"}, {"RUNDRILL_STEP_ID", "check-pods"}};
  return request;
}

TEST(WireTest, RequestRoundTrip) {
  Request request = SampleRequest();
  Request decoded;
  std::string error;
  ASSERT_TRUE(DecodeRequestFrame(EncodeRequest(request), &decoded, &error)) << error;
  EXPECT_EQ(decoded, request);
}

TEST(WireTest, ResponseRoundTrip) {
  Response response{"out\n", "err\n", 3};
  Response decoded;
  std::string error;
  ASSERT_TRUE(DecodeResponseFrame(EncodeResponse(response), &decoded, &error)) << error;
  EXPECT_EQ(decoded, response);
}

TEST(WireTest, EmptyRequestRoundTrip) {
  Request decoded;
  decoded.argv = {"stale"};
  std::string error;
  ASSERT_TRUE(DecodeRequestFrame(EncodeRequest(Request{}), &decoded, &error)) << error;
  EXPECT_EQ(decoded, Request{});
}

TEST(WireTest, BinarySafe) {
  Request request;
  request.argv = {"kubectl", std::string("a\0b", 3), AllBytes(), ""};
  request.stdin_data = AllBytes() + std::string(1 << 20, '\0') + AllBytes();
  request.cwd = "/dir with spaces/\n";
  request.env = {{"RUNDRILL_X", std::string("v\0w", 3)}, {"EMPTY", ""}};
  Request decoded;
  std::string error;
  ASSERT_TRUE(DecodeRequestFrame(EncodeRequest(request), &decoded, &error)) << error;
  EXPECT_EQ(decoded, request);

  Response response{AllBytes(), std::string("\0\xff", 2), 255};
  Response decoded_response;
  ASSERT_TRUE(DecodeResponseFrame(EncodeResponse(response), &decoded_response, &error)) << error;
  EXPECT_EQ(decoded_response, response);
}

TEST(WireTest, NegativeExitCodeRoundTrips) {
  Response decoded;
  std::string error;
  ASSERT_TRUE(DecodeResponseFrame(EncodeResponse(Response{"", "", -1}), &decoded, &error));
  EXPECT_EQ(decoded.exit_code, -1);
}

TEST(WireTest, HeaderLayoutIsPinned) {
  std::string frame = EncodeResponse(Response{"ab", "", 7});
  // magic, version 1, kind 2 (response), payload size 4+2 + 4+0 + 4 = 14
  EXPECT_EQ(frame.substr(0, kHeaderSize), std::string("RDSH\0\1\0\2\0\0\0\x0e", 12));
  EXPECT_EQ(frame.size(), kHeaderSize + 14);
}

TEST(WireTest, EveryTruncationRejected) {
  std::string frame = EncodeRequest(SampleRequest());
  for (size_t length = 0; length < frame.size(); ++length) {
    Request decoded;
    std::string error;
    EXPECT_FALSE(DecodeRequestFrame(std::string_view(frame).substr(0, length), &decoded, &error))
        << "prefix of " << length << " bytes accepted";
    EXPECT_FALSE(error.empty());
  }
}

TEST(WireTest, TruncatedHeaderMessage) {
  uint32_t size = 0;
  std::string error;
  EXPECT_FALSE(ParseHeader("RDSH", FrameKind::kRequest, &size, &error));
  EXPECT_EQ(error, "truncated frame header (4 of 12 bytes)");
}

TEST(WireTest, BadMagicRejected) {
  std::string frame = EncodeRequest(SampleRequest());
  frame[0] = 'X';
  Request decoded;
  std::string error;
  EXPECT_FALSE(DecodeRequestFrame(frame, &decoded, &error));
  EXPECT_EQ(error, "not a rundrill frame (bad magic)");
}

TEST(WireTest, VersionMismatchFailsLoudly) {
  std::string frame = EncodeResponse(Response{});
  frame[5] = 2;  // version 2
  Response decoded;
  std::string error;
  EXPECT_FALSE(DecodeResponseFrame(frame, &decoded, &error));
  EXPECT_EQ(error,
            "wire protocol version mismatch: peer speaks version 2, this side speaks version 1; "
            "rundrill and rundrill-shim come from different builds");
}

TEST(WireTest, WrongKindRejected) {
  Request decoded;
  std::string error;
  EXPECT_FALSE(DecodeRequestFrame(EncodeResponse(Response{}), &decoded, &error));
  EXPECT_EQ(error, "unexpected frame kind 2");
}

TEST(WireTest, OversizedPayloadRejectedFromHeader) {
  std::string header("RDSH\0\1\0\1\xff\xff\xff\xff", 12);
  uint32_t size = 0;
  std::string error;
  EXPECT_FALSE(ParseHeader(header, FrameKind::kRequest, &size, &error));
  EXPECT_EQ(error, "frame payload too large (4294967295 bytes)");
}

TEST(WireTest, TrailingBytesRejected) {
  std::string frame = EncodeResponse(Response{"x", "", 0});
  std::string payload = frame.substr(kHeaderSize) + "!";
  Response decoded;
  std::string error;
  EXPECT_FALSE(DecodeResponsePayload(payload, &decoded, &error));
  EXPECT_EQ(error, "malformed response: trailing bytes after the payload");
  // The whole-frame decoder also refuses a frame longer than its header says.
  EXPECT_FALSE(DecodeResponseFrame(frame + "!", &decoded, &error));
}

TEST(WireTest, GarbledCountsRejected) {
  // argc = 0xffffffff in a 4-byte payload must fail without allocating for it.
  Request decoded;
  std::string error;
  EXPECT_FALSE(DecodeRequestPayload(std::string("\xff\xff\xff\xff", 4), &decoded, &error));
  EXPECT_EQ(error, "malformed request: item count overruns the payload");
  // A string length running past the end.
  EXPECT_FALSE(DecodeRequestPayload(std::string("\0\0\0\1\0\0\1\0ab", 10), &decoded, &error));
  EXPECT_EQ(error, "malformed request: byte string overruns the payload");
}

TEST(WireTest, DuplicateEnvironmentRejected) {
  std::string payload;
  internal::PutU32(payload, 0);     // argc
  internal::PutBytes(payload, "");  // stdin
  internal::PutBytes(payload, "/");
  internal::PutU32(payload, 2);
  for (int i = 0; i < 2; ++i) {
    internal::PutBytes(payload, "HOME");
    internal::PutBytes(payload, "/h");
  }
  Request decoded;
  std::string error;
  EXPECT_FALSE(DecodeRequestPayload(payload, &decoded, &error));
  EXPECT_EQ(error, "malformed request: duplicate environment variable");
}

TEST(WireTest, FlippedBytesNeverCrash) {
  // Every single-byte corruption is either rejected or decodes to some request; the decoder
  // must never read out of bounds (run under ASan/valgrind to make this bite).
  std::string frame = EncodeRequest(SampleRequest());
  for (size_t i = 0; i < frame.size(); ++i) {
    for (unsigned char x : {0x01, 0x80, 0xff}) {
      std::string garbled = frame;
      garbled[i] = static_cast<char>(garbled[i] ^ x);
      Request decoded;
      std::string error;
      if (!DecodeRequestFrame(garbled, &decoded, &error)) {
        EXPECT_FALSE(error.empty());
      }
    }
  }
}

}  // namespace
}  // namespace rundrill::wire
