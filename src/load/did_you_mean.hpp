// "Did you mean" suggestions for misspelt keys, enum values and references.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace baton::load {

/// The candidate closest to `word` by edit distance (Damerau-Levenshtein, case-insensitive), if
/// it is close enough to be a plausible typo: one edit for words of up to 3 characters, else up
/// to half the word's length.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string_view>& candidates);

/// `did you mean 'x'?` for the closest candidate, or empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

/// As did_you_mean, but never empty while there are candidates: with no plausible typo, `did
/// you mean one of 'a', 'b', 'c'?` for the (at most) three nearest, ties in the given order.
std::string did_you_mean_nearest(std::string_view word,
                                 const std::vector<std::string_view>& candidates);

}  // namespace baton::load
