// S3 answers as the object store client reads them: a ListObjectsV2 page, the errors of a
// DeleteObjects answer, an InitiateMultipartUpload answer, and an error response (its body's
// code and message, classified with its HTTP status).
//
// Input: the HTTP status (two bytes, big-endian), then the XML body.
#include <cstdint>
#include <string>

#include "env/http_transport.h"
#include "fuzz_input.h"
#include "s3/s3_errors.h"
#include "s3/s3_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const int status = in.U16();
  const ByteSpan body = in.Rest();
  const std::string_view xml = fuzz::FuzzInput::Text(body);
  (void)s3::ParseListObjectsV2(xml);
  (void)s3::ParseDeleteErrors(xml);
  (void)s3::ParseUploadId(xml);
  (void)s3::XmlFirstText(xml, "Key");
  HttpResponse response{.status = status, .body = Bytes(body.begin(), body.end())};
  (void)s3::S3ResponseStatus(response, "bucket", "GET key");
  return 0;
}
