#include "canopy/io/event_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>
#include <string>

#include "canopy/io/run_data.h"
#include "canopy/io/test_run_dir.h"

namespace canopy::io {
namespace {

using nlohmann::json;

// Reads one line as an event, failing the test if it does not read.
sim::Event read_line(const std::string& line, const std::string& where = "test:1") {
  auto e = event_from_json(json::parse(line), where);
  EXPECT_TRUE(e.has_value()) << (e ? "" : e.error().message);
  if (!e || !*e) return sim::LaunchEvent{};
  return **e;
}

TEST(EventJson, EveryLineOfARunReadsBackToItself) {
  std::ifstream in(testing::small_run_dir() / "events.jsonl");
  std::set<std::string> types;
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    const sim::Event e = read_line(line);
    EXPECT_EQ(to_json(e).dump(), line);
    types.insert(json::parse(line)["type"].get<std::string>());
  }
  EXPECT_GT(lines, 100);
  // The small run has the chain's main event types, not every one.
  for (const char* t : {"launch", "impact", "track_start", "track_confirm", "track_end",
                        "impact_prediction", "threat_decision", "alert_on", "alert_off", "fire",
                        "intercept", "interceptor_end", "kill_assessment", "engagement_plan"})
    EXPECT_TRUE(types.contains(t)) << t;
}

// Seeded random field values.
class Randomizer {
 public:
  explicit Randomizer(std::uint32_t seed) : rng_(seed) {}
  double number() { return std::uniform_real_distribution<double>(-1e6, 1e6)(rng_); }
  int integer() { return std::uniform_int_distribution<int>(-5, 100000)(rng_); }
  bool coin() { return std::bernoulli_distribution(0.5)(rng_); }
  std::string text() {
    static const std::vector<std::string> kTexts = {"North", "", "Radar \"A\", 2", "\x1b[1m",
                                                    "a\nb"};
    return kTexts[std::uniform_int_distribution<size_t>(0, kTexts.size() - 1)(rng_)];
  }

 private:
  std::mt19937 rng_;
};

// An event line of the same type, fields and null fields as `shape`, with
// every other value drawn at random.
nlohmann::ordered_json random_line(const nlohmann::ordered_json& shape, Randomizer& r) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [key, v] : shape.items()) {
    if (key == "t" || key == "type") {
      out[key] = key == "t" ? nlohmann::ordered_json(std::abs(r.number())) : v;
    } else if (v.is_boolean()) {
      out[key] = r.coin();
    } else if (v.is_number_integer()) {
      out[key] = r.integer();
    } else if (v.is_number()) {
      out[key] = r.number();
    } else if (v.is_string()) {
      out[key] = r.text();
    } else if (v.is_array()) {
      nlohmann::ordered_json a = v;
      for (auto& x : a) {
        if (x.is_array())
          for (auto& y : x) y = r.number();
        else
          x = r.number();
      }
      out[key] = a;
    } else {
      out[key] = v;  // null: an optional left empty
    }
  }
  return out;
}

TEST(EventJson, RandomValuesOfEveryShapeRoundTrip) {
  Randomizer r(7);
  int checked = 0;
  std::ifstream in(testing::small_run_dir() / "events.jsonl");
  std::set<std::string> shapes_seen;
  for (std::string line; std::getline(in, line);) {
    const auto shape = nlohmann::ordered_json::parse(line);
    // One shape per type and per set of null fields.
    std::string key = shape["type"].get<std::string>();
    for (const auto& [k, v] : shape.items()) key += v.is_null() ? "0" : "1";
    if (!shapes_seen.insert(key).second) continue;
    for (int i = 0; i < 20; ++i) {
      const nlohmann::ordered_json j = random_line(shape, r);
      const sim::Event e = read_line(j.dump());
      // The same fields, values and order (JSON numbers in shortest
      // round-trip form, so doubles come back exactly).
      EXPECT_EQ(to_json(e).dump(), j.dump());
      ++checked;
    }
  }
  EXPECT_GT(checked, 200);
}

