#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Small text helpers shared by the scenario loader: id syntax, edit distance and the
/// "did you mean" / "expected one of" endings of error messages.
namespace sim::io::detail {

/// True when `text` is a valid id: one or more of `[a-z0-9-]`.
inline bool is_valid_id(std::string_view text) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

/// A YAML number as written (`1.5e9`, `-3`, `+2`), finite; nullopt for anything else.
inline std::optional<double> parse_number(std::string_view text) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

/// A decimal integer as written; nullopt when not one (or too large for long long).
inline std::optional<long long> parse_integer(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end) return std::nullopt;
  return value;
}

/// Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The candidate closest to `word` when it is close enough to be a likely typo: at most two
/// edits away and fewer edits than the candidate has characters. Failing that, a candidate
/// whose start is at most one edit from a word of four or more characters (`budjet` ->
/// `budget_usd_per_month`). Ties go to the earlier candidate.
inline std::optional<std::string> closest_match(std::string_view word,
                                                const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const std::string& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance && d < candidate.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  if (best || word.size() < 4) return best;
  for (const std::string& candidate : candidates) {
    if (candidate.size() > word.size() &&
        edit_distance(word, std::string_view(candidate).substr(0, word.size())) <= 1) {
      return candidate;
    }
  }
  return best;
}

/// `a, b, c`; long lists end in `, ...` after `limit` items.
inline std::string join_list(const std::vector<std::string>& items, std::size_t limit = 12) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > limit) out += ", ...";
  return out;
}

/// The expectation part of a message about an unknown name: `did you mean 'x'?` when a
/// candidate is close, else `expected one of: a, b, c`, or `none_text` when there are none.
inline std::string suggest(std::string_view word, const std::vector<std::string>& candidates,
                           std::string_view none_text = "expected none") {
  if (candidates.empty()) return std::string(none_text);
  if (auto match = closest_match(word, candidates)) return "did you mean '" + *match + "'?";
  return "expected one of: " + join_list(candidates);
}

}  // namespace sim::io::detail
