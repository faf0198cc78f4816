#include "load/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

#include "load/yaml_fields.hpp"

namespace baton::load {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance, O(|a|·|b|) time: words here are short (keys, ids).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string_view>& candidates) {
  constexpr std::size_t kMaxWordLength = 128;  // Longer words are not typos of short names.
  if (word.size() > kMaxWordLength) return std::nullopt;
  std::optional<std::string> best;
  // Short words allow one edit; longer ones up to half their length ('retires' -> 'retry').
  std::size_t best_distance =
      (word.size() <= 3 ? 1 : std::max<std::size_t>(2, word.size() / 2)) + 1;
  for (auto candidate : candidates) {
    if (candidate.size() > kMaxWordLength) continue;
    std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  auto best = closest(word, candidates);
  return best ? "did you mean '" + shown(*best) + "'?" : std::string();
}

std::string did_you_mean_nearest(std::string_view word,
                                 const std::vector<std::string_view>& candidates) {
  if (auto typo = did_you_mean(word, candidates); !typo.empty() || candidates.empty()) return typo;
  constexpr std::size_t kShown = 3;
  std::vector<std::pair<std::size_t, std::size_t>> by_distance;  // (distance, index)
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    by_distance.emplace_back(edit_distance(word.substr(0, 128), candidates[i].substr(0, 128)), i);
  }
  auto count = std::min(kShown, by_distance.size());
  std::partial_sort(by_distance.begin(), by_distance.begin() + static_cast<std::ptrdiff_t>(count),
                    by_distance.end());
  std::string names;
  for (std::size_t k = 0; k < count; ++k) {
    names += (k == 0 ? "'" : ", '") + shown(candidates[by_distance[k].second]) + "'";
  }
  return count == 1 ? "did you mean " + names + "?" : "did you mean one of " + names + "?";
}

}  // namespace baton::load