TEST(EventJson, MissingFieldIsNamedWithWhere) {
  auto e = event_from_json(json::parse(R"({"t": 1, "type": "engagement_hold", "reason": "x"})"),
                           "events.jsonl:3");
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().message, "events.jsonl:3: missing field \"track\"");
}

TEST(EventJson, FieldOfTheWrongKindIsNamed) {
  for (
      const auto& [line, what] : std::vector<std::pair<std::string, std::string>>{
          {R"({"t":1,"type":"kill_revoked","track":1.5,"interceptor":2,"p_alive":0,"rocket":null})",
           "field \"track\" must be an integer"},
          {R"({"t":1,"type":"kill_revoked","track":1,"interceptor":2,"p_alive":"0","rocket":null})",
           "field \"p_alive\" must be a finite number"},
          {R"({"t":1,"type":"kill_revoked","track":1,"interceptor":2,"p_alive":0,"rocket":[]})",
           "field \"rocket\" must be an integer"},
          {R"({"t":1,"type":"interceptor_end","interceptor":2,"reason":"x","p_enu_m":[1,2]})",
           "field \"p_enu_m\" must be an array of 3 finite numbers"},
          {R"({"t":1,"type":"engagement_hold","track":3000000000,"reason":"x","rocket":null})",
           "field \"track\" must be an integer"},
          {R"({"t":null,"type":"engagement_hold","track":3,"reason":"x","rocket":null})",
           "field \"t\" must be a finite number"},
          {R"({"t":1,"type":7})", "field \"type\" must be a string"},
          {R"([1, 2])", "an event must be a JSON object"}}) {
    auto e = event_from_json(json::parse(line), "f:9");
    ASSERT_FALSE(e.has_value()) << line;
    EXPECT_EQ(e.error().message, "f:9: " + what) << line;
  }
}

TEST(EventJson, UnknownTypesAndFieldsAreIgnored) {
  auto unknown = event_from_json(json::parse(R"({"t": 1, "type": "from_a_later_version"})"), "x");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_FALSE(unknown->has_value());
  const sim::Event e = read_line(
      R"({"t":2,"type":"engagement_hold","track":4,"reason":"no_window","rocket":null,"new":1})");
  const auto& hold = std::get<sim::EngagementHoldEvent>(e);
  EXPECT_EQ(hold.t_s, 2);
  EXPECT_EQ(hold.track, 4);
  EXPECT_EQ(hold.reason, "no_window");
  EXPECT_FALSE(hold.rocket.has_value());
}

TEST(EventJson, TypeNamesTheKindOfTrackAndAlertEvents) {
  const sim::Event end = read_line(
      R"({"t":5,"type":"track_end","track":2,"rocket":3,"t_meas":4.9,"reason":"misses"})");
  EXPECT_EQ(std::get<sim::TrackEvent>(end).kind, sim::TrackEvent::Kind::kEnd);
  EXPECT_EQ(std::get<sim::TrackEvent>(end).reason, "misses");
  const sim::Event on =
      read_line(R"({"t":5,"type":"alert_on","zone":"A3","track":2,"t_impact":40,"rocket":null})");
  EXPECT_TRUE(std::get<sim::AlertEvent>(on).on);
  EXPECT_EQ(std::get<sim::AlertEvent>(on).zone_id, "A3");
  EXPECT_EQ(std::get<sim::AlertEvent>(on).zone, -1);
}

TEST(EventJson, ReadRunGroupsTheLogByType) {
  auto run = read_run(testing::small_run_dir());
  ASSERT_TRUE(run.has_value()) << run.error().message;
  std::ifstream in(testing::small_run_dir() / "events.jsonl");
  size_t fires = 0;
  for (std::string line; std::getline(in, line);) fires += json::parse(line)["type"] == "fire";
  EXPECT_EQ(run->events.of<sim::FireEvent>().size(), fires);
  EXPECT_EQ(run->unknown_events, 0);
  // Zones are matched to the scenario's by id.
  for (const sim::AlertEvent& a : run->events.of<sim::AlertEvent>()) {
    ASSERT_GE(a.zone, 0);
    EXPECT_EQ(run->scenario->alert_zones[static_cast<size_t>(a.zone)].id, a.zone_id);
  }
}

}  // namespace
}  // namespace canopy::io
