#include "pg/replication_protocol.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <limits>

namespace pg2iceberg::pg {
namespace {

Bytes Of(std::initializer_list<int> bytes) {
  Bytes out;
  for (int b : bytes) out.push_back(static_cast<std::byte>(b));
  return out;
}

// 'w', data_start 0/16B3748, wal_end 0/16B3800, send_time 1, payload "hi".
const Bytes kXLogData = Of({'w',  0,    0,    0, 0, 0x01, 0x6b, 0x37, 0x48, 0, 0, 0,   0,  0x01,
                            0x6b, 0x38, 0x00, 0, 0, 0,    0,    0,    0,    0, 1, 'h', 'i'});
// 'k', wal_end 1/00000002, send_time -1, reply requested.
const Bytes kKeepalive =
    Of({'k', 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1});

TEST(ReplicationProtocolTest, ParsesXLogDataAndBorrowsPayload) {
  Result<ReplicationMessage> parsed = ParseReplicationMessage(kXLogData);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const auto& data = std::get<XLogData>(*parsed);
  EXPECT_EQ(data.data_start, 0x16B3748u);
  EXPECT_EQ(data.wal_end, 0x16B3800u);
  EXPECT_EQ(data.send_time_pg_micros, 1);
  EXPECT_EQ(AsStringView(data.payload), "hi");
  EXPECT_EQ(data.payload.data(), kXLogData.data() + 25);
}

TEST(ReplicationProtocolTest, XLogDataMayHaveAnEmptyPayload) {
  Bytes header(kXLogData.begin(), kXLogData.begin() + 25);
  Result<ReplicationMessage> parsed = ParseReplicationMessage(header);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(std::get<XLogData>(*parsed).payload.empty());
}

TEST(ReplicationProtocolTest, ParsesKeepalive) {
  Result<ReplicationMessage> parsed = ParseReplicationMessage(kKeepalive);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const auto& keepalive = std::get<PrimaryKeepalive>(*parsed);
  EXPECT_EQ(keepalive.wal_end, 0x100000002u);
  EXPECT_EQ(keepalive.send_time_pg_micros, -1);
  EXPECT_TRUE(keepalive.reply_requested);
}

TEST(ReplicationProtocolTest, EveryTruncationIsDataLoss) {
  for (size_t size = 0; size < 25; ++size) {
    EXPECT_EQ(ParseReplicationMessage(ByteSpan(kXLogData).first(size)).status().code(),
              StatusCode::kDataLoss)
        << size;
  }
  for (size_t size = 0; size < kKeepalive.size(); ++size) {
    EXPECT_EQ(ParseReplicationMessage(ByteSpan(kKeepalive).first(size)).status().code(),
              StatusCode::kDataLoss)
        << size;
  }
}

TEST(ReplicationProtocolTest, RejectsUnknownTypesTrailingBytesAndBadFlags) {
  Result<ReplicationMessage> unknown = ParseReplicationMessage(Of({'x', 1, 2}));
  EXPECT_EQ(unknown.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(unknown.status().message().find("'x'"), std::string::npos);
  EXPECT_NE(ParseReplicationMessage(Of({0x01})).status().message().find("0x01"), std::string::npos);
  Bytes longer = kKeepalive;
  longer.push_back(std::byte{0});
  EXPECT_EQ(ParseReplicationMessage(longer).status().code(), StatusCode::kDataLoss);
  Bytes bad_flag = kKeepalive;
  bad_flag.back() = std::byte{2};
  EXPECT_EQ(ParseReplicationMessage(bad_flag).status().code(), StatusCode::kDataLoss);
}

TEST(ReplicationProtocolTest, EncodingAParsedMessageGivesItsBytesBack) {
  for (const Bytes& message : {kXLogData, kKeepalive}) {
    Result<ReplicationMessage> parsed = ParseReplicationMessage(message);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(EncodeReplicationMessage(*parsed), message);
  }
}

TEST(ReplicationProtocolTest, EncodesStandbyStatusUpdate) {
  const Bytes golden = Of({'r', 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0,    0,    2,
                           0,   0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 1});
  EXPECT_EQ(EncodeStandbyStatusUpdate(3, 2, 0x100000001, 256, true), golden);
  EXPECT_EQ(EncodeStandbyStatusUpdate(0, 0, 0, 0, false).back(), std::byte{0});
  EXPECT_EQ(EncodeStandbyStatusUpdate(0, 0, 0, 0, false).size(), 34u);
}

TEST(ReplicationProtocolTest, ConvertsBetweenUnixAndPostgresEpochs) {
  EXPECT_EQ(PgMicrosFromUnixMicros(946'684'800'000'000), 0);  // 2000-01-01
  EXPECT_EQ(PgMicrosFromUnixMicros(0), -946'684'800'000'000);
  EXPECT_EQ(*UnixMicrosFromPgMicros(0), 946'684'800'000'000);
  EXPECT_EQ(*UnixMicrosFromPgMicros(-946'684'800'000'000), 0);
  EXPECT_EQ(PgMicrosFromUnixMicros(std::numeric_limits<int64_t>::min()),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(UnixMicrosFromPgMicros(std::numeric_limits<int64_t>::max()).status().code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pg2iceberg::pg
