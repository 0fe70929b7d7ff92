// events.jsonl's one schema (docs/outputs.md): each event type's fields are
// listed once (event_json.cc), and the same list both writes an event and
// reads it back, so that the writer and the reader cannot drift apart:
// reading a line and writing the event again gives the line back, byte for
// byte.
//
//   out << io::to_json(event).dump() << '\n';
//   auto e = io::event_from_json(nlohmann::json::parse(line), "events.jsonl:7");
//   if (!e) std::cerr << e.error().message;   // "events.jsonl:7: missing field \"track\""
//   else if (!*e) { /* a type this build does not know: skipped */ }
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "canopy/core/error.h"
#include "canopy/sim/events.h"

namespace canopy::io {

// The JSON form of an event (field order as in docs/outputs.md).
nlohmann::ordered_json to_json(const sim::Event& event);

// Reads one event line's object. Every field the type has must be present
// and of its type; fields the type does not have are ignored, and a type
// this build does not know gives nullopt (docs/outputs.md: readers ignore
// what they do not know). Errors start with `where`. What the log does not
// hold reads as: AlertEvent::zone -1 (its index; `zone_id` holds the
// zone), AlertEvent::policy 0 (the log holds canopy's policy only).
core::Result<std::optional<sim::Event>> event_from_json(const nlohmann::json& j,
                                                        const std::string& where);

}  // namespace canopy::io
