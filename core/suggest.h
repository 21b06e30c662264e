#pragma once
// "Did you mean" for unknown names: the known name closest to a misspelling.
#include <string>
#include <vector>

namespace splitleak {

// The entry of `known` with the smallest edit distance to `word` when that distance is at most
// max(2, |word| / 3); "" otherwise (or when `known` is empty).
std::string closest_name(const std::string& word, const std::vector<std::string>& known);

// " (did you mean 'x'?)" or "" — ready to append to a message.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& known);

}  // namespace splitleak
