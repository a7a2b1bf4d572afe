// The shim frames of the fuzzers' corpus (tests/corpus/fuzz/wire/): real frames decode and
// encode back to the same bytes; any other input there (one a fuzzer once crashed on) is
// rejected with a message, and never crashes the decoders.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "fakes/shim/wire.h"

namespace rundrill::wire {
namespace {

namespace fs = std::filesystem;

TEST(WireCorpusTest, SeedsRoundTripAndOthersAreRejectedCleanly) {
  std::set<fs::path> corpus;  // sorted, so failures read the same everywhere
  for (const auto& entry :
       fs::directory_iterator(fs::path(RUNDRILL_SOURCE_DIR) / "tests/corpus/fuzz/wire")) {
    corpus.insert(entry.path());
  }
  ASSERT_FALSE(corpus.empty());
  for (const fs::path& path : corpus) {
    std::ifstream in(path, std::ios::binary);
    const std::string frame((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Request request;
    Response response;
    std::string request_error, response_error;
    const bool is_request = DecodeRequestFrame(frame, &request, &request_error);
    const bool is_response = DecodeResponseFrame(frame, &response, &response_error);
    if (path.extension() == ".bin") {
      // A real frame, as the shim or the drill sends it.
      ASSERT_TRUE(is_request || is_response) << path << ": " << request_error;
      EXPECT_EQ(is_request ? EncodeRequest(request) : EncodeResponse(response), frame) << path;
    } else {
      EXPECT_TRUE(is_request || !request_error.empty()) << path;
      EXPECT_TRUE(is_response || !response_error.empty()) << path;
    }
  }
}

}  // namespace
}  // namespace rundrill::wire
