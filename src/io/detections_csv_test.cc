#include "canopy/io/detections_csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace canopy::io {
namespace {

core::Result<Detections> read(const std::string& text, DetectionsOptions opt = {}) {
  std::istringstream in(text);
  return read_detections(in, "d.csv", opt);
}

TEST(DetectionsCsv, ReadsCartesianWithExtraColumns) {
  const auto d = read("truth_id,time_s,z_m,x_m,y_m\n7,0.1,300,1,2\n-1,0.2,301,4,5\n");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_FALSE(d->polar);
  ASSERT_EQ(d->measurements.size(), 2u);
  EXPECT_EQ(d->measurements[1].z, (Eigen::Vector3d(4, 5, 301)));
  EXPECT_EQ(d->measurements[0].id, 2u);  // the line number
}

TEST(DetectionsCsv, ReadsPolarWithSensorNamesAndOptionalRangeRate) {
  const auto d = read(
      "time_s,sensor,range_m,azimuth_rad,elevation_rad,range_rate_mps\n"
      "1.0,b,1000,0.5,0.1,-30\n1.0,a,2000,1.5,0.2,\n",
      {.sensor_names = {"a", "b"}});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_TRUE(d->polar);
  EXPECT_EQ(d->measurements[0].sensor, 1);
  EXPECT_EQ(d->measurements[0].z.size(), 4);
  EXPECT_EQ(d->measurements[1].z.size(), 3);
}

TEST(DetectionsCsv, RejectsNanWithLineNumber) {
  const auto d = read("time_s,x_m,y_m,z_m\n0,1,2,3\n0.1,nan,2,3\n");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "d.csv:3: column x_m: must be finite (not NaN or infinite)");
}

TEST(DetectionsCsv, RejectsMalformedRows) {
  EXPECT_NE(read("time_s,x_m,y_m,z_m\n0,1,2\n").error().message.find("d.csv:2: expected 4 columns"),
            std::string::npos);
  EXPECT_NE(read("time_s,x_m,y_m,z_m\n0,1,2,3x\n").error().message.find("column z_m"),
            std::string::npos);
  EXPECT_NE(read("a,b\n1,2\n").error().message.find("header must name"), std::string::npos);
  EXPECT_NE(read("").error().message.find("empty"), std::string::npos);
}

TEST(DetectionsCsv, RejectsUnknownSensor) {
  const auto d = read("time_s,sensor,range_m,azimuth_rad,elevation_rad\n0,c,1,0,0\n",
                      {.sensor_names = {"a", "b"}});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("d.csv:2: column sensor: unknown sensor 'c'"),
            std::string::npos);
}

TEST(DetectionsCsv, ReordersWithinWindowAndRejectsBeyond) {
  const auto ok = read("time_s,x_m,y_m,z_m\n1.0,1,0,0\n0.7,2,0,0\n1.2,3,0,0\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->measurements[0].z(0), 2);
  const auto bad = read("time_s,x_m,y_m,z_m\n1.0,1,0,0\n0.4,2,0,0\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("d.csv:3: column time_s: time goes back"), std::string::npos);
}

TEST(DetectionsCsv, EachRowGivesTheAxesOfItsSensorAndNoOther) {
  // a: 3-D with range rate; b: a 2-D radar; c: a passive sensor.
  const DetectionsOptions opts{
      .sensor_names = {"a", "b", "c"},
      .sensor_axes = {{.range_rate = true}, {.elevation = false}, {.range = false}}};
  const std::string header = "time_s,sensor,range_m,azimuth_rad,elevation_rad,range_rate_mps\n";
  const auto d = read(header + "1,a,1000,0.5,0.1,-30\n1,b,2000,0.6,,\n1,c,,0.7,0.2,\n", opts);
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_EQ(d->measurements.size(), 3u);
  EXPECT_EQ(d->measurements[0].z, (Eigen::Vector4d(1000, 0.5, 0.1, -30)));
  EXPECT_EQ(d->measurements[1].z, (Eigen::Vector2d(2000, 0.6)));
  EXPECT_EQ(d->measurements[2].z, (Eigen::Vector2d(0.7, 0.2)));

  EXPECT_EQ(read(header + "1,a,1000,0.5,,-30\n", opts).error().message,
            "d.csv:2: column elevation_rad: sensor 'a' measures it: give a number");
  EXPECT_EQ(read(header + "1,b,2000,0.6,0.1,\n", opts).error().message,
            "d.csv:2: column elevation_rad: sensor 'b' does not measure it: leave the cell empty");
  EXPECT_EQ(read(header + "1,c,,0.7,0.2,5\n", opts).error().message,
            "d.csv:2: column range_rate_mps: sensor 'c' does not measure it: leave the cell "
            "empty");
  EXPECT_EQ(read(header + "1,a,1000,,0.1,-30\n", opts).error().message,
            "d.csv:2: column azimuth_rad: '' is not a number");
}

TEST(DetectionsCsv, ToleratesCrlfAndBlankLines) {
  const auto d = read("time_s,x_m,y_m,z_m\r\n\r\n0,1,2,3\r\n");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->measurements.size(), 1u);
}

}  // namespace
}  // namespace canopy::io
