// "Did you mean" for misspelt names: the scenario loader's (unknown keys,
// unknown references) and `--set` keys' (source.h).
//
//   const auto s = scenario::suggestions("launcher", {"name", "launchers"});
//   std::string hint = scenario::did_you_mean(s);  // "; did you mean 'launchers'?"
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace canopy::scenario {

// Edit distance with swaps of neighbours (optimal string alignment),
// ignoring case.
inline int edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

// Names a misspelt word probably meant: those that add a unit suffix to it
// ("radius" -> "radius_km"), else the nearest by edit distance when it is
// close enough.
inline std::vector<std::string> suggestions(std::string_view word,
                                            const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& n : names) {
    if (!word.empty() && n.size() > word.size() + 1 && n.starts_with(word) &&
        n[word.size()] == '_') {
      out.push_back(n);
    }
  }
  if (!out.empty()) return out;
  const int limit = std::max(word.size() >= 5 ? 2 : 1, static_cast<int>(word.size()) / 3);
  int best = limit + 1;
  for (const std::string& n : names) {
    const int d = edit_distance(word, n);
    if (d < best) {
      best = d;
      out = {n};
    }
  }
  return out;
}

// "; did you mean 'a'?" or "; did you mean 'a' or 'b'?", or "".
inline std::string did_you_mean(const std::vector<std::string>& s) {
  if (s.empty()) return "";
  std::string out = "; did you mean ";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0) out += i + 1 == s.size() ? " or " : ", ";
    out += "'" + s[i] + "'";
  }
  return out + "?";
}

// "'a', 'b', 'c'".
inline std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

}  // namespace canopy::scenario
